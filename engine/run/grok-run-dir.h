/* A run folder on disk (SPEC §5): config.json (replaced atomically), metrics.csv (appended one
 * whole line at a time), and checkpoints/step-NNNNNNNN.safetensors (each written atomically,
 * kept on a log-spaced schedule under a cap). A folder left by a crash at any instant reopens:
 * damaged files are reported by name and skipped, everything intact is used.
 *
 * Continuing a run from its checkpoint at step C first rewrites metrics.csv (atomically) with
 * the rows of steps <= C only: the rows after C came from training that the continuation
 * repeats, and repeating it writes the same rows again, so the folder ends up exactly as if the
 * run had never stopped. */
#pragma once

#include <glib.h>

#include "grok-config.h"
#include "grok-metrics.h"
#include "grok-trainer.h"

G_BEGIN_DECLS

typedef struct _GrokRunDir GrokRunDir;

/* create path (and parents), refusing a folder that already has files unless overwrite is
 * TRUE, in which case the files in it are removed first. Writes config.json, the metrics.csv
 * header for metrics' columns, then metrics' rows (a fork's inherited rows; usually none). */
GrokRunDir *grok_run_dir_create      (const char *path, const GrokConfig *config,
                                      const GrokMetrics *metrics, gboolean overwrite,
                                      GError **error);
/* open an existing run folder to browse it. Fails only when config.json is missing or invalid;
 * a damaged line of metrics.csv is skipped (the rows after it are kept), a damaged checkpoint is
 * left out of the list, and each adds a message naming the file (and line) to
 * grok_run_dir_get_problems. Nothing is written until grok_run_dir_prepare_continue. */
GrokRunDir *grok_run_dir_open        (const char *path, GError **error);
const GrokConfig  *grok_run_dir_get_config      (GrokRunDir *dir);
const GrokMetrics *grok_run_dir_get_metrics     (GrokRunDir *dir);
/* the steps (gint64, ascending) of the checkpoints that read back whole */
GArray            *grok_run_dir_get_checkpoints (GrokRunDir *dir);
/* messages about damaged files, NULL-terminated (empty when all is well) */
const char * const *grok_run_dir_get_problems   (GrokRunDir *dir);
char              *grok_run_dir_checkpoint_path (GrokRunDir *dir, gint64 step);

/* make an opened folder writable again from its checkpoint at step: metrics.csv keeps the rows
 * of steps <= step, config.json becomes config (e.g. more train.steps), checkpoints after step
 * are removed. Refused, with nothing changed, while metrics.csv has damaged lines (or no
 * readable header), which the rewrite would drop: the error names the file and line. */
gboolean    grok_run_dir_prepare_continue (GrokRunDir *dir, gint64 step,
                                           const GrokConfig *config, GError **error);
/* append metrics' row to metrics.csv (one write: a crash never leaves half a row) */
gboolean    grok_run_dir_append_row  (GrokRunDir *dir, const GrokMetrics *metrics, guint row,
                                      GError **error);
/* make metrics.csv durable, write the trainer's checkpoint at its step, then thin the
 * checkpoints to the config's checkpoints.keep, always keeping the first and the newest. With
 * checkpoints.views the views file of the checkpoint (grok-views.h) is then computed and written
 * on a worker thread, which skips checkpoints that come while it is busy except the newest;
 * thinning removes views files with their checkpoints. */
gboolean    grok_run_dir_save_checkpoint (GrokRunDir *dir, GrokTrainer *trainer,
                                          GError **error);
/* wait for the views file of the newest checkpoint saved so far; with skip_pending only for the
 * one being computed, the others get none (a reader computes them). Closing does this with
 * skip_pending TRUE. */
void        grok_run_dir_finish_views (GrokRunDir *dir, gboolean skip_pending);
/* make everything written so far durable (fsync) */
gboolean    grok_run_dir_sync        (GrokRunDir *dir, GError **error);
const char *grok_run_dir_path        (GrokRunDir *dir);
void        grok_run_dir_close       (GrokRunDir *dir);

/* the steps (gint64) to delete from steps (ascending) so that at most keep remain: never the
 * first or the last, and each removal the one whose gap in log(step + 1) is smallest, which
 * keeps the survivors as evenly log-spaced as they can be. keep 0 means no limit. */
GArray     *grok_checkpoints_to_thin (const GArray *steps, gint64 keep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokRunDir, grok_run_dir_close)

G_END_DECLS
