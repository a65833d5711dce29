/* MLP kernels: linear layers through OpenBLAS, element-wise activations, token embeddings and
 * the softmax cross-entropy. */
#include "grok-kernels.h"
#include "grok-vmath.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

void
grok_linear_forward (float *out, const float *inp, const float *weight, const float *bias,
                     int N, int C, int OC)
{
  float beta = 0.0f;

  if (bias != NULL)
    {
      for (int n = 0; n < N; n++)
        memcpy (out + (gsize) n * OC, bias, OC * sizeof (float));
      beta = 1.0f;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C,
               1.0f, inp, C, weight, C, beta, out, OC);
}

/* the bias and the activation in one pass over each row while it is in the cache, not two
 * passes over the whole (N, OC) output after a copy of the bias into it */
void
grok_linear_act_forward (float *pre, float *post, const float *inp, const float *weight,
                         const float *bias, int N, int C, int OC, GrokActivation act)
{
  void (*forward) (float *, const float *, gsize) = grok_activation_info (act)->forward;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C,
               1.0f, inp, C, weight, C, 0.0f, pre, OC);
  for (int n = 0; n < N; n++)
    {
      float *row = pre + (gsize) n * OC;
#pragma omp simd
      for (int o = 0; o < OC; o++)
        row[o] += bias[o];
      forward (post + (gsize) n * OC, row, OC);
    }
}

void
grok_linear_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                      const float *inp, const float *weight, int N, int C, int OC)
{
  if (dinp != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, C, OC,
                 1.0f, dout, OC, weight, C, 0.0f, dinp, C);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, N,
               1.0f, dout, OC, inp, C, 1.0f, dweight, C);
  if (dbias != NULL)
    grok_bias_backward (dbias, dout, N, OC);
}

void
grok_bias_backward (float *dbias, const float *dout, int N, int OC)
{
  for (int n = 0; n < N; n++)
    {
      const float *row = dout + (gsize) n * OC;
#pragma omp simd
      for (int o = 0; o < OC; o++)
        dbias[o] += row[o];
    }
}

void
grok_activation_forward (GrokActivation act, float *out, const float *inp, gsize n)
{
  grok_activation_info (act)->forward (out, inp, n);
}

void
grok_activation_backward (GrokActivation act, float *dinp, const float *dout, const float *inp,
                          gsize n)
{
  g_assert (dinp != inp);
  if (dinp != dout)
    memcpy (dinp, dout, n * sizeof (float));
  grok_activation_info (act)->backward (dinp, inp, n);
}

void
grok_embedding_forward (float *out, const int *tokens, const float *table, int N, int T, int D)
{
  for (gsize i = 0; i < (gsize) N * T; i++)
    memcpy (out + i * D, table + (gsize) tokens[i] * D, D * sizeof (float));
}

void
grok_embedding_backward (float *dtable, const float *dout, const int *tokens, int N, int T, int D)
{
  for (gsize i = 0; i < (gsize) N * T; i++)
    {
      float *dst = dtable + (gsize) tokens[i] * D;
      const float *src = dout + i * D;
#pragma omp simd
      for (int d = 0; d < D; d++)
        dst[d] += src[d];
    }
}

/* TRUE when the target probability of a row was clipped (and so passes no gradient) */
static inline gboolean
is_clipped (double p_target, double clip)
{
  return clip > 0.0 && (p_target < clip || p_target > 1.0 - clip);
}

double
grok_cross_entropy_forward (float *probs, const float *logits, const int *targets, int N, int V,
                            double clip, int *n_correct)
{
  double total = 0.0;
  int correct = 0;

  for (int n = 0; n < N; n++)
    {
      const float *row = logits + (gsize) n * V;
      float *prow = probs + (gsize) n * V;
      int argmax = 0;
      double sum = 0.0, log_p;

      float max;

      for (int v = 1; v < V; v++)
        if (row[v] > row[argmax])
          argmax = v;
      max = row[argmax];
      /* one expf per logit; the sum in double keeps the normaliser exact to float precision */
      grok_vmath_exp_shifted (prow, row, max, V);
      for (int v = 0; v < V; v++)
        sum += prow[v];
      {
        float inv = (float) (1.0 / sum);
        for (int v = 0; v < V; v++)
          prow[v] *= inv;
      }
      log_p = (double) row[targets[n]] - row[argmax] - log (sum);
      if (clip > 0.0)
        log_p = log (CLAMP (exp (log_p), clip, 1.0 - clip));
      total -= log_p;
      correct += argmax == targets[n];
    }
  if (n_correct != NULL)
    *n_correct = correct;
  return total / N;
}

void
grok_cross_entropy_backward (float *dlogits, const float *probs, const int *targets, int N,
                             int V, double clip, int n_mean)
{
  const float scale = 1.0f / n_mean;

  for (int n = 0; n < N; n++)
    {
      const float *prow = probs + (gsize) n * V;
      float *drow = dlogits + (gsize) n * V;

      if (is_clipped (prow[targets[n]], clip))
        {
          memset (drow, 0, V * sizeof (float));
          continue;
        }
#pragma omp simd
      for (int v = 0; v < V; v++)
        drow[v] = prow[v] * scale;
      drow[targets[n]] -= scale;
    }
}
