/* Linear regions of an MLP on 2-D inputs (SPEC section 4.4): the exact partition of an input
 * rectangle into the convex polygons on which a piecewise-linear network is affine, and, for any
 * activation, a raster map of activation patterns. */
#pragma once

#include <glib.h>

#include "grok-layer-view.h"

G_BEGIN_DECLS

/* Degenerate cuts. A vertex whose pre-activation is within GROK_REGIONS_EPS times the unit's
 * scale on the window (|a| width + |b| height + the largest |value| at the polygon's vertices)
 * counts as lying on the zero line: a line through a vertex then splits the polygon there
 * without adding a near-duplicate vertex, and a polygon the line only grazes is not cut (no
 * slivers thinner than about 1e-9 of the window). */
#define GROK_REGIONS_EPS 1e-9

typedef struct
{
  int      n_vertices;
  double  *xy;          /* (n_vertices, 2), counter-clockwise */
  guint64 *pattern;     /* (n_words): bit u set when pattern unit u is active (pre-activation > 0) */
  double  *logits;      /* (n_out, 3): logit k = l[3k] x + l[3k + 1] y + l[3k + 2] */
  int      n_segments;
  double  *segments;    /* (n_segments, 4): x0 y0 x1 y1 of the decision boundary in the polygon */
} GrokRegion;

typedef struct
{
  double      x0, y0, x1, y1;  /* the window */
  int         n_units;         /* pattern bits: the units of layers with a non-linear activation */
  int         n_words;         /* guint64 words per pattern */
  int         n_out;
  int         n_regions;
  GrokRegion *regions;
} GrokRegionMap;

void           grok_region_map_free     (GrokRegionMap *map);

/* the exact partition of [x0, x1] x [y0, y1] for a network with 2 inputs whose activations are
 * all relu, leaky_relu or linear. Units with a linear activation do not cut (their sign does not
 * change the map) and have no pattern bit. */
GrokRegionMap *grok_regions_exact       (const GrokLayerView *layers, int n_layers,
                                         double x0, double y0, double x1, double y1,
                                         GError **error);

/* the number of regions grok_regions_exact finds, without keeping the regions; -1 with error
 * set when the network does not qualify */
int            grok_regions_count       (const GrokLayerView *layers, int n_layers,
                                         double x0, double y0, double x1, double y1,
                                         GError **error);

double         grok_region_area         (const GrokRegion *region);
void           grok_region_centroid     (const GrokRegion *region, double *cx, double *cy);

/* the pattern bits a network has (units of layers with a non-linear activation) */
int            grok_regions_pattern_units (const GrokLayerView *layers, int n_layers);
/* the activation pattern at one input point, in double precision; pattern has
 * (units + 63) / 64 words. The logits go to logits when non-NULL. */
void           grok_regions_pattern_at  (const GrokLayerView *layers, int n_layers,
                                         double x, double y, guint64 *pattern, double *logits);

/* a (height, width) map of pattern ids, row 0 at y0, pixel centres sampled; ids number the
 * distinct patterns from 0 in order of first appearance, and their count goes to n_patterns.
 * Any activation; evaluated in double. */
guint32       *grok_regions_raster      (const GrokLayerView *layers, int n_layers,
                                         double x0, double y0, double x1, double y1,
                                         int width, int height, int *n_patterns,
                                         GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokRegionMap, grok_region_map_free)

G_END_DECLS
