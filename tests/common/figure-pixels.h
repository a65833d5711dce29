/* Reading back what a figure drew: pixels of a Cairo image surface, compared by colour. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <math.h>

#include "grok-colormap.h"

typedef struct
{
  int r, g, b, a;   /* 0..255, straight alpha */
} Px;

static inline Px
px_at (cairo_surface_t *s, int x, int y)
{
  const unsigned char *data;
  guint32 p;
  int a;

  cairo_surface_flush (s);
  if (x < 0 || y < 0 || x >= cairo_image_surface_get_width (s) || y >= cairo_image_surface_get_height (s))
    return (Px) { -1000, -1000, -1000, 0 };
  data = cairo_image_surface_get_data (s);
  p = *(const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (s) + 4 * x);
  a = p >> 24;
  if (a == 0)
    return (Px) { 0, 0, 0, 0 };
  return (Px) { (int) ((p >> 16 & 0xff) * 255 / a), (int) ((p >> 8 & 0xff) * 255 / a),
                (int) ((p & 0xff) * 255 / a), a };
}

static inline gboolean
px_near (Px p, GrokRgba c, int tolerance)
{
  return abs (p.r - (int) lround (c.r * 255)) <= tolerance
      && abs (p.g - (int) lround (c.g * 255)) <= tolerance
      && abs (p.b - (int) lround (c.b * 255)) <= tolerance;
}

/* is there a pixel of colour c within `radius` pixels of (x, y)? */
static inline gboolean
color_near_point (cairo_surface_t *s, double x, double y, int radius, GrokRgba c, int tolerance)
{
  int cx = (int) floor (x), cy = (int) floor (y);

  for (int dy = -radius; dy <= radius; dy++)
    for (int dx = -radius; dx <= radius; dx++)
      if (px_near (px_at (s, cx + dx, cy + dy), c, tolerance))
        return TRUE;
  return FALSE;
}

static inline gboolean
surface_is_uniform (cairo_surface_t *s)
{
  Px first = px_at (s, 0, 0);

  for (int y = 0; y < cairo_image_surface_get_height (s); y++)
    for (int x = 0; x < cairo_image_surface_get_width (s); x++)
      {
        Px p = px_at (s, x, y);
        if (p.r != first.r || p.g != first.g || p.b != first.b || p.a != first.a)
          return FALSE;
      }
  return TRUE;
}
