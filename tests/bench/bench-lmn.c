/* Times the linear mapping number on the SPEC's Liu et al. add-mod-31 MLP: 961 inputs (two
 * 32-dimensional embeddings concatenated), two SiLU hidden layers of 100, 31 logits; weights
 * drawn with PyTorch's default init. Beside each timing it measures this machine's OpenBLAS
 * sgemm rate on a large square product with the same number of threads, and says how long the
 * LMN's matrix products alone would take at that rate: the floor no rearrangement of the rest
 * can go below. Then the LMN of a net the size of the xor2d-relu preset's (2 -> 32 -> 32 -> 2,
 * ReLU, 256 points), where the per-call costs count more than the products. An executable, not
 * a test: bench-lmn [REPS] [small], "small" for the last alone. */
#include "bench-helpers.h"
#include "grok-lmn.h"
#include "grok-rng.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* CPU seconds of the calling thread */
static double
thread_cpu_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* GFLOP/s of one 2048^3 sgemm on threads BLAS threads, the best of three: by the wall clock, or
 * with one thread by that thread's CPU time (which other programs on the machine do not
 * lengthen) when cpu is TRUE */
static double
sgemm_peak (int threads, gboolean cpu)
{
  const int n = 2048;
  g_autofree float *a = g_new (float, (gsize) n * n);
  g_autofree float *b = g_new (float, (gsize) n * n);
  g_autofree float *c = g_new0 (float, (gsize) n * n);
  int before = openblas_get_num_threads ();
  double best = G_MAXDOUBLE;

  for (gsize i = 0; i < (gsize) n * n; i++)
    {
      a[i] = (float) ((i * 7919) % 1000) / 1000.0f - 0.5f;
      b[i] = (float) ((i * 104729) % 1000) / 1000.0f - 0.5f;
    }
  openblas_set_num_threads (threads);
  for (int r = 0; r < 3; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double c0 = thread_cpu_seconds ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f,
                   c, n);
      best = MIN (best, cpu ? thread_cpu_seconds () - c0 : (g_get_monotonic_time () - t0) / 1e6);
    }
  openblas_set_num_threads (before);
  return 2.0 * n * n * n / best / 1e9;
}

/* floating-point operations of the LMN's matrix products on n points: every point through all
 * the layers once (the segment ends), and the 19 interior points of every pair through the
 * layers after the first */
static double
lmn_flops (const GrokLayerView *f, int n_layers, int n)
{
  double rows = (double) n * (n - 1) / 2 * (GROK_LMN_STEPS - 2), flops = 0;

  for (int l = 0; l < n_layers; l++)
    flops += 2.0 * f[l].in * f[l].out * (n + (l > 0 ? rows : 0));
  return flops;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* reps timings of the LMN of f on the n points x; prints each and returns the median of
 * (wall time / time of its products at the sgemm peak, measured just before with as many
 * threads) */
static double
time_lmn (const char *label, const float *x, int n, const GrokLayerView *f, int reps,
          int threads, double peak_cpu)
{
  double flops = lmn_flops (f, 3, n), ratio[64];

  reps = CLAMP (reps, 1, 64);
  printf ("%s: matrix products on %d points: %.1f GFLOP; %d threads\n", label, n, flops / 1e9,
          threads);
  for (int r = 0; r < reps; r++)
    {
      double peak = sgemm_peak (threads, FALSE), c0 = bench_process_cpu_seconds (), c1, floor_s;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GrokLmn) lmn = grok_lmn_compute (x, n, f, 3, NULL);
      gint64 t1 = g_get_monotonic_time ();
      c1 = bench_process_cpu_seconds ();
      floor_s = flops / (peak * 1e9);
      ratio[r] = (t1 - t0) / 1e6 / floor_s;
      printf ("  LMN %.4f: %.3f s (CPU %.3f s); sgemm peak (2048^3, %d threads) %.1f GFLOP/s, "
              "products at it %.3f s, ours / that %.2f; in CPU time against the one-thread "
              "peak %.1f GFLOP/s: %.2f\n", lmn->lmn, (t1 - t0) / 1e6, c1 - c0, threads, peak,
              floor_s, ratio[r], peak_cpu, (c1 - c0) / (flops / (peak_cpu * 1e9)));
    }
  qsort (ratio, reps, sizeof *ratio, compare_doubles);
  printf ("  ours / floor: min %.2f median %.2f max %.2f\n", ratio[0], ratio[reps / 2],
          ratio[reps - 1]);
  return ratio[reps / 2];
}

/* CPU and wall milliseconds per LMN on a 2 -> 32 -> 32 -> 2 ReLU MLP and 256 points in the
 * square [-1, 1]^2, the median of reps rounds of 20 */
static void
time_small (int reps)
{
  const int n = 256;
  GrokRng rng;
  float *w[3], *b[3];
  GrokLayerView f[3];
  g_autofree float *x = g_new (float, n * 2);
  double cpu[64], wall[64], value = 0;

  grok_rng_init (&rng, 2);
  for (int i = 0; i < n * 2; i++)
    x[i] = (float) (2 * grok_rng_uniform (&rng) - 1);
  f[0] = layer (&rng, &w[0], &b[0], 2, 32, GROK_ACT_RELU);
  f[1] = layer (&rng, &w[1], &b[1], 32, 32, GROK_ACT_RELU);
  f[2] = layer (&rng, &w[2], &b[2], 32, 2, GROK_ACT_LINEAR);
  reps = CLAMP (reps, 1, 64);
  for (int r = 0; r < reps; r++)
    {
      double c0 = bench_process_cpu_seconds ();
      gint64 t0 = g_get_monotonic_time ();
      for (int k = 0; k < 20; k++)
        {
          g_autoptr (GrokLmn) lmn = grok_lmn_compute (x, n, f, 3, NULL);
          value = lmn->lmn;
        }
      wall[r] = (g_get_monotonic_time () - t0) / 1e3 / 20;
      cpu[r] = (bench_process_cpu_seconds () - c0) * 1e3 / 20;
    }
  qsort (cpu, reps, sizeof *cpu, compare_doubles);
  qsort (wall, reps, sizeof *wall, compare_doubles);
  printf ("small ReLU net (2 -> 32 -> 32 -> 2, %d points): LMN %.4f, median per call %.2f ms "
          "CPU, %.2f ms wall\n", n, value, cpu[reps / 2], wall[reps / 2]);
  printf ("RATIO\tlmn %d points small relu net, CPU ms per call\t%.2f\t-\n", n, cpu[reps / 2]);
  for (int i = 0; i < 3; i++)
    {
      g_free (w[i]);
      g_free (b[i]);
    }
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
  int reps = argc > 1 ? atoi (argv[1]) : 3, threads;
  double peak_cpu, silu;

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
  threads = (int) g_get_num_processors ();
  if (argc > 2 && strcmp (argv[2], "small") == 0)
    {
      time_small (reps);
      return 0;
    }
  peak_cpu = sgemm_peak (1, TRUE);
  silu = time_lmn ("SiLU", x, n, f, reps, threads, peak_cpu);
  printf ("RATIO\tlmn %d points / float32 floor\t%.2f\t<= 1.3\n", n, silu);
  /* the same weights with ReLU: the path that follows each unit's kink */
  f[0].act = f[1].act = GROK_ACT_RELU;
  printf ("RATIO\tlmn %d points relu / float32 floor\t%.2f\t-\n", n,
          time_lmn ("ReLU", x, n, f, reps, threads, peak_cpu));
  for (int i = 0; i < 3; i++)
    {
      g_free (w[i]);
      g_free (b[i]);
    }
  time_small (reps);
  return 0;
}
