/* The training-curves figure: loss (log y) and accuracy (0..1) panels against the step, with
 * "memorised" and "generalised" markers, extra panels for any other metrics column, and the
 * mean and min-max band of several runs aligned by step. */
#pragma once

#include "grok-compare.h"
#include "grok-metrics.h"
#include "grok-plot.h"

G_BEGIN_DECLS

/* a curves grid with no empty cell is taken over the one with the largest panels where its
 * panels are at least this share of theirs */
#define GROK_CURVES_FULL_GRID 0.7

#define GROK_CURVES_MAX_PANELS 8

/* one panel's y scale as chosen, which replaces the panel's own (log for the loss, linear for
 * the accuracy, log for a measure spanning more than two decades) */
typedef struct
{
  const char *panel;   /* the panel's name (GrokCurvesPanel.title), interned; NULL: unused */
  gboolean    log;
} GrokCurvesYScale;

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
  double              step_from;        /* the x range every panel shows; NAN for either end: */
  double              step_to;          /* the runs' own, with a little room */
  double              smoothing;        /* 0: none; in (0, 1): the weight of the past in an
                                         * exponential moving average drawn over the raw
                                         * curve, which stays faint behind it */
  gboolean            show_cursor;      /* a line at cursor_step in every panel (the step of
                                         * a browsed checkpoint) */
  double              cursor_step;
  GrokCurvesYScale    y_scales[GROK_CURVES_MAX_PANELS];
  const GrokComparison *comparison;     /* NULL, or runs drawn with the metrics (as its shown
                                         * run): each run, or each group, its own colour and
                                         * legend entry; the train series dashed */
  gboolean            compare_grouped;  /* groups as mean and band rather than one per run */
  double              compare_until;    /* no compared curve past this step; NAN: no limit */
  guint               max_panels;       /* 0: every panel; else the first this many */
  const char * const *panels;           /* NULL-terminated, in order: "loss", "accuracy", a
                                         * measure's name (its panel columns) or a metrics
                                         * column; NULL: loss, accuracy and the measures as on
                                         * screen (the first max_panels of them) */
} GrokCurvesOptions;

/* every panel on (measures too), train and test, markers at 0.99, linear x over "step", the
 * whole step range, no smoothing, each panel's own y scale */
void   grok_curves_options_init (GrokCurvesOptions *options);
/* the y scale of the panel named `panel` from now on: log or linear */
void   grok_curves_options_set_y_log (GrokCurvesOptions *options, const char *panel,
                                      gboolean log);

/* A panel of the figure: its name (its title), up to two columns with their legend labels and
 * colour indices, its own y scale and limits */
typedef struct
{
  const char *title, *y_label;
  const char *columns[2];
  const char *labels[2];
  guint       colors[2];
  gboolean    y_log;
  gboolean    auto_log;   /* decide log y from the data (measure and extra columns) */
  double      y_min, y_max;
} GrokCurvesPanel;

/* FALSE with an error naming the first of panels that names no panel for metrics, and the
 * names there are */
gboolean grok_curves_check_panels (const GrokMetrics *metrics, const char * const *panels,
                                   GError **error);

/* the panels drawn for the options when the first run's rows are `metrics`, in the order drawn
 * (the order of the geometries grok_figure_curves_draw writes); returns how many */
guint  grok_figure_curves_panels (const GrokMetrics *metrics, const GrokCurvesOptions *options,
                                  GrokCurvesPanel *panels, guint max_panels);

/* the steps at which the measure filling column was evaluated (another of its columns has a
 * value) and gave column no value, for a reason grok_column_gap states: the gaps the figure
 * notes in the column's panel */
guint  grok_figure_curves_gap_steps (const GrokMetrics *metrics, const char *column);

/* one series' value at a step, as a hover readout lists it */
typedef struct
{
  const char *panel;      /* the panel's name */
  const char *label;      /* the series' legend label; NULL in a panel of one series */
  guint       color;      /* its colour index (grok_figure_style_series_color) */
  double      step;       /* the step of its value: the row nearest the step asked for that
                           * has one (measures are written on a sparser schedule) */
  double      value;
  double      smoothed;   /* its smoothed value; NAN without smoothing */
} GrokCurvesValue;

/* the value of every series the figure draws for metrics at the row nearest `step`, in the
 * order of the panels; row_step_out (may be NULL) is that row's step. Returns how many were
 * written, 0 when there is no row. */
guint  grok_figure_curves_values_at (const GrokMetrics *metrics, const GrokCurvesOptions *options,
                                     double step, double *row_step_out, GrokCurvesValue *values,
                                     guint max_values);

/* the exponential moving average of y with weight w of the past, corrected for its start at 0
 * as TensorBoard's is: s_t = w s_(t-1) + (1 - w) y_t with s_0 = 0, out_t = s_t / (1 - w^t),
 * t counting the finite values; a NAN stays NAN and does not count. out may be y. */
void   grok_curves_smooth (const double *y, gsize n, double w, double *out);

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
