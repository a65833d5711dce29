/* A weight matrix as a heatmap: the diverging map centred on zero with symmetric limits, a
 * colour bar, row and column ticks, the tensor name as title. The matrix becomes an image
 * surface once (one pixel per entry) and is then scaled with nearest-neighbour sampling each
 * time it is drawn, so a redraw costs the same whatever the matrix size. */
#pragma once

#include "grok-plot.h"

G_BEGIN_DECLS

/* rows x cols, row-major (out_features, in_features) as checkpoints store them. limit <= 0 or
 * NAN means max |value| (1 for an all-zero matrix); the limit used goes to *limit_out.
 * NAN entries are transparent. Returns a new CAIRO_FORMAT_ARGB32 surface cols wide, rows high. */
cairo_surface_t *grok_heatmap_surface_new (const float *values, guint rows, guint cols,
                                           double limit, double *limit_out);

/* a matrix of non-negative quantities (a connectivity matrix, say) on the sequential map from
 * lo to hi */
cairo_surface_t *grok_heatmap_surface_new_sequential (const float *values, guint rows, guint cols,
                                                      double lo, double hi);

typedef struct
{
  double left, top, width, height;   /* the matrix area in device units */
  guint  rows, cols;
  double bar_left, bar_top, bar_width, bar_height;   /* the colour bar */
  double limit;
  gboolean sequential;   /* the colour bar spans [lo, limit] on the sequential map */
  double lo;
  int    row_origin, col_origin;   /* the numbers the first row and column are labelled with */
} GrokHeatmapGeometry;

/* FALSE when (px, py) is outside the matrix */
gboolean grok_heatmap_geometry_cell_at (const GrokHeatmapGeometry *geometry, double px, double py,
                                        guint *row, guint *col);

/* bar_label (may be NULL) names what the colours show, beside the colour bar */
void     grok_figure_heatmap_draw (cairo_t *cr, double x, double y, double width, double height,
                                   cairo_surface_t *matrix, double limit, const char *title,
                                   const char *bar_label, const GrokFigureStyle *style,
                                   GrokHeatmapGeometry *geometry_out);

/* the same for a surface from grok_heatmap_surface_new_sequential: a symmetric matrix over
 * points (both axes are labelled "point") */
void     grok_figure_heatmap_draw_sequential (cairo_t *cr, double x, double y, double width,
                                              double height, cairo_surface_t *matrix, double lo,
                                              double hi, const char *title,
                                              const char *bar_label,
                                              const GrokFigureStyle *style,
                                              GrokHeatmapGeometry *geometry_out);

/* What a heatmap's axes say: their labels and the number of the first row and column (a
 * centred frequency grid starts at -floor (n / 2)), and whether it has its colour bar; NULL
 * labels keep the defaults */
typedef struct
{
  const char *row_label, *col_label;
  int         row_origin, col_origin;
  gboolean    no_bar;     /* no colour bar: a neighbour on the same scale has it */
  double      fit_width;  /* > 0: the text sized for a panel this wide, so that panels of
                           * different widths share one text size */
} GrokHeatmapAxes;

/* the width a sequential colour bar over [lo, limit] and its labels add to a heatmap with
 * rows rows, its text sized for a panel fit_width wide */
double   grok_figure_heatmap_bar_room (cairo_t *cr, const GrokFigureStyle *style, guint rows,
                                       double lo, double limit, double fit_width);

/* either map (sequential: [lo, limit]; diverging: [-limit, limit]) with the axes given */
void     grok_figure_heatmap_draw_axes (cairo_t *cr, double x, double y, double width,
                                        double height, cairo_surface_t *matrix,
                                        gboolean sequential, double lo, double limit,
                                        const GrokHeatmapAxes *axes, const char *title,
                                        const char *bar_label, const GrokFigureStyle *style,
                                        GrokHeatmapGeometry *geometry_out);

G_END_DECLS
