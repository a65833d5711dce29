/* The memory estimate of a config: the trainer's part comes from the trainer and the model
 * families, each beside the code that allocates it; the run adds what it keeps besides. */
#include "grok-memory.h"

#include <stdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-complexity.h"
#include "grok-measures.h"
#include "grok-config-settings.h"
#include "grok-trainer.h"

/* an SVD of the largest matrix in doubles: the copy, U, V^T, the gradient and LAPACK's work
 * (about 7 min(m, n)^2 for dgesdd), bounded by 11 times its elements */
static guint64
spectrum_bytes (const GrokModelFootprint *fp)
{
  return 11 * (guint64) fp->largest * sizeof (double);
}

/* LMN's linearity matrix of P points in doubles (and its copy for the eigenvalues), with the
 * points' activations */
static guint64
lmn_bytes (const GrokConfig *config, gint64 points)
{
  return 2 * (guint64) points * points * sizeof (double) +
         2 * (guint64) points * config->model.width * sizeof (float);
}

/* the coarse-graining: the parameters twice (coarse copy with gradients), their low-rank
 * factors and a stored copy; for each further worker of the search a coarse copy, a stored
 * copy and a bzip2 buffer of its own; and a model per worker evaluating up to 2048 training
 * examples at a time */
static guint64
complexity_bytes (const GrokConfig *config, const GrokModelFootprint *fp)
{
  const guint64 workers = GROK_COMPLEXITY_MAX_WORKERS;
  GrokModelSettings model_settings = grok_config_model_settings (config);
  GrokDataset shape;
  GrokModelFootprint eval;

  grok_dataset_shape (&config->task, &shape);
  grok_model_footprint (&model_settings, &shape, MIN (shape.n_train, 2048), &eval);
  return ((5 + 4 * (workers - 1)) * (guint64) fp->n_params +
          workers * (2 * eval.n_params + eval.activations)) * sizeof (float) +
         grok_dataset_estimate_bytes (&config->task);
}

/* the Fourier losses: a model evaluating up to 2048 of all the task's pairs at a time, the
 * logits of every pair, and the dataset */
static guint64
fourier_bytes (const GrokConfig *config)
{
  GrokModelSettings model_settings = grok_config_model_settings (config);
  GrokDataset shape;
  GrokModelFootprint eval;
  guint64 n;

  grok_dataset_shape (&config->task, &shape);
  n = (guint64) shape.n_train + shape.n_test;
  grok_model_footprint (&model_settings, &shape, (int) MIN (n, 2048), &eval);
  return (2 * eval.n_params + eval.activations + n * shape.n_classes) * sizeof (float) +
         grok_dataset_estimate_bytes (&config->task);
}

/* the largest buffers of one measure at a time on the run's thread */
static guint64
measures_bytes (const GrokConfig *config, const GrokModelFootprint *fp)
{
  guint64 most = 0;

  if (grok_config_measure_enabled (config, GROK_MEASURE_SPECTRUM) ||
      config->reg.spectral_entropy > 0)
    most = MAX (most, spectrum_bytes (fp));
  if (grok_config_measure_enabled (config, GROK_MEASURE_COMPLEXITY))
    most = MAX (most, complexity_bytes (config, fp) + spectrum_bytes (fp));
  if (grok_config_measure_enabled (config, GROK_MEASURE_LMN))
    most = MAX (most, lmn_bytes (config, grok_config_lmn_points (config)));
  if (grok_config_measure_enabled (config, GROK_MEASURE_FOURIER))
    most = MAX (most, fourier_bytes (config));
  return most;
}

/* the views files' worker: a copy of the weights, the dataset, an SVD, and what the data recipe
 * of each computed view that applies asks for (the views table's): LMN's matrix on the
 * connectivity view's points, with its ordered copy in floats, and the regions view's raster */
static guint64
views_bytes (const GrokConfig *config, const GrokModelFootprint *fp)
{
  GrokViewSettings settings = grok_config_view_settings (config);
  guint64 bytes = (guint64) fp->n_params * sizeof (float) +
                  grok_dataset_estimate_bytes (&config->task) + spectrum_bytes (fp);
  GrokViewRecipe r;

  grok_view_recipe_init (&r);
  if (grok_view_kind (GROK_VIEW_CONNECTIVITY)->applies (&settings))
    {
      gint64 points = MIN (r.lmn_points, grok_config_n_train (config));
      bytes += lmn_bytes (config, points) + (guint64) points * points * sizeof (float);
    }
  if (grok_view_kind (GROK_VIEW_REGIONS)->applies (&settings))
    bytes += (guint64) r.raster * r.raster * sizeof (guint32);
  return bytes;
}

guint64
grok_config_estimate_memory (const GrokConfig *config)
{
  GrokModelFootprint fp;
  guint64 bytes = grok_trainer_estimate_bytes (config, &fp);

  /* the newest snapshot, one waiting to be drawn and the one on screen each copy the
   * parameters' values (a snapshot carries no gradients) */
  bytes += 3 * (guint64) fp.n_params * sizeof (float);
  bytes += measures_bytes (config, &fp);
  /* views files are computed on a worker thread of their own, at the same time */
  if (config->checkpoints.views)
    bytes += views_bytes (config, &fp);
  return bytes;
}

guint64
grok_memory_available (void)
{
  g_autofree char *text = NULL;
  const char *line;
  guint64 kb;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL))
    return 0;
  line = strstr (text, "MemAvailable:");
  if (line == NULL || sscanf (line, "MemAvailable: %" G_GUINT64_FORMAT " kB", &kb) != 1)
    return 0;
  return kb * 1024;
}

gboolean
grok_config_check_memory (const GrokConfig *config, GError **error)
{
  guint64 need = grok_config_estimate_memory (config);
  guint64 have = grok_memory_available ();
  g_autofree char *need_text = NULL, *have_text = NULL;

  if (have == 0 || need <= have)
    return TRUE;
  need_text = g_format_size (need);
  have_text = g_format_size (have);
  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
               "this config needs about %s of memory and the machine has %s available: make "
               "the model smaller (model.width, model.depth, model.d_model, model.d_mlp, "
               "model.n_blocks) or the batches (train.batch_size, task.n_train)",
               need_text, have_text);
  return FALSE;
}
