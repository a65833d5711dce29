/* Times the exact linear-region partition of a 3 x 64 ReLU net on 2-D input (PyTorch default
 * init, 2 outputs as for xor2d) on a few windows, with its regions (the view) and the count alone
 * (the region_count measure). An executable, not a test. */
#include "grok-regions.h"
#include "grok-rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  const int depth = 3, width = 64;
  const double half[] = { 1.0, 2.0, 4.0 };
  GrokLayerView layers[4];
  float *w[4], *b[4];
  GrokRng rng;
  int in = 2, reps = argc > 1 ? atoi (argv[1]) : 5;

  grok_rng_init (&rng, argc > 2 ? atoi (argv[2]) : 1);
  for (int l = 0; l <= depth; l++)
    {
      int out = l == depth ? 2 : width;
      double bound = 1.0 / sqrt (in);
      w[l] = g_new (float, in * out);
      b[l] = g_new (float, out);
      for (int i = 0; i < in * out; i++)
        w[l][i] = (float) ((2 * grok_rng_uniform (&rng) - 1) * bound);
      for (int i = 0; i < out; i++)
        b[l][i] = (float) ((2 * grok_rng_uniform (&rng) - 1) * bound);
      layers[l] = (GrokLayerView) { w[l], b[l], in, out, l == depth ? GROK_ACT_LINEAR : GROK_ACT_RELU };
      in = out;
    }
  for (guint k = 0; k < G_N_ELEMENTS (half); k++)
    {
      double best = G_MAXDOUBLE, best_count = G_MAXDOUBLE;
      int n = 0, count = 0;
      for (int r = 0; r < reps; r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr (GrokRegionMap) map = grok_regions_exact (layers, depth + 1, -half[k], -half[k],
                                                              half[k], half[k], NULL);
          best = MIN (best, (g_get_monotonic_time () - t0) / 1e3);
          n = map->n_regions;
          t0 = g_get_monotonic_time ();
          count = grok_regions_count (layers, depth + 1, -half[k], -half[k], half[k], half[k], NULL);
          best_count = MIN (best_count, (g_get_monotonic_time () - t0) / 1e3);
        }
      printf ("window [-%g, %g]^2: %d regions, best of %d: %.2f ms; the count alone (%d): %.2f ms\n",
              half[k], half[k], n, reps, best, count, best_count);
    }
  for (int l = 0; l <= depth; l++)
    {
      g_free (w[l]);
      g_free (b[l]);
    }
  return 0;
}
