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

/* the range of the drawable values of one coordinate over all series; with x given, only
 * over the points whose x lies in [x_lo, x_hi] */
static void
grok_plot_extend_where (const double *v, gsize n, gboolean log_scale, const double *x,
                        double x_lo, double x_hi, double *lo, double *hi)
{
  if (v == NULL)
    return;
  for (gsize i = 0; i < n; i++)
    if (isfinite (v[i]) && (!log_scale || v[i] > 0) && (x == NULL || (x[i] >= x_lo && x[i] <= x_hi)))
      {
        *lo = MIN (*lo, v[i]);
        *hi = MAX (*hi, v[i]);
      }
}

static void
grok_plot_extend (const double *v, gsize n, gboolean log_scale, double *lo, double *hi)
{
  grok_plot_extend_where (v, n, log_scale, NULL, 0, 0, lo, hi);
}

void
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

/* whether a series has a point at x = 0 whose y the axis can show */
static gboolean
grok_plot_has_zero_x (const GrokSeries *series, gboolean y_log)
{
  for (gsize i = 0; i < series->n; i++)
    if (series->x[i] == 0 && isfinite (series->y[i]) && (!y_log || series->y[i] > 0))
      return TRUE;
  return FALSE;
}

gboolean
grok_plot_compute_limits (const GrokPlot *plot, GrokPlotGeometry *g)
{
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  gboolean have_data, x_zero = plot->x_log && plot->x_zero, zero_only = FALSE;
  /* with both x limits fixed (a zoomed step range), y fits the points in view */
  gboolean x_fixed = !isnan (plot->x_min) && !isnan (plot->x_max);
  double x_lo = x_fixed ? plot->x_min : -INFINITY, x_hi = x_fixed ? plot->x_max : INFINITY;

  if (x_fixed && x_zero)
    x_lo = MIN (x_lo, 0);
  for (guint s = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      const double *x = x_fixed ? series->x : NULL;
      grok_plot_extend (series->x, series->n, plot->x_log, &xlo, &xhi);
      grok_plot_extend_where (series->y, series->n, plot->y_log, x, x_lo, x_hi, &ylo, &yhi);
      grok_plot_extend_where (series->y_lo, series->n, plot->y_log, x, x_lo, x_hi, &ylo, &yhi);
      grok_plot_extend_where (series->y_hi, series->n, plot->y_log, x, x_lo, x_hi, &ylo, &yhi);
      zero_only = zero_only || (x_zero && grok_plot_has_zero_x (series, plot->y_log));
    }
  /* a point at step 0 alone is data on an axis that shows 0: the decades right of it keep the
   * unit span */
  zero_only = zero_only && !(xlo <= xhi) && ylo <= yhi;
  if (zero_only)
    xlo = 1, xhi = 10;
  have_data = xlo <= xhi && ylo <= yhi;
  if (!have_data)
    {
      xlo = plot->x_log ? 1 : 0;
      xhi = plot->x_log ? 10 : 1;
      ylo = plot->y_log ? 1 : 0;
      yhi = plot->y_log ? 10 : 1;
    }
  else
    {
      if (!zero_only)
        grok_plot_pad_range (&xlo, &xhi, plot->x_log);
      grok_plot_pad_range (&ylo, &yhi, plot->y_log);
    }
  g->x_log = plot->x_log;
  g->x_zero = x_zero;
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

/* the slot for 0 left of a log axis, as fractions of the axis: its width, where 0 sits in it
 * and where the break is */
#define GROK_ZERO_SLOT  0.1
#define GROK_ZERO_AT    0.35
#define GROK_ZERO_BREAK 0.75

static double
grok_x_fraction (const GrokPlotGeometry *g, double x)
{
  if (!g->x_zero)
    return grok_axis_fraction (x, g->x_min, g->x_max, g->x_log);
  if (x == 0)
    return GROK_ZERO_AT * GROK_ZERO_SLOT;
  return GROK_ZERO_SLOT + (1 - GROK_ZERO_SLOT) * grok_axis_fraction (x, g->x_min, g->x_max, TRUE);
}

double
grok_plot_geometry_zero_break (const GrokPlotGeometry *g)
{
  return g->left + g->width * GROK_ZERO_BREAK * GROK_ZERO_SLOT;
}

double
grok_plot_geometry_x_to_px (const GrokPlotGeometry *g, double x)
{
  g_return_val_if_fail (g != NULL, NAN);
  return g->left + g->width * grok_x_fraction (g, x);
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
  double f;

  g_return_val_if_fail (g != NULL, NAN);
  f = (px - g->left) / g->width;
  if (g->x_zero)
    {
      if (f < GROK_ZERO_BREAK * GROK_ZERO_SLOT)
        return 0;
      f = (f - GROK_ZERO_SLOT) / (1 - GROK_ZERO_SLOT);
    }
  return grok_axis_value (f, g->x_min, g->x_max, g->x_log);
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
