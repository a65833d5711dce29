/* What the exact partition and the raster pattern map of linear regions share. */
#pragma once

#include "grok-regions.h"

G_BEGIN_DECLS

/* FALSE with error set unless the network takes 2 inputs, its layers chain and, when piecewise,
 * every activation is relu, leaky_relu or linear */
gboolean grok_regions_check_layers (const GrokLayerView *layers, int n_layers, gboolean piecewise,
                                    GError **error);

G_END_DECLS
