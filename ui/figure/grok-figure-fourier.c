/* The Fourier figure: bars at the step shown and a heatmap over the stored checkpoints, for the
 * embedding and the unembedding. The plot module draws the axes of four given limits; the bars
 * and the cells are drawn over its data area and recorded as areas for the layout checks. */
#include "grok-figure-fourier.h"

#include <math.h>

#include "grok-plot-private.h"

static const char * const matrix_titles[GROK_FOURIER_N_MATRICES] = {
  [GROK_FOURIER_EMBEDDING] = "Embedding",
  [GROK_FOURIER_UNEMBEDDING] = "Unembedding",
};

static gboolean
is_key (const GrokFourierData *data, GrokFourierMatrix m, int k)
{
  for (int i = 0; i < data->n_keys[m]; i++)
    if (data->keys[m][i] == k)
      return TRUE;
  return FALSE;
}

static char *
keys_list (const int *keys, int n_keys, const char *separator)
{
  GString *out = g_string_new (NULL);

  for (int i = 0; i < n_keys; i++)
    g_string_append_printf (out, "%s%d", i ? separator : "", keys[i]);
  return g_string_free (out, FALSE);
}

static char *
keys_text (const GrokFourierData *data, GrokFourierMatrix m, const char *separator)
{
  return keys_list (data->keys[m], data->n_keys[m], separator);
}

/* the labels of the key bars, each above its bar where it crosses no other bar or label */
static void
draw_key_labels (cairo_t *cr, const GrokFourierData *data, GrokFourierMatrix m,
                 const double *norms, const GrokPlotGeometry *g, const GrokFigureStyle *style,
                 const GrokPalette *palette)
{
  g_autoptr (GArray) placed = g_array_new (FALSE, FALSE, sizeof (GrokBox));
  double gap = 0.2 * style->font_size * style->scale;
  /* labels keep this far apart: "40" and "44" never read as "4044" */
  double apart = GROK_FOURIER_LABEL_GAP * style->font_size * style->scale;
  double line_h;

  grok_figure_set_font (cr, style, 0.85 * style->font_size, FALSE);
  grok_figure_set_color (cr, palette->foreground);
  line_h = 1.2 * grok_figure_text_height (cr);
  for (int i = 0; i < data->n_keys[m]; i++)
    {
      int k = data->keys[m][i];
      char label[16];
      double px = grok_plot_geometry_x_to_px (g, k);
      double py = 0;
      GrokBox box;
      gboolean fits = FALSE;

      g_snprintf (label, sizeof label, "%d", k);
      /* above its bar, else staggered a line higher (up to three), where it keeps clear of
       * the other labels and the bars; else left to the title, which lists every key */
      double bx = px;
      for (int level = 0; level < 4 && !fits; level++)
        for (guint shift = 0; shift <= 2 * placed->len && !fits; shift++)
        {
          py = grok_plot_geometry_y_to_px (g, norms[k]) - gap - level * line_h;
          box = grok_figure_text_box (cr, label, px, py, 0.5, 1, 0);
          /* beside a label already placed, just clear of it, rather than over it */
          if (shift > 0)
            {
              const GrokBox *other = &g_array_index (placed, GrokBox, (shift - 1) / 2);
              double dx = shift % 2 ? other->x1 + apart - box.x0 : other->x0 - apart - box.x1;
              if (fabs (dx) > box.x1 - box.x0)
                continue;
              box.x0 += dx, box.x1 += dx;
              bx = px + dx;
            }
          else
            bx = px;
          fits = box.y0 >= g->top && box.x0 >= g->left && box.x1 <= g->left + g->width;
          for (guint j = 0; fits && j < placed->len; j++)
            {
              GrokBox grown = g_array_index (placed, GrokBox, j);
              grown.x0 -= apart, grown.x1 += apart;
              fits = !grok_box_overlaps (&box, &grown);
            }
          for (int q = 0; fits && q < data->n_freq; q++)
            {
              double x0 = grok_plot_geometry_x_to_px (g, q - 0.4);
              double x1 = grok_plot_geometry_x_to_px (g, q + 0.4);
              double top = grok_plot_geometry_y_to_px (g, norms[q]);
              fits = x1 <= box.x0 || x0 >= box.x1 || top >= box.y1;
            }
        }
      if (!fits)
        continue;
      g_array_append_val (placed, box);
      grok_figure_text (cr, label, bx, py, 0.5, 1, 0);
    }
}

static void
draw_bars (cairo_t *cr, double x, double y, double width, double height,
           const GrokFourierData *data, GrokFourierMatrix m, const GrokFigureStyle *style)
{
  const double *norms = grok_fourier_data_norms (data, m, data->shown);
  g_autofree char *step = grok_figure_format_count (data->step);
  g_autofree char *keys = keys_text (data, m, ", ");
  g_autofree char *title = g_strdup_printf ("%s, step %s: key k %s", matrix_titles[m], step,
                                            keys);
  GrokRgba plain = grok_figure_style_series_color (style, 0);
  GrokRgba key = grok_figure_style_series_color (style, 1);
  GrokPalette palette;
  GrokPlotGeometry g;
  GrokPlot plot;
  double top = 0;

  grok_figure_style_palette (style, &palette);
  for (int k = 0; k < data->n_freq; k++)
    top = MAX (top, norms[k]);
  grok_plot_init (&plot);
  plot.title = title;
  plot.x_label = "frequency k";
  plot.y_label = "norm_k";
  plot.x_integer = TRUE;
  plot.x_min = -0.5;
  plot.x_max = data->n_freq - 0.5;
  plot.y_min = 0;
  /* room above the tallest bar for its label */
  plot.y_max = top > 0 ? 1.2 * top : 1;
  grok_plot_draw (cr, x, y, width, height, &plot, style, &g);

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  for (int k = 0; k < data->n_freq; k++)
    {
      double x0 = grok_plot_geometry_x_to_px (&g, k - 0.4);
      double x1 = grok_plot_geometry_x_to_px (&g, k + 0.4);
      double y0 = grok_plot_geometry_y_to_px (&g, 0);
      double y1 = grok_plot_geometry_y_to_px (&g, norms[k]);
      if (!(y0 - y1 > 0))
        continue;
      cairo_rectangle (cr, x0, y1, x1 - x0, y0 - y1);
      grok_figure_set_color (cr, is_key (data, m, k) ? key : plain);
      cairo_fill (cr);
      grok_figure_layout_add_area (cr, x0, y1, x1 - x0, y0 - y1);
    }
  cairo_restore (cr);
  draw_key_labels (cr, data, m, norms, &g, style, &palette);
}

/* the x of the boundary between two checkpoints' columns: halfway in pixels */
static double
column_edge (const GrokPlotGeometry *g, const GArray *steps, guint i)
{
  if (i == 0)
    return g->left;
  if (i >= steps->len)
    return g->left + g->width;
  return 0.5 * (grok_plot_geometry_x_to_px (g, (double) g_array_index (steps, gint64, i - 1)) +
                grok_plot_geometry_x_to_px (g, (double) g_array_index (steps, gint64, i)));
}

/* a vertical colour bar from 0 to hi at (x, top), with its two end values */
static void
draw_colour_bar (cairo_t *cr, double x, double top, double bar_w, double bar_h, double hi,
                 const GrokFigureStyle *style, const GrokPalette *palette)
{
  cairo_pattern_t *ramp = cairo_pattern_create_linear (0, top + bar_h, 0, top);
  double gap = 0.3 * style->font_size * style->scale;
  char label[32];

  for (int i = 0; i <= 32; i++)
    {
      GrokRgba c = grok_colormap_sequential (i / 32.0);
      cairo_pattern_add_color_stop_rgb (ramp, i / 32.0, c.r, c.g, c.b);
    }
  cairo_rectangle (cr, x, top, bar_w, bar_h);
  cairo_set_source (cr, ramp);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (ramp);
  grok_figure_layout_add_area (cr, x, top, bar_w, bar_h);
  grok_figure_set_color (cr, palette->foreground);
  cairo_set_line_width (cr, 0.5 * style->line_width * style->scale);
  cairo_stroke (cr);
  grok_figure_set_font (cr, style, 0.85 * style->font_size, FALSE);
  g_snprintf (label, sizeof label, "%.3g", hi);
  grok_figure_text (cr, label, x + bar_w + gap, top, 0, 0, 0);
  grok_figure_text (cr, "0", x + bar_w + gap, top + bar_h, 0, 1, 0);
}

static void
draw_heatmap (cairo_t *cr, double x, double y, double width, double height,
              const GrokFourierData *data, GrokFourierMatrix m, const GrokFigureStyle *style)
{
  guint n = data->steps->len;
  gint64 first = -1, last = g_array_index (data->steps, gint64, n - 1);
  g_autofree char *title = g_strdup_printf ("%s over %u step%s, each scaled to its max",
                                            matrix_titles[m], n, n == 1 ? "" : "s");
  double fs = style->font_size * style->scale, bar_room, bar_w = 0.8 * fs;
  GrokPalette palette;
  GrokPlotGeometry g;
  GrokPlot plot;
  char widest[32];

  grok_figure_style_palette (style, &palette);
  for (guint i = 0; i < n && first < 0; i++)
    if (g_array_index (data->steps, gint64, i) > 0)
      first = g_array_index (data->steps, gint64, i);
  if (first < 0)
    first = last = 1;
  cairo_save (cr);
  grok_figure_set_font (cr, style, 0.85 * style->font_size, FALSE);
  g_snprintf (widest, sizeof widest, "%.3g", 1.0);
  bar_room = 0.5 * fs + bar_w + 0.3 * fs + grok_figure_text_width (cr, widest) + 0.4 * fs;
  cairo_restore (cr);

  grok_plot_init (&plot);
  plot.title = title;
  plot.x_label = "step";
  plot.y_label = "frequency k";
  plot.x_log = TRUE;
  plot.x_zero = TRUE;
  plot.x_min = (double) first;
  plot.x_max = (double) MAX (last, first * 10);
  plot.y_min = -0.5;
  plot.y_max = data->n_freq - 0.5;
  grok_plot_draw (cr, x, y, MAX (width - bar_room, width / 2), height, &plot, style, &g);

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  /* cells that share edges: no seams between them */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint i = 0; i < n; i++)
    {
      const double *norms = grok_fourier_data_norms (data, m, i);
      double x0 = column_edge (&g, data->steps, i), x1 = column_edge (&g, data->steps, i + 1);
      double hi = 0;
      /* each step on its own scale: weight decay shrinks every norm, and what the map shows
       * is where a step's norm sits */
      for (int k = 0; k < data->n_freq; k++)
        hi = MAX (hi, norms[k]);
      if (!(hi > 0))
        hi = 1;
      for (int k = 0; k < data->n_freq; k++)
        {
          double y0 = grok_plot_geometry_y_to_px (&g, k + 0.5);
          double y1 = grok_plot_geometry_y_to_px (&g, k - 0.5);
          cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
          grok_figure_set_color (cr, grok_colormap_sequential (norms[k] / hi));
          cairo_fill (cr);
        }
    }
  grok_figure_layout_add_area (cr, g.left, g.top, g.width, g.height);
  /* the step shown */
  {
    double px = grok_plot_geometry_x_to_px (&g, (double) data->step);
    double dash = 2 * style->scale;
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_set_line_width (cr, style->line_width * style->scale);
    cairo_set_dash (cr, &dash, 1, 0);
    cairo_move_to (cr, px, g.top);
    cairo_line_to (cr, px, g.top + g.height);
    cairo_stroke (cr);
  }
  cairo_restore (cr);
  if (width - bar_room >= width / 2)
    draw_colour_bar (cr, g.left + g.width + 0.5 * fs, g.top, bar_w, g.height, 1, style, &palette);
}

/* "the final checkpoint, step 1,500: 2 22 34 40 44" or "the newest step, 800 (run not
 * finished): ...": which key set the progress measures use */
static char *
progress_title (const GrokFourierData *data)
{
  g_autofree char *step = grok_figure_format_count (data->progress_step);
  g_autofree char *keys = keys_list (data->progress_keys, data->n_progress_keys, " ");

  if (data->progress_final)
    return g_strdup_printf ("Loss with the key frequencies of the final checkpoint, step %s: %s",
                            step, keys);
  /* the newest step of a run that has not ended is a snapshot of a live run as often as a
   * stored checkpoint: it is named by its step alone */
  return g_strdup_printf ("Loss with the key frequencies of the newest step, %s (run not "
                          "finished): %s", step, keys);
}

/* restricted, excluded and test loss over the stored checkpoints, one key set for all */
static void
draw_progress (cairo_t *cr, double x, double y, double width, double height,
               const GrokFourierData *data, const GrokFigureStyle *style)
{
  guint n = data->steps->len;
  g_autofree double *steps = g_new (double, n);
  g_autofree double *test_steps = g_new (double, n);
  g_autofree double *test_loss = g_new (double, n);
  g_autofree char *title = progress_title (data);
  GrokSeries series[3] = { 0 };
  GrokPlot plot;
  GrokPlotGeometry g;
  gsize n_test = 0;

  for (guint i = 0; i < n; i++)
    {
      steps[i] = (double) g_array_index (data->steps, gint64, i);
      /* the metrics are evaluated on their own schedule: the line joins the steps that have
       * one, without gaps at the checkpoints between them */
      if (isfinite (data->test_loss[i]))
        {
          test_steps[n_test] = steps[i];
          test_loss[n_test++] = data->test_loss[i];
        }
    }
  series[0] = (GrokSeries) { .x = steps, .y = data->restricted, .n = n,
                             .label = "restricted loss",
                             .color = grok_figure_style_series_color (style, 0) };
  series[1] = (GrokSeries) { .x = steps, .y = data->excluded, .n = n,
                             .label = "excluded loss (train)",
                             .color = grok_figure_style_series_color (style, 1) };
  series[2] = (GrokSeries) { .x = test_steps, .y = test_loss, .n = n_test, .label = "test loss",
                             .color = grok_figure_style_series_color (style, 2),
                             .dashed = TRUE };
  grok_plot_init (&plot);
  plot.title = title;
  plot.x_label = "step";
  plot.y_label = "loss (nats)";
  plot.x_log = TRUE;
  plot.x_zero = TRUE;
  plot.y_log = TRUE;
  plot.series = series;
  plot.n_series = 3;
  plot.legend_outside = TRUE;
  plot.empty_text = "no losses to draw";
  grok_plot_draw (cr, x, y, width, height, &plot, style, &g);
}

void
grok_figure_fourier_draw (cairo_t *cr, double x, double y, double width, double height,
                          const GrokFourierData *data, const GrokFigureStyle *style)
{
  GrokPalette palette;
  guint cols;
  double cw, ch;

  g_return_if_fail (cr != NULL && data != NULL && style != NULL);
  grok_figure_style_palette (style, &palette);
  cairo_rectangle (cr, x, y, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  /* four panels: the bars and the heatmap of one matrix side by side when there is room; the
   * progress measures in a row of their own below them */
  cols = grok_figure_grid_columns (5, width, height, 1.3);
  cols = cols >= 4 ? 4 : cols >= 2 ? 2 : 1;
  cw = width / cols;
  ch = height / (4 / cols + 1);
  for (guint panel = 0; panel < 4; panel++)
    {
      GrokFourierMatrix m = panel / 2;
      double px = x + (panel % cols) * cw, py = y + (panel / cols) * ch;
      cairo_save (cr);
      if (panel % 2 == 0)
        draw_bars (cr, px, py, cw, ch, data, m, style);
      else
        draw_heatmap (cr, px, py, cw, ch, data, m, style);
      cairo_restore (cr);
    }
  cairo_save (cr);
  draw_progress (cr, x, y + (4 / cols) * ch, width, ch, data, style);
  cairo_restore (cr);
}

void
grok_figure_fourier_append_csv (GString *out, const GrokFourierData *data)
{
  g_string_append_printf (out, "# step=%" G_GINT64_FORMAT "\n", data->step);
  for (guint m = 0; m < GROK_FOURIER_N_MATRICES; m++)
    {
      g_autofree char *keys = keys_text (data, m, " ");
      g_string_append_printf (out, "# key_frequencies.%s=%s\n", grok_fourier_matrix_name (m),
                              keys);
    }
  /* what the bars' colours and the heatmap's colour bar say */
  g_string_append (out, "# key_frequencies.rule=the five k >= 1 with the largest norm_k at the "
                        "step shown\n"
                        "# heatmap=each step's norms scaled to their largest\n");
  g_string_append (out, "step,matrix,frequency,norm\n");
  for (guint i = 0; i < data->steps->len; i++)
    for (guint m = 0; m < GROK_FOURIER_N_MATRICES; m++)
      {
        const double *norms = grok_fourier_data_norms (data, m, i);
        for (int k = 0; k < data->n_freq; k++)
          g_string_append_printf (out, "%" G_GINT64_FORMAT ",%s,%d,%.9g\n",
                                  g_array_index (data->steps, gint64, i),
                                  grok_fourier_matrix_name (m), k, norms[k]);
      }
  /* the progress measures: one key set for every step */
  {
    g_autofree char *keys = keys_list (data->progress_keys, data->n_progress_keys, " ");
    g_string_append_printf (out, "\n# progress_keys=%s\n# progress_keys_from=%s, step=%"
                            G_GINT64_FORMAT "\n", keys, data->progress_final ? "final" : "newest",
                            data->progress_step);
  }
  g_string_append (out, "step,restricted_loss,excluded_loss,test_loss\n");
  for (guint i = 0; i < data->steps->len; i++)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT ",%.9g,%.9g,",
                              g_array_index (data->steps, gint64, i), data->restricted[i],
                              data->excluded[i]);
      if (isfinite (data->test_loss[i]))
        g_string_append_printf (out, "%.9g", data->test_loss[i]);
      g_string_append_c (out, '\n');
    }
}
