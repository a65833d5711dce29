/* The training curves of one run (or of several, as mean and min-max band), explored as one:
 * one step range for every panel (zoomed with the wheel, panned with a drag, all of it again
 * with a double-click), a y scale per panel, optional smoothing, a cursor at a browsed step and
 * a readout of every series at the step under the pointer. */
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
/* other runs drawn with this one (NULL: none), one per run or grouped, none past until (NAN:
 * no limit) */
void        grok_curves_view_set_comparison (GrokCurvesView *self, GrokComparison *comparison,
                                             gboolean grouped, double until);
GrokComparison *grok_curves_view_get_comparison (GrokCurvesView *self);
GrokCurvesOptions *grok_curves_view_get_options (GrokCurvesView *self);
/* redraw after the options changed */
void        grok_curves_view_options_changed (GrokCurvesView *self);
/* panels of their own for the measure columns the rows have (on by default) */
void        grok_curves_view_set_show_measures (GrokCurvesView *self, gboolean show);
/* the hover readout: "step N", then one line per series drawn ("Loss train  0.123"); NULL
 * while the pointer is off the panels */
const char *grok_curves_view_get_readout (GrokCurvesView *self);
/* the steps every panel shows; NAN for an end that is the run's own */
void        grok_curves_view_set_step_range (GrokCurvesView *self, double from, double to);
void        grok_curves_view_get_step_range (GrokCurvesView *self, double *from, double *to);
/* the weight of the past in the moving average drawn over each curve: 0 (none) to below 1 */
void        grok_curves_view_set_smoothing (GrokCurvesView *self, double smoothing);
/* the y scale of the panel named `panel` (its title) */
void        grok_curves_view_set_y_log (GrokCurvesView *self, const char *panel, gboolean log);
/* a line at step in every panel (the step of a browsed checkpoint), or none */
void        grok_curves_view_set_cursor (GrokCurvesView *self, gboolean show, double step);
/* the data areas of the panels of the figure shown, in the view's coordinates */
guint       grok_curves_view_get_panels (GrokCurvesView *self, const GrokPlotGeometry **panels);
/* whether a redraw for newer rows is still being drawn (the figure shown lags behind them) */
gboolean    grok_curves_view_is_drawing  (GrokCurvesView *self);

/* The panels a person may choose for metrics, by name ("loss", "accuracy", then each metrics
 * column a panel can show: the measures' first, the L2 norm, the rest), in the order drawn */
GPtrArray  *grok_curves_panel_choices     (const GrokMetrics *metrics);
/* a panel name's display name: "Loss", "Accuracy", or the column's title */
const char *grok_curves_panel_title       (const char *name);
/* the panels drawn, in order, by name (NULL-terminated); those the options give when
 * drawn for metrics (NULL: the view's) */
char      **grok_curves_view_dup_shown_panels (GrokCurvesView *self);
char      **grok_curves_shown_panels      (const GrokMetrics *metrics,
                                           const GrokCurvesOptions *options);
/* the panels chosen by name (copied), in place of those the options' switches give; NULL:
 * those again */
void        grok_curves_view_set_panels   (GrokCurvesView *self, const char * const *panels);

G_END_DECLS
