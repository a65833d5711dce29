/* Colour maps: what survives a greyscale print (lightness) and what the sign of a weight
 * looks like (hue), checked on a fine sampling against CIE L* computed from the sRGB formula. */
#include "grok-colormap.h"

#include <math.h>

static void
test_sequential_lightness_monotonic (void)
{
  double prev = -1;

  for (int i = 0; i <= 1000; i++)
    {
      double l = grok_rgba_lightness (grok_colormap_sequential (i / 1000.0));
      /* strictly rising: two neighbouring samples must differ in greyscale */
      g_assert_cmpfloat (l, >, prev);
      prev = l;
    }
  /* the full range is used: near-black purple to a light yellow */
  g_assert_cmpfloat (grok_rgba_lightness (grok_colormap_sequential (0)), <, 25);
  g_assert_cmpfloat (grok_rgba_lightness (grok_colormap_sequential (1)), >, 85);
  /* clamped outside [0, 1]; NAN is transparent */
  g_assert_cmpfloat (grok_colormap_sequential (-3).r, ==, grok_colormap_sequential (0).r);
  g_assert_cmpfloat (grok_colormap_sequential (NAN).a, ==, 0);
}

static void
test_diverging_centred (void)
{
  GrokRgba zero = grok_colormap_diverging (0), neg = grok_colormap_diverging (-1);
  GrokRgba pos = grok_colormap_diverging (1);
  double prev = -1;

  g_assert_cmpfloat (grok_rgba_lightness (zero), >, 95);
  g_assert_cmpfloat (neg.b, >, neg.r + 0.2);
  g_assert_cmpfloat (pos.r, >, pos.b + 0.2);
  /* lightness tracks |v|: rising towards 0 from either side, so magnitude prints in grey */
  for (int i = -500; i <= 0; i++)
    {
      double l = grok_rgba_lightness (grok_colormap_diverging (i / 500.0));
      g_assert_cmpfloat (l, >, prev);
      prev = l;
    }
  for (int i = 1; i <= 500; i++)
    {
      double l = grok_rgba_lightness (grok_colormap_diverging (i / 500.0));
      g_assert_cmpfloat (l, <, prev);
      prev = l;
      /* +v and -v within 6 L* units: equal magnitudes look equally strong */
      g_assert_cmpfloat (fabs (l - grok_rgba_lightness (grok_colormap_diverging (-i / 500.0))), <, 6);
    }
}

static void
test_lightness_reference_points (void)
{
  /* L* of black, white and mid grey sRGB 119/255 (L* = 50.0 by the CIE formula) */
  g_assert_cmpfloat (fabs (grok_rgba_lightness ((GrokRgba) { 0, 0, 0, 1 })), <, 1e-9);
  g_assert_cmpfloat (fabs (grok_rgba_lightness ((GrokRgba) { 1, 1, 1, 1 }) - 100), <, 1e-6);
  g_assert_cmpfloat (fabs (grok_rgba_lightness ((GrokRgba) { 119 / 255.0, 119 / 255.0, 119 / 255.0, 1 }) - 50), <, 0.3);
}

static void
test_argb_premultiplied (void)
{
  guint32 p = grok_rgba_to_argb32 ((GrokRgba) { 1.0, 0.5, 0.0, 0.5 });

  g_assert_cmpuint (p >> 24, ==, 128);
  g_assert_cmpuint (p >> 16 & 0xff, ==, 128);   /* 1.0 * 0.5 */
  g_assert_cmpuint (p >> 8 & 0xff, ==, 64);     /* 0.5 * 0.5 */
  g_assert_cmpuint (p & 0xff, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/colormap/sequential-lightness-monotonic", test_sequential_lightness_monotonic);
  g_test_add_func ("/ui/colormap/diverging-centred", test_diverging_centred);
  g_test_add_func ("/ui/colormap/lightness-reference", test_lightness_reference_points);
  g_test_add_func ("/ui/colormap/argb-premultiplied", test_argb_premultiplied);
  return g_test_run ();
}
