/* The linear regions of an xor2d run's net, computed on a worker thread whenever the weights
 * or the window change; scroll to zoom, drag to pan, double-click to reset. */
#pragma once

#include <gtk/gtk.h>

#include "grok-config.h"
#include "grok-params.h"

G_BEGIN_DECLS

#define GROK_TYPE_REGIONS_VIEW (grok_regions_view_get_type ())
G_DECLARE_FINAL_TYPE (GrokRegionsView, grok_regions_view, GROK, REGIONS_VIEW, GtkWidget)

GtkWidget  *grok_regions_view_new        (void);
/* the net to show (both copied); NULL clears the view */
void        grok_regions_view_set_params (GrokRegionsView *self, const GrokConfig *config,
                                          const GrokParams *params);
/* the region count (or pattern count) of what is drawn; -1 when nothing is */
int         grok_regions_view_get_count  (GrokRegionsView *self);
/* why nothing can be drawn (not an xor2d MLP ...), or NULL */
const char *grok_regions_view_get_message (GrokRegionsView *self);

G_END_DECLS
