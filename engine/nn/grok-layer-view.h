/* A read-only view of an MLP as a list of affine layers, each followed by an activation, that the
 * measures (linear mapping number, linear regions, local complexity) take whatever way the model
 * is stored. */
#pragma once

#include <cblas.h>
#include <glib.h>

#include "grok-activation.h"

G_BEGIN_DECLS

typedef struct
{
  const float   *weight;  /* (out, in) row-major, as PyTorch stores it */
  const float   *bias;    /* (out) */
  int            in;
  int            out;
  GrokActivation act;     /* applied after this layer; the last layer has GROK_ACT_LINEAR */
} GrokLayerView;

/* TRUE when every layer's activation is piecewise linear (its table row says so) */
static inline gboolean
grok_layers_are_piecewise_linear (const GrokLayerView *layers, int n_layers)
{
  for (int l = 0; l < n_layers; l++)
    if (!grok_activation_info (layers[l].act)->piecewise_linear)
      return FALSE;
  return TRUE;
}

/* TRUE when consecutive layers fit together */
static inline gboolean
grok_layers_are_chained (const GrokLayerView *layers, int n_layers)
{
  for (int l = 0; l < n_layers; l++)
    {
      if (layers[l].weight == NULL || layers[l].bias == NULL || layers[l].in <= 0 ||
          layers[l].out <= 0)
        return FALSE;
      if (l > 0 && layers[l].in != layers[l - 1].out)
        return FALSE;
    }
  return TRUE;
}

/* each layer's weights copied into double, in a new array that frees them */
static inline GPtrArray *
grok_layers_weights_double (const GrokLayerView *layers, int n_layers)
{
  GPtrArray *wd = g_ptr_array_new_with_free_func (g_free);

  for (int l = 0; l < n_layers; l++)
    {
      gsize n = (gsize) layers[l].in * layers[l].out;
      double *w = g_new (double, n);

      for (gsize i = 0; i < n; i++)
        w[i] = layers[l].weight[i];
      g_ptr_array_add (wd, w);
    }
  return wd;
}

/* y (units) = layer (x): the affine map then the activation, in double */
static inline void
grok_layer_eval (const GrokLayerView *layer, const double *x, double *y)
{
  double (*act) (double) = grok_activation_info (layer->act)->value_d;

  for (int o = 0; o < layer->out; o++)
    {
      const float *w = layer->weight + (gsize) o * layer->in;
      double z = layer->bias[o];
      for (int i = 0; i < layer->in; i++)
        z += (double) w[i] * x[i];
      y[o] = act (z);
    }
}

/* b (rows, layer->out) = a (rows, layer->in) @ weight^T + bias in double, with the layer's
 * weight given as a double copy wd (out, in): the pre-activations of many points at once */
static inline void
grok_layer_affine_rows (const GrokLayerView *layer, const double *wd, const double *a, int rows,
                        double *b)
{
  for (int r = 0; r < rows; r++)
    for (int o = 0; o < layer->out; o++)
      b[(gsize) r * layer->out + o] = layer->bias[o];
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, layer->out, layer->in, 1.0, a,
               layer->in, wd, layer->in, 1.0, b, layer->out);
}

G_END_DECLS
