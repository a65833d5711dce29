/* The threaded run: snapshots arrive in the main loop while training runs, and the controls
 * take effect. */
#include <math.h>

#include "grok-presets.h"
#include "grok-run.h"
#include "grok-trainer.h"
#include "wait-helpers.h"

typedef struct
{
  GMainLoop *loop;
  guint      n_snapshots;
  gint64     last_step;
  gboolean   steps_increase;
  GrokRunState final_state;
} Watch;

static void
on_snapshot (GrokRun *run, GrokSnapshot *snapshot, Watch *w)
{
  w->n_snapshots++;
  if (snapshot->train_step < w->last_step)
    w->steps_increase = FALSE;
  w->last_step = snapshot->train_step;
  g_assert_cmpuint (snapshot->metrics->n_rows, >=, 1);
  if (snapshot->state == GROK_RUN_FINISHED || snapshot->state == GROK_RUN_STOPPED)
    {
      w->final_state = snapshot->state;
      g_main_loop_quit (w->loop);
    }
}

static GrokRun *
new_run (gint64 steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("liu-add31", NULL);
  g_autoptr (GError) error = NULL;
  GrokRun *run;

  config->train.steps = steps;
  config->train.eval_every = 50;
  /* one OpenBLAS thread: its own worker threads make timing on a shared machine erratic and
   * would be noise under ThreadSanitizer */
  config->train.threads = 1;
  /* the controls are under test here, not the measures: keep every step cheap */
  config->measures.spectrum_per_decade = 0;
  config->measures.complexity_per_decade = 0;
  config->measures.lmn_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  run = grok_run_new (config, NULL, FALSE, &error);
  g_assert_no_error (error);
  return run;
}

static void
test_snapshots_while_training (void)
{
  g_autoptr (GrokRun) run = new_run (600);
  Watch w = { g_main_loop_new (NULL, FALSE), 0, 0, TRUE, GROK_RUN_READY };
  g_autoptr (GrokSnapshot) last = NULL;

  g_signal_connect (run, "snapshot", G_CALLBACK (on_snapshot), &w);
  grok_run_start (run);
  g_main_loop_run (w.loop);
  g_assert_cmpint (w.final_state, ==, GROK_RUN_FINISHED);
  /* one per evaluation would be 12; coalescing may drop some, but several
   * must have arrived while the thread was still training */
  g_assert_cmpuint (w.n_snapshots, >=, 3);
  g_assert_true (w.steps_increase);
  last = grok_run_dup_snapshot (run);
  g_assert_cmpint (last->train_step, ==, 600);
  g_assert_cmpuint (last->metrics->n_rows, ==, 1 + 600 / 50);
  g_main_loop_unref (w.loop);
}

/* the run's newest snapshot, replacing the one in *snap */
static GrokSnapshot *
fresh_snapshot (GrokRun *run, GrokSnapshot **snap)
{
  g_clear_pointer (snap, grok_snapshot_unref);
  *snap = grok_run_dup_snapshot (run);
  return *snap;
}

static void
test_pause_step_stop (void)
{
  g_autoptr (GrokRun) run = new_run (1000000);
  g_autoptr (GrokSnapshot) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL;

  grok_run_start (run);
  WAIT_UNTIL (fresh_snapshot (run, &a)->train_step > 0, "the run's first step");
  grok_run_pause (run);
  /* a paused run stops stepping: the thread publishes a paused snapshot after the step in
   * flight (a few ms, far longer under ThreadSanitizer), then the step must stay put */
  WAIT_UNTIL (fresh_snapshot (run, &a)->state == GROK_RUN_PAUSED, "a paused snapshot");
  g_usleep (100 * 1000);
  b = grok_run_dup_snapshot (run);
  g_assert_cmpint (a->train_step, >, 0);
  g_assert_cmpint (a->train_step, ==, b->train_step);
  g_assert_cmpint (grok_run_get_state (run), ==, GROK_RUN_PAUSED);

  grok_run_step (run);
  WAIT_UNTIL (fresh_snapshot (run, &c)->train_step > b->train_step,
              "the single step after step %" G_GINT64_FORMAT, b->train_step);
  g_assert_cmpint (c->train_step, ==, b->train_step + 1);

  /* stopped while it runs again */
  grok_run_resume (run);
  WAIT_UNTIL (fresh_snapshot (run, &d)->train_step > c->train_step,
              "a step after resuming at step %" G_GINT64_FORMAT, c->train_step);
  grok_run_stop (run);
  /* stop ends the run at the step in flight, not at its million steps (how long that takes
   * is the benchmark's to measure, not a test's on a busy machine) */
  g_assert_cmpint (grok_run_get_state (run), ==, GROK_RUN_STOPPED);
  g_assert_cmpint (fresh_snapshot (run, &e)->train_step, >=, d->train_step);
  g_assert_cmpint (e->train_step, <, 1000000);
}

static void
count_snapshot (GrokRun *run, GrokSnapshot *snapshot, GrokSnapshot **last)
{
  g_clear_pointer (last, grok_snapshot_unref);
  *last = grok_snapshot_ref (snapshot);
}

/* nobody consumes while the run trains: training still finishes (it never waits on the
 * consumer), and the consumer then receives one snapshot, the newest, not a backlog */
static void
test_consumer_never_blocks (void)
{
  g_autoptr (GrokRun) run = new_run (150);
  g_autoptr (GrokSnapshot) last = NULL;
  guint n = 0;

  g_signal_connect (run, "snapshot", G_CALLBACK (count_snapshot), &last);
  grok_run_start (run);
  WAIT_UNTIL (grok_run_get_state (run) == GROK_RUN_FINISHED, "the 150 steps to finish");
  g_assert_cmpint (grok_run_get_state (run), ==, GROK_RUN_FINISHED);
  grok_run_stop (run);
  while (g_main_context_pending (NULL))
    {
      g_main_context_iteration (NULL, FALSE);
      n++;
    }
  g_assert_nonnull (last);
  g_assert_cmpint (last->train_step, ==, 150);
  g_assert_cmpint (last->state, ==, GROK_RUN_FINISHED);
  g_assert_cmpuint (last->metrics->n_rows, ==, 1 + 150 / 50);
  g_assert_cmpuint (n, ==, 1);
}

/* a snapshot kept by a consumer does not change while training goes on */
static void
test_snapshot_immutable (void)
{
  g_autoptr (GrokRun) run = new_run (1000000);
  g_autoptr (GrokSnapshot) held = NULL, later = NULL;
  g_autofree float *copy = NULL;
  GrokProgress progress;
  gint64 step;
  guint rows;

  grok_run_start (run);
  WAIT_UNTIL (fresh_snapshot (run, &held)->train_step > 0, "the run's first step");
  step = held->train_step;
  rows = held->metrics->n_rows;
  copy = g_memdup2 (held->params->data, held->params->numel * sizeof (float));
  WAIT_UNTIL (fresh_snapshot (run, &later)->train_step > step,
              "a snapshot after step %" G_GINT64_FORMAT, step);
  /* the rate is measured over a window of steps: there is one once a window has passed */
  WAIT_UNTIL ((grok_run_get_progress (run, &progress), progress.steps_per_second > 0),
              "a training rate");
  grok_run_stop (run);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_cmpint (later->train_step, >, step);
  g_assert_cmpint (held->train_step, ==, step);
  g_assert_cmpuint (held->metrics->n_rows, ==, rows);
  g_assert_cmpmem (held->params->data, held->params->numel * sizeof (float), copy,
                   held->params->numel * sizeof (float));
  /* progress while running: a rate and a finite ETA for the remaining steps */
  g_assert_cmpfloat (progress.steps_per_second, >, 0);
  g_assert_true (isfinite (progress.eta_seconds));
  g_assert_cmpint (progress.total, ==, 1000000);
}

static void
note_state (GrokRun *run, GrokSnapshot *snapshot, GrokRunState *state)
{
  *state = snapshot->state;
}

/* asking a run to stop returns while its thread may still be in a step; the thread's last
 * snapshot then brings the stopped state through the main loop, and the first row, at step 0,
 * is there although grok_run_new evaluated nothing */
static void
test_request_stop (void)
{
  g_autoptr (GrokRun) run = new_run (1000000);
  g_autoptr (GrokSnapshot) before = grok_run_dup_snapshot (run), last = NULL;
  GrokRunState state = GROK_RUN_READY;

  g_assert_cmpuint (before->metrics->n_rows, ==, 0);
  g_signal_connect (run, "snapshot", G_CALLBACK (note_state), &state);
  grok_run_start (run);
  WAIT_UNTIL (fresh_snapshot (run, &last)->train_step > 0, "the run's first step");
  grok_run_request_stop (run);
  SPIN_UNTIL (state == GROK_RUN_STOPPED, "the stopped snapshot in the main loop");
  g_clear_pointer (&last, grok_snapshot_unref);
  g_assert_cmpint (state, ==, GROK_RUN_STOPPED);
  g_assert_cmpint (grok_run_get_state (run), ==, GROK_RUN_STOPPED);
  last = grok_run_dup_snapshot (run);
  g_assert_cmpuint (last->metrics->n_rows, >=, 1);
  g_assert_cmpfloat (grok_metrics_get (last->metrics, 0, GROK_COL_STEP), ==, 0);
  /* stopping again joins the finished thread */
  grok_run_stop (run);
  g_assert_cmpint (grok_run_get_state (run), ==, GROK_RUN_STOPPED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/run/snapshots-while-training", test_snapshots_while_training);
  g_test_add_func ("/engine/run/pause-step-stop", test_pause_step_stop);
  g_test_add_func ("/engine/run/consumer-never-blocks", test_consumer_never_blocks);
  g_test_add_func ("/engine/run/snapshot-immutable", test_snapshot_immutable);
  g_test_add_func ("/engine/run/request-stop", test_request_stop);
  return g_test_run ();
}
