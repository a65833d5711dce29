/* The training curves of one run (or of several, as mean and min-max band), with a readout of
 * the values at the step under the pointer and a choice of series. */
#pragma once

#include <gtk/gtk.h>

#include "grok-figure-curves.h"
#include "grok-metrics.h"

G_BEGIN_DECLS

#define GROK_TYPE_CURVES_VIEW (grok_curves_view_get_type ())
G_DECLARE_FINAL_TYPE (GrokCurvesView, grok_curves_view, GROK, CURVES_VIEW, GtkWidget)

GtkWidget  *grok_curves_view_new         (void);
/* the metrics to draw (a reference is kept: shared tables are immutable); the same table again
 * changes nothing */
void        grok_curves_view_set_metrics (GrokCurvesView *self, const GrokMetrics *metrics);
/* more runs drawn with it as mean and band (references kept); NULL or 0 for none */
void        grok_curves_view_set_others  (GrokCurvesView *self, GPtrArray *others);
GrokCurvesOptions *grok_curves_view_get_options (GrokCurvesView *self);
/* redraw after the options changed */
void        grok_curves_view_options_changed (GrokCurvesView *self);
/* panels of their own for the measure columns the rows have (on by default) */
void        grok_curves_view_set_show_measures (GrokCurvesView *self, gboolean show);
const char *grok_curves_view_get_readout (GrokCurvesView *self);
/* whether a redraw for newer rows is still being drawn (the figure shown lags behind them) */
gboolean    grok_curves_view_is_drawing  (GrokCurvesView *self);

G_END_DECLS
