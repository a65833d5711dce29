/* Hand-written AVX-512 loops for the hottest element-wise work (SiLU inside the linear mapping
 * number's pair loop), chosen at run time. Compiled without fast math: their error bounds rest on
 * the exact order of their operations. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#if defined(__x86_64__) && defined(__GNUC__)
#define GROK_VMATH_AVX512 1
#endif

/* TRUE when this CPU runs AVX-512F; FALSE wherever the loops below are not built */
gboolean grok_vmath_have_avx512       (void);

#ifdef GROK_VMATH_AVX512
/* x (n) = silu (x + bias) in place; bias may be NULL */
void     grok_vmath_silu_bias_avx512  (float *x, const float *bias, gsize n);
/* out (n) = silu ((1 - lam) a + lam b) */
void     grok_vmath_silu_mix_avx512   (float *out, const float *a, const float *b, float lam,
                                       gsize n);
/* out[u * ld + c * n_lam + m] = (1 - lam[m]) z[i_c * n + u] + lam[m] z[j_c * n + u] for the
 * units u < n, the segments c < count between the rows i_c and j_c of z (n_points x n) and
 * n_lam <= 32 values of lam: the segments' points unit-major, rounded as the mix above. zt is z
 * transposed (n x n_points), from which runs of consecutive far ends are read whole. */
void     grok_vmath_mix_columns_avx512 (float *out, gsize ld, const float *z, const float *zt,
                                        gsize n_points, gsize n, const int *i, const int *j,
                                        int count, const float *lam, int n_lam);
/* the same with silu applied to every value */
void     grok_vmath_silu_mix_columns_avx512 (float *out, gsize ld, const float *z,
                                             const float *zt, gsize n_points, gsize n,
                                             const int *i, const int *j, int count,
                                             const float *lam, int n_lam);
#endif

G_END_DECLS
