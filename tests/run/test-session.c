/* The session without a window: make a run, step it, stop it, open a folder, browse a stored
 * step, continue it, end it; what its properties say is checked against the folders themselves. */
#include "grok-checkpoints.h"
#include "grok-memory.h"
#include "grok-trainer.h"
#include "grok-session.h"
#include "run-helpers.h"

typedef struct
{
  GrokSession *session;
  char        *dir;      /* the session's runs go in here */
  char        *other;    /* a finished folder made without the session */
} Fixture;

/* main-loop iterations until the session's run is in state (or 60 s pass) */
static void
wait_for_state (GrokSession *session, GrokRunState state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while ((grok_session_get_preparing (session) || grok_session_get_state (session) != state) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (grok_run_state_name (grok_session_get_state (session)), ==,
                   grok_run_state_name (state));
}

static void
wait_for_step (GrokSession *session, gint64 step)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while ((grok_session_get_snapshot (session) == NULL ||
          grok_session_get_snapshot (session)->train_step < step) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (grok_session_get_snapshot (session)->train_step, ==, step);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GrokConfig) config = small_config (40, 10);
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *other = NULL;

  f->dir = g_dir_make_tmp ("grok-session-XXXXXX", NULL);
  f->other = g_build_filename (f->dir, "other", NULL);
  g_free (config->name);
  config->name = g_strdup ("other-run");
  run = grok_run_new (config, f->other, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  f->session = grok_session_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->other);
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

/* the run shown's progress: step, total, and whether a rate is known */
static void
assert_progress (GrokSession *session, gint64 step, gint64 total)
{
  GrokProgress p;

  grok_session_get_run_progress (session, &p);
  g_assert_cmpint (p.step, ==, step);
  g_assert_cmpint (p.total, ==, total);
  g_assert_cmpint (grok_session_get_step (session), ==, step);
}

/* a run trained to its end: every property describes it, and each said so only on a change */
static void
test_train (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->dir, "trained", NULL);
  guint states = 0, snapshots = 0;
  GrokSnapshot *s;

  g_signal_connect (f->session, "notify::state", G_CALLBACK (count_notify), &states);
  g_signal_connect (f->session, "notify::snapshot", G_CALLBACK (count_notify), &snapshots);
  g_assert_null (grok_session_get_snapshot (f->session));
  g_assert_false (grok_session_get_reset (f->session));
  grok_session_train (f->session, small_config (60, 10), dir, FALSE);
  g_assert_true (grok_session_get_preparing (f->session));
  g_assert_false (grok_session_get_continuing (f->session));
  wait_for_state (f->session, GROK_RUN_FINISHED);

  s = grok_session_get_snapshot (f->session);
  g_assert_cmpint (s->train_step, ==, 60);
  g_assert_cmpuint (s->metrics->n_rows, ==, 7);
  g_assert_cmpstr (s->config->name, ==, "liu-add31");
  g_assert_cmpstr (grok_session_get_run_dir (f->session), ==, dir);
  assert_progress (f->session, 60, 60);
  g_assert_cmpfloat (grok_session_get_progress (f->session), ==, 1.0);
  g_assert_true (grok_session_get_following (f->session));
  g_assert_false (grok_session_get_opened (f->session));
  g_assert_false (grok_session_get_live (f->session));
  /* ready, running, finished: each state said once, though many snapshots came */
  g_assert_cmpuint (states, <=, 2);
  g_assert_cmpuint (snapshots, >, 1);
  /* the checkpoints the snapshot carries are those in the folder */
  {
    g_autoptr (GArray) listed = grok_checkpoints_list (dir, NULL);
    g_assert_cmpuint (s->checkpoints->len, ==, listed->len);
    for (guint i = 0; i < listed->len; i++)
      g_assert_cmpint (g_array_index (s->checkpoints, gint64, i), ==, g_array_index (listed, gint64, i));
  }
}

/* Step with no run: one optimiser step, paused; more steps; then Stop */
static void
test_step_and_stop (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->dir, "stepped", NULL);
  g_autoptr (GrokSnapshot) one = NULL;
  GrokSnapshot *two;
  GrokConfig *config = small_config (60, 10);

  /* checkpoints only at step 0 and where the run stops */
  config->checkpoints.per_decade = 0;
  config->checkpoints.every = 0;
  grok_session_train (f->session, config, dir, TRUE);
  wait_for_step (f->session, 1);
  g_assert_true (grok_session_get_live (f->session));
  one = grok_snapshot_ref (grok_session_get_snapshot (f->session));
  grok_session_step (f->session);
  wait_for_step (f->session, 2);
  two = grok_session_get_snapshot (f->session);
  g_assert_cmpint (grok_session_get_state (f->session), ==, GROK_RUN_PAUSED);
  /* no row came between the two steps (one every 10): the snapshots share the rows and the
   * config, and not the weights, which the step changed */
  g_assert_true (one->metrics == two->metrics);
  g_assert_true (one->config == two->config);
  g_assert_true (one->params != two->params);
  g_assert_null (two->params->grad);
  grok_session_stop (f->session);
  wait_for_state (f->session, GROK_RUN_STOPPED);
  assert_progress (f->session, 2, 60);
  g_assert_false (grok_session_get_live (f->session));
  /* the stepped run's thread wrote its last checkpoint before its folder was closed */
  {
    g_autoptr (GArray) listed = grok_checkpoints_list (dir, NULL);
    g_assert_nonnull (listed);
    g_assert_cmpuint (listed->len, >=, 1);
    g_assert_cmpint (g_array_index (listed, gint64, listed->len - 1), ==, 2);
  }
}

/* opened while another run trains: everything then describes the folder opened */
static void
test_open_browse_continue (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->dir, "before", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) listed = grok_checkpoints_list (f->other, NULL);
  gint64 browsed = g_array_index (listed, gint64, 2);
  GrokSnapshot *s;

  grok_session_train (f->session, small_config (100000, 10), dir, FALSE);
  wait_for_step (f->session, 0);
  g_assert_true (grok_session_open (f->session, f->other, &error));
  g_assert_no_error (error);
  s = grok_session_get_snapshot (f->session);
  g_assert_cmpint (s->train_step, ==, 40);
  g_assert_cmpint (grok_session_get_first (f->session)->train_step, ==, 0);
  g_assert_cmpstr (grok_session_get_run_dir (f->session), ==, f->other);
  g_assert_cmpstr (s->config->name, ==, "other-run");
  assert_progress (f->session, 40, 40);
  g_assert_true (grok_session_get_opened (f->session));
  g_assert_false (grok_session_get_following (f->session));
  g_assert_cmpfloat (grok_session_get_progress (f->session), ==, 1.0);
  g_assert_cmpint (grok_session_get_state (f->session), ==, GROK_RUN_FINISHED);
  g_assert_false (grok_session_get_live (f->session));

  /* a point of the scale between two checkpoints shows the earlier one, with its rows */
  grok_session_seek (f->session, browsed + 0.5);
  s = grok_session_get_snapshot (f->session);
  g_assert_cmpint (s->train_step, ==, browsed);
  for (guint r = 0; r < s->metrics->n_rows; r++)
    g_assert_cmpfloat (grok_metrics_get (s->metrics, r, GROK_COL_STEP), <=, browsed);
  /* and the progress still describes the folder, not the browsed step */
  assert_progress (f->session, 40, 40);

  grok_session_continue (f->session, 60);
  g_assert_true (grok_session_get_preparing (f->session));
  g_assert_true (grok_session_get_continuing (f->session));
  wait_for_state (f->session, GROK_RUN_FINISHED);
  s = grok_session_get_snapshot (f->session);
  g_assert_cmpint (s->train_step, ==, 60);
  g_assert_cmpstr (grok_session_get_run_dir (f->session), ==, f->other);
  assert_progress (f->session, 60, 60);
  g_assert_false (grok_session_get_opened (f->session));
  {
    g_autofree char *path = g_build_filename (f->other, "metrics.csv", NULL);
    g_autoptr (GrokMetrics) rows = grok_metrics_load_csv (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->n_rows, ==, 7);
    g_assert_cmpuint (s->metrics->n_rows, ==, 7);
  }
}

/* a folder that cannot be opened leaves the run shown as it was */
static void
test_open_failure_keeps_run (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (grok_session_open (f->session, f->other, NULL));
  g_assert_false (grok_session_open (f->session, missing, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_cmpstr (grok_session_get_run_dir (f->session), ==, f->other);
  g_assert_cmpint (grok_session_get_snapshot (f->session)->train_step, ==, 40);
}

/* a folder whose config.json names a model larger than the machine's memory is refused before
 * anything is built from it (it aborted in g_malloc), naming the file, the estimate and the
 * memory available; the run shown stays */
static void
test_open_huge_model (Fixture *f, gconstpointer data)
{
  g_autofree char *config_path = g_build_filename (f->other, "config.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autofree char *text = NULL;

  g_assert_true (grok_session_open (f->session, f->other, NULL));
  config = grok_config_load_file (config_path, &error);
  g_assert_no_error (error);
  config->model.width = 8192;
  config->model.depth = 16;
  config->model.d_embed = 4096;
  if (grok_config_estimate_memory (config) <= grok_memory_available ())
    {
      g_test_skip ("this machine has the memory of the largest MLP");
      return;
    }
  text = grok_config_to_string (config);
  g_assert_true (g_file_set_contents (config_path, text, -1, NULL));
  g_assert_false (grok_session_open (f->session, f->other, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, config_path));
  g_assert_nonnull (strstr (error->message, "of memory and the machine has"));
  g_assert_cmpint (grok_session_get_snapshot (f->session)->train_step, ==, 40);
}

/* Reset forgets what is shown, and says it was reset */
static void
test_reset (Fixture *f, gconstpointer data)
{
  g_assert_true (grok_session_open (f->session, f->other, NULL));
  grok_session_reset (f->session);
  g_assert_null (grok_session_get_snapshot (f->session));
  g_assert_null (grok_session_get_run_dir (f->session));
  g_assert_true (grok_session_get_reset (f->session));
  g_assert_false (grok_session_get_opened (f->session));
  g_assert_cmpfloat (grok_session_get_progress (f->session), ==, 0);
}

static void
on_ended (GObject *source, GAsyncResult *result, gpointer data)
{
  gboolean *ended = data;

  g_assert_true (grok_session_end_finish (GROK_SESSION (source), result, NULL));
  *ended = TRUE;
}

/* iterations until the end is reported (or 60 s pass) */
static void
wait_for_end (gboolean *ended)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!*ended && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (*ended);
}

static gint64
newest_checkpoint (const char *dir)
{
  g_autoptr (GArray) listed = grok_checkpoints_list (dir, NULL);

  g_assert_nonnull (listed);
  return listed->len ? g_array_index (listed, gint64, listed->len - 1) : -1;
}

/* a long run in dir, past its 15th step; its checkpoints only at step 0 and where it stops */
static void
train_a_while (GrokSession *session, const char *dir)
{
  GrokConfig *config = small_config (1000000, 10);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  config->checkpoints.per_decade = 0;
  grok_session_train (session, config, dir, FALSE);
  g_assert_true (grok_session_get_writing (session));
  while ((g_strcmp0 (grok_session_get_run_dir (session), dir) != 0 ||
          grok_session_get_snapshot (session)->train_step < 15) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (grok_session_get_snapshot (session)->train_step, >=, 15);
}

/* the end of a paused run comes with its checkpoint at the paused step; then the end of a run
 * stopped on a worker (Reset while it trains) waits for that worker's checkpoint */
static void
test_end (Fixture *f, gconstpointer data)
{
  g_autofree char *paused = g_build_filename (f->dir, "paused", NULL);
  g_autofree char *reset = g_build_filename (f->dir, "reset", NULL);
  gboolean ended = FALSE;
  gint64 step, deadline;

  train_a_while (f->session, paused);
  grok_session_pause_resume (f->session);
  wait_for_state (f->session, GROK_RUN_PAUSED);
  /* the snapshot of the step the run waits at, however late the pause came in that step */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (grok_session_get_snapshot (f->session)->state != GROK_RUN_PAUSED &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (grok_session_get_snapshot (f->session)->state, ==, GROK_RUN_PAUSED);
  step = grok_session_get_snapshot (f->session)->train_step;
  grok_session_end_async (f->session, on_ended, &ended);
  wait_for_end (&ended);
  g_assert_false (grok_session_get_writing (f->session));
  g_assert_cmpint (newest_checkpoint (paused), ==, step);

  train_a_while (f->session, reset);
  grok_session_reset (f->session);
  g_assert_true (grok_session_get_writing (f->session));
  ended = FALSE;
  grok_session_end_async (f->session, on_ended, &ended);
  wait_for_end (&ended);
  g_assert_false (grok_session_get_writing (f->session));
  g_assert_cmpint (newest_checkpoint (reset), >=, 15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/run/session/train", Fixture, NULL, fixture_set_up, test_train, fixture_tear_down);
  g_test_add ("/run/session/step-and-stop", Fixture, NULL, fixture_set_up, test_step_and_stop,
              fixture_tear_down);
  g_test_add ("/run/session/open-browse-continue", Fixture, NULL, fixture_set_up,
              test_open_browse_continue, fixture_tear_down);
  g_test_add ("/run/session/open-failure-keeps-run", Fixture, NULL, fixture_set_up,
              test_open_failure_keeps_run, fixture_tear_down);
  g_test_add ("/run/session/open-huge-model", Fixture, NULL, fixture_set_up,
              test_open_huge_model, fixture_tear_down);
  g_test_add ("/run/session/reset", Fixture, NULL, fixture_set_up, test_reset, fixture_tear_down);
  g_test_add ("/run/session/end", Fixture, NULL, fixture_set_up, test_end, fixture_tear_down);
  return g_test_run ();
}
