/* The Fourier measures of SPEC §4.5 (Nanda et al., 2023) for modular tasks: the norm of each
 * frequency k = 0 .. floor(p/2) in the embedding rows of the p number tokens and in the
 * unembedding's rows of the p number classes, how concentrated those norms are (Gini, top-5
 * share), the key frequencies, and the restricted and excluded losses of the logits projected
 * on the key frequencies' cos(w_k (a + b - c)) and sin(w_k (a + b - c)). */
#pragma once

#include <glib.h>

#include "grok-model.h"
#include "grok-params.h"
#include "grok-task.h"

G_BEGIN_DECLS

/* the key frequencies are the GROK_FOURIER_KEYS frequencies k >= 1 with the largest embedding
 * norm_k, as many as fourier_top5 counts */
#define GROK_FOURIER_KEYS 5

/* floor(p/2) + 1: the frequencies 0 .. floor(p/2) */
static inline int
grok_fourier_n_freq (int p)
{
  return p / 2 + 1;
}

/* norms (grok_fourier_n_freq (p)) of the rows 0 .. p-1 of a (at least p, d) row-major matrix:
 * norm_k = sqrt(|c_k|^2 + |s_k|^2), c_k = sum_a E[a] cos(2 pi k a / p),
 * s_k = sum_a E[a] sin(2 pi k a / p), in double */
void   grok_fourier_norms      (const float *rows, int p, int d, double *norms);
/* the Gini coefficient of norms[1 .. n_freq-1] (frequency 0 left out): 0 when they are equal,
 * (n - 1) / n when one holds everything; 0 for all zeros */
double grok_fourier_gini       (const double *norms, int n_freq);
/* the share of sum_{k >= 1} norm_k^2 held by the `top` largest of them; NAN for all zeros */
double grok_fourier_top_share  (const double *norms, int n_freq, int top);
/* the min(max, n_freq - 1) frequencies k >= 1 with the largest norm_k (ties to the lower k),
 * ascending, into keys; returns how many */
int    grok_fourier_key_frequencies (const double *norms, int n_freq, int max, int *keys);

/* Restricted and excluded loss of a logit table. logits (n, n_classes) are the model's logits
 * for the examples (a[i], b[i]) of a modular task mod p, with target y[i]; classes 0 .. p-1 are
 * the numbers c (a sequence format's extra classes are left as they are). The fit: the least
 * squares projection of logits(a, b, c), c < p, over all n examples onto the constant and
 * cos(w_k r), sin(w_k r), r = (a + b - c) mod p, w_k = 2 pi k / p, for the keys.
 * restricted: the mean cross-entropy over all n examples of the logits replaced by that fit;
 * excluded: the mean cross-entropy over the examples with train[i] of the logits minus the
 * fit's key components (the constant kept). clip as in training. */
void   grok_fourier_losses     (const float *logits, int n, int n_classes, const int *a,
                                const int *b, const int *y, const gboolean *train, int p,
                                const int *keys, int n_keys, double clip,
                                double *restricted, double *excluded);

/* the norms of a model's embedding and unembedding */
typedef struct
{
  int     p;
  int     n_freq;
  double *embedding;     /* (n_freq) */
  double *unembedding;   /* (n_freq) */
} GrokFourierNorms;

/* The matrices read: the token embedding's rows 0 .. p-1 (tok_embed.weight of a transformer,
 * embed.weight of an MLP, whose a and b share that table) and the output layer's rows for the
 * classes 0 .. p-1 (unembed.weight, or an MLP's layers.{depth}.weight). NULL with an error
 * naming the tensor when params lack one. */
GrokFourierNorms *grok_fourier_norms_from_params (const GrokModelSettings *model,
                                                  const GrokParams *params, int p,
                                                  GError **error);
void              grok_fourier_norms_free        (GrokFourierNorms *norms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokFourierNorms, grok_fourier_norms_free)

G_END_DECLS
