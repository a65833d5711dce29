/* Every weight matrix of a model as a grid of heatmaps, optionally as the difference from an
 * earlier set of parameters. The image surfaces are built once per parameter set, in a cache,
 * so that redraws (hover, resize) only scale them. */
#pragma once

#include "grok-figure-heatmap.h"
#include "grok-params.h"

G_BEGIN_DECLS

typedef struct _GrokWeightsCache GrokWeightsCache;

/* the 2-D tensors of params, in the model's order; with reference (same names and shapes)
 * each matrix is params - reference */
GrokWeightsCache *grok_weights_cache_new   (const GrokParams *params, const GrokParams *reference);
/* the same; with shared_scale every matrix is coloured on one symmetric scale, the largest
 * |value| of them all, and each colour bar spans it, rather than each on its own */
GrokWeightsCache *grok_weights_cache_new_full (const GrokParams *params,
                                               const GrokParams *reference,
                                               gboolean shared_scale);
void              grok_weights_cache_free  (GrokWeightsCache *cache);
guint             grok_weights_cache_count (const GrokWeightsCache *cache);
const char       *grok_weights_cache_name  (const GrokWeightsCache *cache, guint index);
/* the value shown at (row, col) of matrix index */
float             grok_weights_cache_value (const GrokWeightsCache *cache, guint index, guint row,
                                            guint col);
gboolean          grok_weights_cache_is_difference (const GrokWeightsCache *cache);
/* the colour scale of matrix index: its colour bar spans -limit .. limit */
double            grok_weights_cache_limit (const GrokWeightsCache *cache, guint index);

/* draws the grid over (0, 0, width, height); geometries (one per matrix, may be NULL) receive
 * where each matrix went, for hover readouts */
void              grok_figure_weights_draw (cairo_t *cr, double width, double height,
                                            const GrokWeightsCache *cache,
                                            const GrokFigureStyle *style,
                                            GrokHeatmapGeometry *geometries);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokWeightsCache, grok_weights_cache_free)

G_END_DECLS
