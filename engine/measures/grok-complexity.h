/* DeMoss et al.'s coarse-grained complexity (SPEC section 4.2): quantise the weights with bin
 * size Delta, truncate matrices to the singular values below a share tau of the spectrum, and
 * bzip2 what has to be stored; the complexity is the smallest such size whose loss stays
 * within epsilon of the original. Also the naive size and the Occam bound built on it. */
#pragma once

#include <gio/gio.h>

#include "grok-params.h"

G_BEGIN_DECLS

/* the loss of a coarse-grained table (the SPEC's L: mean CE on the evaluation set) */
typedef double (*GrokLossFunc) (const GrokParams *coarse, gpointer user_data);

typedef struct
{
  double        min_log_delta;  /* log10 of the smallest Delta searched: -3 */
  double        max_log_delta;  /* log10 of the largest: 0 */
  double        resolution;     /* decades: a frontier bracket this narrow is final (0.04) */
  const double *taus;           /* the tau grid, descending; NULL for the default grid */
  int           n_taus;
  int           n_explore;      /* loss-only probes spread over the box (16) */
} GrokComplexityOptions;

typedef struct
{
  gboolean    found;           /* some evaluated (Delta, tau) was feasible */
  gsize       size;            /* bytes: the complexity (0 when nothing was feasible) */
  double      delta, tau;      /* where it was found */
  double      base_loss;       /* L(theta) */
  double      loss;            /* L(theta') at (delta, tau) */
  guint       n_loss_evals;    /* including the one of L(theta) */
  guint       n_compressions;
  GrokParams *coarse;          /* theta' at (delta, tau); NULL when nothing was feasible */
} GrokComplexityResult;

void                  grok_complexity_options_init (GrokComplexityOptions *opts);
void                  grok_complexity_result_free  (GrokComplexityResult *result);

/* Q(x) = round-half-to-even(x / delta) * delta in float32, -0 written as +0 */
float                 grok_quantize             (float x, float delta);
/* k: how many leading values of s (r, descending) have a running sum strictly below
 * tau * sum(s); all r at tau = 1 */
int                   grok_complexity_rank      (const double *s, int r, double tau);

/* theta' at one (delta, tau): a new table with params' tensors. stored (may be NULL) receives
 * the stored arrays as little-endian float32 in canonical tensor order, A before B for a
 * truncated matrix. NULL with an error when a matrix holds NaN or Inf. */
GrokParams           *grok_complexity_coarse_grain (const GrokParams *params, double delta,
                                                    double tau, GByteArray **stored,
                                                    GError **error);
/* the bzip2 length (block size 9) of the stored arrays at one (delta, tau); 0 with an error */
gsize                 grok_complexity_size      (const GrokParams *params, double delta,
                                                 double tau, GError **error);
/* the sum over tensors of the bzip2 length of each tensor's raw float32 bytes */
gsize                 grok_naive_size           (const GrokParams *params);

/* The search for the smallest feasible size: L(theta') <= L(theta) + epsilon, finite, over
 * Delta in [10^min_log_delta, 10^max_log_delta] and tau in [0, 1]. It starts with the
 * reference's two probes (Delta 1e-3, tau 1) and (Delta 10^-2.7, tau 0.98), then follows the
 * feasibility frontier in Delta on a tau grid; bzip2 runs only on frontier points. opts may
 * be NULL for the defaults. NULL with an error when L(theta) is not finite, a matrix is not
 * finite, or the search was cancelled. */
GrokComplexityResult *grok_complexity_search    (const GrokParams *params, GrokLossFunc loss,
                                                 gpointer user_data, double epsilon,
                                                 const GrokComplexityOptions *opts,
                                                 GCancellable *cancellable, GError **error);

/* Occam bound on the test error: train_error + sqrt((K ln 2 + 2 ln K + ln(1/delta)) / (2 n))
 * with K = 8 * size_bytes bits (K below 1 bit is taken as 1, where 2 ln K = 0) */
double                grok_complexity_occam_bound (gsize size_bytes, double train_error,
                                                   gsize n_train, double delta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokComplexityResult, grok_complexity_result_free)

G_END_DECLS
