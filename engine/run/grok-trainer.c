/* The training loop's single step and its evaluations. */
#include "grok-trainer.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "grok-blas.h"
#include "grok-error.h"
#include "grok-measures.h"
#include "grok-config-settings.h"
#include "grok-spectrum.h"
#include "grok-vmath.h"

enum { STREAM_BATCHES = 21, STREAM_NOISE = 22 };

/* the largest batch an evaluation pushes through the model at once */
#define EVAL_CHUNK 2048

int
grok_trainer_cores (const GrokConfig *config)
{
  return config->train.threads > 0 ? (int) config->train.threads
                                   : (int) g_get_num_processors ();
}

/* the default penalty: lambda times the mean spectral entropy of the 2-D tensors */
static double
spectral_entropy_penalty (GrokParams *params, double lambda, gpointer workspace)
{
  return lambda * grok_spectral_penalty (params, lambda, workspace);
}

/* the weight noise's stream and buffers, and the penalty's and its share of the pool, set up
 * once */
static void
setup_regularisers (GrokTrainer *trainer, const GrokConfig *config, int cores)
{
  gsize numel = trainer->model->params->numel;

  grok_rng_init_stream (&trainer->noise_rng, config->seed, STREAM_NOISE);
  if (config->reg.weight_noise > 0)
    {
      trainer->clean = g_new (float, numel);
      trainer->noise = g_new (float, 4 * ((numel + 1) / 2));
    }
  trainer->penalty = spectral_entropy_penalty;
  trainer->penalty_by_matrix = TRUE;
  if (config->reg.spectral_entropy <= 0)
    return;
  trainer->spectrum_ws = grok_spectrum_workspace_new_for_params (trainer->model->params);
  trainer->penalty_data = trainer->spectrum_ws;
  grok_trainer_penalty_setup (trainer, cores);
}

GrokTrainer *
grok_trainer_new (const GrokConfig *config, GError **error)
{
  g_autoptr (GrokTrainer) trainer = NULL;
  GrokModelSettings model_settings;
  GrokDataset *ds;
  int max_batch, cores;

  if (!grok_config_validate (config, error))
    return NULL;
  grok_blas_init ();
  model_settings = grok_config_model_settings (config);

  trainer = g_new0 (GrokTrainer, 1);
  trainer->config = grok_config_copy (config);
  trainer->dataset = ds = grok_dataset_new (&config->task);
  trainer->batch_size = grok_config_batch_size (config, ds->n_train);
  trainer->steps_per_epoch = (ds->n_train + trainer->batch_size - 1) / trainer->batch_size;
  max_batch = MAX (trainer->batch_size, MIN (EVAL_CHUNK, MAX (ds->n_train, ds->n_test)));
  trainer->model = grok_model_new (&model_settings, ds, max_batch);
  grok_model_init_params (trainer->model, config->seed);
  /* a model that splits its batches over the pool itself has no core left to compute the
   * penalty beside its passes (which it then computes after them) */
  cores = trainer->model->threads > 1 ? 1 : grok_trainer_cores (config);
  trainer->optim = grok_optimizer_new (&config->optim, trainer->model->params->numel);
  trainer->optim->team = trainer->model->team;
  grok_rng_init_stream (&trainer->batch_rng, config->seed, STREAM_BATCHES);
  setup_regularisers (trainer, config, cores);

  trainer->order = g_new (int, ds->n_train);
  for (int i = 0; i < ds->n_train; i++)
    trainer->order[i] = i;
  if (ds->n_positions > 0)
    trainer->batch_tokens = g_new (int, (gsize) trainer->batch_size * ds->n_positions);
  if (ds->d_in > 0)
    trainer->batch_x = g_new (float, (gsize) trainer->batch_size * ds->d_in);
  trainer->batch_y = g_new (int, trainer->batch_size);
  trainer->last_loss = NAN;
  return g_steal_pointer (&trainer);
}

gsize
grok_trainer_estimate_bytes (const GrokConfig *config, GrokModelFootprint *footprint)
{
  GrokModelSettings model_settings = grok_config_model_settings (config);
  GrokDataset shape;
  gsize batch, max_batch, numel, floats, ints;

  grok_dataset_shape (&config->task, &shape);
  batch = (gsize) grok_config_batch_size (config, shape.n_train);
  max_batch = MAX (batch, MIN (EVAL_CHUNK, (gsize) MAX (shape.n_train, shape.n_test)));
  grok_model_footprint (&model_settings, &shape, (int) max_batch, footprint);
  numel = footprint->n_params;
  /* values and gradients, the optimiser's two moments, the activations */
  floats = 4 * numel + footprint->activations;
  if (config->reg.weight_noise > 0)
    floats += numel + 4 * ((numel + 1) / 2);
  floats += batch * (gsize) shape.d_in;
  ints = (gsize) shape.n_train + batch * ((gsize) shape.n_positions + 1);
  /* saving a checkpoint gathers the values, the moments and the batch order
   * (grok-trainer-state.c) */
  floats += 3 * numel;
  ints += (gsize) shape.n_train;
  return grok_dataset_estimate_bytes (&config->task) + floats * sizeof (float) + ints * sizeof (int);
}

void
grok_trainer_free (GrokTrainer *trainer)
{
  if (trainer == NULL)
    return;
  /* first: a penalty still on the pool reads the model's parameters */
  grok_trainer_penalty_free (trainer);
  grok_config_unref (trainer->config);
  grok_dataset_free (trainer->dataset);
  grok_model_free (trainer->model);
  grok_optimizer_free (trainer->optim);
  g_free (trainer->order);
  g_free (trainer->batch_tokens);
  g_free (trainer->batch_x);
  g_free (trainer->batch_y);
  g_free (trainer->clean);
  g_free (trainer->noise);
  grok_spectrum_workspace_free (trainer->spectrum_ws);
  g_free (trainer);
}

/* the batch of the current step: the whole training set in a full-batch run, otherwise the
 * next slice of this epoch's order, reshuffled when an epoch starts */
static void
next_batch (GrokTrainer *trainer, GrokBatch *batch)
{
  GrokDataset *ds = trainer->dataset;
  int k = trainer->step % trainer->steps_per_epoch;
  int start = k * trainer->batch_size;
  int T = ds->n_positions, D = ds->d_in;

  if (trainer->steps_per_epoch == 1)
    {
      batch->n = ds->n_train;
      batch->tokens = ds->train_tokens;
      batch->x = ds->train_x;
      batch->targets = ds->train_y;
      return;
    }
  if (k == 0)
    grok_rng_shuffle_int (&trainer->batch_rng, trainer->order, ds->n_train);
  batch->n = MIN (trainer->batch_size, ds->n_train - start);
  for (int i = 0; i < batch->n; i++)
    {
      int src = trainer->order[start + i];
      if (T > 0)
        memcpy (trainer->batch_tokens + (gsize) i * T, ds->train_tokens + (gsize) src * T,
                T * sizeof (int));
      if (D > 0)
        memcpy (trainer->batch_x + (gsize) i * D, ds->train_x + (gsize) src * D,
                D * sizeof (float));
      trainer->batch_y[i] = ds->train_y[src];
    }
  batch->tokens = T > 0 ? trainer->batch_tokens : NULL;
  batch->x = D > 0 ? trainer->batch_x : NULL;
  batch->targets = trainer->batch_y;
}

static gboolean
all_finite (const float *x, gsize n)
{
  float acc = 0.0f;

  /* 0 * Inf and 0 * NaN are NaN, so one product-sum sees any non-finite value; in any order
   * (so in vector lanes) */
#pragma omp simd reduction (+:acc)
  for (gsize i = 0; i < n; i++)
    acc += 0.0f * x[i];
  return acc == 0.0f;
}

void
grok_trainer_set_penalty (GrokTrainer *trainer, GrokPenaltyFunc penalty, gpointer user_data)
{
  g_return_if_fail (trainer != NULL && penalty != NULL);
  trainer->penalty = penalty;
  trainer->penalty_data = user_data;
  trainer->penalty_by_matrix = FALSE;
}

/* theta' = theta + N(0, sigma^2), keeping theta in trainer->clean. The normals come from
 * 24-bit float uniforms, two per 64-bit draw, through a vectorised Box-Muller: a quarter of a
 * million draws a step through grok_rng_normal took half as long as the step itself. */
static void
add_weight_noise (GrokTrainer *trainer, GrokParams *params, double sigma)
{
  gsize half = (params->numel + 1) / 2;
  float *u = trainer->noise, *z = trainer->noise + 2 * half;
  const float s = (float) sigma;

  memcpy (trainer->clean, params->data, sizeof (float) * params->numel);
  for (gsize i = 0; i < 2 * half; i += 2)
    {
      guint64 bits = grok_rng_next (&trainer->noise_rng);
      /* (k + 1) / 2^24 for k in [0, 2^24): uniform in (0, 1], so the logarithm is finite */
      u[i] = ((bits >> 40) + 1) * (1.0f / 16777216.0f);
      u[i + 1] = (((bits >> 16) & 0xffffff) + 1) * (1.0f / 16777216.0f);
    }
  grok_vmath_box_muller (z, u, half);
  for (gsize i = 0; i < params->numel; i++)
    params->data[i] += s * z[i];
}

/* the gradient of the loss (and the penalty) at the current, possibly noisy, parameters; the
 * penalty is computed alongside the loss's passes where there is a thread for it;
 * FALSE with error set when the loss or the gradient is not finite */
static gboolean
compute_gradient (GrokTrainer *trainer, GrokBatch *batch, GError **error)
{
  GrokModel *model = trainer->model;
  GrokParams *params = model->params;
  double clip = trainer->config->train.prob_clip;
  double lambda = trainer->config->reg.spectral_entropy;
  double loss;

  if (lambda > 0)
    grok_trainer_penalty_start (trainer, lambda);
  loss = grok_model_forward_loss (model, batch, clip, NULL);
  trainer->last_loss = loss;
  if (isfinite (loss))
    grok_model_backward (model, batch, clip);
  trainer->last_penalty = lambda > 0 ? grok_trainer_penalty_finish (trainer, lambda,
                                                                    isfinite (loss))
                                     : 0.0;
  if (!isfinite (loss))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "training diverged at step %" G_GINT64_FORMAT ": the loss is %g",
                   trainer->step + 1, loss);
      return FALSE;
    }
  if (!all_finite (params->grad, params->numel) || !isfinite (trainer->last_penalty))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "training diverged at step %" G_GINT64_FORMAT ": a gradient is not finite",
                   trainer->step + 1);
      return FALSE;
    }
  return TRUE;
}

gboolean
grok_trainer_step (GrokTrainer *trainer, GError **error)
{
  GrokParams *params = trainer->model->params;
  double sigma = trainer->config->reg.weight_noise;
  gint64 start = g_get_monotonic_time ();
  GrokBatch batch = { 0 };
  gboolean ok;

  next_batch (trainer, &batch);
  if (sigma > 0)
    add_weight_noise (trainer, params, sigma);
  ok = compute_gradient (trainer, &batch, error);
  if (sigma > 0)
    memcpy (params->data, trainer->clean, sizeof (float) * params->numel);
  if (!ok)
    return FALSE;
  grok_optimizer_step (trainer->optim, params->data, params->grad);
  trainer->step++;
  for (int i = 0; i < params->n_tensors; i++)
    if (!all_finite (grok_params_tensor_data (params, i), params->tensors[i].numel))
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                     "training diverged at step %" G_GINT64_FORMAT ": the weights of '%s' are "
                     "not finite after the update", trainer->step, params->tensors[i].name);
        return FALSE;
      }
  trainer->wall_seconds += (g_get_monotonic_time () - start) / 1e6;
  return TRUE;
}

double
grok_trainer_epoch (GrokTrainer *trainer)
{
  return (double) trainer->step / trainer->steps_per_epoch;
}

gboolean
grok_trainer_eval_due (GrokTrainer *trainer)
{
  return trainer->step % trainer->config->train.eval_every == 0 ||
         trainer->step == trainer->config->train.steps;
}

void
grok_trainer_evaluate (GrokTrainer *trainer, double *row)
{
  GrokDataset *ds = trainer->dataset;
  double clip = trainer->config->train.prob_clip;
  gint64 start = g_get_monotonic_time ();

  row[GROK_COL_STEP] = trainer->step;
  row[GROK_COL_EPOCH] = grok_trainer_epoch (trainer);
  grok_model_evaluate (trainer->model, ds->train_tokens, ds->train_x, ds->train_y, ds->n_train,
                       clip, &row[GROK_COL_TRAIN_LOSS], &row[GROK_COL_TRAIN_ACC]);
  grok_model_evaluate (trainer->model, ds->test_tokens, ds->test_x, ds->test_y, ds->n_test,
                       clip, &row[GROK_COL_TEST_LOSS], &row[GROK_COL_TEST_ACC]);
  row[GROK_COL_L2_NORM] = grok_params_l2_norm (trainer->model->params);
  trainer->wall_seconds += (g_get_monotonic_time () - start) / 1e6;
  row[GROK_COL_WALL_SECONDS] = trainer->wall_seconds;
}

GrokMetrics *
grok_trainer_new_metrics (const GrokConfig *config)
{
  static const char * const base[] = { GROK_METRICS_BASE_COLUMNS, NULL };
  g_autoptr (GPtrArray) columns = g_ptr_array_new ();

  for (int i = 0; base[i] != NULL; i++)
    g_ptr_array_add (columns, (gpointer) base[i]);
  for (guint m = 0; config != NULL && m < GROK_N_MEASURES; m++)
    if (grok_config_measure_enabled (config, m))
      for (const char * const *c = grok_measure_kind (m)->columns; *c != NULL; c++)
        g_ptr_array_add (columns, (gpointer) *c);
  g_ptr_array_add (columns, NULL);
  return grok_metrics_new ((const char * const *) columns->pdata);
}
