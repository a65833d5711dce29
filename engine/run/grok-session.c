/* The run shown, as a model a window binds to. Everything it shows comes from immutable,
 * reference-counted snapshots: the live run's (delivered on this thread) or one made from a
 * stored checkpoint; the properties that describe it are worked out again after every change
 * and notified only when they differ. It holds states, steps and events, never a sentence: what
 * a window says of them is the window's. */
#include "grok-session.h"

#include <math.h>

#include "grok-error.h"
#include "grok-run-copy.h"
#include "grok-run-dir.h"
#include "grok-worker.h"

#define PLAY_INTERVAL_MS 400
/* how often an opened folder is looked at for what another process wrote since */
#define FOLLOW_INTERVAL_MS 1000

struct _GrokSession
{
  GObject       parent_instance;

  GrokRun      *run;            /* a run made here, or NULL */
  GCancellable *preparing;      /* a run being made on a worker thread */
  gboolean      preparing_continue;
  GrokRunDir   *folder;         /* an opened folder (no run) */
  char         *run_dir;
  GrokSnapshot *snapshot;       /* what the views draw */
  GrokSnapshot *live;           /* the run's newest, or the opened folder's newest checkpoint */
  GrokSnapshot *first;          /* the run's start */
  GArray       *checkpoints;    /* gint64 steps of the run shown */
  gboolean      following;      /* the views follow the live run */
  guint         play_id;
  gint64        played;         /* the step play showed last; -1 to start from the first */
  GrokComparison *comparison;   /* other runs drawn with the shown one, or NULL */
  char           *group_key;    /* the key compared runs are grouped over; NULL: the seed */
  guint         follow_id;      /* the poll of an opened folder */
  guint         follow_serial;  /* which opened folder a read on a worker thread was for */
  gboolean      follow_reading; /* a worker reads the opened folder again */
  gboolean      was_reset;
  gboolean      told_memorised, told_generalised, told_end;
  guint         workers;        /* workers still making runs or stopping old ones */
  GPtrArray    *ending;         /* the GTasks of grok_session_end_async still waiting */

  /* as last notified */
  GrokRunState  state;
  gboolean      live_flag, preparing_flag, writing_flag, reset_flag, continuing_flag;
  gint64        step;
  double        progress, scale_upper, scale_value;
};

G_DEFINE_FINAL_TYPE (GrokSession, grok_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SNAPSHOT,
  PROP_RUN_DIR,
  PROP_STATE,
  PROP_LIVE,
  PROP_PREPARING,
  PROP_WRITING,
  PROP_FOLLOWING,
  PROP_PLAYING,
  PROP_CONTINUING,
  PROP_RESET,
  PROP_STEP,
  PROP_PROGRESS,
  PROP_SCALE_UPPER,
  PROP_SCALE_VALUE,
  PROP_COMPARISON,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { MILESTONE, SAVED, PROBLEM, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
problem (GrokSession *self, const char *text)
{
  g_signal_emit (self, signals[PROBLEM], 0, text);
}

static void
set_string (GrokSession *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_double (GrokSession *self, double *field, double value, guint prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_bool (GrokSession *self, gboolean *field, gboolean value, guint prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_snapshot (GrokSession *self, GrokSnapshot *snapshot)
{
  if (snapshot == self->snapshot)
    return;
  g_clear_pointer (&self->snapshot, grok_snapshot_unref);
  self->snapshot = snapshot ? grok_snapshot_ref (snapshot) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
}

static void
set_comparison (GrokSession *self, GrokComparison *comparison)
{
  if (comparison == self->comparison)
    return;
  g_clear_pointer (&self->comparison, grok_comparison_unref);
  g_clear_pointer (&self->group_key, g_free);
  self->comparison = comparison;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARISON]);
}

static void
set_run_dir (GrokSession *self, const char *dir)
{
  set_string (self, &self->run_dir, dir, PROP_RUN_DIR);
  /* a comparison belongs to the run it was made for */
  if (self->comparison != NULL && g_strcmp0 (dir, grok_comparison_get_owner (self->comparison)) != 0)
    set_comparison (self, NULL);
}

/* the state of the run shown: the run's own, or an opened folder's from how far it got */
static GrokRunState
shown_state (GrokSession *self)
{
  if (self->run != NULL)
    return grok_run_get_state (self->run);
  if (self->live != NULL)
    return self->live->train_step >= self->live->total_steps ? GROK_RUN_FINISHED : GROK_RUN_STOPPED;
  return GROK_RUN_READY;
}

/* how far the run shown got: the live run's own progress, or an opened folder's newest step */
static void
shown_progress (GrokSession *self, GrokProgress *p)
{
  *p = (GrokProgress) { 0, 0, 0, NAN };
  if (self->run != NULL)
    grok_run_get_progress (self->run, p);
  else if (self->live != NULL)
    *p = (GrokProgress) { self->live->train_step, self->live->total_steps, 0, NAN };
}

static gboolean
run_ended (GrokRunState state)
{
  return state == GROK_RUN_FINISHED || state == GROK_RUN_STOPPED ||
         state == GROK_RUN_DIVERGED || state == GROK_RUN_FAILED;
}

/* a run of the session's may still write to its folder: one is made or stopped on a worker,
 * or the live run's thread has not written its last checkpoint (it sets the state after) */
static gboolean
writing (GrokSession *self)
{
  return self->workers > 0 || (self->run != NULL && !run_ended (grok_run_get_state (self->run)));
}

/* everything is written: the waits of grok_session_end_async are over. A run it stopped that
 * could not write its last checkpoint says why (one that failed before is no news). */
static void
return_ending (GrokSession *self)
{
  g_autoptr (GPtrArray) tasks = NULL;

  if (self->ending->len == 0)
    return;
  tasks = g_steal_pointer (&self->ending);
  self->ending = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = tasks->pdata[i];
      gboolean stopped_here = GPOINTER_TO_INT (g_task_get_task_data (task));

      if (stopped_here && self->run != NULL && grok_run_get_state (self->run) == GROK_RUN_FAILED)
        g_task_return_new_error (task, GROK_ERROR, GROK_ERROR_IO, "%s",
                                 grok_run_get_message (self->run));
      else
        g_task_return_boolean (task, TRUE);
    }
}

/* every derived property again, from what is shown now */
static void
refresh (GrokSession *self)
{
  GrokRunState state = shown_state (self);
  GrokProgress p;

  shown_progress (self, &p);
  g_object_freeze_notify (G_OBJECT (self));
  set_double (self, &self->progress, p.total > 0 ? CLAMP ((double) p.step / p.total, 0, 1) : 0,
              PROP_PROGRESS);
  if (p.step != self->step)
    {
      self->step = p.step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
  set_bool (self, &self->continuing_flag, self->preparing != NULL && self->preparing_continue,
            PROP_CONTINUING);
  set_bool (self, &self->reset_flag, self->was_reset && self->live == NULL && self->preparing == NULL,
            PROP_RESET);
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  set_bool (self, &self->live_flag, state == GROK_RUN_RUNNING || state == GROK_RUN_PAUSED,
            PROP_LIVE);
  set_bool (self, &self->preparing_flag, self->preparing != NULL, PROP_PREPARING);
  set_bool (self, &self->writing_flag, writing (self), PROP_WRITING);
  g_object_thaw_notify (G_OBJECT (self));
  if (!self->writing_flag)
    return_ending (self);
}

static void
set_scale (GrokSession *self, double upper, double value)
{
  set_double (self, &self->scale_upper, MAX (upper, 1), PROP_SCALE_UPPER);
  set_double (self, &self->scale_value, value, PROP_SCALE_VALUE);
}

static void
set_following (GrokSession *self, gboolean following)
{
  set_bool (self, &self->following, following, PROP_FOLLOWING);
}

static void
set_checkpoints (GrokSession *self, GArray *checkpoints)
{
  if (checkpoints == self->checkpoints)
    return;
  g_clear_pointer (&self->checkpoints, g_array_unref);
  self->checkpoints = checkpoints ? g_array_ref (checkpoints) : NULL;
}

/* the newest stored step at or before step, or -1 */
static gint64
checkpoint_at (GrokSession *self, double step)
{
  if (self->checkpoints == NULL || step < 0)
    return -1;
  return grok_checkpoint_steps_at (self->checkpoints,
                                   step >= (double) G_MAXINT64 ? G_MAXINT64 : (gint64) step);
}

/* a snapshot of the stored checkpoint of dir at step, with the rows up to it; the run folder
 * object checks it against the config as for every reader */
static GrokSnapshot *
read_stored (GrokRunDir *dir, const GrokConfig *config, const GrokMetrics *metrics,
             GArray *checkpoints, gint64 step, GError **error)
{
  g_autoptr (GrokParams) params = grok_run_dir_read_model (dir, step, error);

  if (params == NULL)
    return NULL;
  return grok_snapshot_new (config, params, metrics, checkpoints, step, GROK_RUN_STOPPED);
}

static void
show_checkpoint (GrokSession *self, gint64 step)
{
  g_autoptr (GrokRunDir) reader = NULL;
  g_autoptr (GrokSnapshot) stored = NULL;
  g_autoptr (GError) error = NULL;
  GrokRunDir *dir = self->folder;

  if (self->snapshot != NULL && self->snapshot->train_step == step && !self->following)
    return;
  if (self->live == NULL || self->run_dir == NULL)
    return;
  /* a live run's folder object belongs to its thread: read through a reader of our own */
  if (dir == NULL && (dir = reader = grok_run_dir_open (self->run_dir, &error)) == NULL)
    {
      problem (self, error->message);
      return;
    }
  stored = read_stored (dir, self->live->config, self->live->metrics, self->checkpoints, step,
                        &error);
  if (stored == NULL)
    problem (self, error->message);
  else
    set_snapshot (self, stored);
}

void
grok_session_seek (GrokSession *self, double value)
{
  gint64 step;

  g_return_if_fail (GROK_IS_SESSION (self));
  /* at the right end, follow the live run again */
  if (self->run != NULL && value >= self->scale_upper - 0.5)
    {
      set_following (self, TRUE);
      set_snapshot (self, self->live);
      set_scale (self, self->scale_upper, self->scale_upper);
      refresh (self);
      return;
    }
  set_following (self, FALSE);
  set_scale (self, self->scale_upper, value);
  step = checkpoint_at (self, value);
  if (step >= 0)
    show_checkpoint (self, step);
  refresh (self);
}

static gboolean
play_tick (gpointer data)
{
  GrokSession *self = data;
  for (guint i = 0; self->checkpoints != NULL && i < self->checkpoints->len; i++)
    {
      gint64 s = g_array_index (self->checkpoints, gint64, i);
      if (s > self->played)
        {
          self->played = s;
          set_following (self, FALSE);
          set_scale (self, self->scale_upper, s);
          show_checkpoint (self, s);
          refresh (self);
          return G_SOURCE_CONTINUE;
        }
    }
  /* the end: follow the live run again, or stay on the last checkpoint */
  self->play_id = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
  if (self->run != NULL)
    grok_session_seek (self, self->scale_upper);
  return G_SOURCE_REMOVE;
}

void
grok_session_set_playing (GrokSession *self, gboolean playing)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  if (playing == (self->play_id != 0))
    return;
  if (playing)
    {
      /* from the start when at the end */
      gboolean at_end = self->following || self->snapshot == NULL ||
                        checkpoint_at (self, G_MAXDOUBLE) == self->snapshot->train_step;
      self->played = at_end ? -1 : self->snapshot->train_step;
      self->play_id = g_timeout_add (PLAY_INTERVAL_MS, play_tick, self);
    }
  else
    g_clear_handle_id (&self->play_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
grok_session_get_playing (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->play_id != 0;
}

static gint64
first_step_at (const GrokMetrics *metrics, guint col, double threshold)
{
  for (guint r = 0; r < metrics->n_rows; r++)
    if (grok_metrics_get (metrics, r, col) >= threshold)
      return (gint64) grok_metrics_get (metrics, r, GROK_COL_STEP);
  return -1;
}

void
grok_milestones_find (const GrokMetrics *metrics, gint64 *memorised, gint64 *generalised)
{
  *memorised = first_step_at (metrics, GROK_COL_TRAIN_ACC, GROK_MILESTONE_ACCURACY);
  *generalised = first_step_at (metrics, GROK_COL_TEST_ACC, GROK_MILESTONE_ACCURACY);
}

/* the moments a researcher waits for, each told once */
static void
announce (GrokSession *self, GrokSnapshot *snapshot)
{
  GrokMetrics *m = snapshot->metrics;
  guint last;

  if (m->n_rows == 0)
    return;
  last = m->n_rows - 1;
  if (!self->told_memorised && grok_metrics_get (m, last, GROK_COL_TRAIN_ACC) >= GROK_MILESTONE_ACCURACY)
    {
      self->told_memorised = TRUE;
      g_signal_emit (self, signals[MILESTONE], 0, GROK_MILESTONE_MEMORISED,
                     (gint64) grok_metrics_get (m, last, GROK_COL_STEP));
    }
  if (!self->told_generalised && grok_metrics_get (m, last, GROK_COL_TEST_ACC) >= GROK_MILESTONE_ACCURACY)
    {
      self->told_generalised = TRUE;
      g_signal_emit (self, signals[MILESTONE], 0, GROK_MILESTONE_GENERALISED,
                     (gint64) grok_metrics_get (m, last, GROK_COL_STEP));
    }
  if (!self->told_end && snapshot->state == GROK_RUN_DIVERGED)
    {
      self->told_end = TRUE;
      problem (self, grok_run_get_message (self->run));
    }
}

static void
on_snapshot (GrokRun *run, GrokSnapshot *snapshot, GrokSession *self)
{
  g_clear_pointer (&self->live, grok_snapshot_unref);
  self->live = grok_snapshot_ref (snapshot);
  set_checkpoints (self, snapshot->checkpoints);
  if (self->following)
    {
      set_snapshot (self, snapshot);
      set_scale (self, snapshot->train_step, snapshot->train_step);
    }
  else
    set_scale (self, snapshot->train_step, self->scale_value);
  announce (self, snapshot);
  refresh (self);
}

static void
on_run_state (GrokRun *run, GParamSpec *pspec, GrokSession *self)
{
  refresh (self);
}

/* An opened folder is followed: another process (a CLI run, a sweep cell) may be writing it.
 * Every FOLLOW_INTERVAL_MS a worker lists its checkpoints anew through a reader of its own (a
 * reader takes no lock, as the run folder's rules have it) and, when a newer one is there, reads
 * it with the rows up to it; the session then shows it where the newest state stands. */
typedef struct
{
  char         *path;
  guint         serial;
  gint64        shown_step;   /* the newest step the session has */
  GrokRunDir   *dir;          /* the new reader, when something new was read */
  GrokSnapshot *newest;
  GError       *error;
} Follow;

static void
follow_free (Follow *f)
{
  g_free (f->path);
  g_clear_pointer (&f->dir, grok_run_dir_close);
  g_clear_pointer (&f->newest, grok_snapshot_unref);
  g_clear_error (&f->error);
  g_free (f);
}

static void
follow_thread (gpointer data)
{
  Follow *f = data;
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (f->path, &f->error);
  g_autoptr (GArray) listed = NULL;
  g_autoptr (GrokParams) params = NULL;
  GArray *steps;
  gint64 found = -1;

  if (dir == NULL)
    return;
  listed = grok_run_dir_scan_checkpoints (dir);
  if (listed->len == 0 || g_array_index (listed, gint64, listed->len - 1) <= f->shown_step)
    return;
  /* a checkpoint is written whole under its name, so the newest listed is complete; one that
   * breaks the rule is passed over, naming it, as for every reader */
  params = grok_run_dir_read_model_at (dir, -1, &found, &f->error);
  if (params == NULL || found <= f->shown_step)
    return;
  steps = grok_run_dir_get_checkpoints (dir);
  f->newest = grok_snapshot_new (grok_run_dir_get_config (dir), params,
                                 grok_run_dir_get_metrics (dir), steps, found, GROK_RUN_STOPPED);
  f->dir = g_steal_pointer (&dir);
}

static void
on_followed (GObject *owner, gpointer data)
{
  GrokSession *self = GROK_SESSION (owner);
  Follow *f = data;
  GrokSnapshot *old;
  gboolean at_newest;

  self->follow_reading = FALSE;
  /* another folder (or none) is shown since the read began */
  if (f->serial != self->follow_serial || self->folder == NULL || self->live == NULL)
    {
      follow_free (f);
      return;
    }
  if (f->newest == NULL)
    {
      follow_free (f);
      return;
    }
  old = self->live;
  at_newest = self->snapshot == old;
  g_object_freeze_notify (G_OBJECT (self));
  grok_run_dir_close (self->folder);
  self->folder = g_steal_pointer (&f->dir);
  set_checkpoints (self, f->newest->checkpoints);
  self->live = g_steal_pointer (&f->newest);
  if (at_newest)
    {
      set_snapshot (self, self->live);
      set_scale (self, self->live->train_step, self->live->train_step);
    }
  else
    set_scale (self, self->live->train_step, self->scale_value);
  grok_snapshot_unref (old);
  announce (self, self->live);
  refresh (self);
  g_object_thaw_notify (G_OBJECT (self));
  follow_free (f);
}

static gboolean
follow_tick (gpointer data)
{
  GrokSession *self = data;
  Follow *f;

  if (self->follow_reading || self->folder == NULL || self->live == NULL)
    return G_SOURCE_CONTINUE;
  f = g_new0 (Follow, 1);
  f->path = g_strdup (grok_run_dir_path (self->folder));
  f->serial = self->follow_serial;
  f->shown_step = self->live->train_step;
  self->follow_reading = TRUE;
  grok_worker_start ("grok-follow", follow_thread, on_followed, G_OBJECT (self), f);
  return G_SOURCE_CONTINUE;
}

static void
follow_folder (GrokSession *self)
{
  self->follow_serial++;
  self->follow_id = g_timeout_add (FOLLOW_INTERVAL_MS, follow_tick, self);
}

static void
stop_following_folder (GrokSession *self)
{
  self->follow_serial++;
  g_clear_handle_id (&self->follow_id, g_source_remove);
}

/* nothing shown any more: the run (already handed elsewhere), the folder, the snapshots */
static void
forget_shown (GrokSession *self)
{
  grok_session_set_playing (self, FALSE);
  stop_following_folder (self);
  g_clear_pointer (&self->folder, grok_run_dir_close);
  g_clear_pointer (&self->live, grok_snapshot_unref);
  g_clear_pointer (&self->first, grok_snapshot_unref);
  set_checkpoints (self, NULL);
  set_snapshot (self, NULL);
  set_run_dir (self, NULL);
}

/* the run, made, becomes the one shown: watched, followed, started. The milestones its rows
 * already hold (a continued or forked run's) were told when they were reached */
static void
begin_run (GrokSession *self, GrokRun *run, const char *dir, gboolean one_step)
{
  gint64 memorised, generalised;

  g_object_freeze_notify (G_OBJECT (self));
  forget_shown (self);
  self->run = run;
  g_signal_connect_object (run, "snapshot", G_CALLBACK (on_snapshot), self, 0);
  g_signal_connect_object (run, "notify::state", G_CALLBACK (on_run_state), self, 0);
  self->live = grok_run_dup_snapshot (run);
  self->first = grok_snapshot_ref (self->live);
  grok_milestones_find (self->live->metrics, &memorised, &generalised);
  self->told_memorised = memorised >= 0;
  self->told_generalised = generalised >= 0;
  self->told_end = FALSE;
  set_checkpoints (self, self->live->checkpoints);
  set_following (self, TRUE);
  set_run_dir (self, dir);
  set_snapshot (self, self->live);
  set_scale (self, self->live->train_step, self->live->train_step);
  if (one_step)
    grok_run_step (run);
  else
    grok_run_start (run);
  refresh (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A run is made on a worker thread: the one shown before is stopped there first (it may be in
 * the middle of a measure, and continuing a folder must wait for its last checkpoint), then the
 * new trainer is built (a transformer's takes a tenth of a second) and its folder created. */
typedef struct
{
  GrokRun      *old;
  GrokConfig   *config;     /* a new run or a fork; NULL to continue dir */
  char         *dir;
  char         *parent;     /* a fork: the folder it starts from, at parent_step */
  gint64        parent_step;
  gint64        steps;      /* continuing: the steps in total */
  gboolean      one_step;   /* start paused and take one step (Step with no run) */
  GCancellable *cancellable;
  GrokRun      *run;        /* made, or NULL with error */
  GError       *error;
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_clear_object (&p->old);
  grok_config_unref (p->config);
  g_free (p->dir);
  g_free (p->parent);
  g_clear_object (&p->cancellable);
  g_clear_object (&p->run);
  g_clear_error (&p->error);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Prepare, prepare_free)

static void
prepare_thread (gpointer data)
{
  Prepare *p = data;

  if (p->old != NULL)
    grok_run_stop (p->old);
  if (p->parent != NULL)
    p->run = grok_run_new_fork (p->parent, p->parent_step, p->config, p->dir, FALSE, &p->error);
  else if (p->config != NULL)
    p->run = grok_run_new (p->config, p->dir, FALSE, &p->error);
  else
    p->run = grok_run_new_continue (p->dir, p->steps, &p->error);
}

static void
on_prepared (GObject *owner, gpointer data)
{
  GrokSession *self = GROK_SESSION (owner);
  g_autoptr (Prepare) p = data;

  self->workers--;
  if (g_cancellable_is_cancelled (p->cancellable))
    {
      /* the session moved on while this one was made; it never started, so it has no thread
       * to wait for */
      if (p->run != NULL)
        grok_run_stop (p->run);
      refresh (self);
      return;
    }
  g_clear_object (&self->preparing);
  if (p->run == NULL)
    {
      problem (self, p->error->message);
      refresh (self);
      return;
    }
  begin_run (self, g_steal_pointer (&p->run), p->dir, p->one_step);
}

/* hands the live run, if any, to the caller (its signals no longer reach the session) after
 * asking it to stop, and cancels a run being made */
static GrokRun *
retire_run (GrokSession *self)
{
  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  g_clear_object (&self->preparing);
  if (self->run == NULL)
    return NULL;
  g_signal_handlers_disconnect_by_data (self->run, self);
  grok_run_request_stop (self->run);
  return g_steal_pointer (&self->run);
}

static void
prepare_run (GrokSession *self, GrokConfig *config, const char *dir, gint64 steps, gboolean one_step,
             const char *parent, gint64 parent_step)
{
  Prepare *p = g_new0 (Prepare, 1);

  p->parent = g_strdup (parent);
  p->parent_step = parent_step;
  p->old = retire_run (self);
  /* the opened folder's door closes before a run continues it */
  stop_following_folder (self);
  g_clear_pointer (&self->folder, grok_run_dir_close);
  self->preparing = g_cancellable_new ();
  self->preparing_continue = config == NULL;
  p->config = config;
  p->dir = g_strdup (dir);
  p->steps = steps;
  p->one_step = one_step;
  p->cancellable = g_object_ref (self->preparing);
  self->workers++;
  grok_worker_start ("grok-prepare", prepare_thread, on_prepared, G_OBJECT (self), p);
  refresh (self);
}

void
grok_session_train (GrokSession *self, GrokConfig *config, const char *dir, gboolean one_step)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  g_return_if_fail (config != NULL && dir != NULL);
  prepare_run (self, config, dir, 0, one_step, NULL, -1);
}

void
grok_session_continue (GrokSession *self, gint64 steps)
{
  g_autofree char *dir = g_strdup (self->run_dir);

  g_return_if_fail (GROK_IS_SESSION (self));
  if (dir == NULL || self->live_flag || self->preparing != NULL)
    return;
  prepare_run (self, NULL, dir, steps, FALSE, NULL, -1);
}

void
grok_session_fork (GrokSession *self, GrokConfig *config, const char *dir)
{
  g_autofree char *parent = g_strdup (self->run_dir);

  g_return_if_fail (GROK_IS_SESSION (self));
  g_return_if_fail (config != NULL && dir != NULL);
  if (parent == NULL || self->snapshot == NULL || self->live_flag || self->preparing != NULL)
    {
      grok_config_unref (config);
      return;
    }
  prepare_run (self, config, dir, 0, FALSE, parent, self->snapshot->train_step);
}

static void
retire_thread (gpointer data)
{
  grok_run_stop (data);
}

static void
on_retired (GObject *owner, gpointer data)
{
  GrokSession *self = GROK_SESSION (owner);

  g_object_unref (data);
  self->workers--;
  refresh (self);
}

/* the run ends on a worker, as it may be in the middle of a measure */
static void
retire_in_thread (GrokSession *self, GrokRun *run)
{
  self->workers++;
  grok_worker_start ("grok-retire", retire_thread, on_retired, G_OBJECT (self), run);
}

void
grok_session_reset (GrokSession *self)
{
  GrokRun *old;

  g_return_if_fail (GROK_IS_SESSION (self));
  old = retire_run (self);
  if (old != NULL)
    retire_in_thread (self, old);
  g_object_freeze_notify (G_OBJECT (self));
  forget_shown (self);
  set_following (self, TRUE);
  set_scale (self, 1, 0);
  self->was_reset = TRUE;
  refresh (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* the stored checkpoint of an opened folder at the index-th of its steps */
static GrokSnapshot *
read_folder_checkpoint (GrokRunDir *dir, guint index, GError **error)
{
  GArray *steps = grok_run_dir_get_checkpoints (dir);

  return read_stored (dir, grok_run_dir_get_config (dir), grok_run_dir_get_metrics (dir), steps,
                      g_array_index (steps, gint64, index), error);
}

gboolean
grok_session_open (GrokSession *self, const char *path, GError **error)
{
  g_autoptr (GrokRunDir) dir = NULL;
  g_autoptr (GrokSnapshot) first = NULL;
  g_autoptr (GrokSnapshot) newest = NULL;
  const char * const *problems;
  GArray *steps;
  GrokRun *old;

  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  dir = grok_run_dir_open (path, error);
  if (dir == NULL || !grok_run_dir_check_memory (dir, error))
    return FALSE;
  steps = grok_run_dir_get_checkpoints (dir);
  if (steps->len == 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s has no intact checkpoint to show", path);
      return FALSE;
    }
  first = read_folder_checkpoint (dir, 0, error);
  newest = first ? read_folder_checkpoint (dir, steps->len - 1, error) : NULL;
  if (newest == NULL)
    return FALSE;
  /* the first damaged file, or else the note of files without a checksum */
  problems = grok_run_dir_get_problems (dir);
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    if (!g_str_has_prefix (problems[i], "note: ") || problems[i + 1] == NULL)
      {
        problem (self, problems[i]);
        break;
      }

  old = retire_run (self);
  if (old != NULL)
    retire_in_thread (self, old);
  g_object_freeze_notify (G_OBJECT (self));
  forget_shown (self);
  self->folder = g_steal_pointer (&dir);
  set_checkpoints (self, steps);
  self->first = g_steal_pointer (&first);
  /* the folder's newest state stands where a run's live snapshot would */
  self->live = grok_snapshot_ref (newest);
  set_run_dir (self, path);
  set_following (self, FALSE);
  set_snapshot (self, newest);
  set_scale (self, newest->train_step, newest->train_step);
  self->was_reset = FALSE;
  /* what another process writes there comes as it is written, its milestones told when new */
  {
    gint64 memorised, generalised;

    grok_milestones_find (newest->metrics, &memorised, &generalised);
    self->told_memorised = memorised >= 0;
    self->told_generalised = generalised >= 0;
    self->told_end = TRUE;
  }
  follow_folder (self);
  refresh (self);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

typedef struct
{
  char   *from, *to;
  GError *error;
} Copy;

static void
copy_free (Copy *c)
{
  g_free (c->from);
  g_free (c->to);
  g_clear_error (&c->error);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Copy, copy_free)

static void
copy_thread (gpointer data)
{
  Copy *c = data;

  grok_run_dir_copy (c->from, c->to, NULL, &c->error);
}

static void
on_copied (GObject *owner, gpointer data)
{
  GrokSession *self = GROK_SESSION (owner);
  g_autoptr (Copy) c = data;

  if (c->error != NULL || !grok_session_open (self, c->to, &c->error))
    {
      problem (self, c->error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, c->to);
}

void
grok_session_save_as (GrokSession *self, const char *dest)
{
  Copy *c;

  g_return_if_fail (GROK_IS_SESSION (self));
  g_return_if_fail (dest != NULL);
  if (self->run_dir == NULL || self->live_flag)
    return;
  c = g_new0 (Copy, 1);
  c->from = g_strdup (self->run_dir);
  c->to = g_strdup (dest);
  grok_worker_start ("grok-copy", copy_thread, on_copied, G_OBJECT (self), c);
}

void
grok_session_pause_resume (GrokSession *self)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  if (self->run == NULL)
    return;
  if (grok_run_get_state (self->run) == GROK_RUN_PAUSED)
    grok_run_resume (self->run);
  else
    grok_run_pause (self->run);
}

void
grok_session_step (GrokSession *self)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  if (self->run != NULL)
    grok_run_step (self->run);
}

void
grok_session_stop (GrokSession *self)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  /* the thread ends after the step or measure in progress; its last snapshot brings the state */
  if (self->run != NULL)
    grok_run_request_stop (self->run);
  refresh (self);
}

void
grok_session_end_async (GrokSession *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (GROK_IS_SESSION (self));
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, grok_session_end_async);
  g_task_set_task_data (task, GINT_TO_POINTER (self->run != NULL && writing (self)), NULL);
  g_ptr_array_add (self->ending, task);
  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  g_clear_object (&self->preparing);
  grok_session_set_playing (self, FALSE);
  if (self->run != NULL)
    grok_run_request_stop (self->run);
  refresh (self);
}

gboolean
grok_session_end_finish (GrokSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
grok_session_compare (GrokSession *self, const char * const *paths)
{
  g_autoptr (GrokComparison) comparison = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  if (self->live == NULL || self->run_dir == NULL)
    return FALSE;
  name = g_path_get_basename (self->run_dir);
  comparison = grok_comparison_new (self->run_dir, self->live->config, name, self->group_key);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokRunDir) dir = grok_run_dir_open (paths[i], &error);
      g_autofree char *other = g_path_get_basename (paths[i]);
      if (dir == NULL
          || !grok_comparison_add (comparison, other, grok_run_dir_get_config (dir),
                                   grok_run_dir_get_metrics (dir), &error))
        problem (self, error->message);
    }
  if (grok_comparison_n_runs (comparison) < 2)
    return FALSE;
  set_comparison (self, g_steal_pointer (&comparison));
  return TRUE;
}

void
grok_session_clear_comparison (GrokSession *self)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  set_comparison (self, NULL);
}

void
grok_session_set_compare_group_key (GrokSession *self, const char *group_key)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  g_free (self->group_key);
  self->group_key = g_strdup (group_key);
  if (self->comparison != NULL
      && g_strcmp0 (grok_comparison_get_group_key (self->comparison),
                    group_key != NULL ? group_key : "seed") != 0)
    set_comparison (self, grok_comparison_regroup (self->comparison, group_key));
}

GrokComparison *
grok_session_get_comparison (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), NULL);
  return self->comparison;
}

GrokSnapshot *
grok_session_get_snapshot (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), NULL);
  return self->snapshot;
}

GrokSnapshot *
grok_session_get_newest (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), NULL);
  return self->live;
}

GrokSnapshot *
grok_session_get_first (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), NULL);
  return self->first;
}

const char *
grok_session_get_run_dir (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), NULL);
  return self->run_dir;
}

GrokRunState
grok_session_get_state (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), GROK_RUN_READY);
  return self->state;
}

gboolean
grok_session_get_live (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->live_flag;
}

gboolean
grok_session_get_preparing (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->preparing_flag;
}

gboolean
grok_session_get_writing (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->writing_flag;
}

gboolean
grok_session_get_following (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->following;
}

gboolean
grok_session_get_continuing (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->continuing_flag;
}

gboolean
grok_session_get_reset (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->reset_flag;
}

gboolean
grok_session_get_opened (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), FALSE);
  return self->run == NULL && self->live != NULL;
}

void
grok_session_get_run_progress (GrokSession *self, GrokProgress *progress)
{
  g_return_if_fail (GROK_IS_SESSION (self));
  shown_progress (self, progress);
}

const char *
grok_session_get_run_message (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), NULL);
  return self->run != NULL ? grok_run_get_message (self->run) : NULL;
}

gint64
grok_session_get_step (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), 0);
  return self->step;
}

double
grok_session_get_progress (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), 0);
  return self->progress;
}

double
grok_session_get_scale_upper (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), 1);
  return self->scale_upper;
}

double
grok_session_get_scale_value (GrokSession *self)
{
  g_return_val_if_fail (GROK_IS_SESSION (self), 0);
  return self->scale_value;
}

static void
grok_session_dispose (GObject *object)
{
  GrokSession *self = GROK_SESSION (object);
  g_autoptr (GrokRun) old = retire_run (self);

  /* the newest state goes into a checkpoint before the session is gone */
  if (old != NULL)
    grok_run_stop (old);
  g_clear_handle_id (&self->play_id, g_source_remove);
  stop_following_folder (self);
  g_clear_pointer (&self->folder, grok_run_dir_close);
  g_clear_pointer (&self->snapshot, grok_snapshot_unref);
  g_clear_pointer (&self->live, grok_snapshot_unref);
  g_clear_pointer (&self->first, grok_snapshot_unref);
  g_clear_pointer (&self->checkpoints, g_array_unref);
  g_clear_pointer (&self->comparison, grok_comparison_unref);
  G_OBJECT_CLASS (grok_session_parent_class)->dispose (object);
}

static void
grok_session_finalize (GObject *object)
{
  GrokSession *self = GROK_SESSION (object);

  /* a wait of grok_session_end_async holds the session: none is left by now */
  g_ptr_array_unref (self->ending);
  g_free (self->run_dir);
  G_OBJECT_CLASS (grok_session_parent_class)->finalize (object);
}

static void
grok_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GrokSession *self = GROK_SESSION (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT: g_value_set_boxed (value, self->snapshot); break;
    case PROP_RUN_DIR: g_value_set_string (value, self->run_dir); break;
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_LIVE: g_value_set_boolean (value, self->live_flag); break;
    case PROP_PREPARING: g_value_set_boolean (value, self->preparing_flag); break;
    case PROP_WRITING: g_value_set_boolean (value, self->writing_flag); break;
    case PROP_FOLLOWING: g_value_set_boolean (value, self->following); break;
    case PROP_PLAYING: g_value_set_boolean (value, self->play_id != 0); break;
    case PROP_CONTINUING: g_value_set_boolean (value, self->continuing_flag); break;
    case PROP_RESET: g_value_set_boolean (value, self->reset_flag); break;
    case PROP_STEP: g_value_set_int64 (value, self->step); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_SCALE_UPPER: g_value_set_double (value, self->scale_upper); break;
    case PROP_SCALE_VALUE: g_value_set_double (value, self->scale_value); break;
    case PROP_COMPARISON: g_value_set_pointer (value, self->comparison); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grok_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GrokSession *self = GROK_SESSION (object);

  switch (prop_id)
    {
    case PROP_PLAYING: grok_session_set_playing (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define READ (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)

static void
grok_session_class_init (GrokSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = grok_session_dispose;
  object_class->finalize = grok_session_finalize;
  object_class->get_property = grok_session_get_property;
  object_class->set_property = grok_session_set_property;

  properties[PROP_SNAPSHOT] = g_param_spec_boxed ("snapshot", NULL, NULL, GROK_TYPE_SNAPSHOT, READ);
  properties[PROP_RUN_DIR] = g_param_spec_string ("run-dir", NULL, NULL, NULL, READ);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, GROK_RUN_READY, GROK_RUN_FAILED,
                                             GROK_RUN_READY, READ);
  properties[PROP_LIVE] = g_param_spec_boolean ("live", NULL, NULL, FALSE, READ);
  properties[PROP_PREPARING] = g_param_spec_boolean ("preparing", NULL, NULL, FALSE, READ);
  properties[PROP_WRITING] = g_param_spec_boolean ("writing", NULL, NULL, FALSE, READ);
  properties[PROP_FOLLOWING] = g_param_spec_boolean ("following", NULL, NULL, TRUE, READ);
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                                                   G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                   G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONTINUING] = g_param_spec_boolean ("continuing", NULL, NULL, FALSE, READ);
  properties[PROP_RESET] = g_param_spec_boolean ("reset", NULL, NULL, FALSE, READ);
  properties[PROP_STEP] = g_param_spec_int64 ("step", NULL, NULL, 0, G_MAXINT64, 0, READ);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, READ);
  properties[PROP_SCALE_UPPER] = g_param_spec_double ("scale-upper", NULL, NULL, 1, G_MAXDOUBLE, 1, READ);
  properties[PROP_SCALE_VALUE] = g_param_spec_double ("scale-value", NULL, NULL, 0, G_MAXDOUBLE, 0, READ);
  properties[PROP_COMPARISON] = g_param_spec_pointer ("comparison", NULL, NULL, READ);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the live run reached a GrokMilestone at a step, for the first time */
  signals[MILESTONE] = g_signal_new ("milestone", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT64);
  /* Save As copied the run to this folder, which is now shown */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* something went wrong, as an error message of the engine's: a run that could not be made or
   * diverged, a file that cannot be read, a copy that failed */
  signals[PROBLEM] = g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
grok_session_init (GrokSession *self)
{
  self->following = TRUE;
  self->scale_upper = 1;
  self->state = GROK_RUN_READY;
  self->ending = g_ptr_array_new_with_free_func (g_object_unref);
  refresh (self);
}

GrokSession *
grok_session_new (void)
{
  return g_object_new (GROK_TYPE_SESSION, NULL);
}
