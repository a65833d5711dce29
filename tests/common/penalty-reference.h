/* The spectral-entropy penalty of one matrix the way SPEC section 3 writes it: a full thin SVD
 * W = U diag(s) V^T (LAPACK dgesdd, double) and dH/dW = U diag(dH/ds) V^T. Grokscope computed
 * it this way before it went through the Gram matrix's eigenvectors; the penalty test compares
 * the two, and the penalty benchmark times them. */
#pragma once

#include <cblas.h>
#include <glib.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

typedef struct
{
  int     max_m, max_n;
  double *a, *s, *u, *vt, *c;
} PenaltyReference;

static inline PenaltyReference *
penalty_reference_new (int max_m, int max_n)
{
  PenaltyReference *ref = g_new0 (PenaltyReference, 1);
  gsize block = (gsize) max_m * max_n;

  ref->max_m = max_m;
  ref->max_n = max_n;
  ref->a = g_new (double, block);
  ref->s = g_new (double, MIN (max_m, max_n));
  ref->u = g_new (double, block);
  ref->vt = g_new (double, block);
  ref->c = g_new (double, MIN (max_m, max_n));
  return ref;
}

static inline void
penalty_reference_free (PenaltyReference *ref)
{
  g_free (ref->a);
  g_free (ref->s);
  g_free (ref->u);
  g_free (ref->vt);
  g_free (ref->c);
  g_free (ref);
}

/* H of w (m x n, row-major double) and its gradient into grad (m x n), summing the terms of
 * the leading `terms` singular values: min(m, n) for the formula as written, which takes the
 * SVD's own (arbitrary) vectors for zero singular values too */
static inline double
penalty_reference (PenaltyReference *ref, const double *w, int m, int n, int terms,
                   double *grad)
{
  int r = MIN (m, n);
  double total = 0, h = 0, mean_g = 0;

  g_assert (m <= ref->max_m && n <= ref->max_n);
  memcpy (ref->a, w, sizeof (double) * m * n);
  g_assert_cmpint (LAPACKE_dgesdd (LAPACK_ROW_MAJOR, 'S', m, n, ref->a, n, ref->s, ref->u, r,
                                   ref->vt, n), ==, 0);
  for (int i = 0; i < r; i++)
    total += ref->s[i];
  for (int i = 0; i < r; i++)
    {
      double p = ref->s[i] / total;
      /* d/dp of -p ln(p + eps) */
      ref->c[i] = -(log (p + 1e-10) + p / (p + 1e-10));
      h -= p * log (p + 1e-10);
      mean_g += p * ref->c[i];
    }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < r; j++)
      ref->u[i * r + j] *= (ref->c[j] - mean_g) / total;
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, terms, 1.0, ref->u, r, ref->vt,
               n, 0.0, grad, n);
  return h;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PenaltyReference, penalty_reference_free)
