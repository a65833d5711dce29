/* Vectorised element-wise math; see grok-vmath.h for why this file is compiled differently. */
#include "grok-vmath.h"

#include <math.h>

#define GELU_C ((float) GROK_GELU_C)
#define GELU_A ((float) GROK_GELU_A)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define VECTOR_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* e^-x for the logistic function, its argument capped at 80: under fast math e^90 is not
 * promised to be infinity, and the division by it can then give NaN (it did, below x = -90);
 * at the cap the logistic is 1.8e-35 against a true value smaller still, both far below any
 * weight's resolution */
#define NEG_EXP_CAPPED(x) expf (fminf (-(x), 80.0f))

VECTOR_CLONES void
grok_vmath_silu_forward (float *out, const float *x, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    out[i] = x[i] / (1.0f + NEG_EXP_CAPPED (x[i]));
}

VECTOR_CLONES void
grok_vmath_silu_backward (float *restrict d, const float *restrict x, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    {
      float s = 1.0f / (1.0f + NEG_EXP_CAPPED (x[i]));
      d[i] *= s * (1.0f + x[i] * (1.0f - s));
    }
}

VECTOR_CLONES void
grok_vmath_gelu_forward (float *out, const float *x, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    {
      float v = x[i];
      out[i] = 0.5f * v * (1.0f + tanhf (GELU_C * (v + GELU_A * v * v * v)));
    }
}

VECTOR_CLONES void
grok_vmath_gelu_backward (float *restrict d, const float *restrict x, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    {
      float v = x[i];
      float t = tanhf (GELU_C * (v + GELU_A * v * v * v));
      float dt = (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_A * v * v);
      d[i] *= 0.5f * (1.0f + t) + 0.5f * v * dt;
    }
}

VECTOR_CLONES void
grok_vmath_tanh_forward (float *out, const float *x, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    out[i] = tanhf (x[i]);
}

VECTOR_CLONES void
grok_vmath_tanh_backward (float *restrict d, const float *restrict x, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    {
      float t = tanhf (x[i]);
      d[i] *= 1.0f - t * t;
    }
}

VECTOR_CLONES void
grok_vmath_exp_shifted (float *restrict out, const float *restrict x, float shift, gsize n)
{
#pragma omp simd
  for (gsize i = 0; i < n; i++)
    out[i] = expf (x[i] - shift);
}

VECTOR_CLONES void
grok_vmath_box_muller (float *restrict z, const float *restrict u, gsize half)
{
  const float two_pi = 6.283185307179586f;

  /* two loops: in one, the compiler fuses cosf and sinf of the same angle into a scalar
   * sincosf call, which has no vector form, and the whole loop stayed scalar (a third of the
   * weight noise's time); apart, logf, cosf and sinf all vectorise */
#pragma omp simd
  for (gsize i = 0; i < half; i++)
    z[i] = sqrtf (-2.0f * logf (u[i])) * cosf (two_pi * u[half + i]);
#pragma omp simd
  for (gsize i = 0; i < half; i++)
    z[half + i] = sqrtf (-2.0f * logf (u[i])) * sinf (two_pi * u[half + i]);
}
