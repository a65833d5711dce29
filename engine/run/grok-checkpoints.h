/* Which training steps get a checkpoint, what the file is called, and which ones a run folder
 * holds. Checkpoints live in RUN_DIR/checkpoints/step-NNNNNNNN.safetensors. */
#pragma once

#include <glib.h>


G_BEGIN_DECLS

/* "step-00000100.safetensors": eight digits, more when the step needs them */
char     *grok_checkpoint_filename     (gint64       step);
/* the step of a checkpoint file name, or -1 for any other name (temp files, other files, names
 * that are not exactly what grok_checkpoint_filename would write) */
gint64    grok_checkpoint_step_of      (const char  *name);

/* TRUE at step 0, at every multiple of EVERY (when EVERY > 0), and at the log-spaced steps
 * round(10^(k / PER_DECADE)) for integers k >= 0 (when PER_DECADE > 0) */
gboolean  grok_checkpoint_is_scheduled (gint64       step,
                                        gint64       every,
                                        int          per_decade);

/* the steps (gint64) of the checkpoints in RUN_DIR/checkpoints, ascending; temporary files and
 * other names are skipped, and a run without a checkpoints folder has none. A link at
 * checkpoints/ is an error naming it, never followed. */
GArray   *grok_checkpoints_list        (const char  *run_dir,
                                        GError     **error);
/* the same in the open checkpoints folder fd (shown names it in an error) */
GArray   *grok_checkpoints_list_fd     (int          fd,
                                        const char  *shown,
                                        GError     **error);

G_END_DECLS
