/* Figures for the run object: how long grok_run_stop and grok_run_pause take to take effect,
 * training throughput with and without a snapshot consumer, and how much a dense measure
 * schedule (every measure 10 times per decade) lengthens a whole run against the same run with
 * every measure off, and with every measure but one. Prints, asserts nothing. Run with
 * `./dev bench` (suite 'bench'); `bench-run dense PRESET...` runs only the last for the presets
 * named. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-helpers.h"
#include "grok-presets.h"
#include "grok-run.h"

#define TRIALS 7
#define ROUNDS 5

static GrokConfig *
bench_config (const char *preset, gint64 steps, int threads)
{
  GrokConfig *config = grok_preset_load (preset, NULL);

  g_assert_nonnull (config);
  config->train.steps = steps;
  config->train.threads = threads;
  return config;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* milliseconds from the call to the state taking effect: stop returns once the thread has
 * ended (after the step in flight and, with a folder, the final checkpoint); pause is seen when
 * the thread publishes its paused snapshot */
static void
bench_latency (const char *preset, gboolean with_folder, gboolean pause)
{
  double ms[TRIALS], step_ms = 0;
  g_autofree char *root = g_dir_make_tmp ("grok-bench-XXXXXX", NULL);

  for (int t = 0; t < TRIALS; t++)
    {
      g_autoptr (GrokConfig) config = bench_config (preset, 100000000, 1);
      g_autofree char *dir = g_strdup_printf ("%s/run%d", root, t);
      g_autoptr (GrokRun) run = grok_run_new (config, with_folder ? dir : NULL, TRUE, NULL);
      g_autoptr (GrokSnapshot) snap = NULL;
      GrokProgress progress;
      gint64 t0;

      grok_run_start (run);
      g_usleep (150 * 1000 + g_random_int_range (0, 150 * 1000));
      grok_run_get_progress (run, &progress);
      step_ms += progress.steps_per_second > 0 ? 1000.0 / progress.steps_per_second / TRIALS : 0;
      t0 = g_get_monotonic_time ();
      if (pause)
        {
          grok_run_pause (run);
          do
            {
              g_clear_pointer (&snap, grok_snapshot_unref);
              snap = grok_run_dup_snapshot (run);
            }
          while (snap->state != GROK_RUN_PAUSED && (g_usleep (50), TRUE));
        }
      else
        grok_run_stop (run);
      ms[t] = (g_get_monotonic_time () - t0) / 1000.0;
      grok_run_stop (run);
      drain ();
    }
  qsort (ms, TRIALS, sizeof (double), compare_doubles);
  printf ("%-9s %-5s %-12s median %7.2f ms  max %7.2f ms  (one step: %.2f ms)\n", preset,
          pause ? "pause" : "stop", with_folder ? "run folder" : "in memory", ms[TRIALS / 2],
          ms[TRIALS - 1], step_ms);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", root);
    if (system (cmd) != 0)
      g_warning ("could not remove %s", root);
  }
}

typedef struct
{
  guint  n;
  double sink;
} Consumer;

/* what a view does with a snapshot: read every weight (a norm) and the newest metrics row */
static void
consume (GrokRun *run, GrokSnapshot *snap, Consumer *c)
{
  double s = 0;

  for (gsize i = 0; i < snap->params->numel; i++)
    s += snap->params->data[i] * snap->params->data[i];
  c->sink += s + grok_metrics_get (snap->metrics, snap->metrics->n_rows - 1, 2);
  c->n++;
}

/* steps per second over a fixed number of steps, with the main loop consuming every snapshot
 * or never looking at them */
static double
bench_throughput (const char *preset, gint64 steps, gboolean consumer, guint *n_consumed)
{
  g_autoptr (GrokConfig) config = bench_config (preset, steps, 1);
  g_autoptr (GrokRun) run = grok_run_new (config, NULL, FALSE, NULL);
  Consumer c = { 0 };
  gint64 t0;
  double seconds;

  if (consumer)
    g_signal_connect (run, "snapshot", G_CALLBACK (consume), &c);
  t0 = g_get_monotonic_time ();
  grok_run_start (run);
  while (grok_run_get_state (run) == GROK_RUN_RUNNING)
    {
      if (consumer)
        g_main_context_iteration (NULL, TRUE);
      else
        g_usleep (1000);
    }
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  grok_run_stop (run);
  drain ();
  *n_consumed = c.n;
  return steps / seconds;
}

/* the measures a run schedules: the config's two keys of each */
typedef struct
{
  const char *name;
  gsize       per_decade, every;
} MeasureKeys;

#define MEASURE_KEYS(m) { #m, G_STRUCT_OFFSET (GrokConfig, measures.m##_per_decade), \
                          G_STRUCT_OFFSET (GrokConfig, measures.m##_every) }

static const MeasureKeys measures[] = {
  MEASURE_KEYS (spectrum), MEASURE_KEYS (complexity), MEASURE_KEYS (lmn),
  MEASURE_KEYS (regions), MEASURE_KEYS (local_complexity), MEASURE_KEYS (fourier),
};

/* seconds of one whole in-memory run of preset with every measure 10 times per decade or all
 * off, and in *cpu the processor seconds it took on every thread: the measures run on their
 * own thread from copies of the parameters while training goes on (GROKSCOPE_MEASURES=inline
 * puts them back on the training thread, to compare). leave_out, when not NULL, names a
 * measure the dense run does not take. */
static double
run_seconds (const char *preset, gboolean dense, const char *leave_out, double *cpu)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  g_autoptr (GrokRun) run = NULL;
  gint64 t0;
  double seconds, c0;

  g_assert_nonnull (config);
  for (guint m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      gboolean on = dense && g_strcmp0 (leave_out, measures[m].name) != 0;

      G_STRUCT_MEMBER (gint64, config, measures[m].per_decade) = on ? 10 : 0;
      if (!on)
        G_STRUCT_MEMBER (gint64, config, measures[m].every) = 0;
    }
  run = grok_run_new (config, NULL, FALSE, NULL);
  g_assert_nonnull (run);
  c0 = bench_process_cpu_seconds ();
  t0 = g_get_monotonic_time ();
  grok_run_start (run);
  while (grok_run_get_state (run) == GROK_RUN_RUNNING)
    g_usleep (2000);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  *cpu = bench_process_cpu_seconds () - c0;
  grok_run_stop (run);
  drain ();
  return seconds;
}

/* The dense run against the one without measures, and what bounds it: a run cannot end
 * sooner than its processor time spread over every core, so (dense processor seconds / cores)
 * / (seconds without measures) is the least ratio any overlap of measures and training could
 * reach with measures of today's cost; the measures' processor time (the dense run's less the
 * run's without) against training's says how much cheaper they would have to be. */
static void
bench_dense (const char *preset, const char *goal)
{
  const int cores = (int) g_get_num_processors ();
  double ratios[3], floors[3], shares[3], best = G_MAXDOUBLE;
  const char *dearest = NULL;

  for (int r = 0; r < 3; r++)
    {
      double cpu_without, cpu_with;
      double without = run_seconds (preset, FALSE, NULL, &cpu_without);
      double with = run_seconds (preset, TRUE, NULL, &cpu_with);

      printf ("%-14s whole run: measures off %.2f s (processor %.2f s), dense measures %.2f s "
              "(processor %.2f s)\n", preset, without, cpu_without, with, cpu_with);
      ratios[r] = with / without;
      floors[r] = cpu_with / cores / without;
      shares[r] = (cpu_with - cpu_without) / cpu_without;
    }
  qsort (ratios, 3, sizeof (double), compare_doubles);
  qsort (floors, 3, sizeof (double), compare_doubles);
  qsort (shares, 3, sizeof (double), compare_doubles);
  /* what leaving one measure out gives, once each against a run without measures just
   * before it: which measure is the dearest, and how far the rest are from the goal */
  for (guint m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      double cpu, without = run_seconds (preset, FALSE, NULL, &cpu);
      double ratio = run_seconds (preset, TRUE, measures[m].name, &cpu) / without;

      printf ("%-14s dense measures but %s / off: %.3f\n", preset, measures[m].name, ratio);
      if (ratio < best)
        {
          best = ratio;
          dearest = measures[m].name;
        }
    }
  printf ("%-14s dense / off: min %.3f median %.3f max %.3f\n", preset, ratios[0], ratios[1],
          ratios[2]);
  printf ("RATIO\ttraining with dense measures / without %s\t%.3f\t%s\n", preset, ratios[1],
          goal);
  printf ("RATIO\ttraining with dense measures / without, least possible on %d cores %s\t%.3f"
          "\t-\n", cores, preset, floors[1]);
  printf ("RATIO\tdense measures' processor time / training's %s\t%.3f\t-\n", preset,
          shares[1]);
  printf ("RATIO\ttraining with dense measures but the dearest (%s) / without %s\t%.3f\t-\n",
          dearest, preset, best);
}

int
main (int argc, char **argv)
{
  const char *presets[] = { "liu-add31", "quick" };
  /* every measure 10 times per decade against none: the goals of measures that do not hold
   * training back (xor2d-relu's regions are exact, and dearer than its training) */
  const char *dense[] = { "quick", "xor2d-relu", NULL };
  const char *dense_goals[] = { "<= 1.15", "<= 2" };

  if (argc > 2 && strcmp (argv[1], "dense") == 0)
    {
      for (int i = 2; i < argc; i++)
        bench_dense (argv[i], "-");
      return 0;
    }

  printf ("Stop and pause latency (train.threads=1, %d trials each):\n", TRIALS);
  for (int p = 0; p < 2; p++)
    {
      bench_latency (presets[p], FALSE, FALSE);
      bench_latency (presets[p], TRUE, FALSE);
      bench_latency (presets[p], FALSE, TRUE);
    }
  printf ("\nThroughput (train.threads=1, in memory; the two alternate, %d rounds):\n", ROUNDS);
  for (int p = 0; p < 2; p++)
    {
      double ratios[ROUNDS], sum_with = 0, sum_without = 0;
      gint64 steps = p == 0 ? 800 : 300;
      for (int round = 0; round < ROUNDS; round++)
        {
          guint n_with, n_without;
          double without = bench_throughput (presets[p], steps, FALSE, &n_without);
          double with = bench_throughput (presets[p], steps, TRUE, &n_with);
          printf ("%-9s without consumer %7.1f steps/s   with consumer %7.1f steps/s "
                  "(%u snapshots consumed)\n", presets[p], without, with, n_with);
          ratios[round] = with / without;
          sum_with += with;
          sum_without += without;
        }
      qsort (ratios, ROUNDS, sizeof (double), compare_doubles);
      printf ("%-9s mean without %.1f, with %.1f steps/s; median ratio with/without %.3f\n",
              presets[p], sum_without / ROUNDS, sum_with / ROUNDS, ratios[ROUNDS / 2]);
    }
  printf ("\nWhole runs with dense measures against measures off (3 rounds):\n");
  for (int i = 0; dense[i] != NULL; i++)
    bench_dense (dense[i], dense_goals[i]);
  return 0;
}
