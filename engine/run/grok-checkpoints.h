/* Which training steps get a checkpoint, what the file is called, and which ones a run folder
 * holds. Checkpoints live in RUN_DIR/checkpoints/step-NNNNNNNN.safetensors. */
#pragma once

#include <glib.h>

#include "grok-params.h"

G_BEGIN_DECLS

/* "step-00000100.safetensors": eight digits, more when the step needs them */
char     *grok_checkpoint_filename     (gint64       step);

/* TRUE at step 0, at every multiple of EVERY (when EVERY > 0), and at the log-spaced steps
 * round(10^(k / PER_DECADE)) for integers k >= 0 (when PER_DECADE > 0) */
gboolean  grok_checkpoint_is_scheduled (gint64       step,
                                        gint64       every,
                                        int          per_decade);

/* the steps (gint64) of the checkpoints in RUN_DIR/checkpoints, ascending; temporary files and
 * other names are skipped, and a run without a checkpoints folder has none */
GArray   *grok_checkpoints_list        (const char  *run_dir,
                                        GError     **error);

/* the model's parameters in a checkpoint file, without the optimiser and batch state stored
 * beside them (tensors named "optim.*" and "train.*"): what views and measures look at */
GrokParams *grok_checkpoint_read_model (const char *path, GError **error);

G_END_DECLS
