/* The weight heatmaps of a snapshot, with a hover readout of row, column and value, and an
 * option to show the change since an earlier set of parameters. */
#pragma once

#include <gtk/gtk.h>

#include "grok-params.h"

G_BEGIN_DECLS

#define GROK_TYPE_WEIGHTS_VIEW (grok_weights_view_get_type ())
G_DECLARE_FINAL_TYPE (GrokWeightsView, grok_weights_view, GROK, WEIGHTS_VIEW, GtkWidget)

GtkWidget *grok_weights_view_new        (void);
/* the parameters to show (references kept); reference NULL shows the values, otherwise the
 * change. The same pointers again change nothing. */
void       grok_weights_view_set_params (GrokWeightsView *self, const GrokParams *params,
                                         const GrokParams *reference);
/* the readout text under the pointer, or NULL (for tests) */
const char *grok_weights_view_get_readout (GrokWeightsView *self);

G_END_DECLS
