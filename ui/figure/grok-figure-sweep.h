/* A sweep's figures, drawn by the same functions on screen and in every export, each with the
 * CSV behind it: the phase diagram over two axes (each point coloured by the phase most of its
 * seeds are in, with the mean outcome written in it; the thresholds and the budget in the
 * title), and the comparison of the cells' curves, one line per cell or the seeds of each point
 * as their mean with a band, each named by what sets it apart. */
#pragma once

#include "grok-plot.h"
#include "grok-sweep.h"

G_BEGIN_DECLS

typedef enum
{
  GROK_SWEEP_FIGURE_PHASE,
  GROK_SWEEP_FIGURE_COMPARE,
} GrokSweepFigureKind;

typedef struct
{
  GrokSweepFigureKind  kind;
  GrokFigureStyle      style;
  GrokSweep           *sweep;
  GrokSweepTable      *cells;     /* grok_sweep_summary */
  /* phase */
  GrokSweepPhaseGrid  *grid;
  char                *outcome;   /* the summary column written in each point */
  gboolean             by_outcome; /* each point coloured by its outcome, not by its phase */
  /* compare */
  GPtrArray           *metrics;   /* GrokMetrics *, one per cell (NULL when it has no rows) */
  char                *column;    /* the metrics.csv column drawn against the step */
  gboolean             grouped;   /* the seeds of each point as mean and min-max band */
} GrokSweepFigure;

/* the figure of kind for an opened sweep. phase: axes x_axis and y_axis, outcome a number column
 * of the summary; compare: column a metrics.csv column, grouped the seeds together. An error
 * names what is not there. */
GrokSweepFigure *grok_sweep_figure_new  (GrokSweepFigureKind kind, GrokSweep *sweep,
                                         guint x_axis, guint y_axis, const char *outcome,
                                         const char *column, gboolean grouped, GError **error);
void             grok_sweep_figure_free (GrokSweepFigure *figure);
/* phase: the point of the grid (its index on the x and y axes) under (x, y) in the figure
 * drawn in width x height; FALSE off the points */
gboolean         grok_sweep_figure_point_at (GrokSweepFigure *figure, double width,
                                             double height, double x, double y, guint *xi,
                                             guint *yi);
/* a GrokFigureDrawFunc: the figure in width x height */
void             grok_sweep_figure_draw (cairo_t *cr, double width, double height,
                                         gpointer figure);
/* the data behind it */
char            *grok_sweep_figure_csv  (const GrokSweepFigure *figure);
/* PNG, SVG, PDF or CSV by the file name's suffix */
gboolean         grok_sweep_figure_export (const char *path, GrokSweepFigure *figure,
                                           double width_in, double height_in, double dpi,
                                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSweepFigure, grok_sweep_figure_free)

G_END_DECLS
