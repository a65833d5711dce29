/* How long a run spends on the views file of one checkpoint (computing the spectra, regions and
 * connectivity, then writing the file), for the MLP presets at their initial weights and after
 * some training, with each part timed on its own so that the one that dominates shows. The goal
 * is a file in under 100 ms; the RATIO line divides the median of the slower of the two
 * checkpoints' totals by that. Prints, asserts nothing. Run with `./dev bench` (suite 'bench')
 * or directly with preset names as arguments. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "bench-helpers.h"
#include "grok-presets.h"
#include "grok-trainer.h"
#include "grok-run-dir.h"
#include "grok-views.h"

#define TRIALS 3
#define GOAL_MS 100.0

enum { PART_SPECTRUM, PART_REGIONS, PART_CONNECTIVITY, PART_WRITE, N_PARTS };

static const char *part_names[N_PARTS] = { "spectrum", "regions", "connectivity", "write" };

/* user + system CPU milliseconds of the process so far: what a busy machine does not lengthen */
static double
cpu_ms (void)
{
  struct rusage u;
  getrusage (RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, compare_doubles);
  return v[n / 2];
}

/* one views file as grok_views_compute and grok_views_write make it, with the milliseconds of
 * each part in ms; returns the CPU milliseconds of the whole */
static double
time_views (const GrokConfig *config, const GrokParams *params, gint64 step, const char *path,
            double *ms)
{
  double c0 = cpu_ms ();
  g_autoptr (GrokViews) views = g_new0 (GrokViews, 1);
  GrokViewSettings settings = grok_config_view_settings (config);
  GrokViewRecipe r;
  gint64 t[N_PARTS + 1];

  grok_view_recipe_init (&r);
  views->step = step;
  t[0] = g_get_monotonic_time ();
  views->spectrum = grok_view_spectrum_compute (params, step, &views->names, NULL);
  t[1] = g_get_monotonic_time ();
  if (grok_view_kind (GROK_VIEW_REGIONS)->applies (&settings))
    views->regions = grok_view_regions_compute (&settings, params, r.x0, r.y0, r.x1, r.y1,
                                                r.raster, NULL);
  t[2] = g_get_monotonic_time ();
  if (grok_view_kind (GROK_VIEW_CONNECTIVITY)->applies (&settings))
    views->connectivity = grok_view_connectivity_compute (&settings, params, r.lmn_points, NULL);
  t[3] = g_get_monotonic_time ();
  views->params_sha256 = grok_params_sha256 (params);
  views->config_sha256 = g_strdup (settings.sha256);
  g_assert_true (grok_views_write (views, path, NULL));
  t[4] = g_get_monotonic_time ();
  for (int p = 0; p < N_PARTS; p++)
    ms[p] = (t[p + 1] - t[p]) / 1000.0;
  return cpu_ms () - c0;
}

/* the median total in ms of the views file at train_steps, and its median CPU ms in cpu */
static double
bench_checkpoint (const char *preset, gint64 train_steps, const char *folder, double *cpu)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  GrokTrainer *trainer;
  g_autofree char *path = NULL;
  double ms[TRIALS][N_PARTS], total[TRIALS], part[TRIALS], cpus[TRIALS], result;

  g_assert_nonnull (config);
  config->train.threads = 1;
  trainer = grok_trainer_new (config, NULL);
  g_assert_nonnull (trainer);
  for (gint64 s = 0; s < train_steps; s++)
    g_assert_true (grok_trainer_step (trainer, NULL));
  path = grok_run_file_path (folder, GROK_RUN_FILE_VIEWS, trainer->step);
  for (int t = 0; t < TRIALS; t++)
    {
      cpus[t] = time_views (trainer->config, trainer->model->params, trainer->step, path, ms[t]);
      total[t] = 0;
      for (int p = 0; p < N_PARTS; p++)
        total[t] += ms[t][p];
    }
  printf ("%-16s step %5" G_GINT64_FORMAT ":", preset, trainer->step);
  for (int p = 0; p < N_PARTS; p++)
    {
      for (int t = 0; t < TRIALS; t++)
        part[t] = ms[t][p];
      printf (" %s %.1f", part_names[p], median (part, TRIALS));
    }
  result = median (total, TRIALS);
  *cpu = median (cpus, TRIALS);
  printf (" | total ms min %.1f median %.1f max %.1f | CPU ms min %.1f median %.1f max %.1f\n",
          total[0], result, total[TRIALS - 1], cpus[0], *cpu, cpus[TRIALS - 1]);
  g_unlink (path);
  grok_trainer_free (trainer);
  return result;
}

int
main (int argc, char **argv)
{
  const char *defaults[] = { "quick", "liu-add31", "liu-xor5", "liu-s4", "demoss-add-mlp",
                             "xor2d-relu", NULL };
  g_auto (GStrv) chosen = g_getenv ("GROK_BENCH_VIEWS_PRESETS") ? bench_presets ("GROK_BENCH_VIEWS_PRESETS")
                                                                 : NULL;
  const char * const *presets = argc > 1 ? (const char * const *) argv + 1
                                : chosen != NULL ? (const char * const *) chosen : defaults;
  g_autofree char *folder = g_dir_make_tmp ("grok-bench-views-XXXXXX", NULL);
  g_autofree char *views = g_build_filename (folder, "views", NULL);

  printf ("views file parts, median ms of %d\n", TRIALS);
  for (int i = 0; presets[i] != NULL; i++)
    {
      double cpu_start, cpu_trained;
      double start = bench_checkpoint (presets[i], 0, folder, &cpu_start);
      double trained = bench_checkpoint (presets[i], 200, folder, &cpu_trained);
      printf ("RATIO\tviews file ms %s\t%.2f\t<= 1\n", presets[i], MAX (start, trained) / GOAL_MS);
      printf ("RATIO\tviews file cpu ms %s\t%.2f\t-\n", presets[i],
              MAX (cpu_start, cpu_trained) / GOAL_MS);
    }
  g_rmdir (views);
  g_rmdir (folder);
  return 0;
}
