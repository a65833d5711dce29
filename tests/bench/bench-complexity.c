/* Benchmark (not a test): the complexity search against the dense 40 x 20 grid (800 loss
 * evaluations) on checkpoints of the DeMoss presets, with the real model's loss on its training
 * set. For each checkpoint: the grid's size, the search's size, evaluations and time on one
 * and on two threads (the answers must agree), printed as RATIO lines.
 *
 * Checkpoints: the run folders named on the command line, else GROK_BENCH_RUNS_DIR/demoss-add-
 * {none,wd,ours} at the steps nearest 100, 300, 1000, 2500 and 5000; else 150-step runs of
 * demoss-add-wd and demoss-add-ours trained here. Usage:
 *   bench-complexity [--eval N] [--steps S1,S2,...] [RUN_DIR...]
 * --eval takes the loss on the first N training examples (default: all, as the measure does;
 * the short runs use 512, the reference's minibatch, to stay near a minute). */
#include "complexity-grid.h"
#include "grok-presets.h"
#include "grok-run-dir.h"
#include "grok-trainer.h"

#include <stdio.h>
#include <stdlib.h>

#define EPSILON 0.25

static const char *presets[] = { "demoss-add-none", "demoss-add-wd", "demoss-add-ours" };
static const gint64 default_steps[] = { 100, 300, 1000, 2500, 5000 };

static double
seconds_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1e6;
}

static GrokComplexityResult *
timed_search (const GrokParams *params, ModelLoss *ml, int n_workers, double *seconds)
{
  GrokComplexityOptions opts;
  GrokComplexityResult *res;
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  grok_complexity_options_init (&opts);
  opts.n_workers = n_workers;
  res = grok_complexity_search (params, model_loss, ml, EPSILON, &opts, NULL, &error);
  *seconds = seconds_since (t0);
  g_assert_no_error (error);
  return res;
}

/* the grid, the search on one thread and on two, and the RATIO lines of one checkpoint */
static void
bench_checkpoint (const char *name, gint64 step, const GrokConfig *config,
                  const GrokParams *params, int n_eval)
{
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&config->task);
  g_autoptr (GrokComplexityResult) one = NULL, two = NULL;
  ModelLoss ml = { { NULL } };
  GridResult grid;
  double t_grid, t_one, t_two;
  gint64 t0;

  model_loss_init (&ml, config, dataset, n_eval);
  t0 = g_get_monotonic_time ();
  grid = complexity_grid (params, model_loss, &ml, EPSILON, 2);
  t_grid = seconds_since (t0);
  one = timed_search (params, &ml, 1, &t_one);
  two = timed_search (params, &ml, 2, &t_two);
  if (one->size != two->size || one->delta != two->delta || one->tau != two->tau)
    printf ("MISMATCH %s step %" G_GINT64_FORMAT ": one thread %" G_GSIZE_FORMAT " bytes, two "
            "threads %" G_GSIZE_FORMAT "\n", name, step, one->size, two->size);
  printf ("%-16s step %5" G_GINT64_FORMAT "  grid %7" G_GSIZE_FORMAT " B (Delta %.4g, tau %.3f; "
          "800 losses, %u sizes, %.1f s on 2 threads)  search %7" G_GSIZE_FORMAT " B (Delta %.4g, "
          "tau %.4f; %u losses, %u sizes, %.1f s on 1 thread, %.1f s on 2)\n", name, step,
          grid.size, grid.delta, grid.tau, grid.n_compressions, t_grid, one->size, one->delta,
          one->tau, one->n_loss_evals, one->n_compressions, t_one, t_two);
  if (grid.found && one->found)
    printf ("RATIO\tcomplexity search/grid size %s step %" G_GINT64_FORMAT "\t%.4f\t<= 1.01\n",
            name, step, (double) one->size / grid.size);
  else
    printf ("RATIO\tcomplexity search/grid size %s step %" G_GINT64_FORMAT "\t%s\t<= 1.01\n",
            name, step, grid.found == one->found ? "1" : "nan");
  printf ("RATIO\tcomplexity search/grid evaluations %s step %" G_GINT64_FORMAT "\t%.3f\t<= 1\n",
          name, step, (double) (one->n_loss_evals + one->n_compressions) /
                      (GRID_DELTAS * GRID_TAUS + 1 + grid.n_compressions));
  printf ("RATIO\tcomplexity search two-thread speedup %s step %" G_GINT64_FORMAT "\t%.2f\t"
          ">= 1.3\n", name, step, t_one / t_two);
  fflush (stdout);
  model_loss_clear (&ml);
}

/* the checkpoints of one run folder at the steps nearest those asked for */
static void
bench_run_dir (const char *path, const gint64 *steps, int n_steps, int n_eval)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
  g_autofree char *name = NULL;
  gint64 done = -1;

  if (dir == NULL)
    {
      fprintf (stderr, "bench-complexity: %s\n", error->message);
      exit (1);
    }
  name = g_path_get_basename (path);
  for (int i = 0; i < n_steps; i++)
    {
      GArray *have = grok_run_dir_get_checkpoints (dir);
      gint64 step = -1;
      g_autoptr (GrokParams) params = NULL;

      for (guint k = 0; k < have->len; k++)
        {
          gint64 s = g_array_index (have, gint64, k);
          if (step < 0 || llabs (s - steps[i]) < llabs (step - steps[i]))
            step = s;
        }
      if (step < 0 || step == done)
        continue;
      params = grok_run_dir_read_model (dir, step, &error);
      g_assert_no_error (error);
      bench_checkpoint (name, step, grok_run_dir_get_config (dir), params, n_eval);
      done = step;
    }
}

/* no runs given: train a preset TRAINED_STEPS steps (30 epochs: memorised, not yet grokked)
 * here and measure there */
#define TRAINED_STEPS 150

static void
bench_trained (const char *preset, int n_eval)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  g_autoptr (GrokTrainer) trainer = NULL;

  config->train.steps = TRAINED_STEPS;
  trainer = grok_trainer_new (config, NULL);
  g_assert_nonnull (trainer);
  while (trainer->step < TRAINED_STEPS)
    g_assert_true (grok_trainer_step (trainer, NULL));
  bench_checkpoint (preset, TRAINED_STEPS, config, trainer->model->params, n_eval);
}

int
main (int argc, char **argv)
{
  const char *runs = g_getenv ("GROK_BENCH_RUNS_DIR");
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  int n_eval = 0;

  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--eval") == 0 && i + 1 < argc)
      n_eval = atoi (argv[++i]);
    else if (strcmp (argv[i], "--steps") == 0 && i + 1 < argc)
      {
        g_auto (GStrv) parts = g_strsplit (argv[++i], ",", -1);
        for (int k = 0; parts[k] != NULL; k++)
          {
            gint64 s = g_ascii_strtoll (parts[k], NULL, 10);
            g_array_append_val (steps, s);
          }
      }
    else
      g_ptr_array_add (dirs, g_strdup (argv[i]));
  if (steps->len == 0)
    g_array_append_vals (steps, default_steps, G_N_ELEMENTS (default_steps));
  if (dirs->len == 0 && runs != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
      g_ptr_array_add (dirs, g_build_filename (runs, presets[i], NULL));
  printf ("epsilon %g nats; the grid: Delta 10^-3 to 1 (%d, log-spaced) x tau 0 to 1 (%d)\n",
          EPSILON, GRID_DELTAS, GRID_TAUS);
  for (guint i = 0; i < dirs->len; i++)
    bench_run_dir (g_ptr_array_index (dirs, i), (gint64 *) steps->data, steps->len, n_eval);
  if (dirs->len == 0)
    {
      printf ("GROK_BENCH_RUNS_DIR is not set: short runs trained here, the loss on %d "
              "training examples\n", n_eval ? n_eval : 512);
      for (guint i = 1; i < G_N_ELEMENTS (presets); i++)
        bench_trained (presets[i], n_eval ? n_eval : 512);
    }
  return 0;
}
