/* Exact continuation: a run stopped and continued, or forked with unchanged settings, writes the
 * same metrics and reaches the same weights as one that never stopped. The reference is always
 * an uninterrupted run of the same config, computed here, never numbers from the code. */
#include <glib/gstdio.h>
#include <math.h>

#include "grok-config-settings.h"
#include "grok-measures.h"
#include "grok-trainer.h"
#include "run-helpers.h"
#include "wait-helpers.h"

static char *tmp_root;

static char *
fresh_dir (const char *name)
{
  return g_build_filename (tmp_root, name, NULL);
}

static void
train_folder (const GrokConfig *config, const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = grok_run_new (config, dir, TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
}

static void
continue_folder (const char *dir, gint64 steps)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = grok_run_new_continue (dir, steps, &error);

  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
}

/* 2N steps in one go equal N steps, then a continuation to 2N; N = 50 is mid-epoch (six
 * minibatches per epoch), so the order and the RNG must come back exactly */
static void
test_two_n_equals_n_plus_n (void)
{
  const gint64 N = 50;
  g_autoptr (GrokConfig) whole = small_config (2 * N, 10);
  g_autoptr (GrokConfig) half = small_config (N, 10);
  g_autofree char *a = fresh_dir ("whole"), *b = fresh_dir ("halves");
  g_autofree char *ma = NULL, *mb = NULL;
  g_autoptr (GBytes) wa = NULL, wb = NULL;

  train_folder (whole, a);
  train_folder (half, b);
  continue_folder (b, 2 * N);
  /* every row: header + steps 0, 10, ..., 100 */
  {
    g_auto (GStrv) lines = NULL;
    ma = metrics_without_wall (a);
    lines = g_strsplit (ma, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 11 + 1);
  }
  /* the same numbers, but for the measures the first half took at its last step, N, which is
   * no scheduled point of the whole run's */
  {
    g_autofree char *pa = g_build_filename (a, "metrics.csv", NULL);
    g_autofree char *pb = g_build_filename (b, "metrics.csv", NULL);
    g_autoptr (GrokMetrics) whole_rows = grok_metrics_load_csv (pa, NULL);
    g_autoptr (GrokMetrics) halves_rows = grok_metrics_load_csv (pb, NULL);
    int wall = grok_metrics_column_index (whole_rows, "wall_seconds");
    int entropy = grok_metrics_column_index (whole_rows, "spectral_entropy_mean");
    guint extra = 0;

    g_assert_cmpuint (whole_rows->n_rows, ==, halves_rows->n_rows);
    for (guint r = 0; r < whole_rows->n_rows; r++)
      for (guint col = 0; col < grok_metrics_n_columns (whole_rows); col++)
        {
          double x = grok_metrics_get (whole_rows, r, col), y = grok_metrics_get (halves_rows, r, col);
          if ((int) col == wall || (isnan (x) && isnan (y)) || x == y)
            continue;
          g_assert_cmpfloat (grok_metrics_get (whole_rows, r, 0), ==, N);
          g_assert_true (isnan (x) && isfinite (y));
          extra++;
        }
    g_assert_cmpuint (extra, >, 0);
    g_assert_true (isnan (grok_metrics_get (whole_rows, 5, entropy)));
    g_assert_true (isfinite (grok_metrics_get (halves_rows, 5, entropy)));
  }
  /* parameters, moments and order at the end, bit for bit */
  wa = checkpoint_values (a, 2 * N);
  wb = checkpoint_values (b, 2 * N);
  g_assert_true (g_bytes_equal (wa, wb));
}

/* every measure the config turns on has a value in the last row of dir's metrics.csv, which is
 * at step last */
static void
assert_last_row_measured (const char *dir, const GrokConfig *config, gint64 last)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autoptr (GrokMetrics) rows = grok_metrics_load_csv (path, NULL);
  guint n_enabled = 0;

  g_assert_nonnull (rows);
  g_assert_cmpfloat (grok_metrics_get (rows, rows->n_rows - 1, GROK_COL_STEP), ==, last);
  for (guint m = 0; m < GROK_N_MEASURES; m++)
    {
      const char * const *columns = grok_measure_kind (m)->columns;

      if (!grok_config_measure_enabled (config, m))
        continue;
      n_enabled++;
      for (guint c = 0; columns[c] != NULL; c++)
        {
          int col = grok_metrics_column_index (rows, columns[c]);

          g_assert_cmpint (col, >=, 0);
          if (!isfinite (grok_metrics_get (rows, rows->n_rows - 1, col)))
            g_error ("%s: no %s at step %" G_GINT64_FORMAT, dir, columns[c], last);
        }
    }
  g_assert_cmpuint (n_enabled, >, 0);
}

/* a run's last step gets every measure it schedules, though no scheduled point lies between
 * it and the row before: (20, 23] holds none of the spectrum's log points (16, 25); and so
 * does the last step of a continued run, 27 */
static void
test_last_step_measured (void)
{
  g_autoptr (GrokConfig) config = small_config (23, 10);
  g_autoptr (GrokConfig) longer = small_config (27, 10);
  g_autofree char *a = fresh_dir ("last-step");
  g_autofree char *path = g_build_filename (a, "metrics.csv", NULL);
  g_autoptr (GrokMetrics) rows = NULL;

  train_folder (config, a);
  rows = grok_metrics_load_csv (path, NULL);
  g_assert_cmpuint (rows->n_rows, ==, 4);   /* 0, 10, 20, 23 */
  assert_last_row_measured (a, config, 23);
  continue_folder (a, 27);
  assert_last_row_measured (a, longer, 27);
}

/* stopped at whatever step the thread reached, then continued: the same as never stopping */
static void
test_stop_anywhere_then_continue (void)
{
  g_autoptr (GrokConfig) endless = small_config (1000000, 10);
  g_autofree char *a = fresh_dir ("stopped"), *b = fresh_dir ("straight");
  g_autoptr (GrokConfig) reference = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSnapshot) snap = NULL;
  g_autofree char *ma = NULL, *mb = NULL;
  g_autoptr (GBytes) wa = NULL, wb = NULL;
  GrokProgress progress;
  gint64 stopped_at, target;

  {
    g_autoptr (GrokRun) run = grok_run_new (endless, a, TRUE, &error);
    g_assert_no_error (error);
    grok_run_start (run);
    /* at least one step, and then wherever the thread happens to be */
    WAIT_UNTIL ((grok_run_get_progress (run, &progress), progress.step > 0),
                "the run's first step");
    grok_run_stop (run);
    snap = grok_run_dup_snapshot (run);
    while (g_main_context_pending (NULL))
      g_main_context_iteration (NULL, FALSE);
  }
  stopped_at = snap->train_step;
  g_assert_cmpint (stopped_at, >, 0);
  target = stopped_at + 23;
  continue_folder (a, target);

  reference = small_config (target, 10);
  train_folder (reference, b);
  ma = metrics_without_wall (a);
  mb = metrics_without_wall (b);
  g_assert_cmpstr (ma, ==, mb);
  wa = checkpoint_values (a, target);
  wb = checkpoint_values (b, target);
  g_assert_true (g_bytes_equal (wa, wb));
}

/* a fork at N with unchanged settings continues exactly like its parent; one with another
 * weight decay does not, and both record where they came from */
static void
test_fork_continues_like_parent (void)
{
  const gint64 N = 40;
  g_autoptr (GrokConfig) config = small_config (2 * N, 10);
  g_autoptr (GrokConfig) changed = NULL;
  g_autofree char *p = fresh_dir ("parent"), *f = fresh_dir ("fork"), *g = fresh_dir ("fork-wd");
  g_autofree char *mp = NULL, *mf = NULL, *mg = NULL, *config_path = NULL;
  g_autoptr (GrokConfig) recorded = NULL;
  g_autoptr (GBytes) wp = NULL, wf = NULL;
  g_autoptr (GError) error = NULL;

  config->checkpoints.every = N;
  train_folder (config, p);
  {
    g_autoptr (GrokRun) fork = grok_run_new_fork (p, N, config, f, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_to_end (fork), ==, GROK_RUN_FINISHED);
  }
  mp = metrics_without_wall (p);
  mf = metrics_without_wall (f);
  g_assert_cmpstr (mp, ==, mf);
  wp = checkpoint_values (p, 2 * N);
  wf = checkpoint_values (f, 2 * N);
  g_assert_true (g_bytes_equal (wp, wf));

  config_path = g_build_filename (f, "config.json", NULL);
  recorded = grok_config_load_file (config_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (recorded->run.parent_step, ==, N);
  g_assert_true (g_str_has_suffix (recorded->run.parent, "/parent"));
  g_assert_true (g_path_is_absolute (recorded->run.parent));

  changed = grok_config_copy (config);
  changed->optim.weight_decay = 2.0;
  {
    g_autoptr (GrokRun) fork = grok_run_new_fork (p, N, changed, g, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_to_end (fork), ==, GROK_RUN_FINISHED);
  }
  mg = metrics_without_wall (g);
  /* the rows up to N are the parent's, those after differ */
  g_assert_true (strncmp (mp, mg, strstr (mp, "\n50,") - mp) == 0);
  g_assert_cmpstr (mp, !=, mg);
}

/* forking at a step without a checkpoint names the step */
static void
test_fork_needs_checkpoint (void)
{
  g_autoptr (GrokConfig) config = small_config (20, 10);
  g_autofree char *p = fresh_dir ("parent2"), *f = fresh_dir ("fork2");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) fork = NULL;

  config->checkpoints.per_decade = 0;
  train_folder (config, p);
  fork = grok_run_new_fork (p, 7, config, f, TRUE, &error);
  g_assert_null (fork);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "step 7"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("grok-resume-XXXXXX", NULL);
  g_test_add_func ("/engine/run/two-n-equals-n-plus-n", test_two_n_equals_n_plus_n);
  g_test_add_func ("/engine/run/stop-anywhere-then-continue", test_stop_anywhere_then_continue);
  g_test_add_func ("/engine/run/last-step-measured", test_last_step_measured);
  g_test_add_func ("/engine/run/fork-continues-like-parent", test_fork_continues_like_parent);
  g_test_add_func ("/engine/run/fork-needs-checkpoint", test_fork_needs_checkpoint);
  status = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
