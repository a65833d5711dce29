/* The gallery: every view at every size, as PNG, SVG and PDF, into a folder, for a person to
 * look at (the layout test checks the layout; a person checks that they read well). Each PDF is
 * then read with pdffonts: its text must stay text, in fonts embedded in it and none of them
 * Type 3 (glyphs drawn as pictures, which some publishers refuse).
 * Usage: figure-gallery OUTDIR */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "figure-cases.h"
#include "figure-test-main.h"
#include "grok-fileio.h"

/* the fonts pdffonts lists in path: FALSE with the reason when one is Type 3 or not embedded,
 * or there are none */
static gboolean
check_pdf_fonts (const char *path, char **why)
{
  const char *argv[] = { "pdffonts", path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0, fonts = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    {
      *why = g_strdup_printf ("pdffonts failed: %s", error->message);
      return FALSE;
    }
  lines = g_strsplit (out, "\n", -1);
  /* two header lines, then name, type, encoding, emb, sub, uni, object, ID */
  for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      fonts++;
      if (strstr (lines[i], "Type 3") != NULL)
        {
          *why = g_strdup_printf ("a Type 3 font: %s", lines[i]);
          return FALSE;
        }
      {
        /* the columns from the end: emb, sub, uni, object, ID */
        g_auto (GStrv) fields = g_strsplit_set (lines[i], " ", -1);
        const char *emb[5] = { NULL };
        guint n = 0;
        for (guint f = 0; fields[f] != NULL; f++)
          if (fields[f][0] != '\0')
            {
              memmove (emb, emb + 1, 4 * sizeof emb[0]);
              emb[4] = fields[f];
              n++;
            }
        if (n < 5 || g_strcmp0 (emb[0], "yes") != 0)
          {
            *why = g_strdup_printf ("a font not embedded: %s", lines[i]);
            return FALSE;
          }
      }
    }
  if (fonts == 0)
    {
      *why = g_strdup ("no fonts: the text is not text");
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  static const char * const formats[] = { "png", "svg", "pdf" };
  Cases k = { 0 };
  guint written = 0, failed = 0;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  if (!grok_mkdir_p (argv[1], NULL))
    {
      fprintf (stderr, "cannot make %s\n", argv[1]);
      return 1;
    }
  cases_init (&k);
  for (guint i = 0; i < k.cases->len; i++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          const Case *c = k.cases->pdata[i];
          g_autofree char *name = g_strdup_printf ("%s-%s.%s", c->name, sizes[s].name, formats[f]);
          g_autofree char *path = g_build_filename (argv[1], name, NULL);
          g_autofree char *why = NULL;
          g_autoptr (GError) error = NULL;
          const char *pairs[] = { "Title", c->name, NULL };
          double w, h;
          GrokFigureRequest request = case_at_size (c, &sizes[s], &w, &h);

          /* a PNG at 150 DPI: enough to look at, and the gallery stays quick */
          if (!grok_figure_export (path, &request, w, h, 150, pairs, &error))
            {
              fprintf (stderr, "%s: %s\n", name, error->message);
              failed++;
              continue;
            }
          written++;
          if (f == 2 && !check_pdf_fonts (path, &why))
            {
              fprintf (stderr, "%s: %s\n", name, why);
              failed++;
            }
        }
  printf ("%u files written into %s, %u problems\n", written, argv[1], failed);
  cases_clear (&k);
  return grok_figure_test_finish (failed > 0 ? 1 : 0);
}
