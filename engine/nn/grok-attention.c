/* Multi-head self-attention forward and backward. The four projections are one
 * (B*T, C) x (C, C) cblas_sgemm each. The per-(sequence, head) products are tiny (T x D by
 * D x T for the scores, T x T by T x D for the mixing; 4 x 32 by 32 x 4 in the model) but still
 * go through cblas_sgemm, reading each head in place with leading dimension C: timed against
 * plain loops at B = 512, T = 4, 4 heads of 32, one thread, they took about half the time,
 * because the loops' dot products are float reductions the compiler may not vectorise without
 * reordering sums. Only the softmax and its backward, T x T per head, are loops. */
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

/* softmax of each row of a (T, T) block, in place, shifted by the row maximum */
static void
softmax_rows (float *a, int T)
{
  for (int t = 0; t < T; t++)
    {
      float *row = a + (gsize) t * T;
      float max = -INFINITY, sum = 0.0f;

      for (int s = 0; s < T; s++)
        max = fmaxf (max, row[s]);
      for (int s = 0; s < T; s++)
        {
          row[s] = expf (row[s] - max);
          sum += row[s];
        }
      for (int s = 0; s < T; s++)
        row[s] /= sum;
    }
}

/* One sequence, one head: q, k, v, heads point at column h * D of row b * T and step C per
 * token; att is the (T, T) block of this head. att = softmax (scale * q k^T); heads = att v */
static void
head_forward (float *att, float *heads, const float *q, const float *k, const float *v,
              int T, int C, int D, float scale)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, T, D,
               scale, q, C, k, C, 0.0f, att, T);
  softmax_rows (att, T);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, T, D, T,
               1.0f, att, T, v, C, 0.0f, heads, C);
}

gsize
grok_attention_scratch_floats (int B, int T, int C, int n_heads)
{
  /* dq, dk, dv (B*T, C) each, then the mixing's scratch */
  return 3 * (gsize) B * T * C + grok_attention_mix_scratch_floats (B, T, C, n_heads);
}

void
grok_attention_mix_forward (float *out, const GrokAttentionCache *cache,
                            const GrokAttentionWeights *w, int B, int T, int C, int n_heads)
{
  g_return_if_fail (out != NULL && cache != NULL && w != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int N = B * T, D = C / n_heads;
  float scale = 1.0f / sqrtf ((float) D);

  for (int b = 0; b < B; b++)
    for (int h = 0; h < n_heads; h++)
      {
        gsize at = (gsize) b * T * C + (gsize) h * D;
        head_forward (cache->att + ((gsize) b * n_heads + h) * T * T, cache->heads + at,
                      cache->q + at, cache->k + at, cache->v + at, T, C, D, scale);
      }
  project_forward (out, cache->heads, w->wo, w->bo, N, C);
}

void
grok_attention_forward (float *out, const GrokAttentionCache *cache, const float *x,
                        const GrokAttentionWeights *w, int B, int T, int C, int n_heads)
{
  g_return_if_fail (out != NULL && cache != NULL && x != NULL && w != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int N = B * T;

  project_forward (cache->q, x, w->wq, w->bq, N, C);
  project_forward (cache->k, x, w->wk, w->bk, N, C);
  project_forward (cache->v, x, w->wv, w->bv, N, C);
  grok_attention_mix_forward (out, cache, w, B, T, C, n_heads);
}

/* One sequence, one head, backward through the mixing, the softmax and the scores, laid out
 * as in head_forward; dq, dk, dv are overwritten. dscore is a (T, T) scratch block. */
static void
head_backward (float *dq, float *dk, float *dv, float *dscore, const float *dheads,
               const float *att, const float *q, const float *k, const float *v,
               int T, int C, int D, float scale)
{
  /* datt = dheads v^T, kept in dscore; dv = att^T dheads */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, T, D,
               1.0f, dheads, C, v, C, 0.0f, dscore, T);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, T, D, T,
               1.0f, att, T, dheads, C, 0.0f, dv, C);
  /* softmax backward, row by row: dscore = att * (datt - sum over keys of att * datt) */
  for (int t = 0; t < T; t++)
    {
      const float *p = att + (gsize) t * T;
      float *g = dscore + (gsize) t * T;
      float expect = 0.0f;

      for (int s = 0; s < T; s++)
        expect += p[s] * g[s];
      for (int s = 0; s < T; s++)
        g[s] = p[s] * (g[s] - expect);
    }
  /* scores = scale * q k^T: dq = scale * dscore k, dk = scale * dscore^T q */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, T, D, T,
               scale, dscore, T, k, C, 0.0f, dq, C);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, T, D, T,
               scale, dscore, T, q, C, 0.0f, dk, C);
}

gsize
grok_attention_mix_scratch_floats (int B, int T, int C, int n_heads)
{
  (void) n_heads;
  /* dheads (B*T, C) and one head's (T, T) score gradients */
  return (gsize) B * T * C + (gsize) T * T;
}

void
grok_attention_mix_backward (float *dq, float *dk, float *dv, const GrokAttentionGrads *dw,
                             float *scratch, const float *dout, const GrokAttentionCache *cache,
                             const GrokAttentionWeights *w, int B, int T, int C, int n_heads)
{
  g_return_if_fail (dq != NULL && dk != NULL && dv != NULL && dw != NULL && scratch != NULL);
  g_return_if_fail (dout != NULL && cache != NULL && w != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int N = B * T, D = C / n_heads;
  float scale = 1.0f / sqrtf ((float) D);
  float *dheads = scratch, *dscore = scratch + (gsize) N * C;

  project_backward (dheads, 0.0f, dw->wo, dw->bo, dout, cache->heads, w->wo, N, C);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < n_heads; h++)
      {
        gsize at = (gsize) b * T * C + (gsize) h * D;
        head_backward (dq + at, dk + at, dv + at, dscore, dheads + at,
                       cache->att + ((gsize) b * n_heads + h) * T * T,
                       cache->q + at, cache->k + at, cache->v + at, T, C, D, scale);
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

  int N = B * T;
  gsize NC = (gsize) N * C;
  float *dq = scratch, *dk = scratch + NC, *dv = scratch + 2 * NC;

  /* the mixing reads dout before anything below writes dx, so dx may share dout's buffer */
  grok_attention_mix_backward (dq, dk, dv, dw, scratch + 3 * NC, dout, cache, w, B, T, C,
                               n_heads);
  project_backward (dx, 0.0f, dw->wq, dw->bq, dq, x, w->wq, N, C);
  project_backward (dx, 1.0f, dw->wk, dw->bk, dk, x, w->wk, N, C);
  project_backward (dx, 1.0f, dw->wv, dw->bv, dv, x, w->wv, N, C);
}

/* ---- the last query alone ---- */

/* One sequence, one head, one query q (D) against T keys and values that step C apart:
 * att (T) = softmax (scale * k q); heads (D) = att v. The sums run over D = 32 or T = 4
 * floats, too short for sgemm calls to pay off. */
static void
last_head_forward (float *att, float *heads, const float *q, const float *k, const float *v,
                   int T, int C, int D, float scale)
{
  float max = -INFINITY, sum = 0.0f;

  for (int t = 0; t < T; t++)
    {
      float s = 0.0f;
      for (int d = 0; d < D; d++)
        s += q[d] * k[(gsize) t * C + d];
      att[t] = s * scale;
      max = fmaxf (max, att[t]);
    }
  for (int t = 0; t < T; t++)
    sum += att[t] = expf (att[t] - max);
  for (int t = 0; t < T; t++)
    att[t] /= sum;
  for (int d = 0; d < D; d++)
    heads[d] = 0.0f;
  for (int t = 0; t < T; t++)
    for (int d = 0; d < D; d++)
      heads[d] += att[t] * v[(gsize) t * C + d];
}

void
grok_attention_last_forward (float *out, float *att, float *heads, const float *q,
                             const float *k, const float *v, const GrokAttentionWeights *w,
                             int B, int T, int C, int n_heads)
{
  g_return_if_fail (out != NULL && att != NULL && heads != NULL && w != NULL);
  g_return_if_fail (q != NULL && k != NULL && v != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int D = C / n_heads;
  float scale = 1.0f / sqrtf ((float) D);

  for (int b = 0; b < B; b++)
    for (int h = 0; h < n_heads; h++)
      {
        gsize row = (gsize) b * C + (gsize) h * D, keys = (gsize) b * T * C + (gsize) h * D;
        last_head_forward (att + ((gsize) b * n_heads + h) * T, heads + row, q + row,
                           k + keys, v + keys, T, C, D, scale);
      }
  project_forward (out, heads, w->wo, w->bo, B, C);
}

/* backward of last_head_forward: dq (D) and dk, dv (T rows, stepping C) are overwritten */
static void
last_head_backward (float *dq, float *dk, float *dv, const float *dheads, const float *att,
                    const float *q, const float *k, const float *v, int T, int C, int D,
                    float scale)
{
  float expect = 0.0f;

  /* datt[t] = dheads . v[t], used twice; recomputing it (D products) avoids a T-sized buffer */
  for (int t = 0; t < T; t++)
    {
      float datt = 0.0f;
      for (int d = 0; d < D; d++)
        datt += dheads[d] * v[(gsize) t * C + d];
      expect += att[t] * datt;
    }
  for (int d = 0; d < D; d++)
    dq[d] = 0.0f;
  for (int t = 0; t < T; t++)
    {
      float datt = 0.0f, ds;
      for (int d = 0; d < D; d++)
        datt += dheads[d] * v[(gsize) t * C + d];
      /* through the softmax, then scores = scale * k q */
      ds = att[t] * (datt - expect) * scale;
      for (int d = 0; d < D; d++)
        {
          dv[(gsize) t * C + d] = att[t] * dheads[d];
          dk[(gsize) t * C + d] = ds * q[d];
          dq[d] += ds * k[(gsize) t * C + d];
        }
    }
}

void
grok_attention_last_backward (float *dq, float *dk, float *dv, float *dheads,
                              const GrokAttentionGrads *dw, const float *dout, const float *att,
                              const float *heads, const float *q, const float *k,
                              const float *v, const GrokAttentionWeights *w, int B, int T,
                              int C, int n_heads)
{
  g_return_if_fail (dq != NULL && dk != NULL && dv != NULL && dheads != NULL && dw != NULL);
  g_return_if_fail (dout != NULL && att != NULL && heads != NULL && w != NULL);
  g_return_if_fail (q != NULL && k != NULL && v != NULL);
  g_return_if_fail (B > 0 && T > 0 && n_heads > 0 && C > 0 && C % n_heads == 0);

  int D = C / n_heads;
  float scale = 1.0f / sqrtf ((float) D);

  project_backward (dheads, 0.0f, dw->wo, dw->bo, dout, heads, w->wo, B, C);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < n_heads; h++)
      {
        gsize row = (gsize) b * C + (gsize) h * D, keys = (gsize) b * T * C + (gsize) h * D;
        last_head_backward (dq + row, dk + keys, dv + keys, dheads + row,
                            att + ((gsize) b * n_heads + h) * T, q + row, k + keys, v + keys,
                            T, C, D, scale);
      }
}
