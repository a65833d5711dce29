/* The run: a trainer on its own thread, controlled through a small state machine under a mutex,
 * publishing snapshots to the main context of the thread that created it. */
#include "grok-run.h"

#include <glib/gstdio.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "grok-checkpoints.h"
#include "grok-error.h"
#include "grok-memory.h"
#include "grok-measures.h"
#include "grok-run-dir.h"
#include "grok-run-measures.h"
#include "grok-config-settings.h"
#include "grok-trainer.h"

/* a snapshot is published this often, sooner after an evaluation (a new metrics row) but
 * never more often than the minimum: a snapshot copies the weights and every row, and nobody
 * looks at more than a screen's refresh of them */
#define SNAPSHOT_INTERVAL_US (100 * 1000)
#define SNAPSHOT_MIN_INTERVAL_US (20 * 1000)
/* steps/s is measured over a window of about this length */
#define RATE_WINDOW_US (G_USEC_PER_SEC)

struct _GrokRun
{
  GObject       parent_instance;

  /* owned by the training thread while it runs */
  GrokTrainer  *trainer;
  GrokMetrics  *metrics;
  GrokRunDir   *dir;
  gint64        last_checkpoint;   /* the step of the newest checkpoint written, or -1 */
  GrokMeasureQueue *measures;      /* rows whose measures are being computed */
  gint64        last_row_step;     /* the step of the newest row, written or pending, or -1 */
  /* the parts snapshots share until they change */
  GrokConfig   *shared_config;
  GrokMetrics  *shared_metrics;
  GArray       *shared_checkpoints;
  gboolean      first_row_due;     /* a new run's step-0 row and checkpoint, written by the thread */

  GMainContext *context;     /* where signals are emitted */
  GThread      *thread;

  /* POSIX rather than GMutex/GCond: GLib implements those on raw futexes, which
   * ThreadSanitizer cannot see, and the thread tests run under it */
  pthread_mutex_t lock;      /* guards everything below */
  pthread_cond_t  cond;
  gint64        step;              /* the training thread's step, as of its last report */
  GrokRunState  state;
  gboolean      stop_requested;
  gint64        steps_requested;   /* single steps asked for while paused */
  GrokSnapshot *latest;
  GrokSnapshot *pending;           /* published, not yet delivered */
  guint         deliver_id;
  char         *message;
  GrokRunState  notified_state;    /* the state last told to notify::state listeners */
  gint64        rate_time;         /* start of the rate window */
  gint64        rate_step;
  double        rate;
};

G_DEFINE_TYPE (GrokRun, grok_run, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SNAPSHOT, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_BOXED_TYPE (GrokSnapshot, grok_snapshot, grok_snapshot_ref, grok_snapshot_unref)

GrokSnapshot *
grok_snapshot_ref (GrokSnapshot *snapshot)
{
  g_atomic_int_inc (&snapshot->ref_count);
  return snapshot;
}

static GrokMetrics *rows_up_to (const GrokMetrics *metrics, gint64 step);

GrokSnapshot *
grok_snapshot_new (const GrokConfig *config, const GrokParams *params, const GrokMetrics *metrics,
                   GArray *checkpoints, gint64 step, GrokRunState state)
{
  GrokSnapshot *s = g_new0 (GrokSnapshot, 1);
  int col = grok_metrics_column_index (metrics, "step");
  int epoch_col = grok_metrics_column_index (metrics, "epoch");
  guint n = metrics->n_rows;

  s->ref_count = 1;
  s->train_step = step;
  s->total_steps = config->train.steps;
  s->state = state;
  s->config = grok_config_ref (config);
  s->params = grok_params_ref (params);
  s->checkpoints = checkpoints ? g_array_ref (checkpoints) : NULL;
  s->metrics = col >= 0 && n > 0 && grok_metrics_get (metrics, n - 1, col) > step
                 ? rows_up_to (metrics, step) : grok_metrics_ref (metrics);
  s->epoch = epoch_col >= 0 && s->metrics->n_rows > 0
               ? grok_metrics_get (s->metrics, s->metrics->n_rows - 1, epoch_col) : 0;
  return s;
}

void
grok_snapshot_unref (GrokSnapshot *snapshot)
{
  if (!g_atomic_int_dec_and_test (&snapshot->ref_count))
    return;
  grok_metrics_unref (snapshot->metrics);
  grok_params_unref (snapshot->params);
  grok_config_unref (snapshot->config);
  g_clear_pointer (&snapshot->checkpoints, g_array_unref);
  g_free (snapshot);
}

const char *
grok_run_state_name (GrokRunState state)
{
  static const char * const names[] = { "ready", "running", "paused", "finished", "stopped",
                                        "diverged", "failed" };
  g_return_val_if_fail (state <= GROK_RUN_FAILED, "unknown");
  return names[state];
}

/* called on the training thread (or before it starts). The rows are copied only when a row
 * came since the last snapshot; the weights change with every step and are always copied. */
static GrokSnapshot *
make_snapshot (GrokRun *run, GrokRunState state)
{
  GrokSnapshot *s = g_new0 (GrokSnapshot, 1);

  if (run->shared_metrics == NULL || run->shared_metrics->n_rows != run->metrics->n_rows)
    {
      g_clear_pointer (&run->shared_metrics, grok_metrics_unref);
      run->shared_metrics = grok_metrics_copy (run->metrics);
    }
  s->ref_count = 1;
  s->train_step = run->trainer->step;
  s->total_steps = run->trainer->config->train.steps;
  s->epoch = grok_trainer_epoch (run->trainer);
  s->state = state;
  s->metrics = grok_metrics_ref (run->shared_metrics);
  s->params = grok_params_copy_values (run->trainer->model->params);
  s->config = grok_config_ref (run->shared_config);
  s->checkpoints = run->shared_checkpoints ? g_array_ref (run->shared_checkpoints) : NULL;
  return s;
}

/* notify::state, only when the state differs from the one last notified */
static void
notify_state (GrokRun *run)
{
  gboolean changed;

  pthread_mutex_lock (&run->lock);
  changed = run->state != run->notified_state;
  run->notified_state = run->state;
  pthread_mutex_unlock (&run->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (run), properties[PROP_STATE]);
}

static gboolean
deliver (gpointer data)
{
  GrokRun *run = data;
  g_autoptr (GrokSnapshot) snapshot = NULL;

  pthread_mutex_lock (&run->lock);
  snapshot = g_steal_pointer (&run->pending);
  run->deliver_id = 0;
  pthread_mutex_unlock (&run->lock);

  if (snapshot != NULL)
    g_signal_emit (run, signals[SNAPSHOT], 0, snapshot);
  notify_state (run);
  return G_SOURCE_REMOVE;
}

/* hand a snapshot to the consumer thread; replaces one not yet delivered */
static void
publish (GrokRun *run, GrokSnapshot *snapshot)
{
  pthread_mutex_lock (&run->lock);
  g_clear_pointer (&run->latest, grok_snapshot_unref);
  run->latest = grok_snapshot_ref (snapshot);
  g_clear_pointer (&run->pending, grok_snapshot_unref);
  run->pending = snapshot;
  if (run->deliver_id == 0)
    {
      GSource *source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver, g_object_ref (run), g_object_unref);
      g_source_set_static_name (source, "[grokscope] run snapshot");
      run->deliver_id = g_source_attach (source, run->context);
      g_source_unref (source);
    }
  pthread_mutex_unlock (&run->lock);
}

static void
set_state_locked (GrokRun *run, GrokRunState state)
{
  run->state = state;
  pthread_cond_broadcast (&run->cond);
}

static void
update_rate_locked (GrokRun *run, gint64 now, gint64 step)
{
  run->step = step;
  /* the window opens at the first step after a start or resume: before it come the thread's
   * start and the step-0 checkpoint and measures, which made a run of 20 s promise 19 minutes */
  if (run->rate_time == 0)
    {
      run->rate_time = now;
      run->rate_step = step;
      return;
    }
  if (now - run->rate_time >= RATE_WINDOW_US / 4)
    {
      double fresh = (step - run->rate_step) / ((now - run->rate_time) / 1e6);
      run->rate = run->rate > 0 ? 0.5 * run->rate + 0.5 * fresh : fresh;
      run->rate_time = now;
      run->rate_step = step;
    }
}

static gboolean write_finished_rows (GrokRun *run, gboolean all, GError **error);

/* wait while paused, with every row written; FALSE when the thread should end (with error set
 * when a pending row's measure failed) */
static gboolean
wait_for_work (GrokRun *run, GError **error)
{
  gboolean go;

  pthread_mutex_lock (&run->lock);
  while (!run->stop_requested && run->state == GROK_RUN_PAUSED && run->steps_requested == 0)
    {
      /* a paused run shows every row up to its step */
      if (grok_measure_queue_pending (run->measures) > 0)
        {
          pthread_mutex_unlock (&run->lock);
          if (!write_finished_rows (run, TRUE, error))
            return FALSE;
          publish (run, make_snapshot (run, GROK_RUN_PAUSED));
          pthread_mutex_lock (&run->lock);
          continue;
        }
      /* a pause that came after the step's own look at the state: the consumers still see a
       * running snapshot, perhaps steps behind. They learn the step the run waits at now. */
      if (run->latest->state != GROK_RUN_PAUSED || run->latest->train_step != run->trainer->step)
        {
          pthread_mutex_unlock (&run->lock);
          publish (run, make_snapshot (run, GROK_RUN_PAUSED));
          pthread_mutex_lock (&run->lock);
          continue;
        }
      pthread_cond_wait (&run->cond, &run->lock);
    }
  if (run->steps_requested > 0)
    run->steps_requested--;
  go = !run->stop_requested;
  pthread_mutex_unlock (&run->lock);
  return go;
}

static void
finish (GrokRun *run, GrokRunState state, const char *message)
{
  pthread_mutex_lock (&run->lock);
  set_state_locked (run, state);
  g_free (run->message);
  run->message = g_strdup (message);
  pthread_mutex_unlock (&run->lock);
}

/* appends a finished row to the table and to metrics.csv (taken) */
static gboolean
write_row (GrokRun *run, double *row, GError **error)
{
  g_autofree double *owned = row;

  grok_metrics_append_row (run->metrics, owned);
  return run->dir == NULL ||
         grok_run_dir_append_row (run->dir, run->metrics, run->metrics->n_rows - 1, error);
}

/* writes the rows whose measures are done, oldest first, stopping at the first still being
 * computed; all TRUE waits for every pending row */
static gboolean
write_finished_rows (GrokRun *run, gboolean all, GError **error)
{
  while (grok_measure_queue_pending (run->measures) > 0)
    {
      GError *local = NULL;
      double *row = grok_measure_queue_pop (run->measures, all, &local);

      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (row == NULL)
        break;
      if (!write_row (run, row, error))
        return FALSE;
    }
  return TRUE;
}

/* the measures due since the previous row; the run's last step gets every measure it
 * schedules, so that each curve reaches the end of the run (a run continued past that step
 * keeps those values, which a run that went straight on lacks) */
static gboolean
measures_due (GrokRun *run, gboolean *due)
{
  const GrokConfig *config = run->trainer->config;
  gint64 step = run->trainer->step;
  gboolean last = step == config->train.steps, any = FALSE;

  for (guint m = 0; m < GROK_N_MEASURES; m++)
    {
      due[m] = grok_config_measure_due (config, m, run->last_row_step, step) ||
               (last && grok_config_measure_enabled (config, m));
      any |= due[m];
    }
  return any;
}

/* a metrics row with the measures due; a non-finite loss or norm is an error when
 * check_divergence, so the thread stops there (the first row only records the state). The
 * measures are computed from a copy of the parameters on the measures thread while training
 * goes on; the row is written once they are done, after the rows before it. */
static gboolean
evaluate_row (GrokRun *run, gboolean check_divergence, GError **error)
{
  guint n = grok_metrics_n_columns (run->metrics);
  double *row = g_new (double, n);
  gboolean due[GROK_N_MEASURES] = { FALSE }, any = FALSE;

  for (guint i = 0; i < n; i++)
    row[i] = NAN;
  grok_trainer_evaluate (run->trainer, row);
  if (isfinite (row[GROK_COL_TRAIN_LOSS]))
    any = measures_due (run, due);
  run->last_row_step = run->trainer->step;
  if (check_divergence && (!isfinite (row[GROK_COL_TRAIN_LOSS]) || !isfinite (row[GROK_COL_L2_NORM])))
    {
      double loss = row[GROK_COL_TRAIN_LOSS], norm = row[GROK_COL_L2_NORM];

      if (!write_finished_rows (run, TRUE, error) || !write_row (run, row, error))
        return FALSE;
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "training diverged at step %" G_GINT64_FORMAT ": the training loss is %g "
                   "and the parameter norm %g", run->trainer->step, loss, norm);
      return FALSE;
    }
  if (!any && grok_measure_queue_pending (run->measures) == 0)
    return write_row (run, row, error);
  g_autoptr (GrokParams) params = any ? grok_params_copy_values (run->trainer->model->params)
                                      : NULL;

  /* at most GROK_MEASURE_QUEUE_DEPTH rows wait: beyond that the trainer waits for the oldest */
  while (grok_measure_queue_full (run->measures, params))
    {
      GError *local = NULL;
      double *done = grok_measure_queue_pop (run->measures, TRUE, &local);

      if (local != NULL || !write_row (run, done, &local))
        {
          g_free (row);
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  grok_measure_queue_push (run->measures, run->trainer->step, row, params, due);
  return TRUE;
}

static gboolean
evaluate (GrokRun *run, GError **error)
{
  return evaluate_row (run, TRUE, error);
}

/* the folder's checkpoint list as snapshots will carry it, from now until the next checkpoint */
static void
share_checkpoints (GrokRun *run)
{
  g_clear_pointer (&run->shared_checkpoints, g_array_unref);
  run->shared_checkpoints = g_array_copy (grok_run_dir_get_checkpoints (run->dir));
}

static gboolean
save_checkpoint (GrokRun *run, GError **error)
{
  if (run->dir == NULL || run->last_checkpoint == run->trainer->step)
    return TRUE;
  if (!grok_run_dir_save_checkpoint (run->dir, run->trainer, error))
    return FALSE;
  run->last_checkpoint = run->trainer->step;
  share_checkpoints (run);
  return TRUE;
}

/* the measures and the checkpoint due after a step; *evaluated tells whether a row was added */
static gboolean
after_step (GrokRun *run, gboolean *evaluated, GError **error)
{
  GrokTrainer *trainer = run->trainer;
  const GrokConfig *config = trainer->config;

  *evaluated = grok_trainer_eval_due (trainer);
  if (*evaluated && !evaluate (run, error))
    return FALSE;
  if (!grok_checkpoint_is_scheduled (trainer->step, config->checkpoints.every,
                                     (int) config->checkpoints.per_decade))
    return TRUE;
  /* the checkpoint of the last step says the run is finished: every row is written before it,
   * so a kill at any instant never leaves a finished run without its last rows */
  if (trainer->step >= config->train.steps && !write_finished_rows (run, TRUE, error))
    return FALSE;
  return save_checkpoint (run, error);
}

/* the thread's end on an error: divergence pauses the run for good (no checkpoint is written
 * of the diverged state, so the newest one on disk is the last good one) */
static void
end_with_error (GrokRun *run, GError *error)
{
  gboolean diverged = g_error_matches (error, GROK_ERROR, GROK_ERROR_DIVERGED);
  GrokRunState state = diverged ? GROK_RUN_DIVERGED : GROK_RUN_FAILED;

  /* the rows before the error are whole: they are written (a failing one ends them) */
  write_finished_rows (run, TRUE, NULL);
  if (run->dir != NULL)
    grok_run_dir_sync (run->dir, NULL);
  finish (run, state, error->message);
  publish (run, make_snapshot (run, state));
}

/* a new run's first row (every measure turned on) and its step-0 checkpoint: on the thread,
 * since the measures can take a second and the run's creator may be a window */
static gboolean
first_row (GrokRun *run)
{
  g_autoptr (GError) error = NULL;
  GrokRunState state;

  if (!run->first_row_due)
    return TRUE;
  run->first_row_due = FALSE;
  if (!evaluate_row (run, FALSE, &error) || !write_finished_rows (run, TRUE, &error) ||
      !save_checkpoint (run, &error))
    {
      end_with_error (run, error);
      return FALSE;
    }
  state = grok_run_get_state (run);
  publish (run, make_snapshot (run, state == GROK_RUN_RUNNING ? state : GROK_RUN_PAUSED));
  return TRUE;
}

static gpointer
train_thread (gpointer data)
{
  GrokRun *run = data;
  GrokTrainer *trainer = run->trainer;
  gint64 last_publish = 0;

  if (!first_row (run))
    return NULL;
  while (trainer->step < trainer->config->train.steps)
    {
      g_autoptr (GError) error = NULL;
      gboolean evaluated = FALSE, paused;
      gint64 now;

      if (!wait_for_work (run, &error))
        {
          if (error != NULL)
            {
              end_with_error (run, error);
              return NULL;
            }
          break;
        }
      if (!grok_trainer_step (trainer, &error) || !after_step (run, &evaluated, &error) ||
          !write_finished_rows (run, FALSE, &error))
        {
          end_with_error (run, error);
          return NULL;
        }
      now = g_get_monotonic_time ();
      pthread_mutex_lock (&run->lock);
      update_rate_locked (run, now, trainer->step);
      paused = run->state == GROK_RUN_PAUSED;
      pthread_mutex_unlock (&run->lock);
      /* a paused snapshot shows every row up to its step: the rows waiting for their measures
       * are written first */
      if (paused && !write_finished_rows (run, TRUE, &error))
        {
          end_with_error (run, error);
          return NULL;
        }
      if (paused || now - last_publish >= (evaluated ? SNAPSHOT_MIN_INTERVAL_US
                                                      : SNAPSHOT_INTERVAL_US))
        {
          publish (run, make_snapshot (run, paused ? GROK_RUN_PAUSED : GROK_RUN_RUNNING));
          last_publish = now;
        }
    }

  /* the newest state always gets a checkpoint, so that the run can be continued, and its rows
   * are all written first: an end or a stop waits for the measures still being computed */
  {
    g_autoptr (GError) error = NULL;
    if (!write_finished_rows (run, TRUE, &error) || !save_checkpoint (run, &error))
      {
        end_with_error (run, error);
        return NULL;
      }
  }
  /* a finished run has all its views files; a stopped one does not keep its user waiting */
  if (run->dir != NULL)
    grok_run_dir_finish_views (run->dir, trainer->step < trainer->config->train.steps);
  pthread_mutex_lock (&run->lock);
  set_state_locked (run, trainer->step >= trainer->config->train.steps ? GROK_RUN_FINISHED
                                                                        : GROK_RUN_STOPPED);
  pthread_mutex_unlock (&run->lock);
  publish (run, make_snapshot (run, grok_run_get_state (run)));
  return NULL;
}

/* the common end of the constructors: the first snapshot, from the trainer's current state */
static GrokRun *
finish_setup (GrokRun *run)
{
  const char *mode = g_getenv ("GROKSCOPE_MEASURES");

  run->step = run->trainer->step;
  run->last_row_step = run->metrics->n_rows > 0
    ? (gint64) grok_metrics_get (run->metrics, run->metrics->n_rows - 1, GROK_COL_STEP) : -1;
  run->measures = grok_measure_queue_new (run->trainer->config, run->metrics->columns,
                                          mode == NULL || !g_str_equal (mode, "inline"));
  run->shared_config = grok_config_copy (run->trainer->config);
  if (run->dir != NULL)
    share_checkpoints (run);
  run->latest = make_snapshot (run, GROK_RUN_READY);
  return run;
}

/* a trainer for config, refused before anything is allocated when the machine has not the
 * memory config needs */
static GrokTrainer *
new_trainer (const GrokConfig *config, GError **error)
{
  if (!grok_config_validate (config, error) || !grok_config_check_memory (config, error))
    return NULL;
  return grok_trainer_new (config, error);
}

GrokRun *
grok_run_new (const GrokConfig *config, const char *run_dir, gboolean overwrite, GError **error)
{
  g_autoptr (GrokRun) run = g_object_new (GROK_TYPE_RUN, NULL);

  g_return_val_if_fail (config != NULL, NULL);

  run->trainer = new_trainer (config, error);
  if (run->trainer == NULL)
    return NULL;
  run->metrics = grok_trainer_new_metrics (config);
  if (run_dir != NULL)
    {
      run->dir = grok_run_dir_create (run_dir, config, run->metrics, overwrite, error);
      if (run->dir == NULL)
        return NULL;
    }
  run->first_row_due = TRUE;
  return finish_setup (g_steal_pointer (&run));
}

static GrokMetrics *
rows_up_to (const GrokMetrics *metrics, gint64 step)
{
  /* the same columns as the rows come with */
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GrokMetrics *out;
  int col;

  for (guint i = 0; i < metrics->columns->len; i++)
    g_ptr_array_add (names, metrics->columns->pdata[i]);
  g_ptr_array_add (names, NULL);
  out = grok_metrics_new ((const char * const *) names->pdata);
  col = grok_metrics_column_index (metrics, "step");

  for (guint r = 0; col >= 0 && r < metrics->n_rows; r++)
    if (grok_metrics_get (metrics, r, col) <= step)
      grok_metrics_append_row (out, &g_array_index (metrics->values, double,
                                                    (gsize) r * metrics->columns->len));
  return out;
}

/* a folder's metrics must start with the base columns this engine writes, or its rows cannot be
 * extended; measure columns after them are the folder's own */
static gboolean
check_columns (const GrokMetrics *metrics, const char *run_dir, GError **error)
{
  g_autoptr (GrokMetrics) ours = grok_trainer_new_metrics (NULL);
  g_autofree char *want = grok_metrics_format_header (ours);
  g_autofree char *have = grok_metrics_format_header (metrics);
  gboolean ok = metrics->columns->len >= ours->columns->len;

  for (guint i = 0; ok && i < ours->columns->len; i++)
    ok = g_str_equal (ours->columns->pdata[i], metrics->columns->pdata[i]);
  if (ok)
    return TRUE;
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
               "%s/metrics.csv has the columns %.*s, not the %.*s this version writes first",
               run_dir, (int) strlen (have) - 1, have, (int) strlen (want) - 1, want);
  return FALSE;
}

/* the newest intact checkpoint whose rows are all in metrics.csv. A run killed while
 * measures were pending has checkpoints past its last row (a checkpoint does not wait for the
 * rows before it): continuing from the newest one that has its rows computes the lost rows
 * again, and the checkpoints after it are written again. */
static gboolean
newest_checkpoint (GrokRunDir *dir, gint64 *step, GError **error)
{
  GArray *steps = grok_run_dir_get_checkpoints (dir);
  const GrokMetrics *metrics = grok_run_dir_get_metrics (dir);
  gint64 last_row = metrics->n_rows > 0
    ? (gint64) grok_metrics_get (metrics, metrics->n_rows - 1, GROK_COL_STEP) : -1;
  guint i = steps->len;

  if (steps->len == 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "%s has no intact checkpoint to continue from", grok_run_dir_path (dir));
      return FALSE;
    }
  while (i > 0 && g_array_index (steps, gint64, i - 1) > last_row)
    i--;
  if (i == 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "%s has no intact checkpoint at or before the last row of its metrics.csv "
                   "(step %" G_GINT64_FORMAT ") to continue from", grok_run_dir_path (dir),
                   last_row);
      return FALSE;
    }
  *step = g_array_index (steps, gint64, i - 1);
  return TRUE;
}

GrokRun *
grok_run_new_continue (const char *run_dir, gint64 steps, GError **error)
{
  return grok_run_new_continue_threads (run_dir, steps, -1, error);
}

GrokRun *
grok_run_new_continue_threads (const char *run_dir, gint64 steps, gint64 threads,
                               GError **error)
{
  g_autoptr (GrokRun) run = g_object_new (GROK_TYPE_RUN, NULL);
  g_autoptr (GrokRunDir) dir = NULL;
  g_autoptr (GrokConfig) config = NULL;
  gint64 step;

  g_return_val_if_fail (run_dir != NULL, NULL);

  dir = grok_run_dir_open_writable (run_dir, error);
  if (dir == NULL || !grok_run_dir_check_memory (dir, error) ||
      !newest_checkpoint (dir, &step, error) ||
      !check_columns (grok_run_dir_get_metrics (dir), run_dir, error))
    return NULL;
  config = grok_config_copy (grok_run_dir_get_config (dir));
  if (steps > 0)
    config->train.steps = steps;
  if (threads >= 0)
    config->train.threads = threads;
  if (config->train.steps < step)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "cannot continue %s to step %"
                   G_GINT64_FORMAT ": its newest checkpoint is at step %" G_GINT64_FORMAT,
                   run_dir, config->train.steps, step);
      return NULL;
    }
  run->trainer = new_trainer (config, error);
  if (run->trainer == NULL || !grok_run_dir_load_trainer (dir, step, run->trainer, error) ||
      !grok_run_dir_prepare_continue (dir, step, config, error))
    return NULL;
  run->metrics = grok_metrics_copy (grok_run_dir_get_metrics (dir));
  run->last_checkpoint = step;
  run->dir = g_steal_pointer (&dir);
  return finish_setup (g_steal_pointer (&run));
}

static gboolean
has_step (GArray *steps, gint64 step)
{
  for (guint i = 0; i < steps->len; i++)
    if (g_array_index (steps, gint64, i) == step)
      return TRUE;
  return FALSE;
}

/* TRUE when a and b are the same folder once every link is resolved (a folder that does not
 * exist yet is no other folder) */
static gboolean
same_folder (const char *a, const char *b)
{
  g_autofree char *ca = g_canonicalize_filename (a, NULL);
  g_autofree char *cb = g_canonicalize_filename (b, NULL);
  GStatBuf sa, sb;

  if (g_str_equal (ca, cb))
    return TRUE;
  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/* the parent's folder, opened, with an intact checkpoint at step, and not the same as out_dir */
static GrokRunDir *
open_parent (const char *parent_dir, gint64 step, const char *out_dir, GError **error)
{
  g_autoptr (GrokRunDir) parent = NULL;

  if (same_folder (parent_dir, out_dir))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "a fork needs a folder of its own, not "
                   "its parent's (%s)", parent_dir);
      return NULL;
    }
  parent = grok_run_dir_open (parent_dir, error);
  if (parent == NULL || !grok_run_dir_check_memory (parent, error))
    return NULL;
  if (!has_step (grok_run_dir_get_checkpoints (parent), step))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s has no intact checkpoint at step %"
                   G_GINT64_FORMAT " (see its checkpoints folder)", parent_dir, step);
      return NULL;
    }
  /* a run cut off while rows waited for their measures has checkpoints past its rows: a fork
   * from one would start with a gap of evaluations in its metrics.csv (a missing row at the
   * step itself, as a write cut short leaves it, is only warned of by the reader) */
  {
    const GrokMetrics *rows = grok_run_dir_get_metrics (parent);
    gint64 every = MAX (grok_run_dir_get_config (parent)->train.eval_every, 1);
    gint64 last = rows->n_rows > 0
      ? (gint64) grok_metrics_get (rows, rows->n_rows - 1, GROK_COL_STEP) : -1;
    if ((last / every + 1) * every < step)
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s/metrics.csv ends at step %"
                     G_GINT64_FORMAT ", before the checkpoint at step %" G_GINT64_FORMAT
                     " (its rows there were still being measured when the run was cut off, or "
                     "are now): resume it, or fork from a step up to %" G_GINT64_FORMAT,
                     parent_dir, last, step, last);
        return NULL;
      }
  }
  return g_steal_pointer (&parent);
}

GrokRun *
grok_run_new_fork (const char *parent_dir, gint64 step, const GrokConfig *config,
                   const char *out_dir, gboolean overwrite, GError **error)
{
  g_autoptr (GrokRun) run = g_object_new (GROK_TYPE_RUN, NULL);
  g_autoptr (GrokRunDir) parent = NULL;
  g_autoptr (GrokConfig) forked = NULL;

  g_return_val_if_fail (parent_dir != NULL && config != NULL && out_dir != NULL, NULL);

  parent = open_parent (parent_dir, step, out_dir, error);
  if (parent == NULL || !check_columns (grok_run_dir_get_metrics (parent), parent_dir, error))
    return NULL;
  forked = grok_config_copy (config);
  g_free (forked->run.parent);
  forked->run.parent = g_canonicalize_filename (parent_dir, NULL);
  forked->run.parent_step = step;
  run->trainer = new_trainer (forked, error);
  if (run->trainer == NULL || !grok_run_dir_load_trainer (parent, step, run->trainer, error))
    return NULL;
  if (forked->train.steps < step)
    forked->train.steps = run->trainer->config->train.steps = step;
  run->metrics = rows_up_to (grok_run_dir_get_metrics (parent), step);
  run->dir = grok_run_dir_create (out_dir, forked, run->metrics, overwrite, error);
  if (run->dir == NULL || !save_checkpoint (run, error))
    return NULL;
  return finish_setup (g_steal_pointer (&run));
}

void
grok_run_start (GrokRun *run)
{
  g_return_if_fail (GROK_IS_RUN (run));

  pthread_mutex_lock (&run->lock);
  if (run->thread == NULL && run->state == GROK_RUN_READY)
    {
      set_state_locked (run, GROK_RUN_RUNNING);
      run->rate_time = 0;
      run->thread = g_thread_new ("grok-train", train_thread, run);
    }
  pthread_mutex_unlock (&run->lock);
  notify_state (run);
}

void
grok_run_pause (GrokRun *run)
{
  g_return_if_fail (GROK_IS_RUN (run));

  pthread_mutex_lock (&run->lock);
  if (run->state == GROK_RUN_RUNNING)
    set_state_locked (run, GROK_RUN_PAUSED);
  pthread_mutex_unlock (&run->lock);
  notify_state (run);
}

void
grok_run_resume (GrokRun *run)
{
  gboolean ready;

  g_return_if_fail (GROK_IS_RUN (run));

  pthread_mutex_lock (&run->lock);
  if (run->state == GROK_RUN_PAUSED)
    {
      set_state_locked (run, GROK_RUN_RUNNING);
      run->rate_time = 0;
    }
  ready = run->state == GROK_RUN_READY;
  pthread_mutex_unlock (&run->lock);
  if (ready)
    grok_run_start (run);
  notify_state (run);
}

void
grok_run_step (GrokRun *run)
{
  g_return_if_fail (GROK_IS_RUN (run));

  pthread_mutex_lock (&run->lock);
  if (run->state == GROK_RUN_READY && run->thread == NULL)
    {
      set_state_locked (run, GROK_RUN_PAUSED);
      run->thread = g_thread_new ("grok-train", train_thread, run);
    }
  if (run->state == GROK_RUN_PAUSED)
    {
      run->steps_requested++;
      pthread_cond_broadcast (&run->cond);
    }
  pthread_mutex_unlock (&run->lock);
  notify_state (run);
}

void
grok_run_request_stop (GrokRun *run)
{
  g_return_if_fail (GROK_IS_RUN (run));

  pthread_mutex_lock (&run->lock);
  run->stop_requested = TRUE;
  pthread_cond_broadcast (&run->cond);
  if (run->thread == NULL && run->state == GROK_RUN_READY)
    set_state_locked (run, GROK_RUN_STOPPED);
  pthread_mutex_unlock (&run->lock);
}

void
grok_run_stop (GrokRun *run)
{
  GThread *thread;
  GrokRunDir *dir = NULL;

  g_return_if_fail (GROK_IS_RUN (run));

  grok_run_request_stop (run);
  pthread_mutex_lock (&run->lock);
  thread = g_steal_pointer (&run->thread);
  /* a run with no thread has nothing more to write; one with a thread (started, or made to
   * take single steps) keeps its folder until the thread has written its last checkpoint */
  if (thread == NULL)
    dir = g_steal_pointer (&run->dir);
  pthread_mutex_unlock (&run->lock);
  if (thread != NULL)
    {
      g_thread_join (thread);
      /* the writer is done: the folder (and its lock) is free for the next writer, such as a
       * continuation of it made while this object lives on */
      pthread_mutex_lock (&run->lock);
      dir = g_steal_pointer (&run->dir);
      pthread_mutex_unlock (&run->lock);
    }
  grok_run_dir_close (dir);
  notify_state (run);
}

GrokRunState
grok_run_get_state (GrokRun *run)
{
  GrokRunState state;

  g_return_val_if_fail (GROK_IS_RUN (run), GROK_RUN_FAILED);
  pthread_mutex_lock (&run->lock);
  state = run->state;
  pthread_mutex_unlock (&run->lock);
  return state;
}

const GrokConfig *
grok_run_get_config (GrokRun *run)
{
  g_return_val_if_fail (GROK_IS_RUN (run), NULL);
  return run->trainer->config;
}

GrokSnapshot *
grok_run_dup_snapshot (GrokRun *run)
{
  GrokSnapshot *s;

  g_return_val_if_fail (GROK_IS_RUN (run), NULL);
  pthread_mutex_lock (&run->lock);
  s = grok_snapshot_ref (run->latest);
  pthread_mutex_unlock (&run->lock);
  return s;
}

char *
grok_progress_format_eta (double seconds)
{
  gint64 s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("--:--");
  s = (gint64) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                            (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

void
grok_run_get_progress (GrokRun *run, GrokProgress *progress)
{
  g_return_if_fail (GROK_IS_RUN (run));

  pthread_mutex_lock (&run->lock);
  progress->step = run->latest->train_step;
  progress->total = run->latest->total_steps;
  progress->steps_per_second = run->state == GROK_RUN_RUNNING ? run->rate : 0.0;
  progress->eta_seconds = run->rate > 0 && run->state == GROK_RUN_RUNNING
                            ? (progress->total - progress->step) / run->rate : NAN;
  pthread_mutex_unlock (&run->lock);
}

const char *
grok_run_get_message (GrokRun *run)
{
  const char *message;

  g_return_val_if_fail (GROK_IS_RUN (run), NULL);
  /* set once, when the thread ends, and kept until the run is freed */
  pthread_mutex_lock (&run->lock);
  message = run->message;
  pthread_mutex_unlock (&run->lock);
  return message;
}

void
grok_run_set_inline_measures (GrokRun *run, gboolean inline_measures)
{
  g_return_if_fail (GROK_IS_RUN (run) && run->thread == NULL);

  grok_measure_queue_free (run->measures);
  run->measures = grok_measure_queue_new (run->trainer->config, run->metrics->columns,
                                          !inline_measures);
}

void
grok_run_set_measure_delay (GrokRun *run, guint delay_ms)
{
  g_return_if_fail (GROK_IS_RUN (run) && run->thread == NULL);

  grok_measure_queue_set_delay (run->measures, delay_ms);
}

static void
grok_run_dispose (GObject *object)
{
  GrokRun *run = GROK_RUN (object);

  grok_run_stop (run);
  G_OBJECT_CLASS (grok_run_parent_class)->dispose (object);
}

static void
grok_run_finalize (GObject *object)
{
  GrokRun *run = GROK_RUN (object);

  grok_measure_queue_free (run->measures);
  grok_trainer_free (run->trainer);
  grok_metrics_unref (run->metrics);
  grok_run_dir_close (run->dir);
  grok_config_unref (run->shared_config);
  grok_metrics_unref (run->shared_metrics);
  g_clear_pointer (&run->shared_checkpoints, g_array_unref);
  g_clear_pointer (&run->latest, grok_snapshot_unref);
  g_clear_pointer (&run->pending, grok_snapshot_unref);
  g_main_context_unref (run->context);
  g_free (run->message);
  pthread_mutex_destroy (&run->lock);
  pthread_cond_destroy (&run->cond);
  G_OBJECT_CLASS (grok_run_parent_class)->finalize (object);
}

static void
grok_run_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GrokRun *run = GROK_RUN (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, grok_run_get_state (run));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grok_run_class_init (GrokRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = grok_run_dispose;
  object_class->finalize = grok_run_finalize;
  object_class->get_property = grok_run_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, GROK_RUN_READY, GROK_RUN_FAILED, GROK_RUN_READY,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* emitted in the main context of the thread that created the run */
  signals[SNAPSHOT] = g_signal_new ("snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                    GROK_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
grok_run_init (GrokRun *run)
{
  pthread_mutex_init (&run->lock, NULL);
  pthread_cond_init (&run->cond, NULL);
  run->context = g_main_context_ref_thread_default ();
  run->state = GROK_RUN_READY;
  run->last_checkpoint = -1;
}
