/* What the views share: the screen's figure style (light or dark, as the desktop is), the
 * pointer they track for their readouts, and the readout box they draw. */
#pragma once

#include <gtk/gtk.h>

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

G_END_DECLS
