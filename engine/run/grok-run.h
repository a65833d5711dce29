/* A training run that owns its model and trains it on its own thread. Consumers (the window,
 * the CLI) control it from the thread that created it and receive immutable, reference-counted
 * snapshots there through the "snapshot" signal; a newer snapshot replaces one not yet
 * delivered, and training never waits on a consumer. */
#pragma once

#include <glib-object.h>

#include "grok-config.h"
#include "grok-metrics.h"
#include "grok-params.h"

G_BEGIN_DECLS

typedef enum
{
  GROK_RUN_READY,     /* built, not started */
  GROK_RUN_RUNNING,
  GROK_RUN_PAUSED,
  GROK_RUN_FINISHED,  /* reached train.steps */
  GROK_RUN_STOPPED,   /* stopped on request */
  GROK_RUN_DIVERGED,  /* NaN or Inf in the loss or the weights: see the error message */
  GROK_RUN_FAILED,    /* a file could not be written: see the error message */
} GrokRunState;

/* Every part is immutable and reference-counted, and consecutive snapshots share the parts that
 * did not change (the config always, the rows until a new one comes, the checkpoint list until
 * a checkpoint is written): a reader that keeps a part learns that nothing changed from the
 * pointer alone. */
typedef struct
{
  gint          ref_count;     /* use grok_snapshot_ref/unref */
  gint64        train_step;    /* optimiser steps taken */
  gint64        total_steps;
  double        epoch;
  GrokRunState  state;
  GrokMetrics  *metrics;       /* every metrics row so far */
  GrokParams   *params;        /* the parameters at train_step (no gradients) */
  GrokConfig   *config;
  GArray       *checkpoints;   /* gint64 steps of the checkpoints in the run's folder, ascending;
                                * NULL for a run without one */
} GrokSnapshot;

#define GROK_TYPE_SNAPSHOT (grok_snapshot_get_type ())
GType         grok_snapshot_get_type (void) G_GNUC_CONST;
GrokSnapshot *grok_snapshot_ref      (GrokSnapshot *snapshot);
/* a snapshot of a stored state (a checkpoint being browsed): references to config, params and
 * checkpoints (may be NULL), and the rows of metrics up to step (metrics itself when it has no
 * later rows) */
GrokSnapshot *grok_snapshot_new      (const GrokConfig *config, const GrokParams *params,
                                      const GrokMetrics *metrics, GArray *checkpoints,
                                      gint64 step, GrokRunState state);
void          grok_snapshot_unref    (GrokSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSnapshot, grok_snapshot_unref)

typedef struct
{
  gint64 step;
  gint64 total;
  double steps_per_second;  /* over the last few seconds of running */
  double eta_seconds;       /* NAN when unknown */
} GrokProgress;

/* a time left as the window and the CLI show it: "H:MM:SS", "M:SS", or "--:--" when unknown */
char         *grok_progress_format_eta (double seconds);

#define GROK_TYPE_RUN (grok_run_get_type ())
G_DECLARE_FINAL_TYPE (GrokRun, grok_run, GROK, RUN, GObject)

/* a new run from config; run_dir NULL keeps it in memory only, otherwise the folder gets
 * config.json, metrics.csv and checkpoints on the schedule of the checkpoints.* keys (and one
 * at the last step reached, whether finished or stopped). The step-0 row and checkpoint are
 * written by the run's thread when it first starts, so creating a run costs no measures. */
GrokRun      *grok_run_new             (const GrokConfig *config, const char *run_dir,
                                        gboolean overwrite, GError **error);
/* continue the run in run_dir from its newest intact checkpoint, to steps in total (0: the
 * train.steps of its config.json, which is updated otherwise). Rows of metrics.csv after that
 * checkpoint are dropped first: training from it writes them again. */
GrokRun      *grok_run_new_continue    (const char *run_dir, gint64 steps, GError **error);
/* the same on threads threads of the trainer's own (train.threads, then written to config.json
 * with the rest; results do not depend on it), or as the run had them when threads < 0 */
GrokRun      *grok_run_new_continue_threads (const char *run_dir, gint64 steps, gint64 threads,
                                             GError **error);
/* a new run in out_dir that starts from parent_dir's checkpoint at step with config (the
 * parent's, with any changes); run.parent and run.parent_step record where it came from, and
 * the parent's metrics rows up to step are copied so the curves read from step 0 */
GrokRun      *grok_run_new_fork        (const char *parent_dir, gint64 step,
                                        const GrokConfig *config, const char *out_dir,
                                        gboolean overwrite, GError **error);
/* The measures of a row are computed on a thread of their own from a copy of the parameters
 * while training goes on; the row is written once they are done, after every row before it
 * (at most 32 rows, and parameter copies of at most 32 MiB; then training waits). A pause,
 * the end and a stop write every pending row first. With inline_measures (or the environment variable
 * GROKSCOPE_MEASURES=inline when the run is made) they are computed on the training thread
 * instead, giving the same rows. Only before grok_run_start. */
void          grok_run_set_inline_measures (GrokRun *run, gboolean inline_measures);
/* for tests: each row's measures take at least delay_ms more. Only before grok_run_start. */
void          grok_run_set_measure_delay   (GrokRun *run, guint delay_ms);
void          grok_run_start           (GrokRun *run);
void          grok_run_pause           (GrokRun *run);
void          grok_run_resume          (GrokRun *run);
/* one optimiser step, then paused */
void          grok_run_step            (GrokRun *run);
/* ends training and waits for the thread; the run keeps its last snapshot */
/* asks the thread to end after the step in progress and returns at once; the thread writes
 * the rows still waiting for their measures, then the state becomes stopped (or finished) with
 * the snapshot it publishes as it ends */
void          grok_run_request_stop    (GrokRun *run);
/* ends the thread and waits for it: the newest state is in a checkpoint when this returns */
void          grok_run_stop            (GrokRun *run);
GrokRunState  grok_run_get_state       (GrokRun *run);
const GrokConfig *grok_run_get_config  (GrokRun *run);
/* the newest snapshot (never NULL after grok_run_new) */
GrokSnapshot *grok_run_dup_snapshot    (GrokRun *run);
void          grok_run_get_progress    (GrokRun *run, GrokProgress *progress);
/* why the run diverged or failed; NULL otherwise */
const char   *grok_run_get_message     (GrokRun *run);

const char   *grok_run_state_name      (GrokRunState state);

G_END_DECLS
