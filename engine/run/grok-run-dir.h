/* A run folder on disk (SPEC §5): config.json (replaced atomically), metrics.csv (appended one
 * whole line at a time), and checkpoints/step-NNNNNNNN.safetensors (each written atomically,
 * kept on a log-spaced schedule under a cap). A folder left by a crash at any instant reopens:
 * damaged files are reported by name and skipped, everything intact is used.
 *
 * This is the only way into a run folder: its paths, which checkpoint is valid, the checkpoint
 * at or before a step, its views files. One process writes a folder at a time: a writer holds
 * an OS lock on its lock file for as long as it lives, and a second writer is refused at once;
 * readers never take it.
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
#include "grok-view-fourier-cache.h"
#include "grok-views.h"

G_BEGIN_DECLS

typedef struct _GrokRunDir GrokRunDir;

/* the files of a run folder; the table in grok-run-dir-files.c names them */
typedef enum
{
  GROK_RUN_FILE_CONFIG,        /* config.json */
  GROK_RUN_FILE_METRICS,       /* metrics.csv */
  GROK_RUN_FILE_CHECKPOINTS,   /* checkpoints/ */
  GROK_RUN_FILE_CHECKPOINT,    /* checkpoints/step-NNNNNNNN.safetensors */
  GROK_RUN_FILE_VIEWS_FOLDER,  /* views/ */
  GROK_RUN_FILE_VIEWS,         /* views/step-NNNNNNNN.safetensors */
  GROK_RUN_FILE_LOCK,          /* .grokscope-lock: held by the one writer */
  GROK_RUN_FILE_MARKER,        /* .grokscope-run: written first, says the folder is a run's */
  GROK_N_RUN_FILES
} GrokRunFile;

/* the path of file in the run folder folder; step for the per-step files, ignored otherwise */
char       *grok_run_file_path       (const char *folder, GrokRunFile file, gint64 step);
/* the name of file in the run folder (not for the per-step files) */
const char *grok_run_file_name       (GrokRunFile file);

/* TRUE when --force may replace what is at path: nothing, an empty folder, or a run folder
 * holding nothing that is not a run's file (no symbolic link either). A run folder is one that
 * carries the marker file a writer makes first (even when it was stopped before writing
 * anything else), or, made before the marker existed, one whose config.json loads as a
 * Grokscope config beside metrics.csv or checkpoints/. Otherwise an error naming what was
 * found there. */
gboolean    grok_run_dir_check_replaceable (const char *path, GError **error);
/* remove the run's files in path (config.json first), and with whole the lock file, the marker
 * (last) and the folder too. The one place that deletes a run folder: when path holds anything
 * that is not a run's file, or a symbolic link, nothing is removed and the error names it. */
gboolean    grok_run_dir_remove_files (const char *path, gboolean whole, GError **error);

/* create path (and parents), refusing a folder that already has files unless overwrite is
 * TRUE and grok_run_dir_check_replaceable allows it, in which case its run files are removed
 * first. Takes the writer's lock. Writes config.json, the metrics.csv header for metrics'
 * columns, then metrics' rows (a fork's inherited rows; usually none). */
GrokRunDir *grok_run_dir_create      (const char *path, const GrokConfig *config,
                                      const GrokMetrics *metrics, gboolean overwrite,
                                      GError **error);
/* open an existing run folder to read it (no lock; a writer may be at work). Fails only when
 * config.json is missing, invalid or a symbolic link (a half-made folder is named as such).
 * Nothing in it is read through a link: a link at metrics.csv, checkpoints/, views/ or a
 * per-step file is a problem naming it, and is passed over. metrics.csv is read at the first grok_run_dir_get_metrics:
 * a damaged line is skipped (the rows after it are kept). A checkpoint is checked when it is
 * first read or listed; a damaged one is passed over. Each damaged file (and line) adds a
 * message naming it to grok_run_dir_get_problems. */
GrokRunDir *grok_run_dir_open        (const char *path, GError **error);
/* TRUE when path is a run folder a writer was stopped in while creating it: it carries the
 * marker and has no config.json (grok_run_dir_open refuses it, naming it half-made) */
gboolean    grok_run_dir_is_half_made (const char *path);
/* open to continue writing: refused, naming it, when a symbolic link is where a run's file or
 * folder belongs; takes the writer's lock (refused, naming the process that holds it, while
 * another writer lives), removes the temporary files a killed writer left, then opens as
 * grok_run_dir_open and marks a run made before the marker existed */
GrokRunDir *grok_run_dir_open_writable (const char *path, GError **error);
/* the process id of the writer that holds the run folder at path (as the refusal of a second
 * writer names it), or NULL when none does; takes no lock, so a writer starting meanwhile is
 * never refused for it */
char       *grok_run_dir_writer      (const char *path);
const GrokConfig  *grok_run_dir_get_config      (GrokRunDir *dir);
const GrokMetrics *grok_run_dir_get_metrics     (GrokRunDir *dir);
/* the steps (gint64, ascending) of the valid checkpoints: every file is checked */
GArray            *grok_run_dir_get_checkpoints (GrokRunDir *dir);
/* the steps (gint64, ascending) of the checkpoint files, not checked (cheap) */
GArray            *grok_run_dir_list_checkpoints (GrokRunDir *dir);
/* the steps (gint64, ascending) of the checkpoint files now, listed anew (a new array): a reader
 * held open while the run is written sees its new checkpoints; empty when none can be listed */
GArray            *grok_run_dir_scan_checkpoints (GrokRunDir *dir);
/* messages about the damaged files found so far, NULL-terminated (empty when all is well) */
const char * const *grok_run_dir_get_problems   (GrokRunDir *dir);
char              *grok_run_dir_checkpoint_path (GrokRunDir *dir, gint64 step);
/* what tells the checkpoint file of step now from any file there before or after it (its
 * step, inode, size and times), taken before reading it; NULL when there is no such file */
char              *grok_run_dir_checkpoint_id   (GrokRunDir *dir, gint64 step);
/* what the Fourier view computed of this folder's checkpoints, kept while it is open
 * (grok-view-fourier-cache.h; safe from any thread) */
GrokFourierCache  *grok_run_dir_get_fourier_cache (GrokRunDir *dir);

/* load trainer from the checkpoint at step (grok_trainer_load), never through a link */
gboolean    grok_run_dir_load_trainer (GrokRunDir *dir, gint64 step, GrokTrainer *trainer,
                                       GError **error);

/* the newest of steps (gint64, ascending) at or before step (any when step < 0), or -1 */
gint64      grok_checkpoint_steps_at (const GArray *steps, gint64 step);

/* before anything allocates a model from the folder's config.json: FALSE, naming the file and
 * giving the estimate and the memory available (GROK_ERROR_CONFIG), when the machine has not
 * the memory that config needs. Reading a model checks this first and fails with that error;
 * the checkpoints are then not counted as damaged. */
gboolean    grok_run_dir_check_memory (GrokRunDir *dir, GError **error);

/* The rule of a valid checkpoint, for every reader: it reads back whole, its metadata 'step' is
 * the step of its name, and it has every tensor of the model config.json builds, with that
 * tensor's shape. The model's parameters of the checkpoint at step, in the config's model
 * layout; a checkpoint that breaks the rule is an error naming the file and what is wrong. */
GrokParams *grok_run_dir_read_model  (GrokRunDir *dir, gint64 step, GError **error);
/* the model of the newest valid checkpoint at or before step (any step when step < 0), its
 * step in *found. Damaged checkpoints on the way are passed over, each adding a problem that
 * names it; an error when none is left. */
GrokParams *grok_run_dir_read_model_at (GrokRunDir *dir, gint64 step, gint64 *found,
                                        GError **error);
/* the views stored for step when they were computed from params under the run's config; NULL
 * when there is none or it is for other weights. A damaged file adds a problem naming it and
 * gives NULL: the reader computes instead. */
GrokViews  *grok_run_dir_read_views  (GrokRunDir *dir, gint64 step, const GrokParams *params);

/* make a folder opened writable write again from its checkpoint at step: metrics.csv keeps the
 * rows of steps <= step, config.json becomes config (e.g. more train.steps), the valid
 * checkpoints after step are removed (training writes them again). A checkpoint file after step
 * that breaks the rule is never removed: the continuation is refused, naming it and saying how
 * to proceed. Refused too, with nothing changed, while metrics.csv has damaged lines (or no
 * readable header), which the rewrite would drop: the error names the file and the line. */
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
