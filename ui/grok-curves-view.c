/* The curves view: the GTK-free curves figure, explored as one: a scroll zooms the step range
 * of every panel around the pointer, a drag pans it, a double-click shows every step again; a
 * right-click chooses the y scale of the panel under the pointer. On top, the hover layer: a
 * line at the step nearest the pointer in every panel and, beside the pointer, the value of
 * every series drawn at that step. */
#include "grok-curves-view.h"
#include "grok-view-common.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "grok-measures.h"

#define MAX_PANELS GROK_CURVES_MAX_PANELS
#define MAX_VALUES (2 * MAX_PANELS)
/* one notch of the wheel narrows or widens the step range by this factor */
#define ZOOM_STEP 1.25

struct _GrokCurvesView
{
  GtkWidget          parent_instance;

  GrokMetrics       *metrics;     /* a reference: immutable, so the pointer names the rows */
  GrokComparison    *comparison;  /* other runs drawn with this one, or NULL */
  GrokCurvesOptions  options;
  char             **chosen;      /* the panels chosen by name (options.panels), or NULL */
  GrokPlotGeometry   panels[MAX_PANELS];
  guint              n_panels;
  GrokPointer        pointer;
  char              *readout;     /* the hover readout's lines, for tests */
  double             hover_step;  /* the step of the row nearest the pointer, or NAN */
  GrokCurvesValue    values[MAX_VALUES];
  guint              n_values;
  GrokPlotGeometry   drag_start;  /* the panel a drag began in, as it was then */
  int                drag_panel;  /* its index, or -1 */
  int                menu_panel;  /* the panel the context menu is for */
  GtkWidget         *menu;        /* the context menu, a child of the view */
  GrokFigureCache    cache;       /* the figure without the hover layer */
  GCancellable      *cancellable; /* of the redraw in flight */
  gboolean           busy, again; /* a redraw runs; another is wanted after it */
  guint              content;     /* bumped whenever what the figure shows changes */
  guint              shown;       /* the content counter of the figure in the cache */
};

G_DEFINE_FINAL_TYPE (GrokCurvesView, grok_curves_view, GTK_TYPE_WIDGET)

/* the panel whose data area holds (x, y), or -1 */
static int
panel_at (GrokCurvesView *self, double x, double y)
{
  for (guint p = 0; p < self->n_panels; p++)
    if (grok_plot_geometry_contains (&self->panels[p], x, y))
      return (int) p;
  return -1;
}

/* the values of every series drawn at the row nearest the step under the pointer */
static void
update_readout (GrokCurvesView *self)
{
  GString *text;
  int p;

  g_clear_pointer (&self->readout, g_free);
  self->n_values = 0;
  self->hover_step = NAN;
  if (!self->pointer.inside || self->metrics == NULL || self->metrics->n_rows == 0 ||
      (p = panel_at (self, self->pointer.x, self->pointer.y)) < 0)
    return;
  self->n_values = grok_figure_curves_values_at (self->metrics, &self->options,
                                                 grok_plot_geometry_px_to_x (&self->panels[p],
                                                                             self->pointer.x),
                                                 &self->hover_step, self->values, MAX_VALUES);
  if (self->n_values == 0)
    return;
  text = g_string_new (NULL);
  g_string_append_printf (text, "step %.0f", self->hover_step);
  for (guint i = 0; i < self->n_values; i++)
    {
      const GrokCurvesValue *v = &self->values[i];
      g_string_append_printf (text, "\n%s%s%s  %.4g", v->panel, v->label ? " " : "",
                              v->label ? v->label : "", v->value);
      if (!isnan (v->smoothed))
        g_string_append_printf (text, "  (smoothed %.4g)", v->smoothed);
      if (v->step != self->hover_step)
        g_string_append_printf (text, "  at step %.0f", v->step);
    }
  self->readout = g_string_free (text, FALSE);
}

/* the readout's box beside the pointer (on its left where the right has no room), a swatch of
 * each series' colour before its line */
static void
draw_tooltip (GrokCurvesView *self, cairo_t *cr, const GrokFigureStyle *style, int width,
              int height)
{
  g_auto (GStrv) lines = g_strsplit (self->readout, "\n", -1);
  double pad = 6, swatch = 10, line_h, text_w = 0, box_w, box_h, x, y;
  guint n = g_strv_length (lines);
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  line_h = grok_figure_text_height (cr) * 1.7;
  for (guint i = 0; i < n; i++)
    text_w = MAX (text_w, grok_figure_text_width (cr, lines[i]));
  box_w = pad + swatch + pad + text_w + pad;
  box_h = n * line_h + pad;
  x = self->pointer.x + 16;
  if (x + box_w > width - 2)
    x = self->pointer.x - 16 - box_w;
  x = MAX (x, 2);
  y = CLAMP (self->pointer.y + 12, 2, MAX (2, height - box_h - 2));
  cairo_rectangle (cr, x + 0.5, y + 0.5, box_w, box_h);
  grok_figure_set_color (cr, (GrokRgba) { palette.background.r, palette.background.g,
                                          palette.background.b, 0.94 });
  cairo_fill_preserve (cr);
  grok_figure_set_color (cr, palette.muted);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      double cy = y + pad / 2 + (i + 0.5) * line_h;
      if (i > 0)
        {
          cairo_rectangle (cr, x + pad, cy - swatch / 2 + 1, swatch, swatch - 2);
          grok_figure_set_color (cr, grok_figure_style_series_color (style,
                                                                     self->values[i - 1].color));
          cairo_fill (cr);
        }
      grok_figure_set_color (cr, palette.foreground);
      if (i == 0)
        grok_figure_set_font (cr, style, style->font_size, TRUE);
      grok_figure_text (cr, lines[i], x + pad + swatch + pad, cy, 0, 0.5, 0);
      if (i == 0)
        grok_figure_set_font (cr, style, style->font_size, FALSE);
    }
}

/* the hover layer: a line at the hovered step in every panel, and the values beside the
 * pointer */
static void
draw_readout (GrokCurvesView *self, cairo_t *cr, const GrokFigureStyle *style, int width,
              int height)
{
  GrokPalette palette;

  if (self->readout == NULL)
    return;
  grok_figure_style_palette (style, &palette);
  for (guint p = 0; p < self->n_panels; p++)
    {
      const GrokPlotGeometry *g = &self->panels[p];
      double px = round (grok_plot_geometry_x_to_px (g, self->hover_step)) + 0.5;
      if (!(px >= g->left && px <= g->left + g->width))
        continue;
      cairo_move_to (cr, px, g->top);
      cairo_line_to (cr, px, g->top + g->height);
    }
  grok_figure_set_color (cr, palette.muted);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  draw_tooltip (self, cr, style, width, height);
}

/* everything a drawing of the figure reads, owned, so that it can be drawn on another thread */
typedef struct
{
  GrokMetrics      *metrics;
  GrokComparison   *comparison; /* or NULL; the options point to it */
  char            **chosen;     /* a copy of the view's, which the options point to */
  GrokCurvesOptions options;
  GrokFigureStyle   style;
  gboolean          dark;
  int               width, height, scale;
  GrokPlotGeometry  panels[MAX_PANELS];
  guint             n_panels;
  guint             content;    /* the view's content counter when this was asked for */
} Drawing;

static void
drawing_free (Drawing *d)
{
  grok_metrics_unref (d->metrics);
  g_clear_pointer (&d->comparison, grok_comparison_unref);
  g_strfreev (d->chosen);
  g_free (d);
}

static Drawing *
drawing_new (GrokCurvesView *self)
{
  Drawing *d = g_new0 (Drawing, 1);
  GtkWidget *widget = GTK_WIDGET (self);

  d->metrics = grok_metrics_ref (self->metrics);
  if (self->comparison != NULL)
    d->comparison = grok_comparison_ref (self->comparison);
  /* the measure panels come from the measures table, which lives as long as the program */
  d->options = self->options;
  d->options.comparison = d->comparison;
  d->chosen = g_strdupv (self->chosen);
  d->options.panels = (const char * const *) d->chosen;
  d->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  grok_screen_style_init (&d->style);
  d->width = gtk_widget_get_width (widget);
  d->height = gtk_widget_get_height (widget);
  d->scale = gtk_widget_get_scale_factor (widget);
  d->content = self->content;
  return d;
}

/* the figure itself, cached: data, options and size change it, the pointer does not */
static void
draw_figure (cairo_t *cr, double w, double h, gpointer data)
{
  Drawing *d = data;

  d->n_panels = grok_figure_curves_draw (cr, w, h, d->metrics, &d->options, &d->style, d->panels,
                                         MAX_PANELS);
}

/* the drawing's figure becomes the one shown, with its panels for the readout */
static void
take_drawing (GrokCurvesView *self, Drawing *d, cairo_surface_t *surface)
{
  grok_figure_cache_take (&self->cache, surface, d->width, d->height, d->scale, d->dark);
  self->shown = d->content;
  memcpy (self->panels, d->panels, sizeof self->panels);
  self->n_panels = d->n_panels;
}

static void
redraw_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Drawing *d = data;

  g_task_return_pointer (task, grok_figure_cache_render (d->width, d->height, d->scale,
                                                         draw_figure, d),
                         (GDestroyNotify) cairo_surface_destroy);
}

static void start_redraw (GrokCurvesView *self);

static void
on_redrawn (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (source);
  Drawing *d = g_task_get_task_data (G_TASK (result));
  cairo_surface_t *surface = g_task_propagate_pointer (G_TASK (result), NULL);

  self->busy = FALSE;
  if (surface == NULL)
    return;
  /* shown when newer than the figure in the cache and drawn for the widget's present size and
   * style. A drawing older than the newest rows is still shown, so that a fast run cannot
   * starve the view; the newest content is then drawn next. */
  if (d->content > self->shown &&
      grok_figure_suits_widget (GTK_WIDGET (self), d->width, d->height, d->scale, d->dark))
    take_drawing (self, d, surface);
  else
    cairo_surface_destroy (surface);
  if (self->content > self->shown)
    self->again = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->again)
    start_redraw (self);
}

/* New rows while a figure is shown: it is redrawn on a worker thread and replaces the shown
 * one when done, so a frame never waits for the plot's lines and text. One redraw at a time; a
 * request made meanwhile is done right after it, with the newest rows. */
static void
start_redraw (GrokCurvesView *self)
{
  g_autoptr (GTask) task = NULL;

  self->again = FALSE;
  if (self->busy)
    {
      self->again = TRUE;
      return;
    }
  if (self->metrics == NULL)
    return;
  /* not laid out: the next frame draws it */
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || gtk_widget_get_height (GTK_WIDGET (self)) <= 0)
    {
      grok_figure_cache_invalidate (&self->cache);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_redrawn, NULL);
  g_task_set_task_data (task, drawing_new (self), (GDestroyNotify) drawing_free);
  g_task_set_name (task, "[grokscope] curves");
  self->busy = TRUE;
  g_task_run_in_thread (task, redraw_thread);
}

static void
grok_curves_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GrokFigureStyle style;
  cairo_t *cr;

  if (self->metrics == NULL || w <= 0 || h <= 0)
    return;
  /* the first figure of new rows comes from the worker, drawn when done */
  if (self->cache.texture == NULL && self->busy)
    return;
  /* a new size or style: drawn now, in this frame */
  if (!grok_figure_cache_fits (&self->cache, widget))
    {
      Drawing *d = drawing_new (self);
      take_drawing (self, d, grok_figure_cache_render (w, h, d->scale, draw_figure, d));
      drawing_free (d);
    }
  grok_figure_cache_append (&self->cache, widget, snapshot);
  update_readout (self);
  if (self->readout == NULL)
    return;
  grok_screen_style_init (&style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  draw_readout (self, cr, &style, w, h);
  cairo_destroy (cr);
}

/* a live run's snapshots share one table until a row comes: the same pointer needs no figure */
void
grok_curves_view_set_metrics (GrokCurvesView *self, const GrokMetrics *metrics)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  if (metrics == self->metrics)
    return;
  g_clear_pointer (&self->metrics, grok_metrics_unref);
  if (metrics != NULL)
    self->metrics = grok_metrics_ref (metrics);
  self->content++;
  /* the figure of a new run too is drawn on the worker: a frame never waits for it */
  if (metrics != NULL && (self->cache.texture == NULL ||
                          grok_figure_cache_fits (&self->cache, GTK_WIDGET (self))))
    start_redraw (self);
  else
    {
      grok_figure_cache_invalidate (&self->cache);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
grok_curves_view_set_comparison (GrokCurvesView *self, GrokComparison *comparison,
                                 gboolean grouped, double until)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  if (comparison == self->comparison && grouped == self->options.compare_grouped
      && (until == self->options.compare_until
          || (isnan (until) && isnan (self->options.compare_until))))
    return;
  if (comparison != self->comparison)
    {
      g_clear_pointer (&self->comparison, grok_comparison_unref);
      self->comparison = comparison != NULL ? grok_comparison_ref (comparison) : NULL;
    }
  /* the export draws from these options, so it draws the comparison too */
  self->options.comparison = self->comparison;
  self->options.compare_grouped = grouped;
  self->options.compare_until = until;
  self->content++;
  grok_figure_cache_invalidate (&self->cache);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GrokComparison *
grok_curves_view_get_comparison (GrokCurvesView *self)
{
  g_return_val_if_fail (GROK_IS_CURVES_VIEW (self), NULL);
  return self->comparison;
}

GrokCurvesOptions *
grok_curves_view_get_options (GrokCurvesView *self)
{
  g_return_val_if_fail (GROK_IS_CURVES_VIEW (self), NULL);
  return &self->options;
}

void
grok_curves_view_options_changed (GrokCurvesView *self)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  self->content++;
  grok_figure_cache_invalidate (&self->cache);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
grok_curves_view_set_show_measures (GrokCurvesView *self, gboolean show)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  if (show == self->options.show_measures)
    return;
  /* the panels themselves come from the measures table, in the figure */
  self->options.show_measures = show;
  grok_curves_view_options_changed (self);
}

static gboolean
is_series_column (const char *name)
{
  static const char * const drawn[] = { "step", "epoch", "train_loss", "test_loss", "train_acc",
                                        "test_acc", NULL };
  return g_strv_contains (drawn, name);
}

GPtrArray *
grok_curves_panel_choices (const GrokMetrics *metrics)
{
  GPtrArray *names = g_ptr_array_new ();

  g_ptr_array_add (names, (gpointer) "loss");
  g_ptr_array_add (names, (gpointer) "accuracy");
  if (metrics == NULL)
    return names;
  for (guint m = 0; m < GROK_N_MEASURES; m++)
    for (const char * const *c = grok_measure_kind (m)->panels; *c != NULL; c++)
      if (grok_metrics_column_index (metrics, *c) >= 0)
        g_ptr_array_add (names, (gpointer) *c);
  if (grok_metrics_column_index (metrics, "l2_norm") >= 0)
    g_ptr_array_add (names, (gpointer) "l2_norm");
  for (guint c = 0; c < metrics->columns->len; c++)
    {
      const char *name = metrics->columns->pdata[c];
      gboolean listed = FALSE;
      for (guint i = 0; i < names->len && !listed; i++)
        listed = g_str_equal (names->pdata[i], name);
      if (!listed && !is_series_column (name))
        g_ptr_array_add (names, metrics->columns->pdata[c]);
    }
  return names;
}

const char *
grok_curves_panel_title (const char *name)
{
  if (g_str_equal (name, "loss"))
    return "Loss";
  if (g_str_equal (name, "accuracy"))
    return "Accuracy";
  return grok_column_title (name);
}

char **
grok_curves_shown_panels (const GrokMetrics *metrics, const GrokCurvesOptions *options)
{
  GrokCurvesPanel panels[MAX_PANELS];
  guint n = grok_figure_curves_panels (metrics, options, panels, MAX_PANELS);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  for (guint p = 0; p < n; p++)
    g_strv_builder_add (builder, g_str_equal (panels[p].title, "Loss") ? "loss"
                                 : g_str_equal (panels[p].title, "Accuracy") ? "accuracy"
                                 : panels[p].columns[0]);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

char **
grok_curves_view_dup_shown_panels (GrokCurvesView *self)
{
  g_return_val_if_fail (GROK_IS_CURVES_VIEW (self), NULL);
  return grok_curves_shown_panels (self->metrics, &self->options);
}

void
grok_curves_view_set_panels (GrokCurvesView *self, const char * const *panels)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  if (panels == NULL && self->chosen == NULL)
    return;
  if (panels != NULL && self->chosen != NULL &&
      g_strv_equal ((const char * const *) self->chosen, panels))
    return;
  g_strfreev (self->chosen);
  self->chosen = g_strdupv ((char **) panels);
  self->options.panels = (const char * const *) self->chosen;
  grok_curves_view_options_changed (self);
}

const char *
grok_curves_view_get_readout (GrokCurvesView *self)
{
  g_return_val_if_fail (GROK_IS_CURVES_VIEW (self), NULL);
  return self->readout;
}

gboolean
grok_curves_view_is_drawing (GrokCurvesView *self)
{
  g_return_val_if_fail (GROK_IS_CURVES_VIEW (self), FALSE);
  return self->busy || self->again || (self->cache.texture != NULL && self->content > self->shown);
}

/* a change of what the view shows (zoom, cursor, smoothing, a y scale): drawn on the worker
 * like new rows, the figure shown meanwhile staying until the new one is done */
static void
view_state_changed (GrokCurvesView *self)
{
  self->content++;
  if (self->metrics != NULL && self->cache.texture != NULL &&
      grok_figure_cache_fits (&self->cache, GTK_WIDGET (self)))
    start_redraw (self);
  else
    {
      grok_figure_cache_invalidate (&self->cache);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* the first and last step of the rows drawn (of every run compared), FALSE without rows */
static gboolean
run_range (GrokCurvesView *self, double *lo, double *hi)
{
  const char *x_column = self->options.x_column ? self->options.x_column : "step";
  guint n_runs = self->comparison ? grok_comparison_n_runs (self->comparison) : 1;

  *lo = INFINITY, *hi = -INFINITY;
  for (guint k = 0; self->metrics != NULL && k < n_runs; k++)
    {
      const GrokMetrics *m = k == 0 ? self->metrics : grok_comparison_run_metrics (self->comparison, k);
      int xc = grok_metrics_column_index (m, x_column);
      if (xc < 0 || m->n_rows == 0)
        continue;
      *lo = MIN (*lo, grok_metrics_get (m, 0, (guint) xc));
      *hi = MAX (*hi, grok_metrics_get (m, m->n_rows - 1, (guint) xc));
    }
  return *lo <= *hi;
}

void
grok_curves_view_set_step_range (GrokCurvesView *self, double from, double to)
{
  double lo, hi;

  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  /* an end at or past the run's own is the run's: a zoomed-out view follows new rows again */
  if (run_range (self, &lo, &hi))
    {
      if (from <= lo)
        from = NAN;
      if (to >= hi)
        to = NAN;
    }
  if (!isnan (from) && !isnan (to) && !(to > from))
    return;
  if ((from == self->options.step_from || (isnan (from) && isnan (self->options.step_from))) &&
      (to == self->options.step_to || (isnan (to) && isnan (self->options.step_to))))
    return;
  self->options.step_from = from;
  self->options.step_to = to;
  view_state_changed (self);
}

void
grok_curves_view_get_step_range (GrokCurvesView *self, double *from, double *to)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  *from = self->options.step_from;
  *to = self->options.step_to;
}

/* the steps at fractions f0 and f1 of a panel's step axis become the range shown. A zoom that
 * reaches a run's end is pinned there. */
static void
show_fractions (GrokCurvesView *self, const GrokPlotGeometry *g, double f0, double f1,
                gboolean pan)
{
  double from = grok_plot_geometry_px_to_x (g, g->left + f0 * g->width);
  double to = grok_plot_geometry_px_to_x (g, g->left + f1 * g->width);
  double lo, hi;

  if (!run_range (self, &lo, &hi))
    return;
  /* a few steps at least, so a zoom cannot collapse to nothing */
  if (!(to - from >= 2) || !isfinite (from) || !isfinite (to))
    return;
  /* a pan reaching an end shows the run from that end, the other end staying where it was */
  if (pan && from <= lo)
    to = self->options.step_to;
  else if (pan && to >= hi)
    from = self->options.step_from;
  grok_curves_view_set_step_range (self, from, to);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, GrokCurvesView *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  int p = panel_at (self, self->pointer.x, self->pointer.y);
  const GrokPlotGeometry *g;
  double f;

  if (p < 0)
    return FALSE;
  g = &self->panels[p];
  f = (self->pointer.x - g->left) / g->width;
  if ((mods & GDK_SHIFT_MASK) && dx == 0)
    dx = dy, dy = 0;
  if (dx != 0)
    /* a horizontal scroll pans by a tenth of the axis a notch */
    show_fractions (self, g, 0.1 * dx, 1 + 0.1 * dx, TRUE);
  else if (dy != 0)
    {
      /* the step under the pointer stays where it is */
      double k = pow (ZOOM_STEP, dy);
      show_fractions (self, g, f - f * k, f + (1 - f) * k, FALSE);
    }
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, GrokCurvesView *self)
{
  self->drag_panel = panel_at (self, x, y);
  if (self->drag_panel < 0)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
  else
    self->drag_start = self->panels[self->drag_panel];
}

/* a drag moves the steps with the pointer: the axis as it was when the drag began, shifted */
static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, GrokCurvesView *self)
{
  double f = -dx / self->drag_start.width;

  if (self->drag_panel < 0 || fabs (dx) < 2)
    return;
  show_fractions (self, &self->drag_start, f, 1 + f, TRUE);
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, GrokCurvesView *self)
{
  if (n_press == 2 && panel_at (self, x, y) >= 0)
    grok_curves_view_set_step_range (self, NAN, NAN);
}

/* the y scale of the panel the context menu was opened on, the other way round */
static void
toggle_y_scale (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (widget);
  GrokCurvesPanel panels[MAX_PANELS];
  guint n = self->metrics ? grok_figure_curves_panels (self->metrics, &self->options, panels,
                                                       MAX_PANELS) : 0;

  if (self->menu_panel < 0 || self->menu_panel >= (int) MIN (n, self->n_panels))
    return;
  grok_curves_view_set_y_log (self, panels[self->menu_panel].title,
                              !self->panels[self->menu_panel].y_log);
}

static void
reset_zoom (GtkWidget *widget, const char *action, GVariant *param)
{
  grok_curves_view_set_step_range (GROK_CURVES_VIEW (widget), NAN, NAN);
}

/* a right-click opens the menu for the panel under the pointer */
static void
on_context (GtkGestureClick *gesture, int n_press, double x, double y, GrokCurvesView *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autofree char *label = NULL;
  GrokCurvesPanel panels[MAX_PANELS];
  guint n;

  self->menu_panel = panel_at (self, x, y);
  n = self->metrics ? grok_figure_curves_panels (self->metrics, &self->options, panels, MAX_PANELS) : 0;
  if (self->menu_panel < 0 || self->menu_panel >= (int) MIN (n, self->n_panels))
    return;
  label = g_strdup_printf (self->panels[self->menu_panel].y_log ? "%s: Linear y Axis"
                                                                : "%s: Logarithmic y Axis",
                           panels[self->menu_panel].title);
  g_menu_append (menu, label, "curves.toggle-y-scale");
  g_menu_append (menu, "Show All Steps", "curves.reset-zoom");
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

void
grok_curves_view_set_y_log (GrokCurvesView *self, const char *panel, gboolean log)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  grok_curves_options_set_y_log (&self->options, panel, log);
  view_state_changed (self);
}

void
grok_curves_view_set_smoothing (GrokCurvesView *self, double smoothing)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  g_return_if_fail (smoothing >= 0 && smoothing < 1);
  if (smoothing == self->options.smoothing)
    return;
  self->options.smoothing = smoothing;
  view_state_changed (self);
}

void
grok_curves_view_set_cursor (GrokCurvesView *self, gboolean show, double step)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  if (show == self->options.show_cursor && (!show || step == self->options.cursor_step))
    return;
  self->options.show_cursor = show;
  self->options.cursor_step = show ? step : NAN;
  view_state_changed (self);
}

guint
grok_curves_view_get_panels (GrokCurvesView *self, const GrokPlotGeometry **panels)
{
  g_return_val_if_fail (GROK_IS_CURVES_VIEW (self), 0);
  *panels = self->panels;
  return self->n_panels;
}

static void
grok_curves_view_dispose (GObject *object)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (grok_curves_view_parent_class)->dispose (object);
}

static void
grok_curves_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
grok_curves_view_finalize (GObject *object)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->comparison, grok_comparison_unref);
  g_clear_pointer (&self->metrics, grok_metrics_unref);
  grok_figure_cache_invalidate (&self->cache);
  g_free (self->readout);
  g_strfreev (self->chosen);
  G_OBJECT_CLASS (grok_curves_view_parent_class)->finalize (object);
}

static void
grok_curves_view_class_init (GrokCurvesViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = grok_curves_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = grok_curves_view_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = grok_curves_view_snapshot;
  GTK_WIDGET_CLASS (klass)->size_allocate = grok_curves_view_size_allocate;
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "curves.toggle-y-scale", NULL,
                                   toggle_y_scale);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "curves.reset-zoom", NULL,
                                   reset_zoom);
}

static void
grok_curves_view_init (GrokCurvesView *self)
{
  GtkEventController *scroll;
  GtkGesture *drag, *click, *context;

  grok_curves_options_init (&self->options);
  self->options.log_x = TRUE;
  self->hover_step = NAN;
  self->drag_panel = self->menu_panel = -1;
  grok_pointer_track (GTK_WIDGET (self), &self->pointer);
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  context = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
  g_signal_connect (context, "pressed", G_CALLBACK (on_context), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (context));
  self->menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
grok_curves_view_new (void)
{
  return g_object_new (GROK_TYPE_CURVES_VIEW, NULL);
}
