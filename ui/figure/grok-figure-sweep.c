/* The phase diagram and the comparison of a sweep's cells. Runs evaluated at other steps are
 * brought onto one step axis by linear interpolation inside the range each has, never averaged
 * at unmatched steps and never extended past its last row. */
#include "grok-figure-sweep.h"

#include <math.h>
#include <string.h>

#include "grok-compare.h"
#include "grok-error.h"
#include "grok-export.h"
#include "grok-fileio.h"
#include "grok-run-dir.h"

/* the phases' colours: Okabe and Ito's blue, bluish green and vermillion, and a grey */
static const GrokRgba phase_colors[GROK_N_PHASES] = {
  [GROK_PHASE_NONE] = { 1, 1, 1, 0 },
  [GROK_PHASE_COMPREHENSION] = { 0.000, 0.447, 0.698, 1 },
  [GROK_PHASE_GROKKING] = { 0.000, 0.620, 0.451, 1 },
  [GROK_PHASE_MEMORISATION] = { 0.835, 0.369, 0.000, 1 },
  [GROK_PHASE_CONFUSION] = { 0.600, 0.600, 0.600, 1 },
};

void
grok_sweep_figure_free (GrokSweepFigure *figure)
{
  if (figure == NULL)
    return;
  g_clear_pointer (&figure->sweep, grok_sweep_unref);
  g_clear_pointer (&figure->cells, grok_sweep_table_free);
  g_clear_pointer (&figure->grid, grok_sweep_phase_grid_free);
  g_clear_pointer (&figure->metrics, g_ptr_array_unref);
  g_free (figure->outcome);
  g_free (figure->column);
  g_free (figure);
}

static void
metrics_unref (gpointer data)
{
  if (data != NULL)
    grok_metrics_unref (data);
}

GrokSweepFigure *
grok_sweep_figure_new (GrokSweepFigureKind kind, GrokSweep *sweep, guint x_axis, guint y_axis,
                       const char *outcome, const char *column, gboolean grouped,
                       GError **error)
{
  g_autoptr (GrokSweepFigure) figure = g_new0 (GrokSweepFigure, 1);
  gboolean found = FALSE;

  figure->kind = kind;
  grok_figure_style_init (&figure->style, GROK_SCHEME_PRINT);
  figure->sweep = grok_sweep_ref (sweep);
  figure->cells = grok_sweep_summary (sweep);
  figure->outcome = g_strdup (outcome ? outcome : "generalised_step");
  figure->column = g_strdup (column ? column : "test_acc");
  figure->grouped = grouped;
  if (kind == GROK_SWEEP_FIGURE_PHASE)
    {
      figure->grid = grok_sweep_phase_grid (sweep, figure->cells, x_axis, y_axis,
                                            figure->outcome, error);
      return figure->grid ? g_steal_pointer (&figure) : NULL;
    }
  figure->metrics = g_ptr_array_new_with_free_func (metrics_unref);
  for (guint c = 0; c < grok_sweep_n_cells (sweep); c++)
    {
      g_autofree char *path = grok_sweep_cell_path (sweep, c);
      g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, NULL);
      const GrokMetrics *m = dir ? grok_run_dir_get_metrics (dir) : NULL;
      gboolean usable = m != NULL && m->n_rows > 0 &&
                        grok_metrics_column_index (m, figure->column) >= 0;
      found = found || usable;
      g_ptr_array_add (figure->metrics, usable ? grok_metrics_copy (m) : NULL);
    }
  if (!found)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "no cell of the sweep has rows with a "
                   "column '%s' to compare (a metrics.csv column, such as test_acc)",
                   figure->column);
      return NULL;
    }
  return g_steal_pointer (&figure);
}

static char *
shown_number (double v)
{
  if (!isfinite (v))
    return g_strdup ("");
  if (v == floor (v) || fabs (v) >= 1000)
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf (fabs (v) >= 2 ? "%.1f" : "%.3f", v);
}

/* the largest final step of a finished cell: the budget the phases were judged on */
static double
budget (const GrokSweepTable *cells)
{
  int status = grok_sweep_table_column (cells, "status");
  int final = grok_sweep_table_column (cells, "final_step");
  double most = NAN;

  for (guint r = 0; r < cells->rows->len; r++)
    {
      GrokSweepField *row = cells->rows->pdata[r];
      if (g_str_equal (row[status].text, "finished") && isfinite (row[final].value))
        most = isfinite (most) ? MAX (most, row[final].value) : row[final].value;
    }
  return most;
}

/* where the phase diagram's points go in width x height: the margins, and each point's size */
static gboolean
phase_layout (cairo_t *cr, double width, double height, GrokSweepFigure *f, double *left,
              double *right, double *top, double *bottom, double *cw, double *ch)
{
  const GrokSweepPhaseGrid *g = f->grid;
  const GrokSweepAxis *ay = grok_sweep_get_axis (f->sweep, g->y_axis);
  double pt = f->style.scale, font = f->style.font_size, tick = 0;

  grok_figure_set_font (cr, &f->style, font, FALSE);
  for (guint j = 0; j < g->ny; j++)
    tick = MAX (tick, grok_figure_text_width (cr, ay->values->pdata[j]));
  *left = tick + 2.2 * font * pt + 6 * pt;
  *right = 0;
  for (guint p = 1; p < GROK_N_PHASES; p++)
    *right = MAX (*right, grok_figure_text_width (cr, grok_phase_name (p)));
  *right += (14 + font) * pt;
  *top = 4.6 * font * pt;
  *bottom = 3.2 * font * pt;
  *cw = (width - *left - *right) / g->nx;
  *ch = (height - *top - *bottom) / g->ny;
  return *cw > 0 && *ch > 0;
}

/* the range of the outcome over the points that have one */
static void
outcome_range (const GrokSweepPhaseGrid *g, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint at = 0; at < g->nx * g->ny; at++)
    if (isfinite (g->value[at]))
      {
        *lo = MIN (*lo, g->value[at]);
        *hi = MAX (*hi, g->value[at]);
      }
}

/* a sequential scale from pale yellow through green to dark blue (as viridis runs), t in 0..1 */
static GrokRgba
outcome_color (double t)
{
  static const GrokRgba stops[] = { { 0.267, 0.005, 0.329, 1 }, { 0.231, 0.322, 0.545, 1 },
                                    { 0.129, 0.569, 0.549, 1 }, { 0.369, 0.788, 0.384, 1 },
                                    { 0.992, 0.906, 0.145, 1 } };
  double at = CLAMP (isfinite (t) ? t : 0, 0, 1) * (G_N_ELEMENTS (stops) - 1);
  guint i = MIN ((guint) at, G_N_ELEMENTS (stops) - 2);
  double u = at - i;

  return (GrokRgba) { stops[i].r + u * (stops[i + 1].r - stops[i].r),
                      stops[i].g + u * (stops[i + 1].g - stops[i].g),
                      stops[i].b + u * (stops[i + 1].b - stops[i].b), 1 };
}

gboolean
grok_sweep_figure_point_at (GrokSweepFigure *f, double width, double height, double x, double y,
                            guint *xi, guint *yi)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double left, right, top, bottom, cw, ch;
  gboolean laid_out;
  int i, j;

  g_return_val_if_fail (f != NULL, FALSE);
  if (f->kind != GROK_SWEEP_FIGURE_PHASE)
    return FALSE;
  /* the text's widths set the margins, as when it is drawn */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  laid_out = phase_layout (cr, width, height, f, &left, &right, &top, &bottom, &cw, &ch);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  if (!laid_out)
    return FALSE;
  i = (int) floor ((x - left) / cw);
  j = (int) f->grid->ny - 1 - (int) floor ((y - top) / ch);
  if (x < left || y < top || i < 0 || j < 0 || i >= (int) f->grid->nx || j >= (int) f->grid->ny)
    return FALSE;
  *xi = i;
  *yi = j;
  return TRUE;
}

/* text in at most max_width: the font shrunk as far as half its size when it does not fit */
static void
fitted_text (cairo_t *cr, const GrokFigureStyle *style, double font, gboolean bold,
             const char *text, double x, double y, double max_width, double ax, double ay)
{
  double w;

  grok_figure_set_font (cr, style, font, bold);
  w = grok_figure_text_width (cr, text);
  if (w > max_width && max_width > 0)
    grok_figure_set_font (cr, style, MAX (font * max_width / w, font * 0.5), bold);
  grok_figure_text (cr, text, x, y, ax, ay, 0);
}

static void
draw_phase (cairo_t *cr, double width, double height, GrokSweepFigure *f)
{
  const GrokSweepPhaseGrid *g = f->grid;
  const GrokSweepAxis *ax = grok_sweep_get_axis (f->sweep, g->x_axis);
  const GrokSweepAxis *ay = grok_sweep_get_axis (f->sweep, g->y_axis);
  double pt = f->style.scale, font = f->style.font_size;
  double left, right, top, bottom, cw, ch, lo, hi;
  g_autofree char *title = NULL, *detail = NULL, *values = NULL, *steps = shown_number (budget (f->cells));
  g_autofree char *x_label = g_strdup_printf ("%s%s", ax->key, ax->log ? " (log scale)" : "");
  g_autofree char *y_label = g_strdup_printf ("%s%s", ay->key, ay->log ? " (log scale)" : "");
  GrokPalette palette;

  grok_figure_style_palette (&f->style, &palette);
  grok_figure_set_color (cr, palette.background);
  cairo_paint (cr);
  if (!phase_layout (cr, width, height, f, &left, &right, &top, &bottom, &cw, &ch))
    return;
  outcome_range (g, &lo, &hi);
  title = g_strdup_printf ("Phases: accuracy threshold %.2f, delay factor %g, budget %s steps",
                           GROK_SWEEP_THETA, GROK_SWEEP_DELAY, steps);
  detail = g_strdup_printf ("grokking: generalised at least %g times later than memorised",
                            GROK_SWEEP_DELAY);
  values = g_strdup_printf (f->by_outcome ? "coloured and written in each point: the mean %s of "
                                            "its finished seeds"
                                          : "in each point: the mean %s of its finished seeds",
                            f->outcome);
  grok_figure_set_color (cr, palette.foreground);
  /* the title's lines start at the figure's left edge and shrink to fit its width */
  fitted_text (cr, &f->style, font, TRUE, title, 2 * pt, 0.9 * font * pt, width - 4 * pt, 0, 0.5);
  fitted_text (cr, &f->style, font * 0.9, FALSE, detail, 2 * pt, 2.3 * font * pt, width - 4 * pt,
               0, 0.5);
  fitted_text (cr, &f->style, font * 0.9, FALSE, values, 2 * pt, 3.5 * font * pt, width - 4 * pt,
               0, 0.5);
  for (guint j = 0; j < g->ny; j++)
    for (guint i = 0; i < g->nx; i++)
      {
        guint at = i + g->nx * j;
        /* the first y value at the bottom, as on an axis */
        double x = left + i * cw, y = top + (g->ny - 1 - j) * ch;
        g_autofree char *value = shown_number (g->value[at]);
        gboolean empty = f->by_outcome ? !isfinite (g->value[at]) : g->phase[at] == GROK_PHASE_NONE;
        GrokRgba color = phase_colors[g->phase[at]];
        double t = hi > lo ? (g->value[at] - lo) / (hi - lo) : 0.5;

        if (f->by_outcome)
          color = empty ? phase_colors[GROK_PHASE_NONE] : outcome_color (t);
        grok_figure_set_color (cr, color);
        cairo_rectangle (cr, x + pt, y + pt, cw - 2 * pt, ch - 2 * pt);
        cairo_fill_preserve (cr);
        grok_figure_set_color (cr, palette.grid);
        cairo_set_line_width (cr, 0.5 * pt);
        cairo_stroke (cr);
        grok_figure_set_color (cr, empty ? palette.foreground
                                   : f->by_outcome && t > 0.6 ? (GrokRgba) { 0, 0, 0, 1 }
                                   : (GrokRgba) { 1, 1, 1, 1 });
        fitted_text (cr, &f->style, font, FALSE, g->n_finished[at] ? value : "-", x + cw / 2,
                     y + ch / 2, cw - 4 * pt, 0.5, 0.5);
      }
  grok_figure_set_color (cr, palette.foreground);
  grok_figure_set_font (cr, &f->style, font, FALSE);
  for (guint i = 0; i < g->nx; i++)
    grok_figure_text (cr, ax->values->pdata[i], left + (i + 0.5) * cw,
                      height - bottom + 3 * pt, 0.5, 0, 0);
  for (guint j = 0; j < g->ny; j++)
    grok_figure_text (cr, ay->values->pdata[j], left - 4 * pt,
                      top + (g->ny - 1 - j + 0.5) * ch, 1, 0.5, 0);
  grok_figure_text (cr, x_label, left + (width - left - right) / 2, height - 2 * pt, 0.5, 1, 0);
  grok_figure_text (cr, y_label, 2 * pt, top + (height - top - bottom) / 2, 0.5, 0, G_PI / 2);
  if (f->by_outcome)
    {
      /* the scale: five swatches from the highest down, the ends written beside them */
      for (guint k = 0; k < 5 && isfinite (lo); k++)
        {
          double y = top + k * 1.6 * font * pt;
          g_autofree char *at = shown_number (hi - (hi - lo) * k / 4.0);
          grok_figure_set_color (cr, outcome_color (1 - k / 4.0));
          cairo_rectangle (cr, width - right + 6 * pt, y, font * pt, font * pt);
          cairo_fill (cr);
          grok_figure_set_color (cr, palette.foreground);
          grok_figure_text (cr, at, width - right + (8 + font) * pt, y + font * pt / 2, 0, 0.5, 0);
        }
      return;
    }
  for (guint p = 1; p < GROK_N_PHASES; p++)
    {
      double y = top + (p - 1) * 1.6 * font * pt;
      grok_figure_set_color (cr, phase_colors[p]);
      cairo_rectangle (cr, width - right + 6 * pt, y, font * pt, font * pt);
      cairo_fill (cr);
      grok_figure_set_color (cr, palette.foreground);
      grok_figure_text (cr, grok_phase_name (p), width - right + (8 + font) * pt,
                        y + font * pt / 2, 0, 0.5, 0);
    }
}

/* "optim.weight_decay 1, seed 2": the values that set line apart (the axes with more than one
 * value, and the seed unless the seeds are grouped) */
static char *
line_label (GrokSweep *sweep, guint cell, gboolean grouped)
{
  GString *label = g_string_new (NULL);

  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    {
      const GrokSweepAxis *axis = grok_sweep_get_axis (sweep, a);
      if (axis->values->len > 1)
        g_string_append_printf (label, "%s%s %s", label->len ? ", " : "", axis->key,
                                (char *) axis->values->pdata[grok_sweep_cell_value (sweep, cell, a)]);
    }
  if (!grouped && grok_sweep_n_seeds (sweep) > 1)
    g_string_append_printf (label, "%sseed %" G_GINT64_FORMAT, label->len ? ", " : "",
                            grok_sweep_cell_seed (sweep, cell));
  if (label->len == 0)
    g_string_append (label, grok_sweep_get_name (sweep));
  return g_string_free (label, FALSE);
}

typedef struct
{
  char   *label;
  GArray *x, *y, *lo, *hi;   /* double */
} Line;

static void
line_free (gpointer data)
{
  Line *line = data;

  g_free (line->label);
  g_array_unref (line->x);
  g_array_unref (line->y);
  g_array_unref (line->lo);
  g_array_unref (line->hi);
  g_free (line);
}

/* the lines drawn: one per cell, or per point of the axes with its seeds on the steps of its
 * first seed that has rows, as mean and range of those that cover the step */
static GPtrArray *
compare_lines (const GrokSweepFigure *f)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (line_free);
  guint seeds = f->grouped ? grok_sweep_n_seeds (f->sweep) : 1;

  for (guint first = 0; first < grok_sweep_n_cells (f->sweep); first += seeds)
    {
      const GrokMetrics *base = NULL;
      Line *line;
      for (guint s = 0; s < seeds && base == NULL; s++)
        base = f->metrics->pdata[first + s];
      if (base == NULL)
        continue;
      line = g_new0 (Line, 1);
      line->label = line_label (f->sweep, first, f->grouped);
      line->x = g_array_new (FALSE, FALSE, sizeof (double));
      line->y = g_array_new (FALSE, FALSE, sizeof (double));
      line->lo = g_array_new (FALSE, FALSE, sizeof (double));
      line->hi = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint r = 0; r < base->n_rows; r++)
        {
          double step = grok_metrics_get (base, r, 0), sum = 0, lo = INFINITY, hi = -INFINITY;
          guint have = 0;
          for (guint s = 0; s < seeds; s++)
            {
              const GrokMetrics *m = f->metrics->pdata[first + s];
              double v = m ? grok_compare_value_at (m, "step", f->column, step) : NAN;
              if (isfinite (v))
                sum += v, lo = MIN (lo, v), hi = MAX (hi, v), have++;
            }
          if (have == 0)
            continue;
          sum /= have;
          g_array_append_val (line->x, step);
          g_array_append_val (line->y, sum);
          g_array_append_val (line->lo, lo);
          g_array_append_val (line->hi, hi);
        }
      g_ptr_array_add (lines, line);
    }
  return lines;
}

static void
draw_compare (cairo_t *cr, double width, double height, GrokSweepFigure *f)
{
  g_autoptr (GPtrArray) lines = compare_lines (f);
  g_autofree GrokSeries *series = g_new0 (GrokSeries, MAX (lines->len, 1));
  g_autofree char *title = g_strdup_printf ("%s: %s%s", grok_sweep_get_name (f->sweep),
                                            f->column, f->grouped && grok_sweep_n_seeds (f->sweep) > 1
                                            ? ", mean and range over the seeds" : "");
  GrokPalette palette;
  GrokPlot plot;

  grok_figure_style_palette (&f->style, &palette);
  grok_figure_set_color (cr, palette.background);
  cairo_paint (cr);
  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = lines->pdata[i];
      gboolean band = f->grouped && grok_sweep_n_seeds (f->sweep) > 1;
      series[i] = (GrokSeries) { (double *) line->x->data, (double *) line->y->data,
                                 band ? (double *) line->lo->data : NULL,
                                 band ? (double *) line->hi->data : NULL, line->x->len,
                                 line->label, grok_figure_style_series_color (&f->style, i),
                                 FALSE };
    }
  grok_plot_init (&plot);
  plot.title = title;
  plot.x_label = "step";
  plot.y_label = f->column;
  plot.x_log = TRUE;
  plot.series = series;
  plot.n_series = lines->len;
  plot.legend_outside = TRUE;
  plot.empty_text = "no rows yet";
  grok_plot_draw (cr, 0, 0, width, height, &plot, &f->style, NULL);
}

void
grok_sweep_figure_draw (cairo_t *cr, double width, double height, gpointer data)
{
  GrokSweepFigure *figure = data;

  if (figure->kind == GROK_SWEEP_FIGURE_PHASE)
    draw_phase (cr, width, height, figure);
  else
    draw_compare (cr, width, height, figure);
}

char *
grok_sweep_figure_csv (const GrokSweepFigure *f)
{
  GString *out = g_string_new (NULL);

  if (f->kind == GROK_SWEEP_FIGURE_PHASE)
    {
      const GrokSweepPhaseGrid *g = f->grid;
      const GrokSweepAxis *ax = grok_sweep_get_axis (f->sweep, g->x_axis);
      const GrokSweepAxis *ay = grok_sweep_get_axis (f->sweep, g->y_axis);

      g_string_append_printf (out, "%s,%s,cells,finished,phase,%s_mean\n", ax->key, ay->key,
                              f->outcome);
      for (guint j = 0; j < g->ny; j++)
        for (guint i = 0; i < g->nx; i++)
          {
            guint at = i + g->nx * j;
            char value[G_ASCII_DTOSTR_BUF_SIZE] = "";
            if (isfinite (g->value[at]))
              g_ascii_formatd (value, sizeof value, "%.9g", g->value[at]);
            g_string_append_printf (out, "%s,%s,%u,%u,%s,%s\n", (char *) ax->values->pdata[i],
                                    (char *) ay->values->pdata[j], g->n_cells[at],
                                    g->n_finished[at], grok_phase_name (g->phase[at]), value);
          }
      return g_string_free (out, FALSE);
    }
  {
    g_autoptr (GPtrArray) lines = compare_lines (f);
    g_string_append (out, "line,step,mean,min,max\n");
    for (guint i = 0; i < lines->len; i++)
      {
        Line *line = lines->pdata[i];
        for (guint k = 0; k < line->x->len; k++)
          {
            char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
            char c[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append_printf (out, "\"%s\",%.0f,%s,%s,%s\n", line->label,
                                    g_array_index (line->x, double, k),
                                    g_ascii_formatd (a, sizeof a, "%.9g", g_array_index (line->y, double, k)),
                                    g_ascii_formatd (b, sizeof b, "%.9g", g_array_index (line->lo, double, k)),
                                    g_ascii_formatd (c, sizeof c, "%.9g", g_array_index (line->hi, double, k)));
          }
      }
  }
  return g_string_free (out, FALSE);
}

gboolean
grok_sweep_figure_export (const char *path, GrokSweepFigure *figure, double width_in,
                          double height_in, double dpi, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  const char *pairs[] = { "Title", figure->kind == GROK_SWEEP_FIGURE_PHASE ? "phase" : "compare",
                          "Sweep", grok_sweep_get_name (figure->sweep), NULL };

  if (g_str_has_suffix (lower, ".png"))
    {
      int w = (int) lround (width_in * dpi), h = (int) lround (height_in * dpi);
      if (w < 1 || h < 1 || (gint64) w * h > 400000000)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                       "%s: %d x %d pixels is not a size a PNG can be made at", path, w, h);
          return FALSE;
        }
      return grok_export_png (path, w, h, dpi, grok_sweep_figure_draw, figure, pairs, error);
    }
  if (g_str_has_suffix (lower, ".svg"))
    return grok_export_svg (path, width_in, height_in, grok_sweep_figure_draw, figure, error);
  if (g_str_has_suffix (lower, ".pdf"))
    return grok_export_pdf (path, width_in, height_in, grok_sweep_figure_draw, figure,
                            pairs[1], error);
  if (g_str_has_suffix (lower, ".csv"))
    {
      g_autofree char *csv = grok_sweep_figure_csv (figure);
      return grok_file_write_atomic (path, csv, strlen (csv), error);
    }
  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
               "%s: the file name must end in .png, .svg, .pdf or .csv", path);
  return FALSE;
}
