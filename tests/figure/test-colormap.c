/* Colour maps: what survives a greyscale print (lightness) and what the sign of a weight
 * looks like (hue), checked on a fine sampling against CIE L* computed from the sRGB formula. */
#include "grok-colormap.h"
#include "grok-figure-spectrum.h"

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

/* CIELAB of an sRGB colour, written out here from the standards (IEC 61966-2-1's matrix to
 * XYZ, the white point as that matrix's row sums, CIE 15's L*a*b*) */
static void
lab_of (GrokRgba c, double lab[3])
{
  static const double m[3][3] = { { 0.4124, 0.3576, 0.1805 },
                                  { 0.2126, 0.7152, 0.0722 },
                                  { 0.0193, 0.1192, 0.9505 } };
  double rgb[3] = { c.r, c.g, c.b }, f[3];

  for (int i = 0; i < 3; i++)
    rgb[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);
  for (int i = 0; i < 3; i++)
    {
      double v = (m[i][0] * rgb[0] + m[i][1] * rgb[1] + m[i][2] * rgb[2])
                 / (m[i][0] + m[i][1] + m[i][2]);
      double e = pow (6.0 / 29.0, 3);
      f[i] = v > e ? pow (v, 1.0 / 3.0) : v / (3 * pow (6.0 / 29.0, 2)) + 4.0 / 29.0;
    }
  lab[0] = 116 * f[1] - 16;
  lab[1] = 500 * (f[0] - f[1]);
  lab[2] = 200 * (f[1] - f[2]);
}

static double
delta_e76 (GrokRgba a, GrokRgba b)
{
  double p[3], q[3];

  lab_of (a, p);
  lab_of (b, q);
  return sqrt ((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1])
               + (p[2] - q[2]) * (p[2] - q[2]));
}

/* the spectra's colours for 2 to 8 steps: each step's at least 20 (CIE76) from its
 * neighbours', in order of lightness (darker earlier on a white page) and of the map; the
 * colour of one step, and the page's own map ends, as before */
static void
test_spectrum_steps_apart (void)
{
  static const GrokColorScheme schemes[] = { GROK_SCHEME_PRINT, GROK_SCHEME_LIGHT,
                                              GROK_SCHEME_DARK };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      GrokColorScheme scheme = schemes[i];
      GrokFigureStyle style;
      grok_figure_style_init (&style, scheme);
      for (guint n = 2; n <= 8; n++)
        {
          GrokRgba colors[8];
          double worst = INFINITY;
          grok_figure_spectrum_colors (&style, n, colors);
          for (guint k = 0; k + 1 < n; k++)
            {
              double lk[3], lk1[3];
              lab_of (colors[k], lk);
              lab_of (colors[k + 1], lk1);
              g_assert_cmpfloat (lk1[0], >, lk[0] + 5);
              worst = MIN (worst, delta_e76 (colors[k], colors[k + 1]));
            }
          g_test_message ("scheme %d, %u steps: neighbours at least %.1f apart (CIE76)",
                          (int) scheme, n, worst);
          g_assert_cmpfloat (worst, >=, 20);
          /* the first and last are the stretch's ends */
          g_assert_cmpfloat (delta_e76 (colors[0], grok_colormap_sequential (
                               scheme == GROK_SCHEME_DARK ? 0.25 : 0)), <, 0.5);
          g_assert_cmpfloat (delta_e76 (colors[n - 1], grok_colormap_sequential (
                               scheme == GROK_SCHEME_DARK ? 1 : 0.85)), <, 0.5);
        }
    }
}

/* the Lab the figure code computes against the one written out above */
static void
test_lab_matches (void)
{
  for (int i = 0; i <= 20; i++)
    {
      GrokRgba c = grok_colormap_sequential (i / 20.0);
      double mine[3], theirs[3];
      grok_rgba_to_lab (c, theirs);
      lab_of (c, mine);
      for (int k = 0; k < 3; k++)
        g_assert_cmpfloat (fabs (mine[k] - theirs[k]), <, 0.1);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/colormap/sequential-lightness-monotonic", test_sequential_lightness_monotonic);
  g_test_add_func ("/ui/colormap/diverging-centred", test_diverging_centred);
  g_test_add_func ("/ui/colormap/lightness-reference", test_lightness_reference_points);
  g_test_add_func ("/ui/colormap/argb-premultiplied", test_argb_premultiplied);
  g_test_add_func ("/ui/colormap/spectrum-steps-apart", test_spectrum_steps_apart);
  g_test_add_func ("/ui/colormap/lab", test_lab_matches);
  return g_test_run ();
}
