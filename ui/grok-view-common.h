/* What the views share: the screen's figure style (light or dark, as the desktop is), the
 * pointer they track for their readouts, and the readout box they draw. */
#pragma once

#include <gtk/gtk.h>

#include "grok-export.h"
#include "grok-plot.h"

G_BEGIN_DECLS

/* the figure style for the screen, following the app's light or dark style */
void grok_screen_style_init (GrokFigureStyle *style);

typedef struct
{
  gboolean inside;
  double   x, y;
} GrokPointer;

/* keep pointer up to date over widget, redrawing it on every move */
void grok_pointer_track      (GtkWidget *widget, GrokPointer *pointer);
/* a boxed line of text with its top-left corner at (x, y), kept inside max_width */
void grok_readout_draw       (cairo_t *cr, const GrokFigureStyle *style, const char *text,
                              double x, double y, double max_width);

/* A view's figure drawn once into an image and reused while nothing it shows changes, so that
 * frames drawn for the pointer only add the hover layer on top (a blit, not a re-render). */
typedef struct
{
  GdkTexture      *texture;
  cairo_surface_t *surface;   /* the texture's pixels, painted directly by the Cairo renderer */
  int              width, height, scale;
  gboolean         dark;
} GrokFigureCache;

/* the next snapshot draws the figure afresh */
void grok_figure_cache_invalidate (GrokFigureCache *cache);
/* the figure drawn into an image surface of width x height at scale (any thread: Cairo only) */
cairo_surface_t *grok_figure_cache_render (int width, int height, int scale,
                                           GrokFigureDrawFunc draw, gpointer data);
/* makes surface (from grok_figure_cache_render, taken) the cached figure (main thread) */
void grok_figure_cache_take (GrokFigureCache *cache, cairo_surface_t *surface, int width,
                             int height, int scale, gboolean dark);
/* whether a figure drawn at width x height, scale and style suits the widget as it is now */
gboolean grok_figure_suits_widget (GtkWidget *widget, int width, int height, int scale,
                                   gboolean dark);
/* whether the cache holds a figure for the widget's present size, scale and style */
gboolean grok_figure_cache_fits (const GrokFigureCache *cache, GtkWidget *widget);
/* appends the cached figure to snapshot at the widget's size */
void grok_figure_cache_append (GrokFigureCache *cache, GtkWidget *widget, GtkSnapshot *snapshot);
/* appends the figure to snapshot at the widget's size, drawing it with draw (at the widget's
 * scale factor) only when it was invalidated or the size, scale or light/dark style changed */
void grok_figure_cache_snapshot   (GrokFigureCache *cache, GtkWidget *widget,
                                   GtkSnapshot *snapshot, GrokFigureDrawFunc draw, gpointer data);

G_END_DECLS
