/* Hand-written AVX-512 loops; see grok-vmath-avx512.h. */
#include "grok-vmath-avx512.h"

#ifdef GROK_VMATH_AVX512
#include <immintrin.h>

/* silu of 16 floats, in as few operations as accuracy allows, since it runs on every hidden unit
 * of every interpolated point:
 * - e^-x with -x = m ln2 + r, m an integer, |r| <= ln2 / 2 (ln2 split so that m ln2 is exact),
 *   e^r by a degree-6 polynomial fitted for least maximum relative error on that interval
 *   (1.7e-8 with its float coefficients, a seventh of an ulp), 2^m applied by vscalefps;
 * - 1 / (1 + e^-x) without a division: the 14-bit estimate vrcp14ps refined by one Newton step
 *   r (2 - d r), whose relative error is the square of the estimate's (below 2^-28) plus the
 *   step's own rounding (about one ulp);
 * - x is clamped below at -87 so that 1 + e^-x (at most e^87) and its reciprocal stay normal
 *   floats; there silu is below 1e-35 in size and the result keeps that size.
 * /engine/lmn/silu-accuracy measures the error against the double-precision formula. */
__attribute__ ((target ("avx512f"))) static inline __m512
silu16 (__m512 v)
{
  const __m512 one = _mm512_set1_ps (1.0f);
  __m512 w, m, r, p, d, rc;

  w = _mm512_max_ps (v, _mm512_set1_ps (-87.0f));
  m = _mm512_roundscale_ps (_mm512_mul_ps (w, _mm512_set1_ps (-1.44269504088896341f)),
                            _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  r = _mm512_fnmsub_ps (m, _mm512_set1_ps (0.693145751953125f), w);    /* -w - m ln2_hi */
  r = _mm512_fnmadd_ps (m, _mm512_set1_ps (1.428606765330187e-06f), r); /* - m ln2_lo */
  p = _mm512_fmadd_ps (_mm512_set1_ps (0.0013836846919730306f), r,
                       _mm512_set1_ps (0.008374815806746483f));
  p = _mm512_fmadd_ps (p, r, _mm512_set1_ps (0.04166822507977486f));
  p = _mm512_fmadd_ps (p, r, _mm512_set1_ps (0.16666419804096222f));
  p = _mm512_fmadd_ps (p, r, _mm512_set1_ps (0.49999991059303284f));
  p = _mm512_fmadd_ps (p, r, one);
  p = _mm512_fmadd_ps (p, r, one);
  d = _mm512_add_ps (_mm512_scalef_ps (p, m), one);
  rc = _mm512_rcp14_ps (d);
  rc = _mm512_fmadd_ps (rc, _mm512_fnmadd_ps (d, rc, one), rc);
  return _mm512_mul_ps (v, rc);
}

/* the mask of the lanes i .. MIN (i + 16, n) - 1 */
static inline __mmask16
lanes (gsize i, gsize n)
{
  return n - i >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (n - i)) - 1);
}

__attribute__ ((target ("avx512f"))) void
grok_vmath_silu_bias_avx512 (float *x, const float *bias, gsize n)
{
  gsize i = 0;

  /* whole vectors without masks, two at a time for the out-of-order core to overlap */
  if (bias == NULL)
    {
      for (; i + 32 <= n; i += 32)
        {
          __m512 v0 = _mm512_loadu_ps (x + i), v1 = _mm512_loadu_ps (x + i + 16);
          _mm512_storeu_ps (x + i, silu16 (v0));
          _mm512_storeu_ps (x + i + 16, silu16 (v1));
        }
    }
  for (; i < n; i += 16)
    {
      __mmask16 k = lanes (i, n);
      __m512 v = _mm512_maskz_loadu_ps (k, x + i);
      if (bias != NULL)
        v = _mm512_add_ps (v, _mm512_maskz_loadu_ps (k, bias + i));
      _mm512_mask_storeu_ps (x + i, k, silu16 (v));
    }
}

__attribute__ ((target ("avx512f"))) void
grok_vmath_silu_mix_avx512 (float *out, const float *a, const float *b, float lam, gsize n)
{
  const __m512 wa = _mm512_set1_ps (1.0f - lam), wb = _mm512_set1_ps (lam);
  for (gsize i = 0; i < n; i += 16)
    {
      __mmask16 k = lanes (i, n);
      __m512 v = _mm512_fmadd_ps (wb, _mm512_maskz_loadu_ps (k, b + i),
                                  _mm512_mul_ps (wa, _mm512_maskz_loadu_ps (k, a + i)));
      _mm512_mask_storeu_ps (out + i, k, silu16 (v));
    }
}

/* the two column mixes below, silu applied before the store when silu is TRUE (each vector
 * activated while in a register, where a second pass would store and load it again) */
__attribute__ ((target ("avx512f"))) static inline void
mix_columns (float *out, gsize ld, const float *z, const float *zt, gsize n_points, gsize n,
             const int *i, const int *j, int count, const float *lam, int n_lam, gboolean silu)
{
  const __mmask16 k0 = lanes (0, n_lam), k1 = n_lam > 16 ? lanes (16, n_lam) : 0;
  const __m512 wb0 = _mm512_maskz_loadu_ps (k0, lam), wb1 = _mm512_maskz_loadu_ps (k1, lam + 16);
  const __m512 wa0 = _mm512_sub_ps (_mm512_set1_ps (1.0f), wb0);
  const __m512 wa1 = _mm512_sub_ps (_mm512_set1_ps (1.0f), wb1);
  /* 16 segments laid end to end are n_lam whole vectors; lane l of vector t is point
   * (16 t + l) % n_lam of segment (16 t + l) / n_lam */
  float wa_all[16 * 32], wb_all[16 * 32];
  int seg_all[16 * 32];

  for (int g = 0; g < 16 * n_lam; g++)
    {
      seg_all[g] = g / n_lam;
      wb_all[g] = lam[g % n_lam];
      wa_all[g] = 1.0f - wb_all[g];
    }
  for (int c0 = 0; c0 < count; c0 += 16)
    {
      /* 16 segments from one point to 16 consecutive ones: the far ends are a run of zt */
      if (c0 + 16 <= count && i[c0] == i[c0 + 15] && j[c0 + 15] == j[c0] + 15)
        {
          for (gsize u = 0; u < n; u++)
            {
              const __m512 a = _mm512_set1_ps (zt[u * n_points + i[c0]]);
              const __m512 b16 = _mm512_loadu_ps (zt + u * n_points + j[c0]);
              float *o = out + u * ld + (gsize) c0 * n_lam;
              for (int t = 0; t < n_lam; t++)
                {
                  __m512 b = _mm512_permutexvar_ps (_mm512_loadu_si512 (seg_all + 16 * t), b16);
                  __m512 wa = _mm512_loadu_ps (wa_all + 16 * t);
                  __m512 wb = _mm512_loadu_ps (wb_all + 16 * t);
                  __m512 v = _mm512_fmadd_ps (wb, b, _mm512_mul_ps (wa, a));
                  _mm512_storeu_ps (o + 16 * t, silu ? silu16 (v) : v);
                }
            }
          continue;
        }
      for (gsize u = 0; u < n; u++)
        {
          float *row = out + u * ld;
          for (int c = c0; c < MIN (c0 + 16, count); c++)
            {
              __m512 a = _mm512_set1_ps (z[(gsize) i[c] * n + u]);
              __m512 b = _mm512_set1_ps (z[(gsize) j[c] * n + u]);
              float *o = row + (gsize) c * n_lam;
              __m512 v0 = _mm512_fmadd_ps (wb0, b, _mm512_mul_ps (wa0, a));
              _mm512_mask_storeu_ps (o, k0, silu ? silu16 (v0) : v0);
              if (k1 != 0)
                {
                  __m512 v1 = _mm512_fmadd_ps (wb1, b, _mm512_mul_ps (wa1, a));
                  _mm512_mask_storeu_ps (o + 16, k1, silu ? silu16 (v1) : v1);
                }
            }
        }
    }
}

__attribute__ ((target ("avx512f"))) void
grok_vmath_mix_columns_avx512 (float *out, gsize ld, const float *z, const float *zt,
                               gsize n_points, gsize n, const int *i, const int *j, int count,
                               const float *lam, int n_lam)
{
  mix_columns (out, ld, z, zt, n_points, n, i, j, count, lam, n_lam, FALSE);
}

__attribute__ ((target ("avx512f"))) void
grok_vmath_silu_mix_columns_avx512 (float *out, gsize ld, const float *z, const float *zt,
                                    gsize n_points, gsize n, const int *i, const int *j,
                                    int count, const float *lam, int n_lam)
{
  mix_columns (out, ld, z, zt, n_points, n, i, j, count, lam, n_lam, TRUE);
}

gboolean
grok_vmath_have_avx512 (void)
{
  static gsize answer = 0; /* 0 not asked yet, 1 no, 2 yes; the LMN pair loop's threads all ask */
  if (g_once_init_enter (&answer))
    {
      __builtin_cpu_init ();
      g_once_init_leave (&answer, __builtin_cpu_supports ("avx512f") ? 2 : 1);
    }
  return answer == 2;
}
#else
gboolean
grok_vmath_have_avx512 (void)
{
  return FALSE;
}
#endif
