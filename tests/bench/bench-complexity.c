/* Benchmark (not a test): the complexity search on a 242,547-parameter table with the tensors
 * of the one-block transformer (SPEC section 2.2, p = 113), with a stand-in loss that costs
 * what the real one does: a post-LayerNorm transformer forward pass over the evaluation set.
 * Prints the search time and counts, and the time of 62 bzip2 compressions of the naive
 * stream for comparison. Usage: bench-complexity [n_eval [epsilon [n_random]]] (defaults
 * 2553, 0.0625, 0: 2553 is the training set of add at p = 113 and fraction 0.2, 512 the
 * reference's minibatch; n_random > 0 also runs that many seeded 62-point random searches
 * over the same box, which is slow). */
#include "grok-complexity.h"
#include "transformer-table.h"

#include <bzlib.h>
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#define P 113
#define V (P + 2)
#define D 128
#define F 512
#define H 4
#define T 4

typedef struct
{
  int    n;
  int   *tokens;   /* n x T */
  int   *targets;  /* n */
  float *x, *q, *k, *v, *att, *h, *f;   /* buffers, sized once */
  int    idx[20];  /* tensor index by the order of transformer_table_new */
  double seconds;  /* spent in timed_loss */
} Forward;

static const float *
tensor (const GrokParams *p, const Forward *fw, int i)
{
  return p->data + p->tensors[fw->idx[i]].offset;
}

/* out (N, OC) = inp (N, C) W^T + b */
static void
linear (float *out, const float *inp, const float *w, const float *b, int n, int c, int oc)
{
  for (int i = 0; i < n; i++)
    memcpy (out + (gsize) i * oc, b, sizeof (float) * oc);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, oc, c, 1.0f, inp, c, w, c, 1.0f,
               out, oc);
}

/* x = LN(x + y) over rows of D, eps 1e-6 */
static void
add_layernorm (float *x, const float *y, const float *g, const float *b, int n)
{
  for (int i = 0; i < n; i++)
    {
      float *r = x + (gsize) i * D;
      double mean = 0, var = 0;
      for (int j = 0; j < D; j++)
        mean += (r[j] += y[(gsize) i * D + j]);
      mean /= D;
      for (int j = 0; j < D; j++)
        var += (r[j] - mean) * (r[j] - mean);
      var /= D;
      for (int j = 0; j < D; j++)
        r[j] = (float) ((r[j] - mean) / sqrt (var + 1e-6)) * g[j] + b[j];
    }
}

/* softmax attention within each sequence of T positions, no mask */
static void
attention (Forward *fw)
{
  const int hd = D / H;
  for (int s = 0; s < fw->n; s++)
    for (int hh = 0; hh < H; hh++)
      for (int i = 0; i < T; i++)
        {
          const float *qi = fw->q + ((gsize) s * T + i) * D + hh * hd;
          float w[T], max = -INFINITY, z = 0;
          for (int j = 0; j < T; j++)
            {
              const float *kj = fw->k + ((gsize) s * T + j) * D + hh * hd;
              w[j] = 0;
              for (int c = 0; c < hd; c++)
                w[j] += qi[c] * kj[c];
              w[j] /= sqrtf ((float) hd);
              max = MAX (max, w[j]);
            }
          for (int j = 0; j < T; j++)
            z += (w[j] = expf (w[j] - max));
          for (int c = 0; c < hd; c++)
            {
              float acc = 0;
              for (int j = 0; j < T; j++)
                acc += w[j] * fw->v[((gsize) s * T + j) * D + hh * hd + c];
              fw->att[((gsize) s * T + i) * D + hh * hd + c] = acc / z;
            }
        }
}

static double
transformer_loss (const GrokParams *p, gpointer user_data)
{
  Forward *fw = user_data;
  int rows = fw->n * T;
  double total = 0;

  for (int r = 0; r < rows; r++)
    for (int j = 0; j < D; j++)
      fw->x[(gsize) r * D + j] = tensor (p, fw, 0)[fw->tokens[r] * D + j] +
                                 tensor (p, fw, 1)[(r % T) * D + j];
  linear (fw->q, fw->x, tensor (p, fw, 2), tensor (p, fw, 3), rows, D, D);
  linear (fw->k, fw->x, tensor (p, fw, 4), tensor (p, fw, 5), rows, D, D);
  linear (fw->v, fw->x, tensor (p, fw, 6), tensor (p, fw, 7), rows, D, D);
  attention (fw);
  linear (fw->q, fw->att, tensor (p, fw, 8), tensor (p, fw, 9), rows, D, D);
  add_layernorm (fw->x, fw->q, tensor (p, fw, 10), tensor (p, fw, 11), rows);
  linear (fw->h, fw->x, tensor (p, fw, 12), tensor (p, fw, 13), rows, D, F);
  for (gsize i = 0; i < (gsize) rows * F; i++)
    {
      float u = fw->h[i];
      fw->h[i] = 0.5f * u * (1.0f + tanhf (0.7978845608f * (u + 0.044715f * u * u * u)));
    }
  linear (fw->q, fw->h, tensor (p, fw, 14), tensor (p, fw, 15), rows, F, D);
  add_layernorm (fw->x, fw->q, tensor (p, fw, 16), tensor (p, fw, 17), rows);
  for (int s = 0; s < fw->n; s++)
    memcpy (fw->att + (gsize) s * D, fw->x + ((gsize) s * T + T - 1) * D, sizeof (float) * D);
  linear (fw->f, fw->att, tensor (p, fw, 18), tensor (p, fw, 19), fw->n, D, V);
  for (int s = 0; s < fw->n; s++)
    {
      const float *l = fw->f + (gsize) s * V;
      double max = -INFINITY, z = 0;
      for (int c = 0; c < V; c++)
        max = MAX (max, l[c]);
      for (int c = 0; c < V; c++)
        z += exp (l[c] - max);
      total += max + log (z) - l[fw->targets[s]];
    }
  return total / fw->n;
}

static double
timed_loss (const GrokParams *p, gpointer user_data)
{
  Forward *fw = user_data;
  gint64 t0 = g_get_monotonic_time ();
  double l = transformer_loss (p, fw);

  fw->seconds += (g_get_monotonic_time () - t0) / 1e6;
  return l;
}

/* the seeded 62-point random search over the same box, compressing only feasible points */
static void
random_search (const GrokParams *params, Forward *fw, double limit, guint64 seed)
{
  gsize best = G_MAXSIZE;
  double best_delta = NAN, best_tau = NAN;
  guint n_compressions = 0;
  gint64 t0 = g_get_monotonic_time ();
  GrokRng rng;

  grok_rng_init (&rng, seed);
  for (int i = 0; i < 62; i++)
    {
      double delta = pow (10.0, -3.0 + 3.0 * grok_rng_uniform (&rng));
      double tau = grok_rng_uniform (&rng);
      g_autoptr (GrokParams) coarse = grok_complexity_coarse_grain (params, delta, tau, NULL,
                                                                    NULL);
      double l = transformer_loss (coarse, fw);
      gsize size;

      if (!isfinite (l) || l > limit)
        continue;
      size = grok_complexity_size (params, delta, tau, NULL);
      if (size < best)
        best = size, best_delta = delta, best_tau = tau;
      n_compressions++;
    }
  printf ("random search (seed %" G_GUINT64_FORMAT ") %" G_GINT64_FORMAT " bytes at Delta %.4g, "
          "tau %.3g, %u compressions, %.3f s\n", seed, best == G_MAXSIZE ? -1 : (gint64) best,
          best_delta, best_tau, n_compressions, (g_get_monotonic_time () - t0) / 1e6);
}

static void
forward_init (Forward *fw, const GrokParams *params, int n)
{
  GrokRng rng;

  fw->n = n;
  fw->tokens = g_new (int, n * T);
  fw->targets = g_new (int, n);
  grok_rng_init (&rng, 77);
  for (int s = 0; s < n; s++)
    {
      int a = (int) grok_rng_below (&rng, P), b = (int) grok_rng_below (&rng, P);
      int *tk = fw->tokens + s * T;
      tk[0] = a, tk[1] = P, tk[2] = b, tk[3] = P + 1;
      fw->targets[s] = (a + b) % P;
    }
  fw->x = g_new (float, (gsize) n * T * D);
  fw->q = g_new (float, (gsize) n * T * D);
  fw->k = g_new (float, (gsize) n * T * D);
  fw->v = g_new (float, (gsize) n * T * D);
  fw->att = g_new (float, (gsize) n * T * D);
  fw->h = g_new (float, (gsize) n * T * F);
  fw->f = g_new (float, (gsize) n * V);
  for (int i = 0; i < params->n_tensors; i++)
    fw->idx[i] = i;
}

/* a stand-in for training: damp the block's matrices so the network is a smooth function
 * of its weights, sharpen the output layer, and take the table's own predictions as the
 * targets, so the table fits its data well and coarse-graining it costs loss */
static void
forward_fit_targets (Forward *fw, GrokParams *params)
{
  for (int t = 2; t <= 18; t++)
    {
      float *x = grok_params_tensor_data (params, fw->idx[t]);
      float scale = t == 18 ? 8.0f : 0.25f;
      if (params->tensors[fw->idx[t]].ndim != 2)
        continue;
      for (gsize i = 0; i < params->tensors[fw->idx[t]].numel; i++)
        x[i] *= scale;
    }
  transformer_loss (params, fw);
  for (int s = 0; s < fw->n; s++)
    {
      const float *l = fw->f + (gsize) s * V;
      int best = 0;
      for (int c = 1; c < V; c++)
        if (l[c] > l[best])
          best = c;
      fw->targets[s] = best;
    }
}

static void
forward_clear (Forward *fw)
{
  g_free (fw->tokens);
  g_free (fw->targets);
  g_free (fw->x);
  g_free (fw->q);
  g_free (fw->k);
  g_free (fw->v);
  g_free (fw->att);
  g_free (fw->h);
  g_free (fw->f);
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 2553;
  double epsilon = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 0.0625;
  int n_random = argc > 3 ? atoi (argv[3]) : 0;
  g_autoptr (GrokParams) params = transformer_table_new (31);
  g_autoptr (GrokComplexityResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *naive = NULL, *out = NULL;
  gsize count = transformer_table_count (params), pos = 0;
  unsigned int out_len;
  Forward fw = { 0 };
  gint64 t0;
  double t_loss, t_search, t_bz;

  g_assert (count == TRANSFORMER_TABLE_NUMEL);
  forward_init (&fw, params, n);
  forward_fit_targets (&fw, params);
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < 5; i++)
    transformer_loss (params, &fw);
  t_loss = (g_get_monotonic_time () - t0) / 5e6;

  t0 = g_get_monotonic_time ();
  res = grok_complexity_search (params, timed_loss, &fw, epsilon, NULL, NULL, &error);
  t_search = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_no_error (error);

  naive = g_malloc (count * 4);
  out = g_malloc (count * 4 + count / 50 + 1024);
  for (int i = 0; i < params->n_tensors; i++)
    {
      memcpy (naive + pos, grok_params_tensor_data (params, i), params->tensors[i].numel * 4);
      pos += params->tensors[i].numel * 4;
    }
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < 62; i++)
    {
      out_len = count * 4 + count / 50 + 1024;
      BZ2_bzBuffToBuffCompress (out, &out_len, naive, count * 4, 9, 0, 0);
    }
  t_bz = (g_get_monotonic_time () - t0) / 1e6;

  printf ("parameters            %" G_GSIZE_FORMAT "\n", count);
  printf ("evaluation set        %d sequences, one loss evaluation %.3f s\n", n, t_loss);
  printf ("epsilon               %g nats (base loss %.4f)\n", epsilon, res->base_loss);
  printf ("search time           %.3f s, of which %.3f s in the loss, %.3f s elsewhere\n",
          t_search, fw.seconds, t_search - fw.seconds);
  printf ("loss evaluations      %u\n", res->n_loss_evals);
  printf ("bzip2 compressions    %u\n", res->n_compressions);
  printf ("complexity            %" G_GSIZE_FORMAT " bytes at Delta %.4g, tau %.3g "
          "(loss %.4f)\n", res->size, res->delta, res->tau, res->loss);
  printf ("naive size            %" G_GSIZE_FORMAT " bytes\n", grok_naive_size (params));
  printf ("62 naive compressions %.3f s (%u bytes each)\n", t_bz, out_len);
  for (int i = 0; i < n_random; i++)
    random_search (params, &fw, res->base_loss + epsilon, 500 + i);
  forward_clear (&fw);
  return 0;
}
