/* Multi-head self-attention without a causal mask (SPEC §2.2): B sequences of T tokens,
 * C = n_heads * head_dim channels, separate q, k, v and o projections with biases, scores
 * scaled by 1 / sqrt(head_dim), softmax over all T keys of the same sequence. Shapes are
 * row-major (rows, cols). Rows of every (B*T, C) buffer are tokens, sequence-major (row
 * b * T + t), and head h owns columns h * head_dim .. (h + 1) * head_dim - 1, as PyTorch's
 * x.view(B, T, H, D) reads them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The parameters of one block's attention, named as in SPEC §2.3 (blocks.{i}.attn.q.weight,
 * ...). Each weight is (C, C) stored (out, in) as PyTorch's Linear stores it; each bias is (C).
 * Grouped in a struct because eight positional pointers of the same type are too easy to swap. */
typedef struct
{
  const float *wq, *bq;
  const float *wk, *bk;
  const float *wv, *bv;
  const float *wo, *bo;
} GrokAttentionWeights;

/* The gradients of the same tensors, in the same layout; backward adds into them */
typedef struct
{
  float *wq, *bq;
  float *wk, *bk;
  float *wv, *bv;
  float *wo, *bo;
} GrokAttentionGrads;

/* What forward saves for backward, in caller-owned buffers */
typedef struct
{
  float *q, *k, *v;    /* (B*T, C) projections, biases included, before scaling */
  float *att;          /* (B, H, T, T) softmax probabilities, att[b, h, query, key] */
  float *heads;        /* (B*T, C) att @ v for every head, before the output projection */
} GrokAttentionCache;

/* number of floats of scratch that grok_attention_backward needs for these sizes */
gsize grok_attention_scratch_floats (int B, int T, int C, int n_heads);

/* out (B*T, C) = attention of x (B*T, C). out must not alias x or any cache buffer. */
void  grok_attention_forward   (float *out, const GrokAttentionCache *cache, const float *x,
                                const GrokAttentionWeights *w, int B, int T, int C,
                                int n_heads);
/* dx (B*T, C) = d/dx (overwritten); every tensor of dw += its gradient. cache holds what the
 * forward pass saved for this x; scratch holds grok_attention_scratch_floats () floats.
 * dx may alias dout (dout is read before dx is written) but not x, the cache or scratch. */
void  grok_attention_backward  (float *dx, const GrokAttentionGrads *dw, float *scratch,
                                const float *dout, const float *x,
                                const GrokAttentionCache *cache,
                                const GrokAttentionWeights *w, int B, int T, int C,
                                int n_heads);

/* The same attention split after the q, k, v projections, for a caller that computes them in
 * its own way (the transformer's first block reads them from per-token tables):
 * mix_forward takes cache->q, k, v as given and fills cache->att, cache->heads and
 * out (B*T, C) = heads @ wo^T + bo; mix_backward overwrites dq, dk, dv (B*T, C) with the
 * gradients with respect to the projections and adds into dw->wo and dw->bo only. Its scratch
 * holds grok_attention_mix_scratch_floats () floats; dq, dk, dv may not alias dout. */
void  grok_attention_mix_forward  (float *out, const GrokAttentionCache *cache,
                                   const GrokAttentionWeights *w, int B, int T, int C,
                                   int n_heads);
gsize grok_attention_mix_scratch_floats (int B, int T, int C, int n_heads);
void  grok_attention_mix_backward (float *dq, float *dk, float *dv,
                                   const GrokAttentionGrads *dw, float *scratch,
                                   const float *dout, const GrokAttentionCache *cache,
                                   const GrokAttentionWeights *w, int B, int T, int C,
                                   int n_heads);

/* Attention read at the last position only: the B last-position queries q (B, C) attend to
 * all T keys and values of their sequence, k, v (B*T, C). att (B, H, T) and heads (B, C)
 * receive what backward needs; out (B, C) = heads @ wo^T + bo. Equal to the last-position rows
 * of grok_attention_mix_forward's output, at a quarter of the work for T = 4.
 * Backward overwrites dq (B, C), dk, dv (B*T, C) and dheads (B, C, scratch), and adds into
 * dw->wo and dw->bo only. */
void  grok_attention_last_forward  (float *out, float *att, float *heads, const float *q,
                                    const float *k, const float *v,
                                    const GrokAttentionWeights *w, int B, int T, int C,
                                    int n_heads);
void  grok_attention_last_backward (float *dq, float *dk, float *dv, float *dheads,
                                    const GrokAttentionGrads *dw, const float *dout,
                                    const float *att, const float *heads, const float *q,
                                    const float *k, const float *v,
                                    const GrokAttentionWeights *w, int B, int T, int C,
                                    int n_heads);

G_END_DECLS
