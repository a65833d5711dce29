/* Local complexity (Humayun, Balestriero, Baraniuk, "Deep networks always grok"; SPEC section
 * 4.4): how many units change sign in a small neighbourhood of each sample, i.e. how densely the
 * region boundaries pass near the data. Any input dimension. */
#pragma once

#include <glib.h>

#include "grok-layer-view.h"

G_BEGIN_DECLS

typedef struct
{
  int     n_radii;
  double *radii;       /* (n_radii) */
  int     n_layers;    /* the layers with a non-linear activation, in order */
  double *per_layer;   /* (n_radii, n_layers): mean over samples of each layer's count */
  double *lc;          /* (n_radii): the per-layer counts summed */
} GrokLocalComplexity;

void grok_local_complexity_free (GrokLocalComplexity *lc);

/* The P directions around sample number 'sample' (dirs (P, dim) row-major): Gaussian vectors
 * from the seeded stream (seed, sample), orthonormalised by Gram-Schmidt in blocks of dim, so
 * for P <= dim they are orthonormal and for P > dim each block of dim consecutive directions is
 * an orthonormal basis of the input space, drawn independently of the other blocks. */
void grok_local_complexity_directions (guint64 seed, int sample, int dim, int P, double *dirs);

/* For each sample point x (points (n_points, layers[0].in)) and each radius r: the 2P vertices
 * x +- r v_p; for each layer with a non-linear activation, the units whose pre-activation sign
 * (> 0 or not) differs between some vertex and the first vertex x + r v_1. Layers with a linear
 * activation (the output layer among them) carry no region boundary and are not counted. */
GrokLocalComplexity *grok_local_complexity (const GrokLayerView *layers, int n_layers,
                                            const float *points, int n_points,
                                            const double *radii, int n_radii, int P,
                                            guint64 seed, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokLocalComplexity, grok_local_complexity_free)

G_END_DECLS
