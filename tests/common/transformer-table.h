/* A parameter table with the tensors of the one-block transformer of SPEC section 2.2 at
 * p = 113 (242,547 floats), filled with trained-looking values: every matrix a few decaying
 * rank-one components plus small noise, LayerNorm scales near 1, small biases. Shared by the
 * complexity tests and the complexity benchmark. */
#pragma once

#include "grok-params.h"
#include "grok-rng.h"

#include <math.h>
#include <string.h>

#define TRANSFORMER_TABLE_NUMEL 242547

static inline void
transformer_table_fill_matrix (GrokRng *rng, float *w, int m, int n)
{
  double *a = g_new (double, m), *b = g_new (double, n);

  for (int i = 0; i < m * n; i++)
    w[i] = (float) (0.01 * grok_rng_normal (rng));
  for (int c = 0; c < 12; c++)
    {
      double sigma = 4.0 * pow (0.75, c);
      for (int i = 0; i < m; i++)
        a[i] = grok_rng_normal (rng) / sqrt (m);
      for (int j = 0; j < n; j++)
        b[j] = grok_rng_normal (rng) / sqrt (n);
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
          w[i * n + j] += (float) (sigma * a[i] * b[j]);
    }
  g_free (a);
  g_free (b);
}

static inline GrokParams *
transformer_table_new (guint64 seed)
{
  const int V = 115, D = 128, F = 512;
  struct { const char *name; int rows, cols; } spec[] = {
    { "tok_embed.weight", V, D }, { "pos_embed.weight", V, D },
    { "blocks.0.attn.q.weight", D, D }, { "blocks.0.attn.q.bias", D, 0 },
    { "blocks.0.attn.k.weight", D, D }, { "blocks.0.attn.k.bias", D, 0 },
    { "blocks.0.attn.v.weight", D, D }, { "blocks.0.attn.v.bias", D, 0 },
    { "blocks.0.attn.o.weight", D, D }, { "blocks.0.attn.o.bias", D, 0 },
    { "blocks.0.ln1.weight", D, 0 }, { "blocks.0.ln1.bias", D, 0 },
    { "blocks.0.mlp.fc1.weight", F, D }, { "blocks.0.mlp.fc1.bias", F, 0 },
    { "blocks.0.mlp.fc2.weight", D, F }, { "blocks.0.mlp.fc2.bias", D, 0 },
    { "blocks.0.ln2.weight", D, 0 }, { "blocks.0.ln2.bias", D, 0 },
    { "unembed.weight", V, D }, { "unembed.bias", V, 0 },
  };
  GrokParams *params = grok_params_new ();
  GrokRng rng;

  for (guint i = 0; i < G_N_ELEMENTS (spec); i++)
    {
      int shape[2] = { spec[i].rows, spec[i].cols };
      grok_params_add (params, spec[i].name, spec[i].cols ? 2 : 1, shape);
    }
  grok_params_allocate (params);
  grok_rng_init (&rng, seed);
  for (int t = 0; t < params->n_tensors; t++)
    {
      const GrokTensor *tensor = &params->tensors[t];
      float *x = grok_params_tensor_data (params, t);
      gboolean scale = g_str_has_suffix (tensor->name, ".weight") && strstr (tensor->name, "ln");

      if (tensor->ndim == 2)
        transformer_table_fill_matrix (&rng, x, tensor->shape[0], tensor->shape[1]);
      else
        for (gsize i = 0; i < tensor->numel; i++)
          x[i] = (float) ((scale ? 1.0 : 0.0) + 0.05 * grok_rng_normal (&rng));
    }
  return params;
}

/* the number of floats in the table, padding between tensors excluded */
static inline gsize
transformer_table_count (const GrokParams *params)
{
  gsize total = 0;

  for (int t = 0; t < params->n_tensors; t++)
    total += params->tensors[t].numel;
  return total;
}
