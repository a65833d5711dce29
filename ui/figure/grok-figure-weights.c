/* The weights figure: a grid of heatmaps. */
#include "grok-figure-weights.h"
#include "grok-plot-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  char            *name;
  guint            rows, cols;
  float           *values;    /* rows * cols, what is drawn */
  cairo_surface_t *surface;
  double           limit;
} Matrix;

struct _GrokWeightsCache
{
  GArray  *matrices;          /* Matrix */
  gboolean difference;
  gboolean shared;            /* one colour scale for every matrix */
};

static void
matrix_clear (gpointer data)
{
  Matrix *m = data;

  g_free (m->name);
  g_free (m->values);
  g_clear_pointer (&m->surface, cairo_surface_destroy);
}

GrokWeightsCache *
grok_weights_cache_new (const GrokParams *params, const GrokParams *reference)
{
  return grok_weights_cache_new_full (params, reference, FALSE);
}

GrokWeightsCache *
grok_weights_cache_new_full (const GrokParams *params, const GrokParams *reference,
                             gboolean shared_scale)
{
  GrokWeightsCache *cache = g_new0 (GrokWeightsCache, 1);
  double shared = 0;

  cache->matrices = g_array_new (FALSE, TRUE, sizeof (Matrix));
  g_array_set_clear_func (cache->matrices, matrix_clear);
  cache->difference = reference != NULL;
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      const float *src = params->data + t->offset;
      int r = reference ? grok_params_find (reference, t->name) : -1;
      Matrix m = { 0 };

      if (t->ndim != 2)
        continue;
      m.name = g_strdup (t->name);
      m.rows = t->shape[0];
      m.cols = t->shape[1];
      m.values = g_memdup2 (src, t->numel * sizeof (float));
      if (r >= 0 && reference->tensors[r].numel == t->numel)
        {
          const float *base = reference->data + reference->tensors[r].offset;
          for (gsize k = 0; k < t->numel; k++)
            m.values[k] -= base[k];
        }
      m.surface = grok_heatmap_surface_new (m.values, m.rows, m.cols, NAN, &m.limit);
      g_array_append_val (cache->matrices, m);
    }
  if (!shared_scale || cache->matrices->len < 2)
    return cache;
  /* every matrix again on the largest limit (each is at least its own max |value|) */
  cache->shared = TRUE;
  for (guint i = 0; i < cache->matrices->len; i++)
    shared = MAX (shared, g_array_index (cache->matrices, Matrix, i).limit);
  for (guint i = 0; i < cache->matrices->len; i++)
    {
      Matrix *m = &g_array_index (cache->matrices, Matrix, i);
      cairo_surface_destroy (m->surface);
      m->surface = grok_heatmap_surface_new (m->values, m->rows, m->cols, shared, &m->limit);
    }
  return cache;
}

void
grok_weights_cache_free (GrokWeightsCache *cache)
{
  if (cache == NULL)
    return;
  g_array_unref (cache->matrices);
  g_free (cache);
}

guint
grok_weights_cache_count (const GrokWeightsCache *cache)
{
  return cache->matrices->len;
}

const char *
grok_weights_cache_name (const GrokWeightsCache *cache, guint index)
{
  g_return_val_if_fail (index < cache->matrices->len, NULL);
  return g_array_index (cache->matrices, Matrix, index).name;
}

float
grok_weights_cache_value (const GrokWeightsCache *cache, guint index, guint row, guint col)
{
  const Matrix *m;

  g_return_val_if_fail (index < cache->matrices->len, NAN);
  m = &g_array_index (cache->matrices, Matrix, index);
  g_return_val_if_fail (row < m->rows && col < m->cols, NAN);
  return m->values[(gsize) row * m->cols + col];
}

gboolean
grok_weights_cache_is_difference (const GrokWeightsCache *cache)
{
  return cache->difference;
}

double
grok_weights_cache_limit (const GrokWeightsCache *cache, guint index)
{
  g_return_val_if_fail (index < cache->matrices->len, NAN);
  return g_array_index (cache->matrices, Matrix, index).limit;
}

void
grok_figure_weights_draw (cairo_t *cr, double width, double height, const GrokWeightsCache *cache,
                          const GrokFigureStyle *style, GrokHeatmapGeometry *geometries)
{
  guint n = cache->matrices->len, cols;
  GrokPalette palette;

  GROK_FIGURE_UNIFORM_SIZES (cr, grok_figure_weights_draw, width, height, cache, style,
                             geometries);
  const char *bar_label;

  grok_figure_style_palette (style, &palette);
  grok_figure_set_color (cr, palette.background);
  cairo_paint (cr);
  if (n == 0)
    return;
  cols = grok_figure_grid_columns (n, width, height, 1.0);
  bar_label = cache->difference ? "change" : "weight";
  for (guint i = 0; i < n; i++)
    {
      const Matrix *m = &g_array_index (cache->matrices, Matrix, i);
      double cx, cy, cw, ch;
      /* every bar the same range: each title says so, so no reader takes one for its own.
       * No-break spaces keep the shape and that remark whole when a title takes two lines */
      g_autofree char *title = g_strdup_printf ("%s%s  %u\u00a0x\u00a0%u%s", m->name,
                                                cache->difference ? " (change)" : "", m->rows,
                                                m->cols,
                                                cache->shared ? " (shared\u00a0scale)" : "");

      /* a last row that is not full shares the whole width */
      grok_figure_grid_cell (n, cols, i, 0, 0, width, height, &cx, &cy, &cw, &ch);
      cairo_save (cr);
      grok_figure_heatmap_draw (cr, cx, cy, cw, ch, m->surface,
                                m->limit, title,
                                bar_label, style, geometries ? &geometries[i] : NULL);
      cairo_restore (cr);
    }
}
