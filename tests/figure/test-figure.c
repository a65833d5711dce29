/* The figures as a person sees them: each one is drawn from synthetic data into an image and
 * checked where the data says something must (or must not) be, through the geometry the
 * figure reports. Drawn at scale 2 so lines are several pixels wide. */
#include "grok-figure-curves.h"
#include "grok-figure-heatmap.h"
#include "grok-figure-spectrum.h"
#include "figure-pixels.h"
#include "figure-synthetic.h"

#include "figure-test-main.h"
#include <math.h>

#define W 1200
#define H 480

/* 8-bit channels, and antialiasing only at the edges of a 2.5-pixel line: 40 levels of slack */
#define TOL 40

static void
style_for_tests (GrokFigureStyle *style)
{
  grok_figure_style_init (style, GROK_SCHEME_LIGHT);
  style->scale = 2;
}

/* the fraction of rows whose (step, column) point has the colour near it in panel g; rows
 * where the other column's point is within 10 px are skipped (one line may cover the other) */
static double
fraction_on_line (cairo_surface_t *s, const GrokPlotGeometry *g, const GrokMetrics *m,
                  const char *column, const char *other, GrokRgba color)
{
  int xc = grok_metrics_column_index (m, "step"), yc = grok_metrics_column_index (m, column);
  int oc = grok_metrics_column_index (m, other);
  guint checked = 0, found = 0;

  for (guint r = 0; r < m->n_rows; r++)
    {
      double px = grok_plot_geometry_x_to_px (g, grok_metrics_get (m, r, xc));
      double py = grok_plot_geometry_y_to_px (g, grok_metrics_get (m, r, yc));
      double qy = grok_plot_geometry_y_to_px (g, grok_metrics_get (m, r, oc));
      if (fabs (py - qy) < 10)
        continue;
      checked++;
      found += color_near_point (s, px, py, 2, color, TOL);
    }
  g_assert_cmpuint (checked, >, 20);
  return (double) found / checked;
}

static void
test_curves_lines_where_data_says (void)
{
  g_autoptr (GrokMetrics) m = grok_synthetic_metrics (120, 0.0);
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[4];
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (s);
  GrokRgba train, test;
  guint n;

  style_for_tests (&style);
  grok_curves_options_init (&options);
  options.log_x = TRUE;
  n = grok_figure_curves_draw (cr, W, H, m, &options, &style, panels, 4);
  g_assert_cmpuint (n, ==, 2);
  train = grok_figure_style_series_color (&style, 0);
  test = grok_figure_style_series_color (&style, 1);
  /* the loss panel is log y and the accuracy panel is 0..1, as asked */
  g_assert_true (panels[0].y_log && panels[0].x_log);
  g_assert_false (panels[1].y_log);
  g_assert_cmpfloat (panels[1].y_min, <=, 0);
  g_assert_cmpfloat (panels[1].y_max, >=, 1);
  /* a legend or marker label may hide a few points: 90% must show the series' colour */
  g_assert_cmpfloat (fraction_on_line (s, &panels[0], m, "train_loss", "test_loss", train), >=, 0.9);
  g_assert_cmpfloat (fraction_on_line (s, &panels[0], m, "test_loss", "train_loss", test), >=, 0.9);
  g_assert_cmpfloat (fraction_on_line (s, &panels[1], m, "train_acc", "test_acc", train), >=, 0.9);
  /* and the train colour is not where the test curve alone is */
  g_assert_cmpfloat (fraction_on_line (s, &panels[0], m, "test_loss", "train_loss", train), <, 0.1);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_curves_empty_plot (void)
{
  static const char * const columns[] = { "step", "train_loss", "test_loss", "train_acc", "test_acc", NULL };
  g_autoptr (GrokMetrics) empty = grok_metrics_new (columns);
  g_autoptr (GrokMetrics) full = grok_synthetic_metrics (120, 0.0);
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[2];
  cairo_surface_t *blank = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (s);

  /* the uniformity check itself: true on an untouched surface */
  g_assert_true (surface_is_uniform (blank));
  style_for_tests (&style);
  grok_curves_options_init (&options);
  grok_figure_curves_draw (cr, W, H, empty, &options, &style, panels, 2);
  /* an empty table still draws axes and titles, so the image is not uniform... */
  g_assert_false (surface_is_uniform (s));
  /* ...but no train-coloured line where the synthetic data would put one */
  g_assert_cmpfloat (fraction_on_line (s, &panels[0], full, "train_loss", "test_loss",
                                       grok_figure_style_series_color (&style, 0)), <, 0.05);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  cairo_surface_destroy (blank);
}

static void
test_curves_markers (void)
{
  g_autoptr (GrokMetrics) m = grok_synthetic_metrics (300, 0.0);
  /* closed form: train_acc = 0.01 + 0.99 sigmoid(7 (log10 step - 2.5)) >= 0.99 from here on */
  double p = 0.98 / 0.99, d = 2.5 + log (p / (1 - p)) / 7, s_star = pow (10, d);
  double at = grok_figure_curves_first_reaching (m, "step", "train_acc", 0.99);
  int xc = grok_metrics_column_index (m, "step");
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[2];
  GrokPalette palette;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (s);
  guint r = 0, hits = 0;

  /* the first table step at or past s*: steps are rounded, so allow one unit */
  while (grok_metrics_get (m, r, xc) < s_star - 1)
    r++;
  g_assert_cmpfloat (fabs (at - grok_metrics_get (m, r, xc)), <=, grok_metrics_get (m, r, xc) - grok_metrics_get (m, r - 1, xc));
  g_assert_cmpfloat (at, >=, s_star - 1);
  g_assert_true (isnan (grok_figure_curves_first_reaching (m, "step", "train_acc", 1.5)));

  style_for_tests (&style);
  grok_figure_style_palette (&style, &palette);
  grok_curves_options_init (&options);
  options.log_x = TRUE;
  grok_figure_curves_draw (cr, W, H, m, &options, &style, panels, 2);
  /* the dashed marker line: muted-grey pixels in the column at `at`, over the panel height */
  for (double y = panels[1].top + 10; y < panels[1].top + panels[1].height - 10; y += 4)
    hits += color_near_point (s, grok_plot_geometry_x_to_px (&panels[1], at), y, 1, palette.muted, 30);
  g_assert_cmpuint (hits, >, 10);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* the curves draw a panel for each measure panel column the metrics have, in the measures
 * table's order, with the L2 norm beside them; a measure column that is not a panel (naive_bytes)
 * gets none, and without show_measures only loss and accuracy are drawn */
static void
test_curves_measure_panels (void)
{
  static const char * const columns[] = { "step", "train_loss", "train_acc", "test_loss",
                                          "test_acc", "l2_norm", "region_count", "naive_bytes",
                                          "lmn", NULL };
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[8];
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H * 2);
  cairo_t *cr = cairo_create (s);
  guint n;

  for (int i = 1; i <= 20; i++)
    grok_metrics_append_row (m, (const double[]) { i, 1.0 / i, 0.5, 1.0 / i, 0.4, 10 + i,
                                                   3 * i, 100, 2 + i % 3 });
  style_for_tests (&style);
  grok_curves_options_init (&options);
  n = grok_figure_curves_draw (cr, W, H * 2, m, &options, &style, panels, 8);
  g_assert_cmpuint (n, ==, 5);
  /* lmn comes before regions in the table; its values run 2..4, region_count's 3..60 */
  g_assert_cmpfloat (panels[2].y_max, <, 10);
  g_assert_cmpfloat (panels[3].y_max, >=, 60);
  g_assert_cmpfloat (panels[4].y_max, >=, 30);
  options.show_measures = FALSE;
  g_assert_cmpuint (grok_figure_curves_draw (cr, W, H * 2, m, &options, &style, panels, 8), ==, 2);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_curves_extra_panel_and_runs (void)
{
  g_autoptr (GrokMetrics) a = grok_synthetic_metrics (120, 0.0);
  g_autoptr (GrokMetrics) b = grok_synthetic_metrics (120, 0.3);
  const GrokMetrics *runs[2] = { a, b };
  const char *extra[] = { "l2_norm", NULL };
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[4];
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H * 2);
  cairo_t *cr = cairo_create (s);
  GrokRgba l2_color, train;
  int xc = grok_metrics_column_index (a, "step"), yc = grok_metrics_column_index (a, "train_acc");
  guint n, band_hits = 0, checked = 0;

  style_for_tests (&style);
  grok_curves_options_init (&options);
  options.log_x = TRUE;
  options.extra_columns = extra;
  n = grok_figure_curves_draw_runs (cr, W, H * 2, runs, 2, &options, &style, panels, 4);
  g_assert_cmpuint (n, ==, 3);
  l2_color = grok_figure_style_series_color (&style, 2);
  train = grok_figure_style_series_color (&style, 0);
  /* the mean of the two runs' l2_norm at a step both share (both tables have the same steps) */
  {
    int lc = grok_metrics_column_index (a, "l2_norm");
    guint found = 0;
    for (guint r = 5; r < a->n_rows; r += 5)
      {
        double mean = 0.5 * (grok_metrics_get (a, r, lc) + grok_metrics_get (b, r, lc));
        found += color_near_point (s, grok_plot_geometry_x_to_px (&panels[2], grok_metrics_get (a, r, xc)),
                                   grok_plot_geometry_y_to_px (&panels[2], mean), 2, l2_color, TOL);
      }
    g_assert_cmpuint (found, >=, 20);
  }
  /* between the runs' train accuracies, away from the mean line: the translucent band, a light
   * tint of the train colour (bluer than red, neither white nor the full line colour) */
  for (guint r = 0; r < a->n_rows; r++)
    {
      double ya = grok_plot_geometry_y_to_px (&panels[1], grok_metrics_get (a, r, yc));
      double yb = grok_plot_geometry_y_to_px (&panels[1], grok_metrics_get (b, r, yc));
      double px = grok_plot_geometry_x_to_px (&panels[1], grok_metrics_get (a, r, xc));
      Px p;
      if (fabs (ya - yb) < 40)
        continue;
      p = px_at (s, (int) px, (int) (0.75 * MIN (ya, yb) + 0.25 * MAX (ya, yb)));
      checked++;
      band_hits += p.b > p.r + 20 && p.r > 120 && !px_near (p, train, TOL);
    }
  g_assert_cmpuint (checked, >, 5);
  g_assert_cmpfloat ((double) band_hits / checked, >=, 0.8);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_heatmap_signs_and_bar (void)
{
  enum { R = 6, C = 9 };
  float w[R * C] = { 0 };
  GrokFigureStyle style;
  GrokHeatmapGeometry g;
  double limit = 0;
  cairo_surface_t *img, *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 600);
  cairo_t *cr = cairo_create (s);
  Px pos, neg, zero, top, bottom, mid;

  w[1 * C + 2] = 0.8f;    /* the largest |w|: full red */
  w[4 * C + 7] = -0.5f;   /* a clear blue */
  img = grok_heatmap_surface_new (w, R, C, 0, &limit);
  g_assert_cmpfloat (fabs (limit - 0.8), <, 1e-6);
  g_assert_cmpint (cairo_image_surface_get_width (img), ==, C);
  g_assert_cmpint (cairo_image_surface_get_height (img), ==, R);
  style_for_tests (&style);
  grok_figure_heatmap_draw (cr, 0, 0, 800, 600, img, limit, "layers.0.weight", &style, &g);
  pos = px_at (s, (int) (g.left + (2 + 0.5) * g.width / C), (int) (g.top + (1 + 0.5) * g.height / R));
  neg = px_at (s, (int) (g.left + (7 + 0.5) * g.width / C), (int) (g.top + (4 + 0.5) * g.height / R));
  zero = px_at (s, (int) (g.left + (5 + 0.5) * g.width / C), (int) (g.top + (3 + 0.5) * g.height / R));
  g_assert_cmpint (pos.r, >, pos.b + 60);
  g_assert_cmpint (neg.b, >, neg.r + 60);
  g_assert_true (zero.r > 230 && zero.g > 230 && zero.b > 230);
  /* the geometry maps pixels back to the same cells */
  {
    guint row, col;
    g_assert_true (grok_heatmap_geometry_cell_at (&g, g.left + 2.5 * g.width / C, g.top + 1.5 * g.height / R, &row, &col));
    g_assert_cmpuint (row, ==, 1);
    g_assert_cmpuint (col, ==, 2);
    g_assert_false (grok_heatmap_geometry_cell_at (&g, g.left - 1, g.top + 1, &row, &col));
  }
  /* the colour bar: red at the top, blue at the bottom, white in the middle, right of the matrix */
  g_assert_cmpfloat (g.bar_left, >, g.left + g.width);
  top = px_at (s, (int) (g.bar_left + g.bar_width / 2), (int) (g.bar_top + 3));
  bottom = px_at (s, (int) (g.bar_left + g.bar_width / 2), (int) (g.bar_top + g.bar_height - 3));
  mid = px_at (s, (int) (g.bar_left + g.bar_width / 2), (int) (g.bar_top + g.bar_height / 2));
  g_assert_cmpint (top.r, >, top.b + 60);
  g_assert_cmpint (bottom.b, >, bottom.r + 60);
  g_assert_true (mid.r > 230 && mid.g > 230 && mid.b > 230);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  cairo_surface_destroy (img);
}

static void
test_spectrum_log_lines (void)
{
  double sv[2][20];
  GrokSpectrum spectra[2] = { { sv[0], 20, "step 100  H=2.90  eff.rank=18.2" },
                              { sv[1], 20, "step 5000  H=1.10  eff.rank=3.0" } };
  GrokFigureStyle style;
  GrokPlotGeometry g;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 600);
  cairo_t *cr = cairo_create (s);
  guint found = 0;

  for (int i = 0; i < 20; i++)
    sv[0][i] = 2.0 * pow (0.9, i), sv[1][i] = 2.0 * pow (0.5, i);
  style_for_tests (&style);
  grok_figure_spectrum_draw (cr, 0, 0, 900, 600, spectra, 2, "embed.weight", &style, &g);
  g_assert_true (g.y_log);
  /* the fast-decaying checkpoint, index from 1: the last (lightest) sequential colour */
  for (int i = 2; i < 16; i++)
    found += color_near_point (s, grok_plot_geometry_x_to_px (&g, i + 1),
                               grok_plot_geometry_y_to_px (&g, sv[1][i]), 2,
                               grok_colormap_sequential (0.85), TOL);
  g_assert_cmpuint (found, >=, 12);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/figure/curves/lines-where-data-says", test_curves_lines_where_data_says);
  g_test_add_func ("/ui/figure/curves/empty-plot", test_curves_empty_plot);
  g_test_add_func ("/ui/figure/curves/markers", test_curves_markers);
  g_test_add_func ("/ui/figure/curves/extra-panel-and-runs", test_curves_extra_panel_and_runs);
  g_test_add_func ("/ui/figure/curves/measure-panels", test_curves_measure_panels);
  g_test_add_func ("/ui/figure/heatmap/signs-and-bar", test_heatmap_signs_and_bar);
  g_test_add_func ("/ui/figure/spectrum/log-lines", test_spectrum_log_lines);
  return grok_figure_test_finish (g_test_run ());
}
