/* The singular-value spectrum figure: the singular values of one matrix at one or several
 * checkpoints, on a log y axis against their index, earlier checkpoints darker. */
#pragma once

#include "grok-plot.h"

G_BEGIN_DECLS

typedef struct
{
  const double *values;   /* descending singular values */
  gsize         n;
  const char   *label;    /* legend text, e.g. "step 1000  H=3.21  eff.rank=24.8"; may be NULL */
} GrokSpectrum;

/* the colours of n spectra, earliest first: along the sequential map (dark to light on a white
 * page, stopping short of its yellow end; the reverse stretch's light part on a dark one), as
 * far apart in CIELAB as the stretch allows (by CIE76, at least 20 between neighbours for up
 * to eight) */
void grok_figure_spectrum_colors (const GrokFigureStyle *style, guint n, GrokRgba *colors);

void grok_figure_spectrum_draw (cairo_t *cr, double x, double y, double width, double height,
                                const GrokSpectrum *spectra, guint n_spectra, const char *title,
                                const GrokFigureStyle *style, GrokPlotGeometry *geometry_out);

G_END_DECLS
