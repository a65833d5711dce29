/* Drawing a plot as grok-plot-layout.c laid it out: the grid, bands and lines clipped to the
 * data area (each line's segments entered in the layout record), marker and cursor lines with
 * their labels in the strip above, left and bottom spines with outward ticks, and the legend. */
#include "grok-plot.h"
#include "grok-plot-private.h"

#include <math.h>
#include <string.h>

double
grok_plot_left_margin (cairo_t *cr, const GrokPlot *plot, const GrokFigureStyle *style,
                       double height)
{
  GrokPlotCtx c = { 0 };
  GrokPlotGeometry g = { 0 };
  GrokPlot alone;
  double left;

  g_return_val_if_fail (cr != NULL && plot != NULL && style != NULL, 0);

  c.style = style;
  c.u = style->scale;
  c.fs = style->font_size * style->scale;
  grok_figure_style_palette (style, &c.palette);
  alone = *plot;
  alone.min_left = 0;
  grok_plot_compute_limits (&alone, &g);
  cairo_save (cr);
  /* the panel's own width does not change what its y axis needs */
  grok_plot_layout (cr, &c, &alone, 0, 0, MAX (height * 1.6, 1), height, &g);
  cairo_restore (cr);
  left = g.left;
  grok_plot_ctx_clear (&c);
  return left;
}

static void
grok_plot_draw_grid (cairo_t *cr, GrokPlotCtx *c, const GrokPlotGeometry *g)
{
  grok_figure_set_color (cr, c->palette.grid);
  cairo_set_line_width (cr, 0.6 * c->u);
  for (guint i = 0; i < c->xt.major->len; i++)
    {
      double px = round (grok_plot_geometry_x_to_px (g, g_array_index (c->xt.major, double, i)));
      cairo_move_to (cr, px + 0.5, g->top);
      cairo_line_to (cr, px + 0.5, g->top + g->height);
    }
  for (guint i = 0; i < c->yt.major->len; i++)
    {
      double py = round (grok_plot_geometry_y_to_px (g, g_array_index (c->yt.major, double, i)));
      cairo_move_to (cr, g->left, py + 0.5);
      cairo_line_to (cr, g->left + g->width, py + 0.5);
    }
  cairo_stroke (cr);
}

/* a log x axis draws positive x, and 0 where it has the slot for it */
gboolean
grok_plot_x_drawable (const GrokPlotGeometry *g, double x)
{
  return !g->x_log || x > 0 || (x == 0 && g->x_zero);
}

/* clamped far outside the area so Cairo's fixed-point coordinates never overflow */
gboolean
grok_plot_point (const GrokPlotGeometry *g, const double *xs, const double *ys, gsize i,
                 double *px, double *py)
{
  double limit = 1e6;

  if (!isfinite (xs[i]) || !isfinite (ys[i]) || (g->x_log && !grok_plot_x_drawable (g, xs[i]))
      || (g->y_log && ys[i] <= 0))
    return FALSE;
  *px = CLAMP (grok_plot_geometry_x_to_px (g, xs[i]), -limit, limit);
  *py = CLAMP (grok_plot_geometry_y_to_px (g, ys[i]), -limit, limit);
  return TRUE;
}

/* one translucent polygon per unbroken run of points where both y_lo and y_hi are drawable */
static void
grok_plot_draw_band (cairo_t *cr, const GrokSeries *s, const GrokPlotGeometry *g)
{
  gsize i = 0;

  while (i < s->n)
    {
      gsize start, end;
      double px, py;

      while (i < s->n && !(grok_plot_point (g, s->x, s->y_lo, i, &px, &py)
                           && grok_plot_point (g, s->x, s->y_hi, i, &px, &py)))
        i++;
      start = i;
      while (i < s->n && grok_plot_point (g, s->x, s->y_lo, i, &px, &py)
             && grok_plot_point (g, s->x, s->y_hi, i, &px, &py))
        i++;
      end = i;
      if (end <= start)
        continue;
      for (gsize k = start; k < end; k++)
        {
          grok_plot_point (g, s->x, s->y_hi, k, &px, &py);
          cairo_line_to (cr, px, py);
        }
      for (gsize k = end; k-- > start;)
        {
          grok_plot_point (g, s->x, s->y_lo, k, &px, &py);
          cairo_line_to (cr, px, py);
        }
      cairo_close_path (cr);
    }
  cairo_set_source_rgba (cr, s->color.r, s->color.g, s->color.b, 0.22 * s->color.a);
  cairo_fill (cr);
}

static void
grok_plot_set_dash (cairo_t *cr, GrokPlotCtx *c, gboolean dashed)
{
  double dash[] = { 4.0 * c->u, 2.5 * c->u };
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
}

/* the part of a segment inside the data area goes into the layout record */
static void
grok_plot_record_segment (cairo_t *cr, const GrokPlotGeometry *g, double x0, double y0,
                          double x1, double y1)
{
  GrokBox area = { g->left, g->top, g->left + g->width, g->top + g->height };

  if (grok_box_clip_segment (&area, &x0, &y0, &x1, &y1))
    grok_figure_layout_add_segment (cr, x0, y0, x1, y1);
}

double
grok_plot_dot_radius (const GrokPlotCtx *c)
{
  return 1.3 * c->style->line_width * c->u;
}

/* a dot per drawable point, each an area of data in the layout record */
static void
grok_plot_draw_points (cairo_t *cr, GrokPlotCtx *c, const GrokSeries *s, const GrokPlotGeometry *g)
{
  double r = grok_plot_dot_radius (c);

  for (gsize i = 0; i < s->n; i++)
    {
      double px, py;
      if (!grok_plot_point (g, s->x, s->y, i, &px, &py))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, r, 0, 2 * G_PI);
      grok_figure_set_color (cr, s->point_colors != NULL ? s->point_colors[i] : s->color);
      if (s->hollow)
        {
          cairo_set_line_width (cr, 0.8 * c->u);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
      if (grok_plot_geometry_contains (g, px, py))
        grok_figure_layout_add_area (cr, px - r, py - r, 2 * r, 2 * r);
    }
}

static void
grok_plot_draw_line (cairo_t *cr, GrokPlotCtx *c, const GrokSeries *s, const GrokPlotGeometry *g)
{
  gboolean pen_down = FALSE;
  gsize n_drawn = 0, last = 0;
  double qx = 0, qy = 0;

  for (gsize i = 0; i < s->n; i++)
    {
      double px, py;
      if (!grok_plot_point (g, s->x, s->y, i, &px, &py))
        {
          pen_down = FALSE;   /* a gap in the data is a gap in the line */
          continue;
        }
      if (pen_down)
        {
          cairo_line_to (cr, px, py);
          grok_plot_record_segment (cr, g, qx, qy, px, py);
        }
      else
        cairo_move_to (cr, px, py);
      pen_down = TRUE;
      qx = px, qy = py;
      n_drawn++;
      last = i;
    }
  grok_figure_set_color (cr, s->color);
  cairo_set_line_width (cr, c->style->line_width * c->u);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  grok_plot_set_dash (cr, c, s->dashed);
  cairo_stroke (cr);
  grok_plot_set_dash (cr, c, FALSE);
  if (n_drawn == 1)
    {
      /* a lone point has no segment to stroke: show it as a dot */
      double px, py, r = 1.5 * c->style->line_width * c->u;
      grok_plot_point (g, s->x, s->y, last, &px, &py);
      cairo_arc (cr, px, py, r, 0, 2 * G_PI);
      cairo_fill (cr);
      grok_plot_record_segment (cr, g, px - r, py, px + r, py);
    }
}

/* dashed vertical lines; their labels are the strip's */
static void
grok_plot_draw_markers (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                        const GrokPlotGeometry *g)
{
  for (guint m = 0; m < plot->n_markers; m++)
    {
      double mx = plot->markers_x[m], px;

      if (!isfinite (mx) || !grok_plot_x_drawable (g, mx))
        continue;
      px = grok_plot_geometry_x_to_px (g, mx);
      if (px < g->left || px > g->left + g->width)
        continue;
      grok_figure_set_color (cr, c->palette.muted);
      cairo_set_line_width (cr, 0.8 * c->u);
      grok_plot_set_dash (cr, c, TRUE);
      cairo_move_to (cr, px, g->top);
      cairo_line_to (cr, px, g->top + g->height);
      cairo_stroke (cr);
      grok_plot_set_dash (cr, c, FALSE);
    }
}

/* the cursor: a solid line across the data area */
static void
grok_plot_draw_cursor (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                       const GrokPlotGeometry *g)
{
  double px;

  if (!plot->show_cursor || !isfinite (plot->cursor_x) || !grok_plot_x_drawable (g, plot->cursor_x))
    return;
  px = grok_plot_geometry_x_to_px (g, plot->cursor_x);
  if (px < g->left - 0.5 || px > g->left + g->width + 0.5)
    return;
  grok_figure_set_color (cr, c->palette.foreground);
  cairo_set_line_width (cr, 1.2 * c->u);
  cairo_move_to (cr, px, g->top);
  cairo_line_to (cr, px, g->top + g->height);
  cairo_stroke (cr);
}

/* the markers' and the cursor's labels, each beside the top of its line's extension */
static void
grok_plot_draw_strip (cairo_t *cr, GrokPlotCtx *c)
{
  for (guint i = 0; i < c->n_strip; i++)
    {
      const GrokStripLabel *l = &c->strip[i];
      grok_figure_set_font (cr, c->style, c->strip_size, l->bold);
      grok_figure_set_color (cr, l->bold ? c->palette.foreground : c->palette.muted);
      grok_figure_text (cr, l->text, l->x, l->y, 0, 0, 0);
    }
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

static void
grok_plot_tick_marks (cairo_t *cr, GArray *at, const GrokPlotGeometry *g, gboolean x_axis,
                      double length)
{
  for (guint i = 0; i < at->len; i++)
    {
      double v = g_array_index (at, double, i);
      if (x_axis)
        {
          double px = grok_plot_geometry_x_to_px (g, v);
          cairo_move_to (cr, px, g->top + g->height);
          cairo_line_to (cr, px, g->top + g->height + length);
          grok_figure_layout_add_tick (cr, px, g->top + g->height);
        }
      else
        {
          double py = grok_plot_geometry_y_to_px (g, v);
          cairo_move_to (cr, g->left, py);
          cairo_line_to (cr, g->left - length, py);
          grok_figure_layout_add_tick (cr, g->left, py);
        }
    }
}

/* the x label centred under the data area, smaller where the panel is narrower than it */
static void
grok_plot_draw_x_label (cairo_t *cr, GrokPlotCtx *c, const char *label, const GrokPlotGeometry *g,
                        double y)
{
  double tw = grok_figure_text_width (cr, label), room = c->panel_w - 0.6 * c->fs, cx;

  if (tw > room && tw > 0)
    {
      grok_figure_set_font (cr, c->style, c->style->font_size * room / tw, FALSE);
      tw = grok_figure_text_width (cr, label);
    }
  cx = CLAMP (g->left + g->width / 2, c->panel_x + 0.3 * c->fs + tw / 2,
              c->panel_x + c->panel_w - 0.3 * c->fs - tw / 2);
  grok_figure_text (cr, label, cx, y, 0.5, 0, 0);
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

/* left and bottom spines with outward ticks, tick labels, axis labels */
static void
grok_plot_draw_axes (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, const GrokPlotGeometry *g)
{
  double tick = 3.5 * c->u, gap = 0.3 * c->fs, bottom = g->top + g->height, label_h;

  if (g->x_zero)
    {
      /* the gap between the break's strokes on the page's colour: a line from 0 across it is
       * broken there too, and the mark stays in sight */
      double bx = grok_plot_geometry_zero_break (g), half = 2.0 * c->u, h = 3.5 * c->u;
      cairo_move_to (cr, bx - half - 0.6 * h, bottom + h);
      cairo_line_to (cr, bx - half + 0.6 * h, bottom - h);
      cairo_line_to (cr, bx + half + 0.6 * h, bottom - h);
      cairo_line_to (cr, bx + half - 0.6 * h, bottom + h);
      cairo_close_path (cr);
      grok_figure_set_color (cr, c->palette.background);
      cairo_fill (cr);
    }
  grok_figure_set_color (cr, c->palette.foreground);
  cairo_set_line_width (cr, 0.8 * c->u);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to (cr, g->left, g->top);
  cairo_line_to (cr, g->left, bottom);
  if (g->x_zero)
    {
      /* the axis break: the spine stops either side of it, crossed by two slanted strokes */
      double bx = grok_plot_geometry_zero_break (g), half = 2.0 * c->u, h = 3.5 * c->u;
      cairo_line_to (cr, bx - half, bottom);
      cairo_move_to (cr, bx + half, bottom);
      cairo_line_to (cr, g->left + g->width, bottom);
      for (int side = -1; side <= 1; side += 2)
        {
          cairo_move_to (cr, bx + side * half - 0.6 * h, bottom + h);
          cairo_line_to (cr, bx + side * half + 0.6 * h, bottom - h);
        }
    }
  else
    cairo_line_to (cr, g->left + g->width, bottom);
  grok_figure_layout_begin_axis (cr, TRUE);
  grok_plot_tick_marks (cr, c->xt.major, g, TRUE, tick);
  grok_plot_tick_marks (cr, c->xt.minor, g, TRUE, 2.0 * c->u);
  grok_figure_layout_begin_axis (cr, FALSE);
  grok_plot_tick_marks (cr, c->yt.major, g, FALSE, tick);
  grok_plot_tick_marks (cr, c->yt.minor, g, FALSE, 2.0 * c->u);
  cairo_stroke (cr);

  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  label_h = grok_figure_text_height (cr);
  for (guint i = 0; i < c->xt.major->len; i++)
    {
      grok_figure_text (cr, g_ptr_array_index (c->xt.labels, i),
                        grok_plot_geometry_x_to_px (g, g_array_index (c->xt.major, double, i)),
                        bottom + tick + gap, 0.5, 0, 0);
      grok_figure_layout_mark_role (cr, GROK_TEXT_TICK);
    }
  for (guint i = 0; i < c->yt.major->len; i++)
    {
      grok_figure_text (cr, g_ptr_array_index (c->yt.labels, i), g->left - tick - gap,
                        grok_plot_geometry_y_to_px (g, g_array_index (c->yt.major, double, i)),
                        1, 0.5, 0);
      grok_figure_layout_mark_role (cr, GROK_TEXT_TICK);
    }
  if (plot->x_label != NULL && !c->no_x_label)
    grok_plot_draw_x_label (cr, c, plot->x_label, g, bottom + tick + gap + label_h * 1.9);
  /* from the panel's edge, not from the tick labels, so stacked panels share the line; only
   * where the data area is tall enough for it */
  if (plot->y_label != NULL && c->y_label_size > 0)
    {
      grok_figure_set_font (cr, c->style, c->y_label_size, FALSE);
      grok_figure_text (cr, plot->y_label, c->panel_x + 0.6 * c->fs, g->top + g->height / 2,
                        0.5, 0, G_PI / 2);
      grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
    }
}

static void
grok_plot_draw_legend (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot)
{
  double sample, pad, row_h;

  if (c->legend == GROK_LEGEND_NONE)
    return;
  grok_plot_legend_metrics (cr, c, &sample, &pad, &row_h);
  cairo_rectangle (cr, c->legend_x, c->legend_y, c->legend_w, c->legend_h);
  grok_figure_set_color (cr, c->palette.background);
  cairo_fill_preserve (cr);
  grok_figure_set_color (cr, c->palette.grid);
  cairo_set_line_width (cr, 0.6 * c->u);
  if (c->legend == GROK_LEGEND_INSIDE)
    cairo_stroke (cr);
  else
    cairo_new_path (cr);
  for (guint s = 0, k = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      guint row = k / c->legend_cols, col = k % c->legend_cols;
      double cy = c->legend_y + pad / 2 + (row + 0.5) * row_h;
      double sx = c->legend_x + pad + col * c->legend_col_w;
      if (series->label == NULL)
        continue;
      if (series->y_lo != NULL && series->y_hi != NULL)
        {
          cairo_rectangle (cr, sx, cy - 0.3 * row_h, sample, 0.6 * row_h);
          cairo_set_source_rgba (cr, series->color.r, series->color.g, series->color.b, 0.22);
          cairo_fill (cr);
        }
      grok_figure_set_color (cr, series->color);
      if (series->points)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, sx + sample / 2, cy, grok_plot_dot_radius (c), 0, 2 * G_PI);
          cairo_set_line_width (cr, 0.8 * c->u);
          if (series->hollow)
            cairo_stroke (cr);
          else
            cairo_fill (cr);
        }
      else
        {
          cairo_set_line_width (cr, c->style->line_width * c->u);
          grok_plot_set_dash (cr, c, series->dashed);
          cairo_move_to (cr, sx, cy);
          cairo_line_to (cr, sx + sample, cy);
          cairo_stroke (cr);
          grok_plot_set_dash (cr, c, FALSE);
        }
      grok_figure_set_color (cr, c->palette.foreground);
      grok_figure_text (cr, series->label, sx + sample + pad, cy, 0, 0.5, 0);
      grok_figure_layout_mark_role (cr, GROK_TEXT_LEGEND);
      k++;
    }
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

static void
grok_plot_draw_title (cairo_t *cr, GrokPlotCtx *c)
{
  double line_h;

  grok_figure_set_font (cr, c->style, c->title_size, TRUE);
  line_h = grok_figure_text_height (cr) * 1.45;
  grok_figure_set_color (cr, c->palette.foreground);
  for (guint i = 0; i < c->n_title_lines; i++)
    {
      grok_figure_text (cr, c->title_lines[i], c->title_cx[i],
                        c->panel_y + 0.6 * c->fs + i * line_h, 0.5, 0, 0);
      grok_figure_layout_mark_title (cr);
    }
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

guint
grok_figure_grid_columns (guint n, double width, double height, double aspect)
{
  guint best = 1;
  double best_side = 0;

  for (guint cols = 1; cols <= n; cols++)
    {
      guint rows = (n + cols - 1) / cols;
      double side = MIN (width / cols / aspect, height / rows);
      if (side > best_side)
        {
          best_side = side;
          best = cols;
        }
    }
  return best;
}

void
grok_figure_grid_cell (guint n, guint cols, guint i, double x, double y, double width,
                       double height, double *cx, double *cy, double *cw, double *ch)
{
  guint rows = (n + cols - 1) / cols, row = i / cols, in_row;

  g_return_if_fail (cols > 0 && i < n);

  in_row = row + 1 < rows ? cols : n - row * cols;
  *ch = height / rows;
  *cy = y + row * *ch;
  *cw = width / in_row;
  *cx = x + (i - row * cols) * *cw;
}

void
grok_plot_init (GrokPlot *plot)
{
  g_return_if_fail (plot != NULL);

  *plot = (GrokPlot) { 0 };
  plot->x_min = plot->x_max = plot->y_min = plot->y_max = NAN;
}

void
grok_plot_draw (cairo_t *cr, double x, double y, double width, double height,
                const GrokPlot *plot, const GrokFigureStyle *style, GrokPlotGeometry *geometry_out)
{
  GrokPlotCtx c = { 0 };
  GrokPlotGeometry g = { 0 };
  gboolean have_data;

  g_return_if_fail (cr != NULL && plot != NULL && style != NULL);
  g_return_if_fail (plot->n_series == 0 || plot->series != NULL);
  g_return_if_fail (plot->n_markers == 0 || plot->markers_x != NULL);

  c.style = style;
  c.u = style->scale;
  c.fs = style->font_size * style->scale;
  grok_figure_style_palette (style, &c.palette);
  /* a plot whose four limits are given has its area whatever its series (a map drawn over
   * it, with series for its legend only) */
  have_data = grok_plot_compute_limits (plot, &g)
              || (!isnan (plot->x_min) && !isnan (plot->x_max) && !isnan (plot->y_min)
                  && !isnan (plot->y_max) && plot->empty_text == NULL);

  cairo_save (cr);
  /* nothing of a panel reaches into its neighbours */
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip_preserve (cr);
  grok_figure_set_color (cr, c.palette.background);
  cairo_fill (cr);
  if (!have_data)
    c.legend = GROK_LEGEND_NONE;
  grok_plot_layout (cr, &c, have_data ? plot : &(GrokPlot) { .title = plot->title,
                                                             .x_label = plot->x_label,
                                                             .y_label = plot->y_label,
                                                             .hide_legend = TRUE,
                                                             .min_left = plot->min_left },
                    x, y, width, height, &g);
  grok_figure_layout_add_plot (cr, x, y, width, height, g.left, g.top, g.width, g.height);
  grok_plot_draw_grid (cr, &c, &g);

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  for (guint s = 0; s < plot->n_series; s++)
    if (plot->series[s].y_lo != NULL && plot->series[s].y_hi != NULL)
      grok_plot_draw_band (cr, &plot->series[s], &g);
  for (guint s = 0; s < plot->n_series; s++)
    if (plot->series[s].points)
      grok_plot_draw_points (cr, &c, &plot->series[s], &g);
    else
      grok_plot_draw_line (cr, &c, &plot->series[s], &g);
  cairo_restore (cr);

  grok_plot_draw_markers (cr, &c, plot, &g);
  grok_plot_draw_cursor (cr, &c, plot, &g);
  grok_plot_draw_axes (cr, &c, plot, &g);
  if (plot->title != NULL)
    grok_plot_draw_title (cr, &c);
  grok_plot_draw_strip (cr, &c);
  if (have_data)
    grok_plot_draw_legend (cr, &c, plot);
  if (have_data && plot->note != NULL && c.note_size > 0)
    {
      double m = 0.15 * c.fs;
      /* on the page's colour: a marker line it may cross passes behind it, not through it */
      cairo_rectangle (cr, c.note_x - m, c.note_y - m, c.note_w + 2 * m, c.note_h + 2 * m);
      grok_figure_set_color (cr, c.palette.background);
      cairo_fill (cr);
      grok_figure_set_font (cr, c.style, c.note_size, FALSE);
      grok_figure_set_color (cr, c.palette.foreground);
      if (c.note_split > 0)
        {
          g_autofree char *first = g_strndup (plot->note, c.note_split);
          grok_figure_text (cr, first, c.note_x, c.note_y, 0, 0, 0);
          grok_figure_text (cr, plot->note + c.note_split + 1, c.note_x,
                            c.note_y + 1.45 * grok_figure_text_height (cr), 0, 0, 0);
        }
      else
        grok_figure_text (cr, plot->note, c.note_x, c.note_y, 0, 0, 0);
    }
  if (!have_data && plot->empty_text != NULL)
    {
      grok_figure_set_font (cr, c.style, c.style->font_size, FALSE);
      grok_figure_set_color (cr, c.palette.muted);
      grok_figure_text (cr, plot->empty_text, g.left + g.width / 2, g.top + g.height / 2,
                        0.5, 0.5, 0);
    }
  cairo_restore (cr);
  grok_plot_ctx_clear (&c);
  if (geometry_out != NULL)
    *geometry_out = g;
}
