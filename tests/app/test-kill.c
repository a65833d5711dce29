/* Crash safety: grokscope-cli trains (or continues) a run and is killed with SIGKILL at random
 * moments; after every kill the folder must reopen whole. The random delays come from the
 * test's seed (printed at the start; --seed repeats a failure). */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "grok-checkpoints.h"
#include "grok-run-dir.h"
#include "grok-trainer.h"
#include "grok-views.h"
#include "run-helpers.h"
#include "wait-helpers.h"

#define EVAL_EVERY 3

static const char *cli;

static GPid
spawn (const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GPid pid;

  g_ptr_array_add (argv, (char *) cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

/* every row parses (read by the metrics module's own strict reader), and the rows are the
 * evaluations 0, 3, 6, ... in order with none missing, up to at least the oldest checkpoint
 * (step 0's row is written before its checkpoint). Rows whose measures were still being
 * computed when the process was killed are missing after newer checkpoints: a resume continues
 * from the newest checkpoint that has its rows. */
static void
check_metrics (const char *dir, gint64 oldest)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) m = grok_metrics_load_csv (path, &error);

  g_assert_no_error (error);
  for (guint r = 0; r < m->n_rows; r++)
    g_assert_cmpfloat (grok_metrics_get (m, r, GROK_COL_STEP), ==, (double) r * EVAL_EVERY);
  g_assert_cmpint ((gint64) m->n_rows * EVAL_EVERY, >, oldest);
}

/* every checkpoint file name that is not a temporary one loads into a trainer; returns the
 * oldest one's step, -1 for none */
static gint64
check_checkpoints (const char *dir, const GrokConfig *config)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) steps = grok_checkpoints_list (dir, &error);
  g_autoptr (GrokTrainer) trainer = grok_trainer_new (config, &error);
  g_autofree char *sub = g_build_filename (dir, "checkpoints", NULL);
  g_autoptr (GDir) listing = g_dir_open (sub, 0, NULL);
  const char *name;
  guint n_names = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < steps->len; i++)
    {
      g_autofree char *file = grok_checkpoint_filename (g_array_index (steps, gint64, i));
      g_autofree char *path = g_build_filename (sub, file, NULL);
      grok_trainer_load (trainer, path, &error);
      g_assert_no_error (error);
    }
  /* anything else in the folder is a temporary file (a dot name), never taken for data */
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (name[0] != '.')
      n_names++;
  g_assert_cmpuint (n_names, ==, steps->len);
  return steps->len > 0 ? g_array_index (steps, gint64, 0) : -1;
}

/* every views file (written by a worker thread, killed at any point of it too) reads back whole;
 * anything else there is a temporary file (a dot name) */
static guint views_read;

static guint
check_views (const char *dir)
{
  guint n = 0;

  g_autofree char *sub = g_build_filename (dir, "views", NULL);
  g_autoptr (GDir) listing = g_dir_open (sub, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (sub, name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokViews) views = NULL;

      if (name[0] == '.')
        continue;
      views = grok_views_read (path, &error);
      g_assert_no_error (error);
      n++;
    }
  return n;
}

/* the folder after a kill; FALSE when the run had not yet got as far as a checkpoint */
static gboolean
check_folder (const char *dir)
{
  g_autofree char *config_path = g_build_filename (dir, "config.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokRunDir) opened = NULL;
  gint64 oldest;

  if (!g_file_test (config_path, G_FILE_TEST_EXISTS))
    return FALSE;
  config = grok_config_load_file (config_path, &error);
  g_assert_no_error (error);
  oldest = check_checkpoints (dir, config);
  check_metrics (dir, oldest);
  views_read += check_views (dir);
  opened = grok_run_dir_open (dir, &error);
  g_assert_no_error (error);
  /* a killed process leaves no damaged file, with one exception the kernel makes: a write that
   * crosses a page of the file can be cut short by SIGKILL between the pages, so the last line
   * of metrics.csv may be a fragment. The folder still opens, the fragment is reported by name
   * and ignored, and continuing drops it (the next trial continues this folder). */
  for (const char * const *p = grok_run_dir_get_problems (opened); *p != NULL; p++)
    if (strstr (*p, "metrics.csv:") == NULL || strstr (*p, "the last line is incomplete") == NULL)
      g_error ("%s", *p);
  return oldest >= 0;
}

/* a run in dir has written a checkpoint */
static gboolean
has_checkpoint (const char *dir)
{
  g_autofree char *sub = g_build_filename (dir, "checkpoints", NULL);
  g_autoptr (GDir) listing = g_dir_open (sub, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".safetensors") && name[0] != '.')
      return TRUE;
  return FALSE;
}

static gboolean
has_views_file (const char *dir)
{
  g_autofree char *sub = g_build_filename (dir, "views", NULL);
  g_autoptr (GDir) listing = g_dir_open (sub, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (name[0] != '.')
      return TRUE;
  return FALSE;
}

/* metrics.csv has a row after step 0's: the run is training */
static gboolean
has_trained (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  guint lines = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n';
  return lines >= 3;
}

/* waits until ready (dir) holds for the run the process pid writes in dir; when the process
 * ends first, or the deadline passes, the test fails saying what never came (and the process
 * is not left running) */
static void
wait_for_run (GPid pid, gboolean (*ready) (const char *dir), const char *dir, const char *what)
{
  gint64 deadline = wait_deadline ();
  int status;

  while (!ready (dir))
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        g_error ("grokscope-cli ended (status %d) before %s in %s", status, what, dir);
      if (g_get_monotonic_time () > deadline)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          g_error ("gave up after %d s waiting for %s in %s", WAIT_DEADLINE_S, what, dir);
        }
      g_usleep (20 * 1000);
    }
}

static void
test_kill_anywhere (void)
{
  const char *root = test_tmp_dir ("grok-kill-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  const char *train[] = { "train", "liu-add31", "--out", dir, "--force", "--quiet",
                          "--steps", "100000000", "--set", "train.batch_size=128",
                          "--set", "train.eval_every=3", "--set", "checkpoints.every=7",
                          "--set", "checkpoints.keep=12", "--set", "train.threads=1",
                          "--set", "measures.complexity_per_decade=0",
                          "--set", "measures.lmn_per_decade=0",
                          "--set", "measures.local_complexity_per_decade=0", NULL };
  const char *resume[] = { "resume", dir, "--quiet", NULL };
  int trials = g_test_slow () ? 400 : 50, resumed = 0;
  gboolean can_resume = FALSE;
  /* a fresh run killed before its first checkpoint leaves nothing to continue: on a slow or
   * busy machine (sanitizers) the next fresh run is given until its first checkpoint exists
   * before the kill window starts */
  gboolean wait_first = FALSE;

  for (int t = 0; t < trials; t++)
    {
      /* mostly continue the same folder (a crash while continuing must be safe too), now and
       * then start afresh so that early deaths are tried as well */
      gboolean fresh = !can_resume || g_test_rand_int_range (0, 4) == 0;
      GPid pid;
      int status;

      /* a fresh start gets an empty folder: a run killed while making its folder leaves one
       * that --force rightly refuses to replace, as it cannot tell it is a run */
      if (fresh)
        remove_tree (dir);
      pid = spawn (fresh ? train : resume);

      resumed += !fresh;
      if (fresh && wait_first)
        wait_for_run (pid, has_checkpoint, dir, "a first checkpoint");
      g_usleep (g_test_rand_int_range (0, 150 * 1000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      can_resume = check_folder (dir);
      wait_first = fresh && !can_resume;
    }
  g_test_message ("%d kill trials, %d of them while continuing", trials, resumed);
  g_assert_cmpint (resumed, >, 0);
}

/* views files are written by a worker thread while training goes on: killed at any point of
 * that, a folder holds whole views files only. xor2d-relu's take about 0.1 s, so kills up to
 * 0.7 s in catch runs that have written some and runs in the middle of writing one. */
static void
test_kill_views (void)
{
  const char *root = test_tmp_dir ("grok-kill-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  const char *train[] = { "train", "xor2d-relu", "--out", dir, "--force", "--quiet",
                          "--steps", "100000000", "--set", "train.eval_every=3",
                          "--set", "checkpoints.every=20",
                          "--set", "checkpoints.keep=6", "--set", "train.threads=1",
                          "--set", "measures.complexity_per_decade=0",
                          "--set", "measures.lmn_per_decade=0",
                          "--set", "measures.regions_per_decade=0",
                          "--set", "measures.local_complexity_per_decade=0", NULL };
  int trials = g_test_slow () ? 60 : 8;

  views_read = 0;
  for (int t = 0; t <= trials; t++)
    {
      GPid pid = spawn (train);
      int status;

      g_usleep (g_test_rand_int_range (150 * 1000, 700 * 1000));
      /* the last trial waits for a first views file, however slow the machine (sanitizers,
       * load), so that the check below always has files to read */
      if (t == trials)
        wait_for_run (pid, has_views_file, dir, "a first views file");
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      check_folder (dir);
    }
  g_test_message ("%d kill trials, %u views files read back whole", trials + 1, views_read);
  g_assert_cmpuint (views_read, >, 0);
}

/* Ctrl-C: the CLI stops after the step in flight, writes a checkpoint there, says how to
 * continue and exits 130; the folder then continues */
static void
test_interrupt (void)
{
  const char *root = test_tmp_dir ("grok-int-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  const char *train[] = { "train", "liu-add31", "--out", dir, "--quiet", "--steps", "100000000",
                          "--set", "train.threads=1", "--set", "checkpoints.per_decade=0",
                          "--set", "measures.complexity_per_decade=0",
                          "--set", "measures.lmn_per_decade=0",
                          "--set", "measures.local_complexity_per_decade=0", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) steps = NULL;
  g_autoptr (GrokRun) run = NULL;
  GPid pid = spawn (train);
  int status;

  /* interrupted while training: past step 0, with the signal handler long in place */
  wait_for_run (pid, has_trained, dir, "a row of metrics.csv after step 0");
  kill (pid, SIGINT);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  /* step 0 and the step reached: no other checkpoints are scheduled */
  steps = grok_checkpoints_list (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 2);
  g_assert_cmpint (g_array_index (steps, gint64, 1), >, 0);
  run = grok_run_new_continue (dir, g_array_index (steps, gint64, 1) + 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli = g_getenv ("GROK_CLI");
  if (cli == NULL)
    {
      g_test_skip ("GROK_CLI is not set (run through meson test)");
      return g_test_run ();
    }
  g_test_add_func ("/engine/run/kill-anywhere", test_kill_anywhere);
  g_test_add_func ("/engine/run/kill-views", test_kill_views);
  g_test_add_func ("/app/cli/interrupt-then-resume", test_interrupt);
  return g_test_run ();
}
