/* Binary cross-entropy per digit, on logits, without overflow for any logit. */
#include "grok-logistic.h"

#include <math.h>

static inline int
digit (const int *targets, int n, int k)
{
  return (targets[n] >> k) & 1;
}

/* -ln sigmoid (z) for the target 1, -ln (1 - sigmoid (z)) for 0, written as softplus so that
 * no exp overflows: softplus (-z) = max (-z, 0) + log1p (exp (-|z|)) */
static double
digit_loss (double z, int target, double clip)
{
  double s = target ? -z : z;
  double loss = fmax (s, 0.0) + log1p (exp (-fabs (s)));

  if (clip > 0.0)
    loss = -log (CLAMP (exp (-loss), clip, 1.0 - clip));
  return loss;
}

double
grok_digits_bce_forward (float *probs, const float *logits, const int *targets, int N, int K,
                         double clip, int *n_correct)
{
  double total = 0.0;
  int correct = 0;

  for (int n = 0; n < N; n++)
    {
      const float *row = logits + (gsize) n * K;
      double sum = 0.0;
      gboolean right = TRUE;

      for (int k = 0; k < K; k++)
        {
          int t = digit (targets, n, k);
          probs[(gsize) n * K + k] = (float) (1.0 / (1.0 + exp (-(double) row[k])));
          sum += digit_loss (row[k], t, clip);
          right = right && (row[k] > 0.0f) == t;
        }
      total += sum / K;
      correct += right;
    }
  if (n_correct != NULL)
    *n_correct = correct;
  return total / N;
}

void
grok_digits_bce_backward (float *dlogits, const float *probs, const int *targets, int N, int K,
                          double clip)
{
  const float scale = 1.0f / ((float) N * K);

  for (int n = 0; n < N; n++)
    for (int k = 0; k < K; k++)
      {
        gsize i = (gsize) n * K + k;
        int t = digit (targets, n, k);
        double p_target = t ? probs[i] : 1.0 - probs[i];

        if (clip > 0.0 && (p_target < clip || p_target > 1.0 - clip))
          dlogits[i] = 0.0f;
        else
          dlogits[i] = (probs[i] - (float) t) * scale;
      }
}
