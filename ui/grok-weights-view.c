/* The weights view: draws through the GTK-free weights figure, adds a hover readout. */
#include "grok-weights-view.h"

#include <adwaita.h>
#include <math.h>

#include "grok-figure-weights.h"

struct _GrokWeightsView
{
  GtkWidget            parent_instance;

  GrokWeightsCache    *cache;
  GrokHeatmapGeometry *geometries;   /* one per matrix, from the last draw */
  double               pointer_x, pointer_y;
  gboolean             pointer_in;
  char                *readout;
};

G_DEFINE_FINAL_TYPE (GrokWeightsView, grok_weights_view, GTK_TYPE_WIDGET)

static void
update_readout (GrokWeightsView *self)
{
  g_clear_pointer (&self->readout, g_free);
  if (!self->pointer_in || self->cache == NULL || self->geometries == NULL)
    return;
  for (guint i = 0; i < grok_weights_cache_count (self->cache); i++)
    {
      guint row, col;
      if (grok_heatmap_geometry_cell_at (&self->geometries[i], self->pointer_x, self->pointer_y,
                                         &row, &col))
        {
          self->readout = g_strdup_printf ("%s[%u, %u] = %.5g", grok_weights_cache_name (self->cache, i),
                                           row, col, grok_weights_cache_value (self->cache, i, row, col));
          return;
        }
    }
}

static void
draw_readout (GrokWeightsView *self, cairo_t *cr, const GrokFigureStyle *style)
{
  cairo_text_extents_t ext;
  double x, y, pad = 4;
  GrokPalette palette;

  if (self->readout == NULL)
    return;
  grok_figure_style_palette (style, &palette);
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  cairo_text_extents (cr, self->readout, &ext);
  x = MIN (self->pointer_x + 14, gtk_widget_get_width (GTK_WIDGET (self)) - ext.width - 2 * pad - 2);
  y = MAX (self->pointer_y - 10, ext.height + 2 * pad);
  cairo_rectangle (cr, x, y - ext.height - pad, ext.width + 2 * pad, ext.height + 2 * pad);
  grok_figure_set_color (cr, palette.background);
  cairo_fill_preserve (cr);
  grok_figure_set_color (cr, palette.foreground);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  cairo_move_to (cr, x + pad - ext.x_bearing, y);
  cairo_show_text (cr, self->readout);
}

static void
grok_weights_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  GrokWeightsView *self = GROK_WEIGHTS_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;
  GrokFigureStyle style;

  if (self->cache == NULL || w <= 0 || h <= 0)
    return;
  grok_figure_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                    ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_free (self->geometries);
  self->geometries = g_new0 (GrokHeatmapGeometry, MAX (grok_weights_cache_count (self->cache), 1));
  grok_figure_weights_draw (cr, w, h, self->cache, &style, self->geometries);
  update_readout (self);
  draw_readout (self, cr, &style);
  cairo_destroy (cr);
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, GrokWeightsView *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_in = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller, GrokWeightsView *self)
{
  self->pointer_in = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
grok_weights_view_set_params (GrokWeightsView *self, const GrokParams *params,
                              const GrokParams *reference)
{
  g_return_if_fail (GROK_IS_WEIGHTS_VIEW (self));
  g_clear_pointer (&self->cache, grok_weights_cache_free);
  g_clear_pointer (&self->geometries, g_free);
  if (params != NULL)
    self->cache = grok_weights_cache_new (params, reference);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
grok_weights_view_get_readout (GrokWeightsView *self)
{
  g_return_val_if_fail (GROK_IS_WEIGHTS_VIEW (self), NULL);
  return self->readout;
}

static void
grok_weights_view_finalize (GObject *object)
{
  GrokWeightsView *self = GROK_WEIGHTS_VIEW (object);

  grok_weights_cache_free (self->cache);
  g_free (self->geometries);
  g_free (self->readout);
  G_OBJECT_CLASS (grok_weights_view_parent_class)->finalize (object);
}

static void
grok_weights_view_class_init (GrokWeightsViewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grok_weights_view_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = grok_weights_view_snapshot;
}

static void
grok_weights_view_init (GrokWeightsView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
grok_weights_view_new (void)
{
  return g_object_new (GROK_TYPE_WEIGHTS_VIEW, NULL);
}
