/* The neurons and attention figures: grids of (a, b) images under a heading. */
#include "grok-figure-neurons.h"
#include "grok-plot-private.h"

#include <math.h>

/* the heading across the top, fitted to the width; returns the height it takes */
static double
draw_heading (cairo_t *cr, double x, double y, double width, const char *text,
              const GrokFigureStyle *style)
{
  double pad = 0.6 * style->font_size * style->scale, size, line_h;
  char *lines[2] = { NULL, NULL };
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  cairo_save (cr);
  size = grok_figure_fit_text (cr, style, text, style->font_size, FALSE, width - 2 * pad, lines);
  grok_figure_set_font (cr, style, size, FALSE);
  grok_figure_set_color (cr, palette.foreground);
  line_h = grok_figure_text_height (cr) * 1.45;
  for (guint i = 0; i < 2 && lines[i] != NULL; i++)
    {
      grok_figure_text (cr, lines[i], x + width / 2, y + pad + i * line_h, 0.5, 0, 0);
      g_free (lines[i]);
    }
  cairo_restore (cr);
  return pad + (lines[1] != NULL ? 2 : 1) * line_h;
}

static void
paint_background (cairo_t *cr, double x, double y, double width, double height,
                  const GrokFigureStyle *style)
{
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  cairo_rectangle (cr, x, y, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
}

/* the decades below a unit's largest power cell its image shows */
#define POWER_DECADES 4.0

/* the room a colour bar takes right of the last of cols images, each sized for a panel
 * fit_width wide less its share of the bar's room */
static double
neuron_bar_room (cairo_t *cr, const GrokViewNeurons *nv, double fit_width, guint cols,
                 const GrokFigureStyle *style)
{
  double extra = 0, cw = fit_width;

  /* the bar's own room takes from the panels' width: settle the two */
  for (int it = 0; it < 3; it++)
    {
      extra = MAX (grok_figure_heatmap_bar_room (cr, style, (guint) nv->side, -1, 1, cw),
                   grok_figure_heatmap_bar_room (cr, style, (guint) nv->side, -POWER_DECADES, 0, cw));
      cw = fit_width - extra / cols;
    }
  return extra;
}

/* the side of a unit's images in a cols x rows grid of units over width x height: shared,
 * the activation over the power with a colour bar for each row of images; else side by side
 * with a bar each. Measured by drawing one where nothing is kept */
static double
neuron_image_side (cairo_t *cr, const GrokViewNeurons *nv, double width, double height,
                   guint cols, guint rows, gboolean shared, const GrokFigureStyle *style)
{
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *trial = cairo_create (recording);
  cairo_font_options_t *options = cairo_font_options_create ();
  g_autofree float *flat = g_new0 (float, (gsize) nv->side * nv->side);
  cairo_surface_t *act = grok_heatmap_surface_new (flat, nv->side, nv->side, 1, NULL);
  GrokHeatmapAxes axes = { "a", "b", 0, 0, FALSE };
  GrokHeatmapGeometry g = { 0 };
  cairo_matrix_t matrix;
  double cw, ch;

  cairo_get_matrix (cr, &matrix);
  cairo_set_matrix (trial, &matrix);
  cairo_get_font_options (cr, options);
  cairo_set_font_options (trial, options);
  if (shared)
    {
      double extra = neuron_bar_room (trial, nv, width / cols, cols, style);
      cw = (width - extra) / cols;
      ch = height / (2 * rows);
      axes.no_bar = TRUE;
      axes.fit_width = cw;
    }
  else
    {
      cw = width / cols / 2;
      ch = height / rows;
    }
  grok_figure_heatmap_draw_axes (trial, 0, 0, cw, ch, act, FALSE, 0, 1, &axes,
                                 "unit 0 (variance 0.1)", "activation", style, &g);
  cairo_surface_destroy (act);
  cairo_font_options_destroy (options);
  cairo_destroy (trial);
  cairo_surface_destroy (recording);
  return g.width;
}


void
grok_figure_neurons_draw (cairo_t *cr, double x, double y, double width, double height,
                          const GrokViewNeurons *nv, gint64 step, const GrokFigureStyle *style,
                          GrokHeatmapGeometry *geometries)
{
  gsize ss = (gsize) nv->side * nv->side;
  gboolean walsh = nv->basis == GROK_NEURON_BASIS_WALSH;
  g_autofree char *step_text = grok_figure_format_count (step);
  g_autofree char *heading = NULL;
  g_autofree float *decades = NULL;
  double top, cw, ch, extra = 0;
  guint cols, rows;
  gboolean stacked = FALSE;
  GrokHeatmapAxes input_axes = { "a", "b", 0, 0, FALSE };
  GrokHeatmapAxes power_axes = { "k_a", "k_b", nv->freq_origin, nv->freq_origin, FALSE };

  if (walsh)
    power_axes = (GrokHeatmapAxes) { "bits of a (s_a)", "bits of b (s_b)", 0, 0, FALSE };
  paint_background (cr, x, y, width, height, style);
  if (nv->chosen)
    heading = g_strdup_printf ("Step %s: units of %s chosen (of %d); %s power of each less "
                               "its mean", step_text, nv->layer, nv->n_hidden,
                               walsh ? "Walsh-Hadamard" : "2-D Fourier");
  else
    heading = g_strdup_printf ("Step %s: the %d units of %s (of %d) varying most over (a, b); "
                               "%s power of each less its mean", step_text, nv->n_units,
                               nv->layer, nv->n_hidden, walsh ? "Walsh-Hadamard" : "2-D Fourier");
  top = draw_heading (cr, x, y, width, heading, style);
  if (nv->n_units == 0)
    return;
  /* a unit is two square images, side by side with a colour bar each, or (shared) its
   * activation over its power with one colour bar for each row of images on one scale: in
   * the grid that draws them largest */
  {
    double best = -1;
    cols = 1;
    for (int shared = 0; shared < 2; shared++)
      for (guint c = 1; c <= (guint) nv->n_units; c++)
        {
          guint r = ((guint) nv->n_units + c - 1) / c;
          double side = neuron_image_side (cr, nv, width, height - top, c, r, shared, style);
          if (side > best * (1 + 1e-6))
            best = side, cols = c, stacked = shared;
        }
  }
  rows = (nv->n_units + cols - 1) / cols;
  decades = g_new (float, ss);
  if (stacked)
    {
      extra = neuron_bar_room (cr, nv, width / cols, cols, style);
      cw = (width - extra) / cols;
      ch = (height - top) / (2 * rows);
    }
  else
    {
      cw = width / cols;
      ch = (height - top) / rows;
    }
  for (guint r = 0; r < rows; r++)
    {
      /* the activations of a row of units on one scale, when they share a colour bar */
      double row_limit = 0;
      for (int k = (int) (r * cols); k < nv->n_units && k < (int) ((r + 1) * cols); k++)
        for (gsize i = 0; i < ss; i++)
          row_limit = MAX (row_limit, fabs (nv->activation[k * ss + i]));
      for (int k = (int) (r * cols); k < nv->n_units && k < (int) ((r + 1) * cols); k++)
        {
          guint col = (guint) k % cols;
          gboolean bar = !stacked || col == cols - 1 || k == nv->n_units - 1;
          double px = x + col * (stacked ? cw : cw), py = y + top + r * (stacked ? 2 * ch : ch);
          double iw = stacked ? cw + (bar ? extra : 0) : cw / 2, ih = ch;
          double qx = stacked ? px : px + cw / 2, qy = stacked ? py + ch : py;
          double limit, peak = 0;
          cairo_surface_t *act = grok_heatmap_surface_new (nv->activation + k * ss, nv->side,
                                                           nv->side, stacked ? row_limit : NAN,
                                                           &limit);
          cairo_surface_t *pw;
          g_autofree char *t1 = g_strdup_printf ("unit %d (variance %.3g)", nv->units[k],
                                                 nv->variance[k]);
          g_autofree char *t2 = walsh
            ? g_strdup_printf ("unit %d: (s_a, s_b) = (%d, %d) holds %.0f%%", nv->units[k],
                               nv->key[k] / nv->side, nv->key[k] % nv->side, 100 * nv->key_share[k])
            : g_strdup_printf ("unit %d: k = %d holds %.0f%%", nv->units[k], nv->key[k],
                               100 * nv->key_share[k]);

          for (gsize i = 0; i < ss; i++)
            peak = MAX (peak, nv->power[k * ss + i]);
          /* the power of a periodic unit sits in a few of the p x p cells: on a linear scale
           * they are single bright pixels on black; decades below the largest cell show them
           * and what surrounds them */
          for (gsize i = 0; i < ss; i++)
            {
              double p = nv->power[k * ss + i];
              decades[i] = p > 0 && peak > 0 ? (float) MAX (log10 (p / peak), -POWER_DECADES)
                                             : (float) -POWER_DECADES;
            }
          pw = grok_heatmap_surface_new_sequential (decades, nv->side, nv->side, -POWER_DECADES, 0);
          input_axes.no_bar = power_axes.no_bar = !bar;
          input_axes.fit_width = power_axes.fit_width = stacked ? cw : 0;
          cairo_save (cr);
          grok_figure_heatmap_draw_axes (cr, px, py, iw, ih, act, FALSE, 0, limit, &input_axes,
                                         t1, "activation", style,
                                         geometries ? &geometries[2 * k] : NULL);
          cairo_restore (cr);
          cairo_save (cr);
          grok_figure_heatmap_draw_axes (cr, qx, qy, iw, ih, pw, TRUE, -POWER_DECADES,
                                         0, &power_axes, t2, "log\u2081\u2080 power / largest", style,
                                         geometries ? &geometries[2 * k + 1] : NULL);
          cairo_restore (cr);
          cairo_surface_destroy (act);
          cairo_surface_destroy (pw);
        }
    }
}

const char *
grok_figure_attention_position_name (int n_positions, int position)
{
  static const char * const sequence[] = { "a", "op", "b", "=" };
  static const char * const pair[] = { "a", "b" };

  if (n_positions == 4 && position >= 0 && position < 4)
    return sequence[position];
  if (n_positions == 2 && position >= 0 && position < 2)
    return pair[position];
  return "?";
}

void
grok_figure_attention_draw (cairo_t *cr, double x, double y, double width, double height,
                            const GrokViewAttention *av, gint64 step, const GrokFigureStyle *style,
                            GrokHeatmapGeometry *geometries)
{
  gsize ss = (gsize) av->side * av->side;
  guint n = (guint) (av->n_blocks * av->n_heads * av->n_positions), cols, rows;
  g_autofree char *step_text = grok_figure_format_count (step);
  const char *last = grok_figure_attention_position_name (av->n_positions, av->n_positions - 1);
  g_autofree char *heading = g_strdup_printf ("Step %s: attention from the last position ('%s') "
                                              "to each position, over the inputs (a, b)",
                                              step_text, last);
  GrokHeatmapAxes axes = { "a", "b", 0, 0, FALSE };
  double top, cw, ch, extra;

  paint_background (cr, x, y, width, height, style);
  top = draw_heading (cr, x, y, width, heading, style);
  if (n == 0)
    return;
  /* one row per head (and block) when that keeps the images large, a position per column */
  /* a row per head, a column per position, unless the images would be much smaller so */
  cols = grok_figure_grid_columns (n, width, height - top, 1.0);
  if (cols != (guint) av->n_positions)
    {
      guint r0 = (n + cols - 1) / cols, r1 = (guint) (av->n_blocks * av->n_heads);
      double best = MIN (width / cols, (height - top) / r0);
      double per_head = MIN (width / av->n_positions, (height - top) / r1);
      if (per_head >= 0.75 * best)
        cols = (guint) av->n_positions;
    }
  rows = (n + cols - 1) / cols;
  ch = (height - top) / rows;
  /* the last column is wider by the colour bar, so that its images are as large as the
   * others; every image's text is sized for the narrower panels */
  cw = width / cols;
  extra = 0;
  for (int it = 0; it < 3; it++)
    {
      extra = grok_figure_heatmap_bar_room (cr, style, (guint) av->side, 0, 1, cw);
      cw = (width - extra) / cols;
    }
  axes.fit_width = cw;
  for (guint i = 0; i < n; i++)
    {
      int t = (int) i % av->n_positions, h = (int) i / av->n_positions % av->n_heads;
      int blk = (int) i / av->n_positions / av->n_heads;
      gboolean bar = i % cols == cols - 1 || i == n - 1;
      cairo_surface_t *s = grok_heatmap_surface_new_sequential (av->weight + i * ss, av->side,
                                                                av->side, 0, 1);
      g_autofree char *title = av->n_blocks > 1
        ? g_strdup_printf ("block %d, head %d: to %s", blk, h,
                           grok_figure_attention_position_name (av->n_positions, t))
        : g_strdup_printf ("head %d: to %s", h,
                           grok_figure_attention_position_name (av->n_positions, t));

      /* one scale for every image: the colour bar at the end of each row */
      axes.no_bar = !bar;
      cairo_save (cr);
      grok_figure_heatmap_draw_axes (cr, x + (i % cols) * cw, y + top + (i / cols) * ch,
                                     bar ? cw + extra : cw, ch,
                                     s, TRUE, 0, 1, &axes, title, "weight", style,
                                     geometries ? &geometries[i] : NULL);
      cairo_restore (cr);
      cairo_surface_destroy (s);
    }
}

void
grok_figure_neurons_append_csv (GString *out, const GrokViewNeurons *nv, gint64 step)
{
  gsize ss = (gsize) nv->side * nv->side;
  gboolean walsh = nv->basis == GROK_NEURON_BASIS_WALSH;

  g_string_append_printf (out, "# step=%" G_GINT64_FORMAT "\n# layer=%s\n# hidden_units=%d\n",
                          step, nv->layer, nv->n_hidden);
  g_string_append_printf (out, "# units=%s:", nv->chosen ? "chosen" : "largest variance");
  for (int k = 0; k < nv->n_units; k++)
    g_string_append_printf (out, "%s%d", k ? "," : "", nv->units[k]);
  g_string_append_printf (out, "\n# basis=%s\n", walsh
                          ? "walsh-hadamard: power at bit subsets (s_a,s_b) of the activation "
                            "less its mean, (sum (f - mean) (-1)^(|a&s_a| + |b&s_b|) / n^2)^2"
                          : "fourier: power at frequencies (k_a,k_b) from -floor(p/2) of the "
                            "activation less its mean, "
                            "|sum (f - mean) exp(-2 pi i (k_a a + k_b b) / p)|^2 / p^4");
  g_string_append (out, walsh ? "# key=unit:s_a:s_b:share of the power in the largest cell"
                              : "# key=unit:k:share of the power at frequency k (cells with "
                                "|k_a| and |k_b| in {0,k})");
  for (int k = 0; k < nv->n_units; k++)
    {
      char share[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (share, sizeof share, "%.6g", nv->key_share[k]);
      if (walsh)
        g_string_append_printf (out, "%s%d:%d:%d:%s", k ? "," : ": ", nv->units[k],
                                nv->key[k] / nv->side, nv->key[k] % nv->side, share);
      else
        g_string_append_printf (out, "%s%d:%d:%s", k ? "," : ": ", nv->units[k], nv->key[k], share);
    }
  g_string_append (out, "\nunit,a,b,activation\n");
  for (int k = 0; k < nv->n_units; k++)
    for (int a = 0; a < nv->side; a++)
      for (int b = 0; b < nv->side; b++)
        g_string_append_printf (out, "%d,%d,%d,%.9g\n", nv->units[k], a, b,
                                nv->activation[k * ss + (gsize) a * nv->side + b]);
  g_string_append (out, walsh ? "\nunit,s_a,s_b,power\n" : "\nunit,k_a,k_b,power\n");
  for (int k = 0; k < nv->n_units; k++)
    for (int i = 0; i < nv->side; i++)
      for (int j = 0; j < nv->side; j++)
        g_string_append_printf (out, "%d,%d,%d,%.9g\n", nv->units[k], i + nv->freq_origin,
                                j + nv->freq_origin,
                                nv->power[k * ss + (gsize) i * nv->side + j]);
}

void
grok_figure_attention_append_csv (GString *out, const GrokViewAttention *av, gint64 step)
{
  gsize ss = (gsize) av->side * av->side;

  g_string_append_printf (out, "# step=%" G_GINT64_FORMAT "\n# blocks=%d\n# heads=%d\n"
                          "# positions=", step, av->n_blocks, av->n_heads);
  for (int t = 0; t < av->n_positions; t++)
    g_string_append_printf (out, "%s%d:%s", t ? "," : "", t,
                            grok_figure_attention_position_name (av->n_positions, t));
  g_string_append_printf (out, "\n# weight=attention of the last position (%d) to position\n",
                          av->n_positions - 1);
  g_string_append (out, "block,head,position,a,b,weight\n");
  for (int blk = 0; blk < av->n_blocks; blk++)
    for (int h = 0; h < av->n_heads; h++)
      for (int t = 0; t < av->n_positions; t++)
        {
          gsize panel = ((gsize) blk * av->n_heads + h) * av->n_positions + t;
          const float *w = av->weight + panel * ss;
          for (int a = 0; a < av->side; a++)
            for (int b = 0; b < av->side; b++)
              g_string_append_printf (out, "%d,%d,%d,%d,%d,%.9g\n", blk, h, t, a, b,
                                      w[(gsize) a * av->side + b]);
        }
}
