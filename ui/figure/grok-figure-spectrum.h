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

void grok_figure_spectrum_draw (cairo_t *cr, double x, double y, double width, double height,
                                const GrokSpectrum *spectra, guint n_spectra, const char *title,
                                const GrokFigureStyle *style, GrokPlotGeometry *geometry_out);

G_END_DECLS
