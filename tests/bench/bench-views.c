/* How long a run spends on the views file of one checkpoint (computing the spectra, regions and
 * connectivity, then writing the file), for a few presets at their initial weights and after
 * some training. Prints, asserts nothing. Run with `./dev bench` (suite 'bench') or directly
 * with preset names as arguments. */
#include <glib/gstdio.h>
#include <stdio.h>

#include "grok-presets.h"
#include "grok-trainer.h"
#include "grok-run-dir.h"
#include "grok-views.h"

#define TRIALS 3

static void
bench_preset (const char *preset, gint64 train_steps, const char *folder)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  GrokTrainer *trainer;
  g_autofree char *path = NULL;
  double best_compute = G_MAXDOUBLE, best_write = G_MAXDOUBLE;
  GStatBuf st = { 0 };

  g_assert_nonnull (config);
  config->train.threads = 1;
  trainer = grok_trainer_new (config, NULL);
  g_assert_nonnull (trainer);
  for (gint64 s = 0; s < train_steps; s++)
    g_assert_true (grok_trainer_step (trainer, NULL));
  path = grok_run_file_path (folder, GROK_RUN_FILE_VIEWS, trainer->step);
  for (int t = 0; t < TRIALS; t++)
    {
      gint64 t0 = g_get_monotonic_time (), t1, t2;
      g_autoptr (GrokViews) views = grok_views_compute (trainer->config, trainer->model->params,
                                                        trainer->step, NULL);
      g_assert_nonnull (views);
      t1 = g_get_monotonic_time ();
      g_assert_true (grok_views_write (views, path, NULL));
      t2 = g_get_monotonic_time ();
      best_compute = MIN (best_compute, (t1 - t0) / 1000.0);
      best_write = MIN (best_write, (t2 - t1) / 1000.0);
    }
  g_stat (path, &st);
  printf ("%-18s step %6" G_GINT64_FORMAT ": compute %8.1f ms, write %6.1f ms, file %7.1f kB\n",
          preset, trainer->step, best_compute, best_write, st.st_size / 1024.0);
  g_unlink (path);
  grok_trainer_free (trainer);
}

int
main (int argc, char **argv)
{
  const char *defaults[] = { "quick", "liu-add31", "xor2d-relu", "demoss-add-ours", NULL };
  const char * const *presets = argc > 1 ? (const char * const *) argv + 1 : defaults;
  g_autofree char *folder = g_dir_make_tmp ("grok-bench-views-XXXXXX", NULL);
  g_autofree char *views = g_build_filename (folder, "views", NULL);

  for (int i = 0; presets[i] != NULL; i++)
    {
      bench_preset (presets[i], 0, folder);
      bench_preset (presets[i], 200, folder);
    }
  g_rmdir (views);
  g_rmdir (folder);
  return 0;
}
