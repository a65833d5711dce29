/* Forward and backward kernels of the MLP. Each takes explicit buffers and sizes; shapes are
 * row-major and written (rows, cols). Backward kernels accumulate into parameter gradients
 * (+=) and overwrite input gradients (=), so a model can zero its gradient buffer once per
 * step. Matrix products go through cblas_sgemm. */
#pragma once

#include <glib.h>

#include "grok-activation.h"

G_BEGIN_DECLS

/* out (N, OC) = inp (N, C) @ weight^T + bias; weight is (OC, C) as PyTorch stores it; bias may
 * be NULL */
void  grok_linear_forward       (float *out, const float *inp, const float *weight,
                                 const float *bias, int N, int C, int OC);
/* pre (N, OC) = inp (N, C) @ weight^T + bias, then post (N, OC) = act (pre); bias not NULL */
void  grok_linear_act_forward   (float *pre, float *post, const float *inp, const float *weight,
                                 const float *bias, int N, int C, int OC, GrokActivation act);
/* dinp (N, C) = dout @ weight (overwritten; may be NULL); dweight (OC, C) += dout^T @ inp;
 * dbias (OC) += column sums of dout (may be NULL) */
void  grok_linear_backward      (float *dinp, float *dweight, float *dbias, const float *dout,
                                 const float *inp, const float *weight, int N, int C, int OC);

/* dbias (OC) += column sums of dout (N, OC) */
void  grok_bias_backward        (float *dbias, const float *dout, int N, int OC);
/* out (n) = act (inp (n)); out may equal inp, though the models keep inp for the backward pass */
void  grok_activation_forward   (GrokActivation act, float *out, const float *inp, gsize n);
/* dinp (n) = dout (n) * act' (inp (n)); dinp may equal dout, not inp */
void  grok_activation_backward  (GrokActivation act, float *dinp, const float *dout,
                                 const float *inp, gsize n);

/* out (n) = a + b; out may equal a or b */
void  grok_add_rows             (float *out, const float *a, const float *b, int n);

/* out (N, T * D): row n is the concatenation of table[tokens[n, t]] for t < T; table (V, D) */
void  grok_embedding_forward    (float *out, const int *tokens, const float *table,
                                 int N, int T, int D);
/* dtable (V, D) += the rows of dout (N, T * D) scattered back to their tokens */
void  grok_embedding_backward   (float *dtable, const float *dout, const int *tokens,
                                 int N, int T, int D);

/* mean cross-entropy of logits (N, V) against targets (N), natural log. probs (N, V) receives
 * the softmax. With clip > 0 each target probability is clipped to [clip, 1 - clip] first, as
 * DeMoss et al. do. n_correct (may be NULL) receives how many argmax predictions are right
 * (ties go to the lowest index). Accumulates in double. */
double grok_cross_entropy_forward (float *probs, const float *logits, const int *targets,
                                   int N, int V, double clip, int *n_correct);
/* the same mean cross-entropy, to the bit, without the softmax: scratch (N, V) receives
 * exp (logit - largest) of each row, not normalised. For an evaluation, which reads the loss and
 * n_correct alone. */
double grok_cross_entropy_loss    (float *scratch, const float *logits, const int *targets,
                                   int N, int V, double clip, int *n_correct);
/* dlogits (N, V) = d(mean CE) / d logits from the probs of the forward pass, where the mean is
 * over n_mean examples (N, or more when these N rows are a part of the batch); a clipped target
 * probability contributes no gradient */
void   grok_cross_entropy_backward (float *dlogits, const float *probs, const int *targets,
                                    int N, int V, double clip, int n_mean);

G_END_DECLS
