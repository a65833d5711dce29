/* Laying a plot out before anything is drawn. Every piece of text is measured first: the title
 * is shrunk, then broken into two lines, to fit its panel; the y label is left out where the
 * data area is too short for it; marker and cursor labels go in a strip above the data area, in
 * as many rows as keep them apart; the legend goes inside the data area only where it crosses
 * no line, else right of it or above it; and tick labels are thinned until none overlaps
 * another, leaves the panel or meets text placed before. The margins follow from all that. */
#include "grok-plot-private.h"

#include <math.h>
#include <string.h>

#define GROK_MAX_TICKS 64

/* points: a legend made smaller to keep out of the way stops here */
#define GROK_LEGEND_MIN_SIZE 5.0

static int
grok_compare_doubles (const double *a, const double *b)
{
  return (*a > *b) - (*a < *b);
}

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
  grok_ticks_clear (t);
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
  /* decades every so many where there is room for few labels, but two at least: one decade
   * alone would turn the labels into the 1-2-5 form below */
  for (guint more = target; more <= target + 8; more++)
    {
      g_array_set_size (t->major, 0);
      g_array_set_size (t->minor, 0);
      grok_plot_log_ticks (lo, hi, more, t->major, t->minor);
      if (t->major->len >= 2)
        break;
    }
  if (t->major->len >= 2)
    {
      for (guint i = 0; i < t->major->len; i++)
        g_ptr_array_add (t->labels, grok_plot_format_decade (g_array_index (t->major, double, i)));
      return;
    }
  /* less than two decades in view: label the 1s, 2s and 5s, or the axis cannot be read;
   * where there is no room for that many, the 1s alone when they are two */
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

GrokBox
grok_figure_text_box (cairo_t *cr, const char *text, double x, double y, double ax, double ay,
                      double angle)
{
  cairo_text_extents_t ext;
  double w = grok_figure_text_width (cr, text), h = grok_figure_text_height (cr);
  double ox, oy, cs = cos (-angle), sn = sin (-angle);
  GrokBox b = { INFINITY, INFINITY, -INFINITY, -INFINITY };

  cairo_text_extents (cr, text, &ext);
  ox = -ax * w + ext.x_bearing;
  oy = (1.0 - ay) * h + ext.y_bearing;
  for (int k = 0; k < 4; k++)
    {
      double px = ox + (k & 1 ? ext.width : 0), py = oy + (k & 2 ? ext.height : 0);
      double rx = x + px * cs - py * sn, ry = y + px * sn + py * cs;
      b.x0 = MIN (b.x0, rx), b.y0 = MIN (b.y0, ry);
      b.x1 = MAX (b.x1, rx), b.y1 = MAX (b.y1, ry);
    }
  return b;
}

void
grok_plot_ctx_clear (GrokPlotCtx *c)
{
  grok_ticks_clear (&c->xt);
  grok_ticks_clear (&c->yt);
  g_clear_pointer (&c->title_lines[0], g_free);
  g_clear_pointer (&c->title_lines[1], g_free);
  g_clear_pointer (&c->placed, g_array_unref);
}

static gboolean
grok_box_inside (const GrokBox *b, double x0, double y0, double x1, double y1)
{
  double e = 0.01;
  return b->x0 >= x0 - e && b->y0 >= y0 - e && b->x1 <= x1 + e && b->y1 <= y1 + e;
}

static gboolean
grok_box_hits_placed (const GrokPlotCtx *c, const GrokBox *b)
{
  for (guint i = 0; c->placed != NULL && i < c->placed->len; i++)
    if (grok_box_overlaps (b, &g_array_index (c->placed, GrokBox, i)))
      return TRUE;
  return FALSE;
}

static const cairo_user_data_key_t sizes_key;

void
grok_figure_sizes_init (GrokFigureSizes *sizes)
{
  *sizes = (GrokFigureSizes) { FALSE, INFINITY, INFINITY, INFINITY, FALSE, FALSE };
}

void
grok_figure_sizes_attach (cairo_t *cr, GrokFigureSizes *sizes)
{
  cairo_set_user_data (cr, &sizes_key, sizes, NULL);
}

GrokFigureSizes *
grok_figure_sizes_of (cairo_t *cr)
{
  return cairo_get_user_data (cr, &sizes_key);
}

cairo_t *
grok_figure_sizes_measure (cairo_t *cr, GrokFigureSizes *sizes)
{
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *measure = cairo_create (recording);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_matrix_t matrix;

  cairo_surface_destroy (recording);   /* measure holds it */
  cairo_get_matrix (cr, &matrix);
  cairo_set_matrix (measure, &matrix);
  cairo_get_font_options (cr, options);
  cairo_set_font_options (measure, options);
  cairo_font_options_destroy (options);
  grok_figure_sizes_init (sizes);
  grok_figure_sizes_attach (measure, sizes);
  return measure;
}

void
grok_figure_sizes_measured (cairo_t *measure, GrokFigureSizes *sizes)
{
  cairo_destroy (measure);
  sizes->apply = TRUE;
}

static double grok_figure_fit_text_alone (cairo_t *cr, const GrokFigureStyle *style,
                                          const char *text, double size, gboolean bold,
                                          double width, char *lines[2], gboolean wrap_first);

double
grok_figure_fit_text (cairo_t *cr, const GrokFigureStyle *style, const char *text, double size,
                      gboolean bold, double width, char *lines[2])
{
  GrokFigureSizes *sizes = grok_figure_sizes_of (cr);
  double fitted;

  if (sizes == NULL)
    return grok_figure_fit_text_alone (cr, style, text, size, bold, width, lines, FALSE);
  if (sizes->apply && isfinite (sizes->title))
    size = MIN (size, sizes->title);
  fitted = grok_figure_fit_text_alone (cr, style, text, size, bold, width, lines, TRUE);
  if (!sizes->apply)
    sizes->title = MIN (sizes->title, fitted);
  return fitted;
}

/* wrap_first: in two lines at size before smaller in one */
static double
grok_figure_fit_text_alone (cairo_t *cr, const GrokFigureStyle *style, const char *text,
                            double size, gboolean bold, double width, char *lines[2],
                            gboolean wrap_first)
{
  double fitted = size, w;
  const char *best = NULL;

  lines[0] = lines[1] = NULL;
  grok_figure_set_font (cr, style, size, bold);
  w = grok_figure_text_width (cr, text);
  if (w > width)
    fitted = wrap_first ? 0 : MAX (size * width / w, 0.85 * size);
  if (fitted > 0 && w * fitted / size <= width + 1e-9)
    {
      lines[0] = g_strdup (text);
      return fitted;
    }
  for (const char *p = strchr (text, ' '); p != NULL; p = strchr (p + 1, ' '))
    if (best == NULL || fabs ((double) (p - text) - strlen (text) / 2.0)
                        < fabs ((double) (best - text) - strlen (text) / 2.0))
      best = p;
  if (best != NULL)
    {
      lines[0] = g_strndup (text, (gsize) (best - text));
      lines[1] = g_strdup (best + 1);
      w = MAX (grok_figure_text_width (cr, lines[0]), grok_figure_text_width (cr, lines[1]));
    }
  else
    lines[0] = g_strdup (text);
  return size * MIN (1.0, width / w);
}

/* the title in the panel's width */
static void
grok_plot_fit_title (cairo_t *cr, GrokPlotCtx *c, const char *title)
{
  c->title_size = grok_figure_fit_text (cr, c->style, title, c->style->font_size * 1.1, TRUE,
                                        c->panel_w - 2 * GROK_TITLE_MARGIN * c->fs,
                                        c->title_lines);
  c->n_title_lines = c->title_lines[1] != NULL ? 2 : 1;
}

static double
grok_plot_title_line_h (cairo_t *cr, const GrokPlotCtx *c)
{
  grok_figure_set_font (cr, c->style, c->title_size, TRUE);
  return grok_figure_text_height (cr) * 1.45;
}

void
grok_plot_legend_metrics (cairo_t *cr, const GrokPlotCtx *c, double *sample, double *pad,
                          double *row_h)
{
  double f = c->legend_size * c->u;

  grok_figure_set_font (cr, c->style, c->legend_size, FALSE);
  *sample = 1.8 * f;
  *pad = 0.45 * f;
  *row_h = grok_figure_text_height (cr) * 1.75;
}

/* the legend's box for cols columns at its size */
static void
grok_plot_legend_size (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, guint cols)
{
  double sample, pad, row_h;

  grok_plot_legend_metrics (cr, c, &sample, &pad, &row_h);
  c->legend_text_w = 0;
  c->n_legend = 0;
  for (guint s = 0; s < plot->n_series; s++)
    if (plot->series[s].label != NULL)
      {
        c->legend_text_w = MAX (c->legend_text_w, grok_figure_text_width (cr, plot->series[s].label));
        c->n_legend++;
      }
  cols = CLAMP (cols, 1, MAX (c->n_legend, 1));
  c->legend_cols = cols;
  c->legend_rows = (c->n_legend + cols - 1) / cols;
  c->legend_col_w = sample + pad + c->legend_text_w + pad;
  c->legend_w = pad + cols * c->legend_col_w;
  c->legend_h = c->legend_rows * row_h + pad;
}

/* the note's size at size points, in one line (split 0) or two (split at the space nearest its
 * middle, which goes to *split) */
static void
grok_plot_note_measure (cairo_t *cr, GrokPlotCtx *c, const char *note, double size,
                        gboolean two_lines, gsize *split, double *w, double *h)
{
  gsize len = strlen (note), best = 0;

  *split = 0;
  if (two_lines)
    for (gsize i = 1; i < len; i++)
      if (note[i] == ' ' && (best == 0 || labs ((long) (2 * i) - (long) len)
                                          < labs ((long) (2 * best) - (long) len)))
        best = i;
  grok_figure_set_font (cr, c->style, size, FALSE);
  if (best > 0)
    {
      g_autofree char *first = g_strndup (note, best);
      *split = best;
      *w = MAX (grok_figure_text_width (cr, first), grok_figure_text_width (cr, note + best + 1));
      *h = 2.45 * grok_figure_text_height (cr);
    }
  else
    {
      *w = grok_figure_text_width (cr, note);
      *h = grok_figure_text_height (cr);
    }
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}

/* the margins for the current strip rows and legend place; fills g's data area */
static void
grok_plot_layout_pass (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, GrokPlotGeometry *g)
{
  double pad = 0.6 * c->fs, tick = 3.5 * c->u, label_h, top, bottom, left, right, max_w = 0;
  double data_h, data_w;

  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  label_h = grok_figure_text_height (cr);
  top = pad;
  if (c->n_title_lines > 0)
    top += c->n_title_lines * grok_plot_title_line_h (cr, c);
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  top += 0.7 * label_h;
  c->strip_top = c->panel_y + top;
  top += c->strip_rows * c->strip_row_h;
  if (c->legend == GROK_LEGEND_TOP)
    {
      c->legend_y = c->panel_y + top;
      top += c->legend_h + 0.3 * pad;
    }
  if (c->strip_rows > 0 && c->legend != GROK_LEGEND_TOP)
    top += 0.3 * pad;
  if (plot->note != NULL && c->note_above)
    {
      /* in one line, else two, else smaller (to 60%) */
      double avail = c->panel_w - 0.6 * pad;
      c->note_size = 0.8 * c->style->font_size;
      grok_plot_note_measure (cr, c, plot->note, c->note_size, FALSE, &c->note_split,
                              &c->note_w, &c->note_h);
      if (c->note_w > avail)
        grok_plot_note_measure (cr, c, plot->note, c->note_size, TRUE, &c->note_split,
                                &c->note_w, &c->note_h);
      if (c->note_w > avail)
        {
          c->note_size = c->note_w * 0.6 / 0.8 > avail ? 0 : c->note_size * avail / c->note_w;
          if (c->note_size > 0)
            grok_plot_note_measure (cr, c, plot->note, c->note_size, TRUE, &c->note_split,
                                    &c->note_w, &c->note_h);
        }
      if (c->note_size > 0)
        {
          c->note_y = c->panel_y + top;
          top += c->note_h + 0.3 * pad;
        }
    }
  bottom = pad + label_h + tick + 0.5 * pad
           + (plot->x_label != NULL && !c->no_x_label ? label_h * 1.3 + 0.5 * pad : 0);
  data_h = MAX (c->panel_h - top - bottom, 1.0);

  /* the y ticks for that height, and the room their labels and the y label take */
  grok_ticks_build (&c->yt, g->y_min, g->y_max, g->y_log, FALSE,
                    CLAMP ((guint) (data_h / (3.2 * c->fs)), 2, 8));
  for (guint i = 0; i < c->yt.labels->len; i++)
    max_w = MAX (max_w, grok_figure_text_width (cr, g_ptr_array_index (c->yt.labels, i)));
  c->y_label_size = 0;
  if (plot->y_label != NULL)
    {
      double w = grok_figure_text_width (cr, plot->y_label), k = w > data_h ? data_h / w : 1;
      if (k >= 0.75)
        c->y_label_size = c->style->font_size * k;
    }
  left = pad + max_w + tick + 0.5 * pad + (c->y_label_size > 0 ? label_h * 1.3 + pad : 0);
  left = MAX (left, plot->min_left);

  /* the x ticks' widest label sticks out half its width right of the data area */
  grok_ticks_build (&c->xt, g->x_min, g->x_max, g->x_log, plot->x_integer,
                    CLAMP ((guint) ((c->panel_w - left) / ((g->x_log ? 3.5 : 6.5) * c->fs)), 2, 10));
  max_w = 0;
  for (guint i = 0; i < c->xt.labels->len; i++)
    max_w = MAX (max_w, grok_figure_text_width (cr, g_ptr_array_index (c->xt.labels, i)));
  right = MAX (1.5 * pad, 0.5 * max_w + 0.3 * pad);
  if (c->legend == GROK_LEGEND_RIGHT)
    right = MAX (right, c->legend_w + 1.3 * pad);
  data_w = MAX (c->panel_w - left - right, 1.0);

  /* a square data area keeps the left of the room, and gives the rest to the right margin,
   * where a legend outside goes */
  if (plot->square)
    data_w = data_h = MIN (data_w, data_h);
  g->left = c->panel_x + left;
  g->top = c->panel_y + top;
  g->width = data_w;
  g->height = data_h;
  /* the final x ticks for the final width */
  grok_ticks_build (&c->xt, g->x_min, g->x_max, g->x_log, plot->x_integer,
                    CLAMP ((guint) (data_w / ((g->x_log ? 3.5 : 6.5) * c->fs)), 2, 10));
  if (g->x_zero)
    {
      double zero = 0;
      g_array_prepend_val (c->xt.major, zero);
      g_ptr_array_insert (c->xt.labels, 0, g_strdup ("0"));
    }
  if (plot->note != NULL && c->note_above && c->note_size > 0)
    c->note_x = CLAMP (g->left, c->panel_x + 0.3 * pad,
                       c->panel_x + c->panel_w - 0.3 * pad - c->note_w);
  if (c->legend == GROK_LEGEND_RIGHT)
    {
      c->legend_x = g->left + g->width + 0.6 * pad;
      c->legend_y = g->top;
    }
  else if (c->legend == GROK_LEGEND_TOP)
    {
      double right_end = c->panel_x + c->panel_w - 0.3 * pad;
      c->legend_x = g->left + MAX ((g->width - c->legend_w) / 2, 0);
      if (c->legend_x + c->legend_w > right_end)
        c->legend_x = MAX (right_end - c->legend_w, c->panel_x + 0.3 * pad);
    }
}

/* how many data lines (and band edges) cross box, and how many marker or cursor lines */
static void
grok_plot_box_cost (const GrokPlotCtx *c, const GrokPlot *plot, const GrokPlotGeometry *g,
                    const GrokBox *box, guint *data_out, guint *lines_out)
{
  guint data = 0, lines = 0;
  double r = grok_plot_dot_radius (c);

  for (guint s = 0; s < plot->n_series; s++)
    {
      const GrokSeries *series = &plot->series[s];
      gboolean have = FALSE;
      double qx = 0, qy = 0;
      for (gsize i = 0; i < series->n && series->points; i++)
        {
          double px, py;
          GrokBox dot;
          if (!grok_plot_point (g, series->x, series->y, i, &px, &py))
            continue;
          dot = (GrokBox) { px - r, py - r, px + r, py + r };
          data += grok_box_overlaps (box, &dot);
        }
      for (gsize i = 0; i < series->n && !series->points; i++)
        {
          double px, py, bx, lo, hi;
          if (!grok_plot_point (g, series->x, series->y, i, &px, &py))
            {
              have = FALSE;
              continue;
            }
          if (have && grok_box_crosses_segment (box, qx, qy, px, py))
            data++;
          if (!have && grok_box_crosses_segment (box, px - 1, py, px + 1, py))
            data++;
          if (series->y_lo != NULL && series->y_hi != NULL
              && grok_plot_point (g, series->x, series->y_lo, i, &bx, &lo)
              && grok_plot_point (g, series->x, series->y_hi, i, &bx, &hi)
              && grok_box_crosses_segment (box, bx, lo, bx, hi))
            data++;
          qx = px, qy = py, have = TRUE;
        }
    }
  for (guint m = 0; m < plot->n_markers; m++)
    if (isfinite (plot->markers_x[m]) && grok_plot_x_drawable (g, plot->markers_x[m]))
      {
        double px = grok_plot_geometry_x_to_px (g, plot->markers_x[m]);
        lines += grok_box_crosses_segment (box, px, g->top, px, g->top + g->height);
      }
  if (plot->show_cursor && isfinite (plot->cursor_x) && grok_plot_x_drawable (g, plot->cursor_x))
    {
      double px = grok_plot_geometry_x_to_px (g, plot->cursor_x);
      lines += grok_box_crosses_segment (box, px, g->top, px, g->top + g->height);
    }
  *data_out = data;
  *lines_out = lines;
}

/* a place inside the data area where the legend crosses no data line: the corners first, then
 * the middles of the sides; among those, the one crossing the fewest marker lines */
static gboolean
grok_plot_legend_inside (GrokPlotCtx *c, const GrokPlot *plot, const GrokPlotGeometry *g)
{
  double inset = 0.4 * c->fs, w = c->legend_w, h = c->legend_h, lw = c->style->line_width * c->u;
  double xs[3] = { g->left + g->width - inset - w, g->left + inset, g->left + (g->width - w) / 2 };
  double ys[3] = { g->top + inset, g->top + g->height - inset - h, g->top + (g->height - h) / 2 };
  static const int order[8][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 },
                                   { 2, 0 }, { 2, 1 }, { 0, 2 }, { 1, 2 } };
  guint best = G_MAXUINT;

  if (w + 2 * inset > g->width || h + 2 * inset > g->height)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    {
      GrokBox box = { xs[order[k][0]], ys[order[k][1]], xs[order[k][0]] + w, ys[order[k][1]] + h };
      /* clear of the lines' width too, not only of their centres */
      GrokBox grown = { box.x0 - lw, box.y0 - lw, box.x1 + lw, box.y1 + lw };
      guint data, lines;
      grok_plot_box_cost (c, plot, g, &grown, &data, &lines);
      if (data == 0 && lines < best)
        {
          best = lines;
          c->legend_x = box.x0;
          c->legend_y = box.y0;
        }
    }
  return best != G_MAXUINT;
}

/* a place inside the data area for the note, in small type, where it crosses no data line and
 * no legend drawn there: the bottom corners first (the measures' lines start high and fall),
 * then the top ones; among those, the one crossing the fewest marker lines */
static gboolean
grok_plot_note_inside (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                       const GrokPlotGeometry *g)
{
  double inset = 0.4 * c->fs, lw = c->style->line_width * c->u;
  GrokBox legend = { c->legend_x, c->legend_y, c->legend_x + c->legend_w,
                     c->legend_y + c->legend_h };

  for (guint attempt = 0; attempt < 4; attempt++)
    {
      double w, h, xs[3], ys[2];
      guint best = G_MAXUINT;
      gsize split;

      c->note_size = (attempt % 2 == 0 ? 0.8 : 0.7) * c->style->font_size;
      grok_plot_note_measure (cr, c, plot->note, c->note_size, attempt >= 2, &split, &w, &h);
      if (w + 2 * inset > g->width || h + 2 * inset > g->height)
        continue;
      xs[0] = g->left + inset, xs[1] = g->left + g->width - inset - w;
      xs[2] = g->left + (g->width - w) / 2;
      ys[0] = g->top + g->height - inset - h, ys[1] = g->top + inset;
      for (guint j = 0; j < 2; j++)
        for (guint i = 0; i < 3; i++)
          {
            GrokBox box = { xs[i], ys[j], xs[i] + w, ys[j] + h };
            GrokBox grown = { box.x0 - lw, box.y0 - lw, box.x1 + lw, box.y1 + lw };
            guint data, lines;
            if (c->legend == GROK_LEGEND_INSIDE && grok_box_overlaps (&grown, &legend))
              continue;
            grok_plot_box_cost (c, plot, g, &grown, &data, &lines);
            if (data == 0 && lines < best)
              {
                best = lines;
                c->note_x = box.x0, c->note_y = box.y0, c->note_w = w, c->note_h = h;
                c->note_split = split;
              }
          }
      if (best != G_MAXUINT)
        return TRUE;
    }
  c->note_size = 0;
  return FALSE;
}

/* the strip's labels, each beside its line (right of it, else left), in the first row where it
 * meets no other; returns the rows used, G_MAXUINT when some label fits in no row */
static guint
grok_plot_place_strip (cairo_t *cr, GrokPlotCtx *c, const GrokPlotGeometry *g, guint max_rows)
{
  double gap = 0.3 * c->fs, right_end = c->panel_x + c->panel_w - gap;
  guint rows = 0;

  for (guint i = 0; i < c->n_strip; i++)
    {
      GrokStripLabel *l = &c->strip[i];
      gboolean placed = FALSE;
      grok_figure_set_font (cr, c->style, c->strip_size, l->bold);
      for (guint row = 0; row < max_rows && !placed; row++)
        for (int side = 0; side < 2 && !placed; side++)
          {
            double w = grok_figure_text_width (cr, l->text);
            double x = side == 0 ? l->at + gap : l->at - gap - w;
            double y = c->strip_top + row * c->strip_row_h + 0.15 * c->strip_row_h;
            GrokBox box = grok_figure_text_box (cr, l->text, x, y, 0, 0, 0);
            gboolean clear = box.x0 >= g->left && box.x1 <= right_end;
            /* in the first row, a label runs over no other label's line */
            for (guint j = 0; j < c->n_strip && clear && row == 0; j++)
              clear = j == i || c->strip[j].at < box.x0 - gap || c->strip[j].at > box.x1 + gap;
            for (guint j = 0; j < i && clear; j++)
              if (c->strip[j].text != NULL)
                {
                  GrokBox o = c->strip[j].box;
                  o.x0 -= gap, o.x1 += gap;
                  clear = !grok_box_overlaps (&box, &o);
                }
            if (clear)
              {
                l->x = x, l->y = y, l->box = box;
                rows = MAX (rows, row + 1);
                placed = TRUE;
              }
          }
      if (!placed)
        return G_MAXUINT;
    }
  return rows;
}

/* keeps the labels of every k-th tick (counted from `anchor`, the tick at 0 or the first) for
 * the smallest k at which no two kept labels come closer than gap; a label that leaves the
 * panel or meets text placed before is dropped first. Dropped ticks stay as minor ticks. */
static void
grok_plot_thin_ticks (GrokPlotCtx *c, GrokTicks *t, const GrokBox *boxes, gboolean vertical,
                      guint first, double gap)
{
  guint n = t->major->len, anchor = first, best_k = 0;
  g_autofree gboolean *ok = g_new0 (gboolean, n + 1);
  g_autofree gboolean *keep = g_new0 (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    {
      ok[i] = grok_box_inside (&boxes[i], c->panel_x, c->panel_y, c->panel_x + c->panel_w,
                               c->panel_y + c->panel_h) && !grok_box_hits_placed (c, &boxes[i]);
      if (i >= first && g_array_index (t->major, double, i) == 0)
        anchor = i;
    }
  for (guint k = 1; k <= MAX (n, 1) && best_k == 0; k++)
    {
      gboolean fine = TRUE;
      int last = -1;
      for (guint i = 0; i < first; i++)
        if (ok[i])
          last = (int) i;
      for (guint i = first; i < n && fine; i++)
        {
          GrokBox grown;
          if (!ok[i] || ((i + n * k - anchor) % k) != 0)
            continue;
          grown = boxes[i];
          if (vertical)
            grown.y0 -= gap, grown.y1 += gap;
          else
            grown.x0 -= gap, grown.x1 += gap;
          /* a label of the fixed ones before `first` (the slot for 0) wins over a decade */
          if (last >= 0 && grok_box_overlaps (&grown, &boxes[last]))
            {
              if (last < (int) first)
                continue;
              fine = FALSE;
            }
          else
            last = (int) i;
        }
      if (fine)
        best_k = k;
    }
  best_k = MAX (best_k, 1);
  {
    int last = -1;
    for (guint i = 0; i < n; i++)
      {
        GrokBox grown = boxes[i];
        if (vertical)
          grown.y0 -= gap, grown.y1 += gap;
        else
          grown.x0 -= gap, grown.x1 += gap;
        keep[i] = ok[i] && (i < first || ((i + n * best_k - anchor) % best_k) == 0)
                  && (last < 0 || !grok_box_overlaps (&grown, &boxes[last]));
        if (keep[i])
          last = (int) i;
      }
  }
  for (guint i = n; i-- > 0;)
    if (!keep[i])
      {
        double v = g_array_index (t->major, double, i);
        g_array_append_val (t->minor, v);
        g_array_remove_index (t->major, i);
        g_ptr_array_remove_index (t->labels, i);
      }
}

/* the device coordinate of an axis' tick at v */
static double
grok_tick_px (const GrokPlotGeometry *g, gboolean x_axis, double v)
{
  return x_axis ? grok_plot_geometry_x_to_px (g, v) : grok_plot_geometry_y_to_px (g, v);
}

/* the digit m of a value m * 10^e on a log axis, 0 when it is not of that form */
static int
grok_log_mantissa (double v)
{
  double m = v / pow (10.0, floor (log10 (v) + 1e-9));
  return fabs (m - round (m)) < 1e-6 ? (int) round (m) : 0;
}

/* whether the minor ticks that `take` accepts all keep gap from one another and the majors
 * (a minor tick where a major one is counts as that one) */
static gboolean
grok_minor_spaced (const GrokTicks *t, const GrokPlotGeometry *g, gboolean x_axis, double gap,
                   gboolean log_set, int set)
{
  g_autoptr (GArray) at = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < t->major->len; i++)
    {
      double p = grok_tick_px (g, x_axis, g_array_index (t->major, double, i));
      g_array_append_val (at, p);
    }
  for (guint i = 0; i < t->minor->len; i++)
    {
      double v = g_array_index (t->minor, double, i), p;
      int m = log_set ? grok_log_mantissa (v) : 0;
      if (log_set && set == 1 && m != 1 && m != 2 && m != 5)
        continue;
      p = grok_tick_px (g, x_axis, v);
      g_array_append_val (at, p);
    }
  g_array_sort (at, (GCompareFunc) grok_compare_doubles);
  for (guint i = 1; i < at->len; i++)
    {
      double d = g_array_index (at, double, i) - g_array_index (at, double, i - 1);
      if (d > 1e-6 && d < gap)
        return FALSE;
    }
  return TRUE;
}

/* minor ticks no closer than gap to any other tick: on a log axis all of 2..9 times each
 * decade, else only 2 and 5 times (and decades whose labels were dropped), else none (so the marks stay even); on a linear axis, the
 * ones that keep clear of those kept before them */
static void
grok_plot_thin_minor (GrokTicks *t, const GrokPlotGeometry *g,
                      gboolean x_axis, gboolean log_scale, double gap)
{
  gboolean log_set = log_scale;
  g_autoptr (GArray) kept = g_array_new (FALSE, FALSE, sizeof (double));

  /* a minor tick where a major one is is drawn once */
  for (guint i = t->minor->len; i-- > 0;)
    {
      double p = grok_tick_px (g, x_axis, g_array_index (t->minor, double, i));
      for (guint j = 0; j < t->major->len; j++)
        if (fabs (p - grok_tick_px (g, x_axis, g_array_index (t->major, double, j))) < 1e-6)
          {
            g_array_remove_index (t->minor, i);
            break;
          }
    }
  for (guint i = 0; i < t->minor->len && log_set; i++)
    log_set = grok_log_mantissa (g_array_index (t->minor, double, i)) != 0;
  if (log_set)
    {
      if (grok_minor_spaced (t, g, x_axis, gap, TRUE, 0))
        return;
      if (grok_minor_spaced (t, g, x_axis, gap, TRUE, 1))
        {
          for (guint i = t->minor->len; i-- > 0;)
            {
              int m = grok_log_mantissa (g_array_index (t->minor, double, i));
              if (m != 1 && m != 2 && m != 5)
                g_array_remove_index (t->minor, i);
            }
          return;
        }
      g_array_set_size (t->minor, 0);
      return;
    }
  /* greedily, in order along the axis, against the majors and the minors kept so far */
  g_array_sort (t->minor, (GCompareFunc) grok_compare_doubles);
  for (guint i = 0; i < t->minor->len; i++)
    {
      double v = g_array_index (t->minor, double, i), p = grok_tick_px (g, x_axis, v);
      gboolean clear = TRUE;
      for (guint j = 0; j < t->major->len && clear; j++)
        clear = fabs (p - grok_tick_px (g, x_axis, g_array_index (t->major, double, j))) >= gap;
      for (guint j = 0; j < kept->len && clear; j++)
        clear = fabs (p - grok_tick_px (g, x_axis, g_array_index (kept, double, j))) >= gap;
      if (clear)
        g_array_append_val (kept, v);
    }
  g_array_set_size (t->minor, 0);
  g_array_append_vals (t->minor, kept->data, kept->len);
}

/* the boxes of the tick labels where grok_plot_draw_axes puts them */
static GrokBox *
grok_plot_tick_boxes (cairo_t *cr, GrokPlotCtx *c, const GrokTicks *t, const GrokPlotGeometry *g,
                      gboolean x_axis)
{
  double tick = 3.5 * c->u, gap = 0.3 * c->fs;
  GrokBox *boxes = g_new (GrokBox, t->major->len + 1);

  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
  for (guint i = 0; i < t->major->len; i++)
    {
      double v = g_array_index (t->major, double, i);
      const char *label = g_ptr_array_index (t->labels, i);
      boxes[i] = x_axis
        ? grok_figure_text_box (cr, label, grok_plot_geometry_x_to_px (g, v),
                                g->top + g->height + tick + gap, 0.5, 0, 0)
        : grok_figure_text_box (cr, label, g->left - tick - gap, grok_plot_geometry_y_to_px (g, v),
                                1, 0.5, 0);
    }
  return boxes;
}

static void
grok_plot_place (GrokPlotCtx *c, GrokBox box)
{
  g_array_append_val (c->placed, box);
}

/* the title's box, centred over the data area and kept inside the panel */
static void
grok_plot_place_title (cairo_t *cr, GrokPlotCtx *c, const GrokPlotGeometry *g)
{
  double line_h = grok_plot_title_line_h (cr, c), pad = GROK_TITLE_MARGIN * c->fs;

  grok_figure_set_font (cr, c->style, c->title_size, TRUE);
  for (guint i = 0; i < c->n_title_lines; i++)
    {
      double tw = grok_figure_text_width (cr, c->title_lines[i]);
      double cx = g->left + g->width / 2;
      GrokBox box;
      cx = CLAMP (cx, c->panel_x + pad + tw / 2, c->panel_x + c->panel_w - pad - tw / 2);
      if (tw > c->panel_w - 2 * pad)
        cx = c->panel_x + c->panel_w / 2;
      c->title_cx[i] = cx;
      box = grok_figure_text_box (cr, c->title_lines[i], cx, c->panel_y + pad + i * line_h, 0.5, 0, 0);
      grok_plot_place (c, box);
      if (i == 0)
        c->title_box = box;
      else
        {
          c->title_box.x0 = MIN (c->title_box.x0, box.x0), c->title_box.x1 = MAX (c->title_box.x1, box.x1);
          c->title_box.y1 = box.y1;
        }
    }
}

/* the strip's labels: the labelled markers in view, then the cursor's */
static void
grok_plot_strip_labels (GrokPlotCtx *c, const GrokPlot *plot, const GrokPlotGeometry *g)
{
  c->n_strip = 0;
  for (guint m = 0; m < plot->n_markers && plot->marker_labels != NULL; m++)
    {
      double mx = plot->markers_x[m], px;
      if (plot->marker_labels[m] == NULL || !isfinite (mx) || !grok_plot_x_drawable (g, mx))
        continue;
      px = grok_plot_geometry_x_to_px (g, mx);
      if (px >= g->left && px <= g->left + g->width && c->n_strip < GROK_PLOT_MAX_STRIP)
        c->strip[c->n_strip++] = (GrokStripLabel) { plot->marker_labels[m], FALSE, px };
    }
  if (plot->show_cursor && plot->cursor_label != NULL && isfinite (plot->cursor_x)
      && grok_plot_x_drawable (g, plot->cursor_x) && c->n_strip < GROK_PLOT_MAX_STRIP)
    {
      double px = grok_plot_geometry_x_to_px (g, plot->cursor_x);
      if (px >= g->left - 0.5 && px <= g->left + g->width + 0.5)
        c->strip[c->n_strip++] = (GrokStripLabel) { plot->cursor_label, TRUE, px };
    }
}

static void grok_plot_layout_fixed (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                                    GrokPlotGeometry *g);

/* a panel whose data area the text around it would squeeze below a quarter of its height or a
 * third of its width: without the x label first, then with smaller text (to 60%), then without
 * the legend */
void
grok_plot_layout (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, double x, double y,
                  double width, double height, GrokPlotGeometry *g)
{
  const GrokFigureStyle *figure = c->style;
  GrokPlotGeometry limits = *g;
  GrokFigureSizes *sizes = grok_figure_sizes_of (cr);

  c->panel_x = x, c->panel_y = y, c->panel_w = width, c->panel_h = height;
  c->fitted = *figure;
  if (sizes != NULL && sizes->apply && isfinite (sizes->font) && sizes->font < figure->font_size)
    {
      c->fitted.font_size = sizes->font;
      c->style = &c->fitted;
      c->fs = c->fitted.font_size * c->u;
    }
  for (int attempt = 0;; attempt++)
    {
      gboolean cramped;
      gboolean short_of_share;
      grok_plot_layout_fixed (cr, c, plot, g);
      cramped = g->height < MAX (0.25 * height, 1.5 * c->fs) || g->width < width / 3;
      short_of_share = g->height < plot->min_data_share * height;
      if ((!cramped && !short_of_share) || attempt == 8)
        break;
      /* for the share, text no smaller than 80% (a legend at 65% of that stays legible) */
      if (!cramped && c->fitted.font_size <= 0.8 * figure->font_size + 1e-9)
        break;
      if (plot->x_label != NULL && !c->no_x_label)
        c->no_x_label = TRUE;
      else if (c->fitted.font_size > 0.6 * figure->font_size + 1e-9)
        {
          c->fitted.font_size = MAX (c->fitted.font_size * 0.85,
                                     (cramped ? 0.6 : 0.8) * figure->font_size);
          c->style = &c->fitted;
          c->fs = c->fitted.font_size * c->u;
        }
      else if (!c->no_legend)
        c->no_legend = TRUE;
      else
        break;
      grok_plot_ctx_clear (c);
      *g = limits;
    }
  if (sizes != NULL && !sizes->apply)
    {
      sizes->font = MIN (sizes->font, c->style->font_size);
      if (c->legend != GROK_LEGEND_NONE)
        sizes->legend = MIN (sizes->legend, c->legend_size);
    }
  if (sizes != NULL)
    sizes->legend_dropped = sizes->legend_dropped || c->no_legend;
}

static void
grok_plot_layout_fixed (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot, GrokPlotGeometry *g)
{
  gboolean legend_wanted = FALSE;
  double width = c->panel_w;
  GrokFigureSizes *sizes = grok_figure_sizes_of (cr);
  /* the figure's legend size, which this panel keeps wherever its legend goes */
  gboolean fixed_legend = sizes != NULL && sizes->apply && isfinite (sizes->legend);

  c->placed = g_array_new (FALSE, FALSE, sizeof (GrokBox));
  c->n_strip = 0;
  if (plot->title != NULL)
    grok_plot_fit_title (cr, c, plot->title);
  c->strip_size = c->style->font_size * 0.85;
  grok_figure_set_font (cr, c->style, c->strip_size, TRUE);
  c->strip_row_h = grok_figure_text_height (cr) * 1.6;
  c->legend_size = c->style->font_size * 0.9;
  if (fixed_legend)
    c->legend_size = MIN (c->legend_size, sizes->legend);
  for (guint s = 0; s < plot->n_series; s++)
    legend_wanted = legend_wanted || plot->series[s].label != NULL;
  c->legend = plot->hide_legend || !legend_wanted || c->no_legend ? GROK_LEGEND_NONE
              : plot->legend_outside ? GROK_LEGEND_RIGHT : GROK_LEGEND_INSIDE;
  if (c->legend != GROK_LEGEND_NONE)
    grok_plot_legend_size (cr, c, plot, 1);

  /* each pass may ask for more room: a legend moved out, a row more for the strip */
  c->strip_rows = 0;
  for (int pass = 0; pass < 8; pass++)
    {
      guint rows;
      grok_plot_layout_pass (cr, c, plot, g);
      if (c->legend == GROK_LEGEND_INSIDE && !grok_plot_legend_inside (c, plot, g))
        {
          /* smaller text inside before the legend takes room outside; a legend of many
           * entries, which takes much room there, smaller still */
          if (fixed_legend)
            c->legend = GROK_LEGEND_RIGHT;
          else if (c->legend_size > 0.8 * c->style->font_size)
            c->legend_size = 0.75 * c->style->font_size;
          else if (c->n_legend > 2 && c->legend_size > 0.7 * c->style->font_size
                   && 0.65 * c->style->font_size >= GROK_LEGEND_MIN_SIZE)
            c->legend_size = 0.65 * c->style->font_size;
          else
            {
              c->legend = GROK_LEGEND_RIGHT;
              c->legend_size = 0.9 * c->style->font_size;
            }
          grok_plot_legend_size (cr, c, plot, 1);
          continue;
        }
      if (c->legend == GROK_LEGEND_RIGHT
          && ((g->width < 0.5 * width && !plot->square) || c->legend_h > g->height
              || g->left + g->width + 0.36 * c->fs + c->legend_w > c->panel_x + width))
        {
          c->legend = GROK_LEGEND_TOP;
          grok_plot_legend_size (cr, c, plot, 1);
          continue;
        }
      if (c->legend == GROK_LEGEND_TOP)
        {
          /* above the data area the legend may take the panel's whole width */
          double avail = c->panel_w - 2 * 0.3 * 0.6 * c->fs;
          double sample, pad, row_h;
          double small = MAX (0.7 * c->style->font_size, MIN (GROK_LEGEND_MIN_SIZE, c->legend_size));
          guint cols;
          grok_plot_legend_metrics (cr, c, &sample, &pad, &row_h);
          cols = (guint) MAX (1, floor ((avail - pad) / c->legend_col_w));
          /* in fewer rows at smaller type, where that takes fewer rows */
          if (!fixed_legend && c->legend_size > small + 1e-9
              && c->n_legend > 2 * MIN (cols, c->n_legend))
            {
              double k = small / c->legend_size;
              guint small_cols = (guint) MAX (1, floor ((avail - k * pad) / (k * c->legend_col_w)));
              if ((c->n_legend + small_cols - 1) / small_cols < (c->n_legend + cols - 1) / cols)
                {
                  c->legend_size = small;
                  grok_plot_legend_size (cr, c, plot, 1);
                  continue;
                }
            }
          if (!fixed_legend && cols == 1 && c->legend_w > avail
              && c->legend_size > 0.6 * c->style->font_size)
            {
              c->legend_size = MAX (c->legend_size * avail / c->legend_w, 0.6 * c->style->font_size);
              grok_plot_legend_size (cr, c, plot, 1);
              continue;
            }
          if (MIN (cols, c->n_legend) != c->legend_cols)
            {
              grok_plot_legend_size (cr, c, plot, cols);
              continue;
            }
        }
      if (plot->note != NULL && !c->note_above && !grok_plot_note_inside (cr, c, plot, g))
        {
          c->note_above = TRUE;
          continue;
        }
      grok_plot_strip_labels (c, plot, g);
      rows = grok_plot_place_strip (cr, c, g, 3);
      /* a label that fits in no row is left out rather than drawn over another */
      while (rows == G_MAXUINT && c->n_strip > 0)
        {
          c->n_strip--;
          rows = c->n_strip > 0 ? grok_plot_place_strip (cr, c, g, 3) : 0;
        }
      if (rows != c->strip_rows)
        {
          c->strip_rows = rows;
          continue;
        }
      break;
    }

  if (plot->title != NULL)
    grok_plot_place_title (cr, c, g);
  for (guint i = 0; i < c->n_strip; i++)
    grok_plot_place (c, c->strip[i].box);
  if (c->legend != GROK_LEGEND_NONE)
    grok_plot_place (c, (GrokBox) { c->legend_x, c->legend_y, c->legend_x + c->legend_w,
                                    c->legend_y + c->legend_h });
  if (plot->note != NULL && c->note_size > 0)
    grok_plot_place (c, (GrokBox) { c->note_x, c->note_y, c->note_x + c->note_w,
                                    c->note_y + c->note_h });
  {
    g_autofree GrokBox *yb = grok_plot_tick_boxes (cr, c, &c->yt, g, FALSE);
    g_autofree GrokBox *xb = NULL;
    grok_plot_thin_ticks (c, &c->yt, yb, TRUE, 0, 0.25 * c->fs);
    g_free (yb);
    yb = grok_plot_tick_boxes (cr, c, &c->yt, g, FALSE);
    for (guint i = 0; i < c->yt.major->len; i++)
      grok_plot_place (c, yb[i]);
    xb = grok_plot_tick_boxes (cr, c, &c->xt, g, TRUE);
    grok_plot_thin_ticks (c, &c->xt, xb, FALSE, g->x_zero ? 1 : 0, 0.5 * c->fs);
    grok_plot_thin_minor (&c->xt, g, TRUE, g->x_log, GROK_PLOT_MIN_TICK_GAP * c->u);
    grok_plot_thin_minor (&c->yt, g, FALSE, g->y_log, GROK_PLOT_MIN_TICK_GAP * c->u);
  }
  grok_figure_set_font (cr, c->style, c->style->font_size, FALSE);
}
