/* LayerNorm forward and backward. Statistics use two passes over the row (mean, then the mean
 * of squared deviations), which stays accurate when the row mean is large next to its spread;
 * the one-pass E[x^2] - E[x]^2 formula would cancel catastrophically there in float. */
#include "grok-layernorm.h"

#include <math.h>

void
grok_layernorm_forward (float *out, float *mean, float *rstd, const float *inp,
                        const float *weight, const float *bias, int N, int C, float eps)
{
  g_return_if_fail (out != NULL && mean != NULL && rstd != NULL && inp != NULL);
  g_return_if_fail (weight != NULL && bias != NULL && N >= 0 && C > 0);

  for (int n = 0; n < N; n++)
    {
      const float *x = inp + (gsize) n * C;
      float *y = out + (gsize) n * C;
      float m = 0.0f, var = 0.0f;

      for (int c = 0; c < C; c++)
        m += x[c];
      m /= C;
      for (int c = 0; c < C; c++)
        {
          float d = x[c] - m;
          var += d * d;
        }
      var /= C;

      float s = 1.0f / sqrtf (var + eps);
      for (int c = 0; c < C; c++)
        y[c] = (x[c] - m) * s * weight[c] + bias[c];
      mean[n] = m;
      rstd[n] = s;
    }
}

/* With xhat = (x - mean) * rstd and g = dout * weight, the gradient through the mean and the
 * variance collapses to dinp = rstd * (g - mean(g) - xhat * mean(g * xhat)). */
void
grok_layernorm_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *mean, const float *rstd,
                         const float *weight, int N, int C)
{
  g_return_if_fail (dinp != NULL && dweight != NULL && dbias != NULL && dout != NULL);
  g_return_if_fail (inp != NULL && mean != NULL && rstd != NULL && weight != NULL);
  g_return_if_fail (N >= 0 && C > 0);

  for (int n = 0; n < N; n++)
    {
      const float *x = inp + (gsize) n * C;
      const float *dy = dout + (gsize) n * C;
      float *dx = dinp + (gsize) n * C;
      float m = mean[n], s = rstd[n];
      float g_mean = 0.0f, gx_mean = 0.0f;

      for (int c = 0; c < C; c++)
        {
          float xhat = (x[c] - m) * s;
          float g = dy[c] * weight[c];
          g_mean += g;
          gx_mean += g * xhat;
          dweight[c] += dy[c] * xhat;
          dbias[c] += dy[c];
        }
      g_mean /= C;
      gx_mean /= C;

      /* reads dy[c] before writing dx[c], so dinp may alias dout */
      for (int c = 0; c < C; c++)
        {
          float xhat = (x[c] - m) * s;
          dx[c] = s * (dy[c] * weight[c] - g_mean - xhat * gx_mean);
        }
    }
}
