/* Exporting a figure: PNG (written with libpng, with the DPI in a pHYs chunk and text chunks
 * naming the software, run, step...), SVG and PDF (Cairo's vector surfaces). Every export goes
 * to a temporary file beside the destination and is renamed into place only when complete.
 *
 * The draw callback always works in points (1/72 inch): for a PNG the context is scaled by
 * dpi / 72, so one figure function with style->scale = 1 gives the same picture in every
 * format, and width and height are the page size in points. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef void (*GrokFigureDrawFunc) (cairo_t *cr, double width, double height, gpointer user_data);

/* text_pairs: NULL, or key, value, key, value, ..., NULL (keys 1-79 Latin-1 characters);
 * a "Software" chunk is always written first */
gboolean grok_export_png (const char *path, int width_px, int height_px, double dpi,
                          GrokFigureDrawFunc draw, gpointer user_data,
                          const char * const *text_pairs, GError **error);
gboolean grok_export_svg (const char *path, double width_in, double height_in,
                          GrokFigureDrawFunc draw, gpointer user_data, GError **error);
/* text_as_text: the figure's words are <text> elements an editor can change, not glyph
 * outlines (which look the same everywhere; <text> needs the font where it is shown) */
gboolean grok_export_svg_full (const char *path, double width_in, double height_in,
                               GrokFigureDrawFunc draw, gpointer user_data,
                               gboolean text_as_text, GError **error);
/* title: the document title in the PDF metadata, may be NULL */
gboolean grok_export_pdf (const char *path, double width_in, double height_in,
                          GrokFigureDrawFunc draw, gpointer user_data, const char *title,
                          GError **error);

G_END_DECLS
