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
#endif

G_END_DECLS
