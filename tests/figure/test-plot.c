/* The plotting module: tick rules checked by brute force over many ranges, the data <-> pixel
 * mapping, and what lines look like where the data has gaps or a log axis cannot go. */
#include "grok-plot.h"
#include "figure-pixels.h"
#include "grok-plot-private.h"
#include "grok-figure-private.h"

#include "figure-test-main.h"
#include <math.h>

static void
test_linear_ticks_rules (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (int trial = 0; trial < 2000; trial++)
    {
      /* spans from 1e-5 to 1e7, offset by up to 1000 spans from zero: beyond that the range
       * is below double precision at its own magnitude and no tick rule can be exact */
      double span = pow (10, g_rand_double_range (rand, -5, 7));
      double lo = g_rand_double_range (rand, -1e3, 1e3) * span;
      double hi = lo + span;
      guint target = (guint) g_rand_int_range (rand, 2, 9);
      double ticks[64], step = 0, mant;
      guint n = grok_plot_linear_ticks (lo, hi, target, ticks, 64, &step);

      /* step is 1, 2 or 5 times a power of ten */
      mant = step / pow (10, floor (log10 (step) + 1e-12));
      g_assert_true (fabs (mant - 1) < 1e-9 || fabs (mant - 2) < 1e-9 || fabs (mant - 5) < 1e-9
                     || fabs (mant - 10) < 1e-9);
      /* about `target` ticks: the 1-2-5 ladder can widen the step by up to 2.5 times the
       * exact span / target, so at least floor(target / 2.5), and never fewer than two;
       * never more than target + 1, except when a too-wide rung left fewer than two ticks:
       * then the span is under two old steps, so under 5 new ones (ladder ratio <= 2.5) */
      g_assert_cmpuint (n, >=, MAX ((guint) (target / 2.5), 2));
      g_assert_cmpuint (n, <=, MAX (target + 1, 5));
      for (guint i = 0; i < n; i++)
        {
          double k = ticks[i] / step;
          /* every tick inside the range (to rounding) and a whole multiple of the step */
          g_assert_cmpfloat (ticks[i], >=, lo - 1e-9 * step);
          g_assert_cmpfloat (ticks[i], <=, hi + 1e-9 * step);
          g_assert_cmpfloat (fabs (k - round (k)), <, 1e-6);
          if (i > 0)
            g_assert_cmpfloat (fabs (ticks[i] - ticks[i - 1] - step), <, 1e-6 * step);
        }
      /* none missing at the ends */
      g_assert_cmpfloat (ticks[0] - step, <, lo);
      g_assert_cmpfloat (ticks[n - 1] + step, >, hi);
    }
  g_rand_free (rand);
}

static void
test_linear_ticks_example (void)
{
  double ticks[16], step;
  guint n = grok_plot_linear_ticks (0, 1, 5, ticks, 16, &step);

  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat (fabs (step - 0.2), <, 1e-12);
  g_assert_cmpfloat (ticks[0], ==, 0);
  g_assert_cmpfloat (fabs (ticks[5] - 1), <, 1e-12);
}

static void
test_log_ticks (void)
{
  g_autoptr (GArray) major = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) minor = g_array_new (FALSE, FALSE, sizeof (double));
  const double want[] = { 0.01, 0.1, 1, 10 };

  grok_plot_log_ticks (0.0031, 20, 8, major, minor);
  g_assert_cmpuint (major->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (g_array_index (major, double, i) / want[i] - 1), <, 1e-12);
  /* minor: 0.004..0.009 (6), 0.02..0.09, 0.2..0.9, 2..9 (8 each), 20 (1) */
  g_assert_cmpuint (minor->len, ==, 6 + 8 + 8 + 8 + 1);

  /* 30 decades with room for 6 labels: every 5th decade, no minor ticks */
  g_array_set_size (major, 0);
  g_array_set_size (minor, 0);
  grok_plot_log_ticks (1e-20, 1e10, 6, major, minor);
  g_assert_cmpuint (major->len, ==, 7);
  g_assert_cmpuint (minor->len, ==, 0);
}

static void
check_label (char *label, const char *want)
{
  g_assert_cmpstr (label, ==, want);
  g_free (label);
}

static void
test_tick_labels (void)
{
  /* one form per axis: the step decides, so 5000 and 10000 both print in thousands */
  check_label (grok_plot_format_linear (5000, 5000), "5k");
  check_label (grok_plot_format_linear (10000, 5000), "10k");
  check_label (grok_plot_format_linear (3e6, 1e6), "3M");
  check_label (grok_plot_format_linear (800, 200), "800");
  /* as many decimals as the step needs, a real minus sign, and a clean zero */
  check_label (grok_plot_format_linear (-0.2, 0.2), "−0.2");
  check_label (grok_plot_format_linear (0.004, 0.002), "0.004");
  check_label (grok_plot_format_linear (0, 0.002), "0");
  check_label (grok_plot_format_decade (1e-3), "10⁻³");
  check_label (grok_plot_format_decade (1e12), "10¹²");
  check_label (grok_plot_format_decade (1), "10⁰");
}

static void
test_geometry_round_trip (void)
{
  GrokPlotGeometry g = { 50, 20, 400, 300, 1, 1e5, -2, 3, TRUE, FALSE };

  g_assert_cmpfloat (fabs (grok_plot_geometry_x_to_px (&g, 1) - 50), <, 1e-9);
  g_assert_cmpfloat (fabs (grok_plot_geometry_x_to_px (&g, 1e5) - 450), <, 1e-9);
  /* 10^2.5 is the middle of 10^0..10^5 on a log axis */
  g_assert_cmpfloat (fabs (grok_plot_geometry_x_to_px (&g, pow (10, 2.5)) - 250), <, 1e-9);
  /* y grows upwards: the maximum is at the top */
  g_assert_cmpfloat (fabs (grok_plot_geometry_y_to_px (&g, 3) - 20), <, 1e-9);
  g_assert_cmpfloat (fabs (grok_plot_geometry_y_to_px (&g, -2) - 320), <, 1e-9);
  for (double x = 1; x < 1e5; x *= 3.7)
    g_assert_cmpfloat (fabs (grok_plot_geometry_px_to_x (&g, grok_plot_geometry_x_to_px (&g, x)) / x - 1), <, 1e-12);
  for (double y = -2; y < 3; y += 0.37)
    g_assert_cmpfloat (fabs (grok_plot_geometry_px_to_y (&g, grok_plot_geometry_y_to_px (&g, y)) - y), <, 1e-12);
  g_assert_true (isnan (grok_plot_geometry_x_to_px (&g, -1)));
  g_assert_true (grok_plot_geometry_contains (&g, 60, 30));
  g_assert_false (grok_plot_geometry_contains (&g, 40, 30));
}

/* a narrow panel over steps 10 .. 300 on a log axis (under two decades): its step labels sit
 * side by side, none over the next, as in a small print of the curves */
static void
test_narrow_log_axis_labels_apart (void)
{
  double x[] = { 10, 30, 100, 300 }, y[] = { 1, 2, 3, 4 };
  g_autoptr (GArray) records = g_array_new (FALSE, TRUE, sizeof (GrokTextRecord));
  cairo_surface_t *s = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (s);
  GrokFigureStyle style;
  GrokSeries series;
  GrokPlot plot;
  GrokPlotGeometry g;
  double base = -INFINITY, last_end = -INFINITY;
  guint n = 0;

  g_array_set_clear_func (records, grok_text_record_clear);
  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  series = (GrokSeries) { x, y, NULL, NULL, G_N_ELEMENTS (x), NULL, (GrokRgba) { 0.1, 0.3, 0.8, 1 }, FALSE };
  grok_plot_init (&plot);
  plot.series = &series;
  plot.n_series = 1;
  plot.x_log = TRUE;
  plot.hide_legend = TRUE;
  grok_figure_text_log_attach (s, records);
  grok_plot_draw (cr, 0, 0, 80, 70, &plot, &style, &g);
  /* the x tick labels are the lowest row of level text (no x label, no title here) */
  for (guint i = 0; i < records->len; i++)
    {
      GrokTextRecord *r = &g_array_index (records, GrokTextRecord, i);
      if (r->angle == 0)
        base = MAX (base, r->y);
    }
  grok_figure_set_font (cr, &style, style.font_size, FALSE);
  for (guint i = 0; i < records->len; i++)
    {
      GrokTextRecord *r = &g_array_index (records, GrokTextRecord, i);
      if (r->angle != 0 || r->y != base)
        continue;
      g_assert_cmpfloat (r->x, >=, last_end);
      last_end = r->x + grok_figure_text_width (cr, r->text);
      n++;
    }
  g_assert_cmpuint (n, >=, 2);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* a short panel as in a small print of the loss: from the layout record, nothing leaves the
 * panel or crosses other text or a line; the marker labels and the legend are all there, and
 * the y label, longer than the data area is high, is left out rather than squeezed */
static void
test_short_panel_labels (void)
{
  double x[40], train[40], test[40], markers[] = { 400, 1900 };
  const char *marker_labels[] = { "memorised", "generalised" };
  const char *texts[] = { "memorised", "generalised", "train", "test", "Loss", "step" };
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  g_autofree char *problems = NULL;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 250, 95);
  cairo_t *cr = cairo_create (s);
  GrokFigureStyle style;
  GrokSeries series[2];
  GrokPlot plot;

  for (int i = 0; i < 40; i++)
    {
      x[i] = 20 * pow (250, i / 39.0);
      train[i] = 5 * pow (1e-4, i / 39.0);
      test[i] = x[i] < 1000 ? 5 : 5e-3;
    }
  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  series[0] = (GrokSeries) { x, train, NULL, NULL, 40, "train", (GrokRgba) { 0, 0.4, 0.7, 1 }, FALSE };
  series[1] = (GrokSeries) { x, test, NULL, NULL, 40, "test", (GrokRgba) { 0.8, 0.4, 0, 1 }, FALSE };
  grok_plot_init (&plot);
  plot.series = series;
  plot.n_series = 2;
  plot.x_log = plot.y_log = TRUE;
  plot.title = "Loss";
  plot.x_label = "step";
  plot.y_label = "cross-entropy (nats)";
  plot.markers_x = markers;
  plot.marker_labels = marker_labels;
  plot.n_markers = 2;
  grok_figure_layout_attach (layout, s);
  grok_plot_draw (cr, 0, 0, 250, 95, &plot, &style, NULL);
  problems = grok_figure_layout_problems (layout, 250, 95);
  if (problems != NULL)
    g_test_message ("%s", problems);
  g_assert_null (problems);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gboolean found = FALSE;
      for (guint k = 0; k < layout->texts->len; k++)
        found = found || g_str_equal (g_array_index (layout->texts, GrokLayoutText, k).text, texts[i]);
      g_assert_true (found);
    }
  for (guint k = 0; k < layout->texts->len; k++)
    g_assert_cmpstr (g_array_index (layout->texts, GrokLayoutText, k).text, !=, plot.y_label);
  g_assert_cmpuint (layout->segments->len, >=, 2 * 39);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* y = x on 0..10 with y[5] missing: the line is there at x = 2 and x = 8, absent at x = 5 */
static void
test_nan_breaks_line (void)
{
  double x[11], y[11];
  GrokFigureStyle style;
  GrokSeries series;
  GrokPlot plot;
  GrokPlotGeometry g;
  GrokRgba color = { 0.8, 0.1, 0.6, 1 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 500, 400);
  cairo_t *cr = cairo_create (s);

  for (int i = 0; i <= 10; i++)
    x[i] = y[i] = i;
  y[5] = NAN;
  grok_figure_style_init (&style, GROK_SCHEME_LIGHT);
  style.scale = 2;
  series = (GrokSeries) { x, y, NULL, NULL, 11, NULL, color, FALSE };
  grok_plot_init (&plot);
  plot.series = &series;
  plot.n_series = 1;
  grok_plot_draw (cr, 0, 0, 500, 400, &plot, &style, &g);
  /* 8-bit channels and antialiasing at the line's centre: 40 levels of slack */
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&g, 2), grok_plot_geometry_y_to_px (&g, 2), 2, color, 40));
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&g, 8), grok_plot_geometry_y_to_px (&g, 8), 2, color, 40));
  g_assert_false (color_near_point (s, grok_plot_geometry_x_to_px (&g, 5), grok_plot_geometry_y_to_px (&g, 5), 4, color, 60));
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* log y with y = x - 3 on 0..10: the non-positive points are skipped, the rest drawn */
static void
test_log_axis_skips_non_positive (void)
{
  double x[11], y[11];
  GrokFigureStyle style;
  GrokSeries series;
  GrokPlot plot;
  GrokPlotGeometry g;
  GrokRgba color = { 0.1, 0.6, 0.2, 1 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 500, 400);
  cairo_t *cr = cairo_create (s);

  for (int i = 0; i <= 10; i++)
    x[i] = i, y[i] = i - 3;
  grok_figure_style_init (&style, GROK_SCHEME_LIGHT);
  style.scale = 2;
  series = (GrokSeries) { x, y, NULL, NULL, 11, NULL, color, FALSE };
  grok_plot_init (&plot);
  plot.y_log = TRUE;
  plot.series = &series;
  plot.n_series = 1;
  grok_plot_draw (cr, 0, 0, 500, 400, &plot, &style, &g);
  /* the automatic range starts at the smallest positive value */
  g_assert_cmpfloat (g.y_min, <=, 1);
  g_assert_cmpfloat (g.y_min, >, 0.5);
  g_assert_true (color_near_point (s, grok_plot_geometry_x_to_px (&g, 6), grok_plot_geometry_y_to_px (&g, 3), 2, color, 40));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  /* hovering: the point nearest to where (7, 4) is drawn is index 7; y = -1 at x = 2 is not
   * drawn on a log axis, so nothing is found near where it would be */
  {
    guint which = 99;
    gsize index = 99;
    g_assert_true (grok_plot_find_nearest (&plot, &g, grok_plot_geometry_x_to_px (&g, 7) + 3,
                                           grok_plot_geometry_y_to_px (&g, 4) - 2, 10, &which, &index));
    g_assert_cmpuint (which, ==, 0);
    g_assert_cmpuint (index, ==, 7);
    g_assert_false (grok_plot_find_nearest (&plot, &g, grok_plot_geometry_x_to_px (&g, 2),
                                            g.top + g.height + 40, 10, NULL, NULL));
  }
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* the same plot at twice the scale on twice the canvas lays out the same, twice as large */
static void
test_scale_is_layout_invariant (void)
{
  double x[3] = { 1, 10, 100 }, y[3] = { 0.5, 0.05, 0.005 };
  GrokPlotGeometry g[2];
  GrokFigureStyle style;
  GrokSeries series = { x, y, NULL, NULL, 3, "train", { 0, 0, 1, 1 }, FALSE };
  GrokPlot plot;

  grok_plot_init (&plot);
  plot.title = "Loss";
  plot.x_label = "step";
  plot.y_label = "cross-entropy";
  plot.x_log = plot.y_log = TRUE;
  plot.series = &series;
  plot.n_series = 1;
  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  for (int k = 0; k < 2; k++)
    {
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400 * (k + 1), 300 * (k + 1));
      cairo_t *cr = cairo_create (s);
      style.scale = k + 1;
      grok_plot_draw (cr, 0, 0, 400 * (k + 1), 300 * (k + 1), &plot, &style, &g[k]);
      cairo_destroy (cr);
      cairo_surface_destroy (s);
    }
  /* glyph advances are unhinted but still rounded to 1/256 px by the rasteriser: 0.5 px slack */
  g_assert_cmpfloat (fabs (g[1].left - 2 * g[0].left), <, 0.5);
  g_assert_cmpfloat (fabs (g[1].top - 2 * g[0].top), <, 0.5);
  g_assert_cmpfloat (fabs (g[1].width - 2 * g[0].width), <, 0.5);
  g_assert_cmpfloat (fabs (g[1].height - 2 * g[0].height), <, 0.5);
  g_assert_cmpfloat (g[1].y_min, ==, g[0].y_min);
}

/* a line from step 0 across the axis break is broken at it: the gap between the break's
 * strokes is the page's colour, while the line shows either side of it */
static void
test_zero_break_stays_visible (void)
{
  static const double x[] = { 0, 10, 100 }, y[] = { 0.1, 0.1, 5 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
  cairo_t *cr = cairo_create (s);
  GrokRgba red = { 1, 0, 0, 1 };
  GrokSeries series = { x, y, NULL, NULL, 3, NULL, red, FALSE };
  GrokFigureStyle style;
  GrokPalette palette;
  GrokPlotGeometry g;
  GrokPlot plot;
  double bx, py;

  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  grok_figure_style_palette (&style, &palette);
  grok_plot_init (&plot);
  plot.x_log = TRUE;
  plot.x_zero = TRUE;
  plot.y_min = 0;
  plot.y_max = 10;
  plot.series = &series;
  plot.n_series = 1;
  grok_plot_draw (cr, 0, 0, 300, 200, &plot, &style, &g);
  bx = grok_plot_geometry_zero_break (&g);
  py = grok_plot_geometry_y_to_px (&g, 0.1);
  /* the line runs 1.5 device units above the axis, through the break */
  g_assert_cmpfloat (g.top + g.height - py, >, 1);
  g_assert_cmpfloat (g.top + g.height - py, <, 2);
  g_assert_true (px_near (px_at (s, (int) floor (bx), (int) floor (py)), palette.background, 8));
  for (int side = -1; side <= 1; side += 2)
    {
      /* the line's pixels there, blended with the page at its edges: mostly red */
      Px p = px_at (s, (int) floor (bx + 6 * side), (int) floor (py) - 1);
      g_assert_cmpint (p.r, >, 200);
      g_assert_cmpint (p.g, <, 140);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/plot/linear-ticks-rules", test_linear_ticks_rules);
  g_test_add_func ("/ui/plot/linear-ticks-example", test_linear_ticks_example);
  g_test_add_func ("/ui/plot/log-ticks", test_log_ticks);
  g_test_add_func ("/ui/plot/tick-labels", test_tick_labels);
  g_test_add_func ("/ui/plot/geometry-round-trip", test_geometry_round_trip);
  g_test_add_func ("/ui/plot/nan-breaks-line", test_nan_breaks_line);
  g_test_add_func ("/ui/plot/zero-break-stays-visible", test_zero_break_stays_visible);
  g_test_add_func ("/ui/plot/narrow-log-axis-labels-apart", test_narrow_log_axis_labels_apart);
  g_test_add_func ("/ui/plot/short-panel-labels", test_short_panel_labels);
  g_test_add_func ("/ui/plot/log-axis-skips-non-positive", test_log_axis_skips_non_positive);
  g_test_add_func ("/ui/plot/scale-is-layout-invariant", test_scale_is_layout_invariant);
  return grok_figure_test_finish (g_test_run ());
}
