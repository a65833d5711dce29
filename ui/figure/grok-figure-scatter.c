/* The scatter figure. */
#include "grok-figure-scatter.h"
#include "grok-plot-private.h"

#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-measures.h"

double
grok_scatter_pearson (const GrokMetrics *metrics, const char *x, const char *y, guint *n_out)
{
  int xc = grok_metrics_column_index (metrics, x), yc = grok_metrics_column_index (metrics, y);
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  guint n = 0;

  g_return_val_if_fail (metrics != NULL, NAN);
  /* Welford's running means and co-moments: no cancellation on large, close values */
  for (guint r = 0; xc >= 0 && yc >= 0 && r < metrics->n_rows; r++)
    {
      double a = grok_metrics_get (metrics, r, (guint) xc), b = grok_metrics_get (metrics, r, (guint) yc);
      double da, db;
      if (!isfinite (a) || !isfinite (b))
        continue;
      n++;
      da = a - mx;
      db = b - my;
      mx += da / n;
      my += db / n;
      sxx += da * (a - mx);
      syy += db * (b - my);
      sxy += da * (b - my);
    }
  if (n_out != NULL)
    *n_out = n;
  if (n < 2 || !(sxx > 0) || !(syy > 0))
    return NAN;
  return CLAMP (sxy / sqrt (sxx * syy), -1.0, 1.0);
}

gboolean
grok_scatter_check (const GrokMetrics *metrics, const GrokScatterOptions *options, GError **error)
{
  const char *missing = NULL;

  if (options->y_column == NULL || options->x_columns == NULL || options->x_columns[0] == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "a scatter needs a column for x and one for y (--x COLUMN --y COLUMN)");
      return FALSE;
    }
  if (grok_metrics_column_index (metrics, options->y_column) < 0)
    missing = options->y_column;
  for (guint i = 0; missing == NULL && options->x_columns[i] != NULL; i++)
    if (grok_metrics_column_index (metrics, options->x_columns[i]) < 0)
      missing = options->x_columns[i];
  if (missing != NULL)
    {
      GString *names = g_string_new (NULL);
      for (guint c = 0; c < metrics->columns->len; c++)
        g_string_append_printf (names, "%s%s", c ? ", " : "", (char *) metrics->columns->pdata[c]);
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "the run's metrics have no column '%s' "
                   "(they have %s)", missing, names->str);
      g_string_free (names, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* a column's name in the figure: its title, LMN's with its points */
static char *
grok_scatter_name (const char *column, int lmn_points)
{
  if (g_strcmp0 (column, "lmn") == 0 && lmn_points > 0)
    return g_strdup_printf ("%s (%d points)", grok_column_title (column), lmn_points);
  return g_strdup (grok_column_title (column));
}

/* the step's colour: the sequential map along the steps, short of its yellow end, which a
 * white page would swallow. Linear, not logarithmic: the rows of a run are evenly spaced in
 * steps, and on a log scale all but the first few would share one colour */
static GrokRgba
grok_scatter_step_color (double step, double last)
{
  return grok_colormap_sequential (0.85 * (last > 0 ? CLAMP (step / last, 0, 1) : 0));
}

/* a log axis for positive values spanning more than two decades */
static gboolean
grok_scatter_wants_log (const double *v, guint n)
{
  double lo = INFINITY, hi = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!(v[i] > 0))
        return FALSE;
      lo = MIN (lo, v[i]), hi = MAX (hi, v[i]);
    }
  return n > 0 && hi / lo > 100;
}

static void
grok_scatter_panel (cairo_t *cr, double x0, double y0, double w, double h,
                    const GrokMetrics *metrics, const char *x_column,
                    const GrokScatterOptions *o, const GrokFigureStyle *style)
{
  int xc = grok_metrics_column_index (metrics, x_column);
  int yc = grok_metrics_column_index (metrics, o->y_column);
  g_autofree double *xs = g_new (double, metrics->n_rows + 1);
  g_autofree double *ys = g_new (double, metrics->n_rows + 1);
  g_autofree GrokRgba *colors = g_new (GrokRgba, metrics->n_rows + 1);
  g_autofree char *x_name = grok_scatter_name (x_column, o->lmn_points);
  g_autofree char *y_name = grok_scatter_name (o->y_column, o->lmn_points);
  g_autofree char *title = NULL, *r_label = NULL, *first_label = NULL, *last_label = NULL;
  double last = metrics->n_rows ? grok_metrics_get (metrics, metrics->n_rows - 1, 0) : 0;
  double first = metrics->n_rows ? grok_metrics_get (metrics, 0, 0) : 0, r;
  double nothing = NAN;
  GrokSeries series[3];
  GrokPlot plot;
  guint n = 0;

  for (guint row = 0; row < metrics->n_rows; row++)
    {
      double a = grok_metrics_get (metrics, row, (guint) xc), b = grok_metrics_get (metrics, row, (guint) yc);
      if (!isfinite (a) || !isfinite (b))
        continue;
      xs[n] = a, ys[n] = b;
      colors[n++] = grok_scatter_step_color (grok_metrics_get (metrics, row, 0), last);
    }
  r = grok_scatter_pearson (metrics, x_column, o->y_column, NULL);
  title = g_strdup_printf ("%s against %s", y_name, x_name);
  r_label = isnan (r) ? g_strdup_printf ("Pearson's r undefined, %u rows", n)
                      : g_strdup_printf ("Pearson's r = %.2f, %u rows", r, n);
  {
    g_autofree char *a = grok_figure_format_count ((gint64) first);
    g_autofree char *b = grok_figure_format_count ((gint64) last);
    first_label = g_strdup_printf ("step %s", a);
    last_label = g_strdup_printf ("step %s", b);
  }
  /* the legend: r, then what the colours say, from the first row's step to the last's */
  series[0] = (GrokSeries) { xs, ys, NULL, NULL, n, r_label, grok_scatter_step_color (last / 2, last),
                             FALSE, TRUE, colors };
  series[1] = (GrokSeries) { &nothing, &nothing, NULL, NULL, 1, first_label,
                             grok_scatter_step_color (first, last), FALSE, TRUE, NULL };
  series[2] = (GrokSeries) { &nothing, &nothing, NULL, NULL, 1, last_label,
                             grok_scatter_step_color (last, last), FALSE, TRUE, NULL };
  grok_plot_init (&plot);
  plot.title = title;
  plot.x_label = x_name;
  plot.y_label = y_name;
  plot.x_log = grok_scatter_wants_log (xs, n);
  plot.y_log = grok_scatter_wants_log (ys, n);
  plot.series = series;
  plot.n_series = 3;
  plot.empty_text = "no row has both values";
  grok_plot_draw (cr, x0, y0, w, h, &plot, style, NULL);
}

void
grok_figure_scatter_draw (cairo_t *cr, double width, double height, const GrokMetrics *metrics,
                          const GrokScatterOptions *options, const GrokFigureStyle *style)
{
  GrokPalette palette;
  guint n = 0, cols, rows;

  GROK_FIGURE_UNIFORM_SIZES (cr, grok_figure_scatter_draw, width, height, metrics, options, style);

  g_return_if_fail (cr != NULL && metrics != NULL && options != NULL && style != NULL);

  grok_figure_style_palette (style, &palette);
  cairo_rectangle (cr, 0, 0, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  if (!grok_scatter_check (metrics, options, NULL))
    return;
  while (options->x_columns[n] != NULL)
    n++;
  cols = grok_figure_grid_columns (n, width, height, 1.2);
  rows = (n + cols - 1) / cols;
  for (guint i = 0; i < n; i++)
    grok_scatter_panel (cr, (i % cols) * width / cols, (i / cols) * height / rows, width / cols,
                        height / rows, metrics, options->x_columns[i], options, style);
}

char *
grok_figure_scatter_format_csv (const GrokMetrics *metrics, const GrokScatterOptions *options)
{
  GString *out = g_string_new (NULL);
  guint n_x = 0;
  int yc;

  g_return_val_if_fail (grok_scatter_check (metrics, options, NULL), g_string_free (out, FALSE));

  while (options->x_columns[n_x] != NULL)
    n_x++;
  yc = grok_metrics_column_index (metrics, options->y_column);
  for (guint i = 0; i < n_x; i++)
    {
      double r = grok_scatter_pearson (metrics, options->x_columns[i], options->y_column, NULL);
      char value[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (value, sizeof value, "%.9g", r);
      if (n_x == 1)
        g_string_append_printf (out, "# pearson_r=%s\n", value);
      else
        g_string_append_printf (out, "# pearson_r=%s x=%s y=%s\n", value, options->x_columns[i],
                                options->y_column);
    }
  g_string_append (out, "step");
  for (guint i = 0; i < n_x; i++)
    g_string_append_printf (out, ",%s", options->x_columns[i]);
  g_string_append_printf (out, ",%s\n", options->y_column);
  for (guint row = 0; row < metrics->n_rows; row++)
    {
      double y = grok_metrics_get (metrics, row, (guint) yc);
      gboolean any = FALSE;
      for (guint i = 0; i < n_x; i++)
        any = any || isfinite (grok_metrics_get (metrics, row, (guint) grok_metrics_column_index (metrics, options->x_columns[i])));
      if (!isfinite (y) || !any)
        continue;
      g_string_append_printf (out, "%.0f", grok_metrics_get (metrics, row, 0));
      for (guint i = 0; i < n_x; i++)
        {
          double v = grok_metrics_get (metrics, row, (guint) grok_metrics_column_index (metrics, options->x_columns[i]));
          if (isfinite (v))
            g_string_append_printf (out, ",%.9g", v);
          else
            g_string_append_c (out, ',');
        }
      g_string_append_printf (out, ",%.9g\n", y);
    }
  return g_string_free (out, FALSE);
}
