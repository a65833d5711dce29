/* Reopening run folders: damaged files are named and skipped, the rest opens and continues;
 * the checkpoint cap thins evenly; divergence stops the run and keeps the last good checkpoint. */
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-run-dir.h"
#include "run-helpers.h"

static char *tmp_root;

/* a finished 60-step run with rows every 10 steps and a checkpoint every 20 */
static char *
make_run (const char *name)
{
  g_autoptr (GrokConfig) config = small_config (60, 10);
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;

  config->checkpoints.every = 20;
  config->checkpoints.per_decade = 0;
  run = grok_run_new (config, dir, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return g_steal_pointer (&dir);
}

static void
assert_problem_names (GrokRunDir *dir, const char *file)
{
  const char * const *problems = grok_run_dir_get_problems (dir);

  g_assert_nonnull (problems[0]);
  g_assert_nonnull (strstr (problems[0], file));
}

static void
set_contents (const char *path, const char *text, gssize length)
{
  g_assert_true (g_file_set_contents (path, text, length, NULL));
}

/* a clean folder opens with every row and checkpoint and no problem */
static void
test_clean_open (void)
{
  g_autofree char *path = make_run ("clean");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
  GArray *steps;

  g_assert_no_error (error);
  g_assert_null (grok_run_dir_get_problems (dir)[0]);
  g_assert_cmpuint (grok_run_dir_get_metrics (dir)->n_rows, ==, 7);
  steps = grok_run_dir_get_checkpoints (dir);
  g_assert_cmpuint (steps->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (g_array_index (steps, gint64, i), ==, 20 * i);
}

/* a row cut short, then a garbage row: every other row is kept, the file and line are named,
 * and continuing, which would rewrite the file without the garbage line, is refused with the
 * file left as it was */
static void
test_damaged_metrics (void)
{
  g_autofree char *path = make_run ("metrics");
  g_autofree char *csv = g_build_filename (path, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (csv, &text, &length, NULL));
  /* cut the last row in half */
  set_contents (csv, text, length - 10);
  {
    g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (grok_run_dir_get_metrics (dir)->n_rows, ==, 6);
    assert_problem_names (dir, "metrics.csv");
  }
  /* garbage in the fourth row (line 5) */
  {
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    g_autofree char *joined = NULL;
    g_free (lines[4]);
    lines[4] = g_strdup ("30,5,x,1,2,3,4,5");
    joined = g_strjoinv ("\n", lines);
    set_contents (csv, joined, -1);
  }
  {
    g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (grok_run_dir_get_metrics (dir)->n_rows, ==, 6);
    assert_problem_names (dir, "metrics.csv:5");
  }
  {
    g_autofree char *before = NULL, *after = NULL;
    g_autoptr (GrokRun) run = NULL;
    g_assert_true (g_file_get_contents (csv, &before, NULL, NULL));
    run = grok_run_new_continue (path, 200, &error);
    g_assert_null (run);
    g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "metrics.csv:5"));
    g_assert_true (g_file_get_contents (csv, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, before);
  }
}

/* a truncated checkpoint and one with a garbled header are skipped by name; continuing past
 * them is refused until they are moved aside, then it uses the newest intact one and gives the
 * rows of a run that never broke */
static void
test_damaged_checkpoints (void)
{
  g_autofree char *path = make_run ("ckpt");
  g_autofree char *reference = make_run ("ckpt-reference");
  g_autofree char *c60 = g_build_filename (path, "checkpoints", "step-00000060.safetensors", NULL);
  g_autofree char *c40 = g_build_filename (path, "checkpoints", "step-00000040.safetensors", NULL);
  g_autofree char *text = NULL, *ma = NULL, *mb = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (c60, &text, &length, NULL));
  set_contents (c60, text, length / 2);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (c40, &text, &length, NULL));
  memcpy (text + 8, "{\"x\":", 5);
  set_contents (c40, text, length);
  {
    g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
    const char * const *problems;
    g_assert_no_error (error);
    g_assert_cmpuint (grok_run_dir_get_checkpoints (dir)->len, ==, 2);
    problems = grok_run_dir_get_problems (dir);
    g_assert_nonnull (problems[0]);
    g_assert_nonnull (problems[1]);
    g_assert_null (problems[2]);
    g_assert_nonnull (strstr (problems[0], "step-00000040.safetensors"));
    g_assert_nonnull (strstr (problems[1], "step-00000060.safetensors"));
  }
  /* continuing past them would lose them: refused, naming both, and nothing is deleted */
  {
    g_autoptr (GrokRun) refused = grok_run_new_continue (path, 0, &error);
    g_assert_null (refused);
    g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "step-00000040.safetensors"));
    g_assert_nonnull (strstr (error->message, "step-00000060.safetensors"));
    g_assert_nonnull (strstr (error->message, "move those files out"));
    g_clear_error (&error);
    g_assert_true (g_file_test (c40, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (c60, G_FILE_TEST_IS_REGULAR));
  }
  /* moved aside as the message says, the run continues from the newest intact one */
  {
    g_autofree char *aside = g_strconcat (path, "-damaged", NULL);
    g_autofree char *a40 = g_build_filename (aside, "step-00000040.safetensors", NULL);
    g_autofree char *a60 = g_build_filename (aside, "step-00000060.safetensors", NULL);
    g_assert_cmpint (g_mkdir (aside, 0755), ==, 0);
    g_assert_cmpint (g_rename (c40, a40), ==, 0);
    g_assert_cmpint (g_rename (c60, a60), ==, 0);
  }
  {
    g_autoptr (GrokRun) run = grok_run_new_continue (path, 0, &error);
    g_autoptr (GrokSnapshot) first = NULL;
    g_assert_no_error (error);
    first = grok_run_dup_snapshot (run);
    g_assert_cmpint (first->train_step, ==, 20);
    g_assert_cmpuint (first->metrics->n_rows, ==, 3);
    g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  }
  ma = metrics_without_wall (path);
  mb = metrics_without_wall (reference);
  g_assert_cmpstr (ma, ==, mb);
}

/* a folder without a readable config.json does not open, and the message names the file */
static void
test_missing_config (void)
{
  g_autofree char *path = make_run ("noconfig");
  g_autofree char *config = g_build_filename (path, "config.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = NULL;

  set_contents (config, "{\"task\": ", -1);
  dir = grok_run_dir_open (path, &error);
  g_assert_null (dir);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "config.json"));
}

/* the thinning rule, checked against its definition by brute force: at each removal no other
 * interior choice leaves a smaller gap, and the ends survive */
static void
test_thinning (void)
{
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) doomed = NULL;
  g_autoptr (GArray) left = NULL;

  for (gint64 s = 0; s <= 100000; s++)
    if (grok_checkpoint_is_scheduled (s, 0, 10))
      g_array_append_val (steps, s);
  doomed = grok_checkpoints_to_thin (steps, 12);
  g_assert_cmpuint (steps->len - doomed->len, ==, 12);
  left = g_array_copy (steps);
  for (guint d = 0; d < doomed->len; d++)
    {
      gint64 gone = g_array_index (doomed, gint64, d);
      guint at = 0;
      double gap_of_gone = 0, smallest = INFINITY;
      for (guint i = 1; i + 1 < left->len; i++)
        {
          double gap = log (g_array_index (left, gint64, i + 1) + 1.0) -
                       log (g_array_index (left, gint64, i - 1) + 1.0);
          smallest = MIN (smallest, gap);
          if (g_array_index (left, gint64, i) == gone)
            at = i, gap_of_gone = gap;
        }
      g_assert_cmpuint (at, >, 0);
      /* relative tolerance for log() of nearby integers */
      g_assert_cmpfloat (gap_of_gone, <=, smallest * (1 + 1e-12));
      g_array_remove_index (left, at);
    }
  g_assert_cmpint (g_array_index (left, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (left, gint64, left->len - 1), ==, 100000);
  {
    g_autoptr (GArray) none = grok_checkpoints_to_thin (steps, 0);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* a run with a cap of 5 keeps 5 files, among them step 0 and the last step */
static void
test_cap_in_a_run (void)
{
  g_autoptr (GrokConfig) config = small_config (300, 50);
  g_autofree char *path = g_build_filename (tmp_root, "capped", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) steps = NULL;

  config->checkpoints.per_decade = 10;
  config->checkpoints.keep = 5;
  {
    g_autoptr (GrokRun) run = grok_run_new (config, path, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  }
  steps = grok_checkpoints_list (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 5);
  g_assert_cmpint (g_array_index (steps, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (steps, gint64, 4), ==, 300);
}

/* SGD with lr 10 on weights scaled by 10 overflows within a few steps: the run ends DIVERGED
 * with a message naming the step and what diverged, and its newest checkpoint is finite */
static void
test_divergence (void)
{
  g_autoptr (GrokConfig) config = small_config (200, 10);
  g_autofree char *path = g_build_filename (tmp_root, "diverged", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GArray) steps = NULL;
  g_autoptr (GrokParams) last = NULL;
  g_autofree char *last_path = NULL, *name = NULL;
  const char *message;
  gint64 newest;

  config->optim.kind = GROK_OPTIM_SGD;
  config->optim.lr = 10;
  config->model.init_scale = 10;
  config->checkpoints.per_decade = 0;
  config->checkpoints.every = 1;
  run = grok_run_new (config, path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_DIVERGED);
  message = grok_run_get_message (run);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "diverged at step "));
  g_assert_true (strstr (message, "loss") || strstr (message, "gradient") ||
                 strstr (message, "weights of '"));
  steps = grok_checkpoints_list (path, &error);
  g_assert_no_error (error);
  newest = g_array_index (steps, gint64, steps->len - 1);
  g_assert_cmpint (newest, <, 200);
  name = grok_checkpoint_filename (newest);
  last_path = g_build_filename (path, "checkpoints", name, NULL);
  last = grok_params_read (last_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (grok_params_all_finite (last));
  /* the step in the message is the first one after the newest checkpoint */
  {
    g_autofree char *expect = g_strdup_printf ("at step %" G_GINT64_FORMAT ":", newest + 1);
    g_assert_nonnull (strstr (message, expect));
  }
}

/* a checkpoint without __metadata__ breaks the rule: continuing past it is refused, naming it,
 * and the file stays as it was (it used to be deleted without a word) */
static void
test_no_metadata_kept (void)
{
  g_autofree char *path = make_run ("nometa");
  g_autofree char *c60 = g_build_filename (path, "checkpoints", "step-00000060.safetensors", NULL);
  g_autoptr (GrokParams) params = grok_params_read (c60, NULL, NULL);
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (params);
  g_assert_true (grok_params_write (c60, params, NULL, NULL));
  run = grok_run_new_continue (path, 80, &error);
  g_assert_null (run);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "step-00000060.safetensors"));
  g_assert_true (g_file_test (c60, G_FILE_TEST_IS_REGULAR));
}

/* the app's runs take the writer's lock too: while one run continues a folder, a second
 * continuation and a new run replacing it are refused, naming this process; reading works */
static void
test_one_writer_in_process (void)
{
  g_autofree char *path = make_run ("locked");
  g_autofree char *pid = g_strdup_printf ("process id %d", (int) getpid ());
  g_autoptr (GrokConfig) config = small_config (60, 10);
  g_autoptr (GrokRun) first = NULL;
  g_autoptr (GError) error = NULL;

  first = grok_run_new_continue (path, 80, &error);
  g_assert_no_error (error);
  {
    g_autoptr (GrokRun) second = grok_run_new_continue (path, 80, &error);
    g_assert_null (second);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, pid));
    g_assert_nonnull (strstr (error->message, path));
    g_clear_error (&error);
  }
  {
    g_autoptr (GrokRun) replacing = grok_run_new (config, path, TRUE, &error);
    g_autoptr (GrokRunDir) reader = NULL;
    g_assert_null (replacing);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, pid));
    g_clear_error (&error);
    reader = grok_run_dir_open (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (grok_run_dir_get_checkpoints (reader)->len, ==, 4);
  }
  g_clear_object (&first);
  {
    g_autoptr (GrokRun) after = grok_run_new_continue (path, 80, &error);
    g_assert_no_error (error);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("grok-rundir-XXXXXX", NULL);
  g_test_add_func ("/engine/run-dir/clean-open", test_clean_open);
  g_test_add_func ("/engine/run-dir/damaged-metrics", test_damaged_metrics);
  g_test_add_func ("/engine/run-dir/damaged-checkpoints", test_damaged_checkpoints);
  g_test_add_func ("/engine/run-dir/missing-config", test_missing_config);
  g_test_add_func ("/engine/run-dir/no-metadata-kept", test_no_metadata_kept);
  g_test_add_func ("/engine/run-dir/one-writer-in-process", test_one_writer_in_process);
  g_test_add_func ("/engine/run-dir/thinning", test_thinning);
  g_test_add_func ("/engine/run-dir/cap-in-a-run", test_cap_in_a_run);
  g_test_add_func ("/engine/run/divergence", test_divergence);
  status = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
