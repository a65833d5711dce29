/* What a view of a run folder needs besides the weights at its step, read through the folder
 * the caller holds open: the step's views file, and for a view that overlays earlier steps
 * (the spectrum) the checkpoints it overlays with their views files. The data itself is made
 * in engine/views (grok-view-data.h). */
#pragma once

#include "grok-config.h"
#include "grok-run-dir.h"
#include "grok-view-data.h"

G_BEGIN_DECLS

/* grok_view_input_init with what the views know of config's run */
void grok_config_view_input_init  (GrokViewInput *input, const GrokConfig *config,
                                   const GrokParams *params, gint64 step);

/* fill input (initialised with the run's config and the weights at its step) for view with
 * recipe (NULL: the screen's) from dir: the views file of the step when it was made from those
 * weights, and when the view's row uses earlier steps, the checkpoints grok_view_earlier_steps
 * picks among those on disk now, each with its views file; for a row with every_checkpoint,
 * every checkpoint on disk now but the step's own, without views files. A damaged file adds a problem naming
 * it to dir and is computed instead, or (a checkpoint) left out. */
void grok_run_dir_fill_view_input (GrokRunDir *dir, GrokView view,
                                   const GrokViewRecipe *recipe, GrokViewInput *input);

G_END_DECLS
