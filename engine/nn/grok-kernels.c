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
    for (int n = 0; n < N; n++)
      {
        const float *row = dout + (gsize) n * OC;
        for (int o = 0; o < OC; o++)
          dbias[o] += row[o];
      }
}

#define GELU_C 0.7978845608028654f   /* sqrt (2 / pi) */
#define GELU_A 0.044715f
#define LEAKY_SLOPE 0.01f

/* Scalar forms and derivatives, for single points and for the piecewise-linear loops below,
 * which the compiler vectorises on its own. */
static inline float
act_value (GrokActivation act, float x)
{
  switch (act)
    {
    case GROK_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case GROK_ACT_LEAKY_RELU: return x > 0.0f ? x : LEAKY_SLOPE * x;
    case GROK_ACT_GELU: return 0.5f * x * (1.0f + tanhf (GELU_C * (x + GELU_A * x * x * x)));
    case GROK_ACT_SILU: return x / (1.0f + expf (-x));
    case GROK_ACT_TANH: return tanhf (x);
    case GROK_ACT_LINEAR: return x;
    default: g_assert_not_reached ();
    }
}

static inline float
act_slope (GrokActivation act, float x)
{
  switch (act)
    {
    case GROK_ACT_RELU: return x > 0.0f ? 1.0f : 0.0f;
    case GROK_ACT_LEAKY_RELU: return x > 0.0f ? 1.0f : LEAKY_SLOPE;
    case GROK_ACT_GELU:
      {
        float t = tanhf (GELU_C * (x + GELU_A * x * x * x));
        float dt = (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_A * x * x);
        return 0.5f * (1.0f + t) + 0.5f * x * dt;
      }
    case GROK_ACT_SILU:
      {
        float s = 1.0f / (1.0f + expf (-x));
        return s * (1.0f + x * (1.0f - s));
      }
    case GROK_ACT_TANH:
      {
        float t = tanhf (x);
        return 1.0f - t * t;
      }
    case GROK_ACT_LINEAR: return 1.0f;
    default: g_assert_not_reached ();
    }
}

#define DEFINE_ACT_LOOPS(suffix, ACT)                                                   \
  static void                                                                           \
  forward_##suffix (float *restrict out, const float *restrict inp, gsize n)            \
  {                                                                                     \
    for (gsize i = 0; i < n; i++)                                                       \
      out[i] = act_value (ACT, inp[i]);                                                 \
  }                                                                                     \
  static void                                                                           \
  backward_##suffix (float *restrict d, const float *restrict inp, gsize n)             \
  {                                                                                     \
    for (gsize i = 0; i < n; i++)                                                       \
      d[i] *= act_slope (ACT, inp[i]);                                                  \
  }

DEFINE_ACT_LOOPS (relu, GROK_ACT_RELU)
DEFINE_ACT_LOOPS (leaky_relu, GROK_ACT_LEAKY_RELU)

typedef void (*ActLoop) (float *restrict, const float *restrict, gsize);

/* the smooth activations come from the vectorised math module */
static const ActLoop forward_loops[GROK_N_ACTIVATIONS] = {
  forward_relu, forward_leaky_relu, grok_vmath_gelu_forward, grok_vmath_silu_forward,
  grok_vmath_tanh_forward, NULL,
};
static const ActLoop backward_loops[GROK_N_ACTIVATIONS] = {
  backward_relu, backward_leaky_relu, grok_vmath_gelu_backward, grok_vmath_silu_backward,
  grok_vmath_tanh_backward, NULL,
};

void
grok_activation_forward (GrokActivation act, float *out, const float *inp, gsize n)
{
  g_assert (act >= 0 && act < GROK_N_ACTIVATIONS);
  if (act == GROK_ACT_LINEAR)
    {
      if (out != inp)
        memcpy (out, inp, n * sizeof (float));
      return;
    }
  g_assert (out != inp);
  forward_loops[act] (out, inp, n);
}

void
grok_activation_backward (GrokActivation act, float *dinp, const float *dout, const float *inp,
                          gsize n)
{
  g_assert (act >= 0 && act < GROK_N_ACTIVATIONS);
  g_assert (dinp != inp);
  if (dinp != dout)
    memcpy (dinp, dout, n * sizeof (float));
  if (act != GROK_ACT_LINEAR)
    backward_loops[act] (dinp, inp, n);
}

/* the scalar forms, for measures that evaluate a net point by point */
float
grok_activation_value (GrokActivation act, float x)
{
  return act_value (act, x);
}

float
grok_activation_slope (GrokActivation act, float x)
{
  return act_slope (act, x);
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
                             int V, double clip)
{
  const float scale = 1.0f / N;

  for (int n = 0; n < N; n++)
    {
      const float *prow = probs + (gsize) n * V;
      float *drow = dlogits + (gsize) n * V;

      if (is_clipped (prow[targets[n]], clip))
        {
          memset (drow, 0, V * sizeof (float));
          continue;
        }
      for (int v = 0; v < V; v++)
        drow[v] = prow[v] * scale;
      drow[targets[n]] -= scale;
    }
}
