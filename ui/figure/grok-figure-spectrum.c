/* The spectrum figure: one line per checkpoint, index from 1, coloured along the sequential
 * map so the order of checkpoints reads from dark (early) to light (late), neighbours as far
 * apart in colour as the map allows. */
#include "grok-figure-spectrum.h"

void
grok_figure_spectrum_colors (const GrokFigureStyle *style, guint n, GrokRgba *colors)
{
  g_autofree double *t = g_new (double, MAX (n, 1));
  /* stop short of the map's yellow end on a white page, of its near-black end on a dark one */
  gboolean dark = style->scheme == GROK_SCHEME_DARK;

  if (n == 1)
    t[0] = dark ? 0.55 : 0.4;
  else
    grok_colormap_sequential_spread (n, dark ? 0.25 : 0, dark ? 1 : 0.85, t);
  for (guint s = 0; s < n; s++)
    colors[s] = grok_colormap_sequential (t[s]);
}

void
grok_figure_spectrum_draw (cairo_t *cr, double x, double y, double width, double height,
                           const GrokSpectrum *spectra, guint n_spectra, const char *title,
                           const GrokFigureStyle *style, GrokPlotGeometry *geometry_out)
{
  g_autofree GrokSeries *series = NULL;
  g_autofree double *index = NULL;
  g_autofree GrokRgba *colors = NULL;
  gsize n_max = 1;
  GrokPlot plot;

  g_return_if_fail (cr != NULL && style != NULL);
  g_return_if_fail (spectra != NULL || n_spectra == 0);

  for (guint s = 0; s < n_spectra; s++)
    n_max = MAX (n_max, spectra[s].n);
  index = g_new (double, n_max);
  for (gsize i = 0; i < n_max; i++)
    index[i] = (double) (i + 1);
  series = g_new0 (GrokSeries, MAX (n_spectra, 1));
  colors = g_new (GrokRgba, MAX (n_spectra, 1));
  grok_figure_spectrum_colors (style, n_spectra, colors);
  for (guint s = 0; s < n_spectra; s++)
    series[s] = (GrokSeries) { index, spectra[s].values, NULL, NULL, spectra[s].n,
                               spectra[s].label, colors[s], FALSE };
  grok_plot_init (&plot);
  plot.title = title;
  plot.x_label = "index";
  plot.x_integer = TRUE;
  plot.y_label = "singular value";
  plot.y_log = TRUE;
  plot.series = series;
  plot.n_series = n_spectra;
  plot.empty_text = "no singular values";
  /* inside the data area where it crosses no curve, else beside it or above it */
  plot.legend_outside = FALSE;
  /* the curves keep most of the panel: its text smaller rather than the legend above them */
  plot.min_data_share = 0.55;
  grok_plot_draw (cr, x, y, width, height, &plot, style, geometry_out);
}
