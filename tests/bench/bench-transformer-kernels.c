/* Times the transformer kernels at the model's sizes (T = 4, 4 heads of 32, C = 128) for a
 * batch of B sequences (first argument, default 512): mean microseconds per call of attention
 * forward and backward and LayerNorm forward and backward. Run with
 * `meson test -C build --benchmark` or directly. */
#include "grok-attention.h"
#include "grok-layernorm.h"
#include "grok-rng.h"

#include <stdio.h>
#include <stdlib.h>

enum { T = 4, HEADS = 4, C = 128, REPS = 200 };

static float *
new_normal (GrokRng *rng, gsize n, double scale)
{
  float *a = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    a[i] = (float) (scale * grok_rng_normal (rng));
  return a;
}

int
main (int argc, char **argv)
{
  int B = argc > 1 ? atoi (argv[1]) : 512;
  g_return_val_if_fail (B > 0, 2);
  int N = B * T;
  gsize NC = (gsize) N * C;
  float *p[8], *g[8];
  GrokRng rng;

  grok_rng_init (&rng, 1);
  for (int i = 0; i < 8; i++)
    {
      p[i] = new_normal (&rng, i % 2 == 0 ? C * C : C, 0.09);
      g[i] = g_new0 (float, i % 2 == 0 ? C * C : C);
    }
  g_autofree float *x = new_normal (&rng, NC, 1.0), *dout = new_normal (&rng, NC, 1.0);
  g_autofree float *out = g_new (float, NC), *dx = g_new (float, NC);
  g_autofree float *q = g_new (float, NC), *k = g_new (float, NC), *v = g_new (float, NC);
  g_autofree float *heads = g_new (float, NC), *att = g_new (float, (gsize) B * HEADS * T * T);
  g_autofree float *scratch = g_new (float, grok_attention_scratch_floats (B, T, C, HEADS));
  g_autofree float *mean = g_new (float, N), *rstd = g_new (float, N);
  GrokAttentionWeights w = { p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7] };
  GrokAttentionGrads dw = { g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7] };
  GrokAttentionCache cache = { q, k, v, att, heads };
  double t[4] = { 0 };

  for (int r = 0; r < REPS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      grok_attention_forward (out, &cache, x, &w, B, T, C, HEADS);
      gint64 t1 = g_get_monotonic_time ();
      grok_attention_backward (dx, &dw, scratch, dout, x, &cache, &w, B, T, C, HEADS);
      gint64 t2 = g_get_monotonic_time ();
      grok_layernorm_forward (out, mean, rstd, x, p[0], p[1], N, C, 1e-6f);
      gint64 t3 = g_get_monotonic_time ();
      grok_layernorm_backward (dx, g[0], g[1], dout, x, mean, rstd, p[0], N, C);
      gint64 t4 = g_get_monotonic_time ();
      t[0] += t1 - t0, t[1] += t2 - t1, t[2] += t3 - t2, t[3] += t4 - t3;
    }
  printf ("B = %d (%d tokens), mean of %d calls: attention forward %.0f us, backward %.0f us; "
          "layernorm forward %.0f us, backward %.0f us\n",
          B, N, REPS, t[0] / REPS, t[1] / REPS, t[2] / REPS, t[3] / REPS);
  for (int i = 0; i < 8; i++)
    {
      g_free (p[i]);
      g_free (g[i]);
    }
  return 0;
}
