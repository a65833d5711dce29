/* The activation pattern of a 2-D MLP at a point and over a raster of points, for any
 * activation (SPEC section 4.4): the region map of smooth networks, and an independent check
 * of the exact partition in grok-regions.c. */
#include "grok-regions-private.h"

#include <string.h>

#include "grok-blas.h"

void
grok_regions_pattern_at (const GrokLayerView *layers, int n_layers, double x, double y,
                         guint64 *pattern, double *logits)
{
  int width = 2, bit = 0;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;

  g_return_if_fail (layers != NULL && n_layers > 0 && pattern != NULL);
  for (int l = 0; l < n_layers; l++)
    width = MAX (width, layers[l].out);
  a = g_new (double, width);
  b = g_new (double, width);
  a[0] = x;
  a[1] = y;
  memset (pattern, 0, sizeof (guint64) * ((grok_regions_pattern_units (layers, n_layers) + 63) / 64));
  for (int l = 0; l < n_layers; l++)
    {
      const GrokLayerView *L = &layers[l];
      double (*act) (double) = grok_activation_info (L->act)->value_d;
      gboolean bends = !grok_activation_is_affine (L->act);
      double *tmp;
      for (int o = 0; o < L->out; o++)
        {
          double z = L->bias[o];
          for (int i = 0; i < L->in; i++)
            z += (double) L->weight[(gsize) o * L->in + i] * a[i];
          if (bends && z > 0)
            pattern[(bit + o) / 64] |= G_GUINT64_CONSTANT (1) << ((bit + o) % 64);
          b[o] = act (z);
        }
      if (bends)
        bit += L->out;
      tmp = a;
      a = b;
      b = tmp;
    }
  if (logits != NULL)
    memcpy (logits, a, sizeof (double) * layers[n_layers - 1].out);
}

/* one row of pixels (n points in xy) through the network in double, writing each point's
 * pattern (n_words words) to pat; wd holds the layers' weights in double, buf two scratch
 * buffers of n * width doubles */
static void
raster_row (const GrokLayerView *layers, int n_layers, double *const *wd, const double *xy,
            int n, int n_words, guint64 *pat, double *buf0, double *buf1)
{
  double *a = buf0, *b = buf1;
  int bit = 0;

  memcpy (a, xy, sizeof (double) * 2 * n);
  memset (pat, 0, sizeof (guint64) * n * n_words);
  for (int l = 0; l < n_layers; l++)
    {
      const GrokLayerView *L = &layers[l];
      double (*act) (double) = grok_activation_info (L->act)->value_d;
      gboolean bends = !grok_activation_is_affine (L->act);
      double *tmp;
      grok_layer_affine_rows (L, wd[l], a, n, b);
      for (int r = 0; r < n; r++)
        for (int o = 0; o < L->out; o++)
          {
            double *z = &b[(gsize) r * L->out + o];
            if (bends && *z > 0)
              pat[(gsize) r * n_words + (bit + o) / 64] |= G_GUINT64_CONSTANT (1) << ((bit + o) % 64);
            *z = act (*z);
          }
      if (bends)
        bit += L->out;
      tmp = a;
      a = b;
      b = tmp;
    }
}

guint32 *
grok_regions_raster (const GrokLayerView *layers, int n_layers, double x0, double y0, double x1,
                     double y1, int width, int height, int *n_patterns, GError **error)
{
  g_autoptr (GHashTable) ids = NULL;
  g_autoptr (GPtrArray) wd = NULL;
  g_autofree double *xy = NULL;
  g_autofree double *buf0 = NULL;
  g_autofree double *buf1 = NULL;
  g_autofree guint64 *pat = NULL;
  guint32 *out;
  int n_words, maxw = 2;

  grok_blas_init ();
  g_return_val_if_fail (layers != NULL && n_layers > 0 && width > 0 && height > 0, NULL);
  if (!grok_regions_check_layers (layers, n_layers, FALSE, error))
    return NULL;
  n_words = MAX (1, (grok_regions_pattern_units (layers, n_layers) + 63) / 64);
  wd = grok_layers_weights_double (layers, n_layers);
  for (int l = 0; l < n_layers; l++)
    maxw = MAX (maxw, layers[l].out);
  xy = g_new (double, 2 * width);
  buf0 = g_new (double, (gsize) width * maxw);
  buf1 = g_new (double, (gsize) width * maxw);
  pat = g_new (guint64, (gsize) width * n_words);
  ids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  out = g_new (guint32, (gsize) width * height);
  for (int r = 0; r < height; r++)
    {
      for (int c = 0; c < width; c++)
        {
          xy[2 * c] = x0 + (c + 0.5) * (x1 - x0) / width;
          xy[2 * c + 1] = y0 + (r + 0.5) * (y1 - y0) / height;
        }
      raster_row (layers, n_layers, (double *const *) wd->pdata, xy, width, n_words, pat, buf0,
                  buf1);
      for (int c = 0; c < width; c++)
        {
          g_autoptr (GBytes) key = g_bytes_new (pat + (gsize) c * n_words, sizeof (guint64) * n_words);
          gpointer id;
          if (!g_hash_table_lookup_extended (ids, key, NULL, &id))
            {
              id = GUINT_TO_POINTER (g_hash_table_size (ids));
              g_hash_table_insert (ids, g_bytes_ref (key), id);
            }
          out[(gsize) r * width + c] = GPOINTER_TO_UINT (id);
        }
    }
  if (n_patterns != NULL)
    *n_patterns = (int) g_hash_table_size (ids);
  return out;
}
