/* Shared pieces of the views. */
#include "grok-view-common.h"

#include <adwaita.h>

void
grok_screen_style_init (GrokFigureStyle *style)
{
  grok_figure_style_init (style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                   ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, GrokPointer *pointer)
{
  pointer->inside = TRUE;
  pointer->x = x;
  pointer->y = y;
  gtk_widget_queue_draw (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
}

static void
on_leave (GtkEventControllerMotion *controller, GrokPointer *pointer)
{
  pointer->inside = FALSE;
  gtk_widget_queue_draw (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
}

void
grok_pointer_track (GtkWidget *widget, GrokPointer *pointer)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), pointer);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), pointer);
  gtk_widget_add_controller (widget, motion);
}

void
grok_readout_draw (cairo_t *cr, const GrokFigureStyle *style, const char *text, double x,
                   double y, double max_width)
{
  cairo_text_extents_t ext;
  GrokPalette palette;
  double pad = 4;

  grok_figure_style_palette (style, &palette);
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  cairo_text_extents (cr, text, &ext);
  x = MAX (2, MIN (x, max_width - ext.width - 2 * pad - 2));
  cairo_rectangle (cr, x, y, ext.width + 2 * pad, ext.height + 2 * pad);
  grok_figure_set_color (cr, palette.background);
  cairo_fill_preserve (cr);
  grok_figure_set_color (cr, palette.muted);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  grok_figure_set_color (cr, palette.foreground);
  cairo_move_to (cr, x + pad - ext.x_bearing, y + pad - ext.y_bearing);
  cairo_show_text (cr, text);
}

void
grok_figure_cache_invalidate (GrokFigureCache *cache)
{
  g_clear_object (&cache->texture);
  g_clear_pointer (&cache->surface, cairo_surface_destroy);
}

cairo_surface_t *
grok_figure_cache_render (int width, int height, int scale, GrokFigureDrawFunc draw,
                          gpointer data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale,
                                                         height * scale);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  draw (cr, width, height, data);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Cairo's ARGB32 is premultiplied B, G, R, A in memory on a little-endian machine:
 * GDK_MEMORY_DEFAULT. The texture keeps the surface alive. */
void
grok_figure_cache_take (GrokFigureCache *cache, cairo_surface_t *surface, int width, int height,
                        int scale, gboolean dark)
{
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr (GBytes) bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                                         (gsize) stride * height * scale,
                                                         (GDestroyNotify) cairo_surface_destroy,
                                                         surface);

  grok_figure_cache_invalidate (cache);
  cache->surface = cairo_surface_reference (surface);
  cache->texture = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT,
                                           bytes, stride);
  cache->width = width, cache->height = height, cache->scale = scale, cache->dark = dark;
}

gboolean
grok_figure_suits_widget (GtkWidget *widget, int width, int height, int scale, gboolean dark)
{
  return width == gtk_widget_get_width (widget) && height == gtk_widget_get_height (widget) &&
         scale == gtk_widget_get_scale_factor (widget) &&
         dark == adw_style_manager_get_dark (adw_style_manager_get_default ());
}

gboolean
grok_figure_cache_fits (const GrokFigureCache *cache, GtkWidget *widget)
{
  return cache->texture != NULL &&
         grok_figure_suits_widget (widget, cache->width, cache->height, cache->scale, cache->dark);
}

/* GTK 4.8's Cairo renderer converts a memory texture through floats, pixel by pixel, at every
 * draw (milliseconds a frame for a window-sized figure); painting the image surface itself is a
 * plain blit there. The GL renderers keep the texture, uploaded once. */
void
grok_figure_cache_append (GrokFigureCache *cache, GtkWidget *widget, GtkSnapshot *snapshot)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, cache->width, cache->height);
  cairo_t *cr;

  if (native == NULL || !GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native)))
    {
      gtk_snapshot_append_texture (snapshot, cache->texture, &bounds);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_set_source_surface (cr, cache->surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
}

void
grok_figure_cache_snapshot (GrokFigureCache *cache, GtkWidget *widget, GtkSnapshot *snapshot,
                            GrokFigureDrawFunc draw, gpointer data)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);

  if (w <= 0 || h <= 0)
    return;
  if (!grok_figure_cache_fits (cache, widget))
    grok_figure_cache_take (cache, grok_figure_cache_render (w, h, scale, draw, data), w, h, scale,
                            adw_style_manager_get_dark (adw_style_manager_get_default ()));
  grok_figure_cache_append (cache, widget, snapshot);
}
