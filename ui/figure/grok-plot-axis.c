/* Axis arithmetic for grok-plot: tick positions (1-2-5 steps on linear axes, decades on log
 * axes), tick label text, data ranges, and the mapping between data and device coordinates. */
#include "grok-plot.h"
#include "grok-plot-private.h"

#include <math.h>

/* the rung `k` of the ladder ... 0.1, 0.2, 0.5, 1, 2, 5, 10 ... (rung 0 is 1) */
static double
grok_ladder_step (int k)
{
  static const double mults[] = { 1, 2, 5 };
  int decade = (int) floor (k / 3.0);

  return mults[k - 3 * decade] * pow (10.0, decade);
}

guint
grok_plot_linear_ticks (double lo, double hi, guint target, double *ticks, guint max,
                        double *step_out)
{
  double raw, step;
  guint n = 0;
  int k;

  g_return_val_if_fail (ticks != NULL || max == 0, 0);

  if (!(hi > lo) || !isfinite (hi - lo))
    return 0;
  raw = (hi - lo) / MAX (target, 1);
  k = 3 * (int) floor (log10 (raw)) - 3;
  while (grok_ladder_step (k) < raw * (1 - 1e-9))
    k++;
  /* a wide rung can leave fewer than two ticks in view; an axis needs two to be read */
  while ((step = grok_ladder_step (k)), floor (hi / step + 1e-9) - ceil (lo / step - 1e-9) < 1)
    k--;
  /* integer multiples of the step, so 0 lands exactly on 0 and labels print cleanly */
  for (double m = ceil (lo / step - 1e-9); m * step <= hi + step * 1e-9 && n < max; m++)
    ticks[n++] = m * step == 0 ? 0.0 : m * step;
  if (step_out != NULL)
    *step_out = step;
  return n;
}

void
grok_plot_log_ticks (double lo, double hi, guint target, GArray *major, GArray *minor)
{
  int e_lo, e_hi, stride;

  g_return_if_fail (major != NULL && minor != NULL);

  if (!(lo > 0) || !(hi > lo) || !isfinite (hi))
    return;
  e_lo = (int) floor (log10 (lo));
  e_hi = (int) ceil (log10 (hi));
  stride = MAX (1, (int) ceil ((double) (e_hi - e_lo) / MAX (target, 1)));
  for (int e = e_lo; e <= e_hi; e++)
    {
      double decade = pow (10.0, e);

      if (e % stride == 0 && decade >= lo * (1 - 1e-9) && decade <= hi * (1 + 1e-9))
        g_array_append_val (major, decade);
      for (int m = 2; m <= 9 && stride == 1; m++)
        {
          double v = m * decade;
          if (v >= lo && v <= hi)
            g_array_append_val (minor, v);
        }
    }
}

/* digits as Unicode superscripts, so 10^-3 reads as a printed exponent with one plain string */
static void
grok_append_superscript (GString *out, int value)
{
  static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  char buf[16];

  g_snprintf (buf, sizeof buf, "%d", value);
  for (const char *p = buf; *p != '\0'; p++)
    g_string_append (out, *p == '-' ? "⁻" : digits[*p - '0']);
}

char *
grok_plot_format_decade (double value)
{
  GString *out = g_string_new ("10");

  grok_append_superscript (out, (int) lround (log10 (value)));
  return g_string_free (out, FALSE);
}

/* a typographic minus sign (U+2212) instead of the hyphen printf writes */
static char *
grok_with_minus (char *text)
{
  char *out;

  if (text[0] != '-')
    return text;
  out = g_strconcat ("−", text + 1, NULL);
  g_free (text);
  return out;
}

static char *
grok_plot_format_linear_ascii (double value, double step)
{
  int decimals;

  if (value == 0)
    return g_strdup ("0");
  /* steps count in thousands and millions read better as 20k, 3M than as 6-digit numbers;
   * decided by the step alone so that every label of one axis has the same form */
  if (step >= 1e6)
    return g_strdup_printf ("%gM", value / 1e6);
  if (step >= 1e3)
    return g_strdup_printf ("%gk", value / 1e3);
  decimals = MAX (0, (int) ceil (-log10 (step) - 1e-9));
  if (decimals > 6)
    return g_strdup_printf ("%.2g", value);
  return g_strdup_printf ("%.*f", decimals, value);
}

char *
grok_plot_format_linear (double value, double step)
{
  return grok_with_minus (grok_plot_format_linear_ascii (value, step));
}

char *
grok_plot_format_log_minor (double value)
{
  return grok_with_minus (g_strdup_printf ("%g", value));
}

/* the range of the drawable values of one coordinate over all series */
static void
grok_plot_extend (const double *v, gsize n, gboolean log_scale, double *lo, double *hi)
{
  if (v == NULL)
    return;
  for (gsize i = 0; i < n; i++)
    if (isfinite (v[i]) && (!log_scale || v[i] > 0))
      {
        *lo = MIN (*lo, v[i]);
        *hi = MAX (*hi, v[i]);
      }
}

static void
grok_plot_pad_range (double *lo, double *hi, gboolean log_scale)
{
  if (log_scale)
    {
      double l = log10 (*lo), h = log10 (*hi), pad = MAX (h - l, 0.5) * 0.04;
      if (h - l < 1e-9)
        l -= 0.5, h += 0.5;
      *lo = pow (10.0, l - pad);
      *hi = pow (10.0, h + pad);
      return;
    }
  if (*hi - *lo <= 1e-12 * MAX (fabs (*lo), 1e-300))
    {
      double half = *lo != 0 ? fabs (*lo) * 0.5 : 0.5;
      *lo -= half;
      *hi += half;
      return;
    }
  {
    double pad = (*hi - *lo) * 0.04;
    *lo -= pad;
    *hi += pad;
  }
}

gboolean
grok_plot_compute_limits (const GrokPlot *plot, GrokPlotGeometry *g)
{
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  gboolean have_data;

  for (guint s = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      grok_plot_extend (series->x, series->n, plot->x_log, &xlo, &xhi);
      grok_plot_extend (series->y, series->n, plot->y_log, &ylo, &yhi);
      grok_plot_extend (series->y_lo, series->n, plot->y_log, &ylo, &yhi);
      grok_plot_extend (series->y_hi, series->n, plot->y_log, &ylo, &yhi);
    }
  have_data = xlo <= xhi && ylo <= yhi;
  if (!have_data)
    {
      xlo = ylo = plot->x_log ? 1 : 0;
      xhi = yhi = plot->x_log ? 10 : 1;
      ylo = plot->y_log ? 1 : 0;
      yhi = plot->y_log ? 10 : 1;
    }
  else
    {
      grok_plot_pad_range (&xlo, &xhi, plot->x_log);
      grok_plot_pad_range (&ylo, &yhi, plot->y_log);
    }
  g->x_log = plot->x_log;
  g->y_log = plot->y_log;
  g->x_min = isnan (plot->x_min) ? xlo : plot->x_min;
  g->x_max = isnan (plot->x_max) ? xhi : plot->x_max;
  g->y_min = isnan (plot->y_min) ? ylo : plot->y_min;
  g->y_max = isnan (plot->y_max) ? yhi : plot->y_max;
  /* a fixed limit can contradict the data's range or the log scale: fall back to a unit span */
  if (!(g->x_max > g->x_min) || (g->x_log && !(g->x_min > 0)))
    g->x_min = g->x_log ? 1 : 0, g->x_max = g->x_log ? 10 : 1;
  if (!(g->y_max > g->y_min) || (g->y_log && !(g->y_min > 0)))
    g->y_min = g->y_log ? 1 : 0, g->y_max = g->y_log ? 10 : 1;
  return have_data;
}

static double
grok_axis_fraction (double v, double lo, double hi, gboolean log_scale)
{
  if (log_scale)
    return v > 0 ? (log10 (v) - log10 (lo)) / (log10 (hi) - log10 (lo)) : NAN;
  return (v - lo) / (hi - lo);
}

static double
grok_axis_value (double f, double lo, double hi, gboolean log_scale)
{
  if (log_scale)
    return pow (10.0, log10 (lo) + f * (log10 (hi) - log10 (lo)));
  return lo + f * (hi - lo);
}

double
grok_plot_geometry_x_to_px (const GrokPlotGeometry *g, double x)
{
  g_return_val_if_fail (g != NULL, NAN);
  return g->left + g->width * grok_axis_fraction (x, g->x_min, g->x_max, g->x_log);
}

double
grok_plot_geometry_y_to_px (const GrokPlotGeometry *g, double y)
{
  g_return_val_if_fail (g != NULL, NAN);
  return g->top + g->height * (1.0 - grok_axis_fraction (y, g->y_min, g->y_max, g->y_log));
}

double
grok_plot_geometry_px_to_x (const GrokPlotGeometry *g, double px)
{
  g_return_val_if_fail (g != NULL, NAN);
  return grok_axis_value ((px - g->left) / g->width, g->x_min, g->x_max, g->x_log);
}

double
grok_plot_geometry_px_to_y (const GrokPlotGeometry *g, double py)
{
  g_return_val_if_fail (g != NULL, NAN);
  return grok_axis_value (1.0 - (py - g->top) / g->height, g->y_min, g->y_max, g->y_log);
}

gboolean
grok_plot_geometry_contains (const GrokPlotGeometry *g, double px, double py)
{
  g_return_val_if_fail (g != NULL, FALSE);
  return px >= g->left && px <= g->left + g->width && py >= g->top && py <= g->top + g->height;
}

gboolean
grok_plot_find_nearest (const GrokPlot *plot, const GrokPlotGeometry *g, double px, double py,
                        double max_distance, guint *series_out, gsize *index_out)
{
  double best = max_distance * max_distance;
  gboolean found = FALSE;

  g_return_val_if_fail (plot != NULL && g != NULL, FALSE);

  for (guint s = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      for (gsize i = 0; i < series->n; i++)
        {
          double qx = grok_plot_geometry_x_to_px (g, series->x[i]);
          double qy = grok_plot_geometry_y_to_px (g, series->y[i]);
          double d2 = (qx - px) * (qx - px) + (qy - py) * (qy - py);
          /* NAN coordinates (gaps, values a log axis cannot show) fail this comparison */
          if (d2 <= best)
            {
              best = d2;
              found = TRUE;
              if (series_out != NULL)
                *series_out = s;
              if (index_out != NULL)
                *index_out = i;
            }
        }
    }
  return found;
}
