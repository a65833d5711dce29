/* Drawing a plot: the layout of margins from the measured tick labels, the grid, bands and
 * lines clipped to the data area, marker lines with staggered labels, left and bottom spines
 * with outward ticks, and a legend placed in the corner that hides the fewest points. */
#include "grok-plot.h"
#include "grok-plot-private.h"

#include <math.h>
#include <string.h>

#define GROK_MAX_TICKS 64

typedef struct
{
  GArray    *major;    /* double: labelled ticks, with grid lines */
  GPtrArray *labels;   /* char *, one per major tick */
  GArray    *minor;    /* double: short unlabelled ticks */
} GrokTicks;

static void
grok_ticks_clear (GrokTicks *t)
{
  g_clear_pointer (&t->major, g_array_unref);
  g_clear_pointer (&t->labels, g_ptr_array_unref);
  g_clear_pointer (&t->minor, g_array_unref);
}

static void
grok_ticks_add (GrokTicks *t, double v, char *label)
{
  g_array_append_val (t->major, v);
  g_ptr_array_add (t->labels, label);
}

/* integer: a linear axis of whole numbers (indices) gets no ticks between them */
static void
grok_ticks_build (GrokTicks *t, double lo, double hi, gboolean log_scale, gboolean integer,
                  guint target)
{
  t->major = g_array_new (FALSE, FALSE, sizeof (double));
  t->labels = g_ptr_array_new_with_free_func (g_free);
  t->minor = g_array_new (FALSE, FALSE, sizeof (double));
  if (!log_scale)
    {
      double ticks[GROK_MAX_TICKS], step = 1;
      guint n = grok_plot_linear_ticks (lo, hi, target, ticks, GROK_MAX_TICKS, &step);
      for (guint i = 0; i < n; i++)
        if (!integer || ticks[i] == round (ticks[i]))
          grok_ticks_add (t, ticks[i], grok_plot_format_linear (ticks[i], MAX (step, integer ? 1 : 0)));
      return;
    }
  grok_plot_log_ticks (lo, hi, target, t->major, t->minor);
  if (t->major->len >= 2)
    {
      for (guint i = 0; i < t->major->len; i++)
        g_ptr_array_add (t->labels, grok_plot_format_decade (g_array_index (t->major, double, i)));
      return;
    }
  /* less than two decades in view: label the 1s, 2s and 5s, or the axis cannot be read;
   * where there is no room for that many, the 1s alone when they are two */
  g_array_set_size (t->major, 0);
  for (int ladder = 5; ladder >= 1; ladder -= 4)
    {
      g_array_set_size (t->major, 0);
      g_ptr_array_set_size (t->labels, 0);
      for (int e = (int) floor (log10 (lo)); e <= (int) ceil (log10 (hi)); e++)
        for (int m = 1; m <= ladder; m += m == 1 ? 1 : 3)
          {
            double v = m * pow (10.0, e);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
              grok_ticks_add (t, v, grok_plot_format_log_minor (v));
          }
      if (t->major->len >= 2 && (t->major->len <= target || ladder == 1))
        return;
    }
  if (t->major->len >= 2)
    return;
  /* a sliver of a decade (0.55 .. 0.95): plain 1-2-5 ticks, unevenly spaced on the log scale */
  g_array_set_size (t->major, 0);
  g_ptr_array_set_size (t->labels, 0);
  {
    double ticks[GROK_MAX_TICKS], step = 1;
    guint n = grok_plot_linear_ticks (lo, hi, target, ticks, GROK_MAX_TICKS, &step);
    for (guint i = 0; i < n; i++)
      grok_ticks_add (t, ticks[i], grok_plot_format_linear (ticks[i], step));
  }
}

#define GROK_MAX_MARKER_LABELS 16

typedef struct
{
  const GrokFigureStyle *style;
  GrokPalette palette;
  double      u;          /* one point in device units */
  double      fs;         /* the font size in device units */
  double      panel_x;    /* the plot's rectangle */
  double      panel_y, panel_h;
  gboolean    legend_outside;  /* the layout left room for the legend right of the data */
  GrokTicks   xt, yt;
  double      labels[GROK_MAX_MARKER_LABELS][4];   /* the marker labels' boxes: x0 y0 x1 y1 */
  guint       n_labels;
} GrokPlotCtx;

/* the room left of the data area: y label, tick labels, ticks; builds the y ticks */
static double
grok_plot_left_needed (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                       const GrokPlotGeometry *g, double height)
{
  double pad = 0.6 * c->fs, tick = 3.5 * c->u, max_w = 0;

  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  grok_ticks_build (&c->yt, g->y_min, g->y_max, g->y_log, FALSE,
                    CLAMP ((guint) (height / (3.2 * c->fs)), 2, 8));
  for (guint i = 0; i < c->yt.labels->len; i++)
    max_w = MAX (max_w, grok_figure_text_width (cr, g_ptr_array_index (c->yt.labels, i)));
  return pad + max_w + tick + 0.5 * pad
         + (plot->y_label != NULL ? grok_figure_text_height (cr) * 1.3 + pad : 0);
}

/* the width of the legend box at its full text size; 0 without one */
static double
grok_plot_legend_width (cairo_t *cr, const GrokPlotCtx *c, const GrokPlot *plot)
{
  double sample = 1.8 * c->fs, pad = 0.45 * c->fs, text_w = 0;
  guint n = 0;

  if (plot->hide_legend)
    return 0;
  grok_figure_set_font (cr, c->style, c->style->font_size * 0.9, FALSE);
  for (guint s = 0; s < plot->n_series; s++)
    if (plot->series[s].label != NULL)
      {
        text_w = MAX (text_w, grok_figure_text_width (cr, plot->series[s].label));
        n++;
      }
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  return n ? pad + sample + pad + text_w + pad : 0;
}

/* margins from what will be drawn in them; fills the data area of g */
static void
grok_plot_layout (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, double x, double y,
                  double width, double height, GrokPlotGeometry *g)
{
  double pad = 0.6 * c->fs, tick = 3.5 * c->u, label_h, last_w = 0;
  double left, right, top, bottom;

  left = MAX (grok_plot_left_needed (cr, c, plot, g, height), plot->min_left);
  label_h = grok_figure_text_height (cr);
  bottom = pad + label_h + tick + 0.5 * pad + (plot->x_label != NULL ? label_h * 1.3 + pad : 0);
  top = pad + 0.5 * label_h;
  if (plot->title != NULL)
    {
      grok_figure_set_font (cr, c->style, c->style->font_size * 1.1, TRUE);
      top = pad + grok_figure_text_height (cr) * 1.3 + pad;
      grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
    }
  /* decade labels are short, so a log axis can carry more of them */
  grok_ticks_build (&c->xt, g->x_min, g->x_max, g->x_log, plot->x_integer,
                    CLAMP ((guint) ((width - left) / ((g->x_log ? 3.5 : 6.5) * c->fs)), 2, 10));
  if (g->x_zero)
    {
      double zero = 0;
      g_array_prepend_val (c->xt.major, zero);
      g_ptr_array_insert (c->xt.labels, 0, g_strdup ("0"));
    }
  if (c->xt.labels->len > 0)
    last_w = grok_figure_text_width (cr, g_ptr_array_index (c->xt.labels, c->xt.labels->len - 1));
  right = MAX (pad * 1.5, 0.5 * last_w + 0.5 * pad);
  /* a legend beside the data needs the data area to keep at least half the panel */
  c->legend_outside = FALSE;
  if (plot->legend_outside)
    {
      double lw = grok_plot_legend_width (cr, c, plot);
      if (lw > 0 && width - left - right - lw - pad >= 0.5 * width)
        {
          right += lw + pad;
          c->legend_outside = TRUE;
        }
    }
  c->panel_x = x;
  c->panel_y = y;
  c->panel_h = height;
  g->left = x + left;
  g->top = y + top;
  g->width = MAX (width - left - right, 1.0);
  g->height = MAX (height - top - bottom, 1.0);
}

double
grok_plot_left_margin (cairo_t *cr, const GrokPlot *plot, const GrokFigureStyle *style,
                       double height)
{
  GrokPlotCtx c = { 0 };
  GrokPlotGeometry g = { 0 };
  double left;

  g_return_val_if_fail (cr != NULL && plot != NULL && style != NULL, 0);

  c.style = style;
  c.u = style->scale;
  c.fs = style->font_size * style->scale;
  grok_plot_compute_limits (plot, &g);
  cairo_save (cr);
  left = grok_plot_left_needed (cr, &c, plot, &g, height);
  cairo_restore (cr);
  grok_ticks_clear (&c.yt);
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
static gboolean
grok_plot_x_drawable (const GrokPlotGeometry *g, double x)
{
  return !g->x_log || x > 0 || (x == 0 && g->x_zero);
}

/* device coordinates of point i, FALSE when a log axis or a NAN makes it undrawable;
 * clamped far outside the area so Cairo's fixed-point coordinates never overflow */
static gboolean
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

static void
grok_plot_draw_line (cairo_t *cr, GrokPlotCtx *c, const GrokSeries *s, const GrokPlotGeometry *g)
{
  gboolean pen_down = FALSE;
  gsize n_drawn = 0, last = 0;

  for (gsize i = 0; i < s->n; i++)
    {
      double px, py;
      if (!grok_plot_point (g, s->x, s->y, i, &px, &py))
        {
          pen_down = FALSE;   /* a gap in the data is a gap in the line */
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen_down = TRUE;
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
      double px, py;
      grok_plot_point (g, s->x, s->y, last, &px, &py);
      cairo_arc (cr, px, py, 1.5 * c->style->line_width * c->u, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/* text on a translucent patch of background, readable where it crosses a curve */
static void
grok_plot_halo_text (cairo_t *cr, GrokPlotCtx *c, const char *text, double x, double y,
                     double ax, double ay, double angle)
{
  double w = grok_figure_text_width (cr, text), h = grok_figure_text_height (cr), m = 0.15 * c->fs;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, -angle);
  cairo_rectangle (cr, -ax * w - m, -ay * h - m, w + 2 * m, h + 2 * m);
  grok_figure_set_color (cr, (GrokRgba) { c->palette.background.r, c->palette.background.g,
                                          c->palette.background.b, 0.8 });
  cairo_fill (cr);
  cairo_restore (cr);
  grok_figure_set_color (cr, c->palette.muted);
  grok_figure_text (cr, text, x, y, ax, ay, angle);
}

/* how much of the plot's data falls inside a box: its points, and points along the segments
 * between them, so that a line crossing the box counts though no point lies in it. Labels and
 * the legend go where this is least. */
static guint
grok_plot_points_in_box (const GrokPlot *plot, const GrokPlotGeometry *g, double x0, double y0,
                         double x1, double y1)
{
  guint count = 0;

  for (guint s = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      gsize stride = MAX (series->n / 400, 1);   /* a sample is plenty to choose a place */
      gboolean have_prev = FALSE;
      double prev[3] = { 0 };

      for (gsize i = 0; i < series->n; i += stride)
        {
          double px, py, top, bottom, qx, q;
          if (!grok_plot_point (g, series->x, series->y, i, &px, &py))
            {
              have_prev = FALSE;
              continue;
            }
          top = bottom = py;
          /* a band covers the whole vertical span between its edges at this x */
          if (series->y_lo != NULL && series->y_hi != NULL)
            {
              if (grok_plot_point (g, series->x, series->y_hi, i, &qx, &q))
                top = MIN (top, q);
              if (grok_plot_point (g, series->x, series->y_lo, i, &qx, &q))
                bottom = MAX (bottom, q);
            }
          for (int k = have_prev ? 1 : 4; k <= 4; k++)
            {
              double t = k / 4.0, x = prev[0] + t * (px - prev[0]);
              double lo = prev[1] + t * (top - prev[1]), hi = prev[2] + t * (bottom - prev[2]);
              if (k == 4)
                x = px, lo = top, hi = bottom;
              if (x >= x0 && x <= x1 && hi >= y0 && lo <= y1)
                count++;
            }
          prev[0] = px, prev[1] = top, prev[2] = bottom;
          have_prev = TRUE;
        }
    }
  return count;
}

static gboolean
grok_boxes_overlap (const double a[4], const double b[4])
{
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* how much a box would hide: data, and (much worse) marker labels already placed */
static guint
grok_plot_box_cost (const GrokPlotCtx *c, const GrokPlot *plot, const GrokPlotGeometry *g,
                    const double box[4])
{
  guint cost = grok_plot_points_in_box (plot, g, box[0], box[1], box[2], box[3]);

  for (guint i = 0; i < c->n_labels; i++)
    if (grok_boxes_overlap (box, c->labels[i]))
      cost += 1000;
  return cost;
}

/* a marker's label, turned a quarter, runs along its line: on the right of it or the left, at
 * the top of the area or the bottom, wherever it hides the least (in that order on a tie) */
static void
grok_plot_place_marker_label (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                              const GrokPlotGeometry *g, double px, const char *label)
{
  double gap = 0.3 * c->fs, h = grok_figure_text_height (cr), tw = grok_figure_text_width (cr, label);
  double best_box[4] = { 0 };
  guint best = G_MAXUINT;
  gboolean best_right = TRUE, best_top = TRUE;

  for (guint place = 0; place < 4; place++)
    {
      gboolean right = place < 2, top = place % 2 == 0;
      double box[4];
      guint cost;
      box[0] = right ? px + gap : px - gap - h;
      box[2] = box[0] + h;
      box[1] = top ? g->top + gap : g->top + g->height - gap - tw;
      box[3] = box[1] + tw;
      if (box[0] < g->left || box[2] > g->left + g->width)
        continue;
      cost = grok_plot_box_cost (c, plot, g, box);
      if (cost < best)
        {
          best = cost, best_right = right, best_top = top;
          memcpy (best_box, box, sizeof box);
        }
    }
  if (best == G_MAXUINT)
    return;
  if (c->n_labels < GROK_MAX_MARKER_LABELS)
    memcpy (c->labels[c->n_labels++], best_box, sizeof best_box);
  /* rotated a quarter turn: anchor x 1 is the text's end (at the top), 0 its start */
  grok_plot_halo_text (cr, c, label, best_right ? px + gap : px - gap,
                       best_top ? g->top + gap : g->top + g->height - gap,
                       best_top ? 1 : 0, best_right ? 0 : 1, G_PI / 2);
}

/* dashed vertical lines, each with its label beside it */
static void
grok_plot_draw_markers (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                        const GrokPlotGeometry *g)
{
  grok_figure_set_font (cr, c->style, c->style->font_size * 0.85, FALSE);
  for (guint m = 0; m < plot->n_markers; m++)
    {
      double mx = plot->markers_x[m], px;
      const char *label = plot->marker_labels != NULL ? plot->marker_labels[m] : NULL;

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
      if (label != NULL)
        grok_plot_place_marker_label (cr, c, plot, g, px, label);
    }
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
        }
      else
        {
          double py = grok_plot_geometry_y_to_px (g, v);
          cairo_move_to (cr, g->left, py);
          cairo_line_to (cr, g->left - length, py);
        }
    }
}

/* the y label, turned a quarter, centred on the data area where it fits in the panel, moved
 * towards the panel's middle where it does not, and in smaller text (down to 60%) where the
 * panel is shorter than the label */
static void
grok_plot_draw_y_label (cairo_t *cr, GrokPlotCtx *c, const char *label, const GrokPlotGeometry *g)
{
  double pad = 0.3 * c->fs, room = c->panel_h - 2 * pad, tw = grok_figure_text_width (cr, label);
  double cy = g->top + g->height / 2, lo, hi;

  if (tw > room && tw > 0)
    {
      grok_figure_set_font (cr, c->style, c->style->font_size * MAX (room / tw, 0.6), FALSE);
      tw = grok_figure_text_width (cr, label);
    }
  lo = c->panel_y + pad + tw / 2;
  hi = c->panel_y + c->panel_h - pad - tw / 2;
  cy = lo <= hi ? CLAMP (cy, lo, hi) : c->panel_y + c->panel_h / 2;
  grok_figure_text (cr, label, c->panel_x + 0.6 * c->fs, cy, 0.5, 0, G_PI / 2);
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

/* the cursor: a solid line across the data area, its label at the top on the side with room */
static void
grok_plot_draw_cursor (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                       const GrokPlotGeometry *g)
{
  double px, gap = 0.3 * c->fs, tw;
  gboolean right;

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
  if (plot->cursor_label == NULL)
    return;
  grok_figure_set_font (cr, c->style, c->style->font_size * 0.85, TRUE);
  tw = grok_figure_text_width (cr, plot->cursor_label);
  right = px + gap + tw <= g->left + g->width;
  grok_plot_halo_text (cr, c, plot->cursor_label, right ? px + gap : px - gap, g->top + gap,
                       right ? 0 : 1, 0, 0);
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

/* left and bottom spines with outward ticks, tick labels, axis labels */
static void
grok_plot_draw_axes (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, const GrokPlotGeometry *g)
{
  double tick = 3.5 * c->u, gap = 0.3 * c->fs, bottom = g->top + g->height, label_h;

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
  grok_plot_tick_marks (cr, c->xt.major, g, TRUE, tick);
  grok_plot_tick_marks (cr, c->xt.minor, g, TRUE, 2.0 * c->u);
  grok_plot_tick_marks (cr, c->yt.major, g, FALSE, tick);
  grok_plot_tick_marks (cr, c->yt.minor, g, FALSE, 2.0 * c->u);
  cairo_stroke (cr);

  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  label_h = grok_figure_text_height (cr);
  for (guint i = 0; i < c->xt.major->len; i++)
    grok_figure_text (cr, g_ptr_array_index (c->xt.labels, i),
                      grok_plot_geometry_x_to_px (g, g_array_index (c->xt.major, double, i)),
                      bottom + tick + gap, 0.5, 0, 0);
  for (guint i = 0; i < c->yt.major->len; i++)
    {
      const char *label = g_ptr_array_index (c->yt.labels, i);
      grok_figure_text (cr, label, g->left - tick - gap,
                        grok_plot_geometry_y_to_px (g, g_array_index (c->yt.major, double, i)),
                        1, 0.5, 0);
    }
  if (plot->x_label != NULL)
    grok_figure_text (cr, plot->x_label, g->left + g->width / 2,
                      bottom + tick + gap + label_h * 1.9, 0.5, 0, 0);
  /* from the rectangle's edge, not from the tick labels, so stacked panels share the line */
  if (plot->y_label != NULL)
    grok_plot_draw_y_label (cr, c, plot->y_label, g);
}

static void
grok_plot_draw_legend (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                       const GrokPlotGeometry *g)
{
  double sample = 1.8 * c->fs, pad = 0.45 * c->fs, row_h, text_w = 0, box_w, box_h;
  double best_x = 0, best_y = 0, inset = 0.4 * c->fs, fit;
  guint n = 0, best = G_MAXUINT;

  grok_figure_set_font (cr, c->style, c->style->font_size * 0.9, FALSE);
  row_h = grok_figure_text_height (cr) * 1.75;
  for (guint s = 0; s < plot->n_series; s++)
    if (plot->series[s].label != NULL)
      {
        text_w = MAX (text_w, grok_figure_text_width (cr, plot->series[s].label));
        n++;
      }
  if (n == 0 || plot->hide_legend)
    return;
  box_w = pad + sample + pad + text_w + pad;
  box_h = n * row_h + pad;
  if (c->legend_outside)
    {
      best_x = g->left + g->width + 0.6 * c->fs;
      best_y = g->top;
    }
  else
    {
      /* a legend wider or taller than a small panel's data area, or covering more than a
       * quarter of it: smaller text, down to 60% */
      fit = MIN ((g->width - 2 * inset) / box_w, (g->height - 2 * inset) / box_h);
      fit = MIN (fit, sqrt (0.25 * g->width * g->height / (box_w * box_h)));
      if (fit < 1)
        {
          fit = MAX (fit, 0.6);
          grok_figure_set_font (cr, c->style, c->style->font_size * 0.9 * fit, FALSE);
          sample *= fit, pad *= fit, row_h *= fit, text_w *= fit;
          box_w = pad + sample + pad + text_w + pad;
          box_h = n * row_h + pad;
        }
      /* corners in order of preference: top right, top left, bottom right, bottom left; the
       * one hiding the least data and no marker label */
      for (guint corner = 0; corner < 4; corner++)
        {
          double bx = corner % 2 == 0 ? g->left + g->width - inset - box_w : g->left + inset;
          double by = corner < 2 ? g->top + inset : g->top + g->height - inset - box_h;
          double box[4] = { bx, by, bx + box_w, by + box_h };
          guint hits = grok_plot_box_cost (c, plot, g, box);
          if (hits < best)
            best = hits, best_x = bx, best_y = by;
        }
    }
  cairo_rectangle (cr, best_x, best_y, box_w, box_h);
  grok_figure_set_color (cr, (GrokRgba) { c->palette.background.r, c->palette.background.g,
                                          c->palette.background.b, 0.85 });
  cairo_fill_preserve (cr);
  grok_figure_set_color (cr, c->palette.grid);
  cairo_set_line_width (cr, 0.6 * c->u);
  cairo_stroke (cr);
  for (guint s = 0, row = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      double cy = best_y + pad / 2 + (row + 0.5) * row_h, sx = best_x + pad;
      if (series->label == NULL)
        continue;
      if (series->y_lo != NULL && series->y_hi != NULL)
        {
          cairo_rectangle (cr, sx, cy - 0.3 * row_h, sample, 0.6 * row_h);
          cairo_set_source_rgba (cr, series->color.r, series->color.g, series->color.b, 0.22);
          cairo_fill (cr);
        }
      grok_figure_set_color (cr, series->color);
      cairo_set_line_width (cr, c->style->line_width * c->u);
      grok_plot_set_dash (cr, c, series->dashed);
      cairo_move_to (cr, sx, cy);
      cairo_line_to (cr, sx + sample, cy);
      cairo_stroke (cr);
      grok_plot_set_dash (cr, c, FALSE);
      grok_figure_set_color (cr, c->palette.foreground);
      grok_figure_text (cr, series->label, sx + sample + pad, cy, 0, 0.5, 0);
      row++;
    }
}

/* the title centred over the data area; a long one in a narrow panel gets smaller text (down to
 * 60%) and is kept inside the panel */
static void
grok_plot_draw_title (cairo_t *cr, GrokPlotCtx *c, const char *title, double x, double y,
                      double width, const GrokPlotGeometry *g)
{
  double size = c->style->font_size * 1.1, pad = 0.6 * c->fs, tw, cx;

  grok_figure_set_font (cr, c->style, size, TRUE);
  tw = grok_figure_text_width (cr, title);
  if (tw > width - 2 * pad && tw > 0)
    {
      size = MAX (size * (width - 2 * pad) / tw, c->style->font_size * 0.6);
      grok_figure_set_font (cr, c->style, size, TRUE);
      tw = grok_figure_text_width (cr, title);
    }
  cx = g->left + g->width / 2;
  if (tw < width - 2 * pad)
    cx = CLAMP (cx, x + pad + tw / 2, x + width - pad - tw / 2);
  grok_figure_set_color (cr, c->palette.foreground);
  grok_figure_text (cr, title, cx, y + pad, 0.5, 0, 0);
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
  have_data = grok_plot_compute_limits (plot, &g);

  cairo_save (cr);
  /* nothing of a panel reaches into its neighbours */
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip_preserve (cr);
  grok_figure_set_color (cr, c.palette.background);
  cairo_fill (cr);
  grok_plot_layout (cr, &c, plot, x, y, width, height, &g);
  grok_plot_draw_grid (cr, &c, &g);

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  for (guint s = 0; s < plot->n_series; s++)
    if (plot->series[s].y_lo != NULL && plot->series[s].y_hi != NULL)
      grok_plot_draw_band (cr, &plot->series[s], &g);
  for (guint s = 0; s < plot->n_series; s++)
    grok_plot_draw_line (cr, &c, &plot->series[s], &g);
  cairo_restore (cr);

  grok_plot_draw_markers (cr, &c, plot, &g);
  grok_plot_draw_cursor (cr, &c, plot, &g);
  grok_plot_draw_axes (cr, &c, plot, &g);
  if (plot->title != NULL)
    grok_plot_draw_title (cr, &c, plot->title, x, y, width, &g);
  if (have_data)
    grok_plot_draw_legend (cr, &c, plot, &g);
  else if (plot->empty_text != NULL)
    {
      grok_figure_set_font (cr, style, style->font_size, FALSE);
      grok_figure_set_color (cr, c.palette.muted);
      grok_figure_text (cr, plot->empty_text, g.left + g.width / 2, g.top + g.height / 2,
                        0.5, 0.5, 0);
    }
  cairo_restore (cr);
  grok_ticks_clear (&c.xt);
  grok_ticks_clear (&c.yt);
  if (geometry_out != NULL)
    *geometry_out = g;
}
