/* The same config is the same run: two default runs of an MLP preset and of demoss-add-ours,
 * each with its measures and views files on, trained while a CPU burner of the test's own keeps
 * a core busy, and the same runs at 1, 2 and 3 threads, give the same metrics.csv (wall time
 * aside), the same parameters and optimiser state at the last checkpoint, and the same views
 * file, bit for bit. */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "grok-model.h"
#include "run-helpers.h"

/* the burner dies with the test, also when the test aborts; it runs at the lowest priority, so
 * that it takes the cores the runs leave idle and preempts them often, but beside another busy
 * process (a test suite run beside a burner of its own) it does not starve them */
static void
burner_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  setpriority (PRIO_PROCESS, 0, 19);
}

/* a process that spins until killed, started before any run's threads */
static GPid
start_burner (void)
{
  const char *argv[] = { "/bin/sh", "-c", "while :; do :; done", NULL };
  g_autoptr (GError) error = NULL;
  GPid pid = 0;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                    G_SPAWN_STDERR_TO_DEV_NULL,
                                burner_setup, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

static void
stop_burner (GPid pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
}

/* a whole file; a views file holds no time of day, so its bytes are the comparison */
static GBytes *
file_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &text, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (text, length);
}

typedef struct
{
  char   *metrics;     /* without wall time */
  GBytes *checkpoint;  /* the last step's */
  GBytes *views;       /* the last step's views file, whole */
} RunResult;

static void
run_result_clear (RunResult *r)
{
  g_free (r->metrics);
  g_bytes_unref (r->checkpoint);
  g_clear_pointer (&r->views, g_bytes_unref);
}

static RunResult
train (const GrokConfig *base, gint64 threads, const char *name)
{
  g_autoptr (GrokConfig) config = grok_config_copy (base);
  const char *dir = test_tmp_dir ("grok-determinism-XXXXXX");
  g_autofree char *run_dir = g_build_filename (dir, name, NULL);
  g_autofree char *file = g_strdup_printf ("step-%08" G_GINT64_FORMAT ".safetensors",
                                           config->train.steps);
  g_autofree char *views = g_build_filename (run_dir, "views", file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;
  RunResult r = { 0 };

  config->train.threads = threads;
  run = grok_run_new (config, run_dir, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  g_clear_object (&run);
  r.metrics = metrics_without_wall (run_dir);
  r.checkpoint = checkpoint_values (run_dir, config->train.steps);
  /* the last checkpoint of a finished run always has its views file */
  g_assert_true (g_file_test (views, G_FILE_TEST_IS_REGULAR));
  r.views = file_bytes (views);
  return r;
}

static void
assert_same_run (const RunResult *a, const RunResult *b, const char *what)
{
  g_test_message ("comparing %s", what);
  g_assert_cmpstr (a->metrics, ==, b->metrics);
  g_assert_true (g_bytes_equal (a->checkpoint, b->checkpoint));
  g_assert_true (g_bytes_equal (a->views, b->views));
}

/* two default runs beside the burner, then 1, 2 and 3 threads */
static void
check_thread_counts (GrokConfig *config)
{
  RunResult first, second, counts[3];
  int n_counts = 3;
  GPid burner;

#ifdef __SANITIZE_THREAD__
  /* the complexity search's workers are a GLib thread pool, whose locks are futexes that
   * ThreadSanitizer cannot see; its answer at any thread count is /engine/complexity's to check.
   * Fewer steps and checkpoints (so fewer views files), and no third thread count: at
   * ThreadSanitizer's pace beside a busy process the whole would take over twenty minutes. */
  config->measures.complexity_per_decade = 0;
  config->train.steps = 12;
  config->checkpoints.per_decade = 1;
  n_counts = 2;
#endif
  burner = start_burner ();

  first = train (config, 0, "default-1");
  second = train (config, 0, "default-2");
  for (int t = 0; t < n_counts; t++)
    counts[t] = train (config, t + 1, "threads");
  stop_burner (burner);

  assert_same_run (&first, &second, "two default runs");
  for (int t = 0; t < n_counts; t++)
    {
      g_autofree char *what = g_strdup_printf ("the default run and %d threads", t + 1);
      assert_same_run (&first, &counts[t], what);
    }
  run_result_clear (&first);
  run_result_clear (&second);
  for (int t = 0; t < n_counts; t++)
    run_result_clear (&counts[t]);
}

/* quick as the app and the CLI train it, shorter; its full batch is cut into several blocks,
 * so 2 and 3 threads really split it */
static void
test_mlp_preset (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  GrokDataset shape;

  g_assert_nonnull (config);
  config->train.steps = 40;
  grok_dataset_shape (&config->task, &shape);
  g_assert_cmpint (grok_model_blocks ((int) grok_config_batch_size (config, shape.n_train)), >=, 3);
  check_thread_counts (config);
}

/* demoss-add-ours (transformer, weight noise, spectral-entropy penalty on its own thread,
 * minibatches) made small */
static void
test_transformer_preset (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("demoss-add-ours", NULL);
  const char * const sets[] = { "task.p=23", "model.d_model=32", "model.n_heads=4",
                                "model.d_mlp=48", "train.steps=30", "train.eval_every=10" };

  g_assert_nonnull (config);
  for (gsize i = 0; i < G_N_ELEMENTS (sets); i++)
    g_assert_true (grok_config_set (config, sets[i], NULL));
  check_thread_counts (config);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run/determinism/mlp-preset", test_mlp_preset);
  g_test_add_func ("/run/determinism/transformer-preset", test_transformer_preset);
  return g_test_run ();
}
