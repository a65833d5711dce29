/* Style, palettes and text for figures. Text goes through Cairo's own text API so the
 * figure library needs nothing beyond Cairo; sizes are in points times the style's scale. */
#include "grok-plot.h"
#include "grok-figure-private.h"
#include "grok-figure-layout.h"

#include <math.h>
#include <string.h>

static const cairo_user_data_key_t text_log_key;
static const cairo_user_data_key_t text_as_text_key;

void
grok_figure_style_init (GrokFigureStyle *style, GrokColorScheme scheme)
{
  g_return_if_fail (style != NULL);

  style->font_family = "DejaVu Sans";
  style->font_size = 9.0;
  style->line_width = scheme == GROK_SCHEME_PRINT ? 1.4 : 1.25;
  style->scale = 1.0;
  style->scheme = scheme;
}

void
grok_figure_style_palette (const GrokFigureStyle *style, GrokPalette *palette)
{
  g_return_if_fail (style != NULL && palette != NULL);

  switch (style->scheme)
    {
    case GROK_SCHEME_DARK:
      palette->background = (GrokRgba) { 0.141, 0.141, 0.141, 1 };
      palette->foreground = (GrokRgba) { 0.88, 0.88, 0.88, 1 };
      palette->grid = (GrokRgba) { 1, 1, 1, 0.10 };
      palette->muted = (GrokRgba) { 0.65, 0.65, 0.65, 1 };
      break;
    case GROK_SCHEME_PRINT:
      palette->background = (GrokRgba) { 1, 1, 1, 1 };
      palette->foreground = (GrokRgba) { 0, 0, 0, 1 };
      palette->grid = (GrokRgba) { 0, 0, 0, 0.09 };
      palette->muted = (GrokRgba) { 0.35, 0.35, 0.35, 1 };
      break;
    case GROK_SCHEME_LIGHT:
    default:
      palette->background = (GrokRgba) { 1, 1, 1, 1 };
      palette->foreground = (GrokRgba) { 0.15, 0.15, 0.15, 1 };
      palette->grid = (GrokRgba) { 0, 0, 0, 0.08 };
      palette->muted = (GrokRgba) { 0.42, 0.42, 0.42, 1 };
      break;
    }
}

GrokRgba
grok_figure_style_series_color (const GrokFigureStyle *style, guint index)
{
  /* blue, vermillion, bluish green, reddish purple, orange, sky blue, yellow-brown */
  static const GrokRgba light[] = {
    { 0.000, 0.447, 0.698, 1 }, { 0.835, 0.369, 0.000, 1 }, { 0.000, 0.620, 0.451, 1 },
    { 0.800, 0.475, 0.655, 1 }, { 0.902, 0.624, 0.000, 1 }, { 0.337, 0.706, 0.914, 1 },
    { 0.600, 0.520, 0.100, 1 },
  };
  /* the same hues lifted so they stand out on a dark background */
  static const GrokRgba dark[] = {
    { 0.337, 0.706, 0.914, 1 }, { 0.960, 0.520, 0.250, 1 }, { 0.200, 0.800, 0.600, 1 },
    { 0.900, 0.600, 0.780, 1 }, { 0.941, 0.894, 0.259, 1 }, { 0.500, 0.600, 1.000, 1 },
    { 0.800, 0.720, 0.400, 1 },
  };
  gboolean is_dark = style != NULL && style->scheme == GROK_SCHEME_DARK;

  return is_dark ? dark[index % G_N_ELEMENTS (dark)] : light[index % G_N_ELEMENTS (light)];
}

void
grok_figure_set_color (cairo_t *cr, GrokRgba color)
{
  cairo_set_source_rgba (cr, color.r, color.g, color.b, color.a);
}

void
grok_figure_set_font (cairo_t *cr, const GrokFigureStyle *style, double size_pt, gboolean bold)
{
  cairo_select_font_face (cr, style->font_family != NULL ? style->font_family : "sans-serif",
                          CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size_pt * style->scale);
  {
    /* unhinted metrics scale linearly, so a layout at 300 DPI is the one seen on screen */
    cairo_font_options_t *options = cairo_font_options_create ();
    cairo_get_font_options (cr, options);
    cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options (cr, options);
    cairo_font_options_destroy (options);
  }
}

double
grok_figure_text_width (cairo_t *cr, const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

/* the height of a line of digits and capitals: ascent without the accents' room */
double
grok_figure_text_height (cairo_t *cr)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, "0", &ext);
  return -ext.y_bearing;
}

/* TRUE when the text was recorded to be written as text instead of drawn */
static gboolean
grok_figure_text_record (cairo_t *cr, const char *text, double angle)
{
  GArray *records = cairo_surface_get_user_data (cairo_get_target (cr), &text_log_key);
  GrokTextRecord rec;
  cairo_matrix_t font_matrix;
  double x = 0, y = 0, dx = 1, dy = 0;

  cairo_font_face_t *face = cairo_get_font_face (cr);

  if (records == NULL)
    return FALSE;
  cairo_user_to_device (cr, &x, &y);
  cairo_get_font_matrix (cr, &font_matrix);
  dx = font_matrix.yy;
  cairo_user_to_device_distance (cr, &dx, &dy);
  rec.text = g_strdup (text);
  rec.x = x;
  rec.y = y;
  rec.size = hypot (dx, dy);
  rec.angle = angle;
  rec.rgba[0] = rec.rgba[1] = rec.rgba[2] = 0;
  rec.rgba[3] = 1;
  if (cairo_pattern_get_type (cairo_get_source (cr)) == CAIRO_PATTERN_TYPE_SOLID)
    cairo_pattern_get_rgba (cairo_get_source (cr), &rec.rgba[0], &rec.rgba[1], &rec.rgba[2],
                            &rec.rgba[3]);
  rec.family = NULL;
  rec.bold = FALSE;
  if (cairo_font_face_get_type (face) == CAIRO_FONT_TYPE_TOY)
    {
      rec.family = g_strdup (cairo_toy_font_face_get_family (face));
      rec.bold = cairo_toy_font_face_get_weight (face) == CAIRO_FONT_WEIGHT_BOLD;
    }
  g_array_append_val (records, rec);
  return cairo_surface_get_user_data (cairo_get_target (cr), &text_as_text_key) != NULL;
}

void
grok_figure_text (cairo_t *cr, const char *text, double x, double y, double ax, double ay,
                  double angle)
{
  double w, h;
  gboolean as_text;

  g_return_if_fail (cr != NULL && text != NULL);

  w = grok_figure_text_width (cr, text);
  h = grok_figure_text_height (cr);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, -angle);
  cairo_move_to (cr, -ax * w, (1.0 - ay) * h);
  cairo_translate (cr, -ax * w, (1.0 - ay) * h);
  as_text = grok_figure_text_record (cr, text, angle);
  grok_figure_layout_add_text (cr, text);
  if (!as_text)
    cairo_show_text (cr, text);
  cairo_restore (cr);
}

void
grok_text_record_clear (gpointer record)
{
  g_free (((GrokTextRecord *) record)->text);
  g_free (((GrokTextRecord *) record)->family);
}

void
grok_figure_text_log_attach (cairo_surface_t *surface, GArray *records)
{
  grok_figure_text_log_attach_full (surface, records, FALSE);
}

void
grok_figure_text_log_attach_full (cairo_surface_t *surface, GArray *records, gboolean as_text)
{
  cairo_surface_set_user_data (surface, &text_log_key, records, NULL);
  cairo_surface_set_user_data (surface, &text_as_text_key,
                               as_text && records != NULL ? GINT_TO_POINTER (1) : NULL, NULL);
}

char *
grok_figure_format_count (gint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits), lead = digits[0] == '-' ? 1 : 0;

  for (gsize i = 0; i < len; i++)
    {
      if (i > lead && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}
