/* A view whose figure must be computed from the weights (the linear regions, the connectivity
 * matrix): the work runs on a worker thread whenever the weights or the window change, one
 * request at a time, and the newest finished result is drawn. The regions view also zooms
 * (scroll), pans (drag) and resets (double-click). */
#pragma once

#include <gtk/gtk.h>

#include "grok-config.h"
#include "grok-figure-view.h"
#include "grok-params.h"

G_BEGIN_DECLS

#define GROK_TYPE_COMPUTED_VIEW (grok_computed_view_get_type ())
G_DECLARE_FINAL_TYPE (GrokComputedView, grok_computed_view, GROK, COMPUTED_VIEW, GtkWidget)

GtkWidget  *grok_computed_view_new         (GrokView view);
/* the folder of the run shown, whose views files are used when they match the weights shown
 * and whose earlier checkpoints the spectrum overlays (NULL: always compute, overlaying the
 * reference). It is opened once, by the first request, and held for those after. */
void        grok_computed_view_set_run_dir (GrokComputedView *self, const char *run_dir);
/* the net to show at step (references kept: shared parts are immutable); NULL clears the view */
void        grok_computed_view_set_params  (GrokComputedView *self, const GrokConfig *config,
                                            const GrokParams *params, gint64 step);
/* earlier weights drawn with the current ones where a view overlays steps (the spectrum);
 * NULL for none */
void        grok_computed_view_set_reference (GrokComputedView *self, const GrokParams *params,
                                              gint64 step);
/* what is drawn: the region (or pattern) count, or the connectivity's point count; -1 when
 * nothing is */
int         grok_computed_view_get_count   (GrokComputedView *self);
/* what is drawn (owned by the view), or NULL */
GrokViewData *grok_computed_view_get_data (GrokComputedView *self);
/* why nothing can be drawn (not an xor2d MLP ...), or NULL */
const char *grok_computed_view_get_message (GrokComputedView *self);
/* what the view says while it has nothing to draw yet and computes ("Computing the Fourier
 * view at step 5,000…"), or NULL when it draws data, a message, or is idle (owned by the view) */
const char *grok_computed_view_get_status (GrokComputedView *self);

G_END_DECLS
