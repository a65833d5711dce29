/* The figures as a person sees them: each one is drawn from synthetic data into an image and
 * checked where the data says something must (or must not) be, through the geometry the
 * figure reports. Drawn at scale 2 so lines are several pixels wide. */
#include "grok-figure-curves.h"
#include "grok-figure-heatmap.h"
#include "grok-figure-layout.h"
#include "grok-figure-scatter.h"
#include "grok-figure-regions.h"
#include "grok-figure-spectrum.h"
#include "grok-figure-view.h"
#include "grok-figure-weights.h"
#include "figure-pixels.h"
#include "figure-synthetic.h"

#include "figure-test-main.h"
#include <math.h>
#include <string.h>

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

/* rows at steps 0, 10, 20 .. 10 (n - 1) as a run writes them: losses every row, a measure
 * panel column (lmn) only on the first half, as measures run on a sparser schedule */
static GrokMetrics *
metrics_from_zero (guint n)
{
  static const char * const columns[] = { "step", "train_loss", "train_acc", "test_loss",
                                          "test_acc", "lmn", NULL };
  GrokMetrics *m = grok_metrics_new (columns);

  for (guint i = 0; i < n; i++)
    grok_metrics_append_row (m, (const double[]) { 10.0 * i, 4.0 / (1 + i), MIN (1.0, 0.01 * i),
                                                   4.5 / (1 + 0.5 * i), MIN (1.0, 0.005 * i),
                                                   i < n / 2 ? 2.0 + i : NAN });
  return m;
}

static cairo_surface_t *
draw_curves (const GrokMetrics *m, const GrokCurvesOptions *options, GrokPlotGeometry *panels,
             guint max, guint *n_out)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H * 2);
  cairo_t *cr = cairo_create (s);
  GrokFigureStyle style;

  style_for_tests (&style);
  *n_out = grok_figure_curves_draw (cr, W, H * 2, m, options, &style, panels, max);
  cairo_destroy (cr);
  return s;
}

/* Every panel shows the run's whole step range, a measure stopping early included, and maps
 * a step to the same x: one step axis for the figure */
static void
test_curves_one_step_range (void)
{
  g_autoptr (GrokMetrics) m = metrics_from_zero (151);
  GrokCurvesOptions options;
  GrokPlotGeometry panels[4];
  cairo_surface_t *s;
  guint n;

  for (int log_x = 0; log_x <= 1; log_x++)
    {
      grok_curves_options_init (&options);
      options.log_x = log_x;
      s = draw_curves (m, &options, panels, 4, &n);
      g_assert_cmpuint (n, ==, 3);
      for (guint p = 0; p < n; p++)
        {
          g_assert_cmpfloat (panels[p].x_min, ==, panels[0].x_min);
          g_assert_cmpfloat (panels[p].x_max, ==, panels[0].x_max);
          g_assert_cmpfloat (panels[p].width, ==, panels[0].width);
          g_assert_cmpfloat (panels[p].x_max, >=, 1500);
          g_assert_cmpfloat (fabs (grok_plot_geometry_x_to_px (&panels[p], 700) - panels[p].left
                                   - grok_plot_geometry_x_to_px (&panels[0], 700) + panels[0].left),
                             <, 1e-9);
        }
      cairo_surface_destroy (s);
    }
}

/* Step 0 is drawn on a log step axis: in the slot left of the decades, inside the data area,
 * with the train loss's colour at its point; rows at steps 0 and 1 alone (a run reset and
 * stepped once) are data, not "no data yet" */
static void
test_curves_step_zero_drawn (void)
{
  g_autoptr (GrokMetrics) m = metrics_from_zero (151);
  static const char * const columns[] = { "step", "train_loss", "train_acc", "test_loss",
                                          "test_acc", NULL };
  g_autoptr (GrokMetrics) first = grok_metrics_new (columns);
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[4];
  GrokRgba train;
  cairo_surface_t *s;
  guint n;

  style_for_tests (&style);
  train = grok_figure_style_series_color (&style, 0);
  grok_curves_options_init (&options);
  options.log_x = TRUE;
  s = draw_curves (m, &options, panels, 4, &n);
  for (guint p = 0; p < n; p++)
    {
      double px = grok_plot_geometry_x_to_px (&panels[p], 0);
      g_assert_true (panels[p].x_zero);
      g_assert_cmpfloat (px, >=, panels[p].left);
      /* left of the first positive row, with room between */
      g_assert_cmpfloat (px, <, grok_plot_geometry_x_to_px (&panels[p], 10) - 20);
      g_assert_cmpfloat (grok_plot_geometry_px_to_x (&panels[p], px), ==, 0);
    }
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&panels[0], 0),
                                   grok_plot_geometry_y_to_px (&panels[0], 4.0), 2, train, TOL));
  cairo_surface_destroy (s);

  grok_metrics_append_row (first, (const double[]) { 0, 4.6, 0.01, 2.3, 0.5 });
  s = draw_curves (first, &options, panels, 4, &n);
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&panels[0], 0),
                                   grok_plot_geometry_y_to_px (&panels[0], 4.6), 2, train, TOL));
  cairo_surface_destroy (s);
  grok_metrics_append_row (first, (const double[]) { 1, 4.5, 0.02, 2.2, 0.4 });
  s = draw_curves (first, &options, panels, 4, &n);
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&panels[1], 1),
                                   grok_plot_geometry_y_to_px (&panels[1], 0.02), 2, train, TOL));
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&panels[1], 0),
                                   grok_plot_geometry_y_to_px (&panels[1], 0.01), 2, train, TOL));
  cairo_surface_destroy (s);
}

/* the debiased moving average against its closed forms: a constant stays itself from the first
 * value on; a series of k zeros then ones is (1 - w^(t-k)) / (1 - w^t) at its t-th value */
static void
test_curves_smoothing_closed_form (void)
{
  enum { N = 40, K = 10 };
  double y[N], out[N], w = 0.8;

  for (int i = 0; i < N; i++)
    y[i] = 3.25;
  grok_curves_smooth (y, N, w, out);
  for (int i = 0; i < N; i++)
    g_assert_cmpfloat (fabs (out[i] - 3.25), <, 1e-12);
  for (int i = 0; i < N; i++)
    y[i] = i < K ? 0 : 1;
  grok_curves_smooth (y, N, w, out);
  for (int t = 1; t <= N; t++)
    {
      double want = t <= K ? 0 : (1 - pow (w, t - K)) / (1 - pow (w, t));
      g_assert_cmpfloat (fabs (out[t - 1] - want), <, 1e-12);
    }
  /* a gap neither counts nor breaks the average */
  y[3] = NAN;
  grok_curves_smooth (y, N, w, out);
  g_assert_true (isnan (out[3]));
  g_assert_cmpfloat (fabs (out[N - 1] - (1 - pow (w, N - K)) / (1 - pow (w, N - 1))), <, 1e-12);
  /* w = 0 is no smoothing */
  grok_curves_smooth (y, N, 0, out);
  g_assert_cmpfloat (out[N - 1], ==, 1);
}

/* With smoothing the figure draws the moving average in the series' colour where the closed
 * form puts it, and the raw curve faint: at a jump of the raw data, the full colour is on the
 * smoothed value and not on the raw one */
static void
test_curves_smoothing_drawn (void)
{
  static const char * const columns[] = { "step", "train_acc", NULL };
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPlotGeometry panels[2];
  GrokRgba train;
  cairo_surface_t *s;
  double w = 0.9;
  guint n, hits = 0, raw_hits = 0;

  for (int i = 0; i < 100; i++)
    grok_metrics_append_row (m, (const double[]) { 10 * i, i < 50 ? 0.2 : 0.8 });
  style_for_tests (&style);
  grok_curves_options_init (&options);
  options.show_loss = FALSE;
  options.show_test = FALSE;
  options.show_markers = FALSE;
  options.smoothing = w;
  s = draw_curves (m, &options, panels, 2, &n);
  g_assert_cmpuint (n, ==, 1);
  train = grok_figure_style_series_color (&style, 0);
  for (int t = 52; t <= 70; t++)
    {
      /* a constant 0.2 then 0.8: the unbiased average is 0.2 + 0.6 (1 - w^(t-50)) / (1 - w^t) */
      double want = 0.2 + 0.6 * (1 - pow (w, t - 50)) / (1 - pow (w, t));
      double px = grok_plot_geometry_x_to_px (&panels[0], 10 * (t - 1));
      hits += color_near_point (s, px, grok_plot_geometry_y_to_px (&panels[0], want), 2, train, TOL);
      raw_hits += color_near_point (s, px, grok_plot_geometry_y_to_px (&panels[0], 0.8), 1, train, TOL);
    }
  g_assert_cmpuint (hits, >=, 17);
  g_assert_cmpuint (raw_hits, <=, 2);
  cairo_surface_destroy (s);
}

/* A narrowed step range is every panel's, exactly, and each panel's y fits what it shows */
static void
test_curves_step_range_zoom (void)
{
  g_autoptr (GrokMetrics) m = metrics_from_zero (151);
  GrokCurvesOptions options;
  GrokPlotGeometry panels[4], full[4];
  cairo_surface_t *s;
  guint n;

  grok_curves_options_init (&options);
  options.log_x = TRUE;
  s = draw_curves (m, &options, full, 4, &n);
  cairo_surface_destroy (s);
  options.step_from = 200;
  options.step_to = 600;
  s = draw_curves (m, &options, panels, 4, &n);
  for (guint p = 0; p < n; p++)
    {
      g_assert_cmpfloat (panels[p].x_min, ==, 200);
      g_assert_cmpfloat (panels[p].x_max, ==, 600);
      g_assert_false (panels[p].x_zero);
    }
  /* the train loss in view runs 4/61 .. 4/21 only; the whole run's reaches 4 */
  g_assert_cmpfloat (panels[0].y_max, <, 0.5);
  g_assert_cmpfloat (full[0].y_max, >=, 4);
  cairo_surface_destroy (s);
}

/* A browsed step: every curve drawn whole, with a line at the step in each panel */
static void
test_curves_cursor (void)
{
  g_autoptr (GrokMetrics) m = metrics_from_zero (151);
  GrokCurvesOptions options;
  GrokFigureStyle style;
  GrokPalette palette;
  GrokPlotGeometry panels[4];
  cairo_surface_t *s;
  guint n;

  style_for_tests (&style);
  grok_figure_style_palette (&style, &palette);
  grok_curves_options_init (&options);
  options.log_x = TRUE;
  options.show_markers = FALSE;
  options.show_cursor = TRUE;
  options.cursor_step = 300;
  s = draw_curves (m, &options, panels, 4, &n);
  for (guint p = 0; p < n; p++)
    {
      double px = grok_plot_geometry_x_to_px (&panels[p], 300);
      guint hits = 0;
      for (double y = panels[p].top + panels[p].height * 0.3; y < panels[p].top + panels[p].height - 4; y += 4)
        hits += color_near_point (s, px, y, 1, palette.foreground, 30);
      g_assert_cmpuint (hits, >, panels[p].height * 0.6 / 4);
    }
  /* the rows after the cursor are drawn too */
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&panels[0], 1200),
                                   grok_plot_geometry_y_to_px (&panels[0], 4.0 / 121), 2,
                                   grok_figure_style_series_color (&style, 0), TOL));
  cairo_surface_destroy (s);
}

/* a panel's y scale chosen by its name, either way round */
static void
test_curves_y_scale_per_panel (void)
{
  g_autoptr (GrokMetrics) m = metrics_from_zero (151);
  GrokCurvesOptions options;
  GrokCurvesPanel described[4];
  GrokPlotGeometry panels[4];
  cairo_surface_t *s;
  guint n;

  grok_curves_options_init (&options);
  g_assert_cmpuint (grok_figure_curves_panels (m, &options, described, 4), ==, 3);
  g_assert_cmpstr (described[0].title, ==, "Loss");
  g_assert_cmpstr (described[1].title, ==, "Accuracy");
  g_assert_cmpstr (described[2].columns[0], ==, "lmn");
  grok_curves_options_set_y_log (&options, "Loss", FALSE);
  grok_curves_options_set_y_log (&options, "Accuracy", TRUE);
  s = draw_curves (m, &options, panels, 4, &n);
  g_assert_false (panels[0].y_log);
  g_assert_true (panels[1].y_log);
  g_assert_false (panels[2].y_log);
  /* the accuracy's 0 cannot go on a log axis: the axis starts at its lowest positive value */
  g_assert_cmpfloat (panels[1].y_min, >, 0);
  g_assert_cmpfloat (panels[1].y_min, <, 0.01);
  cairo_surface_destroy (s);
  grok_curves_options_set_y_log (&options, "Loss", TRUE);
  s = draw_curves (m, &options, panels, 4, &n);
  g_assert_true (panels[0].y_log);
  cairo_surface_destroy (s);
}

/* two matrices of different ranges (largest |value| 0.4 and 1.2), each with a cell of 0.3: on
 * their own scales each bar spans its own range and the 0.3 cells differ in colour; on the
 * shared scale both bars span -1.2 .. 1.2 and both cells have the colour of 0.3 / 1.2 */
static void
test_heatmap_shared_scale (void)
{
  static const int shape_a[2] = { 4, 5 }, shape_b[2] = { 6, 3 };
  g_autoptr (GrokParams) params = grok_params_new ();
  GrokFigureStyle style;
  float *a, *b;

  grok_params_add (params, "a.weight", 2, shape_a);
  grok_params_add (params, "b.weight", 2, shape_b);
  grok_params_allocate (params);
  a = grok_params_tensor_data (params, 0);
  b = grok_params_tensor_data (params, 1);
  a[0 * 5 + 4] = -0.4f, a[1 * 5 + 1] = 0.3f;
  b[5 * 3 + 0] = 1.2f, b[2 * 3 + 1] = 0.3f;
  style_for_tests (&style);
  for (int shared = 0; shared <= 1; shared++)
    {
      g_autoptr (GrokWeightsCache) cache = grok_weights_cache_new_full (params, NULL, shared);
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1000, 500);
      cairo_t *cr = cairo_create (s);
      GrokHeatmapGeometry g[2];
      Px pa, pb;

      grok_figure_weights_draw (cr, 1000, 500, cache, &style, g);
      pa = px_at (s, (int) (g[0].left + 1.5 * g[0].width / 5), (int) (g[0].top + 1.5 * g[0].height / 4));
      pb = px_at (s, (int) (g[1].left + 1.5 * g[1].width / 3), (int) (g[1].top + 2.5 * g[1].height / 6));
      if (shared)
        {
          g_assert_cmpfloat (g[0].limit, ==, g[1].limit);
          g_assert_cmpfloat (fabs (g[0].limit - 1.2), <, 1e-6);
          g_assert_true (px_near (pa, grok_colormap_diverging (0.3 / 1.2), 2));
          g_assert_true (px_near (pb, grok_colormap_diverging (0.3 / 1.2), 2));
        }
      else
        {
          g_assert_cmpfloat (fabs (g[0].limit - 0.4), <, 1e-6);
          g_assert_cmpfloat (fabs (g[1].limit - 1.2), <, 1e-6);
          g_assert_true (px_near (pa, grok_colormap_diverging (0.3 / 0.4), 2));
          g_assert_true (px_near (pb, grok_colormap_diverging (0.3 / 1.2), 2));
          g_assert_false (px_near (pa, grok_colormap_diverging (0.3 / 1.2), 20));
        }
      cairo_destroy (cr);
      cairo_surface_destroy (s);
    }
  /* the request draws what it asks for: the titles say the scale is shared, only then */
  for (int shared = 0; shared <= 1; shared++)
    {
      g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 500, 250);
      cairo_t *cr = cairo_create (s);
      GrokFigureRequest request;
      guint said = 0;

      grok_figure_request_init (&request, GROK_VIEW_HEATMAP);
      request.params = params;
      request.shared_scale = shared;
      grok_figure_layout_attach (layout, s);
      grok_figure_request_draw (cr, 500, 250, &request);
      for (guint i = 0; i < layout->texts->len; i++)
        said += strstr (g_array_index (layout->texts, GrokLayoutText, i).text, "(shared\u00a0scale)") != NULL;
      g_assert_cmpuint (said, ==, shared ? 2 : 0);
      cairo_destroy (cr);
      cairo_surface_destroy (s);
    }
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
  grok_figure_heatmap_draw (cr, 0, 0, 800, 600, img, limit, "layers.0.weight", "weight", &style, &g);
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

/* the panels chosen by name, titled with their units; a measure evaluated without a value (no
 * coarse-graining was feasible) is a gap in its line, explained by a note in its panel that
 * counts such steps, where a step it was not evaluated at is joined over */
static void
test_curves_chosen_panels_and_gaps (void)
{
  static const char * const columns[] = { "step", "train_loss", "test_loss", "train_acc",
                                          "test_acc", "complexity_bytes", "naive_bytes", NULL };
  static const char * const chosen[] = { "complexity_bytes", NULL };
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (s);
  GrokCurvesOptions options;
  GrokCurvesPanel panels[4];
  GrokFigureStyle style;
  GrokPlotGeometry g;
  gboolean explained = FALSE;

  for (int r = 0; r < 10; r++)
    {
      /* row 5: evaluated, no value; row 7: not evaluated */
      double row[7] = { r, 1, 1, 0.5, 0.5, r == 5 || r == 7 ? NAN : 100 + r, r == 7 ? NAN : 900 };
      grok_metrics_append_row (m, row);
    }
  grok_curves_options_init (&options);
  options.panels = chosen;
  g_assert_cmpuint (grok_figure_curves_panels (m, &options, panels, 4), ==, 1);
  g_assert_cmpstr (panels[0].title, ==, "Complexity (bytes)");
  options.panels = (const char * const[]) { "accuracy", "complexity", "loss", NULL };
  g_assert_cmpuint (grok_figure_curves_panels (m, &options, panels, 4), ==, 3);
  g_assert_cmpstr (panels[0].title, ==, "Accuracy");
  g_assert_cmpstr (panels[1].title, ==, "Complexity (bytes)");
  g_assert_cmpstr (panels[2].title, ==, "Loss");
  g_assert_true (grok_curves_check_panels (m, options.panels, NULL));
  /* a measure's panel named again by its column is drawn once */
  options.panels = (const char * const[]) { "complexity", "loss", "complexity_bytes", NULL };
  g_assert_cmpuint (grok_figure_curves_panels (m, &options, panels, 4), ==, 2);
  g_assert_cmpstr (panels[0].title, ==, "Complexity (bytes)");
  g_assert_cmpstr (panels[1].title, ==, "Loss");
  g_assert_false (grok_curves_check_panels (m, (const char * const[]) { "lmn", NULL }, NULL));

  options.panels = chosen;
  options.show_markers = FALSE;
  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  grok_figure_layout_attach (layout, s);
  g_assert_cmpuint (grok_figure_curves_draw (cr, 400, 300, m, &options, &style, &g, 1), ==, 1);
  /* points 0..4, then 6, 8, 9: four segments and two */
  g_assert_cmpuint (layout->segments->len, ==, 6);
  /* one step (row 5) evaluated without a value: said once, in small type inside the data area,
   * the title left as it was */
  for (guint i = 0; i < layout->texts->len; i++)
    {
      const GrokLayoutText *t = &g_array_index (layout->texts, GrokLayoutText, i);
      g_assert_null (strstr (t->text, "; "));
      if (strstr (t->text, "coarse-graining") == NULL)
        continue;
      g_assert_false (explained);
      explained = TRUE;
      g_assert_cmpstr (t->text, ==, "no feasible coarse-graining within \u03b5 at 1 step");
      g_assert_cmpfloat (t->box.x0, >=, g.left);
      g_assert_cmpfloat (t->box.x1, <=, g.left + g.width);
      g_assert_cmpfloat (t->box.y0, >=, g.top);
      g_assert_cmpfloat (t->box.y1, <=, g.top + g.height);
    }
  g_assert_true (explained);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* Pearson's r against the textbook two-pass formula in long double, on data of a known
 * correlation shifted far from zero; rows missing either value are left out of both; a perfect
 * line is 1 or -1, a constant column has none; the CSV carries r and the rows used */
static void
test_scatter_pearson (void)
{
  static const char * const columns[] = { "step", "a", "b", "c", "flat", NULL };
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  GRand *rand = g_rand_new_with_seed (5);
  long double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
  double xs[400], ys[400], r;
  guint n = 0, used = 0;

  for (int i = 0; i < 400; i++)
    {
      double a = 1e6 + g_rand_double_range (rand, -1, 1);
      double b = 3 * (a - 1e6) + g_rand_double_range (rand, -2, 2);
      double row[5] = { i, a, i % 9 == 4 ? NAN : b, -2 * a, 7 };
      grok_metrics_append_row (m, row);
      if (i % 9 != 4)
        xs[n] = a, ys[n++] = b;
    }
  for (guint i = 0; i < n; i++)
    mx += xs[i], my += ys[i];
  mx /= n, my /= n;
  for (guint i = 0; i < n; i++)
    {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) * (xs[i] - mx);
      syy += (ys[i] - my) * (ys[i] - my);
    }
  r = grok_scatter_pearson (m, "a", "b", &used);
  g_assert_cmpuint (used, ==, n);
  g_assert_cmpfloat (fabs (r - (double) (sxy / sqrtl (sxx * syy))), <, 1e-9);
  g_assert_cmpfloat (r, >, 0.5);
  g_assert_cmpfloat (fabs (grok_scatter_pearson (m, "a", "c", NULL) + 1), <, 1e-12);
  g_assert_cmpfloat (fabs (grok_scatter_pearson (m, "c", "c", NULL) - 1), <, 1e-12);
  g_assert_true (isnan (grok_scatter_pearson (m, "a", "flat", NULL)));
  {
    GrokScatterOptions o = { (const char * const[]) { "a", NULL }, "b", 0 };
    g_autofree char *csv = grok_figure_scatter_format_csv (m, &o);
    g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
    g_autofree char *want = NULL;
    char value[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd (value, sizeof value, "%.9g", r);
    want = g_strdup_printf ("# pearson_r=%s", value);
    g_assert_cmpstr (lines[0], ==, want);
    g_assert_cmpstr (lines[1], ==, "step,a,b");
    /* a comment, the header, a line per row used, and the empty string after the last '\n' */
    g_assert_cmpuint (g_strv_length (lines), ==, 2 + n + 1);
    g_assert_false (grok_scatter_check (m, &(GrokScatterOptions) { o.x_columns, "nope", 0 }, NULL));
  }
  g_rand_free (rand);
}

/* the regions as TensorFlow Playground shows a net: one region where d = 5x (class 1 right of
 * x = 0) and one above it: filled in class 0's colour left of the boundary and class 1's right,
 * paler near it; the step and the count "in view" when zoomed in the title; a legend for the
 * classes and the points */
static void
test_regions_by_class (void)
{
  double left_xy[] = { -1, -1, 1, -1, 1, 0, -1, 0 }, top_xy[] = { -1, 0, 1, 0, 1, 1, -1, 1 };
  double logits[] = { 0, 0, 0, 5, 0, 0 };   /* class 0's logit 0, class 1's 5x */
  GrokRegion regions[2] = { { 4, left_xy, NULL, logits, 0, NULL }, { 4, top_xy, NULL, logits, 0, NULL } };
  GrokRegionMap map = { -1, -1, 1, 1, 0, 0, 2, 2, regions };
  GrokRegionsFigure f = { .x0 = -1, .y0 = -1, .x1 = 1, .y1 = 1, .exact = &map, .step = 1500,
                          .zoomed = TRUE };
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 600, 400);
  cairo_t *cr = cairo_create (s);
  const char *texts[] = { "step 1,500: 2 linear regions in view", "class 0 predicted",
                          "class 1 predicted" };
  GrokFigureStyle style;
  GrokPlotGeometry g;
  GrokRgba sure0, sure1, unsure1;

  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  sure0 = grok_regions_class_fill (&style, -6);
  sure1 = grok_regions_class_fill (&style, 6);
  unsure1 = grok_regions_class_fill (&style, 0.2);
  /* class 1's colour is vermillion (red over blue), class 0's blue; a small margin is paler */
  g_assert_cmpfloat (sure1.r, >, sure1.b);
  g_assert_cmpfloat (sure0.b, >, sure0.r);
  g_assert_cmpfloat (grok_rgba_lightness (unsure1), >, grok_rgba_lightness (sure1) + 0.1);

  grok_figure_layout_attach (layout, s);
  grok_figure_regions_draw (cr, 0, 0, 600, 400, &f, &style, &g);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gboolean found = FALSE;
      for (guint k = 0; k < layout->texts->len; k++)
        found = found || g_str_equal (g_array_index (layout->texts, GrokLayoutText, k).text, texts[i]);
      g_assert_true (found);
    }
  g_assert_null (grok_figure_layout_problems (layout, 600, 400));
  /* at x = -0.8 and x = 0.8, low in the window: the sure colours of each class */
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&g, -0.8), grok_plot_geometry_y_to_px (&g, -0.5),
                                   1, grok_regions_class_fill (&style, -4), 12));
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&g, 0.8), grok_plot_geometry_y_to_px (&g, -0.5),
                                   1, grok_regions_class_fill (&style, 4), 12));
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
  g_test_add_func ("/ui/figure/scatter/pearson", test_scatter_pearson);
  g_test_add_func ("/ui/figure/regions/by-class", test_regions_by_class);
  g_test_add_func ("/ui/figure/curves/chosen-panels-and-gaps", test_curves_chosen_panels_and_gaps);
  g_test_add_func ("/ui/figure/curves/extra-panel-and-runs", test_curves_extra_panel_and_runs);
  g_test_add_func ("/ui/figure/curves/measure-panels", test_curves_measure_panels);
  g_test_add_func ("/ui/figure/curves/one-step-range", test_curves_one_step_range);
  g_test_add_func ("/ui/figure/curves/step-zero-drawn", test_curves_step_zero_drawn);
  g_test_add_func ("/ui/figure/curves/smoothing-closed-form", test_curves_smoothing_closed_form);
  g_test_add_func ("/ui/figure/curves/smoothing-drawn", test_curves_smoothing_drawn);
  g_test_add_func ("/ui/figure/curves/step-range-zoom", test_curves_step_range_zoom);
  g_test_add_func ("/ui/figure/curves/cursor", test_curves_cursor);
  g_test_add_func ("/ui/figure/curves/y-scale-per-panel", test_curves_y_scale_per_panel);
  g_test_add_func ("/ui/figure/heatmap/signs-and-bar", test_heatmap_signs_and_bar);
  g_test_add_func ("/ui/figure/heatmap/shared-scale", test_heatmap_shared_scale);
  g_test_add_func ("/ui/figure/spectrum/log-lines", test_spectrum_log_lines);
  return grok_figure_test_finish (g_test_run ());
}
