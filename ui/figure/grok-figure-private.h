/* Internal helpers shared by the figure files: the text layer that SVG export adds so a
 * figure's words stay searchable and selectable (Cairo's SVG surface writes glyph outlines). */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char  *text;
  double x, y;        /* device coordinates of the baseline start */
  double size;        /* font size in device units */
  double angle;       /* radians, counter-clockwise */
  double rgba[4];     /* the source colour it was drawn in (black unless a solid colour) */
  char  *family;      /* the font family, or NULL */
  gboolean bold;
} GrokTextRecord;

/* while attached, every grok_figure_text() on a cairo_t drawing to `surface` is recorded */
void grok_figure_text_log_attach (cairo_surface_t *surface, GArray *records);
/* with as_text, the recorded text is not drawn as glyphs: the SVG's <text> elements show it */
void grok_figure_text_log_attach_full (cairo_surface_t *surface, GArray *records,
                                       gboolean as_text);
void grok_text_record_clear      (gpointer record);

G_END_DECLS
