/* The measures of a metrics row are computed on a thread of their own while training goes on:
 * the rows must be those the training thread computes itself (GROKSCOPE_MEASURES=inline, the
 * reference here), in order and whole when the run ends, is stopped, or is killed. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-metrics.h"
#include "grok-trainer.h"
#include "run-helpers.h"
#include "wait-helpers.h"

#define EVAL_EVERY 10

/* liu-add31 (run-helpers) with two measures on: the spectrum (the preset's) and LMN, which
 * samples its inputs from the run's seed (on 256 of them, to keep the test short) */
static GrokConfig *
measured_config (gint64 steps)
{
  GrokConfig *config = small_config (steps, EVAL_EVERY);

  config->measures.lmn_per_decade = 10;
  config->measures.lmn_points = 256;
  config->checkpoints.every = EVAL_EVERY;
  config->checkpoints.keep = 0;
  return config;
}

static GrokRun *
new_run (const GrokConfig *config, const char *dir, gboolean inline_measures, guint delay_ms)
{
  g_autoptr (GError) error = NULL;
  GrokRun *run = grok_run_new (config, dir, FALSE, &error);

  g_assert_no_error (error);
  grok_run_set_inline_measures (run, inline_measures);
  grok_run_set_measure_delay (run, delay_ms);
  return run;
}

/* a folder's metrics.csv (without wall time) after a whole run of config */
static char *
whole_run (const GrokConfig *config, gboolean inline_measures, guint delay_ms)
{
  const char *root = test_tmp_dir ("grok-measures-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  g_autoptr (GrokRun) run = new_run (config, dir, inline_measures, delay_ms);

  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return metrics_without_wall (dir);
}

/* the rows of a folder's metrics.csv, read by the strict reader: every line whole, and the
 * steps those of the evaluations 0, 10, 20, ... with none missing */
static GrokMetrics *
check_rows (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autoptr (GError) error = NULL;
  GrokMetrics *m = grok_metrics_load_csv (path, &error);

  g_assert_no_error (error);
  for (guint r = 0; r < m->n_rows; r++)
    g_assert_cmpfloat (grok_metrics_get (m, r, GROK_COL_STEP), ==, (double) r * EVAL_EVERY);
  return m;
}

/* the first n lines of text */
static char *
head_lines (const char *text, guint n)
{
  const char *p = text;

  for (guint i = 0; i < n && p != NULL; i++)
    {
      p = strchr (p, '\n');
      g_assert_nonnull (p);
      p++;
    }
  return g_strndup (text, p - text);
}

/* the same rows, measured on the thread (quickly, or slower than training so that rows queue
 * up behind the oldest), as measured inline */
static void
test_async_equals_inline (void)
{
  g_autoptr (GrokConfig) config = measured_config (200);
  g_autofree char *inline_rows = whole_run (config, TRUE, 0);
  g_autofree char *async_rows = whole_run (config, FALSE, 0);
  g_autofree char *slow_rows = whole_run (config, FALSE, 40);

  /* 21 rows and the header, with the measures' columns filled where they are due */
  g_auto (GStrv) lines = g_strsplit (inline_rows, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 23);
  g_assert_nonnull (strstr (inline_rows, "lmn"));
  g_assert_cmpstr (async_rows, ==, inline_rows);
  g_assert_cmpstr (slow_rows, ==, inline_rows);
}

static gint64
progress_step (GrokRun *run)
{
  GrokProgress progress;

  grok_run_get_progress (run, &progress);
  return progress.step;
}

/* stopped while rows wait for slow measures: the stop writes them all first */
static void
test_stop_writes_pending_rows (void)
{
  g_autoptr (GrokConfig) reference = measured_config (200);
  g_autoptr (GrokConfig) config = measured_config (1000000);
  g_autofree char *inline_rows = whole_run (reference, TRUE, 0);
  const char *root = test_tmp_dir ("grok-measures-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  g_autoptr (GrokRun) run = new_run (config, dir, FALSE, 40);
  g_autoptr (GrokSnapshot) last = NULL;
  g_autoptr (GrokMetrics) m = NULL;
  g_autofree char *rows = NULL, *head = NULL;
  guint n;

  grok_run_start (run);
  WAIT_UNTIL (progress_step (run) >= 100, "step 100");
  grok_run_stop (run);
  g_assert_cmpint (grok_run_get_state (run), ==, GROK_RUN_STOPPED);
  last = grok_run_dup_snapshot (run);
  m = check_rows (dir);
  /* a row for every evaluation up to the step the run stopped at */
  g_assert_cmpuint (m->n_rows, ==, last->train_step / EVAL_EVERY + 1);
  g_assert_cmpuint (last->metrics->n_rows, ==, m->n_rows);
  /* and the rows up to step 190 are those of the inline run (whose step 200 is its last, with
   * every measure) */
  n = MIN (m->n_rows, 200 / EVAL_EVERY);
  rows = metrics_without_wall (dir);
  head = head_lines (rows, n + 1);
  g_assert_true (g_str_has_prefix (inline_rows, head));
}

/* the newest intact checkpoint's step, -1 for none */
static gint64
newest_checkpoint (const char *dir)
{
  g_autoptr (GArray) steps = grok_checkpoints_list (dir, NULL);

  return steps != NULL && steps->len > 0 ? g_array_index (steps, gint64, steps->len - 1) : -1;
}

/* the step of metrics.csv's last whole row, -1 for none */
static gint64
last_row (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autoptr (GrokMetricsRead) read = grok_metrics_read (path, NULL);

  if (read == NULL || read->metrics->n_rows == 0)
    return -1;
  return (gint64) grok_metrics_get (read->metrics, read->metrics->n_rows - 1, GROK_COL_STEP);
}

/* SIGKILL while rows wait for their measures behind a newer checkpoint: metrics.csv stays whole
 * and in order, missing those rows, and continuing the folder computes them again, giving the
 * rows of a run that was never killed */
static void
test_killed_run_continues (void)
{
  const gint64 total = 400;
  g_autoptr (GrokConfig) config = measured_config (1000000);
  g_autoptr (GrokConfig) reference = measured_config (total);
  const char *root = test_tmp_dir ("grok-measures-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  g_autofree char *want = NULL, *got = NULL;
  g_autoptr (GrokMetrics) m = NULL;
  g_autoptr (GrokRun) again = NULL;
  g_autoptr (GError) error = NULL;
  gint64 newest, row;
  int status;
  pid_t pid;

  /* the child trains with slow measures (they fall behind the checkpoints) until killed */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GrokRun *run = new_run (config, dir, FALSE, 100);
      grok_run_start (run);
      for (;;)
        {
          if (getppid () == 1)
            _exit (1);
          g_usleep (100 * 1000);
        }
    }
  /* killed once a checkpoint is written past the last row, with some rows written */
  WAIT_UNTIL ((row = last_row (dir)) >= EVAL_EVERY && (newest = newest_checkpoint (dir)) > row &&
              newest < total,
              "a checkpoint past the rows written");
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));

  m = check_rows (dir);
  g_assert_cmpint (newest_checkpoint (dir), >, (gint64) grok_metrics_get (m, m->n_rows - 1, GROK_COL_STEP));

  again = grok_run_new_continue (dir, total, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (again), ==, GROK_RUN_FINISHED);
  g_clear_object (&again);
  g_clear_pointer (&m, grok_metrics_unref);
  m = check_rows (dir);
  g_assert_cmpuint (m->n_rows, ==, total / EVAL_EVERY + 1);
  want = whole_run (reference, TRUE, 0);
  got = metrics_without_wall (dir);
  g_assert_cmpstr (got, ==, want);
}

/* rows lost after a checkpoint (as a kill leaves them): a fork from that checkpoint would start
 * with a gap of evaluations, and is refused saying so; from a checkpoint the rows reach, or
 * with only the row of its own step missing, it goes ahead */
static void
test_fork_past_rows (void)
{
  g_autoptr (GrokConfig) config = measured_config (60);
  const char *root = test_tmp_dir ("grok-measures-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *refused = g_build_filename (root, "refused", NULL);
  g_autofree char *allowed = g_build_filename (root, "allowed", NULL);
  g_autofree char *at_step = g_build_filename (root, "at-step", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GrokRun) run = new_run (config, dir, TRUE, 0);
  g_autoptr (GrokRun) fork_run = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GString *cut = g_string_new (NULL);

  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  /* keep the header and the rows of steps 0 .. 20: the checkpoints at 30 .. 60 lie past them */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; i < 4; i++)
    g_string_append_printf (cut, "%s\n", lines[i]);
  g_assert_true (g_str_has_prefix (lines[3], "20,"));
  g_assert_true (g_file_set_contents (path, cut->str, -1, NULL));
  g_string_free (cut, TRUE);

  fork_run = grok_run_new_fork (dir, 40, config, refused, FALSE, &error);
  g_assert_null (fork_run);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "metrics.csv ends at step 20, before the checkpoint "
                                            "at step 40"));
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  fork_run = grok_run_new_fork (dir, 20, config, allowed, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fork_run);
  g_clear_object (&fork_run);
  fork_run = grok_run_new_fork (dir, 30, config, at_step, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fork_run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* first, while this process has no thread but its own: the child of a fork gets one */
  g_test_add_func ("/engine/run/measures/killed-run-continues", test_killed_run_continues);
  g_test_add_func ("/engine/run/measures/async-equals-inline", test_async_equals_inline);
  g_test_add_func ("/engine/run/measures/stop-writes-pending-rows", test_stop_writes_pending_rows);
  g_test_add_func ("/engine/run/measures/fork-past-rows", test_fork_past_rows);
  return g_test_run ();
}
