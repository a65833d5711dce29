/* The heatmap figure: building the matrix image and drawing it with its axes and colour bar. */
#include "grok-figure-heatmap.h"
#include "grok-plot-private.h"

#include <math.h>

cairo_surface_t *
grok_heatmap_surface_new (const float *values, guint rows, guint cols, double limit,
                          double *limit_out)
{
  cairo_surface_t *surface;
  unsigned char *data;
  int stride;

  g_return_val_if_fail (values != NULL, NULL);
  g_return_val_if_fail (rows > 0 && cols > 0 && rows <= 32767 && cols <= 32767, NULL);

  if (!(limit > 0) || !isfinite (limit))
    {
      limit = 0;
      for (gsize i = 0; i < (gsize) rows * cols; i++)
        if (isfinite (values[i]))
          limit = MAX (limit, fabs (values[i]));
      if (limit == 0)
        limit = 1;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) cols, (int) rows);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint r = 0; r < rows; r++)
    {
      guint32 *line = (guint32 *) (data + (gsize) r * stride);
      for (guint c = 0; c < cols; c++)
        {
          double v = values[(gsize) r * cols + c];
          line[c] = grok_rgba_to_argb32 (grok_colormap_diverging (isnan (v) ? NAN : v / limit));
        }
    }
  cairo_surface_mark_dirty (surface);
  if (limit_out != NULL)
    *limit_out = limit;
  return surface;
}

cairo_surface_t *
grok_heatmap_surface_new_sequential (const float *values, guint rows, guint cols, double lo,
                                     double hi)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) cols, (int) rows);
  guchar *data;
  int stride;
  double span = hi > lo ? hi - lo : 1;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint r = 0; r < rows; r++)
    {
      guint32 *line = (guint32 *) (data + (gsize) r * stride);
      for (guint c = 0; c < cols; c++)
        {
          double v = values[(gsize) r * cols + c];
          line[c] = isnan (v) ? 0 : grok_rgba_to_argb32 (grok_colormap_sequential (CLAMP ((v - lo) / span, 0, 1)));
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

gboolean
grok_heatmap_geometry_cell_at (const GrokHeatmapGeometry *g, double px, double py, guint *row,
                               guint *col)
{
  double fx, fy;

  g_return_val_if_fail (g != NULL, FALSE);

  fx = (px - g->left) / g->width;
  fy = (py - g->top) / g->height;
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1))
    return FALSE;
  if (row != NULL)
    *row = MIN ((guint) (fy * g->rows), g->rows - 1);
  if (col != NULL)
    *col = MIN ((guint) (fx * g->cols), g->cols - 1);
  return TRUE;
}

/* index ticks at cell centres along one side; vertical means the row axis on the left */
static void
grok_heatmap_index_ticks (cairo_t *cr, const GrokHeatmapGeometry *g, gboolean vertical,
                          double tick, double gap)
{
  guint n = vertical ? g->rows : g->cols;
  double len = vertical ? g->height : g->width;
  double ticks[32], step = 1;
  /* room for a label every ~4 characters along the axis, and no more ticks than cells */
  guint target = CLAMP ((guint) (len / (tick * 12)), 1, MIN (6, n));
  guint count = grok_plot_linear_ticks (0, n - 1, MAX (target, 1), ticks, G_N_ELEMENTS (ticks), &step);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *label = NULL;
      double at;
      if (ticks[i] != floor (ticks[i]))
        continue;   /* an index axis has no half rows */
      label = g_strdup_printf ("%.0f", ticks[i]);
      at = (vertical ? g->top : g->left) + (ticks[i] + 0.5) / n * len;
      if (vertical)
        {
          cairo_move_to (cr, g->left, at);
          cairo_line_to (cr, g->left - tick, at);
          cairo_stroke (cr);
          grok_figure_text (cr, label, g->left - tick - gap, at, 1, 0.5, 0);
        }
      else
        {
          cairo_move_to (cr, at, g->top + g->height);
          cairo_line_to (cr, at, g->top + g->height + tick);
          cairo_stroke (cr);
          grok_figure_text (cr, label, at, g->top + g->height + tick + gap, 0.5, 0, 0);
        }
    }
}

static void
grok_heatmap_draw_bar (cairo_t *cr, const GrokHeatmapGeometry *g, const GrokPalette *palette,
                       double tick, double gap)
{
  double ticks[16], step = 1;
  guint count;
  cairo_pattern_t *ramp = cairo_pattern_create_linear (0, g->bar_top + g->bar_height, 0, g->bar_top);

  /* enough stops that the linear ramp follows the map's own control points closely */
  for (int i = 0; i <= 32; i++)
    {
      GrokRgba c = g->sequential ? grok_colormap_sequential (i / 32.0)
                                 : grok_colormap_diverging (-1.0 + i / 16.0);
      cairo_pattern_add_color_stop_rgb (ramp, i / 32.0, c.r, c.g, c.b);
    }
  cairo_rectangle (cr, g->bar_left, g->bar_top, g->bar_width, g->bar_height);
  cairo_set_source (cr, ramp);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (ramp);
  grok_figure_set_color (cr, palette->foreground);
  cairo_stroke (cr);
  {
    double lo = g->sequential ? g->lo : -g->limit;
    count = grok_plot_linear_ticks (lo, g->limit, 4, ticks, G_N_ELEMENTS (ticks), &step);
  }
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *label = grok_plot_format_linear (ticks[i], step);
      double lo = g->sequential ? g->lo : -g->limit;
      double py = g->bar_top + g->bar_height * (1 - (ticks[i] - lo) / (g->limit - lo));
      double right = g->bar_left + g->bar_width;
      cairo_move_to (cr, right, py);
      cairo_line_to (cr, right + tick, py);
      cairo_stroke (cr);
      grok_figure_text (cr, label, right + tick + gap, py, 0, 0.5, 0);
    }
}

/* the widest colour bar label, to reserve its room on the right */
static double
grok_heatmap_bar_label_width (cairo_t *cr, double lo, double limit)
{
  double ticks[16], step = 1, w = 0;
  guint count = grok_plot_linear_ticks (lo, limit, 4, ticks, G_N_ELEMENTS (ticks), &step);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *label = grok_plot_format_linear (ticks[i], step);
      w = MAX (w, grok_figure_text_width (cr, label));
    }
  return w;
}

/* cells as square as the room allows, but never stretched more than 2 : 1 */
static void
grok_heatmap_fit (GrokHeatmapGeometry *g, double x0, double y0, double avail_w, double avail_h)
{
  double cw = avail_w / g->cols, ch = avail_h / g->rows, s = MIN (cw, ch);

  cw = MIN (cw, 2 * s);
  ch = MIN (ch, 2 * s);
  g->width = cw * g->cols;
  g->height = ch * g->rows;
  g->left = x0 + (avail_w - g->width) / 2;
  g->top = y0 + (avail_h - g->height) / 2;
}

static void
heatmap_draw (cairo_t *cr, double x, double y, double width, double height,
              cairo_surface_t *matrix, gboolean sequential, double lo, double limit,
              const char *title, const GrokFigureStyle *style, GrokHeatmapGeometry *geometry_out)
{
  GrokHeatmapGeometry g = { 0 };
  GrokPalette palette;
  double u, fs, pad, tick, gap, label_h, left, right, top, bottom, digits_w;
  cairo_pattern_t *pattern;
  double cell_w, cell_h;

  g_return_if_fail (cr != NULL && matrix != NULL && style != NULL);
  g_return_if_fail (cairo_surface_get_type (matrix) == CAIRO_SURFACE_TYPE_IMAGE);

  u = style->scale;
  fs = style->font_size * u;
  pad = 0.6 * fs, tick = 3 * u, gap = 0.3 * fs;
  grok_figure_style_palette (style, &palette);
  g.rows = (guint) cairo_image_surface_get_height (matrix);
  g.cols = (guint) cairo_image_surface_get_width (matrix);
  g.sequential = sequential;
  g.lo = sequential ? lo : 0;
  g.limit = sequential ? (limit > lo ? limit : lo + 1) : (limit > 0 ? limit : 1);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  label_h = grok_figure_text_height (cr);
  digits_w = grok_figure_text_width (cr, "0") * (g.rows >= 1000 ? 4 : g.rows >= 100 ? 3 : 2);
  left = pad + label_h * 1.3 + pad + digits_w + tick + gap;
  bottom = pad + label_h * 1.3 + pad + label_h + tick + gap;
  right = pad + grok_heatmap_bar_label_width (cr, g.sequential ? g.lo : -g.limit, g.limit) + gap + tick + 0.9 * fs + 1.2 * fs;
  top = title != NULL ? pad + 1.5 * fs + pad : pad;
  grok_heatmap_fit (&g, x + left, y + top, MAX (width - left - right, 1),
                    MAX (height - top - bottom, 1));
  g.bar_left = g.left + g.width + 1.2 * fs;
  g.bar_width = 0.9 * fs;
  /* a flat matrix still gets a colour bar tall enough for its labels */
  g.bar_height = MAX (g.height, MIN (5 * fs, MAX (height - top - bottom, 1)));
  g.bar_top = g.top + (g.height - g.bar_height) / 2;

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  cairo_translate (cr, g.left, g.top);
  cairo_scale (cr, g.width / g.cols, g.height / g.rows);
  cairo_set_source_surface (cr, matrix, 0, 0);
  pattern = cairo_get_source (cr);
  /* one entry is one crisp cell: never blur neighbouring weights together. Only when cells
   * are smaller than a device pixel does sampling one entry per pixel alias into false
   * stripes; then let Cairo average the entries each pixel covers */
  cell_w = 1, cell_h = 1;
  cairo_user_to_device_distance (cr, &cell_w, &cell_h);
  cairo_pattern_set_filter (pattern, fabs (cell_w) >= 1 && fabs (cell_h) >= 1
                                       ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);

  grok_figure_set_color (cr, palette.foreground);
  cairo_set_line_width (cr, 0.8 * u);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_stroke (cr);
  grok_heatmap_index_ticks (cr, &g, TRUE, tick, gap);
  grok_heatmap_index_ticks (cr, &g, FALSE, tick, gap);
  grok_figure_text (cr, sequential ? "point" : "column (input)", g.left + g.width / 2,
                    g.top + g.height + tick + gap + label_h * 1.9, 0.5, 0, 0);
  grok_figure_text (cr, sequential ? "point" : "row (output)", g.left - tick - gap - digits_w - 0.5 * fs,
                    g.top + g.height / 2, 0.5, 1, G_PI / 2);
  grok_heatmap_draw_bar (cr, &g, &palette, tick, gap);
  if (title != NULL)
    {
      double size = style->font_size * 1.1, tw, cx;
      grok_figure_set_font (cr, style, size, TRUE);
      /* a long name in a narrow cell: smaller text, kept inside the cell */
      tw = grok_figure_text_width (cr, title);
      if (tw > width - 2 * pad && tw > 0)
        {
          size = MAX (size * (width - 2 * pad) / tw, style->font_size * 0.6);
          grok_figure_set_font (cr, style, size, TRUE);
          tw = grok_figure_text_width (cr, title);
        }
      cx = CLAMP (g.left + g.width / 2, x + pad + tw / 2, x + width - pad - tw / 2);
      grok_figure_set_color (cr, palette.foreground);
      grok_figure_text (cr, title, cx, y + pad, 0.5, 0, 0);
    }
  cairo_restore (cr);
  if (geometry_out != NULL)
    *geometry_out = g;
}

void
grok_figure_heatmap_draw (cairo_t *cr, double x, double y, double width, double height,
                          cairo_surface_t *matrix, double limit, const char *title,
                          const GrokFigureStyle *style, GrokHeatmapGeometry *geometry_out)
{
  heatmap_draw (cr, x, y, width, height, matrix, FALSE, 0, limit, title, style, geometry_out);
}

void
grok_figure_heatmap_draw_sequential (cairo_t *cr, double x, double y, double width, double height,
                                     cairo_surface_t *matrix, double lo, double hi,
                                     const char *title, const GrokFigureStyle *style,
                                     GrokHeatmapGeometry *geometry_out)
{
  heatmap_draw (cr, x, y, width, height, matrix, TRUE, lo, hi, title, style, geometry_out);
}
