/* The digit loss head: one logistic output per binary digit of the target (SPEC §1, Liu et al.'s
 * XOR at the digit level). The target of an example is an integer whose digit k (bit k, least
 * significant first) is what logit k predicts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* mean over the N examples of the mean over the K digits of the binary cross-entropy of
 * sigmoid (logits (N, K)) against the digits of targets (N), natural log. probs (N, K) receives
 * the sigmoids. With clip > 0 each digit's target probability is clipped to [clip, 1 - clip]
 * first, as the softmax head does. n_correct (may be NULL) receives how many examples have every
 * digit right (a digit reads 1 when its logit is > 0). Accumulates in double. */
double grok_digits_bce_forward  (float *probs, const float *logits, const int *targets,
                                 int N, int K, double clip, int *n_correct);
/* dlogits (N, K) = d(loss) / d logits = (p - digit) / (N K); a clipped digit contributes no
 * gradient */
void   grok_digits_bce_backward (float *dlogits, const float *probs, const int *targets,
                                 int N, int K, double clip);

G_END_DECLS
