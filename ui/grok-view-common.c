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
