/* Measures on stored model states. */
#include "grok-measures.h"

#include <string.h>

#include "grok-error.h"
#include "grok-mlp.h"

int
grok_mlp_inputs_from_params (const GrokConfig *config, const GrokParams *params,
                             const GrokDataset *dataset, const int *indices, int n, float *out,
                             GError **error)
{
  int e = grok_params_find (params, "embed.weight");

  if (dataset->d_in > 0)
    {
      for (int i = 0; i < n; i++)
        memcpy (out + (gsize) i * dataset->d_in, dataset->train_x + (gsize) indices[i] * dataset->d_in,
                dataset->d_in * sizeof (float));
      return dataset->d_in;
    }
  if (e < 0 || params->tensors[e].ndim != 2 || params->tensors[e].shape[0] < dataset->vocab)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "the parameters have no embedding table 'embed.weight' for %d tokens",
                   dataset->vocab);
      return -1;
    }
  {
    int D = params->tensors[e].shape[1], T = dataset->n_positions;
    const float *table = params->data + params->tensors[e].offset;
    for (int i = 0; i < n; i++)
      for (int t = 0; t < T; t++)
        memcpy (out + ((gsize) i * T + t) * D,
                table + (gsize) dataset->train_tokens[(gsize) indices[i] * T + t] * D,
                D * sizeof (float));
    return T * D;
  }
}

GrokLmn *
grok_measure_lmn (const GrokConfig *config, const GrokParams *params, const GrokDataset *dataset,
                  int max_points, guint64 seed, GError **error)
{
  g_autofree GrokLayerView *layers = NULL;
  g_autofree int *indices = g_new (int, MIN (dataset->n_train, max_points));
  g_autofree float *points = NULL;
  int n_layers, n, width;

  layers = grok_mlp_views_from_params (config, params, &n_layers, error);
  if (layers == NULL)
    return NULL;
  n = grok_lmn_sample_indices (dataset->n_train, max_points, seed, indices);
  points = g_new (float, (gsize) n * layers[0].in);
  width = grok_mlp_inputs_from_params (config, params, dataset, indices, n, points, error);
  if (width < 0)
    return NULL;
  g_assert (width == layers[0].in);
  return grok_lmn_compute (points, n, layers, n_layers, error);
}
