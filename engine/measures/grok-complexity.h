/* DeMoss et al.'s coarse-grained complexity (SPEC section 4.2): quantise the weights with bin
 * size Delta, truncate matrices to the singular values below a share tau of the spectrum, and
 * bzip2 what has to be stored; the complexity is the smallest such size whose loss stays
 * within epsilon of the original. Also the naive size and the Occam bound built on it. */
#pragma once

#include <gio/gio.h>

#include "grok-params.h"

G_BEGIN_DECLS

/* the most threads a complexity search evaluates and compresses on at once */
#define GROK_COMPLEXITY_MAX_WORKERS 2

/* The loss of a coarse-grained table (the SPEC's L: mean CE on the evaluation set). The search
 * calls it from up to n_workers threads at once, each call naming its worker (0 to n_workers - 1);
 * calls for one worker never overlap, so a worker may own buffers (a model) of its own. Every
 * worker must return the same loss for the same table: the answer does not depend on threads. */
typedef double (*GrokLossFunc) (const GrokParams *coarse, int worker, gpointer user_data);

typedef struct
{
  double min_log_delta;  /* log10 of the smallest Delta searched: -3 */
  double max_log_delta;  /* log10 of the largest: 0 */
  double resolution;     /* decades: a frontier bracket this narrow is final (0.005) */
  double tau_step;       /* the spacing of the scan in tau, from 1 down to 0 (0.05) */
  int    refine_rounds;  /* rounds of halving the tau intervals beside the best (8) */
  int    n_workers;      /* threads at once, 1 to GROK_COMPLEXITY_MAX_WORKERS (2) */
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
 * Delta in [10^min_log_delta, 10^max_log_delta] and tau in [0, 1]. For each rank profile (the
 * k of every matrix; many taus share one) it finds the largest feasible Delta, the feasibility
 * frontier, with loss evaluations only, and compresses only frontier points: first on a scan
 * of tau, then on the profiles between the best one and its neighbours. Two frontiers advance
 * at once, on opts->n_workers threads; the answer is the same for any number of threads. opts
 * may be NULL for the defaults. NULL with an error when L(theta) is not finite, a matrix is
 * not finite, the options are out of range, or the search was cancelled. */
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
