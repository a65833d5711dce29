/* The training-curves figure: loss (log y) and accuracy (0..1) panels against the step, with
 * "memorised" and "generalised" markers, extra panels for any other metrics column, and the
 * mean and min-max band of several runs aligned by step. */
#pragma once

#include "grok-metrics.h"
#include "grok-plot.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean            show_loss;        /* train_loss and test_loss, log y */
  gboolean            show_accuracy;    /* train_acc and test_acc, 0..1 */
  gboolean            show_train;       /* the train_* series in those panels */
  gboolean            show_test;        /* the test_* series in those panels */
  gboolean            show_markers;     /* memorised / generalised lines */
  gboolean            log_x;
  const char         *x_column;         /* NULL: "step" */
  gboolean            show_measures;    /* a panel for each measure panel column of the
                                         * measures table the metrics have, and the L2 norm */
  const char * const *extra_columns;    /* NULL-terminated; one more panel per column, after
                                         * the measures */
  int                 lmn_points;       /* the points of the lmn column, stated in its panel's
                                         * title as the connectivity figure states its own;
                                         * 0: not known */
  double              threshold;        /* accuracy that counts as memorised / generalised */
} GrokCurvesOptions;

/* every panel on (measures too), train and test, markers at 0.99, linear x over "step" */
void   grok_curves_options_init (GrokCurvesOptions *options);

/* the x (x_column) of the first row whose `column` is >= threshold; NAN when none is */
double grok_figure_curves_first_reaching (const GrokMetrics *metrics, const char *x_column,
                                          const char *column, double threshold);

/* draws the figure over (0, 0, width, height); writes up to max_panels panel geometries
 * (for hover readouts) and returns how many panels were drawn */
guint  grok_figure_curves_draw      (cairo_t *cr, double width, double height,
                                     const GrokMetrics *metrics, const GrokCurvesOptions *options,
                                     const GrokFigureStyle *style,
                                     GrokPlotGeometry *panels_out, guint max_panels);
/* several runs: each series is the mean over the runs having a value at that x, with the
 * min-max band over them */
guint  grok_figure_curves_draw_runs (cairo_t *cr, double width, double height,
                                     const GrokMetrics * const *runs, guint n_runs,
                                     const GrokCurvesOptions *options,
                                     const GrokFigureStyle *style,
                                     GrokPlotGeometry *panels_out, guint max_panels);

G_END_DECLS
