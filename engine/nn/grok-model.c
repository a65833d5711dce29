/* The model interface: dispatch to the family and the loss around it. */
#include "grok-model.h"

#include <math.h>
#include <string.h>

#include "grok-blas.h"
#include "grok-kernels.h"
#include "grok-logistic.h"
#include "grok-transformer.h"

void
grok_model_init_base (GrokModel *model, const GrokModelClass *klass,
                      const GrokModelSettings *settings, const GrokDataset *dataset, int max_batch)
{
  model->klass = klass;
  model->settings = *settings;
  model->params = grok_params_new ();
  model->max_batch = max_batch;
  model->n_classes = dataset->n_classes;
  model->head = dataset->head;
  model->n_positions = dataset->n_positions;
  model->d_in = dataset->d_in;
  model->logits = g_new0 (float, (gsize) max_batch * model->n_classes);
  model->probs = g_new0 (float, (gsize) max_batch * model->n_classes);
  model->dlogits = g_new0 (float, (gsize) max_batch * model->n_classes);
  model->threads = 1;
}

int
grok_model_blocks (int n)
{
  return CLAMP ((n + GROK_MODEL_BLOCK_ROWS - 1) / GROK_MODEL_BLOCK_ROWS, 1, GROK_MODEL_MAX_BLOCKS);
}

typedef struct
{
  GrokModel       *model;
  const GrokBatch *batch;
  int              blocks;
  double           clip;
  gboolean         count;      /* the right predictions too */
  gboolean         normalise;  /* the softmax into probs, for a backward pass */
  double           sums[GROK_MODEL_MAX_BLOCKS];
  int              correct[GROK_MODEL_MAX_BLOCKS];
} LossJob;

static void
cross_entropy_block (gpointer data, int b, int member)
{
  LossJob *job = data;
  const GrokBatch *batch = job->batch;
  int V = job->model->n_classes;
  int n0 = grok_model_block_start (batch->n, b, job->blocks);
  int n1 = grok_model_block_start (batch->n, b + 1, job->blocks);

  double (*loss) (float *, const float *, const int *, int, int, double, int *) =
    job->normalise ? grok_cross_entropy_forward : grok_cross_entropy_loss;

  job->sums[b] = (n1 - n0) * loss (job->model->probs + (gsize) n0 * V,
                                   job->model->logits + (gsize) n0 * V, batch->targets + n0,
                                   n1 - n0, V, job->clip, job->count ? &job->correct[b] : NULL);
}

static void
cross_entropy_backward_block (gpointer data, int b, int member)
{
  LossJob *job = data;
  const GrokBatch *batch = job->batch;
  int V = job->model->n_classes;
  int n0 = grok_model_block_start (batch->n, b, job->blocks);
  int n1 = grok_model_block_start (batch->n, b + 1, job->blocks);

  grok_cross_entropy_backward (job->model->dlogits + (gsize) n0 * V,
                               job->model->probs + (gsize) n0 * V, batch->targets + n0, n1 - n0,
                               V, job->clip, batch->n);
}

void
grok_model_footprint (const GrokModelSettings *settings, const GrokDataset *shape, int max_batch,
                      GrokModelFootprint *footprint)
{
  memset (footprint, 0, sizeof *footprint);
  if (settings->kind == GROK_MODEL_TRANSFORMER)
    grok_transformer_footprint (settings, shape, max_batch, footprint);
  else
    grok_mlp_footprint (settings, shape, max_batch, footprint);
  /* logits, probs and dlogits, as grok_model_init_base allocates them */
  footprint->activations += 3 * (gsize) max_batch * shape->n_classes;
}

GrokModel *
grok_model_new (const GrokModelSettings *settings, const GrokDataset *dataset, int max_batch)
{
  grok_blas_init ();
  g_return_val_if_fail (max_batch > 0, NULL);

  switch (settings->kind)
    {
    case GROK_MODEL_MLP:
      return grok_mlp_new (settings, dataset, max_batch);
    case GROK_MODEL_TRANSFORMER:
      return grok_transformer_new (settings, dataset, max_batch);
    default:
      g_assert_not_reached ();
    }
}

void
grok_model_free (GrokModel *model)
{
  if (model == NULL)
    return;
  if (model->klass->finalize)
    model->klass->finalize (model);
  grok_team_free (model->team);
  grok_params_unref (model->params);
  g_free (model->logits);
  g_free (model->probs);
  g_free (model->dlogits);
  g_free (model);
}

void
grok_model_init_params (GrokModel *model, guint64 seed)
{
  model->klass->init_params (model, seed);
}

/* the mean cross-entropy of the batch: each block's sum, the blocks taken by the team's
 * threads, then the blocks' sums added in block order; the softmax into probs when normalise */
static double
cross_entropy_forward (GrokModel *model, const GrokBatch *batch, double clip, int *n_correct,
                       gboolean normalise)
{
  LossJob job = { model, batch, grok_model_blocks (batch->n), clip, n_correct != NULL,
                  normalise };
  double total = 0.0;

  grok_team_run (model->team, job.blocks, cross_entropy_block, &job);
  if (n_correct != NULL)
    *n_correct = 0;
  for (int b = 0; b < job.blocks; b++)
    {
      total += job.sums[b];
      if (n_correct != NULL)
        *n_correct += job.correct[b];
    }
  return total / batch->n;
}

/* the forward pass and the loss; the softmax is left in probs only when normalise (the digit
 * head's probabilities are always there) */
static double
forward_loss (GrokModel *model, const GrokBatch *batch, double clip, int *n_correct,
              gboolean normalise)
{
  g_assert (batch->n > 0 && batch->n <= model->max_batch);
  model->klass->forward (model, batch);
  if (model->head == GROK_HEAD_DIGITS)
    return grok_digits_bce_forward (model->probs, model->logits, batch->targets, batch->n,
                                    model->n_classes, clip, n_correct);
  return cross_entropy_forward (model, batch, clip, n_correct, normalise);
}

double
grok_model_forward_loss (GrokModel *model, const GrokBatch *batch, double clip, int *n_correct)
{
  return forward_loss (model, batch, clip, n_correct, TRUE);
}

void
grok_model_backward (GrokModel *model, const GrokBatch *batch, double clip)
{
  LossJob job = { model, batch, grok_model_blocks (batch->n), clip };

  grok_params_zero_grad (model->params);
  if (model->head == GROK_HEAD_DIGITS)
    grok_digits_bce_backward (model->dlogits, model->probs, batch->targets, batch->n,
                              model->n_classes, clip);
  else
    grok_team_run (model->team, job.blocks, cross_entropy_backward_block, &job);
  model->klass->backward (model, batch);
}

void
grok_model_evaluate (GrokModel *model, const int *tokens, const float *x, const int *targets,
                     int n, double clip, double *loss, double *accuracy)
{
  double total = 0.0;
  int correct = 0;

  for (int start = 0; start < n; start += model->max_batch)
    {
      GrokBatch batch = { 0 };
      int c = 0;

      batch.n = MIN (model->max_batch, n - start);
      batch.tokens = tokens ? tokens + (gsize) start * model->n_positions : NULL;
      batch.x = x ? x + (gsize) start * model->d_in : NULL;
      batch.targets = targets + start;
      total += forward_loss (model, &batch, clip, accuracy != NULL ? &c : NULL, FALSE) * batch.n;
      correct += c;
    }
  *loss = n > 0 ? total / n : NAN;
  if (accuracy != NULL)
    *accuracy = n > 0 ? (double) correct / n : NAN;
}
