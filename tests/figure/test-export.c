/* Figure export: the PNG read back with libpng (size, pHYs, text chunks, colours), the SVG's
 * searchable text, the PDF's signature, and failures that leave no file behind. */
#include "grok-export.h"
#include "grok-error.h"
#include "grok-figure-curves.h"
#include "grok-figure-heatmap.h"
#include "grok-figure-view.h"
#include "figure-synthetic.h"

#include "figure-test-main.h"
#include "tmp-dir.h"
#include <glib/gstdio.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  double width, height;   /* what the callback was given */
  gboolean curves;
  GrokMetrics *metrics;
} DrawArgs;

/* left half opaque red, right half a translucent (0.2, 0.4, 0.6) at alpha 0.5; or the curves */
static void
draw_test (cairo_t *cr, double w, double h, gpointer data)
{
  DrawArgs *args = data;

  args->width = w;
  args->height = h;
  if (args->curves)
    {
      GrokFigureStyle style;
      GrokCurvesOptions options;
      grok_figure_style_init (&style, GROK_SCHEME_PRINT);
      grok_curves_options_init (&options);
      grok_figure_curves_draw (cr, w, h, args->metrics, &options, &style, NULL, 0);
      return;
    }
  cairo_rectangle (cr, 0, 0, w / 2, h);
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_fill (cr);
  cairo_rectangle (cr, w / 2, 0, w / 2, h);
  cairo_set_source_rgba (cr, 0.2, 0.4, 0.6, 0.5);
  cairo_fill (cr);
}

static guint
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

static const char *
find_text (png_textp text, int n, const char *key)
{
  for (int i = 0; i < n; i++)
    if (strcmp (text[i].key, key) == 0)
      return text[i].text;
  return NULL;
}

static void
test_png_read_back (void)
{
  const char *dir = test_tmp_dir ("grok-export-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "figure.png", NULL);
  const char *pairs[] = { "Run", "add-p113-seed1", "Step", "12000", "Config", "{\"lr\": 0.001}", NULL };
  g_autoptr (GError) error = NULL;
  DrawArgs args = { 0 };
  png_structp png;
  png_infop info;
  png_uint_32 xres, yres;
  png_textp text;
  png_bytep *rows;
  int unit, n_text;
  FILE *fp;

  g_assert_true (grok_export_png (path, 600, 300, 150, draw_test, &args, pairs, &error));
  g_assert_no_error (error);
  /* the callback works in points: 600 px at 150 dpi is 4 inches, 288 points */
  g_assert_cmpfloat (fabs (args.width - 288), <, 1e-9);
  g_assert_cmpfloat (fabs (args.height - 144), <, 1e-9);
  /* only the PNG: the temporary file was renamed, not left beside it */
  g_assert_cmpuint (count_entries (dir), ==, 1);

  fp = fopen (path, "rb");
  g_assert_nonnull (fp);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  png_init_io (png, fp);
  png_read_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  g_assert_cmpuint (png_get_image_width (png, info), ==, 600);
  g_assert_cmpuint (png_get_image_height (png, info), ==, 300);
  g_assert_cmpint (png_get_color_type (png, info), ==, PNG_COLOR_TYPE_RGBA);
  g_assert_true (png_get_pHYs (png, info, &xres, &yres, &unit));
  /* 150 dots per inch = 150 / 0.0254 = 5905.5 per metre, rounded */
  g_assert_cmpuint (xres, ==, 5906);
  g_assert_cmpuint (yres, ==, 5906);
  g_assert_cmpint (unit, ==, PNG_RESOLUTION_METER);
  n_text = png_get_text (png, info, &text, NULL);
  g_assert_cmpstr (find_text (text, n_text, "Software"), ==, "Grokscope " GROK_VERSION);
  g_assert_cmpstr (find_text (text, n_text, "Run"), ==, "add-p113-seed1");
  g_assert_cmpstr (find_text (text, n_text, "Step"), ==, "12000");
  g_assert_cmpstr (find_text (text, n_text, "Config"), ==, "{\"lr\": 0.001}");
  rows = png_get_rows (png, info);
  /* straight alpha: opaque red exactly; the translucent colour went through Cairo's 8-bit
   * premultiplied storage (half a level of rounding, magnified 255/128 times by dividing out
   * alpha 128) and our rounding (half a level): within 2 levels */
  g_assert_cmpint (rows[150][4 * 10 + 0], ==, 255);
  g_assert_cmpint (rows[150][4 * 10 + 1], ==, 0);
  g_assert_cmpint (rows[150][4 * 10 + 3], ==, 255);
  g_assert_cmpint (abs (rows[150][4 * 500 + 0] - 51), <=, 2);
  g_assert_cmpint (abs (rows[150][4 * 500 + 1] - 102), <=, 2);
  g_assert_cmpint (abs (rows[150][4 * 500 + 2] - 153), <=, 2);
  g_assert_cmpint (abs (rows[150][4 * 500 + 3] - 128), <=, 1);
  png_destroy_read_struct (&png, &info, NULL);
  fclose (fp);
  g_unlink (path);
  g_rmdir (dir);
}

static char *
read_file (const char *path, gsize *length)
{
  GError *error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_svg_has_axis_labels (void)
{
  const char *dir = test_tmp_dir ("grok-export-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "figure.svg", NULL);
  g_autoptr (GrokMetrics) m = grok_synthetic_metrics (60, 0.0);
  g_autoptr (GError) error = NULL;
  g_autofree char *svg = NULL;
  DrawArgs args = { 0, 0, TRUE, m };
  gsize length;

  g_assert_true (grok_export_svg (path, 7, 3, draw_test, &args, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (args.width - 7 * 72), <, 1e-9);
  svg = read_file (path, &length);
  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_nonnull (strstr (svg, "cross-entropy (nats)"));
  g_assert_nonnull (strstr (svg, ">accuracy<"));
  g_assert_nonnull (strstr (svg, ">step<"));
  g_assert_nonnull (strstr (svg, "</svg>"));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

static void
draw_heatmap (cairo_t *cr, double w, double h, gpointer data)
{
  GrokFigureStyle style;

  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  grok_figure_heatmap_draw (cr, 0, 0, w, h, data, 1.0, "embed.weight", "weight", &style, NULL);
}

static void
test_svg_heatmap_crisp (void)
{
  const char *dir = test_tmp_dir ("grok-export-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "heatmap.svg", NULL);
  const float w[6] = { -1, 0, 1, 0.5f, -0.5f, 0 };
  cairo_surface_t *img = grok_heatmap_surface_new (w, 2, 3, 0, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *svg = NULL;
  gsize length;

  g_assert_true (grok_export_svg (path, 3, 3, draw_heatmap, img, &error));
  g_assert_no_error (error);
  svg = read_file (path, &length);
  /* the matrix travels as an image that viewers are told not to smooth; the title is text */
  g_assert_nonnull (strstr (svg, "<image image-rendering=\"optimizeSpeed\""));
  g_assert_nonnull (strstr (svg, ">embed.weight<"));
  cairo_surface_destroy (img);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_pdf_signature (void)
{
  const char *dir = test_tmp_dir ("grok-export-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "figure.pdf", NULL);
  g_autoptr (GrokMetrics) m = grok_synthetic_metrics (60, 0.0);
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = NULL;
  DrawArgs args = { 0, 0, TRUE, m };
  gsize length;

  g_assert_true (grok_export_pdf (path, 7, 3, draw_test, &args, "curves", &error));
  g_assert_no_error (error);
  pdf = read_file (path, &length);
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF"));
  /* a PDF ends with its end-of-file marker (and perhaps a newline): not cut short */
  g_assert_nonnull (g_strstr_len (pdf + length - 16, 16, "%%EOF"));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_unwritable_destination (void)
{
  const char *dir = test_tmp_dir ("grok-export-XXXXXX");
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "figure", NULL);
  g_autofree char *blocked = g_build_filename (dir, "taken", NULL);
  DrawArgs args = { 0 };

  for (int format = 0; format < 3; format++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = format == 0 ? grok_export_png (missing, 50, 40, 72, draw_test, &args, NULL, &error)
                  : format == 1 ? grok_export_svg (missing, 1, 1, draw_test, &args, &error)
                                : grok_export_pdf (missing, 1, 1, draw_test, &args, NULL, &error);
      g_assert_false (ok);
      g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
      g_assert_nonnull (strstr (error->message, missing));
      g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
    }
  /* a folder already at the destination: rendering works, the final rename fails, and the
   * temporary file must not stay behind (root ignores permissions, so this is the portable
   * way to make the last step fail) */
  g_assert_cmpint (g_mkdir (blocked, 0755), ==, 0);
  for (int format = 0; format < 3; format++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = format == 0 ? grok_export_png (blocked, 50, 40, 72, draw_test, &args, NULL, &error)
                  : format == 1 ? grok_export_svg (blocked, 1, 1, draw_test, &args, &error)
                                : grok_export_pdf (blocked, 1, 1, draw_test, &args, NULL, &error);
      g_assert_false (ok);
      g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
      g_assert_nonnull (strstr (error->message, blocked));
      g_assert_cmpuint (count_entries (dir), ==, 1);
    }
  g_rmdir (blocked);
  g_rmdir (dir);
}

static void
test_bad_text_key (void)
{
  const char *dir = test_tmp_dir ("grok-export-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "figure.png", NULL);
  const char *pairs[] = { "", "empty key", NULL };
  g_autoptr (GError) error = NULL;
  DrawArgs args = { 0 };

  g_assert_false (grok_export_png (path, 20, 20, 72, draw_test, &args, pairs, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_FAILED);
  g_assert_cmpuint (count_entries (dir), ==, 0);
  g_rmdir (dir);
}

/* a venue's name gives its width and the golden ratio's height (a slide its 16:9), a height
 * after ':' replaces that, and its row gives the text size and the curves' panel limit */
static void
test_venue_sizes (void)
{
  double w = 0, h = 0;
  g_autoptr (GError) error = NULL;
  GrokFigureRequest request;

  g_assert_true (grok_figure_parse_size ("icml-column", 300, &w, &h, NULL));
  g_assert_cmpfloat (w, ==, 3.25);
  g_assert_cmpfloat (fabs (w / h - (1 + sqrt (5)) / 2), <, 1e-12);
  g_assert_true (grok_figure_parse_size ("icml-page", 300, &w, &h, NULL));
  g_assert_cmpfloat (w, ==, 6.75);
  g_assert_true (grok_figure_parse_size ("neurips", 300, &w, &h, NULL));
  g_assert_cmpfloat (w, ==, 5.5);
  g_assert_true (grok_figure_parse_size ("slide", 300, &w, &h, NULL));
  g_assert_cmpfloat (fabs (w / h - 16.0 / 9.0), <, 1e-12);
  g_assert_true (grok_figure_parse_size ("icml-column:6.35cm", 300, &w, &h, NULL));
  g_assert_cmpfloat (w, ==, 3.25);
  g_assert_cmpfloat (fabs (h - 2.5), <, 1e-12);
  g_assert_true (grok_figure_parse_size ("neurips:600px", 300, &w, &h, NULL));
  g_assert_cmpfloat (fabs (h - 2), <, 1e-12);
  g_assert_false (grok_figure_parse_size ("icml-column:tall", 300, &w, &h, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_clear_error (&error);
  /* an unknown name is named in the error with the venues there are */
  g_assert_false (grok_figure_parse_size ("icml", 300, &w, &h, &error));
  g_assert_nonnull (strstr (error->message, "icml-column, icml-page, neurips, slide"));
  g_assert_null (grok_figure_size_lookup ("icml"));
  g_assert_true (grok_figure_size_lookup ("slide:5in") == grok_figure_size (GROK_SIZE_SLIDE));

  grok_figure_request_init (&request, GROK_VIEW_CURVES);
  grok_figure_request_set_size (&request, grok_figure_size (GROK_SIZE_ICML_COLUMN));
  g_assert_cmpfloat (request.style.font_size, ==, 7);
  g_assert_cmpuint (request.curves.max_panels, ==, 4);
  grok_figure_request_set_size (&request, grok_figure_size (GROK_SIZE_SLIDE));
  g_assert_cmpfloat (request.style.font_size, ==, 14);
  g_assert_cmpuint (request.curves.max_panels, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/export/png-read-back", test_png_read_back);
  g_test_add_func ("/ui/export/svg-has-axis-labels", test_svg_has_axis_labels);
  g_test_add_func ("/ui/export/svg-heatmap-crisp", test_svg_heatmap_crisp);
  g_test_add_func ("/ui/export/pdf-signature", test_pdf_signature);
  g_test_add_func ("/ui/export/unwritable-destination", test_unwritable_destination);
  g_test_add_func ("/ui/export/bad-text-key", test_bad_text_key);
  g_test_add_func ("/ui/export/venue-sizes", test_venue_sizes);
  return grok_figure_test_finish (g_test_run ());
}
