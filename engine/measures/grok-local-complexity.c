/* Local complexity around sample points: the vertices of a small cross-polytope around each
 * sample go through the network in double (one dgemm per layer for all vertices and radii of a
 * sample), and each layer's units are checked for a sign change among the vertices. */
#include "grok-local-complexity.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "grok-blas.h"
#include "grok-error.h"
#include "grok-rng.h"

void
grok_local_complexity_free (GrokLocalComplexity *lc)
{
  if (lc == NULL)
    return;
  g_free (lc->radii);
  g_free (lc->per_layer);
  g_free (lc->lc);
  g_free (lc);
}

void
grok_local_complexity_directions (guint64 seed, int sample, int dim, int P, double *dirs)
{
  GrokRng rng;

  g_return_if_fail (dim > 0 && P > 0 && dirs != NULL);
  grok_rng_init_stream (&rng, seed, (guint64) sample);
  for (int p = 0; p < P; p++)
    {
      double *v = dirs + (gsize) p * dim, norm;
      int block = p - p % dim;
      do
        {
          for (int i = 0; i < dim; i++)
            v[i] = grok_rng_normal (&rng);
          /* modified Gram-Schmidt against the earlier directions of the same block */
          for (int q = block; q < p; q++)
            {
              const double *u = dirs + (gsize) q * dim;
              double dot = 0;
              for (int i = 0; i < dim; i++)
                dot += v[i] * u[i];
              for (int i = 0; i < dim; i++)
                v[i] -= dot * u[i];
            }
          norm = 0;
          for (int i = 0; i < dim; i++)
            norm += v[i] * v[i];
          norm = sqrt (norm);
        }
      while (norm < 1e-6); /* a draw (nearly) in the span of the others: draw again */
      for (int i = 0; i < dim; i++)
        v[i] /= norm;
    }
}

/* The directions of n samples (dirs (n, P, dim)), read-only once built. They depend on the seed
 * and the sizes alone, and a run measures every row with the same ones, so the set of the last
 * call is kept for the next (256 samples of 25 directions in 64 dimensions, the quick preset's,
 * are 3.3 MB): sample s's directions are the same however many samples a set has. */
typedef struct
{
  guint64 seed;
  int     n, dim, P;
  double  dirs[];
} DirectionSet;

G_LOCK_DEFINE_STATIC (last_set);
static DirectionSet *last_set;

static gboolean
set_fits (const DirectionSet *set, guint64 seed, int n, int dim, int P)
{
  return set != NULL && set->seed == seed && set->n >= n && set->dim == dim && set->P == P;
}

/* a reference to a set with the directions of samples 0 .. n - 1 (release it with
 * g_atomic_rc_box_release) */
static DirectionSet *
directions_acquire (guint64 seed, int n, int dim, int P)
{
  DirectionSet *set = NULL;
  gsize per = (gsize) P * dim;

  G_LOCK (last_set);
  if (set_fits (last_set, seed, n, dim, P))
    set = g_atomic_rc_box_acquire (last_set);
  G_UNLOCK (last_set);
  if (set != NULL)
    return set;
  set = g_atomic_rc_box_alloc (sizeof (DirectionSet) + sizeof (double) * per * n);
  set->seed = seed;
  set->n = n;
  set->dim = dim;
  set->P = P;
  for (int s = 0; s < n; s++)
    grok_local_complexity_directions (seed, s, dim, P, set->dirs + per * s);
  G_LOCK (last_set);
  if (last_set != NULL)
    g_atomic_rc_box_release (last_set);
  last_set = g_atomic_rc_box_acquire (set);
  G_UNLOCK (last_set);
  return set;
}

/* count += the units of one layer (rows group x out) whose sign differs from the group's first
 * row in some row of the group; row by row over contiguous units, the flags doubles (0 or 1) so
 * that the compare and select vectorise with the rows' own width */
static void
count_group (const double *restrict z, int group, int out, double *restrict changed,
             double *count)
{
  double n = 0;

  for (int o = 0; o < out; o++)
    changed[o] = 0;
  for (int r = 1; r < group; r++)
    {
      const double *restrict row = z + (gsize) r * out;
      for (int o = 0; o < out; o++)
        changed[o] = (row[o] > 0) != (z[o] > 0) ? 1.0 : changed[o];
    }
  for (int o = 0; o < out; o++)
    n += changed[o];
  *count += n;
}

/* b = act (b) over n doubles; ReLU and the identity without a call per value (ReLU's loop is
 * relu's value_d written out, so the values are the same) */
static void
activate_d (double *b, gsize n, GrokActivation act)
{
  double (*value) (double) = grok_activation_info (act)->value_d;

  if (grok_activation_is_affine (act))
    return;
  if (act == GROK_ACT_RELU)
    {
      for (gsize i = 0; i < n; i++)
        b[i] = b[i] > 0.0 ? b[i] : 0.0;
      return;
    }
  for (gsize i = 0; i < n; i++)
    b[i] = value (b[i]);
}

/* The vertices a (rows, layers[0].in) through the network; rows come in groups of 'group'
 * (one group per radius). count (rows / group, n_nl) gets, for each group and each layer with a
 * non-linear activation, the number of units whose sign differs from the group's first row in
 * some row of the group. a and b are scratch buffers of rows x (widest layer) doubles, changed
 * one flag per unit of the widest layer. The layers after the last non-linear one change no
 * count and are not run. */
static void
count_sign_changes (const GrokLayerView *layers, int n_layers, double *const *wd, double *a,
                    double *b, double *changed, int rows, int group, int n_nl,
                    double *count)
{
  int k = 0;

  for (int l = 0; l < n_layers && k < n_nl; l++)
    {
      const GrokLayerView *L = &layers[l];
      double *tmp;
      grok_layer_affine_rows (L, wd[l], a, rows, b);
      if (!grok_activation_is_affine (L->act))
        {
          for (int g = 0; g < rows / group; g++)
            count_group (b + (gsize) g * group * L->out, group, L->out, changed,
                         &count[(gsize) g * n_nl + k]);
          k++;
        }
      activate_d (b, (gsize) rows * L->out, L->act);
      tmp = a;
      a = b;
      b = tmp;
    }
}

GrokLocalComplexity *
grok_local_complexity (const GrokLayerView *layers, int n_layers, const float *points,
                       int n_points, const double *radii, int n_radii, int P, guint64 seed,
                       GError **error)
{
  g_autoptr (GrokLocalComplexity) lc = NULL;
  g_autoptr (GPtrArray) wd = NULL;
  DirectionSet *set;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;
  g_autofree double *count = NULL;
  g_autofree double *changed = NULL;
  int dim, rows, width, n_nl = 0;

  grok_blas_init ();
  g_return_val_if_fail (layers != NULL && n_layers > 0 && points != NULL && n_points > 0, NULL);
  g_return_val_if_fail (radii != NULL && n_radii > 0 && P > 0, NULL);
  if (!grok_layers_are_chained (layers, n_layers))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "local complexity: the %d layers do not chain (each layer's input size must "
                   "equal the previous output size)", n_layers);
      return NULL;
    }
  dim = layers[0].in;
  width = dim;
  wd = grok_layers_weights_double (layers, n_layers);
  for (int l = 0; l < n_layers; l++)
    {
      width = MAX (width, layers[l].out);
      n_nl += !grok_activation_is_affine (layers[l].act);
    }

  lc = g_new0 (GrokLocalComplexity, 1);
  lc->n_radii = n_radii;
  lc->radii = g_memdup2 (radii, sizeof (double) * n_radii);
  lc->n_layers = n_nl;
  lc->per_layer = g_new0 (double, (gsize) n_radii * MAX (n_nl, 1));
  lc->lc = g_new0 (double, n_radii);

  rows = n_radii * 2 * P;
  set = directions_acquire (seed, n_points, dim, P);
  a = g_new (double, (gsize) rows * width);
  b = g_new (double, (gsize) rows * width);
  count = g_new0 (double, (gsize) n_radii * MAX (n_nl, 1));
  changed = g_new (double, width);
  for (int s = 0; s < n_points; s++)
    {
      const float *x = points + (gsize) s * dim;
      const double *dirs = set->dirs + (gsize) s * P * dim;
      /* group per radius: x + r v_1, x - r v_1, x + r v_2, ... */
      for (int ri = 0; ri < n_radii; ri++)
        for (int v = 0; v < 2 * P; v++)
          {
            double *row = a + ((gsize) ri * 2 * P + v) * dim;
            double sr = (v % 2 ? -1.0 : 1.0) * radii[ri];
            for (int i = 0; i < dim; i++)
              row[i] = x[i] + sr * dirs[(gsize) (v / 2) * dim + i];
          }
      count_sign_changes (layers, n_layers, (double *const *) wd->pdata, a, b, changed, rows,
                          2 * P, n_nl, count);
    }
  g_atomic_rc_box_release (set);
  for (int ri = 0; ri < n_radii; ri++)
    for (int k = 0; k < n_nl; k++)
      {
        lc->per_layer[(gsize) ri * n_nl + k] = count[(gsize) ri * n_nl + k] / n_points;
        lc->lc[ri] += lc->per_layer[(gsize) ri * n_nl + k];
      }
  return g_steal_pointer (&lc);
}
