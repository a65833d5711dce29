/* LayerNorm over the last dimension, as torch.nn.LayerNorm defines it (biased variance, eps
 * inside the square root, an elementwise weight and bias). The transformer of SPEC §2.2 uses it
 * after each residual sum (post-LN) with eps 1e-6. Shapes are row-major (rows, cols). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* out (N, C) = (inp - mean) * rstd * weight + bias, row by row; inp (N, C), weight (C),
 * bias (C). mean (N) and rstd (N) = 1 / sqrt(var + eps) receive the row statistics that
 * backward needs. out may not alias inp. */
void  grok_layernorm_forward   (float *out, float *mean, float *rstd, const float *inp,
                                const float *weight, const float *bias, int N, int C,
                                float eps);
/* dinp (N, C) = d/d inp (overwritten; may alias dout); dweight (C) += sum over rows of
 * dout * xhat; dbias (C) += column sums of dout. mean and rstd are those of the forward pass. */
void  grok_layernorm_backward  (float *dinp, float *dweight, float *dbias, const float *dout,
                                const float *inp, const float *mean, const float *rstd,
                                const float *weight, int N, int C);

G_END_DECLS
