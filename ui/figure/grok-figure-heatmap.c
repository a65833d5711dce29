/* The heatmap figure: building the matrix image and drawing it with its axes and colour bar. */
#include "grok-figure-heatmap.h"
#include "grok-plot-private.h"
#include "grok-figure-layout.h"

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

/* the index ticks along one side (vertical: the rows, on the left) at cell centres: as many as
 * keep their labels apart and inside the panel (x0 .. x1, y0 .. y1). When even the widest
 * step of the ladder crowds them, every second (or third) of its ticks, keeping 0 */
static guint
grok_heatmap_index_ticks (cairo_t *cr, const GrokHeatmapGeometry *g, gboolean vertical,
                          double tick, double gap, const GrokBox *panel, double *at, char **labels,
                          guint max)
{
  guint n = vertical ? g->rows : g->cols;
  double len = vertical ? g->height : g->width;
  int origin = vertical ? g->row_origin : g->col_origin;

  for (guint stride = 1; stride <= 3; stride++)
    for (guint target = MIN (6, n); target >= 1; target--)
      {
        double ticks[32], step = 1;
        guint count = grok_plot_linear_ticks (origin, origin + (double) n - 1, target, ticks,
                                              G_N_ELEMENTS (ticks), &step);
        guint kept = 0, phase = 0;
        gboolean fine = TRUE;
        GrokBox last = { 0 };

        if (n == 1)
          ticks[0] = origin, count = 1;
        for (guint i = 0; i < count; i++)
          if (ticks[i] == 0)
            phase = i % stride;
        for (guint i = 0; i < count && kept < max && fine; i++)
          {
            GrokBox box;
            if (ticks[i] != floor (ticks[i]) || i % stride != phase)
              continue;   /* an index axis has no half rows */
            labels[kept] = g_strdup_printf ("%.0f", ticks[i] + 0.0);
            at[kept] = (vertical ? g->top : g->left) + (ticks[i] - origin + 0.5) / n * len;
            box = vertical ? grok_figure_text_box (cr, labels[kept], g->left - tick - gap, at[kept], 1, 0.5, 0)
                           : grok_figure_text_box (cr, labels[kept], at[kept], g->top + g->height + tick + gap, 0.5, 0, 0);
            fine = box.x0 >= panel->x0 && box.x1 <= panel->x1 && box.y0 >= panel->y0 && box.y1 <= panel->y1;
            if (kept > 0 && fine)
              fine = vertical ? box.y0 >= last.y1 + gap : box.x0 >= last.x1 + 2 * gap;
            last = box;
            kept++;
          }
        if (fine && kept > 0)
          return kept;
        for (guint i = 0; i < kept; i++)
          g_clear_pointer (&labels[i], g_free);
        if (target == 1)
          break;
      }
  return 0;
}

static void
grok_heatmap_draw_index_ticks (cairo_t *cr, const GrokHeatmapGeometry *g, gboolean vertical,
                               double tick, double gap, const GrokBox *panel)
{
  double at[32];
  char *labels[32];
  guint n = grok_heatmap_index_ticks (cr, g, vertical, tick, gap, panel, at, labels, 32);

  for (guint i = 0; i < n; i++)
    {
      if (vertical)
        {
          cairo_move_to (cr, g->left, at[i]);
          cairo_line_to (cr, g->left - tick, at[i]);
          cairo_stroke (cr);
          grok_figure_text (cr, labels[i], g->left - tick - gap, at[i], 1, 0.5, 0);
        }
      else
        {
          cairo_move_to (cr, at[i], g->top + g->height);
          cairo_line_to (cr, at[i], g->top + g->height + tick);
          cairo_stroke (cr);
          grok_figure_text (cr, labels[i], at[i], g->top + g->height + tick + gap, 0.5, 0, 0);
        }
      g_free (labels[i]);
    }
}

/* the colour bar's ticks: as many as keep their labels apart; returns how many */
static guint
grok_heatmap_bar_ticks (cairo_t *cr, const GrokHeatmapGeometry *g, double tick, double gap,
                        double *ticks, double *step, guint max)
{
  double lo = g->sequential ? g->lo : -g->limit;

  for (guint target = 4; target >= 1; target--)
    {
      guint count = grok_plot_linear_ticks (lo, g->limit, target, ticks, max, step);
      double last_bottom = -INFINITY;
      gboolean fine = TRUE;
      for (guint i = count; i-- > 0 && fine;)
        {
          g_autofree char *label = grok_plot_format_linear (ticks[i], *step);
          double py = g->bar_top + g->bar_height * (1 - (ticks[i] - lo) / (g->limit - lo));
          GrokBox box = grok_figure_text_box (cr, label, g->bar_left + g->bar_width + tick + gap,
                                              py, 0, 0.5, 0);
          fine = box.y0 >= last_bottom + gap;
          last_bottom = box.y1;
        }
      if (fine || target == 1)
        return fine ? count : MIN (count, 1);
    }
  return 0;
}

static void
grok_heatmap_draw_bar (cairo_t *cr, const GrokHeatmapGeometry *g, const GrokPalette *palette,
                       double tick, double gap)
{
  double ticks[16], step = 1, lo = g->sequential ? g->lo : -g->limit;
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
  grok_figure_layout_add_area (cr, g->bar_left, g->bar_top, g->bar_width, g->bar_height);
  grok_figure_set_color (cr, palette->foreground);
  cairo_stroke (cr);
  count = grok_heatmap_bar_ticks (cr, g, tick, gap, ticks, &step, G_N_ELEMENTS (ticks));
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *label = grok_plot_format_linear (ticks[i], step);
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

/* square cells for a square matrix; others as square as the room allows, but never stretched
 * more than 2 : 1 */
static void
grok_heatmap_fit (GrokHeatmapGeometry *g, double x0, double y0, double avail_w, double avail_h)
{
  double cw = avail_w / g->cols, ch = avail_h / g->rows, s = MIN (cw, ch);
  double stretch = g->rows == g->cols ? 1 : 2;

  cw = MIN (cw, stretch * s);
  ch = MIN (ch, stretch * s);
  g->width = cw * g->cols;
  g->height = ch * g->rows;
  g->left = x0 + (avail_w - g->width) / 2;
  g->top = y0 + (avail_h - g->height) / 2;
}

/* a label turned a quarter or level along `length`: at the text size, else down to 75%, else
 * left out (FALSE) */
static gboolean
grok_heatmap_fit_label (cairo_t *cr, const GrokFigureStyle *style, const char *label,
                        double length)
{
  double w;

  grok_figure_set_font (cr, style, style->font_size, FALSE);
  w = grok_figure_text_width (cr, label);
  if (w <= length)
    return TRUE;
  if (w * 0.75 > length)
    return FALSE;
  grok_figure_set_font (cr, style, style->font_size * length / w, FALSE);
  return TRUE;
}

/* the room around the matrix (left, right) at the style's text size */
static double
grok_heatmap_margins (cairo_t *cr, const GrokFigureStyle *style, guint rows, double lo,
                      double limit)
{
  double fs = style->font_size * style->scale, label_h, digits_w;

  grok_figure_set_font (cr, style, style->font_size, FALSE);
  label_h = grok_figure_text_height (cr);
  digits_w = grok_figure_text_width (cr, "0") * (rows >= 1000 ? 4 : rows >= 100 ? 3 : rows >= 10 ? 2 : 1);
  return 0.6 * fs + label_h * 1.3 + 0.6 * fs + digits_w + 3 * style->scale
         + 1.9 * fs + 3 * style->scale + 0.3 * fs + grok_heatmap_bar_label_width (cr, lo, limit)
         + 0.5 * fs + 1.2 * fs + 0.3 * fs;
}

static void heatmap_draw_fitted (cairo_t *cr, double x, double y, double width, double height,
                                 cairo_surface_t *matrix, gboolean sequential, double lo,
                                 double limit, const GrokHeatmapAxes *axes, const char *title,
                                 const char *bar_label, const GrokFigureStyle *style,
                                 GrokHeatmapGeometry *geometry_out);

/* in a panel too narrow for the matrix and the text around it at the figure's text size, the
 * text is smaller (to 60%), so the matrix keeps at least half the width */
static void
heatmap_fit_style (cairo_t *cr, const GrokFigureStyle *style, guint rows, double lo_bar,
                   double hi_bar, double width, GrokFigureStyle *fitted)
{
  double margins;

  *fitted = *style;
  cairo_save (cr);
  margins = grok_heatmap_margins (cr, fitted, rows, lo_bar, hi_bar);
  if (margins > 0.5 * width)
    {
      fitted->font_size = MAX (style->font_size * 0.5 * width / margins, 0.6 * style->font_size);
      fitted->line_width = style->line_width;
    }
  cairo_restore (cr);
}

static void
heatmap_draw (cairo_t *cr, double x, double y, double width, double height,
              cairo_surface_t *matrix, gboolean sequential, double lo, double limit,
              const GrokHeatmapAxes *axes, const char *title, const char *bar_label,
              const GrokFigureStyle *style, GrokHeatmapGeometry *geometry_out)
{
  GrokFigureStyle fitted;
  double lo_bar = sequential ? lo : -(limit > 0 ? limit : 1), hi_bar = limit > lo_bar ? limit : lo_bar + 1;
  guint rows = (guint) cairo_image_surface_get_height (matrix);

  heatmap_fit_style (cr, style, rows, lo_bar, hi_bar,
                     axes != NULL && axes->fit_width > 0 ? axes->fit_width : width, &fitted);
  heatmap_draw_fitted (cr, x, y, width, height, matrix, sequential, lo, limit, axes, title,
                       bar_label, &fitted, geometry_out);
}

double
grok_figure_heatmap_bar_room (cairo_t *cr, const GrokFigureStyle *style, guint rows,
                              double lo, double limit, double fit_width)
{
  GrokFigureStyle fitted;
  double fs, pad, w;

  heatmap_fit_style (cr, style, rows, lo, limit, fit_width, &fitted);
  fs = fitted.font_size * fitted.scale;
  pad = 0.6 * fs;
  cairo_save (cr);
  grok_figure_set_font (cr, &fitted, fitted.font_size, FALSE);
  w = grok_heatmap_bar_label_width (cr, lo, limit);
  cairo_restore (cr);
  /* the right margin with a bar (heatmap_draw_fitted's) less the one without */
  return 1.0 * fs + 0.9 * fs + 3 * fitted.scale + 0.3 * fs + w + 0.5 * fs + 1.2 * fs
         + 0.5 * pad - pad;
}

static void
heatmap_draw_fitted (cairo_t *cr, double x, double y, double width, double height,
                     cairo_surface_t *matrix, gboolean sequential, double lo, double limit,
                     const GrokHeatmapAxes *axes, const char *title, const char *bar_label,
                     const GrokFigureStyle *style, GrokHeatmapGeometry *geometry_out)
{
  GrokHeatmapGeometry g = { 0 };
  GrokPalette palette;
  GrokBox panel = { x, y, x + width, y + height };
  double u, fs, pad, tick, gap, label_h, left, right, top, bottom, digits_w, title_size = 0;
  double bar_labels_w, line_h = 0;
  char *title_lines[2] = { NULL, NULL };
  const char *row_label = axes && axes->row_label ? axes->row_label
                                                   : sequential ? "point" : "row (output)";
  const char *col_label = axes && axes->col_label ? axes->col_label
                                                   : sequential ? "point" : "column (input)";
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
  g.row_origin = axes ? axes->row_origin : 0;
  g.col_origin = axes ? axes->col_origin : 0;
  g.limit = sequential ? (limit > lo ? limit : lo + 1) : (limit > 0 ? limit : 1);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  if (title != NULL)
    {
      /* in the width the panel's text is sized for: a panel wider by its colour bar breaks
       * its title as its neighbours do */
      double room = axes != NULL && axes->fit_width > 0 ? MIN (width, axes->fit_width) : width;
      title_size = grok_figure_fit_text (cr, style, title, style->font_size * 1.1, TRUE,
                                         room - 2 * GROK_TITLE_MARGIN * fs, title_lines);
      grok_figure_set_font (cr, style, title_size, TRUE);
      line_h = grok_figure_text_height (cr) * 1.45;
    }
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  label_h = grok_figure_text_height (cr);
  digits_w = grok_figure_text_width (cr, "0") * (g.rows >= 1000 ? 4 : g.rows >= 100 ? 3 : g.rows >= 10 ? 2 : 1);
  if (g.row_origin < 0)
    digits_w += grok_figure_text_width (cr, "-");
  bar_labels_w = grok_heatmap_bar_label_width (cr, g.sequential ? g.lo : -g.limit, g.limit);
  left = pad + label_h * 1.3 + gap + digits_w + tick + gap;
  bottom = 0.5 * pad + label_h + tick + gap + label_h * 1.3 + gap;
  right = 1.0 * fs + 0.9 * fs + tick + gap + bar_labels_w + 0.5 * fs + 1.2 * fs + 0.5 * pad;
  if (axes != NULL && axes->no_bar)
    right = pad;
  top = pad + (title_lines[1] != NULL ? 2 : title != NULL ? 1 : 0) * line_h + 0.6 * label_h;
  grok_heatmap_fit (&g, x + left, y + top, MAX (width - left - right, 1),
                    MAX (height - top - bottom, 1));
  g.bar_left = g.left + g.width + 1.0 * fs;
  g.bar_width = axes != NULL && axes->no_bar ? 0 : 0.9 * fs;
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
  grok_figure_layout_add_area (cr, g.left, g.top, g.width, g.height);

  grok_figure_set_color (cr, palette.foreground);
  cairo_set_line_width (cr, 0.8 * u);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_stroke (cr);
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  grok_heatmap_draw_index_ticks (cr, &g, TRUE, tick, gap, &panel);
  grok_heatmap_draw_index_ticks (cr, &g, FALSE, tick, gap, &panel);
  /* the column label keeps left of the colour bar, which a flat matrix has beside it */
  if (grok_heatmap_fit_label (cr, style, col_label, g.bar_left - gap - x - 0.5 * pad))
    {
      double tw = grok_figure_text_width (cr, col_label);
      double cx = CLAMP (g.left + g.width / 2, x + 0.5 * pad + tw / 2, g.bar_left - gap - tw / 2);
      grok_figure_text (cr, col_label, cx, g.top + g.height + tick + gap + label_h * 1.6, 0.5, 0, 0);
    }
  /* beside the row numbers, however far the matrix is centred from the panel's edge */
  if (grok_heatmap_fit_label (cr, style, row_label, g.height))
    grok_figure_text (cr, row_label, MAX (x + pad, g.left - tick - 2 * gap - digits_w - 1.1 * fs),
                      g.top + g.height / 2, 0.5, 0, G_PI / 2);
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  if (g.bar_width > 0)
    grok_heatmap_draw_bar (cr, &g, &palette, tick, gap);
  /* what the colours are, turned a quarter beside the bar's labels */
  if (g.bar_width > 0 && bar_label != NULL &&
      grok_heatmap_fit_label (cr, style, bar_label, g.bar_height))
    grok_figure_text (cr, bar_label, g.bar_left + g.bar_width + tick + gap + bar_labels_w + 0.5 * fs,
                      g.bar_top + g.bar_height / 2, 0.5, 0, G_PI / 2);
  if (title != NULL)
    {
      grok_figure_set_font (cr, style, title_size, TRUE);
      grok_figure_set_color (cr, palette.foreground);
      for (guint i = 0; i < 2 && title_lines[i] != NULL; i++)
        {
          double tw = grok_figure_text_width (cr, title_lines[i]);
          double margin = GROK_TITLE_MARGIN * fs;
          double cx = CLAMP (g.left + g.width / 2, x + margin + tw / 2, x + width - margin - tw / 2);
          if (tw > width - 2 * margin)
            cx = x + width / 2;
          /* directly over the matrix (and its colour bar, taller than a flat matrix),
           * wherever the room centres it */
          double above = MIN (g.top, g.bar_width > 0 ? g.bar_top : g.top);
          grok_figure_text (cr, title_lines[i], cx, MAX (y + pad, above - (top - pad)) + i * line_h,
                            0.5, 0, 0);
          grok_figure_layout_mark_title (cr);
          g_free (title_lines[i]);
        }
    }
  cairo_restore (cr);
  if (geometry_out != NULL)
    *geometry_out = g;
}

void
grok_figure_heatmap_draw (cairo_t *cr, double x, double y, double width, double height,
                          cairo_surface_t *matrix, double limit, const char *title,
                          const char *bar_label, const GrokFigureStyle *style,
                          GrokHeatmapGeometry *geometry_out)
{
  heatmap_draw (cr, x, y, width, height, matrix, FALSE, 0, limit, NULL, title, bar_label, style,
                geometry_out);
}

void
grok_figure_heatmap_draw_sequential (cairo_t *cr, double x, double y, double width, double height,
                                     cairo_surface_t *matrix, double lo, double hi,
                                     const char *title, const char *bar_label,
                                     const GrokFigureStyle *style,
                                     GrokHeatmapGeometry *geometry_out)
{
  heatmap_draw (cr, x, y, width, height, matrix, TRUE, lo, hi, NULL, title, bar_label, style,
                geometry_out);
}

void
grok_figure_heatmap_draw_axes (cairo_t *cr, double x, double y, double width, double height,
                               cairo_surface_t *matrix, gboolean sequential, double lo,
                               double limit, const GrokHeatmapAxes *axes, const char *title,
                               const char *bar_label, const GrokFigureStyle *style,
                               GrokHeatmapGeometry *geometry_out)
{
  heatmap_draw (cr, x, y, width, height, matrix, sequential, lo, limit, axes, title, bar_label,
                style, geometry_out);
}
