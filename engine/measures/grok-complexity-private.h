/* What the coarse-graining and the search of the coarse-grained complexity share: the SVDs
 * of a checkpoint's matrices, computed once, and the buffers one coarse-graining fills. */
#pragma once

#include "grok-complexity.h"

G_BEGIN_DECLS

/* the SVD of one matrix, computed once per checkpoint and reused for every (Delta, tau) */
typedef struct
{
  int     m, n, r;
  float  *us;      /* m x r: U diag(s) */
  float  *vt;      /* r x n: V^T */
  double *s;       /* r, descending */
} GrokFactors;

/* LAPACK may return any sign for each singular-vector pair, and the stored bytes (hence the
 * size) follow those signs; so each pair is flipped, u and v together (W is unchanged), until
 * the largest-magnitude entry of its column of U diag(s) is positive (the first such entry on
 * ties), which makes the size independent of the LAPACK build */
void grok_factors_canonical_signs (GrokFactors *f);

/* everything one coarse-graining needs, allocated once */
typedef struct
{
  const GrokParams *params;
  GrokFactors      *factors;   /* per tensor; us == NULL for tensors that are not matrices */
  gboolean          owns_factors;
  GrokParams       *coarse;    /* theta' of the last call */
  float            *stored;    /* the stored arrays, at most numel floats */
  gsize             n_stored;
  char             *bz;        /* bzip2 output */
  unsigned int      bz_capacity;
} GrokGrainer;

/* SVD every matrix of params (kept by reference); NULL with an error naming the tensor when
 * one holds NaN or Inf */
GrokGrainer *grok_grainer_new      (const GrokParams *params, GError **error);
/* a grainer with buffers of its own and g's factors (g must outlive it): one per thread */
GrokGrainer *grok_grainer_new_sharing (GrokGrainer *g);
void         grok_grainer_free     (GrokGrainer *g);
/* theta' (g->coarse) and the stored arrays (g->stored, g->n_stored) at (delta, tau) */
void         grok_grainer_run      (GrokGrainer *g, double delta, double tau);
/* the bzip2 length of the stored arrays as little-endian float32 */
gsize        grok_grainer_compress (GrokGrainer *g);
/* the k of every matrix at tau, -1 where it is stored whole, as text: two taus with the same
 * profile coarse-grain identically */
char        *grok_grainer_profile  (const GrokGrainer *g, double tau);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokGrainer, grok_grainer_free)

G_END_DECLS
