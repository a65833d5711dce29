/* Computed views: requests go to a GTask thread; the newest finished result is drawn. */
#include "grok-computed-view.h"
#include "grok-view-common.h"

#include <adwaita.h>
#include <math.h>


/* the window at rest, the pattern map's side and LMN's points: those of the views files a run
 * writes, so that a stored file serves the view as first shown */
#define HOME GROK_VIEWS_HALF
#define RASTER GROK_VIEWS_RASTER
#define CONNECTIVITY_POINTS GROK_VIEWS_CONNECTIVITY_POINTS
/* the spectrum overlays this many stored checkpoints before the step shown */
#define SPECTRUM_EARLIER 4

struct _GrokComputedView
{
  GtkWidget        parent_instance;

  GrokView         view;
  char            *run_dir;          /* where stored views are looked for, or NULL */
  GrokConfig      *config;
  GrokParams      *params;
  gint64           step;
  GrokParams      *reference;
  gint64           reference_step;
  double           cx, cy, half;     /* window centre and half side */
  GrokRegionsData *data;             /* what is drawn: regions */
  GrokConnectivityData *connectivity; /* or connectivity */
  GrokSpectraData *spectra;          /* or the spectrum */
  char            *message;
  GCancellable    *cancellable;      /* of the request in flight */
  gboolean         busy, again;      /* a request runs; another is wanted after it */
  GrokPlotGeometry geometry;
  double           drag_cx, drag_cy;
};

G_DEFINE_FINAL_TYPE (GrokComputedView, grok_computed_view, GTK_TYPE_WIDGET)

typedef struct
{
  GrokView    view;
  char       *run_dir;
  GrokConfig *config;
  GrokParams *params;
  gint64      step;
  GrokParams *reference;
  gint64      reference_step;
  double      x0, y0, x1, y1;
} Request;

typedef struct
{
  GrokRegionsData      *regions;
  GrokConnectivityData *connectivity;
  GrokSpectraData      *spectra;
} Result;

static void
result_free (Result *r)
{
  grok_regions_data_free (r->regions);
  grok_connectivity_data_free (r->connectivity);
  grok_spectra_data_free (r->spectra);
  g_free (r);
}

static void
request_free (Request *r)
{
  g_free (r->run_dir);
  grok_config_free (r->config);
  grok_params_free (r->params);
  grok_params_free (r->reference);
  g_free (r);
}

/* a damaged file only means computing (the window reports damage when it opens a folder) */
static void
log_problems (GrokRunDir *dir)
{
  for (const char * const *p = grok_run_dir_get_problems (dir); *p != NULL; p++)
    g_debug ("%s", *p);
}

/* the run's views file for step when it was computed from params; a damaged file only means
 * computing, as when there is none */
static GrokViews *
stored_views (const Request *r, gint64 step, const GrokParams *params)
{
  g_autoptr (GrokRunDir) dir = NULL;
  GrokViews *views;

  if (r->run_dir == NULL || (dir = grok_run_dir_open (r->run_dir, NULL)) == NULL)
    return NULL;
  views = grok_run_dir_read_views (dir, step, params);
  log_problems (dir);
  return views;
}

/* a run with a folder: its stored checkpoints before the step overlaid (the first and
 * log-spaced ones); without one, the reference (the run's start) and the step */
static GrokSpectraData *
compute_spectra (const Request *r, GError **error)
{
  g_autoptr (GrokSpectraData) spectra = NULL;
  g_autoptr (GrokViews) first = NULL;
  g_autoptr (GrokViews) views = NULL;

  if (r->run_dir != NULL)
    {
      g_autoptr (GrokRunDir) dir = grok_run_dir_open (r->run_dir, error);
      if (dir == NULL)
        return NULL;
      spectra = grok_spectra_data_new_for_run (dir, r->config, r->params, r->step,
                                               SPECTRUM_EARLIER, error);
      log_problems (dir);
      return g_steal_pointer (&spectra);
    }
  spectra = grok_spectra_data_new (NULL, NULL, 0, error);
  views = stored_views (r, r->step, r->params);
  if (r->reference != NULL && r->reference_step != r->step)
    {
      first = stored_views (r, r->reference_step, r->reference);
      if (!grok_spectra_data_append (spectra, r->reference, first, r->reference_step, error))
        return NULL;
    }
  if (!grok_spectra_data_append (spectra, r->params, views, r->step, error))
    return NULL;
  return g_steal_pointer (&spectra);
}

static void
compute (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Request *r = task_data;
  GError *error = NULL;
  Result *result = g_new0 (Result, 1);
  g_autoptr (GrokViews) views = NULL;

  if (r->view == GROK_VIEW_REGIONS)
    {
      views = stored_views (r, r->step, r->params);
      result->regions = grok_regions_data_new_from_views (r->config, views, r->x0, r->y0, r->x1,
                                                          r->y1, RASTER);
      if (result->regions == NULL)
        result->regions = grok_regions_data_new (r->config, r->params, r->x0, r->y0, r->x1,
                                                 r->y1, RASTER, &error);
    }
  else if (r->view == GROK_VIEW_CONNECTIVITY)
    {
      views = stored_views (r, r->step, r->params);
      result->connectivity = grok_connectivity_data_new_from_views (views, CONNECTIVITY_POINTS);
      if (result->connectivity == NULL)
        result->connectivity = grok_connectivity_data_new (r->config, r->params,
                                                           CONNECTIVITY_POINTS, &error);
    }
  else
    result->spectra = compute_spectra (r, &error);
  if (error != NULL)
    {
      result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, (GDestroyNotify) result_free);
}

static void start_request (GrokComputedView *self);

static void
on_computed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GrokComputedView *self = GROK_COMPUTED_VIEW (source);
  g_autoptr (GError) error = NULL;
  Result *done = g_task_propagate_pointer (G_TASK (result), &error);

  self->busy = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->data, grok_regions_data_free);
  g_clear_pointer (&self->connectivity, grok_connectivity_data_free);
  g_clear_pointer (&self->spectra, grok_spectra_data_free);
  if (done != NULL)
    {
      self->data = g_steal_pointer (&done->regions);
      self->connectivity = g_steal_pointer (&done->connectivity);
      self->spectra = g_steal_pointer (&done->spectra);
      result_free (done);
    }
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
  r->run_dir = g_strdup (self->run_dir);
  r->config = grok_config_ref (self->config);
  r->params = grok_params_ref (self->params);
  r->step = self->step;
  r->reference = self->reference ? grok_params_ref (self->reference) : NULL;
  r->reference_step = self->reference_step;
  r->x0 = self->cx - self->half;
  r->x1 = self->cx + self->half;
  r->y0 = self->cy - self->half;
  r->y1 = self->cy + self->half;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_computed, NULL);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  g_task_set_name (task, "[grokscope] computed view");
  self->busy = TRUE;
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
}

void
grok_computed_view_set_reference (GrokComputedView *self, const GrokParams *params, gint64 step)
{
  g_return_if_fail (GROK_IS_COMPUTED_VIEW (self));
  g_clear_pointer (&self->reference, grok_params_free);
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
  g_clear_pointer (&self->config, grok_config_free);
  g_clear_pointer (&self->params, grok_params_free);
  if (config != NULL && params != NULL)
    {
      self->config = grok_config_ref (config);
      self->params = grok_params_ref (params);
      start_request (self);
    }
  else
    {
      g_clear_pointer (&self->data, grok_regions_data_free);
      g_clear_pointer (&self->connectivity, grok_connectivity_data_free);
      g_clear_pointer (&self->spectra, grok_spectra_data_free);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

int
grok_computed_view_get_count (GrokComputedView *self)
{
  const GrokRegionsFigure *f;

  if (self->connectivity != NULL)
    return grok_connectivity_data_points (self->connectivity);
  if (self->spectra != NULL)
    return 1;
  if (self->data == NULL)
    return -1;
  f = grok_regions_data_figure (self->data);
  return f->exact ? f->exact->n_regions : f->n_patterns;
}

const char *
grok_computed_view_get_message (GrokComputedView *self)
{
  return self->message;
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
  if (self->connectivity != NULL)
    grok_figure_connectivity_draw (cr, 0, 0, w, h, self->connectivity, &style);
  else if (self->spectra != NULL)
    grok_figure_spectra_draw (cr, 0, 0, w, h, self->spectra, &style);
  else if (self->data != NULL)
    grok_figure_regions_draw (cr, 0, 0, w, h, grok_regions_data_figure (self->data), &style,
                              &self->geometry);
  else if (self->message != NULL)
    {
      GrokPalette palette;
      grok_figure_style_palette (&style, &palette);
      grok_figure_set_color (cr, palette.muted);
      grok_figure_set_font (cr, &style, style.font_size * 1.2, FALSE);
      grok_figure_text (cr, self->message, w / 2.0, h / 2.0, 0.5, 0.5, 0);
    }
  cairo_destroy (cr);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, GrokComputedView *self)
{
  double factor = exp (0.15 * dy);

  if (self->view != GROK_VIEW_REGIONS)
    return FALSE;
  self->half = CLAMP (self->half * factor, 1e-4, 1e4);
  start_request (self);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, GrokComputedView *self)
{
  self->drag_cx = self->cx;
  self->drag_cy = self->cy;
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, GrokComputedView *self)
{
  double per_px = self->geometry.width > 0 ? 2 * self->half / self->geometry.width : 0;

  if (self->view != GROK_VIEW_REGIONS)
    return;
  self->cx = self->drag_cx - dx * per_px;
  self->cy = self->drag_cy + dy * per_px;
  start_request (self);
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, GrokComputedView *self)
{
  if (n_press != 2 || self->view != GROK_VIEW_REGIONS)
    return;
  self->cx = self->cy = 0;
  self->half = HOME;
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
  grok_config_free (self->config);
  grok_params_free (self->params);
  grok_params_free (self->reference);
  grok_spectra_data_free (self->spectra);
  grok_regions_data_free (self->data);
  grok_connectivity_data_free (self->connectivity);
  g_free (self->message);
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

  self->half = HOME;
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
