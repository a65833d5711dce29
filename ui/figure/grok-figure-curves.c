/* The training-curves figure. The data of each series is prepared first (a column of one run,
 * or the mean, min and max over runs at each x, smoothed when asked), then each panel is one
 * grok_plot_draw call, every panel over the same step range. */
#include "grok-figure-curves.h"
#include "grok-plot-private.h"

#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-measures.h"

#define GROK_MAX_PANELS GROK_CURVES_MAX_PANELS

void
grok_curves_options_init (GrokCurvesOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (GrokCurvesOptions) { 0 };
  options->compare_until = NAN;
  options->show_loss = TRUE;
  options->show_accuracy = TRUE;
  options->show_train = TRUE;
  options->show_test = TRUE;
  options->show_markers = TRUE;
  options->show_measures = TRUE;
  options->threshold = 0.99;
  options->step_from = NAN;
  options->step_to = NAN;
  options->cursor_step = NAN;
}

void
grok_curves_options_set_y_log (GrokCurvesOptions *options, const char *panel, gboolean log)
{
  const char *name;
  guint free_slot = G_N_ELEMENTS (options->y_scales);

  g_return_if_fail (options != NULL && panel != NULL);

  name = g_intern_string (panel);
  for (guint i = 0; i < G_N_ELEMENTS (options->y_scales); i++)
    {
      if (options->y_scales[i].panel == name)
        {
          options->y_scales[i].log = log;
          return;
        }
      if (options->y_scales[i].panel == NULL && free_slot == G_N_ELEMENTS (options->y_scales))
        free_slot = i;
    }
  /* more names than panels: the oldest choice makes room */
  if (free_slot == G_N_ELEMENTS (options->y_scales))
    {
      memmove (&options->y_scales[0], &options->y_scales[1],
               sizeof options->y_scales - sizeof options->y_scales[0]);
      free_slot = G_N_ELEMENTS (options->y_scales) - 1;
    }
  options->y_scales[free_slot] = (GrokCurvesYScale) { name, log };
}

/* the panel's y scale as chosen, or its own */
static gboolean
grok_curves_options_y_log (const GrokCurvesOptions *options, const char *panel, gboolean own)
{
  for (guint i = 0; i < G_N_ELEMENTS (options->y_scales); i++)
    if (options->y_scales[i].panel != NULL && g_strcmp0 (options->y_scales[i].panel, panel) == 0)
      return options->y_scales[i].log;
  return own;
}

void
grok_curves_smooth (const double *y, gsize n, double w, double *out)
{
  double s = 0, wt = 1;

  g_return_if_fail (y != NULL || n == 0);
  g_return_if_fail (w >= 0 && w < 1);

  for (gsize i = 0; i < n; i++)
    {
      if (isnan (y[i]))
        {
          out[i] = NAN;
          continue;
        }
      s = w * s + (1 - w) * y[i];
      wt *= w;
      out[i] = s / (1 - wt);
    }
}

double
grok_figure_curves_first_reaching (const GrokMetrics *metrics, const char *x_column,
                                   const char *column, double threshold)
{
  int xc, yc;

  g_return_val_if_fail (metrics != NULL && column != NULL, NAN);

  xc = grok_metrics_column_index (metrics, x_column != NULL ? x_column : "step");
  yc = grok_metrics_column_index (metrics, column);
  if (xc < 0 || yc < 0)
    return NAN;
  for (guint r = 0; r < metrics->n_rows; r++)
    if (grok_metrics_get (metrics, r, (guint) yc) >= threshold)
      return grok_metrics_get (metrics, r, (guint) xc);
  return NAN;
}

/* one series as arrays: owned here, so the panels can be drawn from plain pointers */
typedef struct
{
  GArray *x, *y, *lo, *hi;   /* double; lo and hi NULL for a single run */
  GArray *smooth;            /* double: y smoothed, or NULL */
  guint    gaps;             /* the steps at which the measure was evaluated and gave no value */
} GrokCurveData;

static void
grok_curve_data_clear (GrokCurveData *d)
{
  g_clear_pointer (&d->x, g_array_unref);
  g_clear_pointer (&d->y, g_array_unref);
  g_clear_pointer (&d->smooth, g_array_unref);
  g_clear_pointer (&d->lo, g_array_unref);
  g_clear_pointer (&d->hi, g_array_unref);
}

/* the row of `run` whose x is `x`, or -1; rows are in step order, so bisect */
static int
grok_find_row (const GrokMetrics *run, int xc, double x)
{
  int lo = 0, hi = (int) run->n_rows - 1;

  while (lo <= hi)
    {
      int mid = lo + (hi - lo) / 2;
      double v = grok_metrics_get (run, (guint) mid, (guint) xc);
      if (v == x)
        return mid;
      if (v < x)
        lo = mid + 1;
      else
        hi = mid - 1;
    }
  return -1;
}

static int
grok_compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* the sorted union of the x values of all runs */
static GArray *
grok_union_x (const GrokMetrics * const *runs, guint n_runs, const char *x_column)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (double));
  guint out = 0;

  for (guint k = 0; k < n_runs; k++)
    {
      int xc = grok_metrics_column_index (runs[k], x_column);
      for (guint r = 0; xc >= 0 && r < runs[k]->n_rows; r++)
        {
          double x = grok_metrics_get (runs[k], r, (guint) xc);
          if (isfinite (x))
            g_array_append_val (all, x);
        }
    }
  g_array_sort (all, grok_compare_doubles);
  for (guint i = 0; i < all->len; i++)
    if (out == 0 || g_array_index (all, double, i) != g_array_index (all, double, out - 1))
      g_array_index (all, double, out++) = g_array_index (all, double, i);
  g_array_set_size (all, out);
  return all;
}

/* whether the measure filling column was evaluated at step x of run (one of its columns has a
 * value) and left column without one, for a reason the figure states */
static gboolean
grok_curve_evaluated_without (const GrokMetrics *run, const char *x_column, const char *column,
                              double x)
{
  int m = grok_measure_of_column (column), xc = grok_metrics_column_index (run, x_column), row;

  if (m < 0 || xc < 0 || grok_column_gap (column) == NULL
      || (row = grok_find_row (run, xc, x)) < 0)
    return FALSE;
  for (const char * const *c = grok_measure_kind (m)->columns; *c != NULL; c++)
    {
      int k = grok_metrics_column_index (run, *c);
      if (k >= 0 && isfinite (grok_metrics_get (run, (guint) row, (guint) k)))
        return TRUE;
    }
  return FALSE;
}

guint
grok_figure_curves_gap_steps (const GrokMetrics *metrics, const char *column)
{
  int xc = grok_metrics_column_index (metrics, "step");
  int yc = grok_metrics_column_index (metrics, column);
  guint n = 0;

  for (guint r = 0; xc >= 0 && yc >= 0 && r < metrics->n_rows; r++)
    n += isnan (grok_metrics_get (metrics, r, (guint) yc))
         && grok_curve_evaluated_without (metrics, "step", column,
                                          grok_metrics_get (metrics, r, (guint) xc));
  return n;
}

static gboolean
grok_curve_data_build (GrokCurveData *d, const GrokMetrics * const *runs, guint n_runs,
                       const char *x_column, const char *column)
{
  gboolean any = FALSE;

  d->x = grok_union_x (runs, n_runs, x_column);
  d->y = g_array_new (FALSE, FALSE, sizeof (double));
  if (n_runs > 1)
    {
      d->lo = g_array_new (FALSE, FALSE, sizeof (double));
      d->hi = g_array_new (FALSE, FALSE, sizeof (double));
    }
  for (guint i = 0; i < d->x->len; i++)
    {
      double x = g_array_index (d->x, double, i), sum = 0, lo = INFINITY, hi = -INFINITY;
      guint count = 0;

      for (guint k = 0; k < n_runs; k++)
        {
          int xc = grok_metrics_column_index (runs[k], x_column);
          int yc = grok_metrics_column_index (runs[k], column);
          int row = xc >= 0 && yc >= 0 ? grok_find_row (runs[k], xc, x) : -1;
          double v = row >= 0 ? grok_metrics_get (runs[k], (guint) row, (guint) yc) : NAN;
          if (isfinite (v))
            sum += v, lo = MIN (lo, v), hi = MAX (hi, v), count++;
        }
      sum = count > 0 ? sum / count : NAN;
      any = any || count > 0;
      g_array_append_val (d->y, sum);
      if (n_runs > 1)
        {
          lo = count > 0 ? lo : NAN;
          hi = count > 0 ? hi : NAN;
          g_array_append_val (d->lo, lo);
          g_array_append_val (d->hi, hi);
        }
    }
  /* a step with no value in any run is left out rather than drawn as a gap: measures are
   * evaluated on a sparser schedule than the losses, and their points are joined. Only a step
   * where the measure was evaluated (another of its columns has a value) and gave none is a
   * gap in the line */
  {
    guint out = 0;
    for (guint i = 0; i < d->x->len; i++)
      {
        gboolean keep = !isnan (g_array_index (d->y, double, i));
        if (!keep && n_runs == 1
            && grok_curve_evaluated_without (runs[0], x_column, column,
                                             g_array_index (d->x, double, i)))
          keep = TRUE, d->gaps++;
        if (!keep)
          continue;
        g_array_index (d->x, double, out) = g_array_index (d->x, double, i);
        g_array_index (d->y, double, out) = g_array_index (d->y, double, i);
        if (d->lo != NULL)
          {
            g_array_index (d->lo, double, out) = g_array_index (d->lo, double, i);
            g_array_index (d->hi, double, out) = g_array_index (d->hi, double, i);
          }
        out++;
      }
    g_array_set_size (d->x, out);
    g_array_set_size (d->y, out);
    if (d->lo != NULL)
      {
        g_array_set_size (d->lo, out);
        g_array_set_size (d->hi, out);
      }
  }
  return any;
}

/* the x where the (mean) curve first reaches the threshold */
static double
grok_curve_data_first_reaching (const GrokCurveData *d, double threshold)
{
  for (guint i = 0; d->y != NULL && i < d->y->len; i++)
    if (g_array_index (d->y, double, i) >= threshold)
      return g_array_index (d->x, double, i);
  return NAN;
}

/* a column's panel, titled with its name and unit, which the y axis need not repeat */
static GrokCurvesPanel
grok_column_panel (const char *column, guint color)
{
  return (GrokCurvesPanel) { grok_column_title (column), NULL, { column, NULL }, { NULL, NULL },
                             { color, 0 }, FALSE, TRUE, NAN, NAN };
}

/* the panel columns of the measures table that the first run has; the L2 norm, always there,
 * beside them */
static guint
grok_curves_measure_panels (const GrokMetrics *metrics, GrokCurvesPanel *panels, guint n)
{
  guint first = n;

  for (guint m = 0; m < GROK_N_MEASURES; m++)
    for (const char * const *c = grok_measure_kind (m)->panels; *c != NULL; c++)
      if (n < GROK_MAX_PANELS && grok_metrics_column_index (metrics, *c) >= 0)
        {
          panels[n] = grok_column_panel (*c, 2 + n - first);
          n++;
        }
  if (n > first && n < GROK_MAX_PANELS && grok_metrics_column_index (metrics, "l2_norm") >= 0)
    {
      panels[n] = grok_column_panel ("l2_norm", 2 + n - first);
      n++;
    }
  return n;
}

static GrokCurvesPanel
grok_loss_panel (const GrokCurvesOptions *o)
{
  return (GrokCurvesPanel) {
    "Loss", "cross-entropy (nats)",
    { o->show_train ? "train_loss" : NULL, o->show_test ? "test_loss" : NULL },
    { "train", "test" }, { 0, 1 }, TRUE, FALSE, NAN, NAN };
}

/* a little room past 0 and 1 so a curve sitting at 1.0 is not hidden by the frame */
static GrokCurvesPanel
grok_accuracy_panel (const GrokCurvesOptions *o)
{
  return (GrokCurvesPanel) {
    "Accuracy", "accuracy",
    { o->show_train ? "train_acc" : NULL, o->show_test ? "test_acc" : NULL },
    { "train", "test" }, { 0, 1 }, FALSE, FALSE, -0.03, 1.03 };
}

/* the panels one name of options->panels stands for, after the n there are */
static guint
grok_curves_named_panels (const GrokCurvesOptions *o, const GrokMetrics *metrics,
                          const char *name, GrokCurvesPanel *panels, guint n, guint *n_columns)
{
  GrokMeasure m;

  if (g_str_equal (name, "loss") && n < GROK_MAX_PANELS)
    panels[n++] = grok_loss_panel (o);
  else if (g_str_equal (name, "accuracy") && n < GROK_MAX_PANELS)
    panels[n++] = grok_accuracy_panel (o);
  else if (grok_measure_from_name (name, &m, NULL))
    {
      for (const char * const *c = grok_measure_kind (m)->panels; *c != NULL; c++)
        if (n < GROK_MAX_PANELS && (metrics == NULL || grok_metrics_column_index (metrics, *c) >= 0))
          panels[n++] = grok_column_panel (*c, 2 + (*n_columns)++);
    }
  else if (n < GROK_MAX_PANELS && (metrics == NULL || grok_metrics_column_index (metrics, name) >= 0))
    panels[n++] = grok_column_panel (name, 2 + (*n_columns)++);
  return n;
}

gboolean
grok_curves_check_panels (const GrokMetrics *metrics, const char * const *panels, GError **error)
{
  GrokMeasure m;

  g_return_val_if_fail (panels != NULL, FALSE);

  for (guint i = 0; panels[i] != NULL; i++)
    {
      gboolean found = g_str_equal (panels[i], "loss") || g_str_equal (panels[i], "accuracy")
                       || metrics == NULL || grok_metrics_column_index (metrics, panels[i]) >= 0;
      /* a measure the run did not take has no column to draw */
      if (!found && grok_measure_from_name (panels[i], &m, NULL))
        for (const char * const *c = grok_measure_kind (m)->panels; *c != NULL; c++)
          found = found || grok_metrics_column_index (metrics, *c) >= 0;
      if (found)
        continue;
      {
        g_autofree char *measures = grok_measure_names (", ");
        g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                     "no panel '%s': a panel is loss, accuracy, a measure the run took (of %s) "
                     "or a column of the run's metrics.csv", panels[i], measures);
        return FALSE;
      }
    }
  return TRUE;
}

static guint
grok_curves_panels (const GrokCurvesOptions *o, const GrokMetrics *metrics,
                    GrokCurvesPanel panels[GROK_MAX_PANELS])
{
  guint n = 0, first;

  if (o->panels != NULL)
    {
      guint n_columns = 0, kept = 0;
      for (guint i = 0; o->panels[i] != NULL; i++)
        n = grok_curves_named_panels (o, metrics, o->panels[i], panels, n, &n_columns);
      /* a panel named twice (a measure's, and one of its columns by name) is drawn once */
      for (guint i = 0; i < n; i++)
        {
          gboolean again = FALSE;
          for (guint j = 0; j < kept && !again; j++)
            again = g_strcmp0 (panels[j].columns[0], panels[i].columns[0]) == 0
                    && g_strcmp0 (panels[j].columns[1], panels[i].columns[1]) == 0;
          if (!again)
            panels[kept++] = panels[i];
        }
      return kept;
    }
  if (o->show_loss && (o->show_train || o->show_test))
    panels[n++] = grok_loss_panel (o);
  if (o->show_accuracy && (o->show_train || o->show_test))
    panels[n++] = grok_accuracy_panel (o);
  first = n;
  if (o->show_measures && metrics != NULL)
    n = grok_curves_measure_panels (metrics, panels, n);
  for (guint i = 0; o->extra_columns != NULL && o->extra_columns[i] != NULL; i++)
    {
      if (n == GROK_MAX_PANELS)
        break;
      panels[n] = grok_column_panel (o->extra_columns[i], 2 + n - first);
      n++;
    }
  return o->max_panels > 0 ? MIN (n, o->max_panels) : n;
}

/* a log axis for positive data spanning more than two decades */
static gboolean
grok_curves_wants_log (const GrokCurveData *d)
{
  double lo = INFINITY, hi = 0;

  for (guint i = 0; i < d->y->len; i++)
    {
      double v = g_array_index (d->y, double, i);
      if (isnan (v))
        continue;
      if (v <= 0)
        return FALSE;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  return hi > 0 && hi / lo > 100;
}

/* the number of columns of the panel grid that gives panels closest to 1.4 : 1 and largest;
 * a grid without an empty cell where one gives panels at least GROK_CURVES_FULL_GRID of that
 * size (8 panels on a page: 4 x 2, not 3 x 3 with a cell left over) */
static guint
grok_curves_grid_columns (double width, double height, guint n)
{
  guint best = 1, best_full = 0;
  double best_score = -1, best_full_score = -1;

  for (guint cols = 1; cols <= n; cols++)
    {
      guint rows = (n + cols - 1) / cols;
      double score = MIN (width / cols / 1.4, height / rows);
      if (score > best_score + 1e-9)
        best = cols, best_score = score;
      if (rows * cols == n && score > best_full_score + 1e-9)
        best_full = cols, best_full_score = score;
    }
  return best_full > 0 && best_full_score >= GROK_CURVES_FULL_GRID * best_score ? best_full : best;
}

guint
grok_figure_curves_panels (const GrokMetrics *metrics, const GrokCurvesOptions *options,
                           GrokCurvesPanel *panels, guint max_panels)
{
  GrokCurvesPanel all[GROK_MAX_PANELS];
  guint n;

  g_return_val_if_fail (options != NULL, 0);

  n = grok_curves_panels (options, metrics, all);
  memcpy (panels, all, MIN (n, max_panels) * sizeof all[0]);
  return MIN (n, max_panels);
}

/* the row with a finite value in column yc (any row when yc < 0) whose step is nearest x */
static int
grok_nearest_row (const GrokMetrics *m, int xc, int yc, double x)
{
  int best = -1;
  double best_d = INFINITY;

  for (guint r = 0; r < m->n_rows; r++)
    {
      double d = fabs (grok_metrics_get (m, r, (guint) xc) - x);
      if (d < best_d && (yc < 0 || isfinite (grok_metrics_get (m, r, (guint) yc))))
        best_d = d, best = (int) r;
    }
  return best;
}

guint
grok_figure_curves_values_at (const GrokMetrics *metrics, const GrokCurvesOptions *options,
                              double step, double *row_step_out, GrokCurvesValue *values,
                              guint max_values)
{
  GrokCurvesPanel panels[GROK_MAX_PANELS];
  const char *x_column;
  guint n_panels, n = 0;
  int xc, row;
  double at;

  g_return_val_if_fail (metrics != NULL && options != NULL, 0);

  x_column = options->x_column != NULL ? options->x_column : "step";
  xc = grok_metrics_column_index (metrics, x_column);
  if (xc < 0 || (row = grok_nearest_row (metrics, xc, -1, step)) < 0)
    return 0;
  at = grok_metrics_get (metrics, (guint) row, (guint) xc);
  if (row_step_out != NULL)
    *row_step_out = at;
  n_panels = grok_curves_panels (options, metrics, panels);
  for (guint p = 0; p < n_panels; p++)
    for (guint k = 0; k < 2 && n < max_values; k++)
      {
        int yc = panels[p].columns[k] ? grok_metrics_column_index (metrics, panels[p].columns[k]) : -1;
        int r = yc >= 0 ? grok_nearest_row (metrics, xc, yc, at) : -1;
        GrokCurvesValue *v = &values[n];

        if (r < 0)
          continue;
        *v = (GrokCurvesValue) { panels[p].title, panels[p].labels[k], panels[p].colors[k],
                                 grok_metrics_get (metrics, (guint) r, (guint) xc),
                                 grok_metrics_get (metrics, (guint) r, (guint) yc), NAN };
        if (options->smoothing > 0 && options->smoothing < 1)
          {
            g_autofree double *column = grok_metrics_column (metrics, panels[p].columns[k]);
            grok_curves_smooth (column, metrics->n_rows, options->smoothing, column);
            v->smoothed = column[r];
          }
        n++;
      }
  return n;
}

typedef struct
{
  const GrokCurvesOptions *options;
  const GrokFigureStyle   *style;
  const char              *x_column;
  double                   markers[2];
  const char              *marker_labels[2];
  guint                    n_markers;
  double                   x_min, x_max;   /* the step range of every panel */
  gboolean                 x_zero;         /* a log axis with a slot for step 0 */
  char                     cursor_label[48];
} GrokCurvesCtx;

/* a panel ready to draw: its plot and the arrays the plot points into */
typedef struct
{
  GrokCurveData data[2];
  GrokSeries    series[4];   /* with smoothing, each raw curve faint behind its smoothed one */
  GrokPlot      plot;
  char         *title;   /* owned, when the spec's title gains a note */
  char         *note;    /* owned: why the line has gaps, or NULL */
  GPtrArray    *lines;   /* GrokCompareLine of a comparison, or NULL */
  GrokSeries   *compared;   /* their series, owned */
} GrokPanel;

static void
grok_panel_clear (GrokPanel *panel)
{
  g_clear_pointer (&panel->title, g_free);
  g_clear_pointer (&panel->note, g_free);
  g_clear_pointer (&panel->lines, g_ptr_array_unref);
  g_clear_pointer (&panel->compared, g_free);
  grok_curve_data_clear (&panel->data[0]);
  grok_curve_data_clear (&panel->data[1]);
}

/* the series of one column: with smoothing, the raw curve faint (not in the legend, no band)
 * and the smoothed one over it; returns how many were added */
static guint
grok_curves_add_series (GrokPanel *panel, guint n_series, GrokCurveData *d, const char *label,
                        GrokRgba color, double smoothing)
{
  const double *x = (const double *) d->x->data, *y = (const double *) d->y->data;
  const double *lo = d->lo != NULL ? (const double *) d->lo->data : NULL;
  const double *hi = d->hi != NULL ? (const double *) d->hi->data : NULL;

  if (smoothing > 0 && smoothing < 1)
    {
      GrokRgba faint = color;
      faint.a *= 0.3;
      d->smooth = g_array_sized_new (FALSE, FALSE, sizeof (double), d->y->len);
      g_array_set_size (d->smooth, d->y->len);
      grok_curves_smooth (y, d->y->len, smoothing, (double *) d->smooth->data);
      panel->series[n_series++] = (GrokSeries) { x, y, NULL, NULL, d->x->len, NULL, faint, FALSE };
      y = (const double *) d->smooth->data;
    }
  panel->series[n_series] = (GrokSeries) { x, y, lo, hi, d->x->len, label, color, FALSE };
  return n_series + 1;
}

/* the compared runs' series of the panel: per column and per run (or group) a line in the run's
 * colour, the train column dashed when both are shown, one legend entry per run; returns how
 * many columns had values */
static guint
grok_curves_compare_series (GrokPanel *panel, const GrokCurvesCtx *ctx,
                            const GrokCurvesPanel *spec, const GrokMetrics *shown)
{
  const GrokCurvesOptions *o = ctx->options;
  guint n_columns = 0, n_series = 0, n_first = 0;

  panel->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) grok_compare_line_free);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (GPtrArray) lines = NULL;
      if (spec->columns[k] == NULL)
        continue;
      lines = grok_comparison_lines (o->comparison, shown, ctx->x_column, spec->columns[k],
                                     o->compare_grouped, o->compare_until);
      n_columns += lines->len > 0;
      if (k == 0)
        n_first = lines->len;
      for (guint i = 0; i < lines->len; i++)
        g_ptr_array_add (panel->lines, g_steal_pointer (&lines->pdata[i]));
      g_ptr_array_set_free_func (lines, NULL);
    }
  panel->compared = g_new0 (GrokSeries, MAX (panel->lines->len, 1));
  for (guint i = 0; i < panel->lines->len; i++)
    {
      GrokCompareLine *line = panel->lines->pdata[i];
      gboolean train = n_columns == 2 && i < n_first;
      panel->compared[n_series++] = (GrokSeries) {
        (const double *) line->x->data, (const double *) line->y->data,
        line->lo ? (const double *) line->lo->data : NULL,
        line->hi ? (const double *) line->hi->data : NULL, line->x->len,
        train ? NULL : line->label, grok_figure_style_series_color (ctx->style, line->color), train };
    }
  panel->plot.series = panel->compared;
  panel->plot.n_series = n_series;
  if (n_columns == 2)
    panel->title = g_strdup_printf ("%s (test solid, train dashed)", spec->title);
  return n_columns;
}

static void
grok_curves_prepare_panel (GrokPanel *panel, const GrokCurvesCtx *ctx, const GrokCurvesPanel *spec,
                           const GrokMetrics * const *runs, guint n_runs)
{
  GrokPlot *plot = &panel->plot;
  guint n_series = 0, n_columns = 0;
  gboolean own_log;

  *panel = (GrokPanel) { 0 };
  grok_plot_init (plot);
  for (guint k = 0; ctx->options->comparison == NULL && k < 2; k++)
    {
      GrokCurveData *d = &panel->data[n_columns];
      if (spec->columns[k] == NULL
          || !grok_curve_data_build (d, runs, n_runs, ctx->x_column, spec->columns[k]))
        {
          grok_curve_data_clear (d);
          continue;
        }
      n_series = grok_curves_add_series (panel, n_series, d, spec->labels[k],
                                         grok_figure_style_series_color (ctx->style, spec->colors[k]),
                                         ctx->options->smoothing);
      n_columns++;
    }
  /* LMN grows with its points, so its value means nothing without their count */
  if (ctx->options->comparison != NULL && n_runs > 0)
    n_columns = grok_curves_compare_series (panel, ctx, spec, runs[0]);
  else if (g_strcmp0 (spec->columns[0], "lmn") == 0 && ctx->options->lmn_points > 0)
    panel->title = g_strdup_printf ("%s (%d points)", spec->title, ctx->options->lmn_points);
  /* a gap in the line says why it is there, inside the panel */
  if (n_columns > 0 && panel->data[0].gaps > 0 && grok_column_gap (spec->columns[0]) != NULL)
    panel->note = g_strdup_printf ("%s at %u step%s", grok_column_gap (spec->columns[0]),
                                   panel->data[0].gaps, panel->data[0].gaps == 1 ? "" : "s");
  plot->note = panel->note;
  plot->title = panel->title != NULL ? panel->title : spec->title;
  plot->x_label = ctx->x_column;
  plot->y_label = spec->y_label;
  plot->x_log = ctx->options->log_x;
  plot->x_zero = ctx->x_zero;
  plot->x_min = ctx->x_min;
  plot->x_max = ctx->x_max;
  own_log = spec->y_log;
  if (spec->auto_log && panel->lines != NULL)
    own_log = panel->lines->len > 0 && grok_curves_wants_log (&(GrokCurveData) {
      .y = ((GrokCompareLine *) panel->lines->pdata[0])->y });
  else if (spec->auto_log)
    own_log = n_columns > 0 && grok_curves_wants_log (&panel->data[0]);
  plot->y_log = grok_curves_options_y_log (ctx->options, spec->title, own_log);
  /* the fixed limits (the accuracy's 0..1) are a linear axis's */
  if (!plot->y_log)
    {
      plot->y_min = spec->y_min;
      plot->y_max = spec->y_max;
    }
  if (panel->lines == NULL)
    {
      plot->series = panel->series;
      plot->n_series = n_series;
    }
  plot->hide_legend = panel->lines != NULL ? plot->n_series < 2 : n_columns < 2;
  plot->markers_x = ctx->markers;
  plot->marker_labels = ctx->marker_labels;
  plot->n_markers = ctx->n_markers;
  plot->show_cursor = ctx->options->show_cursor;
  plot->cursor_x = ctx->options->cursor_step;
  plot->cursor_label = ctx->cursor_label;
  plot->empty_text = "no data yet";
}

/* One step range for every panel, so that a step sits at the same x in each: the runs' whole
 * range (with the plots' usual room) unless the options narrow it. A log axis starts at the
 * lowest positive step in range, and shows step 0 in its slot when that is in range too. */
static void
grok_curves_x_range (GrokCurvesCtx *ctx, const GrokMetrics * const *runs, guint n_runs)
{
  const GrokCurvesOptions *o = ctx->options;
  g_autoptr (GArray) xs = grok_union_x (runs, n_runs, ctx->x_column);
  double from = o->step_from, to = o->step_to, lo_pos = INFINITY, lo, hi;

  ctx->x_min = ctx->x_max = NAN;
  ctx->x_zero = o->log_x && (isnan (from) || from <= 0);
  if (xs->len == 0)
    return;
  lo = isnan (from) ? g_array_index (xs, double, 0) : from;
  hi = isnan (to) ? g_array_index (xs, double, xs->len - 1) : to;
  if (!o->log_x)
    {
      if (isnan (from) && isnan (to))
        grok_plot_pad_range (&lo, &hi, FALSE);
      else if (isnan (from) || isnan (to))
        {
          double l = lo, h = hi;
          grok_plot_pad_range (&l, &h, FALSE);
          lo = isnan (from) ? l : lo;
          hi = isnan (to) ? h : hi;
        }
      ctx->x_min = lo, ctx->x_max = hi;
      return;
    }
  for (guint i = 0; i < xs->len; i++)
    if (g_array_index (xs, double, i) > 0 && g_array_index (xs, double, i) >= lo)
      {
        lo_pos = g_array_index (xs, double, i);
        break;
      }
  ctx->x_zero = ctx->x_zero && g_array_index (xs, double, 0) <= 0 && lo <= 0;
  if (!isfinite (lo_pos) || !(hi > 0))
    return;   /* step 0 alone: the plot's unit span of decades beside it */
  {
    double l = lo > 0 ? lo : lo_pos, h = hi;
    if (isnan (from) || lo <= 0 || isnan (to))
      {
        double pl = l, ph = h;
        grok_plot_pad_range (&pl, &ph, TRUE);
        l = isnan (from) || lo <= 0 ? pl : l;
        h = isnan (to) ? ph : h;
      }
    ctx->x_min = l, ctx->x_max = h;
  }
}

/* the last x of m's rows, NAN without */
static double
grok_curves_last_x (const GrokMetrics *m, const char *x_column)
{
  int xc = grok_metrics_column_index (m, x_column);
  return xc >= 0 && m->n_rows > 0 ? grok_metrics_get (m, m->n_rows - 1, (guint) xc) : NAN;
}

static void
grok_curves_find_markers (GrokCurvesCtx *ctx, const GrokMetrics * const *runs, guint n_runs)
{
  static const char *columns[] = { "train_acc", "test_acc" };
  static const char *labels[] = { "memorised", "generalised" };

  ctx->n_markers = 0;
  if (!ctx->options->show_markers)
    return;
  for (guint k = 0; k < 2; k++)
    {
      GrokCurveData d = { 0 };
      double at = NAN;
      if (grok_curve_data_build (&d, runs, n_runs, ctx->x_column, columns[k]))
        at = grok_curve_data_first_reaching (&d, ctx->options->threshold);
      grok_curve_data_clear (&d);
      if (isnan (at))
        continue;
      ctx->markers[ctx->n_markers] = at;
      ctx->marker_labels[ctx->n_markers++] = labels[k];
    }
}

guint
grok_figure_curves_draw_runs (cairo_t *cr, double width, double height,
                              const GrokMetrics * const *runs, guint n_runs,
                              const GrokCurvesOptions *options, const GrokFigureStyle *style,
                              GrokPlotGeometry *panels_out, guint max_panels)
{
  GrokCurvesPanel panels[GROK_MAX_PANELS];
  GrokPanel prepared[GROK_MAX_PANELS];
  GrokCurvesCtx ctx = { options, style, NULL, { 0 }, { NULL }, 0, NAN, NAN, FALSE, "" };
  GrokPalette palette;
  guint n, cols, rows;
  double left = 0;

  g_return_val_if_fail (cr != NULL && options != NULL && style != NULL, 0);
  g_return_val_if_fail (runs != NULL || n_runs == 0, 0);

  /* laid out once to learn the sizes each panel can take, then drawn at the smallest of them */
  if (grok_figure_sizes_of (cr) == NULL)
    {
      GrokFigureSizes sizes;
      cairo_t *measure = grok_figure_sizes_measure (cr, &sizes);
      grok_figure_curves_draw_runs (measure, width, height, runs, n_runs, options, style,
                                    panels_out, max_panels);
      grok_figure_sizes_measured (measure, &sizes);
      grok_figure_sizes_attach (cr, &sizes);
      n = grok_figure_curves_draw_runs (cr, width, height, runs, n_runs, options, style,
                                        panels_out, max_panels);
      grok_figure_sizes_attach (cr, NULL);
      return n;
    }
  ctx.x_column = options->x_column != NULL ? options->x_column : "step";
  n = grok_curves_panels (options, n_runs > 0 ? runs[0] : NULL, panels);
  grok_figure_style_palette (style, &palette);
  cairo_rectangle (cr, 0, 0, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  if (n == 0)
    return 0;
  grok_curves_find_markers (&ctx, runs, n_runs);
  if (options->comparison != NULL && n_runs > 0)
    {
      /* the compared runs' steps too, as far as they are drawn */
      g_autoptr (GPtrArray) all = g_ptr_array_new ();
      g_ptr_array_add (all, (gpointer) runs[0]);
      for (guint i = 1; i < grok_comparison_n_runs (options->comparison); i++)
        g_ptr_array_add (all, (gpointer) grok_comparison_run_metrics (options->comparison, i));
      grok_curves_x_range (&ctx, (const GrokMetrics * const *) all->pdata, all->len);
      if (isfinite (options->compare_until) && isnan (options->step_to))
        ctx.x_max = MIN (ctx.x_max, MAX (options->compare_until, grok_curves_last_x (runs[0], ctx.x_column)));
    }
  else
    grok_curves_x_range (&ctx, runs, n_runs);
  if (options->show_cursor && isfinite (options->cursor_step))
    g_snprintf (ctx.cursor_label, sizeof ctx.cursor_label, "step %.0f", options->cursor_step);
  cols = grok_curves_grid_columns (width, height, n);
  rows = (n + cols - 1) / cols;
  for (guint i = 0; i < n; i++)
    {
      GrokPlot *plot = &prepared[i].plot;
      grok_curves_prepare_panel (&prepared[i], &ctx, &panels[i], runs, n_runs);
      /* one step axis for all: its label under the bottom panel of each column only, the
       * markers' labels over the top row only */
      if (i + cols < n)
        plot->x_label = NULL;
      if (i >= cols)
        plot->marker_labels = NULL;
      /* train and test have the same colours in every panel: one legend says it */
      if (i > 0 && !prepared[0].plot.hide_legend && panels[i].labels[0] == panels[0].labels[0]
          && panels[i].colors[0] == panels[0].colors[0])
        plot->hide_legend = TRUE;
    }
  /* every panel has the same left margin, so their data areas are as wide and their step axes
   * get the same ticks; in a column, their y axes line up */
  for (guint i = 0; i < n; i++)
    left = MAX (left, grok_plot_left_margin (cr, &prepared[i].plot, style, height / rows));
  for (guint i = 0; i < n; i++)
    prepared[i].plot.min_left = left;
  for (guint i = 0; i < n; i++)
    {
      double w = width / cols, h = height / rows;
      GrokPlotGeometry g;
      grok_plot_draw (cr, (i % cols) * w, (i / cols) * h, w, h, &prepared[i].plot, style, &g);
      if (panels_out != NULL && i < max_panels)
        panels_out[i] = g;
      grok_panel_clear (&prepared[i]);
    }
  return n;
}

guint
grok_figure_curves_draw (cairo_t *cr, double width, double height, const GrokMetrics *metrics,
                         const GrokCurvesOptions *options, const GrokFigureStyle *style,
                         GrokPlotGeometry *panels_out, guint max_panels)
{
  const GrokMetrics *runs[1] = { metrics };

  g_return_val_if_fail (metrics != NULL, 0);
  return grok_figure_curves_draw_runs (cr, width, height, runs, 1, options, style,
                                       panels_out, max_panels);
}
