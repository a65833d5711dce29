/* The linear mapping number of Liu, Zhong and Tegmark (SPEC section 4.3): how many distinct
 * linear maps a sub-network uses on a set of points, read off the spectrum of the matrix of
 * pairwise linearity scores. */
#pragma once

#include <glib.h>

#include "grok-layer-view.h"

G_BEGIN_DECLS

/* interpolation points per segment: lambda = 0, 0.05, ..., 1 */
#define GROK_LMN_STEPS 21

/* an output whose range along a segment is at most this fraction of the largest |output| on that
 * segment counts as constant (r2 = 1): 1e-5 is about a hundred float32 rounding steps, so a
 * smaller variation cannot be told apart from rounding in the float32 forward pass */
#define GROK_LMN_CONSTANT_RTOL 1e-5

/* the SPEC's default limit on the number of points */
#define GROK_LMN_MAX_POINTS 1024

typedef struct
{
  int     n;        /* points */
  double *L;        /* (n, n) row-major: symmetric, unit diagonal, entries in [0, 1] */
  double *eig;      /* (n) eigenvalues of L, ascending */
  double  entropy;  /* S = -sum q log2 q, bits */
  double  lmn;      /* 2^S */
  int    *order;    /* (n) a permutation of the points that puts similar points together */
} GrokLmn;

void     grok_lmn_free          (GrokLmn *lmn);

/* which inputs to use as points: all of them (0 .. n_total - 1) when n_total <= max_points,
 * otherwise the first max_points of a shuffle seeded with seed, in ascending order. indices
 * has room for MIN (n_total, max_points); returns that count. */
int      grok_lmn_sample_indices (int n_total, int max_points, guint64 seed, int *indices);

/* LMN of f on points (n_points, f[0].in) row-major. f is n_layers layer views; its first layer
 * is affine, so the segment x_i -> x_j maps onto the segment between the first pre-activations.
 * For the SPEC default (points = first hidden pre-activations, f = the rest of the network) pass
 * the network's inputs and all its layers: the pre-activations along a segment are then exactly
 * those along the segment between the two points' pre-activations. */
GrokLmn *grok_lmn_compute       (const float *points, int n_points, const GrokLayerView *f,
                                 int n_layers, GError **error);

/* the same with the points given as first pre-activations z (n_points, units): f is then
 * act_first followed by rest (n_rest layers, may be 0) */
GrokLmn *grok_lmn_compute_preact (const float *z, int n_points, int units,
                                  GrokActivation act_first, const GrokLayerView *rest,
                                  int n_rest, GError **error);

/* r2 of one output sequence y (GROK_LMN_STEPS values at lambda = 0, 0.05, ..., 1) against
 * lambda; scale is the largest |output| on the segment, used by the constant test */
double   grok_lmn_r2            (const double *y, double scale);

/* LMN from a symmetric L (n, n); the eigenvalues (ascending) go to eig when non-NULL and S to
 * entropy when non-NULL. Returns a negative number and sets error when LAPACK fails. */
double   grok_lmn_from_matrix   (const double *L, int n, double *eig, double *entropy,
                                 GError **error);

/* the activation applied in place to n floats, as the LMN pair loop evaluates it: silu through a
 * vectorised exponential and, with AVX-512, a refined reciprocal instead of a division, within
 * 4 FLT_EPSILON relative of the exact value (1.7 measured) */
void     grok_lmn_activate      (float *x, gsize n, GrokActivation act);

/* a greedy seriation of L: start at the point with the largest row sum, then repeatedly append
 * the unvisited point most similar to the last one appended (ties: lowest index). Points of a
 * block of near-equal similarity come out contiguous. O(n^2). */
void     grok_lmn_order         (const double *L, int n, int *order);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokLmn, grok_lmn_free)

G_END_DECLS
