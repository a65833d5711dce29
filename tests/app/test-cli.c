/* grokscope-cli as a person runs it: exit codes, one-line errors, the run folder it writes. */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <png.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "cli-helpers.h"
#include "tmp-dir.h"
#include "wait-helpers.h"

static void
test_help_version_presets (void)
{
  g_auto (Result) help = { 0 }, version = { 0 }, presets = { 0 }, bogus = { 0 };

  run_cli (&help, (const char *[]) { "--help", NULL });
  g_assert_cmpint (help.status, ==, 0);
  for (const char * const *c = (const char *[]) { "train", "resume", "fork", "measure", "figure",
                                                   "presets", "keys", NULL }; *c; c++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s ", *c);
      assert_contains (help.out, line);
    }
  run_cli (&version, (const char *[]) { "--version", NULL });
  g_assert_cmpint (version.status, ==, 0);
  assert_contains (version.out, GROK_VERSION);
  run_cli (&presets, (const char *[]) { "presets", NULL });
  g_assert_cmpint (presets.status, ==, 0);
  for (const char * const *p = (const char *[]) { "quick ", "liu-add31 ", "liu-s4 ", "liu-xor5 ", "liu-xor5-digits ", "xor2d-relu ", NULL }; *p; p++)
    assert_contains (presets.out, *p);
  run_cli (&bogus, (const char *[]) { "frobnicate", NULL });
  g_assert_cmpint (bogus.status, !=, 0);
  assert_contains (bogus.err, "frobnicate");
}

/* every command answers --help (anywhere on its line) on stdout with exit 0, listing its own
 * options, and `help COMMAND` says the same */
static void
test_command_help (void)
{
  static const struct { const char *command; const char *options[13]; } commands[] = {
    { "train", { "--out", "--set", "--steps", "--force", "--quiet" } },
    { "resume", { "--steps", "--quiet" } },
    { "fork", { "--step=", "--out", "--set", "--steps", "--force", "--quiet" } },
    { "measure", { "--step=", "--measure", "--epsilon", "--lmn-points" } },
    { "figure", { "--view", "--out", "--step=", "--size", "--dpi", "--font-size", "--lmn-points",
                  "--raster", "--smooth", "--panels", "--x", "--y" } },
    { "presets", { NULL } },
    { "keys", { "--markdown" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *command = commands[i].command;
      g_autofree char *usage = g_strdup_printf ("grokscope-cli %s [OPTION", command);
      g_auto (Result) help = { 0 }, late = { 0 }, asked = { 0 };

      run_cli (&help, (const char *[]) { command, "--help", NULL });
      g_assert_cmpint (help.status, ==, 0);
      g_assert_cmpstr (help.err, ==, "");
      assert_contains (help.out, usage);
      assert_contains (help.out, "--help");
      for (const char * const *o = commands[i].options; *o != NULL; o++)
        assert_contains (help.out, *o);
      /* options of other commands are not listed */
      if (!g_str_equal (command, "figure"))
        g_assert_null (strstr (help.out, "--raster"));
      run_cli (&late, (const char *[]) { command, "some-folder", "--help", NULL });
      g_assert_cmpint (late.status, ==, 0);
      g_assert_cmpstr (late.out, ==, help.out);
      run_cli (&asked, (const char *[]) { "help", command, NULL });
      g_assert_cmpint (asked.status, ==, 0);
      g_assert_cmpstr (asked.out, ==, help.out);
    }
}

/* a number that is not one, or out of its range, is refused (exit 1) naming the option and the
 * value, before anything is read or written */
static void
test_bad_numbers (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *out = g_build_filename (dir, "never", NULL);
  g_autofree char *png = g_build_filename (dir, "never.png", NULL);
  g_auto (Result) t = { 0 };
  static const struct { const char *option, *value; } bad[] = {
    { "--step", "abc" }, { "--step", "1e3x" }, { "--step", "-1" }, { "--step", "" },
    { "--step", "99999999999999999999" }, { "--steps", "-5" }, { "--steps", "0" },
    { "--steps", "12abc" }, { "--steps", "1000000001" }, { "--lmn-points", "1" },
    { "--lmn-points", "4097" }, { "--lmn-points", "2.5" }, { "--epsilon", "0" },
    { "--epsilon", "nan" }, { "--epsilon", "1e3x" }, { "--dpi", "300dpi" }, { "--dpi", "inf" },
    { "--font-size", "1" }, { "--raster", "15" }, { "--raster", "0x20" },
  };

  run_cli (&t, (const char *[]) { "train", "liu-s4", "--steps", "5", "--quiet", "--out", run,
                                  NULL });
  g_assert_cmpint (t.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *o = bad[i].option, *v = bad[i].value;
      /* each command that takes the option */
      const char * const lines[][12] = {
        { "train", "liu-s4", "--out", out, o, v, NULL },
        { "resume", run, o, v, NULL },
        { "fork", run, "--step", "5", "--out", out, o, v, NULL },
        { "measure", run, o, v, NULL },
        { "figure", run, "--view", "connectivity", "--out", png, o, v, NULL },
      };
      guint tried = 0;

      for (guint l = 0; l < G_N_ELEMENTS (lines); l++)
        {
          g_auto (Result) help = { 0 }, r = { 0 };
          g_autofree char *named = g_strdup_printf ("%s must be", o);
          g_autofree char *quoted = g_strdup_printf ("'%s'", v);
          g_autofree char *listed = g_strdup_printf ("%s=", o);

          run_cli (&help, (const char *[]) { lines[l][0], "--help", NULL });
          if (strstr (help.out, listed) == NULL)
            continue;
          /* fork's own --step 5 is fine: the bad one comes after it and replaces it */
          run_cli (&r, lines[l]);
          if (r.status != 1 || strstr (r.err, named) == NULL || strstr (r.err, quoted) == NULL)
            g_error ("%s %s %s: expected exit 1 naming the option and the value, got %d: %s",
                     lines[l][0], o, v, r.status, r.err);
          tried++;
        }
      g_assert_cmpuint (tried, >, 0);
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
}

/* what a refusal of option says, from the option's name to the pointer to --help */
static char *
option_reason (const char *err, const char *option)
{
  const char *from = strstr (err, option), *to = from ? strstr (from, " (see") : NULL;

  g_assert_nonnull (to);
  return g_strndup (from, to - from);
}

/* --lmn-points has one range, the engine's (measures.lmn_points): measure and figure both
 * take its ends and refuse past them, in the same words */
static void
test_lmn_points_one_range (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *csv = g_build_filename (dir, "c.csv", NULL);
  g_auto (Result) t = { 0 };

  run_cli (&t, (const char *[]) { "train", "liu-s4", "--steps", "5", "--quiet", "--out", run,
                                  NULL });
  g_assert_cmpint (t.status, ==, 0);
  for (const char * const *v = (const char *[]) { "1", "4097", "100000", NULL }; *v; v++)
    {
      g_auto (Result) m = { 0 }, f = { 0 };
      g_autofree char *why_m = NULL, *why_f = NULL;

      run_cli (&m, (const char *[]) { "measure", run, "--measure", "lmn", "--lmn-points", *v,
                                      NULL });
      run_cli (&f, (const char *[]) { "figure", run, "--view", "connectivity", "--out", csv,
                                      "--lmn-points", *v, NULL });
      g_assert_cmpint (m.status, ==, 1);
      g_assert_cmpint (f.status, ==, 1);
      assert_contains (m.err, "--lmn-points must be a whole number from 2 to 4096");
      why_m = option_reason (m.err, "--lmn-points");
      why_f = option_reason (f.err, "--lmn-points");
      g_assert_cmpstr (why_m, ==, why_f);
    }
  for (const char * const *v = (const char *[]) { "2", "4096", NULL }; *v; v++)
    {
      g_auto (Result) m = { 0 }, f = { 0 };

      run_cli (&m, (const char *[]) { "measure", run, "--measure", "lmn", "--lmn-points", *v,
                                      NULL });
      g_assert_cmpint (m.status, ==, 0);
      run_cli (&f, (const char *[]) { "figure", run, "--view", "connectivity", "--out", csv,
                                      "--lmn-points", *v, NULL });
      g_assert_cmpint (f.status, ==, 0);
    }
}

/* a bad setting is refused with one line naming the key, and nothing is written */
static void
test_bad_config (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_autofree char *cfg = g_build_filename (dir, "bad.json", NULL);
  g_auto (Result) a = { 0 }, b = { 0 }, c = { 0 };

  g_assert_true (g_file_set_contents (cfg, "{\"model\": {\"widht\": 3}}", -1, NULL));
  run_cli (&a, (const char *[]) { "train", cfg, "--out", out, NULL });
  g_assert_cmpint (a.status, ==, 1);
  assert_contains (a.err, "model.widht");
  assert_contains (a.err, "bad.json");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  run_cli (&b, (const char *[]) { "train", "quick", "--out", out, "--set", "optim.lr=-1", NULL });
  g_assert_cmpint (b.status, ==, 1);
  assert_contains (b.err, "optim.lr");
  /* one line: the only newline ends it */
  g_assert_true (strchr (b.err, '\n') == b.err + strlen (b.err) - 1);

  run_cli (&c, (const char *[]) { "train", "nonesuch", "--out", out, NULL });
  g_assert_cmpint (c.status, ==, 1);
  assert_contains (c.err, "nonesuch");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_remove (cfg);
  g_rmdir (dir);
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* metrics.csv without its wall_seconds column (found by the header) */
static char *
strip_wall (const char *csv)
{
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_auto (GStrv) header = g_strsplit (lines[0], ",", -1);
  GString *out = g_string_new (NULL);
  int wall = -1;

  for (int c = 0; header[c] != NULL; c++)
    if (g_str_equal (header[c], "wall_seconds"))
      wall = c;
  g_assert_cmpint (wall, >=, 0);
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], ",", -1);
      for (int c = 0; fields[c] != NULL; c++)
        if (c != wall)
          g_string_append_printf (out, "%s%s", c && !(c == 1 && wall == 0) ? "," : "", fields[c]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static void
test_train_writes_run (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run1 = g_build_filename (dir, "one", NULL);
  g_autofree char *run2 = g_build_filename (dir, "two", NULL);
  g_auto (Result) a = { 0 }, b = { 0 }, again = { 0 }, forced = { 0 };
  g_autofree char *m1 = NULL, *m2 = NULL, *s1 = NULL, *s2 = NULL, *config = NULL;
  const char *args[] = { "train", "liu-s4", "--steps", "60", "--set", "train.batch_size=128",
                         "--set", "train.eval_every=7", "--out", NULL, NULL };

  args[9] = run1;
  run_cli (&a, args);
  g_assert_cmpint (a.status, ==, 0);
  args[9] = run2;
  run_cli (&b, args);
  g_assert_cmpint (b.status, ==, 0);

  config = read_file (run1, "config.json");
  assert_contains (config, "\"batch_size\": 128");
  assert_contains (config, "\"steps\": 60");
  m1 = read_file (run1, "metrics.csv");
  m2 = read_file (run2, "metrics.csv");
  g_assert_true (g_str_has_prefix (m1, "step,epoch,train_loss,train_acc,test_loss,test_acc,l2_norm,wall_seconds,"));
  /* the preset turns the spectrum, complexity, LMN and local complexity on */
  assert_contains (m1, ",spectral_entropy_mean,");
  assert_contains (m1, ",complexity_bytes,");
  /* the header, rows at steps 0, 7, 14, ..., 56 and the last step 60, then the empty text
   * after the final newline */
  {
    g_auto (GStrv) lines = g_strsplit (m1, "\n", -1);
    g_assert_cmpint (g_strv_length (lines), ==, 1 + 9 + 1 + 1);
    g_assert_true (g_str_has_prefix (lines[10], "60,"));
  }
  s1 = strip_wall (m1);
  s2 = strip_wall (m2);
  g_assert_cmpstr (s1, ==, s2);

  run_cli (&again, args);
  g_assert_cmpint (again.status, ==, 1);
  assert_contains (again.err, "not empty");
  assert_contains (again.err, "--force");
  {
    const char *forced_args[] = { "train", "liu-s4", "--steps", "5", "--out", run2, "--force", NULL };
    run_cli (&forced, forced_args);
    g_assert_cmpint (forced.status, ==, 0);
  }
}

typedef struct
{
  png_uint_32 width, height, x_ppm, y_ppm;
  int         unit;
  GHashTable *text;   /* key -> value */
  guint64     pixel_hash;
} PngInfo;

/* read a PNG back with libpng: size, pHYs, tEXt and a hash of the pixels */
static void
read_png (const char *path, PngInfo *out)
{
  FILE *fp = fopen (path, "rb");
  png_structp png;
  png_infop info;
  png_textp text;
  int n_text = 0;
  png_bytep *rows;

  g_assert_nonnull (fp);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  g_assert_true (setjmp (png_jmpbuf (png)) == 0);
  png_init_io (png, fp);
  png_read_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  out->width = png_get_image_width (png, info);
  out->height = png_get_image_height (png, info);
  g_assert_true (png_get_pHYs (png, info, &out->x_ppm, &out->y_ppm, &out->unit));
  out->text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  png_get_text (png, info, &text, &n_text);
  for (int i = 0; i < n_text; i++)
    g_hash_table_insert (out->text, g_strdup (text[i].key), g_strdup (text[i].text));
  rows = png_get_rows (png, info);
  out->pixel_hash = 1469598103934665603ULL;
  for (png_uint_32 y = 0; y < out->height; y++)
    for (gsize x = 0; x < png_get_rowbytes (png, info); x++)
      out->pixel_hash = (out->pixel_hash ^ rows[y][x]) * 1099511628211ULL;
  png_destroy_read_struct (&png, &info, NULL);
  fclose (fp);
}

/* figures of a real run, read back as a person's tools would */
static void
test_figure_exports (void)
{
  const char *dir = test_tmp_dir ("grok-fig-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *png = g_build_filename (dir, "curves.png", NULL);
  g_autofree char *png2 = g_build_filename (dir, "curves2.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "curves.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "curves.pdf", NULL);
  g_autofree char *bad = g_build_filename (dir, "no-such-folder", "curves.png", NULL);
  g_autofree char *svg_text = NULL, *pdf_text = NULL;
  g_auto (Result) t = { 0 }, a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 }, e = { 0 }, f = { 0 };
  PngInfo info = { 0 };
  g_autoptr (GMarkupParseContext) xml = NULL;
  static const GMarkupParser no_callbacks = { 0 };
  gsize pdf_len;

  run_cli (&t, (const char *[]) { "train", "liu-s4", "--steps", "80", "--set", "train.eval_every=10",
                                  "--out", run, "--quiet", NULL });
  g_assert_cmpint (t.status, ==, 0);

  run_cli (&a, (const char *[]) { "figure", run, "--view", "curves", "--size", "3.5x2.5in",
                                  "--dpi", "300", "--out", png, NULL });
  g_assert_cmpint (a.status, ==, 0);
  read_png (png, &info);
  g_assert_cmpuint (info.width, ==, 1050);
  g_assert_cmpuint (info.height, ==, 750);
  g_assert_cmpint (info.unit, ==, PNG_RESOLUTION_METER);
  g_assert_cmpuint (info.x_ppm, ==, 11811);   /* 300 / 0.0254 */
  g_assert_cmpstr (g_hash_table_lookup (info.text, "Step"), ==, "80");
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (info.text, "Software"), "Grokscope"));
  g_assert_nonnull (strstr (g_hash_table_lookup (info.text, "Config"), "\"perm_n\": 4"));

  /* a venue's name: its width, and the golden ratio's height */
  {
    g_auto (Result) v = { 0 };
    PngInfo venue = { 0 };
    run_cli (&v, (const char *[]) { "figure", run, "--view", "curves", "--size", "icml-column",
                                    "--dpi", "300", "--out", png2, NULL });
    g_assert_cmpint (v.status, ==, 0);
    read_png (png2, &venue);
    g_assert_cmpuint (venue.width, ==, 975);
    g_assert_cmpuint (venue.height, ==, 603);
    g_hash_table_unref (venue.text);
  }

  /* the panels asked for, in their order, titled with their units; a name that is no panel
   * is an error naming it */
  {
    g_auto (Result) p = { 0 }, q = { 0 };
    g_autofree char *chosen = g_build_filename (dir, "chosen.svg", NULL);
    g_autofree char *text = NULL;
    run_cli (&p, (const char *[]) { "figure", run, "--view", "curves", "--panels",
                                    "spectrum,loss,l2_norm", "--out", chosen, NULL });
    g_assert_cmpint (p.status, ==, 0);
    g_assert_true (g_file_get_contents (chosen, &text, NULL, NULL));
    g_assert_true (strstr (text, ">Spectral entropy (mean)<") != NULL);
    g_assert_true (strstr (text, ">Spectral entropy (mean)<") < strstr (text, ">Loss<"));
    g_assert_true (strstr (text, ">Loss<") < strstr (text, ">L2 norm<"));
    g_assert_null (strstr (text, ">Accuracy<"));
    run_cli (&q, (const char *[]) { "figure", run, "--view", "curves", "--panels", "loss,nonsense",
                                    "--out", chosen, NULL });
    g_assert_cmpint (q.status, ==, 1);
    assert_contains (q.err, "no panel 'nonsense'");
  }

  /* the scatter's CSV: r in its comment line, as the rows under it give it computed here */
  {
    g_auto (Result) p = { 0 }, q = { 0 };
    g_autofree char *csv = g_build_filename (dir, "scatter.csv", NULL);
    g_autofree char *text = NULL;
    g_auto (GStrv) lines = NULL;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, r_file, r;
    guint n = 0;

    run_cli (&p, (const char *[]) { "figure", run, "--view", "scatter", "--x", "l2_norm", "--y",
                                    "test_loss", "--out", csv, NULL });
    g_assert_cmpint (p.status, ==, 0);
    g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", -1);
    g_assert_true (g_str_has_prefix (lines[0], "# pearson_r="));
    g_assert_cmpstr (lines[1], ==, "step,l2_norm,test_loss");
    r_file = g_ascii_strtod (lines[0] + strlen ("# pearson_r="), NULL);
    for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
      {
        g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
        double x = g_ascii_strtod (f[1], NULL), y = g_ascii_strtod (f[2], NULL);
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, n++;
      }
    g_assert_cmpuint (n, ==, 9);   /* steps 0, 10, ..., 80 */
    r = (n * sxy - sx * sy) / sqrt ((n * sxx - sx * sx) * (n * syy - sy * sy));
    g_assert_cmpfloat (fabs (r - r_file), <, 1e-6);
    run_cli (&q, (const char *[]) { "figure", run, "--view", "scatter", "--x", "l2_norm", "--y",
                                    "no_such", "--out", csv, NULL });
    g_assert_cmpint (q.status, ==, 1);
    assert_contains (q.err, "no column 'no_such'");
  }

  run_cli (&b, (const char *[]) { "figure", run, "--view", "curves", "--size", "9x6cm",
                                  "--out", svg, NULL });
  g_assert_cmpint (b.status, ==, 0);
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  xml = g_markup_parse_context_new (&no_callbacks, 0, NULL, NULL);
  g_assert_true (g_markup_parse_context_parse (xml, svg_text, -1, NULL));
  g_assert_true (g_markup_parse_context_end_parse (xml, NULL));
  g_assert_nonnull (strstr (svg_text, ">step<"));
  g_assert_nonnull (strstr (svg_text, ">accuracy<"));
  g_assert_nonnull (strstr (svg_text, "fill-opacity=\"0\""));
  /* --svg-text: no glyph outlines, and the words, the panels' titles among them, shown as
   * <text> elements */
  {
    g_auto (Result) t = { 0 };
    g_autofree char *text_svg = NULL;

    run_cli (&t, (const char *[]) { "figure", run, "--view", "curves", "--size", "9x6cm",
                                    "--svg-text", "--out", svg, NULL });
    g_assert_cmpint (t.status, ==, 0);
    g_assert_true (g_file_get_contents (svg, &text_svg, NULL, NULL));
    g_assert_null (strstr (text_svg, "id=\"glyph"));
    g_assert_null (strstr (text_svg, "fill-opacity=\"0\""));
    g_assert_true (g_regex_match_simple ("<text [^>]*fill=\"#[0-9a-f]{6}\"[^>]*>accuracy</text>",
                                         text_svg, 0, 0));
  }

  run_cli (&c, (const char *[]) { "figure", run, "--view", "curves", "--size", "3.5x2.5in",
                                  "--out", pdf, NULL });
  g_assert_cmpint (c.status, ==, 0);
  g_assert_true (g_file_get_contents (pdf, &pdf_text, &pdf_len, NULL));
  g_assert_true (g_str_has_prefix (pdf_text, "%PDF"));
  /* 3.5 x 2.5 inches is 252 x 180 points */
  g_assert_nonnull (memmem (pdf_text, pdf_len, "/MediaBox [ 0 0 252 180 ]", 25));

  /* the same figure at an earlier step is a different picture */
  {
    PngInfo early = { 0 };
    g_autofree char *early_run = g_build_filename (dir, "early", NULL);
    g_auto (Result) t2 = { 0 };
    run_cli (&t2, (const char *[]) { "train", "liu-s4", "--steps", "40", "--set", "train.eval_every=10",
                                     "--out", early_run, "--quiet", NULL });
    run_cli (&d, (const char *[]) { "figure", early_run, "--view", "curves", "--size", "3.5x2.5in",
                                    "--out", png2, NULL });
    g_assert_cmpint (d.status, ==, 0);
    read_png (png2, &early);
    g_assert_cmpstr (g_hash_table_lookup (early.text, "Step"), ==, "40");
    g_assert_cmpuint (early.pixel_hash, !=, info.pixel_hash);
    g_hash_table_unref (early.text);
  }

  /* an unwritable destination: a clear error naming it, and no file, partial or not */
  run_cli (&e, (const char *[]) { "figure", run, "--view", "curves", "--out", bad, NULL });
  g_assert_cmpint (e.status, ==, 1);
  assert_contains (e.err, "no-such-folder");
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  /* a destination that fills up: a file-size limit of 20 KB stands in for a full disk */
  {
    g_autofree char *big = g_build_filename (dir, "full.png", NULL);
    g_autofree char *cmd = g_strdup_printf ("ulimit -f 40; exec '%s' figure '%s' --view curves "
                                            "--size 3.5x2.5in --dpi 600 --out '%s'", cli, run, big);
    g_autofree char *err = NULL;
    g_autoptr (GDir) listing = NULL;
    const char *name;
    int wait_status;

    g_assert_true (g_spawn_sync (NULL, (char **) (const char *[]) { "/bin/sh", "-c", cmd, NULL },
                                 NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &wait_status, NULL));
    g_assert_true (WIFEXITED (wait_status));
    g_assert_cmpint (WEXITSTATUS (wait_status), ==, 1);
    assert_contains (err, "full.png");
    g_assert_false (g_file_test (big, G_FILE_TEST_EXISTS));
    /* and no temporary file left beside it */
    listing = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_null (strstr (name, "full.png"));
  }

  run_cli (&f, (const char *[]) { "figure", run, "--view", "curves", "--size", "3.5by2", "--out", png, NULL });
  g_assert_cmpint (f.status, ==, 1);
  assert_contains (f.err, "3.5by2");
  g_hash_table_unref (info.text);
}

/* resume continues to the same rows as one straight run; fork records its parent */
static void
test_resume_and_fork (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *halves = g_build_filename (dir, "halves", NULL);
  g_autofree char *whole = g_build_filename (dir, "whole", NULL);
  g_autofree char *forked = g_build_filename (dir, "forked", NULL);
  g_auto (Result) a = { 0 }, b = { 0 }, c = { 0 }, f = { 0 }, bad = { 0 };
  g_autofree char *mh = NULL, *mw = NULL, *sh = NULL, *sw = NULL, *config = NULL;
  const char *train[] = { "train", "liu-s4", "--quiet", "--set", "train.batch_size=128",
                          "--set", "train.eval_every=5", "--steps", "30", "--out", halves, NULL };

  run_cli (&a, train);
  g_assert_cmpint (a.status, ==, 0);
  run_cli (&b, (const char *[]) { "resume", halves, "--steps", "60", "--quiet", NULL });
  g_assert_cmpint (b.status, ==, 0);
  train[8] = "60";
  train[10] = whole;
  run_cli (&c, train);
  g_assert_cmpint (c.status, ==, 0);
  mh = read_file (halves, "metrics.csv");
  mw = read_file (whole, "metrics.csv");
  sh = strip_wall (mh);
  sw = strip_wall (mw);
  /* the same rows, but that the first half's last step, 30, has every measure, which the
   * whole run's row 30 (no scheduled point of the complexity's) lacks */
  {
    char *ah = strstr (sh, "\n30,"), *aw = strstr (sw, "\n30,");
    char *eh, *ew;

    g_assert_true (ah != NULL && aw != NULL);
    eh = strchr (ah + 1, '\n');
    ew = strchr (aw + 1, '\n');
    g_assert_true (eh != NULL && ew != NULL);
    g_assert_null (g_strstr_len (ah + 1, eh - ah - 1, ",,"));
    g_assert_nonnull (g_strstr_len (aw + 1, ew - aw - 1, ",,"));
    memmove (ah, eh, strlen (eh) + 1);
    memmove (aw, ew, strlen (ew) + 1);
  }
  g_assert_cmpstr (sh, ==, sw);

  run_cli (&f, (const char *[]) { "fork", whole, "--step", "60", "--out", forked, "--steps",
                                  "70", "--set", "optim.weight_decay=1", "--quiet", NULL });
  g_assert_cmpint (f.status, ==, 0);
  config = read_file (forked, "config.json");
  assert_contains (config, "\"parent_step\": 60");
  assert_contains (config, "\"weight_decay\": 1");
  assert_contains (config, "/whole\"");

  run_cli (&bad, (const char *[]) { "fork", whole, "--step", "7", "--out", forked, "--force", NULL });
  g_assert_cmpint (bad.status, ==, 1);
  assert_contains (bad.err, "step 7");
}

/* the figure of each computed view as CSV text (the data behind it), and what figure said */
static char *
figure_csv (const char *run, const char *view, const char *out, char **err)
{
  g_auto (Result) r = { 0 };
  g_autofree char *path = g_build_filename (out, "figure.csv", NULL);
  char *text = NULL;

  run_cli (&r, (const char *[]) { "figure", run, "--view", view, "--out", path, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_unlink (path);
  *err = g_steal_pointer (&r.err);
  return text;
}

/* figure draws the same data from a step's views file as from the checkpoint alone, and a views
 * file cut in half is a warning naming it, after which the figure is computed and still right */
static void
test_figure_views_file (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *views = g_build_filename (run, "views", "step-00000012.safetensors", NULL);
  g_autofree char *stored = NULL;
  g_auto (Result) t = { 0 };
  gsize size;

  run_cli (&t, (const char *[]) { "train", "xor2d-relu", "--steps", "12", "--quiet", "--out", run,
                                  "--set", "checkpoints.per_decade=0",
                                  "--set", "checkpoints.views=1", NULL });
  g_assert_cmpint (t.status, ==, 0);
  g_assert_true (g_file_get_contents (views, &stored, &size, NULL));
  for (const char * const *view = (const char *[]) { "regions", "connectivity", "spectrum", NULL };
       *view != NULL; view++)
    {
      g_autofree char *err_a = NULL, *err_b = NULL, *err_c = NULL;
      g_autofree char *a = NULL, *b = NULL, *c = NULL;

      g_assert_true (g_file_set_contents (views, stored, size, NULL));
      a = figure_csv (run, *view, dir, &err_a);
      g_assert_cmpstr (err_a, ==, "");
      g_assert_cmpint (g_unlink (views), ==, 0);
      b = figure_csv (run, *view, dir, &err_b);
      g_assert_cmpstr (err_b, ==, "");
      g_assert_cmpstr (a, ==, b);
      g_assert_true (g_file_set_contents (views, stored, size / 2, NULL));
      c = figure_csv (run, *view, dir, &err_c);
      assert_contains (err_c, "warning");
      assert_contains (err_c, views);
      g_assert_cmpstr (c, ==, b);
    }
}

/* the spectrum figure overlays the run's first checkpoint, three stored ones between and the
 * step drawn: five distinct steps, each one a checkpoint of the run, spread over the decades */
static void
test_figure_spectrum_overlay (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *csv = NULL, *err = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto (Result) t = { 0 };

  run_cli (&t, (const char *[]) { "train", "xor2d-relu", "--steps", "300", "--quiet", "--out", run,
                                  "--set", "checkpoints.views=0", NULL });
  g_assert_cmpint (t.status, ==, 0);
  csv = figure_csv (run, "spectrum", dir, &err);
  lines = g_strsplit (csv, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      gint64 step;
      if (lines[i][0] == '#' || g_str_has_prefix (lines[i], "step,"))
        continue;   /* the comments and the header */
      step = g_ascii_strtoll (lines[i], NULL, 10);
      if (steps->len == 0 || g_array_index (steps, gint64, steps->len - 1) != step)
        g_array_append_val (steps, step);
    }
  g_assert_cmpuint (steps->len, ==, 5);
  g_assert_cmpint (g_array_index (steps, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (steps, gint64, 4), ==, 300);
  for (guint i = 0; i < steps->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("step-%08" G_GINT64_FORMAT ".safetensors",
                                               g_array_index (steps, gint64, i));
      g_autofree char *path = g_build_filename (run, "checkpoints", name, NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      if (i > 0)
        g_assert_cmpint (g_array_index (steps, gint64, i), >, g_array_index (steps, gint64, i - 1));
    }
  /* log-spaced, not bunched at the start: one of the middle three is past step 30 */
  g_assert_cmpint (g_array_index (steps, gint64, 3), >, 30);
}

/* the value of the first comment line "# KEY=VALUE" of csv, or NULL */
static char *
comment_value (const char *csv, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_autofree char *prefix = g_strdup_printf ("# %s=", key);

  for (guint i = 0; lines[i] != NULL && lines[i][0] == '#'; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

/* the lines of csv after its comments and its header */
static GStrv
body_lines (const char *csv, const char *header)
{
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  GPtrArray *out = g_ptr_array_new ();
  guint i = 0;

  while (lines[i] != NULL && lines[i][0] == '#')
    i++;
  g_assert_cmpstr (lines[i], ==, header);
  for (i++; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (out, g_strdup (lines[i]));
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

/* the newest checkpoint's step, from the names in the run's checkpoints folder */
static gint64
newest_checkpoint_step (const char *run)
{
  g_autofree char *folder = g_build_filename (run, "checkpoints", NULL);
  GDir *d = g_dir_open (folder, 0, NULL);
  const char *name;
  gint64 newest = -1;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      gint64 step;
      if (sscanf (name, "step-%" G_GINT64_MODIFIER "d.safetensors", &step) == 1)
        newest = MAX (newest, step);
    }
  g_dir_close (d);
  return newest;
}

/* every view's CSV states in comment lines what its figure's title does, each checked against
 * what the test finds itself: the step from the checkpoints' names, the curves' step range from
 * metrics.csv, LMN and its points from `measure`, each matrix's shape and colour range (its
 * largest |value|) and each spectrum's entropy and effective rank from the values in the CSV's
 * own rows, the region count from the regions listed */
static void
test_figure_csv_comments (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *metrics = NULL, *err = NULL, *step_text = NULL;
  g_auto (Result) t = { 0 }, m = { 0 };
  gint64 step;

  run_cli (&t, (const char *[]) { "train", "xor2d-relu", "--steps", "300", "--quiet", "--out", run,
                                  "--set", "checkpoints.views=0", NULL });
  g_assert_cmpint (t.status, ==, 0);
  step = newest_checkpoint_step (run);
  g_assert_cmpint (step, ==, 300);
  step_text = g_strdup_printf ("%" G_GINT64_FORMAT, step);

  /* curves: the first and last step of metrics.csv */
  {
    g_autofree char *csv = figure_csv (run, "curves", dir, &err);
    g_autofree char *steps = comment_value (csv, "steps");
    g_auto (GStrv) rows = NULL;
    g_autofree char *want = NULL;
    guint n;
    g_clear_pointer (&err, g_free);
    metrics = read_file (run, "metrics.csv");
    rows = g_strsplit (metrics, "\n", -1);
    n = g_strv_length (rows);
    g_assert_cmpuint (n, >, 3);
    want = g_strdup_printf ("%" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
                            g_ascii_strtoll (rows[1], NULL, 10),
                            g_ascii_strtoll (rows[n - 2], NULL, 10));
    g_assert_cmpstr (steps, ==, want);
    assert_contains (csv, "\n# panel=Loss\n");
    assert_contains (csv, "\n# panel=Accuracy\n");
  }
  /* heatmap: the step, and each tensor's shape and largest |value| from its rows */
  {
    g_autofree char *csv = figure_csv (run, "heatmap", dir, &err);
    g_autofree char *shown = comment_value (csv, "step");
    g_auto (GStrv) body = body_lines (csv, "tensor,row,col,value");
    g_autoptr (GHashTable) limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr (GHashTable) shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
    guint stated = 0;
    g_clear_pointer (&err, g_free);
    g_assert_cmpstr (shown, ==, step_text);
    for (guint i = 0; body[i] != NULL; i++)
      {
        g_auto (GStrv) f = g_strsplit (body[i], ",", -1);
        double *limit = g_hash_table_lookup (limits, f[0]);
        int *shape = g_hash_table_lookup (shapes, f[0]);
        if (limit == NULL)
          {
            limit = g_new0 (double, 1);
            shape = g_new0 (int, 2);
            g_hash_table_insert (limits, g_strdup (f[0]), limit);
            g_hash_table_insert (shapes, g_strdup (f[0]), shape);
          }
        *limit = MAX (*limit, fabs (g_ascii_strtod (f[3], NULL)));
        shape[0] = MAX (shape[0], atoi (f[1]) + 1);
        shape[1] = MAX (shape[1], atoi (f[2]) + 1);
      }
    for (guint i = 0; lines[i] != NULL && lines[i][0] == '#'; i++)
      {
        char name[128];
        int rows, cols;
        double limit;
        if (sscanf (lines[i], "# tensor=%127[^,],rows=%d,cols=%d,limit=%lf", name, &rows, &cols,
                    &limit) != 4)
          continue;
        g_assert_nonnull (g_hash_table_lookup (limits, name));
        g_assert_cmpint (rows, ==, ((int *) g_hash_table_lookup (shapes, name))[0]);
        g_assert_cmpint (cols, ==, ((int *) g_hash_table_lookup (shapes, name))[1]);
        g_assert_cmpfloat (fabs (limit - *(double *) g_hash_table_lookup (limits, name)), <=,
                           1e-6 * limit);
        stated++;
      }
    g_assert_cmpuint (stated, ==, g_hash_table_size (limits));
    g_assert_cmpuint (stated, ==, 4);
  }
  /* spectrum: the steps of its rows, and per step and matrix H = -sum p log p over
   * p = s / sum s of the singular values listed, and exp (H) */
  {
    g_autofree char *csv = figure_csv (run, "spectrum", dir, &err);
    g_autofree char *steps = comment_value (csv, "steps");
    g_auto (GStrv) body = body_lines (csv, "step,tensor,index,singular_value");
    g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
    g_autoptr (GString) seen = g_string_new (NULL);
    guint checked = 0;
    gint64 last = -1;
    g_clear_pointer (&err, g_free);
    for (guint i = 0; body[i] != NULL; i++)
      {
        gint64 s = g_ascii_strtoll (body[i], NULL, 10);
        if (s != last)
          g_string_append_printf (seen, "%s%" G_GINT64_FORMAT, seen->len ? "," : "", s);
        last = s;
      }
    g_assert_cmpstr (steps, ==, seen->str);
    for (guint i = 0; lines[i] != NULL && lines[i][0] == '#'; i++)
      {
        char name[128], prefix[160];
        gint64 s;
        double entropy, eff_rank, sum = 0, h = 0;
        g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
        if (sscanf (lines[i], "# step=%" G_GINT64_MODIFIER "d,tensor=%127[^,],entropy=%lf,eff_rank=%lf",
                    &s, name, &entropy, &eff_rank) != 4)
          continue;
        g_snprintf (prefix, sizeof prefix, "%" G_GINT64_FORMAT ",%s,", s, name);
        for (guint k = 0; body[k] != NULL; k++)
          if (g_str_has_prefix (body[k], prefix))
            {
              double v = g_ascii_strtod (strrchr (body[k], ',') + 1, NULL);
              g_array_append_val (values, v);
              sum += v;
            }
        g_assert_cmpuint (values->len, >, 0);
        for (guint k = 0; k < values->len; k++)
          {
            double p = g_array_index (values, double, k) / sum;
            h -= p > 0 ? p * log (p) : 0;
          }
        g_assert_cmpfloat (fabs (entropy - h), <, 1e-6);
        g_assert_cmpfloat (fabs (eff_rank - exp (h)), <, 1e-5 * exp (h));
        checked++;
      }
    g_assert_cmpuint (checked, ==, 5 * 4);
  }
  /* connectivity: LMN and its points as measure computes them at that step */
  {
    g_autofree char *csv = figure_csv (run, "connectivity", dir, &err);
    g_autofree char *lmn = comment_value (csv, "lmn");
    g_autofree char *points = comment_value (csv, "points");
    g_autofree char *shown = comment_value (csv, "step");
    const char *value;
    g_clear_pointer (&err, g_free);
    run_cli (&m, (const char *[]) { "measure", run, "--measure", "lmn", NULL });
    g_assert_cmpint (m.status, ==, 0);
    value = strstr (m.out, "\"value\": ");
    g_assert_nonnull (value);
    g_assert_cmpfloat (fabs (g_ascii_strtod (lmn, NULL) - g_ascii_strtod (value + 9, NULL)), <,
                       1e-6 * g_ascii_strtod (lmn, NULL));
    assert_contains (m.out, "\"points\": 256");
    g_assert_cmpstr (points, ==, "256");
    g_assert_cmpstr (shown, ==, step_text);
  }
  /* regions: the step, and the count of the regions listed */
  {
    g_autofree char *csv = figure_csv (run, "regions", dir, &err);
    g_autofree char *shown = comment_value (csv, "step");
    g_autofree char *regions = comment_value (csv, "regions");
    g_auto (GStrv) body = body_lines (csv, "region,vertex,x,y");
    int most = -1;
    g_clear_pointer (&err, g_free);
    g_assert_cmpstr (shown, ==, step_text);
    for (guint i = 0; body[i] != NULL; i++)
      most = MAX (most, atoi (body[i]));
    g_assert_cmpint (atoi (regions), ==, most + 1);
    g_assert_cmpint (most, >, 10);
  }
}

/* Liu et al.'s XOR at the digit level end to end: it trains with every measure that applies to
 * an MLP, measure recomputes them from a checkpoint, and each view's figure draws from it */
static void
test_digits_run (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *metrics = NULL;
  g_auto (Result) t = { 0 }, m = { 0 };

  run_cli (&t, (const char *[]) { "train", "liu-xor5-digits", "--steps", "20", "--quiet",
                                  "--out", run, "--set", "task.n_bits=3",
                                  "--set", "measures.complexity_per_decade=1",
                                  "--set", "measures.lmn_per_decade=1",
                                  "--set", "measures.local_complexity_per_decade=1",
                                  "--set", "checkpoints.views=1", NULL });
  g_assert_cmpint (t.status, ==, 0);
  metrics = read_file (run, "metrics.csv");
  assert_contains (metrics, "lmn");
  assert_contains (metrics, "complexity_bytes");
  run_cli (&m, (const char *[]) { "measure", run, "--step", "20", NULL });
  g_assert_cmpint (m.status, ==, 0);
  for (const char * const *name = (const char *[]) { "\"spectrum\"", "\"complexity\"",
                                                      "\"lmn\"", "\"local_complexity\"", NULL };
       *name != NULL; name++)
    assert_contains (m.out, *name);
  g_assert_null (strstr (m.out, "\"value\": null"));
  for (const char * const *view = (const char *[]) { "curves", "heatmap", "spectrum",
                                                      "connectivity", NULL };
       *view != NULL; view++)
    {
      g_autofree char *err = NULL;
      g_autofree char *csv = figure_csv (run, *view, dir, &err);
      g_assert_cmpstr (err, ==, "");
      g_assert_cmpuint (strlen (csv), >, 0);
    }
}

/* lines of text, the empty one after the last newline left out */
static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* figure draws LMN on the app screen's 256 points unless --lmn-points asks for more, and the
 * figure's title then says how many; a count out of range is refused naming the option */
static void
test_figure_lmn_points (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *csv = NULL, *err = NULL, *svg = NULL, *svg_path = NULL;
  g_auto (Result) t = { 0 };
  g_auto (Result) f = { 0 };
  g_auto (Result) g = { 0 };
  g_auto (Result) bad = { 0 };

  /* liu-add31 trains on 768 inputs: more than either point count */
  run_cli (&t, (const char *[]) { "train", "liu-add31", "--steps", "5", "--quiet", "--out", run,
                                  NULL });
  g_assert_cmpint (t.status, ==, 0);
  csv = figure_csv (run, "connectivity", dir, &err);
  /* LMN, the points and the step as comment lines, the header, a line per pair of points */
  g_assert_cmpuint (count_lines (csv), ==, 3 + 1 + 256 * 256);
  assert_contains (csv, "\n# points=256\n# step=5\nrow,col,L\n");
  svg_path = g_build_filename (dir, "c.svg", NULL);
  run_cli (&f, (const char *[]) { "figure", run, "--view", "connectivity", "--out", svg_path, NULL });
  g_assert_cmpint (f.status, ==, 0);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  assert_contains (svg, "(256 points)");
  g_clear_pointer (&svg, g_free);
  run_cli (&g, (const char *[]) { "figure", run, "--view", "connectivity", "--lmn-points", "300",
                                  "--out", svg_path, NULL });
  g_assert_cmpint (g.status, ==, 0);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  assert_contains (svg, "(300 points)");
  run_cli (&bad, (const char *[]) { "figure", run, "--view", "connectivity", "--lmn-points", "1",
                                    "--out", svg_path, NULL });
  g_assert_cmpint (bad.status, ==, 1);
  assert_contains (bad.err, "--lmn-points");
}

/* the curves' lmn panel states the points its column was measured on, as `measure` reports
 * them: here the whole training set of 200, fewer than measures.lmn_points */
static void
test_figure_curves_lmn_points (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *svg_path = g_build_filename (dir, "curves.svg", NULL);
  g_autofree char *svg = NULL;
  g_auto (Result) t = { 0 };
  g_auto (Result) m = { 0 };
  g_auto (Result) f = { 0 };

  run_cli (&t, (const char *[]) { "train", "xor2d-relu", "--steps", "20", "--quiet", "--set",
                                  "task.n_train=200", "--set", "measures.lmn_points=512",
                                  "--set", "measures.lmn_per_decade=1", "--out", run, NULL });
  g_assert_cmpint (t.status, ==, 0);
  run_cli (&m, (const char *[]) { "measure", run, "--measure", "lmn", NULL });
  g_assert_cmpint (m.status, ==, 0);
  assert_contains (m.out, "\"points\": 200,");
  run_cli (&f, (const char *[]) { "figure", run, "--view", "curves", "--out", svg_path, NULL });
  g_assert_cmpint (f.status, ==, 0);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  assert_contains (svg, "LMN (200 points)");
}

/* the README's config reference is exactly what `keys --markdown` prints */
static void
test_readme_reference_current (void)
{
  g_autofree char *readme_path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "README.md", NULL);
  g_autofree char *readme = NULL;
  g_auto (Result) keys = { 0 };
  const char *begin, *end;
  g_autofree char *section = NULL;

  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  run_cli (&keys, (const char *[]) { "keys", "--markdown", NULL });
  g_assert_cmpint (keys.status, ==, 0);
  begin = strstr (readme, "<!-- keys -->\n");
  end = strstr (readme, "<!-- /keys -->");
  g_assert_nonnull (begin);
  g_assert_nonnull (end);
  begin += strlen ("<!-- keys -->\n");
  section = g_strndup (begin, end - begin);
  if (strcmp (section, keys.out) != 0)
    g_error ("README.md's config reference is out of date: replace the text between the "
             "keys markers with the output of grokscope-cli keys --markdown");
}

/* ---- the run folder's promises ---- */

/* a small liu-s4 run (width 100: layers.1.weight is 100x100), with one more setting */
static char *
train_small (const char *dir, const char *name, const char *steps, const char *set)
{
  g_auto (Result) r = { 0 };
  char *run = g_build_filename (dir, name, NULL);

  run_cli (&r, (const char *[]) { "train", "liu-s4", "--quiet", "--set", "train.eval_every=5",
                                  "--steps", steps, "--out", run, "--set",
                                  set ? set : "train.batch_size=0", NULL });
  g_assert_cmpint (r.status, ==, 0);
  return run;
}

static char *
checkpoint_path (const char *run, gint64 step)
{
  g_autofree char *name = g_strdup_printf ("step-%08" G_GINT64_FORMAT ".safetensors", step);

  return g_build_filename (run, "checkpoints", name, NULL);
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &data, &length, NULL));
  g_assert_true (g_file_set_contents (to, data, length, NULL));
}

/* the "step" of measure's JSON */
static gint64
measured_step (const char *json)
{
  const char *at = strstr (json, "\"step\": ");

  g_assert_nonnull (at);
  return g_ascii_strtoll (at + strlen ("\"step\": "), NULL, 10);
}

/* --force replaces a run folder and nothing else: a folder with a person's files in it, or
 * holding only their own config.json, is refused with what was found named, and nothing in it
 * is deleted, by train and by fork */
static void
test_force_only_replaces_runs (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *paper = g_build_filename (dir, "paper", NULL);
  g_autofree char *draft = g_build_filename (paper, "draft.tex", NULL);
  g_autofree char *figs = g_build_filename (paper, "figs", NULL);
  g_autofree char *fig = g_build_filename (figs, "a.png", NULL);
  g_autofree char *exp = g_build_filename (dir, "exp", NULL);
  g_autofree char *own = g_build_filename (exp, "config.json", NULL);
  g_autofree char *run = train_small (dir, "run", "5", NULL);
  g_autofree char *config = NULL;

  g_assert_cmpint (g_mkdir_with_parents (figs, 0755), ==, 0);
  g_assert_true (g_file_set_contents (draft, "\\section{Grokking}", -1, NULL));
  g_assert_true (g_file_set_contents (fig, "png", -1, NULL));
  g_assert_cmpint (g_mkdir (exp, 0755), ==, 0);
  g_assert_true (g_file_set_contents (own, "{\"seed\": 3}", -1, NULL));
  for (const char * const *out = (const char *[]) { paper, exp, NULL }; *out; out++)
    {
      g_auto (Result) t = { 0 }, f = { 0 };
      run_cli (&t, (const char *[]) { "train", "liu-s4", "--steps", "5", "--out", *out,
                                      "--force", NULL });
      g_assert_cmpint (t.status, ==, 1);
      assert_contains (t.err, "not a run folder");
      assert_contains (t.err, "nothing was deleted");
      run_cli (&f, (const char *[]) { "fork", run, "--step", "5", "--out", *out, "--force",
                                      NULL });
      g_assert_cmpint (f.status, ==, 1);
      assert_contains (f.err, "not a run folder");
    }
  g_assert_true (g_file_test (draft, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (fig, G_FILE_TEST_IS_REGULAR));
  config = read_file (exp, "config.json");
  g_assert_cmpstr (config, ==, "{\"seed\": 3}");
}

/* a checkpoint whose metadata step is not the step of its name breaks the one rule of every
 * reader: measure passes over it with a warning naming it, and resume refuses to continue past
 * it, saying how to proceed, instead of deleting it and the rows after the older one */
static void
test_checkpoint_rule_shared (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = train_small (dir, "run", "20", NULL);
  g_autofree char *newest = checkpoint_path (run, 20);
  g_autofree char *older = checkpoint_path (run, 10);
  g_autofree char *before = NULL, *after = NULL, *metrics = NULL, *metrics_after = NULL;
  g_auto (Result) m = { 0 }, r = { 0 };
  gsize n_before, n_after;

  copy_file (older, newest);
  g_assert_true (g_file_get_contents (newest, &before, &n_before, NULL));
  metrics = read_file (run, "metrics.csv");
  run_cli (&m, (const char *[]) { "measure", run, "--measure", "spectrum", NULL });
  g_assert_cmpint (m.status, ==, 0);
  assert_contains (m.err, "step-00000020.safetensors");
  assert_contains (m.err, "metadata 'step'");
  g_assert_cmpint (measured_step (m.out), <, 20);

  run_cli (&r, (const char *[]) { "resume", run, "--steps", "30", "--quiet", NULL });
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "step-00000020.safetensors");
  assert_contains (r.err, "move those files out");
  g_assert_true (g_file_get_contents (newest, &after, &n_after, NULL));
  g_assert_cmpmem (before, n_before, after, n_after);
  metrics_after = read_file (run, "metrics.csv");
  g_assert_cmpstr (metrics, ==, metrics_after);
}

/* measure or figure on run: exit 0, a warning naming the newest checkpoint and what, and
 * (measure) an older step than 10 */
static void
assert_passed_over (const char *run, const char *what, const char *csv)
{
  g_auto (Result) m = { 0 }, f = { 0 };

  run_cli (&m, (const char *[]) { "measure", run, "--measure", "spectrum", NULL });
  g_assert_cmpint (m.status, ==, 0);
  assert_contains (m.err, "step-00000010.safetensors");
  assert_contains (m.err, what);
  g_assert_cmpint (measured_step (m.out), <, 10);
  run_cli (&f, (const char *[]) { "figure", run, "--view", "spectrum", "--out", csv, NULL });
  g_assert_cmpint (f.status, ==, 0);
  assert_contains (f.err, "step-00000010.safetensors");
  assert_contains (f.err, what);
}

/* measure and figure check a checkpoint's tensors against config.json: a width-50 checkpoint
 * in a width-100 run, and a 100x100 matrix stored as 50x200, are passed over with a warning
 * naming the file and the tensor, never measured as if they were the run's model */
static void
test_shapes_checked (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = train_small (dir, "run", "10", NULL);
  g_autofree char *narrow = train_small (dir, "narrow", "10", "model.width=50");
  g_autofree char *newest = checkpoint_path (run, 10);
  g_autofree char *narrow_newest = checkpoint_path (narrow, 10);
  g_autofree char *original = NULL;
  g_autofree char *csv = g_build_filename (dir, "spectrum.csv", NULL);
  const char *square = "\"layers.1.weight\":{\"dtype\":\"F32\",\"shape\":[100,100]";
  char *at;
  gsize length;

  g_assert_true (g_file_get_contents (newest, &original, &length, NULL));
  copy_file (narrow_newest, newest);
  assert_passed_over (run, "does not fit the run's config.json", csv);
  /* the same bytes, the header saying 50x200 (a space keeps its length) */
  at = memmem (original, length, square, strlen (square));
  g_assert_nonnull (at);
  memcpy (at + strlen (square) - strlen ("[100,100]"), "[50,200] ", strlen ("[100,100]"));
  g_assert_true (g_file_set_contents (newest, original, length, NULL));
  assert_passed_over (run, "'layers.1.weight' is 50x200", csv);
}

/* a damaged newest checkpoint (cut in half) does not stop measure or figure: they use the
 * newest intact one and say so, naming the file */
static void
test_damaged_newest_falls_back (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = train_small (dir, "run", "10", NULL);
  g_autofree char *newest = checkpoint_path (run, 10);
  g_autofree char *csv = g_build_filename (dir, "spectrum.csv", NULL);
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (newest, &data, &length, NULL));
  g_assert_true (g_file_set_contents (newest, data, length / 2, NULL));
  assert_passed_over (run, "truncated", csv);
}

/* the holder's process id in a message */
static void
assert_names_pid (const char *text, GPid pid)
{
  g_autofree char *id = g_strdup_printf ("process id %d", (int) pid);

  assert_contains (text, id);
}

/* run the CLI in the background, its stderr to a file (nothing waits on a pipe) */
static GPid
spawn_cli (const char * const *args, const char *err_path)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *cmd = NULL;
  GPid pid;

  g_ptr_array_add (argv, "/bin/sh");
  g_ptr_array_add (argv, "-c");
  g_ptr_array_add (argv, "exec \"$0\" \"$@\" 2>\"$ERR_PATH\"");
  g_ptr_array_add (argv, (char *) cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_setenv ("ERR_PATH", err_path, TRUE);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

/* the exit status of pid within seconds, or -1 (and the process killed) when it runs on; the
 * callers give it the tests' deadline, so -1 means it never ended */
static int
wait_exit (GPid pid, double seconds)
{
  int status;

  for (gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
       g_get_monotonic_time () < end; g_usleep (20000))
    if (waitpid (pid, &status, WNOHANG) == pid)
      return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  return -1;
}

/* two writers, one folder: while one process trains a folder, a second resume, and a train
 * with --force, are refused at once, naming the folder and the first process; measure reads
 * the folder meanwhile; the first is untouched and ends as interrupted */
static void
test_one_writer (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *err_path = g_build_filename (dir, "first.err", NULL);
  g_autofree char *second_err = g_build_filename (dir, "second.err", NULL);
  g_autofree char *resume_err = NULL, *force_err = NULL;
  g_auto (Result) m = { 0 };
  GPid first, second;
  int resumed, forced, interrupted;

  first = spawn_cli ((const char *[]) { "train", "liu-s4", "--quiet", "--steps", "10000000",
                                        "--set", "measures.lmn_per_decade=0", "--set",
                                        "measures.local_complexity_per_decade=0", "--set",
                                        "checkpoints.views=0", "--out", run, NULL }, err_path);
  /* the writer holds its lock before it writes config.json and the step-0 checkpoint */
  {
    g_autofree char *step0 = checkpoint_path (run, 0);
    gint64 deadline = wait_deadline ();
    while (!g_file_test (step0, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
      g_usleep (20000);
    if (!g_file_test (step0, G_FILE_TEST_EXISTS))
      {
        wait_exit (first, 0);
        g_error ("gave up after %d s waiting for the first writer's %s", WAIT_DEADLINE_S, step0);
      }
  }
  /* every outcome is gathered before any is checked, so that a failure never leaves the
   * first writer running */
  second = spawn_cli ((const char *[]) { "resume", run, "--quiet", NULL }, second_err);
  resumed = wait_exit (second, WAIT_DEADLINE_S);
  g_file_get_contents (second_err, &resume_err, NULL, NULL);
  second = spawn_cli ((const char *[]) { "train", "liu-s4", "--steps", "5", "--out", run,
                                         "--force", NULL }, second_err);
  forced = wait_exit (second, WAIT_DEADLINE_S);
  g_file_get_contents (second_err, &force_err, NULL, NULL);
  run_cli (&m, (const char *[]) { "measure", run, "--measure", "spectrum", NULL });
  kill (first, SIGINT);
  interrupted = wait_exit (first, WAIT_DEADLINE_S);

  g_assert_cmpint (resumed, ==, 1);
  assert_contains (resume_err, run);
  assert_names_pid (resume_err, first);
  g_assert_cmpint (forced, ==, 1);
  assert_names_pid (force_err, first);
  g_assert_cmpint (m.status, ==, 0);
  g_assert_cmpint (interrupted, ==, 130);
}

/* a writer killed in an atomic write leaves its temporary file; the next writer removes those
 * of the run's own files, exactly by their pattern, and nothing else */
static void
test_stale_temps_removed (void)
{
  const char *dir = test_tmp_dir ("grok-cli-XXXXXX");
  g_autofree char *run = train_small (dir, "run", "10", NULL);
  g_autofree char *ckpt_temp = g_build_filename (run, "checkpoints",
                                                 ".step-00000020.safetensors.tmp-a1B2c3", NULL);
  g_autofree char *config_temp = g_build_filename (run, ".config.json.tmp-Zx9Yw8", NULL);
  g_autofree char *other = g_build_filename (run, "checkpoints",
                                             ".step-00000020.safetensors.tmp-a1B2", NULL);
  g_autofree char *notes = g_build_filename (run, ".notes.tmp-a1B2c3", NULL);
  g_auto (Result) r = { 0 };

  for (const char * const *p = (const char *[]) { ckpt_temp, config_temp, other, notes, NULL };
       *p; p++)
    g_assert_true (g_file_set_contents (*p, "half", -1, NULL));
  run_cli (&r, (const char *[]) { "resume", run, "--steps", "12", "--quiet", NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_false (g_file_test (ckpt_temp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (config_temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (notes, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_from_env ();
  g_test_add_func ("/app/cli/help-version-presets", test_help_version_presets);
  g_test_add_func ("/app/cli/command-help", test_command_help);
  g_test_add_func ("/app/cli/bad-numbers", test_bad_numbers);
  g_test_add_func ("/app/cli/lmn-points-one-range", test_lmn_points_one_range);
  g_test_add_func ("/app/cli/bad-config", test_bad_config);
  g_test_add_func ("/app/cli/train-writes-run", test_train_writes_run);
  g_test_add_func ("/app/cli/resume-and-fork", test_resume_and_fork);
  g_test_add_func ("/app/cli/readme-reference-current", test_readme_reference_current);
  g_test_add_func ("/app/cli/figure-exports", test_figure_exports);
  g_test_add_func ("/app/cli/digits-run", test_digits_run);
  g_test_add_func ("/app/cli/figure-views-file", test_figure_views_file);
  g_test_add_func ("/app/cli/figure-spectrum-overlay", test_figure_spectrum_overlay);
  g_test_add_func ("/app/cli/figure-csv-comments", test_figure_csv_comments);
  g_test_add_func ("/app/cli/figure-lmn-points", test_figure_lmn_points);
  g_test_add_func ("/app/cli/figure-curves-lmn-points", test_figure_curves_lmn_points);
  g_test_add_func ("/app/cli/force-only-replaces-runs", test_force_only_replaces_runs);
  g_test_add_func ("/app/cli/checkpoint-rule-shared", test_checkpoint_rule_shared);
  g_test_add_func ("/app/cli/shapes-checked", test_shapes_checked);
  g_test_add_func ("/app/cli/damaged-newest-falls-back", test_damaged_newest_falls_back);
  g_test_add_func ("/app/cli/one-writer", test_one_writer);
  g_test_add_func ("/app/cli/stale-temps-removed", test_stale_temps_removed);
  return g_test_run ();
}
