/* Element-wise loops that call exp or tanh, built for the vector units: this file alone is
 * compiled with -ffast-math and OpenMP SIMD so that GCC calls glibc's vector math library, and
 * each loop is cloned for AVX2 with a run-time choice. Callers check for NaN and Inf outside. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* gelu in its tanh form: 0.5 x (1 + tanh (GROK_GELU_C (x + GROK_GELU_A x^3))) */
#define GROK_GELU_C 0.7978845608028654   /* sqrt (2 / pi) */
#define GROK_GELU_A 0.044715

/* out (n) = f (x (n)); out may equal x: each element is read before it is written */
void grok_vmath_silu_forward  (float *out, const float *x, gsize n);
void grok_vmath_gelu_forward  (float *out, const float *x, gsize n);
void grok_vmath_tanh_forward  (float *out, const float *x, gsize n);
/* d (n) *= f' (x (n)) */
void grok_vmath_silu_backward (float *restrict d, const float *restrict x, gsize n);
void grok_vmath_gelu_backward (float *restrict d, const float *restrict x, gsize n);
void grok_vmath_tanh_backward (float *restrict d, const float *restrict x, gsize n);
/* out (n) = exp (x (n) - shift) */
void grok_vmath_exp_shifted   (float *restrict out, const float *restrict x, float shift, gsize n);

/* 2 * half standard normals from 2 * half uniforms in (0, 1] (Box-Muller): z[i] and
 * z[half + i] from u[i] (the radius) and u[half + i] (the angle) */
void grok_vmath_box_muller    (float *restrict z, const float *restrict u, gsize half);

G_END_DECLS
