/* Internal pieces of grok-plot shared between its axis arithmetic and its drawing. */
#pragma once

#include "grok-plot.h"

G_BEGIN_DECLS

char    *grok_plot_format_decade    (double value);
char    *grok_plot_format_linear    (double value, double step);
char    *grok_plot_format_log_minor (double value);
/* fills the limits and scales of g from the plot; FALSE when no point is drawable */
gboolean grok_plot_compute_limits   (const GrokPlot *plot, GrokPlotGeometry *g);
/* the device x of the axis break between the slot for 0 and the decades (x_zero) */
double   grok_plot_geometry_zero_break (const GrokPlotGeometry *g);

G_END_DECLS
