/* The linear regions of a net on 2-D inputs, as TensorFlow Playground shows a net: each region
 * filled by the class the net predicts there, paler where its margin is small, the regions'
 * edges as thin lines over it, the decision boundary and the data points on top, and a legend
 * for the classes and the training (filled) and test (hollow) points; or, for smooth
 * activations, a raster map of activation patterns, labelled as such. */
#pragma once

#include "grok-plot.h"
#include "grok-regions.h"

G_BEGIN_DECLS

typedef struct
{
  double               x0, y0, x1, y1;    /* the window */
  const GrokRegionMap *exact;             /* or NULL when raster is used */
  const guint32       *raster;            /* (raster_h, raster_w) pattern ids, row 0 at y0 */
  int                  raster_w, raster_h, n_patterns;
  const float         *train_x;           /* (n_train, 2) */
  const int           *train_y;
  int                  n_train;
  const float         *test_x;            /* (n_test, 2), drawn hollow */
  const int           *test_y;
  int                  n_test;
  const char          *title;             /* NULL: the step, and the region or pattern count */
  gint64               step;              /* -1: not known */
  gboolean             zoomed;            /* the window is not the whole of the task's */
} GrokRegionsFigure;

/* the colour of region (or pattern) index: distinct neighbours, light enough for points and
 * the boundary to stand out (the raster of activation patterns) */
GrokRgba grok_regions_color (guint index);
/* the fill of a point the net gives the logit difference d (class 1 minus class 0): its
 * predicted class's colour, paler the smaller the margin |d| */
GrokRgba grok_regions_class_fill (const GrokFigureStyle *style, double d);

void grok_figure_regions_draw (cairo_t *cr, double x, double y, double width, double height,
                               const GrokRegionsFigure *figure, const GrokFigureStyle *style,
                               GrokPlotGeometry *geometry_out);

G_END_DECLS
