/* grokscope-cli sweep COMMAND: the sweep commands, each a row of the table at the end, read by
 * the same option parser as the other commands. A sweep's cells train in processes of their
 * own, started by GNU parallel or by Slurm, never by a scheduler of ours: `sweep cell` is what
 * each of them runs. */
#include "grok-cli-sweep-private.h"

#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grok-cli-options.h"
#include "grok-error.h"
#include "grok-run-dir.h"
#include "grok-run.h"
#include "grok-sweep.h"

int
grok_cli_sweep_fail (const GError *error)
{
  fprintf (stderr, "grokscope-cli: %s\n", error->message);
  return g_error_matches (error, GROK_ERROR, GROK_ERROR_CANCELLED) ? 130 : 1;
}

int
grok_cli_sweep_fail_text (const char *message)
{
  fprintf (stderr, "grokscope-cli: %s\n", message);
  return 1;
}

static int
cmd_presets (const GrokCliArgs *a)
{
  g_auto (GStrv) names = grok_sweep_presets_list ();
  int width = 0;

  for (int i = 0; names[i] != NULL; i++)
    width = MAX (width, (int) strlen (names[i]));
  for (int i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokSweep) sweep = grok_sweep_load (names[i], &error);
      if (sweep == NULL)
        return grok_cli_sweep_fail (error);
      printf ("%-*s  %u cells  %s\n", width, names[i], grok_sweep_n_cells (sweep),
              grok_sweep_get_description (sweep));
    }
  return 0;
}

static int
cmd_plan (const GrokCliArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_load (a->args[0], &error);

  if (sweep == NULL || !grok_sweep_plan (sweep, a->out, &error))
    return grok_cli_sweep_fail (error);
  if (!a->quiet)
    printf ("%s: %u cells planned in %s (cells.csv lists them); train them with\n"
            "  grokscope-cli sweep run %s --jobs N      (GNU parallel, on this machine)\n"
            "  grokscope-cli sweep slurm %s             (a Slurm job array)\n",
            grok_sweep_get_name (sweep), grok_sweep_n_cells (sweep), a->out, a->out, a->out);
  return 0;
}

/* the cell number an argument names, or an error */
static gboolean
parse_cell (GrokSweep *sweep, const char *text, guint *cell, GError **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, grok_sweep_n_cells (sweep) - 1, &value, NULL))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "CELL must be a whole number from 0 "
                   "to %u (the sweep has %u cells), not '%s'", grok_sweep_n_cells (sweep) - 1,
                   grok_sweep_n_cells (sweep), text);
      return FALSE;
    }
  *cell = (guint) value;
  return TRUE;
}

/* the trainer's threads a cell is given: --threads, else Slurm's cores per task (one when the
 * job did not ask for more), else -1: as planned */
static gint64
cell_threads (const GrokCliArgs *a)
{
  const char *slurm = g_getenv ("SLURM_CPUS_PER_TASK");
  guint64 n;

  if (a->given[GROK_CLI_OPT_THREADS])
    return a->threads;
  if (slurm != NULL && g_ascii_string_to_unsigned (slurm, 10, 1, 256, &n, NULL))
    return (gint64) n;
  if (g_getenv ("SLURM_JOB_ID") != NULL)
    return 1;
  return -1;
}

typedef struct
{
  GMainLoop *loop;
  GrokRun   *run;
  gboolean   interrupted;
} Drive;

static void
on_snapshot (GrokRun *run, GrokSnapshot *snap, Drive *d)
{
  if (snap->state == GROK_RUN_FINISHED || snap->state == GROK_RUN_STOPPED ||
      snap->state == GROK_RUN_DIVERGED || snap->state == GROK_RUN_FAILED)
    g_main_loop_quit (d->loop);
}

/* SIGINT, SIGTERM (Slurm's scancel, parallel's end): stop after the step in flight, which the
 * run writes as a checkpoint */
static gboolean
on_interrupt (gpointer data)
{
  Drive *d = data;

  d->interrupted = TRUE;
  grok_run_stop (d->run);
  return G_SOURCE_CONTINUE;
}

/* train run to its end; FALSE with the reason (GROK_ERROR_CANCELLED when interrupted) */
static gboolean
drive (GrokRun *run, GError **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GrokSnapshot) snap = NULL;
  Drive d = { loop, run, FALSE };
  guint sigint = g_unix_signal_add (SIGINT, on_interrupt, &d);
  guint sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &d);

  g_signal_connect (run, "snapshot", G_CALLBACK (on_snapshot), &d);
  grok_run_start (run);
  g_main_loop_run (loop);
  grok_run_stop (run);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handlers_disconnect_by_data (run, &d);
  snap = grok_run_dup_snapshot (run);
  if (snap->state == GROK_RUN_FINISHED)
    return TRUE;
  if (snap->state == GROK_RUN_STOPPED)
    g_set_error (error, GROK_ERROR, GROK_ERROR_CANCELLED, "interrupted at step %"
                 G_GINT64_FORMAT " (a checkpoint holds it; sweep run continues from there)",
                 snap->train_step);
  else
    g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED, "%s", grok_run_get_message (run));
  return FALSE;
}

/* the run of a cell: new when it has no checkpoint yet, else continued from its newest */
static GrokRun *
cell_run (GrokSweep *sweep, guint cell, gint64 threads, GError **error)
{
  g_autofree char *path = grok_sweep_cell_path (sweep, cell);
  g_autoptr (GrokRunDir) dir = NULL;
  GArray *steps;
  g_autoptr (GrokConfig) config = NULL;

  /* a cell begun again was stopped while its folder was made anew: the sweep has its config */
  if (grok_run_dir_is_half_made (path))
    {
      config = grok_sweep_cell_config (sweep, cell, error);
      if (config == NULL)
        return NULL;
      if (threads >= 0)
        config->train.threads = threads;
      return grok_run_new (config, path, TRUE, error);
    }
  dir = grok_run_dir_open (path, error);
  if (dir == NULL)
    return NULL;
  steps = grok_run_dir_list_checkpoints (dir);
  if (steps->len > 0)
    {
      g_clear_pointer (&dir, grok_run_dir_close);
      return grok_run_new_continue_threads (path, 0, threads, error);
    }
  config = grok_config_copy (grok_run_dir_get_config (dir));
  if (threads >= 0)
    config->train.threads = threads;
  g_clear_pointer (&dir, grok_run_dir_close);
  /* a run folder of this sweep that has not reached its first checkpoint: begin it again */
  return grok_run_new (config, path, TRUE, error);
}

static void
print_cell_result (GrokSweep *sweep, guint cell, const char *label)
{
  g_autofree char *path = grok_sweep_cell_path (sweep, cell);
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, NULL);
  const GrokMetrics *m = dir != NULL ? grok_run_dir_get_metrics (dir) : NULL;
  GrokRunFindings f;

  if (m == NULL || m->n_rows == 0)
    return;
  grok_run_findings (m, GROK_SWEEP_THETA, &f);
  printf ("cell %u (%s): finished at step %" G_GINT64_FORMAT "; train_acc %.4f, test_acc %.4f; "
          "memorised at step %" G_GINT64_FORMAT ", generalised at step %" G_GINT64_FORMAT "\n",
          cell, label, f.final_step,
          grok_metrics_get (m, m->n_rows - 1, grok_metrics_column_index (m, "train_acc")),
          grok_metrics_get (m, m->n_rows - 1, grok_metrics_column_index (m, "test_acc")),
          f.memorised_step, f.generalised_step);
}

static int
cmd_cell (const GrokCliArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_open (a->args[0], &error);
  g_autoptr (GrokRun) run = NULL;
  g_autofree char *path = NULL, *label = NULL;
  guint cell;

  if (sweep == NULL || !parse_cell (sweep, a->args[1], &cell, &error))
    return grok_cli_sweep_fail (error);
  path = grok_sweep_cell_path (sweep, cell);
  label = grok_sweep_cell_label (sweep, cell);
  if (grok_sweep_cell_status (sweep, cell, NULL) == GROK_SWEEP_FINISHED)
    {
      if (!a->quiet)
        printf ("cell %u (%s): finished already\n", cell, label);
      return 0;
    }
  if (!grok_sweep_clear_failure (sweep, cell, &error))
    return grok_cli_sweep_fail (error);
  run = cell_run (sweep, cell, cell_threads (a), &error);
  if (run != NULL && drive (run, &error))
    {
      if (!a->quiet)
        print_cell_result (sweep, cell, label);
      return 0;
    }
  g_prefix_error (&error, "cell %u (%s): ", cell, label);
  /* a cell another process trains is theirs; an interrupted one continues next time */
  if (!g_error_matches (error, GROK_ERROR, GROK_ERROR_CANCELLED) &&
      !g_error_matches (error, GROK_ERROR, GROK_ERROR_BUSY))
    {
      g_autoptr (GError) record = NULL;
      if (!grok_sweep_record_failure (sweep, cell, error->message, &record))
        fprintf (stderr, "grokscope-cli: %s\n", record->message);
    }
  return grok_cli_sweep_fail (error);
}

/* the cells of sweep with the given status, and of every other status */
static GArray *
cells_by_status (GrokSweep *sweep, guint counts[GROK_SWEEP_N_STATUS], gboolean unfinished)
{
  GArray *cells = g_array_new (FALSE, FALSE, sizeof (guint));

  memset (counts, 0, sizeof (guint) * GROK_SWEEP_N_STATUS);
  for (guint c = 0; c < grok_sweep_n_cells (sweep); c++)
    {
      GrokSweepStatus status = grok_sweep_cell_status (sweep, c, NULL);
      counts[status]++;
      if (unfinished && status != GROK_SWEEP_FINISHED && status != GROK_SWEEP_RUNNING)
        g_array_append_val (cells, c);
    }
  return cells;
}

/* "12 finished, 3 failed, ..."; and each failed cell's message */
static void
report (GrokSweep *sweep)
{
  guint counts[GROK_SWEEP_N_STATUS];
  g_autoptr (GArray) none = cells_by_status (sweep, counts, FALSE);
  GString *line = g_string_new (NULL);

  for (guint c = 0; c < grok_sweep_n_cells (sweep); c++)
    {
      g_autofree char *message = NULL;
      if (grok_sweep_cell_status (sweep, c, &message) == GROK_SWEEP_FAILED)
        fprintf (stderr, "grokscope-cli: failed: %s\n", message);
    }
  for (guint s = 0; s < GROK_SWEEP_N_STATUS; s++)
    if (counts[s] > 0)
      g_string_append_printf (line, "%s%u %s", line->len ? ", " : "", counts[s],
                              grok_sweep_status_name (s));
  fprintf (stderr, "%s: %u cells: %s\n", grok_sweep_get_name (sweep), grok_sweep_n_cells (sweep),
           line->str);
  g_string_free (line, TRUE);
}

/* a word as a shell reads it: quoted only when it must be */
static char *
shell_word (const char *word)
{
  for (const char *p = word; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/._-+=:,@%", *p) == NULL)
      return g_shell_quote (word);
  return g_strdup (word);
}

static char *
self_path (void)
{
  char *path = g_file_read_link ("/proc/self/exe", NULL);

  return path != NULL ? path : g_strdup ("grokscope-cli");
}

typedef struct
{
  GMainLoop *loop;
  GPid       pid;
  int        status;
  gboolean   interrupted;
} Wait;

static void
on_child (GPid pid, int status, gpointer data)
{
  Wait *w = data;

  w->status = status;
  g_spawn_close_pid (pid);
  g_main_loop_quit (w->loop);
}

/* Ctrl-C reaches parallel and the cells from the terminal; a SIGTERM sent to this process alone
 * is passed on to parallel, which passes it on to the cells. Either way the report follows. */
static gboolean
on_run_interrupt (gpointer data)
{
  Wait *w = data;

  w->interrupted = TRUE;
  kill (w->pid, SIGTERM);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_run_sigint (gpointer data)
{
  ((Wait *) data)->interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

static int
cmd_run (const GrokCliArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_open (a->args[0], &error);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) todo = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *log = NULL, *exe = NULL, *parallel = g_find_program_in_path ("parallel");
  guint counts[GROK_SWEEP_N_STATUS];
  gint64 jobs = a->given[GROK_CLI_OPT_JOBS] ? a->jobs : g_get_num_processors ();
  gint64 threads = MAX (1, (gint64) g_get_num_processors () / jobs);
  Wait w = { loop, 0, 0, FALSE };
  guint sigint, sigterm;

  if (sweep == NULL)
    return grok_cli_sweep_fail (error);
  if (parallel == NULL)
    return grok_cli_sweep_fail_text ("sweep run needs GNU parallel, which is not installed (Debian: apt-get "
                      "install parallel)");
  todo = cells_by_status (sweep, counts, TRUE);
  if (counts[GROK_SWEEP_RUNNING] > 0)
    fprintf (stderr, "grokscope-cli: %u cells are being trained by other processes; they are "
             "left to them\n", counts[GROK_SWEEP_RUNNING]);
  if (todo->len == 0)
    {
      report (sweep);
      return counts[GROK_SWEEP_FINISHED] == grok_sweep_n_cells (sweep) ? 0 : 1;
    }
  exe = self_path ();
  log = grok_sweep_file_path (sweep, "parallel.log");
  /* --joblog +FILE appends: the log keeps every attempt of a stopped sweep run again; -q
   * passes each word to the cell as it is, spaces in paths included */
  g_ptr_array_add (argv, g_strdup ("parallel"));
  g_ptr_array_add (argv, g_strdup ("-q"));
  g_ptr_array_add (argv, g_strdup_printf ("--jobs=%" G_GINT64_FORMAT, jobs));
  g_ptr_array_add (argv, g_strconcat ("--joblog=+", log, NULL));
  g_ptr_array_add (argv, g_strdup (exe));
  g_ptr_array_add (argv, g_strdup ("sweep"));
  g_ptr_array_add (argv, g_strdup ("cell"));
  g_ptr_array_add (argv, g_strdup (a->args[0]));
  g_ptr_array_add (argv, g_strdup ("{}"));
  g_ptr_array_add (argv, g_strdup ("--threads"));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, threads));
  if (a->quiet)
    g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, g_strdup (":::"));
  for (guint i = 0; i < todo->len; i++)
    g_ptr_array_add (argv, g_strdup_printf ("%u", g_array_index (todo, guint, i)));
  g_ptr_array_add (argv, NULL);
  if (!a->quiet)
    fprintf (stderr, "%s: training %u of %u cells, %" G_GINT64_FORMAT " at a time on %"
             G_GINT64_FORMAT " threads each (GNU parallel; job log %s)\n",
             grok_sweep_get_name (sweep), todo->len, grok_sweep_n_cells (sweep), jobs, threads,
             log);
  if (!g_spawn_async (NULL, (char **) argv->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &w.pid,
                      &error))
    return grok_cli_sweep_fail (error);
  g_child_watch_add (w.pid, on_child, &w);
  sigint = g_unix_signal_add (SIGINT, on_run_sigint, &w);
  sigterm = g_unix_signal_add (SIGTERM, on_run_interrupt, &w);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  report (sweep);
  g_array_unref (cells_by_status (sweep, counts, FALSE));
  if (counts[GROK_SWEEP_FINISHED] == grok_sweep_n_cells (sweep))
    return 0;
  if (w.interrupted)
    {
      fprintf (stderr, "grokscope-cli: interrupted; sweep run %s continues the cells from their "
               "newest checkpoints\n", a->args[0]);
      return 130;
    }
  return 1;
}

/* "0-3,7,9-11": the cells as ranges, as --array takes them */
static char *
array_ranges (GArray *cells)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < cells->len;)
    {
      guint first = g_array_index (cells, guint, i), last = first;
      while (++i < cells->len && g_array_index (cells, guint, i) == last + 1)
        last++;
      g_string_append_printf (out, out->len ? ",%u" : "%u", first);
      if (last > first)
        g_string_append_printf (out, "-%u", last);
    }
  return g_string_free (out, FALSE);
}

/* the person's sbatch options as #SBATCH lines: an option and the words after it that do not
 * begin with '-' (its value, as in "-p gpu") make one line */
static void
append_options (GString *script, char **options, int n)
{
  for (int i = 0; i < n;)
    {
      g_string_append_printf (script, "#SBATCH %s", options[i]);
      for (i++; i < n && options[i][0] != '-'; i++)
        g_string_append_printf (script, " %s", options[i]);
      g_string_append_c (script, '\n');
    }
}

static int
run_slurm (const GrokCliArgs *a, char **options, int n_options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_open (a->args[0], &error);
  g_autoptr (GArray) todo = NULL;
  g_autofree char *folder = NULL, *logs = NULL, *path = NULL, *exe = self_path ();
  g_autofree char *ranges = NULL, *quoted_exe = NULL, *quoted_folder = NULL, *quoted = NULL;
  guint counts[GROK_SWEEP_N_STATUS];
  GString *script;
  gint64 limit;

  if (sweep == NULL)
    return grok_cli_sweep_fail (error);
  todo = cells_by_status (sweep, counts, TRUE);
  if (todo->len == 0)
    {
      report (sweep);
      return 0;
    }
  limit = a->given[GROK_CLI_OPT_LIMIT] ? a->limit : MIN (todo->len, 8);
  folder = g_canonicalize_filename (a->args[0], NULL);
  logs = g_build_filename (folder, "slurm", NULL);
  if (g_mkdir_with_parents (logs, 0755) != 0)
    return grok_cli_sweep_fail_text ("cannot create the folder slurm/ in the sweep folder");
  ranges = array_ranges (todo);
  quoted_exe = shell_word (exe);
  quoted_folder = shell_word (folder);
  script = g_string_new (NULL);
  g_string_append_printf (script, "#!/bin/sh\n"
                          "# The sweep %s: one array task per cell not finished when this was "
                          "written (%u of %u);\n"
                          "# each task trains its cell, or continues it from its newest "
                          "checkpoint, on the cores Slurm gives it.\n"
                          "#SBATCH --job-name=%s\n#SBATCH --array=%s%%%" G_GINT64_FORMAT "\n"
                          "#SBATCH --output=%s/%%A_%%a.out\n",
                          grok_sweep_get_name (sweep), todo->len, grok_sweep_n_cells (sweep),
                          grok_sweep_get_name (sweep), ranges, limit, logs);
  append_options (script, options, n_options);
  g_string_append_printf (script, "exec %s sweep cell %s \"$SLURM_ARRAY_TASK_ID\"\n", quoted_exe,
                          quoted_folder);
  path = grok_sweep_file_path (sweep, "sweep.sbatch");
  if (!g_file_set_contents (path, script->str, (gssize) script->len, &error))
    {
      g_string_free (script, TRUE);
      return grok_cli_sweep_fail (error);
    }
  g_string_free (script, TRUE);
  quoted = shell_word (path);
  printf ("sbatch %s\n", quoted);
  return 0;
}

static int
cmd_slurm (const GrokCliArgs *a)
{
  /* the options after "--" come through grok_cli_sweep_main */
  return run_slurm (a, NULL, 0);
}

#define USE(o, text, ...) { GROK_CLI_OPT_##o, text, __VA_ARGS__ }
#define REQUIRED .required = TRUE

static const GrokCliCommand commands[] = {
  { "sweep plan", "SWEEP.json|PRESET_SWEEP --out DIR", 1,
    "Lay a sweep out in a folder: its file, cells.csv, a run folder per cell.",
    "A sweep file is JSON: {\"name\": ..., \"base\": PRESET or CONFIG.json, \"set\": {KEY: "
    "VALUE, ...}, \"axes\": {KEY: [VALUES] or {\"from\": A, \"to\": B, \"count\": N, "
    "\"scale\": \"linear\"|\"log\"}, ...}, \"seeds\": [0, 1, ...]}; an axis may also be base, "
    "a list of presets or config files. DIR must be new or empty, or hold this same plan, "
    "which planning again completes. cells.csv has one row per cell: cell, seed, the value of "
    "each axis (columns named by key) and run, the cell's run folder relative to DIR.",
    NULL,
    { USE (OUT, "The sweep folder", REQUIRED),
      USE (QUIET, "Print nothing") },
    cmd_plan },
  { "sweep run", "DIR", 1,
    "Train the cells not yet finished through GNU parallel, N at a time.",
    "Each cell is one grokscope-cli sweep cell process with max(1, cores / N) threads; "
    "parallel's job log is DIR/parallel.log. A stopped sweep continues where it was: each "
    "unfinished cell from its newest checkpoint. A failed cell is reported with its message "
    "(also in summary). Exits 0 when every cell is finished, 130 when interrupted, 1 "
    "otherwise.",
    NULL,
    { USE (JOBS, "Cells trained at a time", "the number of cores"),
      USE (QUIET, "Only failures and the last line") },
    cmd_run },
  { "sweep slurm", "DIR [-- SBATCH OPTIONS...]", 1,
    "Write a Slurm job array of the unfinished cells; print its sbatch line.",
    "One array task per cell not yet finished, each training or continuing its cell on the "
    "cores the task is given (SLURM_CPUS_PER_TASK, else one); output in DIR/slurm/. The "
    "options after -- become #SBATCH lines of the script (after its own, so they win), for "
    "example -- --partition=short --cpus-per-task=2 --time=1:00:00.",
    NULL,
    { USE (LIMIT, "Array tasks running at a time", "8, or fewer cells") },
    cmd_slurm },
  { "sweep cell", "DIR CELL", 2,
    "Train one cell, or continue it from its newest checkpoint.",
    "What each job of sweep run and each task of sweep slurm runs. A cell already finished "
    "is left as it is. A failure is recorded with its message for summary. Exits 0 when the "
    "cell is finished, 130 when interrupted, 1 on an error.",
    NULL,
    { USE (THREADS, "The trainer's threads", "SLURM_CPUS_PER_TASK, or as planned"),
      USE (QUIET, "No line when done") },
    cmd_cell },
  { "sweep summary", "DIR", 1,
    "Sum a sweep up: each cell's status, milestones and measures; the seeds grouped.",
    "Per cell: cell, seed, the axis values (columns named by key), status (planned, running, "
    "stopped, finished, failed), memorised_step and generalised_step (the first evaluation "
    "with train / test accuracy >= 0.99; empty when never), final_step, final_train_acc, "
    "final_test_acc, phase (comprehension, grokking, memorisation or confusion: SPEC 4.6, "
    "delay factor 10) and grokking_delay, wall_seconds, NAME_peak and NAME_final of each "
    "measure, and when LMN was measured: LMN at step 0, at memorisation and at "
    "generalisation (or the end), the test-loss peak's step, and Pearson's r of LMN and of "
    "the L2 norm with test loss from memorisation and from that peak to generalisation, "
    "with the rows each used; then message, a failed cell's. --groups: the seeds of each "
    "point together: the axis values, seeds, finished, generalised, phases, then NAME_mean, NAME_min and "
    "NAME_max (as CSV) or NAME as 'mean [min, max]'. Without --csv or --columns, the "
    "milestones and outcomes only.",
    NULL,
    { USE (CSV, "As CSV, every column (unless --columns)"),
      USE (GROUPS, "The seeds of each point together"),
      USE (COLUMNS, "Only these columns, in this order", "the milestones and outcome"),
      USE (MARKDOWN, "As a Markdown table") },
    grok_cli_sweep_summary },
  { "sweep phase", "DIR", 1,
    "A phase diagram's data: each point's phase and mean outcome.",
    "Each pair of values of the two axes gets the phase most of its finished cells are in "
    "(comprehension, grokking, memorisation, confusion: SPEC 4.6, with accuracy threshold 0.99 "
    "and delay factor 10) and the mean of an outcome column of the summary over its seeds.",
    NULL,
    { USE (X, "The axis across", "the first"),
      USE (Y, "The axis down", "the second"),
      USE (OUTCOME, "A number column of sweep summary --csv", "generalised_step"),
      USE (CSV, "As CSV, one line per point") },
    grok_cli_sweep_phase },
  { "sweep presets", "", 0,
    "List the preset sweeps, one line each.",
    "sweep plan takes a preset sweep's name in place of a file.",
    NULL, { { 0 } }, cmd_presets },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage:\n  grokscope-cli sweep COMMAND [OPTION...] ARGUMENTS\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name + strlen ("sweep "), commands[i].summary);
  fprintf (out, "\ngrokscope-cli sweep COMMAND --help shows a command's options.\n");
}

int
grok_cli_sweep_main (int argc, char **argv)
{
  g_auto (GrokCliArgs) args = { 0 };
  const GrokCliCommand *command = NULL;
  g_autofree char *prgname = NULL;
  int split = argc;

  grok_cli_args_init (&args);
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 1 : 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name + strlen ("sweep "), argv[1]))
      command = &commands[i];
  if (command == NULL)
    {
      fprintf (stderr, "grokscope-cli: sweep: unknown command '%s' (see grokscope-cli sweep "
               "--help)\n", argv[1]);
      return 1;
    }
  prgname = g_strconcat ("grokscope-cli ", command->name, NULL);
  g_set_prgname (prgname);
  /* sbatch's options after "--" are the person's, passed through unread */
  if (command->run == cmd_slurm)
    for (int i = 2; i < argc && split == argc; i++)
      if (g_str_equal (argv[i], "--"))
        split = i;
  switch (grok_cli_parse (command, split - 1, argv + 1, &args))
    {
    case GROK_CLI_PARSED:
      if (command->run == cmd_slurm)
        return run_slurm (&args, argv + split + 1, MAX (argc - split - 1, 0));
      return command->run (&args);
    case GROK_CLI_HELP:
      return 0;
    case GROK_CLI_BAD_USAGE:
    default:
      return 1;
    }
}
