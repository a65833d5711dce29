/* The MLP: parameters, buffers sized once for max_batch, and the layer-by-layer passes.
 *
 * Shapes for a batch of B examples, d = model.d_embed, T = tokens per example, W = width:
 *   input  (B, I)   I = T * d (embeddings concatenated) or d_in (continuous)
 *   pre[l] (B, W)   pre-activation of hidden layer l;  post[l] (B, W) = act (pre[l])
 *   logits (B, classes) = post[depth - 1] @ layers.{depth}.weight^T + bias
 *
 * A batch is cut into row blocks fixed by its size alone (grok_model_blocks), and each block
 * goes through every layer, forward and backward, on whichever thread takes it: no thread waits
 * for another between layers. Each block's weight gradients go to a buffer of its own (the
 * first block's is params->grad), and the buffers are added once at the end in block order;
 * on one thread each block's buffer is added as soon as it is made, which is the same order,
 * so one thread or eight give the same gradients bit for bit.
 *
 * The first layer of a token MLP is linear in one-hot inputs, so when a batch has more rows
 * than twice the vocabulary it is folded: pre[0] = bias + sum_t table[t][tokens[n, t]], where
 * table[t] (V, W) = embed.weight @ (the columns of layers.0.weight that see position t)^T.
 * Backward, each block sums its rows' d pre[0] per token into a g[t] (V, W) of its own; the
 * blocks' g[t] are added in block order, like their other gradients, and both the embeddings'
 * and the weights' gradients are then small products with the sum, made once a batch however
 * many blocks it has. The three products of B rows by the input width become products of V
 * rows (for addition mod 97 at 40%: 3763 rows against 97). */
#include "grok-mlp.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-kernels.h"
#include "grok-rng.h"

typedef struct
{
  GrokModel      parent;
  int            depth;
  int            width;
  int            d_embed;
  int            input_width;
  GrokActivation act;
  int            embed;       /* tensor index of embed.weight, or -1 */
  int           *weight;      /* tensor index of layers.{l}.weight, l = 0..depth */
  int           *bias;
  float         *input;       /* (max_batch, input_width); unused for continuous inputs */
  float        **pre;         /* depth buffers of (max_batch, width) */
  float        **post;
  float         *scratch[2];  /* (max_batch, max_width) for the backward pass */
  int            max_width;   /* of the input, the hidden layers and the output */
  int            grad_parts;  /* buffers in grad_part (see mlp_grad_parts) */
  float         *grad_part;   /* (grad_parts, numel): the other blocks' gradients */
  int            vocab;
  gboolean       folded;      /* whether the last forward pass folded the first layer */
  float         *table;       /* (n_positions, vocab, width) */
  float         *token_grad;  /* (grad_parts + 1, n_positions, vocab, width): each block's g[t],
                               * block 0's first */
} GrokMlp;

enum { STREAM_INIT = 11 };

static const GrokModelClass mlp_class;

gboolean
grok_model_is_mlp (GrokModel *model)
{
  return model->klass == &mlp_class;
}

static int
layer_in (GrokMlp *mlp, int l)
{
  return l == 0 ? mlp->input_width : mlp->width;
}

static int
layer_out (GrokMlp *mlp, int l)
{
  return l == mlp->depth ? mlp->parent.n_classes : mlp->width;
}

static void
mlp_finalize (GrokModel *model)
{
  GrokMlp *mlp = (GrokMlp *) model;

  for (int l = 0; l < mlp->depth; l++)
    {
      g_free (mlp->pre[l]);
      g_free (mlp->post[l]);
    }
  g_free (mlp->pre);
  g_free (mlp->post);
  g_free (mlp->input);
  g_free (mlp->scratch[0]);
  g_free (mlp->scratch[1]);
  g_free (mlp->grad_part);
  g_free (mlp->table);
  g_free (mlp->token_grad);
  g_free (mlp->weight);
  g_free (mlp->bias);
}

static void
fill_uniform (GrokRng *rng, float *x, gsize n, double bound, double scale)
{
  for (gsize i = 0; i < n; i++)
    x[i] = (float) ((2.0 * grok_rng_uniform (rng) - 1.0) * bound * scale);
}

/* PyTorch's defaults: Linear weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); Embedding
 * N(0, 1); all times init_scale */
static void
mlp_init_params (GrokModel *model, guint64 seed)
{
  GrokMlp *mlp = (GrokMlp *) model;
  GrokParams *params = model->params;
  double scale = model->settings.init_scale;
  GrokRng rng;

  grok_rng_init_stream (&rng, seed, STREAM_INIT);
  if (mlp->embed >= 0)
    {
      float *e = grok_params_tensor_data (params, mlp->embed);
      for (gsize i = 0; i < params->tensors[mlp->embed].numel; i++)
        e[i] = (float) (grok_rng_normal (&rng) * scale);
    }
  for (int l = 0; l <= mlp->depth; l++)
    {
      double bound = 1.0 / sqrt ((double) layer_in (mlp, l));
      fill_uniform (&rng, grok_params_tensor_data (params, mlp->weight[l]),
                    params->tensors[mlp->weight[l]].numel, bound, scale);
      fill_uniform (&rng, grok_params_tensor_data (params, mlp->bias[l]),
                    params->tensors[mlp->bias[l]].numel, bound, scale);
    }
}

/* The MLP's own row split: over `threads` threads, or every core with 0, and never more threads
 * than a batch can have blocks. The team sleeps between calls, so a split beside other work
 * costs no more than one thread. The blocks, and so the results, are the same either way. */
static int
mlp_threads (const GrokModelSettings *settings)
{
  int want = settings->threads > 0 ? settings->threads : (int) g_get_num_processors ();

  return want > 1 ? MIN (want, GROK_MODEL_MAX_BLOCKS) : 1;
}

/* the gradient buffers beside params->grad: one a block past the first when threads share the
 * blocks; on one thread a single one, each block's gradient added to params->grad as soon as
 * it is made, which adds in the same order. Sized for the largest batch that goes backward: a
 * training batch, or for a model made without a training set (a test's) any batch it takes. */
static int
mlp_grad_parts (const GrokModelSettings *settings, const GrokDataset *dataset, int max_batch)
{
  gint64 rows = max_batch;
  int blocks;

  if (dataset->n_train > 0)
    rows = MIN (rows, grok_task_batch_size (settings->batch_size, dataset->n_train));
  blocks = grok_model_blocks ((int) rows);
  return mlp_threads (settings) > 1 ? blocks - 1 : MIN (blocks - 1, 1);
}

/* The sizes of an MLP for a dataset of shape and batches of max_batch, in elements: what
 * grok_mlp_new allocates and grok_mlp_footprint counts, worked out once for both. */
typedef struct
{
  gsize input_width;  /* the first layer's input */
  gsize max_width;    /* of the input, the hidden layers and the output */
  gsize embed;        /* the embedding table (vocab, d_embed), or 0 for continuous inputs */
  gsize n_params;     /* the table's numel, alignment included */
  gsize largest;      /* the largest 2-D parameter */
  gsize input;        /* the embedded inputs (max_batch, input_width), or 0 */
  gsize hidden;       /* one pre- or post-activation buffer (max_batch, width) */
  gsize scratch;      /* one backward scratch buffer (max_batch, max_width) */
  int   threads;
  int   grad_parts;
  gsize table;        /* the folded first layer (n_positions, vocab, width), or 0 */
} MlpSizes;

static void
mlp_sizes (const GrokModelSettings *settings, const GrokDataset *shape, int max_batch,
           MlpSizes *z)
{
  gsize depth = (gsize) settings->depth, width = (gsize) settings->width;
  gsize B = (gsize) max_batch;

  memset (z, 0, sizeof *z);
  z->input_width = shape->n_positions > 0 ? (gsize) shape->n_positions * settings->d_embed
                                          : (gsize) shape->d_in;
  z->max_width = MAX (z->input_width, MAX (width, (gsize) shape->n_classes));
  if (shape->n_positions > 0)
    {
      z->embed = (gsize) shape->vocab * settings->d_embed;
      z->input = B * z->input_width;
    }
  z->n_params = z->largest = z->embed;
  for (gsize l = 0; l <= depth; l++)
    {
      gsize in = l == 0 ? z->input_width : width;
      gsize out = l == depth ? (gsize) shape->n_classes : width;
      z->n_params = grok_params_numel_after (z->n_params, out * in);
      z->n_params = grok_params_numel_after (z->n_params, out);
      z->largest = MAX (z->largest, out * in);
    }
  z->hidden = B * width;
  z->scratch = B * z->max_width;
  z->threads = mlp_threads (settings);
  z->grad_parts = mlp_grad_parts (settings, shape, max_batch);
  if (shape->n_positions > 0 && depth > 0)
    z->table = (gsize) shape->n_positions * shape->vocab * width;
}

void
grok_mlp_embed (GrokModel *model, const int *tokens, const float *x, int n, float *out)
{
  GrokMlp *mlp = (GrokMlp *) model;

  if (mlp->embed >= 0)
    grok_embedding_forward (out, tokens, grok_params_tensor_data (model->params, mlp->embed),
                            n, model->n_positions, mlp->d_embed);
  else
    memcpy (out, x, (gsize) n * model->d_in * sizeof (float));
}

int
grok_mlp_input_width (GrokModel *model)
{
  return ((GrokMlp *) model)->input_width;
}

/* the input rows [n0, n1) of the batch: their embeddings gathered, or the batch's own x */
static const float *
batch_input (GrokMlp *mlp, const GrokBatch *batch, int n0, int n1)
{
  int T = mlp->parent.n_positions;

  if (mlp->embed < 0)
    return batch->x + (gsize) n0 * mlp->input_width;
  grok_embedding_forward (mlp->input + (gsize) n0 * mlp->input_width, batch->tokens + n0 * T,
                          grok_params_tensor_data (mlp->parent.params, mlp->embed), n1 - n0, T,
                          mlp->d_embed);
  return mlp->input + (gsize) n0 * mlp->input_width;
}

/* the folded first layer needs a hidden layer after it and pays when the batch is large */
static gboolean
can_fold (GrokMlp *mlp, int n)
{
  return mlp->table != NULL && n >= 2 * mlp->vocab;
}

/* a batch's passes over the team: which batch, and its blocks */
typedef struct
{
  GrokMlp         *mlp;
  const GrokBatch *batch;
  int              blocks;
  int              slices;
} MlpJob;

/* table[t] for position t, a task of its own */
static void
fill_table (gpointer data, int t, int member)
{
  GrokMlp *mlp = ((MlpJob *) data)->mlp;
  GrokParams *params = mlp->parent.params;
  int T = mlp->parent.n_positions, d = mlp->d_embed, W = mlp->width;
  const float *w0 = grok_params_tensor_data (params, mlp->weight[0]);

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, mlp->vocab, W, d, 1.0f,
               grok_params_tensor_data (params, mlp->embed), d, w0 + t * d, T * d, 0.0f,
               mlp->table + (gsize) t * mlp->vocab * W, W);
}

/* pre[0] and post[0] of rows [n0, n1) from the tables */
static void
folded_first_layer (GrokMlp *mlp, const GrokBatch *batch, int n0, int n1)
{
  int T = mlp->parent.n_positions, W = mlp->width;
  const float *bias = grok_params_tensor_data (mlp->parent.params, mlp->bias[0]);
  void (*forward) (float *, const float *, gsize) = grok_activation_info (mlp->act)->forward;

  for (int n = n0; n < n1; n++)
    {
      float *row = mlp->pre[0] + (gsize) n * W;

      /* the bias, then each position's entry added in turn */
      for (int t = 0; t < T; t++)
        {
          const float *entry = mlp->table + ((gsize) t * mlp->vocab + batch->tokens[n * T + t]) * W;
          grok_add_rows (row, t == 0 ? bias : row, entry, W);
        }
      forward (mlp->post[0] + (gsize) n * W, row, W);
    }
}

static void
forward_rows (GrokMlp *mlp, const GrokBatch *batch, int n0, int n1)
{
  GrokModel *model = &mlp->parent;
  GrokParams *params = model->params;
  gsize W = mlp->width;
  const float *in;
  int first = 0;

  if (mlp->folded)
    {
      folded_first_layer (mlp, batch, n0, n1);
      first = 1;
      in = mlp->post[0] + n0 * W;
    }
  else
    in = batch_input (mlp, batch, n0, n1);
  for (int l = first; l < mlp->depth; l++)
    {
      grok_linear_act_forward (mlp->pre[l] + n0 * W, mlp->post[l] + n0 * W, in,
                               grok_params_tensor_data (params, mlp->weight[l]),
                               grok_params_tensor_data (params, mlp->bias[l]), n1 - n0,
                               layer_in (mlp, l), mlp->width, mlp->act);
      in = mlp->post[l] + n0 * W;
    }
  grok_linear_forward (model->logits + (gsize) n0 * model->n_classes, in,
                       grok_params_tensor_data (params, mlp->weight[mlp->depth]),
                       grok_params_tensor_data (params, mlp->bias[mlp->depth]), n1 - n0,
                       layer_in (mlp, mlp->depth), model->n_classes);
}

static void
forward_block (gpointer data, int b, int member)
{
  MlpJob *job = data;
  int n = job->batch->n;

  forward_rows (job->mlp, job->batch, grok_model_block_start (n, b, job->blocks),
                grok_model_block_start (n, b + 1, job->blocks));
}

static void
mlp_forward (GrokModel *model, const GrokBatch *batch)
{
  GrokMlp *mlp = (GrokMlp *) model;
  MlpJob job = { mlp, batch, grok_model_blocks (batch->n) };

  mlp->folded = can_fold (mlp, batch->n);
  if (mlp->folded)
    grok_team_run (model->team, model->n_positions, fill_table, &job);
  grok_team_run (model->team, job.blocks, forward_block, &job);
}

static gsize
table_numel (GrokMlp *mlp)
{
  return (gsize) mlp->parent.n_positions * mlp->vocab * mlp->width;
}

/* the folded first layer's per-token sums of d pre[0] of rows [n0, n1) (dpre, row n0 first):
 * each row's d pre[0] added to its tokens' g[t] */
static void
folded_token_sums (GrokMlp *mlp, const GrokBatch *batch, float *g, const float *dpre, int n0,
                   int n1)
{
  int T = mlp->parent.n_positions, V = mlp->vocab, W = mlp->width;

  memset (g, 0, table_numel (mlp) * sizeof (float));
  for (int n = n0; n < n1; n++)
    for (int t = 0; t < T; t++)
      {
        float *entry = g + ((gsize) t * V + batch->tokens[n * T + t]) * W;
        grok_add_rows (entry, entry, dpre + (gsize) (n - n0) * W, W);
      }
}

/* the folded first layer's gradients from the batch's g[t] (the blocks' sum, in token_grad),
 * into params->grad, where the blocks left them zero: task 0 makes
 * d layers.0.weight[:, t block] = g[t]^T @ embed.weight, task 1
 * d embed.weight = sum_t g[t] @ that block of layers.0.weight, t in order */
static void
folded_first_backward (gpointer data, int task, int member)
{
  GrokMlp *mlp = ((MlpJob *) data)->mlp;
  GrokParams *params = mlp->parent.params;
  int T = mlp->parent.n_positions, d = mlp->d_embed, W = mlp->width, V = mlp->vocab;
  const float *w0 = grok_params_tensor_data (params, mlp->weight[0]);
  const float *embed = grok_params_tensor_data (params, mlp->embed);

  for (int t = 0; t < T; t++)
    {
      const float *gt = mlp->token_grad + (gsize) t * V * W;

      if (task == 0)
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, W, d, V, 1.0f, gt, W, embed, d,
                     1.0f, params->grad + params->tensors[mlp->weight[0]].offset + t * d, T * d);
      else
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, V, d, W, 1.0f, gt, W, w0 + t * d,
                     T * d, 1.0f, params->grad + params->tensors[mlp->embed].offset, d);
    }
}

/* the gradients of rows [n0, n1) into grad (laid out as params->grad). A thread's input
 * gradients start at row n0 of max_width floats, so its rows never meet another thread's
 * whatever the layer's width. */
static void
backward_rows (GrokMlp *mlp, const GrokBatch *batch, float *grad, float *g, int n0, int n1)
{
  GrokModel *model = &mlp->parent;
  GrokParams *params = model->params;
  const float *dout = model->dlogits + (gsize) n0 * model->n_classes;
  gsize W = mlp->width;
  int last = mlp->folded ? 1 : 0;

  for (int l = mlp->depth; l >= last; l--)
    {
      const float *in = l > 0 ? mlp->post[l - 1] + n0 * W
                              : (mlp->embed >= 0 ? mlp->input : batch->x) +
                                    (gsize) n0 * mlp->input_width;
      float *dinp = mlp->scratch[l & 1] + (gsize) n0 * mlp->max_width;
      gboolean need_dinp = l > 0 || mlp->embed >= 0;

      grok_linear_backward (need_dinp ? dinp : NULL,
                            grad + params->tensors[mlp->weight[l]].offset,
                            grad + params->tensors[mlp->bias[l]].offset, dout, in,
                            grok_params_tensor_data (params, mlp->weight[l]), n1 - n0,
                            layer_in (mlp, l), layer_out (mlp, l));
      if (l > 0)
        grok_activation_backward (mlp->act, dinp, dinp, mlp->pre[l - 1] + n0 * W,
                                  (gsize) (n1 - n0) * W);
      dout = dinp;
    }
  if (mlp->folded)
    {
      grok_bias_backward (grad + params->tensors[mlp->bias[0]].offset, dout, n1 - n0, mlp->width);
      folded_token_sums (mlp, batch, g, dout, n0, n1);
    }
  else if (mlp->embed >= 0)
    grok_embedding_backward (grad + params->tensors[mlp->embed].offset, dout,
                             batch->tokens + n0 * model->n_positions, n1 - n0,
                             model->n_positions, mlp->d_embed);
}

/* the gradients of block b into a buffer of its own (block 0's is params->grad, zeroed by
 * the caller); the folded layer's per-token sums too */
static void
backward_block (gpointer data, int b, int member)
{
  MlpJob *job = data;
  GrokMlp *mlp = job->mlp;
  GrokModel *model = &mlp->parent;
  gsize numel = model->params->numel;
  int n = job->batch->n;
  float *grad = b == 0 ? model->params->grad : mlp->grad_part + (b - 1) * numel;
  float *g = mlp->folded ? mlp->token_grad + b * table_numel (mlp) : NULL;

  if (b > 0)
    memset (grad, 0, numel * sizeof (float));
  backward_rows (mlp, job->batch, grad, g, grok_model_block_start (n, b, job->blocks),
                 grok_model_block_start (n, b + 1, job->blocks));
}

/* one slice of params->grad += the other blocks' gradients, and of the folded layer's
 * block 0 g[t] += the other blocks' g[t], added in block order whatever the slices */
static void
sum_blocks (gpointer data, int slice, int member)
{
  MlpJob *job = data;
  GrokMlp *mlp = job->mlp;
  GrokParams *params = mlp->parent.params;
  gsize numel = params->numel;
  gsize i0 = numel * slice / job->slices, i1 = numel * (slice + 1) / job->slices;

  for (int b = 1; b < job->blocks; b++)
    {
      const float *part = mlp->grad_part + (b - 1) * numel;
#pragma omp simd
      for (gsize i = i0; i < i1; i++)
        params->grad[i] += part[i];
    }
  if (mlp->folded)
    {
      gsize size = table_numel (mlp);
      gsize j0 = size * slice / job->slices, j1 = size * (slice + 1) / job->slices;

      for (int b = 1; b < job->blocks; b++)
        grok_add_rows (mlp->token_grad + j0, mlp->token_grad + j0,
                       mlp->token_grad + b * size + j0, j1 - j0);
    }
}

/* on one thread: each block's gradient into the one buffer, added to params->grad at once */
static void
backward_blocks_in_turn (MlpJob *job)
{
  GrokMlp *mlp = job->mlp;
  GrokParams *params = mlp->parent.params;
  int n = job->batch->n;

  for (int b = 0; b < job->blocks; b++)
    {
      float *grad = b == 0 ? params->grad : mlp->grad_part;
      float *g = mlp->folded ? mlp->token_grad + (b == 0 ? 0 : table_numel (mlp)) : NULL;

      if (b > 0)
        memset (grad, 0, params->numel * sizeof (float));
      backward_rows (mlp, job->batch, grad, g, grok_model_block_start (n, b, job->blocks),
                     grok_model_block_start (n, b + 1, job->blocks));
      if (b > 0)
        {
#pragma omp simd
          for (gsize i = 0; i < params->numel; i++)
            params->grad[i] += grad[i];
          if (mlp->folded)
            grok_add_rows (mlp->token_grad, mlp->token_grad, g, table_numel (mlp));
        }
    }
}

static void
mlp_backward (GrokModel *model, const GrokBatch *batch)
{
  GrokMlp *mlp = (GrokMlp *) model;
  MlpJob job = { mlp, batch, grok_model_blocks (batch->n), grok_team_threads (model->team) };

  if (job.slices == 1)
    {
      g_assert (job.blocks == 1 || mlp->grad_parts >= 1);
      backward_blocks_in_turn (&job);
    }
  else
    {
      g_assert (job.blocks - 1 <= mlp->grad_parts);
      grok_team_run (model->team, job.blocks, backward_block, &job);
      if (job.blocks > 1)
        grok_team_run (model->team, job.slices, sum_blocks, &job);
    }
  if (mlp->folded)
    grok_team_run (model->team, 2, folded_first_backward, &job);
}

static const GrokModelClass mlp_class = {
  .name = "mlp",
  .finalize = mlp_finalize,
  .init_params = mlp_init_params,
  .forward = mlp_forward,
  .backward = mlp_backward,
};

GrokLayerView *
grok_mlp_layers (GrokModel *model, int *n_layers)
{
  GrokMlp *mlp = (GrokMlp *) model;
  GrokLayerView *views;

  g_return_val_if_fail (grok_model_is_mlp (model), NULL);
  views = g_new0 (GrokLayerView, mlp->depth + 1);
  for (int l = 0; l <= mlp->depth; l++)
    {
      views[l].weight = grok_params_tensor_data (model->params, mlp->weight[l]);
      views[l].bias = grok_params_tensor_data (model->params, mlp->bias[l]);
      views[l].in = layer_in (mlp, l);
      views[l].out = layer_out (mlp, l);
      views[l].act = l < mlp->depth ? mlp->act : GROK_ACT_LINEAR;
    }
  *n_layers = mlp->depth + 1;
  return views;
}

GrokModel *
grok_mlp_new (const GrokModelSettings *settings, const GrokDataset *dataset, int max_batch)
{
  GrokMlp *mlp = g_new0 (GrokMlp, 1);
  GrokModel *model = &mlp->parent;
  MlpSizes z;

  mlp_sizes (settings, dataset, max_batch, &z);
  grok_model_init_base (model, &mlp_class, settings, dataset, max_batch);
  mlp->depth = settings->depth;
  mlp->width = settings->width;
  mlp->d_embed = settings->d_embed;
  mlp->act = settings->activation;
  mlp->embed = -1;
  if (dataset->n_positions > 0)
    {
      int shape[2] = { dataset->vocab, mlp->d_embed };
      mlp->embed = grok_params_add (model->params, "embed.weight", 2, shape);
    }
  mlp->input_width = (int) z.input_width;

  mlp->weight = g_new (int, mlp->depth + 1);
  mlp->bias = g_new (int, mlp->depth + 1);
  for (int l = 0; l <= mlp->depth; l++)
    {
      g_autofree char *wname = g_strdup_printf ("layers.%d.weight", l);
      g_autofree char *bname = g_strdup_printf ("layers.%d.bias", l);
      int wshape[2] = { layer_out (mlp, l), layer_in (mlp, l) };
      mlp->weight[l] = grok_params_add (model->params, wname, 2, wshape);
      mlp->bias[l] = grok_params_add (model->params, bname, 1, wshape);
    }
  grok_params_allocate (model->params);
  g_assert (model->params->numel == z.n_params);

  mlp->max_width = (int) z.max_width;
  model->threads = z.threads;
  model->team = grok_team_new (model->threads);
  mlp->grad_parts = z.grad_parts;
  if (mlp->grad_parts > 0)
    mlp->grad_part = g_new0 (float, (gsize) mlp->grad_parts * z.n_params);
  if (z.table > 0)
    {
      mlp->vocab = dataset->vocab;
      mlp->table = g_new0 (float, z.table);
      mlp->token_grad = g_new0 (float, (gsize) (mlp->grad_parts + 1) * z.table);
    }
  if (z.input > 0)
    mlp->input = g_new0 (float, z.input);
  mlp->pre = g_new0 (float *, MAX (mlp->depth, 1));
  mlp->post = g_new0 (float *, MAX (mlp->depth, 1));
  for (int l = 0; l < mlp->depth; l++)
    {
      mlp->pre[l] = g_new0 (float, z.hidden);
      mlp->post[l] = g_new0 (float, z.hidden);
    }
  mlp->scratch[0] = g_new0 (float, z.scratch);
  mlp->scratch[1] = g_new0 (float, z.scratch);
  return model;
}

/* grok_mlp_new's allocations, counted from the same sizes */
void
grok_mlp_footprint (const GrokModelSettings *settings, const GrokDataset *shape, int max_batch,
                    GrokModelFootprint *footprint)
{
  MlpSizes z;

  mlp_sizes (settings, shape, max_batch, &z);
  footprint->n_params += z.n_params;
  footprint->largest = MAX (footprint->largest, z.largest);
  /* the embedded inputs, the hidden layers' buffers and the backward scratch; the other
   * blocks' gradients; the folded first layer's tables and each block's g[t] */
  footprint->activations += z.input + 2 * (gsize) settings->depth * z.hidden + 2 * z.scratch +
                            (gsize) z.grad_parts * z.n_params +
                            (gsize) (z.grad_parts + 2) * z.table;
}

GrokLayerView *
grok_mlp_views_from_params (const GrokModelSettings *settings, const GrokParams *params, int *n_layers,
                            GError **error)
{
  int depth = settings->depth;
  g_autofree GrokLayerView *views = g_new0 (GrokLayerView, depth + 1);

  if (settings->kind != GROK_MODEL_MLP)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "the model is not an MLP");
      return NULL;
    }
  for (int l = 0; l <= depth; l++)
    {
      g_autofree char *wname = g_strdup_printf ("layers.%d.weight", l);
      g_autofree char *bname = g_strdup_printf ("layers.%d.bias", l);
      int w = grok_params_find (params, wname), b = grok_params_find (params, bname);
      const GrokTensor *wt, *bt;

      if (w < 0 || b < 0)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "the parameters have no tensor '%s'",
                       w < 0 ? wname : bname);
          return NULL;
        }
      wt = &params->tensors[w];
      bt = &params->tensors[b];
      if (wt->ndim != 2 || bt->ndim != 1 || bt->shape[0] != wt->shape[0] ||
          (l > 0 && wt->shape[1] != views[l - 1].out))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                       "tensor '%s' does not fit the layer before it", wname);
          return NULL;
        }
      views[l].weight = params->data + wt->offset;
      views[l].bias = params->data + bt->offset;
      views[l].out = wt->shape[0];
      views[l].in = wt->shape[1];
      views[l].act = l < depth ? settings->activation : GROK_ACT_LINEAR;
    }
  *n_layers = depth + 1;
  return g_steal_pointer (&views);
}
