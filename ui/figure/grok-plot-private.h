/* Internal pieces of grok-plot shared between its axis arithmetic and its drawing. */
#pragma once

#include "grok-plot.h"

G_BEGIN_DECLS

char    *grok_plot_format_decade    (double value);
char    *grok_plot_format_linear    (double value, double step);
char    *grok_plot_format_log_minor (double value);
/* fills the limits and scales of g from the plot; FALSE when no point is drawable */
gboolean grok_plot_compute_limits   (const GrokPlot *plot, GrokPlotGeometry *g);

G_END_DECLS
