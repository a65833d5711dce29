/* Multi-head self-attention forward and backward. The four projections are one
 * (B*T, C) x (C, C) cblas_sgemm each. The per-(sequence, head) products (T x D by D x T for the
 * scores, T x T by T x D for the mixing) are plain loops: with the model's T = 4 and D = 32 each
 * is a few hundred multiply-adds, less than the cost of a cblas_sgemm call, and the loops fuse
 * the scaling, the softmax and its backward into the same pass over the rows. */
#include "grok-attention.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* out (N, C) = inp (N, C) @ w^T + b, with w (C, C) stored (out, in) */
static void
project_forward (float *out, const float *inp, const float *w, const float *b, int N, int C)
{
  for (int n = 0; n < N; n++)
    memcpy (out + (gsize) n * C, b, sizeof (float) * C);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, C, C,
               1.0f, inp, C, w, C, 1.0f, out, C);
}

/* dw += dout^T @ inp; db += column sums of dout; dinp = beta * dinp + dout @ w */
static void
project_backward (float *dinp, float beta, float *dw, float *db, const float *dout,
                  const float *inp, const float *w, int N, int C)
{
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, C, C, N,
               1.0f, dout, C, inp, C, 1.0f, dw, C);
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c++)
      db[c] += dout[(gsize) n * C + c];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, C, C,
               1.0f, dout, C, w, C, beta, dinp, C);
}

/* One sequence, one head: q, k, v, heads point at column h * D of row b * T and step C per
 * token; att is the (T, T) block of this head. Fills att and heads. */
static void
head_forward (float *att, float *heads, const float *q, const float *k, const float *v,
              int T, int C, int D, float scale)
{
  for (int t = 0; t < T; t++)
    {
      const float *qt = q + (gsize) t * C;
      float *row = att + (gsize) t * T;
      float max = -INFINITY, sum = 0.0f;

      for (int s = 0; s < T; s++)
        {
          const float *ks = k + (gsize) s * C;
          float dot = 0.0f;
          for (int d = 0; d < D; d++)
            dot += qt[d] * ks[d];
          row[s] = dot * scale;
          max = fmaxf (max, row[s]);
        }
      for (int s = 0; s < T; s++)
        {
          row[s] = expf (row[s] - max);
          sum += row[s];
        }
      for (int s = 0; s < T; s++)
        row[s] /= sum;

      float *ht = heads + (gsize) t * C;
      memset (ht, 0, sizeof (float) * D);
      for (int s = 0; s < T; s++)
        {
          const float *vs = v + (gsize) s * C;
          for (int d = 0; d < D; d++)
            ht[d] += row[s] * vs[d];
        }
    }
}

gsize
grok_attention_scratch_floats (int B, int T, int C, int n_heads)
{
  /* dheads, dq, dk, dv (B*T, C) each, and one row of attention gradients */
  return 4 * (gsize) B * T * C + (gsize) T;
}

void
grok_attention_forward (float *out, const GrokAttentionCache *cache, const float *x,
                        const GrokAttentionWeights *w, int B, int T, int C, int n_heads)
{
  g_return_if_fail (out != NULL && cache != NULL && x != NULL && w != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int N = B * T, D = C / n_heads;
  float scale = 1.0f / sqrtf ((float) D);

  project_forward (cache->q, x, w->wq, w->bq, N, C);
  project_forward (cache->k, x, w->wk, w->bk, N, C);
  project_forward (cache->v, x, w->wv, w->bv, N, C);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < n_heads; h++)
      {
        gsize at = (gsize) b * T * C + (gsize) h * D;
        head_forward (cache->att + ((gsize) b * n_heads + h) * T * T, cache->heads + at,
                      cache->q + at, cache->k + at, cache->v + at, T, C, D, scale);
      }
  project_forward (out, cache->heads, w->wo, w->bo, N, C);
}

/* One sequence, one head, backward through the mixing, the softmax and the scores. dq, dk,
 * dv must hold zeros on entry (dq and dk are sums over keys and queries); datt is a scratch
 * row of T floats. */
static void
head_backward (float *dq, float *dk, float *dv, float *datt, const float *dheads,
               const float *att, const float *q, const float *k, const float *v,
               int T, int C, int D, float scale)
{
  for (int t = 0; t < T; t++)
    {
      const float *row = att + (gsize) t * T;
      const float *dht = dheads + (gsize) t * C;
      const float *qt = q + (gsize) t * C;
      float *dqt = dq + (gsize) t * C;
      float expect = 0.0f;

      for (int s = 0; s < T; s++)
        {
          const float *vs = v + (gsize) s * C;
          float *dvs = dv + (gsize) s * C;
          float dot = 0.0f;
          for (int d = 0; d < D; d++)
            {
              dot += dht[d] * vs[d];
              dvs[d] += row[s] * dht[d];
            }
          datt[s] = dot;
          expect += row[s] * dot;
        }
      /* softmax backward: dscore = att * (datt - sum att * datt), times the score scale */
      for (int s = 0; s < T; s++)
        {
          const float *ks = k + (gsize) s * C;
          float *dks = dk + (gsize) s * C;
          float ds = row[s] * (datt[s] - expect) * scale;
          for (int d = 0; d < D; d++)
            {
              dqt[d] += ds * ks[d];
              dks[d] += ds * qt[d];
            }
        }
    }
}

void
grok_attention_backward (float *dx, const GrokAttentionGrads *dw, float *scratch,
                         const float *dout, const float *x, const GrokAttentionCache *cache,
                         const GrokAttentionWeights *w, int B, int T, int C, int n_heads)
{
  g_return_if_fail (dx != NULL && dw != NULL && scratch != NULL && dout != NULL);
  g_return_if_fail (x != NULL && cache != NULL && w != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int N = B * T, D = C / n_heads;
  gsize NC = (gsize) N * C;
  float scale = 1.0f / sqrtf ((float) D);
  float *dheads = scratch, *dq = scratch + NC, *dk = scratch + 2 * NC, *dv = scratch + 3 * NC;
  float *datt = scratch + 4 * NC;

  project_backward (dheads, 0.0f, dw->wo, dw->bo, dout, cache->heads, w->wo, N, C);
  memset (dq, 0, sizeof (float) * 3 * NC);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < n_heads; h++)
      {
        gsize at = (gsize) b * T * C + (gsize) h * D;
        head_backward (dq + at, dk + at, dv + at, datt, dheads + at,
                       cache->att + ((gsize) b * n_heads + h) * T * T,
                       cache->q + at, cache->k + at, cache->v + at, T, C, D, scale);
      }
  project_backward (dx, 0.0f, dw->wq, dw->bq, dq, x, w->wq, N, C);
  project_backward (dx, 1.0f, dw->wk, dw->bk, dk, x, w->wk, N, C);
  project_backward (dx, 1.0f, dw->wv, dw->bv, dv, x, w->wv, N, C);
}
