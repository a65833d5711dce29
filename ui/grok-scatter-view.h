/* One metrics column against another over a run's rows, chosen in two drop-downs that name
 * the columns by their display names: the scatter figure of ui/figure, coloured by step with
 * Pearson's r in its legend, following a live run as its rows come. */
#pragma once

#include <gtk/gtk.h>

#include "grok-metrics.h"

G_BEGIN_DECLS

#define GROK_TYPE_SCATTER_VIEW (grok_scatter_view_get_type ())
G_DECLARE_FINAL_TYPE (GrokScatterView, grok_scatter_view, GROK, SCATTER_VIEW, GtkWidget)

GtkWidget  *grok_scatter_view_new         (void);
/* the rows to draw (a reference is kept); lmn_points names the lmn column's points (0:
 * unknown). The columns chosen stay chosen while the rows have them; until a person chooses,
 * x is the LMN (or the first complexity measure) and y the test loss, where the rows have
 * them. */
void        grok_scatter_view_set_metrics (GrokScatterView *self, const GrokMetrics *metrics,
                                           int lmn_points);
/* choose the columns by name; FALSE when the rows have no such column */
gboolean    grok_scatter_view_set_columns (GrokScatterView *self, const char *x, const char *y);
/* the columns shown (NULL before there are rows) */
const char *grok_scatter_view_get_x       (GrokScatterView *self);
const char *grok_scatter_view_get_y       (GrokScatterView *self);
/* Pearson's r the legend states, over the n_out (may be NULL) rows having both values */
double      grok_scatter_view_get_pearson (GrokScatterView *self, guint *n_out);
/* the rows drawn (NULL before any) */
const GrokMetrics *grok_scatter_view_get_metrics (GrokScatterView *self);

G_END_DECLS
