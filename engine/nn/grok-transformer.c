/* The transformer: parameters, buffers sized once for max_batch, and the passes.
 *
 * Shapes for a batch of B sequences of T tokens, N = B * T rows, C = d_model, F = d_mlp,
 * V = vocabulary. Rows are tokens, sequence-major (row b * T + t), as grok-attention.h reads them.
 *   x0      (N, C)  tok_embed[token] + pos_embed[t]
 *   block:  k, v = projections of x       (N, C);  q                     (M, C)
 *           r1 = x + attn (x)             (M, C);  xmid = LN1 (r1)       (M, C)
 *           pre = fc1 (xmid)              (M, F);  act = gelu (pre)      (M, F)
 *           r2 = xmid + fc2 (act)         (M, C);  xout = LN2 (r2)       (M, C)
 *   logits  (B, V) = unembed (xout of the last block)
 * Two shortcuts, both exact. Only the last position is read out, so the last block needs its
 * query and everything after the attention at the B last positions alone (M = B there, M = N
 * in the other blocks): its attention is grok_attention_last_*, and xlast holds its input's
 * last-position rows for the residual. And the first block's input is a sum of two table
 * rows, so its q, k, v projections are too: they are computed once per table row (V + T
 * rows instead of N) and gathered, and their backward pass sums the gradients per table row
 * before the products. */
#include "grok-transformer.h"

#include <math.h>
#include <string.h>

#include "grok-attention.h"
#include "grok-kernels.h"
#include "grok-layernorm.h"
#include "grok-rng.h"

enum
{
  T_Q_W, T_Q_B, T_K_W, T_K_B, T_V_W, T_V_B, T_O_W, T_O_B,
  T_LN1_W, T_LN1_B, T_FC1_W, T_FC1_B, T_FC2_W, T_FC2_B, T_LN2_W, T_LN2_B,
  N_BLOCK_TENSORS
};

typedef struct
{
  int                tensor[N_BLOCK_TENSORS];
  gboolean           last;
  GrokAttentionCache cache;         /* q, heads (M, C); k, v (N, C); att (B, H, T or T*T) */
  float             *xlast;         /* (B, C) the input's last-position rows; last block */
  float             *r1, *mean1, *rstd1, *xmid;
  float             *pre, *act, *r2, *mean2, *rstd2, *xout;
} Block;

typedef struct
{
  GrokModel parent;
  int       d_model, n_heads, d_mlp, n_blocks, vocab;
  float     ln_eps;
  int       tok_embed, pos_embed, unembed_w, unembed_b;
  Block    *blocks;
  float    *x0;                     /* (max_batch * T, C) */
  float    *grad_buf[4];            /* (max_batch * T, C) each, for the backward pass */
  float    *grad_mlp;               /* (max_batch * T, F) */
  float    *attn_scratch;             /* dq, dk, dv (max_batch * T, C) each, then the mixing's */
  float    *tables;                   /* q, k, v each: (V + T, C) projected token rows, then
                                       * position rows; per-row gradient sums in backward */
  float    *table_grad;               /* (V, C) */
} GrokTransformer;

enum { STREAM_INIT = 12 };

static const GrokModelClass transformer_class;

gboolean
grok_model_is_transformer (GrokModel *model)
{
  return model->klass == &transformer_class;
}

static float *
data_of (GrokTransformer *tf, int tensor)
{
  return grok_params_tensor_data (tf->parent.params, tensor);
}

static float *
grad_of (GrokTransformer *tf, int tensor)
{
  return grok_params_tensor_grad (tf->parent.params, tensor);
}

static void
block_free (Block *blk)
{
  float **bufs[] = { &blk->cache.q, &blk->cache.k, &blk->cache.v, &blk->cache.att,
                     &blk->cache.heads, &blk->r1, &blk->mean1, &blk->rstd1, &blk->xmid,
                     &blk->xlast, &blk->pre, &blk->act, &blk->r2, &blk->mean2,
                     &blk->rstd2, &blk->xout };

  for (gsize i = 0; i < G_N_ELEMENTS (bufs); i++)
    g_clear_pointer (bufs[i], g_free);
}

static void
transformer_finalize (GrokModel *model)
{
  GrokTransformer *tf = (GrokTransformer *) model;

  for (int i = 0; i < tf->n_blocks; i++)
    block_free (&tf->blocks[i]);
  g_free (tf->blocks);
  g_free (tf->x0);
  for (int i = 0; i < 4; i++)
    g_free (tf->grad_buf[i]);
  g_free (tf->grad_mlp);
  g_free (tf->attn_scratch);
  g_free (tf->tables);
  g_free (tf->table_grad);
}

/* ---- initialisation ---- */

/* Flax's LeCun normal: a normal truncated at two standard deviations, rescaled to variance
 * 1 / fan_in, times init_scale */
static void
fill_lecun (GrokTransformer *tf, GrokRng *rng, int tensor, double scale)
{
  const GrokTensor *t = &tf->parent.params->tensors[tensor];
  float *w = data_of (tf, tensor);
  double std = scale / sqrt ((double) t->shape[1]);

  for (gsize i = 0; i < t->numel; i++)
    w[i] = (float) (grok_rng_truncated_normal (rng) * std);
}

static void
fill_const (GrokTransformer *tf, int tensor, float value)
{
  float *w = data_of (tf, tensor);

  for (gsize i = 0; i < tf->parent.params->tensors[tensor].numel; i++)
    w[i] = value;
}

/* embeddings N(0, 1/d_model) (variance), linear kernels LeCun normal, biases 0, LayerNorm
 * weight 1 and bias 0; then everything times init_scale */
static void
transformer_init_params (GrokModel *model, guint64 seed)
{
  GrokTransformer *tf = (GrokTransformer *) model;
  double scale = model->settings.init_scale;
  double embed_std = scale / sqrt ((double) tf->d_model);
  static const int kernels[] = { T_Q_W, T_K_W, T_V_W, T_O_W, T_FC1_W, T_FC2_W };
  static const int biases[] = { T_Q_B, T_K_B, T_V_B, T_O_B, T_FC1_B, T_FC2_B, T_LN1_B, T_LN2_B };
  GrokRng rng;

  grok_rng_init_stream (&rng, seed, STREAM_INIT);
  for (int e = 0; e < 2; e++)
    {
      int tensor = e == 0 ? tf->tok_embed : tf->pos_embed;
      float *w = data_of (tf, tensor);
      for (gsize i = 0; i < model->params->tensors[tensor].numel; i++)
        w[i] = (float) (grok_rng_normal (&rng) * embed_std);
    }
  for (int i = 0; i < tf->n_blocks; i++)
    {
      Block *blk = &tf->blocks[i];
      for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
        fill_lecun (tf, &rng, blk->tensor[kernels[k]], scale);
      for (gsize k = 0; k < G_N_ELEMENTS (biases); k++)
        fill_const (tf, blk->tensor[biases[k]], 0.0f);
      fill_const (tf, blk->tensor[T_LN1_W], (float) scale);
      fill_const (tf, blk->tensor[T_LN2_W], (float) scale);
    }
  fill_lecun (tf, &rng, tf->unembed_w, scale);
  fill_const (tf, tf->unembed_b, 0.0f);
}

/* ---- forward ---- */

static GrokAttentionWeights
attention_weights (GrokTransformer *tf, const Block *blk)
{
  return (GrokAttentionWeights) {
    data_of (tf, blk->tensor[T_Q_W]), data_of (tf, blk->tensor[T_Q_B]),
    data_of (tf, blk->tensor[T_K_W]), data_of (tf, blk->tensor[T_K_B]),
    data_of (tf, blk->tensor[T_V_W]), data_of (tf, blk->tensor[T_V_B]),
    data_of (tf, blk->tensor[T_O_W]), data_of (tf, blk->tensor[T_O_B]),
  };
}

static GrokAttentionGrads
attention_grads (GrokTransformer *tf, const Block *blk)
{
  return (GrokAttentionGrads) {
    grad_of (tf, blk->tensor[T_Q_W]), grad_of (tf, blk->tensor[T_Q_B]),
    grad_of (tf, blk->tensor[T_K_W]), grad_of (tf, blk->tensor[T_K_B]),
    grad_of (tf, blk->tensor[T_V_W]), grad_of (tf, blk->tensor[T_V_B]),
    grad_of (tf, blk->tensor[T_O_W]), grad_of (tf, blk->tensor[T_O_B]),
  };
}

static void
add_into (float *restrict y, const float *restrict x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] += x[i];
}

static void
embed_forward (GrokTransformer *tf, const int *tokens, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model;
  const float *pos = data_of (tf, tf->pos_embed);

  grok_embedding_forward (tf->x0, tokens, data_of (tf, tf->tok_embed), B, T, C);
  for (int b = 0; b < B; b++)
    add_into (tf->x0 + (gsize) b * T * C, pos, (gsize) T * C);
}

static float *
table_of (GrokTransformer *tf, int p)
{
  return tf->tables + (gsize) p * (tf->vocab + tf->parent.n_positions) * tf->d_model;
}

/* the first block's q, k, v: tok_embed @ w^T + b and pos_embed[:T] @ w^T once per table row,
 * then row (b, t) = token row + position row; q at the last positions only in the last block */
static void
embedded_projections (GrokTransformer *tf, Block *blk, const int *tokens, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model, V = tf->vocab;
  float *dst[3] = { blk->cache.q, blk->cache.k, blk->cache.v };

  for (int p = 0; p < 3; p++)
    {
      float *tab = table_of (tf, p), *pos_tab = tab + (gsize) V * C;
      const float *w = data_of (tf, blk->tensor[T_Q_W + 2 * p]);
      gboolean last_only = p == 0 && blk->last;
      int rows = last_only ? B : B * T;

      grok_linear_forward (tab, data_of (tf, tf->tok_embed), w,
                           data_of (tf, blk->tensor[T_Q_B + 2 * p]), V, C, C);
      grok_linear_forward (pos_tab, data_of (tf, tf->pos_embed), w, NULL, T, C, C);
      for (int r = 0; r < rows; r++)
        {
          int n = last_only ? r * T + T - 1 : r;
          const float *a = tab + (gsize) tokens[n] * C, *b = pos_tab + (gsize) (n % T) * C;
          float *out = dst[p] + (gsize) r * C;
          for (int c = 0; c < C; c++)
            out[c] = a[c] + b[c];
        }
    }
}

/* the last block's attention, for a block whose input x is not the embedding sum */
static void
last_projections (GrokTransformer *tf, Block *blk, const float *x, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model;

  grok_linear_forward (blk->cache.q, blk->xlast, data_of (tf, blk->tensor[T_Q_W]),
                       data_of (tf, blk->tensor[T_Q_B]), B, C, C);
  grok_linear_forward (blk->cache.k, x, data_of (tf, blk->tensor[T_K_W]),
                       data_of (tf, blk->tensor[T_K_B]), B * T, C, C);
  grok_linear_forward (blk->cache.v, x, data_of (tf, blk->tensor[T_V_W]),
                       data_of (tf, blk->tensor[T_V_B]), B * T, C, C);
}

/* r1 (M, C) = x + attn (x): tokens is the batch's for the first block, else NULL */
static void
block_attention (GrokTransformer *tf, Block *blk, const float *x, const int *tokens, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model;
  GrokAttentionWeights w = attention_weights (tf, blk);
  GrokAttentionCache *c = &blk->cache;

  if (blk->last)
    for (int b = 0; b < B; b++)
      memcpy (blk->xlast + (gsize) b * C, x + ((gsize) b * T + T - 1) * C, sizeof (float) * C);
  if (tokens != NULL)
    embedded_projections (tf, blk, tokens, B);
  else if (blk->last)
    last_projections (tf, blk, x, B);

  if (blk->last)
    grok_attention_last_forward (blk->r1, c->att, c->heads, c->q, c->k, c->v, &w, B, T, C,
                                 tf->n_heads);
  else if (tokens != NULL)
    grok_attention_mix_forward (blk->r1, c, &w, B, T, C, tf->n_heads);
  else
    grok_attention_forward (blk->r1, c, x, &w, B, T, C, tf->n_heads);
  add_into (blk->r1, blk->last ? blk->xlast : x, (gsize) (blk->last ? B : B * T) * C);
}

static void
block_forward (GrokTransformer *tf, Block *blk, const float *x, const int *tokens, int B)
{
  int C = tf->d_model, F = tf->d_mlp;
  int M = blk->last ? B : B * tf->parent.n_positions;

  block_attention (tf, blk, x, tokens, B);
  grok_layernorm_forward (blk->xmid, blk->mean1, blk->rstd1, blk->r1,
                          data_of (tf, blk->tensor[T_LN1_W]), data_of (tf, blk->tensor[T_LN1_B]),
                          M, C, tf->ln_eps);
  grok_linear_forward (blk->pre, blk->xmid, data_of (tf, blk->tensor[T_FC1_W]),
                       data_of (tf, blk->tensor[T_FC1_B]), M, C, F);
  grok_activation_forward (GROK_ACT_GELU, blk->act, blk->pre, (gsize) M * F);
  grok_linear_forward (blk->r2, blk->act, data_of (tf, blk->tensor[T_FC2_W]),
                       data_of (tf, blk->tensor[T_FC2_B]), M, F, C);
  add_into (blk->r2, blk->xmid, (gsize) M * C);
  grok_layernorm_forward (blk->xout, blk->mean2, blk->rstd2, blk->r2,
                          data_of (tf, blk->tensor[T_LN2_W]), data_of (tf, blk->tensor[T_LN2_B]),
                          M, C, tf->ln_eps);
}

static const float *
block_input (GrokTransformer *tf, int i)
{
  return i == 0 ? tf->x0 : tf->blocks[i - 1].xout;
}

static void
transformer_forward (GrokModel *model, const GrokBatch *batch)
{
  GrokTransformer *tf = (GrokTransformer *) model;
  int B = batch->n;

  embed_forward (tf, batch->tokens, B);
  for (int i = 0; i < tf->n_blocks; i++)
    block_forward (tf, &tf->blocks[i], block_input (tf, i), i == 0 ? batch->tokens : NULL, B);
  grok_linear_forward (model->logits, tf->blocks[tf->n_blocks - 1].xout,
                       data_of (tf, tf->unembed_w), data_of (tf, tf->unembed_b),
                       B, tf->d_model, model->n_classes);
}

void
grok_transformer_read_last (GrokModel *model, int block, int n, float *act, float *att)
{
  GrokTransformer *tf = (GrokTransformer *) model;
  int T = model->n_positions, F, H;
  const Block *blk;

  g_return_if_fail (grok_model_is_transformer (model));
  g_return_if_fail (block >= 0 && block < tf->n_blocks && n >= 0 && n <= model->max_batch);
  blk = &tf->blocks[block];
  F = tf->d_mlp;
  H = tf->n_heads;
  for (int b = 0; b < n; b++)
    {
      /* the last block keeps the last positions alone (one row, one query per sequence) */
      gsize row = blk->last ? (gsize) b : (gsize) b * T + T - 1;
      if (act != NULL)
        memcpy (act + (gsize) b * F, blk->act + row * F, sizeof (float) * F);
      if (att != NULL)
        for (int h = 0; h < H; h++)
          {
            const float *src = blk->last ? blk->cache.att + ((gsize) b * H + h) * T
                                         : blk->cache.att + (((gsize) b * H + h) * T + T - 1) * T;
            memcpy (att + ((gsize) b * H + h) * T, src, sizeof (float) * T);
          }
    }
}

/* ---- backward ---- */

/* The first block's q, k, v backward from dq, dk, dv (the attn_scratch layout): each is summed
 * per token and per position (S), then dw += S_tok^T tok_embed + S_pos^T pos_embed[:T],
 * db += the sums, and the embeddings' gradients += S @ w */
static void
embedded_projections_backward (GrokTransformer *tf, Block *blk, const int *tokens, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model, V = tf->vocab;
  gsize NC = (gsize) B * T * C;

  for (int p = 0; p < 3; p++)
    {
      float *sum = table_of (tf, p), *pos_sum = sum + (gsize) V * C;
      const float *d = tf->attn_scratch + p * NC;
      int wi = blk->tensor[T_Q_W + 2 * p], bi = blk->tensor[T_Q_B + 2 * p];
      gboolean last_only = p == 0 && blk->last;
      int rows = last_only ? B : B * T;

      memset (sum, 0, sizeof (float) * (V + T) * C);
      for (int r = 0; r < rows; r++)
        {
          int n = last_only ? r * T + T - 1 : r;
          add_into (sum + (gsize) tokens[n] * C, d + (gsize) r * C, C);
          add_into (pos_sum + (gsize) (n % T) * C, d + (gsize) r * C, C);
        }
      grok_linear_backward (tf->table_grad, grad_of (tf, wi), grad_of (tf, bi), sum,
                            data_of (tf, tf->tok_embed), data_of (tf, wi), V, C, C);
      add_into (grad_of (tf, tf->tok_embed), tf->table_grad, (gsize) V * C);
      grok_linear_backward (tf->table_grad, grad_of (tf, wi), NULL, pos_sum,
                            data_of (tf, tf->pos_embed), data_of (tf, wi), T, C, C);
      add_into (grad_of (tf, tf->pos_embed), tf->table_grad, (gsize) T * C);
    }
}

/* the last block's q, k, v backward when its input x is not the embedding sum:
 * dx (N, C) = dk wk + dv wv, plus dq wq at the last positions; tmp is an (N, C) buffer */
static void
last_projections_backward (GrokTransformer *tf, Block *blk, float *dx, float *tmp,
                           const float *x, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model, N = B * T;
  gsize NC = (gsize) N * C;
  const float *dq = tf->attn_scratch, *dk = dq + NC, *dv = dq + 2 * NC;

  grok_linear_backward (dx, grad_of (tf, blk->tensor[T_K_W]), grad_of (tf, blk->tensor[T_K_B]),
                        dk, x, data_of (tf, blk->tensor[T_K_W]), N, C, C);
  grok_linear_backward (tmp, grad_of (tf, blk->tensor[T_V_W]), grad_of (tf, blk->tensor[T_V_B]),
                        dv, x, data_of (tf, blk->tensor[T_V_W]), N, C, C);
  add_into (dx, tmp, NC);
  grok_linear_backward (tmp, grad_of (tf, blk->tensor[T_Q_W]), grad_of (tf, blk->tensor[T_Q_B]),
                        dq, blk->xlast, data_of (tf, blk->tensor[T_Q_W]), B, C, C);
  for (int b = 0; b < B; b++)
    add_into (dx + ((gsize) b * T + T - 1) * C, tmp + (gsize) b * C, C);
}

/* From d(loss)/d(r1) in dr1 (M, C) to d(loss)/d(block input) (N, C) in dx (not dr1).
 * In the first block the q, k, v part goes straight into the embeddings' gradients and dx
 * holds the residual's part alone. */
static void
attention_backward (GrokTransformer *tf, Block *blk, float *dx, float *tmp, const float *dr1,
                    const float *x, const int *tokens, int B)
{
  int T = tf->parent.n_positions, C = tf->d_model, N = B * T;
  gsize NC = (gsize) N * C;
  float *dq = tf->attn_scratch, *dk = dq + NC, *dv = dq + 2 * NC, *rest = dq + 3 * NC;
  GrokAttentionWeights w = attention_weights (tf, blk);
  GrokAttentionGrads dw = attention_grads (tf, blk);
  GrokAttentionCache *c = &blk->cache;

  if (!blk->last && tokens == NULL)
    {
      grok_attention_backward (dx, &dw, tf->attn_scratch, dr1, x, c, &w, B, T, C, tf->n_heads);
      add_into (dx, dr1, NC);
      return;
    }
  if (blk->last)
    grok_attention_last_backward (dq, dk, dv, rest, &dw, dr1, c->att, c->heads, c->q, c->k,
                                  c->v, &w, B, T, C, tf->n_heads);
  else
    grok_attention_mix_backward (dq, dk, dv, &dw, rest, dr1, c, &w, B, T, C, tf->n_heads);
  if (tokens != NULL)
    {
      embedded_projections_backward (tf, blk, tokens, B);
      if (!blk->last)
        {
          memcpy (dx, dr1, sizeof (float) * NC);
          return;
        }
      memset (dx, 0, sizeof (float) * NC);
    }
  else
    last_projections_backward (tf, blk, dx, tmp, x, B);
  for (int b = 0; b < B; b++)
    add_into (dx + ((gsize) b * T + T - 1) * C, dr1 + (gsize) b * C, C);
}

/* From d(loss)/d(xout) in dout (M, C), which is clobbered, to d(loss)/d(block input) (N, C),
 * returned: one of the gradient buffers, never dout's */
static float *
block_backward (GrokTransformer *tf, Block *blk, float *dout, const float *x,
                const int *tokens, int B)
{
  int C = tf->d_model, F = tf->d_mlp;
  int M = blk->last ? B : B * tf->parent.n_positions;
  float *spare[3];
  int n_spare = 0;

  for (int i = 0; i < 4; i++)
    if (tf->grad_buf[i] != dout)
      spare[n_spare++] = tf->grad_buf[i];

  /* LN2 (dout becomes d r2), the MLP and its residual (spare[0] becomes d xmid), LN1 (d r1) */
  grok_layernorm_backward (dout, grad_of (tf, blk->tensor[T_LN2_W]),
                           grad_of (tf, blk->tensor[T_LN2_B]), dout, blk->r2, blk->mean2,
                           blk->rstd2, data_of (tf, blk->tensor[T_LN2_W]), M, C);
  grok_linear_backward (tf->grad_mlp, grad_of (tf, blk->tensor[T_FC2_W]),
                        grad_of (tf, blk->tensor[T_FC2_B]), dout, blk->act,
                        data_of (tf, blk->tensor[T_FC2_W]), M, F, C);
  grok_activation_backward (GROK_ACT_GELU, tf->grad_mlp, tf->grad_mlp, blk->pre, (gsize) M * F);
  grok_linear_backward (spare[0], grad_of (tf, blk->tensor[T_FC1_W]),
                        grad_of (tf, blk->tensor[T_FC1_B]), tf->grad_mlp, blk->xmid,
                        data_of (tf, blk->tensor[T_FC1_W]), M, C, F);
  add_into (spare[0], dout, (gsize) M * C);
  grok_layernorm_backward (spare[0], grad_of (tf, blk->tensor[T_LN1_W]),
                           grad_of (tf, blk->tensor[T_LN1_B]), spare[0], blk->r1, blk->mean1,
                           blk->rstd1, data_of (tf, blk->tensor[T_LN1_W]), M, C);
  attention_backward (tf, blk, spare[1], spare[2], spare[0], x, tokens, B);
  return spare[1];
}

static void
transformer_backward (GrokModel *model, const GrokBatch *batch)
{
  GrokTransformer *tf = (GrokTransformer *) model;
  int B = batch->n, T = model->n_positions, C = tf->d_model;
  float *d = tf->grad_buf[0], *dpos = grad_of (tf, tf->pos_embed);

  grok_linear_backward (d, grad_of (tf, tf->unembed_w), grad_of (tf, tf->unembed_b),
                        model->dlogits, tf->blocks[tf->n_blocks - 1].xout,
                        data_of (tf, tf->unembed_w), B, C, model->n_classes);
  for (int i = tf->n_blocks - 1; i >= 0; i--)
    d = block_backward (tf, &tf->blocks[i], d, block_input (tf, i),
                        i == 0 ? batch->tokens : NULL, B);
  grok_embedding_backward (grad_of (tf, tf->tok_embed), d, batch->tokens, B, T, C);
  for (int b = 0; b < B; b++)
    add_into (dpos, d + (gsize) b * T * C, (gsize) T * C);
}

static const GrokModelClass transformer_class = {
  .name = "transformer",
  .finalize = transformer_finalize,
  .init_params = transformer_init_params,
  .forward = transformer_forward,
  .backward = transformer_backward,
};

/* ---- construction ---- */

static int
add_tensor (GrokParams *params, const char *name, int rows, int cols)
{
  int shape[2] = { rows, cols };
  return grok_params_add (params, name, cols > 0 ? 2 : 1, shape);
}

static void
declare_block (GrokTransformer *tf, int i)
{
  static const char * const names[N_BLOCK_TENSORS] = {
    "attn.q.weight", "attn.q.bias", "attn.k.weight", "attn.k.bias",
    "attn.v.weight", "attn.v.bias", "attn.o.weight", "attn.o.bias",
    "ln1.weight", "ln1.bias", "mlp.fc1.weight", "mlp.fc1.bias",
    "mlp.fc2.weight", "mlp.fc2.bias", "ln2.weight", "ln2.bias",
  };
  int C = tf->d_model, F = tf->d_mlp;
  const int rows[N_BLOCK_TENSORS] = { C, C, C, C, C, C, C, C, C, C, F, F, C, C, C, C };
  const int cols[N_BLOCK_TENSORS] = { C, 0, C, 0, C, 0, C, 0, 0, 0, C, 0, F, 0, 0, 0 };

  for (int k = 0; k < N_BLOCK_TENSORS; k++)
    {
      g_autofree char *name = g_strdup_printf ("blocks.%d.%s", i, names[k]);
      tf->blocks[i].tensor[k] = add_tensor (tf->parent.params, name, rows[k], cols[k]);
    }
}

static void
allocate_block (GrokTransformer *tf, Block *blk, gboolean last, int max_batch)
{
  int T = tf->parent.n_positions, C = tf->d_model, F = tf->d_mlp;
  gsize N = (gsize) max_batch * T, M = last ? (gsize) max_batch : N;

  blk->last = last;
  blk->cache.q = g_new0 (float, M * C);
  blk->cache.k = g_new0 (float, N * C);
  blk->cache.v = g_new0 (float, N * C);
  blk->cache.heads = g_new0 (float, M * C);
  blk->cache.att = g_new0 (float, (gsize) max_batch * tf->n_heads * T * (last ? 1 : T));
  blk->xlast = last ? g_new0 (float, M * C) : NULL;
  blk->r1 = g_new0 (float, M * C);
  blk->mean1 = g_new0 (float, M);
  blk->rstd1 = g_new0 (float, M);
  blk->xmid = g_new0 (float, M * C);
  blk->pre = g_new0 (float, M * F);
  blk->act = g_new0 (float, M * F);
  blk->r2 = g_new0 (float, M * C);
  blk->mean2 = g_new0 (float, M);
  blk->rstd2 = g_new0 (float, M);
  blk->xout = g_new0 (float, M * C);
}

/* grok_transformer_new's and allocate_block's allocations, counted: keep them in step */
void
grok_transformer_footprint (const GrokModelSettings *settings, const GrokDataset *shape, int max_batch,
                            GrokModelFootprint *footprint)
{
  gsize C = (gsize) settings->d_model, F = (gsize) settings->d_mlp;
  gsize H = (gsize) settings->n_heads, V = (gsize) shape->vocab;
  gsize T = (gsize) shape->n_positions, K = (gsize) shape->n_classes, B = (gsize) max_batch;
  gsize N = B * T;

  footprint->n_params += 2 * V * C + K * C + K +
                         (gsize) settings->n_blocks * (4 * C * C + 2 * C * F + 9 * C + F);
  footprint->largest = MAX (MAX (V * C, C * F), MAX (K * C, C * C));
  for (gint64 i = 0; i < settings->n_blocks; i++)
    {
      gboolean last = i == settings->n_blocks - 1;
      gsize M = last ? B : N;
      footprint->activations += 2 * N * C + (last ? 7 : 6) * M * C + 4 * M + 2 * M * F +
                                B * H * T * (last ? 1 : T);
    }
  footprint->activations += 5 * N * C + N * F +
                            grok_attention_scratch_floats ((int) B, (int) T, (int) C, (int) H) +
                            3 * (V + T) * C + V * C;
}

GrokModel *
grok_transformer_new (const GrokModelSettings *settings, const GrokDataset *dataset, int max_batch)
{
  GrokTransformer *tf;
  GrokModel *model;
  GrokParams *params;
  int C, T;
  gsize N;

  g_return_val_if_fail (dataset->n_positions > 0 && dataset->vocab >= dataset->n_positions, NULL);
  g_return_val_if_fail (settings->d_model % settings->n_heads == 0, NULL);

  tf = g_new0 (GrokTransformer, 1);
  model = &tf->parent;
  grok_model_init_base (model, &transformer_class, settings, dataset, max_batch);
  params = model->params;
  tf->d_model = C = settings->d_model;
  tf->n_heads = settings->n_heads;
  tf->d_mlp = settings->d_mlp;
  tf->n_blocks = settings->n_blocks;
  tf->ln_eps = settings->ln_eps;
  tf->vocab = dataset->vocab;
  T = dataset->n_positions;

  /* the reference allocates one position row per vocabulary entry and reads the first T */
  tf->tok_embed = add_tensor (params, "tok_embed.weight", tf->vocab, C);
  tf->pos_embed = add_tensor (params, "pos_embed.weight", tf->vocab, C);
  tf->blocks = g_new0 (Block, tf->n_blocks);
  for (int i = 0; i < tf->n_blocks; i++)
    declare_block (tf, i);
  tf->unembed_w = add_tensor (params, "unembed.weight", model->n_classes, C);
  tf->unembed_b = add_tensor (params, "unembed.bias", model->n_classes, 0);
  grok_params_allocate (params);

  N = (gsize) max_batch * T;
  for (int i = 0; i < tf->n_blocks; i++)
    allocate_block (tf, &tf->blocks[i], i == tf->n_blocks - 1, max_batch);
  tf->x0 = g_new0 (float, N * C);
  for (int i = 0; i < 4; i++)
    tf->grad_buf[i] = g_new0 (float, N * C);
  tf->grad_mlp = g_new0 (float, N * tf->d_mlp);
  tf->attn_scratch = g_new0 (float, grok_attention_scratch_floats (max_batch, T, C,
                                                                   tf->n_heads));
  tf->tables = g_new0 (float, (gsize) 3 * (tf->vocab + T) * C);
  tf->table_grad = g_new0 (float, (gsize) tf->vocab * C);
  return model;
}
