/* Computed views: requests go to a GTask thread; the newest finished result is drawn. */
#include "grok-computed-view.h"
#include "grok-run-views.h"
#include "grok-view-common.h"

#include <adwaita.h>
#include <math.h>

struct _GrokComputedView
{
  GtkWidget        parent_instance;

  GrokView         view;
  GrokViewRecipe   recipe;           /* the screen's, with the window zoomed and panned */
  char            *run_dir;          /* where stored views are looked for, or NULL */
  GrokRunDir      *folder;           /* run_dir opened once, while no request holds it */
  GrokConfig      *config;
  GrokParams      *params;
  gint64           step;
  GrokParams      *reference;
  gint64           reference_step;
  GrokViewData    *data;             /* what is drawn */
  char            *message;
  char            *status;           /* the computing status, while nothing else is drawn */
  GCancellable    *cancellable;      /* of the request in flight */
  gboolean         busy, again;      /* a request runs; another is wanted after it */
  GrokPlotGeometry geometry;
  double           drag_x0, drag_y0;
};

G_DEFINE_FINAL_TYPE (GrokComputedView, grok_computed_view, GTK_TYPE_WIDGET)

typedef struct
{
  GrokView       view;
  GrokViewRecipe recipe;
  char          *run_dir;
  GrokRunDir    *folder;     /* run_dir's, held by the request; opened by it when NULL */
  GrokConfig    *config;
  GrokParams    *params;
  gint64         step;
  GrokParams    *reference;
  gint64         reference_step;
} Request;

static void
request_free (Request *r)
{
  g_free (r->run_dir);
  g_clear_pointer (&r->folder, grok_run_dir_close);
  grok_config_unref (r->config);
  grok_params_unref (r->params);
  grok_params_unref (r->reference);
  g_free (r);
}

/* the run folder of the request, opened the first time (held afterwards); NULL when it cannot
 * be opened (computing then, as without one) */
static GrokRunDir *
request_folder (Request *r)
{
  g_autoptr (GError) error = NULL;

  if (r->folder != NULL || r->run_dir == NULL)
    return r->folder;
  r->folder = grok_run_dir_open (r->run_dir, &error);
  if (r->folder == NULL)
    g_debug ("%s; computing the view without the run's folder", error->message);
  return r->folder;
}

/* the same data the export and grokscope-cli figure draw; a damaged file only means computing
 * (the window reports damage when it opens a folder) */
static void
compute (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Request *r = task_data;
  GError *error = NULL;
  GrokRunDir *dir = request_folder (r);
  g_auto (GrokViewInput) input = { 0 };
  GrokViewData *data;
  guint known = 0;

  grok_config_view_input_init (&input, r->config, r->params, r->step);
  if (dir != NULL)
    {
      known = g_strv_length ((char **) grok_run_dir_get_problems (dir));
      grok_run_dir_fill_view_input (dir, r->view, &r->recipe, &input);
    }
  else if (r->reference != NULL)
    grok_view_input_add_earlier (&input, r->reference_step, r->reference, NULL);
  data = grok_view_data_new (r->view, &input, &r->recipe, &error);
  for (const char * const *p = dir ? grok_run_dir_get_problems (dir) + known : NULL; p && *p; p++)
    g_debug ("%s", *p);
  if (data == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data, (GDestroyNotify) grok_view_data_unref);
}

static void start_request (GrokComputedView *self);

static void
on_computed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GrokComputedView *self = GROK_COMPUTED_VIEW (source);
  Request *r = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  GrokViewData *done = g_task_propagate_pointer (G_TASK (result), &error);

  self->busy = FALSE;
  /* the folder comes back to be used by the next request, unless another run is shown now */
  if (self->folder == NULL && g_strcmp0 (r->run_dir, self->run_dir) == 0)
    self->folder = g_steal_pointer (&r->folder);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->data, grok_view_data_unref);
  if (done != NULL)
    self->data = done;
  else
    self->message = g_strdup (error->message);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->again)
    start_request (self);
}

/* one computation at a time: a request made while one runs is done right after it, with the
 * newest weights, so a fast run never queues up work */
static void
start_request (GrokComputedView *self)
{
  g_autoptr (GTask) task = NULL;
  Request *r;

  self->again = FALSE;
  if (self->config == NULL || self->params == NULL)
    return;
  if (self->busy)
    {
      self->again = TRUE;
      return;
    }
  r = g_new0 (Request, 1);
  r->view = self->view;
  r->recipe = self->recipe;
  r->run_dir = g_strdup (self->run_dir);
  r->folder = g_steal_pointer (&self->folder);
  r->config = grok_config_ref (self->config);
  r->params = grok_params_ref (self->params);
  r->step = self->step;
  r->reference = self->reference ? grok_params_ref (self->reference) : NULL;
  r->reference_step = self->reference_step;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_computed, NULL);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  g_task_set_name (task, "[grokscope] computed view");
  self->busy = TRUE;
  /* the status shows while nothing is drawn yet */
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_task_run_in_thread (task, compute);
}

void
grok_computed_view_set_run_dir (GrokComputedView *self, const char *run_dir)
{
  g_return_if_fail (GROK_IS_COMPUTED_VIEW (self));
  if (g_strcmp0 (run_dir, self->run_dir) == 0)
    return;
  g_free (self->run_dir);
  self->run_dir = g_strdup (run_dir);
  g_clear_pointer (&self->folder, grok_run_dir_close);
}

void
grok_computed_view_set_reference (GrokComputedView *self, const GrokParams *params, gint64 step)
{
  g_return_if_fail (GROK_IS_COMPUTED_VIEW (self));
  g_clear_pointer (&self->reference, grok_params_unref);
  if (params != NULL)
    self->reference = grok_params_ref (params);
  self->reference_step = step;
}

void
grok_computed_view_set_params (GrokComputedView *self, const GrokConfig *config,
                              const GrokParams *params, gint64 step)
{
  g_return_if_fail (GROK_IS_COMPUTED_VIEW (self));
  self->step = step;
  g_clear_pointer (&self->config, grok_config_unref);
  g_clear_pointer (&self->params, grok_params_unref);
  if (config != NULL && params != NULL)
    {
      self->config = grok_config_ref (config);
      self->params = grok_params_ref (params);
      start_request (self);
    }
  else
    {
      g_clear_pointer (&self->data, grok_view_data_unref);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

int
grok_computed_view_get_count (GrokComputedView *self)
{
  const GrokViewRegions *r;

  if (self->data == NULL)
    return -1;
  if (self->data->connectivity != NULL)
    return grok_connectivity_data_points (self->data->connectivity);
  if (self->data->spectra != NULL)
    return 1;
  r = self->data->regions->regions;
  return r->exact ? r->exact->n_regions : r->n_patterns;
}

GrokViewData *
grok_computed_view_get_data (GrokComputedView *self)
{
  g_return_val_if_fail (GROK_IS_COMPUTED_VIEW (self), NULL);
  return self->data;
}

const char *
grok_computed_view_get_message (GrokComputedView *self)
{
  return self->message;
}

const char *
grok_computed_view_get_status (GrokComputedView *self)
{
  g_autofree char *step = NULL;

  g_return_val_if_fail (GROK_IS_COMPUTED_VIEW (self), NULL);
  g_clear_pointer (&self->status, g_free);
  if (!self->busy || self->data != NULL || self->message != NULL)
    return NULL;
  step = grok_figure_format_count (self->step);
  self->status = g_strdup_printf ("Computing the %s view at step %s\u2026",
                                  grok_view_kind (self->view)->title, step);
  return self->status;
}

static void
grok_computed_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  GrokComputedView *self = GROK_COMPUTED_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GrokFigureStyle style;
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  grok_screen_style_init (&style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (self->data != NULL)
    grok_figure_view_data_draw (cr, 0, 0, w, h, self->data, &style, &self->geometry);
  else if (self->message != NULL || grok_computed_view_get_status (self) != NULL)
    {
      GrokPalette palette;
      grok_figure_style_palette (&style, &palette);
      grok_figure_set_color (cr, palette.muted);
      grok_figure_set_font (cr, &style, style.font_size * 1.2, FALSE);
      grok_figure_text (cr, self->message ? self->message : self->status, w / 2.0, h / 2.0, 0.5,
                        0.5, 0);
    }
  cairo_destroy (cr);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, GrokComputedView *self)
{
  GrokViewRecipe *r = &self->recipe;
  double cx = (r->x0 + r->x1) / 2, cy = (r->y0 + r->y1) / 2;
  double half = CLAMP ((r->x1 - r->x0) / 2 * exp (0.15 * dy), 1e-4, 1e4);

  if (self->view != GROK_VIEW_REGIONS)
    return FALSE;
  r->x0 = cx - half, r->x1 = cx + half, r->y0 = cy - half, r->y1 = cy + half;
  start_request (self);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, GrokComputedView *self)
{
  self->drag_x0 = self->recipe.x0;
  self->drag_y0 = self->recipe.y0;
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, GrokComputedView *self)
{
  GrokViewRecipe *r = &self->recipe;
  double side = r->x1 - r->x0;
  double per_px = self->geometry.width > 0 ? side / self->geometry.width : 0;

  if (self->view != GROK_VIEW_REGIONS)
    return;
  r->x0 = self->drag_x0 - dx * per_px, r->x1 = r->x0 + side;
  r->y0 = self->drag_y0 + dy * per_px, r->y1 = r->y0 + side;
  start_request (self);
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, GrokComputedView *self)
{
  if (n_press != 2 || self->view != GROK_VIEW_REGIONS)
    return;
  grok_view_recipe_init (&self->recipe);
  start_request (self);
}

static void
grok_computed_view_dispose (GObject *object)
{
  GrokComputedView *self = GROK_COMPUTED_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (grok_computed_view_parent_class)->dispose (object);
}

static void
grok_computed_view_finalize (GObject *object)
{
  GrokComputedView *self = GROK_COMPUTED_VIEW (object);

  g_free (self->run_dir);
  g_clear_pointer (&self->folder, grok_run_dir_close);
  grok_config_unref (self->config);
  grok_params_unref (self->params);
  grok_params_unref (self->reference);
  grok_view_data_unref (self->data);
  g_free (self->message);
  g_free (self->status);
  G_OBJECT_CLASS (grok_computed_view_parent_class)->finalize (object);
}

static void
grok_computed_view_class_init (GrokComputedViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = grok_computed_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = grok_computed_view_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = grok_computed_view_snapshot;
}

static void
grok_computed_view_init (GrokComputedView *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  grok_view_recipe_init (&self->recipe);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
grok_computed_view_new (GrokView view)
{
  GrokComputedView *self = g_object_new (GROK_TYPE_COMPUTED_VIEW, NULL);

  self->view = view;
  if (view == GROK_VIEW_REGIONS)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), "Scroll to zoom, drag to pan, double-click to reset");
  return GTK_WIDGET (self);
}
