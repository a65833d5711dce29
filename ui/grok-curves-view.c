/* The curves view: the GTK-free curves figure plus a hover readout. */
#include "grok-curves-view.h"
#include "grok-view-common.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#define MAX_PANELS 8

struct _GrokCurvesView
{
  GtkWidget          parent_instance;

  GrokMetrics       *metrics;     /* a reference: immutable, so the pointer names the rows */
  GPtrArray         *others;      /* GrokMetrics, references */
  GrokCurvesOptions  options;
  GrokPlotGeometry   panels[MAX_PANELS];
  guint              n_panels;
  GrokPointer        pointer;
  char              *readout;
  GrokFigureCache    cache;       /* the figure without the hover layer */
  GCancellable      *cancellable; /* of the redraw in flight */
  gboolean           busy, again; /* a redraw runs; another is wanted after it */
  guint              content;     /* bumped whenever what the figure shows changes */
  guint              shown;       /* the content counter of the figure in the cache */
};

G_DEFINE_FINAL_TYPE (GrokCurvesView, grok_curves_view, GTK_TYPE_WIDGET)

/* the row whose step is nearest the pointer's x in the panel under the pointer */
static void
update_readout (GrokCurvesView *self)
{
  const GrokMetrics *m = self->metrics;
  int step_col, best = -1;
  double x, best_d = INFINITY;
  GString *text;

  g_clear_pointer (&self->readout, g_free);
  if (!self->pointer.inside || m == NULL || m->n_rows == 0)
    return;
  for (guint p = 0; p < self->n_panels; p++)
    if (grok_plot_geometry_contains (&self->panels[p], self->pointer.x, self->pointer.y))
      {
        x = grok_plot_geometry_px_to_x (&self->panels[p], self->pointer.x);
        step_col = grok_metrics_column_index (m, "step");
        for (guint r = 0; r < m->n_rows; r++)
          {
            double d = fabs (grok_metrics_get (m, r, step_col) - x);
            if (d < best_d)
              best_d = d, best = r;
          }
      }
  if (best < 0)
    return;
  text = g_string_new (NULL);
  for (guint c = 0; c < grok_metrics_n_columns (m); c++)
    {
      const char *name = m->columns->pdata[c];
      double v = grok_metrics_get (m, best, c);
      if (g_str_equal (name, "wall_seconds") || g_str_equal (name, "epoch") || isnan (v))
        continue;
      g_string_append_printf (text, "%s%s %.4g", text->len ? "   " : "", name, v);
    }
  self->readout = g_string_free (text, FALSE);
}

/* the readout at the top left, and a line at the step under the pointer */
static void
draw_readout (GrokCurvesView *self, cairo_t *cr, const GrokFigureStyle *style, int width)
{
  GrokPalette palette;

  if (self->readout == NULL)
    return;
  grok_readout_draw (cr, style, self->readout, 4, 4, width);
  grok_figure_style_palette (style, &palette);
  cairo_move_to (cr, self->pointer.x + 0.5, 0);
  cairo_line_to (cr, self->pointer.x + 0.5, gtk_widget_get_height (GTK_WIDGET (self)));
  grok_figure_set_color (cr, palette.muted);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* everything a drawing of the figure reads, owned, so that it can be drawn on another thread */
typedef struct
{
  GrokMetrics      *metrics;
  GPtrArray        *others;     /* GrokMetrics, or NULL */
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
  g_clear_pointer (&d->others, g_ptr_array_unref);
  g_free (d);
}

static Drawing *
drawing_new (GrokCurvesView *self)
{
  Drawing *d = g_new0 (Drawing, 1);
  GtkWidget *widget = GTK_WIDGET (self);

  d->metrics = grok_metrics_ref (self->metrics);
  if (self->others != NULL)
    d->others = g_ptr_array_ref (self->others);
  /* the measure panels come from the measures table, which lives as long as the program */
  d->options = self->options;
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

  if (d->others != NULL && d->others->len > 0)
    {
      g_autoptr (GPtrArray) runs = g_ptr_array_new ();
      g_ptr_array_add (runs, d->metrics);
      for (guint i = 0; i < d->others->len; i++)
        g_ptr_array_add (runs, d->others->pdata[i]);
      d->n_panels = grok_figure_curves_draw_runs (cr, w, h, (const GrokMetrics * const *) runs->pdata,
                                                  runs->len, &d->options, &d->style, d->panels,
                                                  MAX_PANELS);
    }
  else
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
  draw_readout (self, cr, &style, w);
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
grok_curves_view_set_others (GrokCurvesView *self, GPtrArray *others)
{
  g_return_if_fail (GROK_IS_CURVES_VIEW (self));
  g_clear_pointer (&self->others, g_ptr_array_unref);
  if (others != NULL && others->len > 0)
    {
      self->others = g_ptr_array_new_with_free_func ((GDestroyNotify) grok_metrics_unref);
      for (guint i = 0; i < others->len; i++)
        g_ptr_array_add (self->others, grok_metrics_ref (others->pdata[i]));
    }
  self->content++;
  grok_figure_cache_invalidate (&self->cache);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

static void
grok_curves_view_finalize (GObject *object)
{
  GrokCurvesView *self = GROK_CURVES_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->others, g_ptr_array_unref);
  g_clear_pointer (&self->metrics, grok_metrics_unref);
  grok_figure_cache_invalidate (&self->cache);
  g_free (self->readout);
  G_OBJECT_CLASS (grok_curves_view_parent_class)->finalize (object);
}

static void
grok_curves_view_class_init (GrokCurvesViewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grok_curves_view_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = grok_curves_view_snapshot;
}

static void
grok_curves_view_init (GrokCurvesView *self)
{
  grok_curves_options_init (&self->options);
  self->options.log_x = TRUE;
  grok_pointer_track (GTK_WIDGET (self), &self->pointer);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
grok_curves_view_new (void)
{
  return g_object_new (GROK_TYPE_CURVES_VIEW, NULL);
}
