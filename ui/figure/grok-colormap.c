/* Colour maps as short tables of control points, interpolated linearly in sRGB. The points
 * were placed so that CIE lightness is monotonic along the sequential map and symmetric about
 * zero along the diverging one; tests/test-colormap.c checks both on a fine sampling. */
#include "grok-colormap.h"

#include <math.h>

typedef struct
{
  double r, g, b;
} GrokRgb;

/* violet -> indigo -> blue -> teal -> green -> yellow, lightness about 16 .. 91 */
static const GrokRgb sequential_points[] = {
  { 0.270, 0.010, 0.330 },
  { 0.282, 0.140, 0.455 },
  { 0.250, 0.265, 0.530 },
  { 0.205, 0.370, 0.555 },
  { 0.162, 0.468, 0.558 },
  { 0.125, 0.565, 0.550 },
  { 0.140, 0.660, 0.515 },
  { 0.370, 0.775, 0.380 },
  { 0.680, 0.862, 0.200 },
  { 0.990, 0.905, 0.145 },
};

/* from -1 (dark blue) through white at 0 to +1 (dark red) */
static const GrokRgb diverging_points[] = {
  { 0.020, 0.190, 0.380 },
  { 0.130, 0.400, 0.675 },
  { 0.265, 0.575, 0.765 },
  { 0.575, 0.772, 0.870 },
  { 0.970, 0.970, 0.970 },
  { 0.955, 0.647, 0.510 },
  { 0.840, 0.376, 0.302 },
  { 0.698, 0.094, 0.169 },
  { 0.404, 0.000, 0.122 },
};

static GrokRgba
grok_colormap_lookup (const GrokRgb *points, guint n, double t)
{
  double pos, frac;
  guint i;

  if (isnan (t))
    return (GrokRgba) { 0, 0, 0, 0 };
  t = CLAMP (t, 0.0, 1.0);
  pos = t * (n - 1);
  i = (guint) floor (pos);
  if (i >= n - 1)
    i = n - 2;
  frac = pos - i;
  return (GrokRgba) {
    points[i].r + frac * (points[i + 1].r - points[i].r),
    points[i].g + frac * (points[i + 1].g - points[i].g),
    points[i].b + frac * (points[i + 1].b - points[i].b),
    1.0,
  };
}

GrokRgba
grok_colormap_sequential (double t)
{
  return grok_colormap_lookup (sequential_points, G_N_ELEMENTS (sequential_points), t);
}

GrokRgba
grok_colormap_diverging (double v)
{
  return grok_colormap_lookup (diverging_points, G_N_ELEMENTS (diverging_points), 0.5 * (v + 1.0));
}

static double
grok_srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

double
grok_rgba_lightness (GrokRgba color)
{
  /* relative luminance Y from linear sRGB (Rec. 709 primaries), then L* of CIELAB */
  double y = 0.2126 * grok_srgb_to_linear (color.r)
           + 0.7152 * grok_srgb_to_linear (color.g)
           + 0.0722 * grok_srgb_to_linear (color.b);
  double f = y > 216.0 / 24389.0 ? cbrt (y) : (24389.0 / 27.0 * y + 16.0) / 116.0;

  return 116.0 * f - 16.0;
}

void
grok_rgba_to_lab (GrokRgba color, double lab[3])
{
  double r = grok_srgb_to_linear (color.r), g = grok_srgb_to_linear (color.g);
  double b = grok_srgb_to_linear (color.b);
  /* XYZ from linear sRGB, over the D65 white's */
  double xyz[3] = {
    (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047,
    0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
    (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883,
  };
  double f[3];

  for (int i = 0; i < 3; i++)
    f[i] = xyz[i] > 216.0 / 24389.0 ? cbrt (xyz[i]) : (24389.0 / 27.0 * xyz[i] + 16.0) / 116.0;
  lab[0] = 116.0 * f[1] - 16.0;
  lab[1] = 500.0 * (f[0] - f[1]);
  lab[2] = 200.0 * (f[1] - f[2]);
}

#define SPREAD_SAMPLES 1024

void
grok_colormap_sequential_spread (guint n, double lo, double hi, double *t_out)
{
  double length[SPREAD_SAMPLES + 1], prev[3];
  guint j = 0;

  g_return_if_fail (t_out != NULL || n == 0);
  if (n == 0)
    return;
  if (n == 1)
    {
      t_out[0] = 0.5 * (lo + hi);
      return;
    }
  /* the path's length from lo to each sample, in CIE76 units */
  length[0] = 0;
  grok_rgba_to_lab (grok_colormap_sequential (lo), prev);
  for (guint i = 1; i <= SPREAD_SAMPLES; i++)
    {
      double lab[3];
      grok_rgba_to_lab (grok_colormap_sequential (lo + (hi - lo) * i / SPREAD_SAMPLES), lab);
      length[i] = length[i - 1] + sqrt ((lab[0] - prev[0]) * (lab[0] - prev[0])
                                        + (lab[1] - prev[1]) * (lab[1] - prev[1])
                                        + (lab[2] - prev[2]) * (lab[2] - prev[2]));
      prev[0] = lab[0], prev[1] = lab[1], prev[2] = lab[2];
    }
  for (guint k = 0; k < n; k++)
    {
      double target = length[SPREAD_SAMPLES] * k / (n - 1), frac;
      while (j < SPREAD_SAMPLES - 1 && length[j + 1] < target)
        j++;
      frac = length[j + 1] > length[j] ? (target - length[j]) / (length[j + 1] - length[j]) : 0;
      t_out[k] = lo + (hi - lo) * (j + CLAMP (frac, 0, 1)) / SPREAD_SAMPLES;
    }
}

guint32
grok_rgba_to_argb32 (GrokRgba color)
{
  double a = CLAMP (color.a, 0.0, 1.0);
  guint32 A = (guint32) lround (a * 255.0);
  guint32 R = (guint32) lround (CLAMP (color.r, 0.0, 1.0) * a * 255.0);
  guint32 G = (guint32) lround (CLAMP (color.g, 0.0, 1.0) * a * 255.0);
  guint32 B = (guint32) lround (CLAMP (color.b, 0.0, 1.0) * a * 255.0);

  return (A << 24) | (R << 16) | (G << 8) | B;
}
