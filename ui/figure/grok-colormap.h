/* Colour maps for figures: a perceptually ordered sequential map (dark violet to yellow, its
 * lightness rising all the way, so it survives greyscale printing) and a diverging map for
 * signed values (blue below zero, white at zero, red above; lightness tracks |value|). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a;   /* sRGB components in [0, 1], straight (not premultiplied) alpha */
} GrokRgba;

/* t in [0, 1], clamped; NAN gives transparent */
GrokRgba grok_colormap_sequential (double t);
/* v in [-1, 1], clamped; 0 is white; NAN gives transparent */
GrokRgba grok_colormap_diverging  (double v);
/* CIE L* (0 black .. 100 white) of an sRGB colour, D65: what a greyscale print keeps */
double   grok_rgba_lightness      (GrokRgba color);
/* CIELAB (D65) of an sRGB colour: lab[0] = L*, lab[1] = a*, lab[2] = b* */
void     grok_rgba_to_lab         (GrokRgba color, double lab[3]);
/* n positions t_out[0] = lo < ... < t_out[n - 1] = hi along the sequential map, equally far
 * apart in CIELAB (by the length of the map's path between them, CIE76): neighbours as far
 * from each other as the stretch allows, the first and last at its ends; one at the middle */
void     grok_colormap_sequential_spread (guint n, double lo, double hi, double *t_out);
/* premultiplied native-endian ARGB32, the layout of a CAIRO_FORMAT_ARGB32 pixel */
guint32  grok_rgba_to_argb32      (GrokRgba color);

G_END_DECLS
