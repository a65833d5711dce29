/* Times the linear mapping number on the SPEC's Liu et al. add-mod-31 MLP: 961 inputs (two
 * 32-dimensional embeddings concatenated), two SiLU hidden layers of 100, 31 logits; weights
 * drawn with PyTorch's default init. An executable, not a test. */
#include "grok-lmn.h"
#include "grok-rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GrokLayerView
layer (GrokRng *rng, float **w, float **b, int in, int out, GrokActivation act)
{
  double bound = 1.0 / sqrt (in);
  *w = g_new (float, in * out);
  *b = g_new (float, out);
  for (int i = 0; i < in * out; i++)
    (*w)[i] = (float) ((2 * grok_rng_uniform (rng) - 1) * bound);
  for (int i = 0; i < out; i++)
    (*b)[i] = (float) ((2 * grok_rng_uniform (rng) - 1) * bound);
  return (GrokLayerView) { *w, *b, in, out, act };
}

int
main (int argc, char **argv)
{
  const int p = 31, d = 32, n = p * p;
  GrokRng rng;
  float *w[3], *b[3];
  GrokLayerView f[3];
  g_autofree float *embed = g_new (float, p * d);
  g_autofree float *x = g_new (float, n * 2 * d);
  int reps = argc > 1 ? atoi (argv[1]) : 3;

  grok_rng_init (&rng, 1);
  for (int i = 0; i < p * d; i++)
    embed[i] = (float) grok_rng_normal (&rng);
  for (int a = 0; a < p; a++)
    for (int c = 0; c < p; c++)
      {
        memcpy (x + (a * p + c) * 2 * d, embed + a * d, sizeof (float) * d);
        memcpy (x + (a * p + c) * 2 * d + d, embed + c * d, sizeof (float) * d);
      }
  f[0] = layer (&rng, &w[0], &b[0], 2 * d, 100, GROK_ACT_SILU);
  f[1] = layer (&rng, &w[1], &b[1], 100, 100, GROK_ACT_SILU);
  f[2] = layer (&rng, &w[2], &b[2], 100, p, GROK_ACT_LINEAR);
  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GrokLmn) lmn = grok_lmn_compute (x, n, f, 3, NULL);
      gint64 t1 = g_get_monotonic_time ();
      g_autofree int *order = g_new (int, n);
      gint64 t2, t3;
      grok_lmn_from_matrix (lmn->L, n, NULL, NULL, NULL);
      t2 = g_get_monotonic_time ();
      grok_lmn_order (lmn->L, n, order);
      t3 = g_get_monotonic_time ();
      printf ("LMN %.4f on %d points: %.3f s (of which eigenvalues %.3f s, ordering %.3f s)\n",
              lmn->lmn, n, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }
  for (int i = 0; i < 3; i++)
    {
      g_free (w[i]);
      g_free (b[i]);
    }
  return 0;
}
