/* Runs the transformer kernels (LayerNorm, multi-head self-attention) once on seeded random
 * inputs and writes inputs, outputs and gradients to a binary file, for
 * tests/reference/torch_kernels.py to recompute in PyTorch. The gradients are those of
 * L = sum (out * dout) for the dumped dout.
 *
 * File format: the 8 bytes "GROKKDMP", then records until the end of the file, each a
 * little-endian uint32 name length, the name, a uint32 number of dimensions, that many uint32
 * dimensions, and the float32 values row-major. A record "config" holds
 * (N, C, B, T, n_heads, eps) as floats. */
#include "grok-attention.h"
#include "grok-layernorm.h"
#include "grok-rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the model's sizes (4 heads of 32, T = 4); 3 sequences so B*T = 12, and LayerNorm on 13 rows */
enum { LN_N = 13, B = 3, T = 4, HEADS = 4, C = 128 };
#define EPS 1e-6f

static void
put_u32 (FILE *f, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  fwrite (&le, sizeof le, 1, f);
}

static void
put_tensor (FILE *f, const char *name, const float *data, int ndim, const int *shape)
{
  gsize n = 1;

  put_u32 (f, strlen (name));
  fwrite (name, 1, strlen (name), f);
  put_u32 (f, ndim);
  for (int i = 0; i < ndim; i++)
    {
      put_u32 (f, shape[i]);
      n *= shape[i];
    }
  for (gsize i = 0; i < n; i++)
    {
      union { float f; guint32 u; } v = { .f = data[i] };
      put_u32 (f, v.u);
    }
}

static void
put_matrix (FILE *f, const char *name, const float *data, int rows, int cols)
{
  int shape[2] = { rows, cols };
  put_tensor (f, name, data, 2, shape);
}

static void
put_vector (FILE *f, const char *name, const float *data, int n)
{
  put_tensor (f, name, data, 1, &n);
}

static float *
new_normal (GrokRng *rng, gsize n, double scale, double offset)
{
  float *a = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    a[i] = (float) (offset + scale * grok_rng_normal (rng));
  return a;
}

static void
dump_layernorm (FILE *f, GrokRng *rng)
{
  g_autofree float *x = new_normal (rng, LN_N * C, 1.0, 0.3);
  g_autofree float *w = new_normal (rng, C, 0.3, 1.0), *b = new_normal (rng, C, 0.3, 0.0);
  g_autofree float *dout = new_normal (rng, LN_N * C, 1.0, 0.0);
  g_autofree float *out = g_new (float, LN_N * C), *dx = g_new (float, LN_N * C);
  g_autofree float *dw = g_new0 (float, C), *db = g_new0 (float, C);
  float mean[LN_N], rstd[LN_N];

  grok_layernorm_forward (out, mean, rstd, x, w, b, LN_N, C, EPS);
  grok_layernorm_backward (dx, dw, db, dout, x, mean, rstd, w, LN_N, C);
  put_matrix (f, "ln.x", x, LN_N, C);
  put_vector (f, "ln.weight", w, C);
  put_vector (f, "ln.bias", b, C);
  put_matrix (f, "ln.dout", dout, LN_N, C);
  put_matrix (f, "ln.out", out, LN_N, C);
  put_vector (f, "ln.mean", mean, LN_N);
  put_vector (f, "ln.rstd", rstd, LN_N);
  put_matrix (f, "ln.dx", dx, LN_N, C);
  put_vector (f, "ln.dweight", dw, C);
  put_vector (f, "ln.dbias", db, C);
}

static void
dump_attention (FILE *f, GrokRng *rng)
{
  static const char *names[8] = { "q.weight", "q.bias", "k.weight", "k.bias",
                                  "v.weight", "v.bias", "o.weight", "o.bias" };
  const int N = B * T;
  float *p[8], *g[8];

  for (int i = 0; i < 8; i++)
    {
      gsize n = i % 2 == 0 ? C * C : C;
      p[i] = new_normal (rng, n, i % 2 == 0 ? 1.5 / sqrt (C) : 0.2, 0.0);
      g[i] = g_new0 (float, n);
    }
  g_autofree float *x = new_normal (rng, N * C, 1.0, 0.0);
  g_autofree float *dout = new_normal (rng, N * C, 1.0, 0.0);
  g_autofree float *out = g_new (float, N * C), *dx = g_new (float, N * C);
  g_autofree float *q = g_new (float, N * C), *k = g_new (float, N * C);
  g_autofree float *v = g_new (float, N * C), *heads = g_new (float, N * C);
  g_autofree float *att = g_new (float, B * HEADS * T * T);
  g_autofree float *scratch = g_new (float, grok_attention_scratch_floats (B, T, C, HEADS));
  GrokAttentionWeights w = { p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7] };
  GrokAttentionGrads dw = { g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7] };
  GrokAttentionCache cache = { q, k, v, att, heads };
  int att_shape[4] = { B, HEADS, T, T };

  grok_attention_forward (out, &cache, x, &w, B, T, C, HEADS);
  grok_attention_backward (dx, &dw, scratch, dout, x, &cache, &w, B, T, C, HEADS);
  put_matrix (f, "attn.x", x, N, C);
  put_matrix (f, "attn.dout", dout, N, C);
  put_matrix (f, "attn.out", out, N, C);
  put_tensor (f, "attn.att", att, 4, att_shape);
  put_matrix (f, "attn.dx", dx, N, C);
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *pname = g_strconcat ("attn.", names[i], NULL);
      g_autofree char *gname = g_strconcat ("attn.d", names[i], NULL);
      if (i % 2 == 0)
        {
          put_matrix (f, pname, p[i], C, C);
          put_matrix (f, gname, g[i], C, C);
        }
      else
        {
          put_vector (f, pname, p[i], C);
          put_vector (f, gname, g[i], C);
        }
      g_free (p[i]);
      g_free (g[i]);
    }
}

int
main (int argc, char **argv)
{
  float config[6] = { LN_N, C, B, T, HEADS, EPS };
  GrokRng rng;
  FILE *f;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTPUT-FILE\n", argv[0]);
      return 2;
    }
  f = fopen (argv[1], "wb");
  if (f == NULL)
    {
      fprintf (stderr, "%s: cannot write %s\n", argv[0], argv[1]);
      return 1;
    }
  fwrite ("GROKKDMP", 1, 8, f);
  put_vector (f, "config", config, 6);
  grok_rng_init (&rng, 2412);
  dump_layernorm (f, &rng);
  dump_attention (f, &rng);
  if (fclose (f) != 0)
    {
      fprintf (stderr, "%s: error writing %s\n", argv[0], argv[1]);
      return 1;
    }
  return 0;
}
