/* Views as figures: drawing the data engine/views makes, its CSV, and exporting them. */
#include "grok-figure-view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-figure-fourier.h"
#include "grok-figure-neurons.h"
#include "grok-figure-weights.h"
#include "grok-figure-spectrum.h"
#include "grok-figure-layout.h"
#include "grok-plot-private.h"
#include "grok-measures.h"

void
grok_figure_regions_from_data (GrokRegionsFigure *figure, const GrokRegionsData *data)
{
  const GrokViewRegions *r = data->regions;
  const GrokDataset *d = data->dataset;

  *figure = (GrokRegionsFigure) {
    .x0 = r->x0, .y0 = r->y0, .x1 = r->x1, .y1 = r->y1,
    .exact = r->exact, .raster = r->raster, .raster_w = r->raster_w,
    .raster_h = r->raster_h, .n_patterns = r->n_patterns,
    .train_x = d->train_x, .train_y = d->train_y, .n_train = d->n_train,
    .test_x = d->test_x, .test_y = d->test_y, .n_test = MIN (d->n_test, 400),
    .step = -1,
  };
}

void
grok_figure_connectivity_draw (cairo_t *cr, double x, double y, double width, double height,
                               const GrokConnectivityData *data, const GrokFigureStyle *style)
{
  const GrokViewConnectivity *view = grok_connectivity_data_get_view (data);
  int n = view->n;
  cairo_surface_t *surface = grok_heatmap_surface_new_sequential (view->ordered, n, n, 0, 1);
  /* the point count is part of the number: LMN on more points is larger */
  g_autofree char *title = g_strdup_printf ("LMN %.3g (%d points): L, ordered into blocks",
                                            view->lmn, n);

  grok_figure_heatmap_draw_sequential (cr, x, y, width, height, surface, 0, 1, title, "L (i, j)", style,
                                       NULL);
  cairo_surface_destroy (surface);
}

/* the key of the steps' colours over the spectra: a sample line and "step N" for each, in rows
 * centred in width; returns its height. With draw FALSE it is only measured */
static double
grok_spectra_key (cairo_t *cr, double x, double y, double width, const GrokSpectraData *data,
                  const GrokRgba *colors, const GrokFigureStyle *style, gboolean draw)
{
  guint n_steps = data->summaries->len, first = 0;
  GrokFigureSizes *sizes = grok_figure_sizes_of (cr);
  double size = sizes != NULL && sizes->apply && isfinite (sizes->legend)
                  ? MIN (style->font_size * 0.9, sizes->legend) : style->font_size * 0.9;
  double f = size * style->scale, sample = 1.8 * f, pad = 0.45 * f;
  double margin = GROK_TITLE_MARGIN * style->font_size * style->scale, row_h, top = y + 0.5 * f;
  g_autofree double *entry_w = g_new (double, MAX (n_steps, 1));
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  grok_figure_set_font (cr, style, size, FALSE);
  row_h = grok_figure_text_height (cr) * 1.75;
  for (guint k = 0; k < n_steps; k++)
    {
      g_autofree char *step = grok_figure_format_count (g_array_index (data->steps, gint64, k));
      char *text = g_strdup_printf ("step %s", step);
      g_ptr_array_add (texts, text);
      entry_w[k] = sample + pad + grok_figure_text_width (cr, text) + 2.5 * pad;
    }
  /* as many entries a row as fit between the margins */
  while (first < n_steps)
    {
      guint last = first;
      double row_w = entry_w[first], sx;
      while (last + 1 < n_steps && row_w + entry_w[last + 1] <= width - 2 * margin)
        row_w += entry_w[++last];
      sx = x + MAX ((width - row_w + 2.5 * pad) / 2, margin);
      for (guint k = first; k <= last && draw; k++)
        {
          double cy = top + row_h / 2;
          grok_figure_set_color (cr, colors[k]);
          cairo_set_line_width (cr, style->line_width * style->scale);
          cairo_move_to (cr, sx, cy);
          cairo_line_to (cr, sx + sample, cy);
          cairo_stroke (cr);
          grok_figure_set_color (cr, palette.foreground);
          grok_figure_text (cr, texts->pdata[k], sx + sample + pad, cy, 0, 0.5, 0);
          grok_figure_layout_mark_role (cr, GROK_TEXT_LEGEND);
          sx += entry_w[k];
        }
      top += row_h;
      first = last + 1;
    }
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  return top + 0.3 * f - y;
}

/* the key and the entropy and effective rank of each matrix at each step in one table, for
 * panels too small for their legends: a row per step (its colour's sample line and its number)
 * and a column per matrix, or (by_matrix) a row per matrix and a column per step, in blocks of
 * as many columns as fit the width; returns its height. With draw FALSE it is only measured */
static double
grok_spectra_table (cairo_t *cr, double x, double y, double width, const GrokSpectraData *data,
                    const GrokRgba *colors, const GrokFigureStyle *style, double size,
                    gboolean by_matrix, gboolean draw)
{
  guint n = data->names->len, n_steps = data->summaries->len;
  guint n_rows = by_matrix ? n : n_steps, n_cols = by_matrix ? n_steps : n;
  double f = size * style->scale, gap = 1.2 * f, sample = 1.8 * f, pad = 0.45 * f;
  double row_h, head_w, top = y + 0.3 * f;
  double margin = GROK_TITLE_MARGIN * style->font_size * style->scale;
  const char *corner = "H, eff. rank";
  g_autofree double *col_w = g_new0 (double, MAX (n_cols, 1));
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  grok_figure_set_font (cr, style, size, FALSE);
  row_h = grok_figure_text_height (cr) * 1.6;
  for (guint k = 0; k < n_steps; k++)
    {
      g_autofree char *count = grok_figure_format_count (g_array_index (data->steps, gint64, k));
      g_ptr_array_add (steps, by_matrix ? g_strdup (count) : g_strdup_printf ("step %s", count));
    }
  /* cells[row * n_cols + col] */
  for (guint r = 0; r < n_rows; r++)
    for (guint col = 0; col < n_cols; col++)
      {
        guint k = by_matrix ? col : r, m = by_matrix ? r : col;
        const GrokSpectrumSummary *summary = data->summaries->pdata[k];
        g_ptr_array_add (cells, g_strdup_printf ("%.2f, %.1f", summary->matrices[m].entropy,
                                                 summary->matrices[m].eff_rank));
      }
  head_w = grok_figure_text_width (cr, by_matrix ? "H, eff. rank at step" : corner);
  for (guint r = 0; r < n_rows; r++)
    head_w = MAX (head_w, by_matrix ? grok_figure_text_width (cr, data->names->pdata[r])
                                    : sample + pad + grok_figure_text_width (cr, steps->pdata[r]));
  for (guint col = 0; col < n_cols; col++)
    {
      col_w[col] = by_matrix ? sample + pad + grok_figure_text_width (cr, steps->pdata[col])
                             : grok_figure_text_width (cr, data->names->pdata[col]);
      for (guint r = 0; r < n_rows; r++)
        col_w[col] = MAX (col_w[col], grok_figure_text_width (cr, cells->pdata[r * n_cols + col]));
    }
  for (guint first = 0; first < n_cols;)
    {
      guint last = first;
      double used = head_w + gap + col_w[first], sx;
      while (last + 1 < n_cols && used + gap + col_w[last + 1] <= width - 2 * margin)
        used += gap + col_w[++last];
      sx = x + MAX ((width - used) / 2, margin);
      for (guint r = 0; r <= n_rows && draw; r++)
        {
          double cy = top + (r + 0.5) * row_h, cx = sx + head_w;
          grok_figure_set_color (cr, palette.foreground);
          if (r == 0)
            grok_figure_text (cr, by_matrix ? "H, eff. rank at step" : corner, sx, cy, 0, 0.5, 0);
          else if (by_matrix)
            grok_figure_text (cr, data->names->pdata[r - 1], sx, cy, 0, 0.5, 0);
          else
            {
              grok_figure_set_color (cr, colors[r - 1]);
              cairo_set_line_width (cr, style->line_width * style->scale);
              cairo_move_to (cr, sx, cy);
              cairo_line_to (cr, sx + sample, cy);
              cairo_stroke (cr);
              grok_figure_set_color (cr, palette.foreground);
              grok_figure_text (cr, steps->pdata[r - 1], sx + sample + pad, cy, 0, 0.5, 0);
            }
          grok_figure_layout_mark_role (cr, GROK_TEXT_LEGEND);
          for (guint col = first; col <= last; col++)
            {
              cx += gap + col_w[col];
              if (r == 0 && by_matrix)
                {
                  /* the step's colour as a sample line left of its number */
                  double tw = grok_figure_text_width (cr, steps->pdata[col]);
                  grok_figure_set_color (cr, colors[col]);
                  cairo_set_line_width (cr, style->line_width * style->scale);
                  cairo_move_to (cr, cx - tw - pad - sample, cy);
                  cairo_line_to (cr, cx - tw - pad, cy);
                  cairo_stroke (cr);
                  grok_figure_set_color (cr, palette.foreground);
                  grok_figure_text (cr, steps->pdata[col], cx, cy, 1, 0.5, 0);
                }
              else if (r == 0)
                grok_figure_text (cr, data->names->pdata[col], cx - col_w[col] / 2, cy, 0.5, 0.5, 0);
              else
                grok_figure_text (cr, cells->pdata[(r - 1) * n_cols + col], cx, cy, 1, 0.5, 0);
              grok_figure_layout_mark_role (cr, GROK_TEXT_LEGEND);
            }
        }
      top += (n_rows + 1) * row_h + 0.4 * f;
      first = last + 1;
    }
  grok_figure_set_font (cr, style, style->font_size, FALSE);
  return top - y;
}

/* the panels of the spectra in (x, y, width, height); legends FALSE: their entropy and rank are
 * stated elsewhere */
static void
grok_spectra_panels (cairo_t *cr, double x, double y, double width, double height,
                     const GrokSpectraData *data, gboolean key, gboolean legends,
                     const GrokFigureStyle *style)
{
  guint n = data->names->len, n_steps = data->summaries->len;
  guint cols = grok_figure_grid_columns (n, width, height, 1.3);

  for (guint m = 0; m < n; m++)
    {
      g_autofree GrokSpectrum *spectra = g_new0 (GrokSpectrum, n_steps);
      g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      double cx, cy, cw, ch;

      grok_figure_grid_cell (n, cols, m, x, y, width, height, &cx, &cy, &cw, &ch);
      for (guint k = 0; k < n_steps; k++)
        {
          const GrokSpectrumSummary *summary = data->summaries->pdata[k];
          const GrokMatrixSpectrum *ms = &summary->matrices[m];
          g_autofree char *step = grok_figure_format_count (g_array_index (data->steps, gint64, k));
          /* the key above names each step's colour; an entry still names its step, so that
           * it reads without the colours (in grey print) */
          char *label = key ? g_strdup_printf ("%s: H %.2f, eff. rank %.1f", step, ms->entropy,
                                               ms->eff_rank)
                            : g_strdup_printf ("step %s: H %.2f, eff. rank %.1f", step,
                                               ms->entropy, ms->eff_rank);
          g_ptr_array_add (labels, label);
          spectra[k] = (GrokSpectrum) { ms->s, ms->rank, legends ? label : NULL };
        }
      cairo_save (cr);
      grok_figure_spectrum_draw (cr, cx, cy, cw, ch, spectra, n_steps, data->names->pdata[m],
                                 style, NULL);
      cairo_restore (cr);
    }
}

void
grok_figure_spectra_draw (cairo_t *cr, double x, double y, double width, double height,
                          const GrokSpectraData *data, const GrokFigureStyle *style)
{
  guint n = data->names ? data->names->len : 0, n_steps = data->summaries->len;
  g_autofree GrokRgba *colors = g_new (GrokRgba, MAX (n_steps, 1));
  /* several steps: their colours are named once, over every panel, and each panel's legend
   * names its matrix's entropy and effective rank at each of them */
  gboolean key = n_steps > 1, table = FALSE;
  GrokFigureSizes *sizes = grok_figure_sizes_of (cr);
  double key_h = 0, table_h = 0;
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  cairo_rectangle (cr, x, y, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  if (n == 0)
    return;
  grok_figure_spectrum_colors (style, n_steps, colors);
  if (key)
    key_h = grok_spectra_key (cr, x, y, width, data, colors, style, FALSE);
  /* a panel too small for its legend at the figure's sizes: every panel's entropy and rank
   * go into a table under the key instead, none left out */
  if (key && sizes != NULL && !sizes->apply)
    {
      GrokFigureSizes trial;
      grok_figure_sizes_init (&trial);
      grok_figure_sizes_attach (cr, &trial);
      grok_spectra_panels (cr, x, y + key_h, width, height - key_h, data, key, TRUE, style);
      grok_figure_sizes_attach (cr, sizes);
      sizes->legends_elsewhere = trial.legend_dropped;
    }
  table = key && sizes != NULL && sizes->legends_elsewhere;
  if (table)
    {
      double size = style->font_size * 0.9;
      if (sizes->apply && isfinite (sizes->legend))
        size = MIN (size, sizes->legend);
      /* the orientation that takes less height, smaller (to 5 points) while it takes more
       * than 40% of the figure's */
      gboolean by_matrix = FALSE;
      for (;;)
        {
          double h_matrix = grok_spectra_table (cr, x, y, width, data, colors, style, size,
                                                TRUE, FALSE);
          double h_step = grok_spectra_table (cr, x, y, width, data, colors, style, size,
                                              FALSE, FALSE);
          by_matrix = h_matrix < h_step;
          if (MIN (h_matrix, h_step) <= 0.4 * height || size <= 5.0)
            break;
          size = MAX (5.0, size * 0.9);
        }
      key_h = 0;
      table_h = grok_spectra_table (cr, x, y, width, data, colors, style, size, by_matrix, TRUE);
    }
  else if (key)
    grok_spectra_key (cr, x, y, width, data, colors, style, TRUE);
  grok_spectra_panels (cr, x, y + key_h + table_h, width, height - key_h - table_h, data, key,
                       !table, style);
}

void
grok_figure_view_data_draw (cairo_t *cr, double x, double y, double width, double height,
                            const GrokViewData *data, const GrokFigureStyle *style,
                            GrokPlotGeometry *geometry_out)
{
  GROK_FIGURE_UNIFORM_SIZES (cr, grok_figure_view_data_draw, x, y, width, height, data, style,
                             geometry_out);
  if (data->regions != NULL)
    {
      GrokRegionsFigure figure;
      const GrokViewRecipe *whole = &grok_view_kind (GROK_VIEW_REGIONS)->recipe;
      grok_figure_regions_from_data (&figure, data->regions);
      figure.step = data->step;
      /* a window other than the task's whole one: the count is of the regions in view */
      figure.zoomed = data->recipe.x0 != whole->x0 || data->recipe.x1 != whole->x1
                      || data->recipe.y0 != whole->y0 || data->recipe.y1 != whole->y1;
      grok_figure_regions_draw (cr, x, y, width, height, &figure, style, geometry_out);
    }
  else if (data->connectivity != NULL)
    grok_figure_connectivity_draw (cr, x, y, width, height, data->connectivity, style);
  else if (data->spectra != NULL)
    grok_figure_spectra_draw (cr, x, y, width, height, data->spectra, style);
  else if (data->fourier != NULL)
    grok_figure_fourier_draw (cr, x, y, width, height, data->fourier, style);
  else if (data->neurons != NULL)
    grok_figure_neurons_draw (cr, x, y, width, height, data->neurons, data->step, style, NULL);
  else if (data->attention != NULL)
    grok_figure_attention_draw (cr, x, y, width, height, data->attention, data->step, style,
                                NULL);
  else
    g_return_if_reached ();
}

void
grok_figure_request_init (GrokFigureRequest *request, GrokView view)
{
  memset (request, 0, sizeof *request);
  request->view = view;
  grok_curves_options_init (&request->curves);
  request->curves.log_x = TRUE;
  grok_figure_style_init (&request->style, GROK_SCHEME_PRINT);
}

void
grok_figure_request_set_data (GrokFigureRequest *request, const GrokViewData *data)
{
  g_return_if_fail (request->view == data->view);
  request->data = data;
  request->curves.lmn_points = data->lmn_points;
  request->scatter.lmn_points = data->lmn_points;
}

static void grok_figure_request_draw_once (cairo_t *cr, double width, double height,
                                           gpointer user_data);

void
grok_figure_request_draw (cairo_t *cr, double width, double height, gpointer user_data)
{
  /* laid out once to learn the sizes each panel can take, then drawn at the smallest of them */
  GROK_FIGURE_UNIFORM_SIZES (cr, grok_figure_request_draw, width, height, user_data);
  grok_figure_request_draw_once (cr, width, height, user_data);
}

static void
grok_figure_request_draw_once (cairo_t *cr, double width, double height, gpointer user_data)
{
  const GrokFigureRequest *r = user_data;

  switch (r->view)
    {
    case GROK_VIEW_CURVES:
      if (r->scatter.y_column != NULL)
        grok_figure_scatter_draw (cr, width, height, r->metrics, &r->scatter, &r->style);
      else
        grok_figure_curves_draw (cr, width, height, r->metrics, &r->curves, &r->style, NULL, 0);
      break;
    case GROK_VIEW_HEATMAP:
      {
        g_autoptr (GrokWeightsCache) cache = grok_weights_cache_new_full (r->params, r->reference,
                                                                          r->shared_scale);
        grok_figure_weights_draw (cr, width, height, cache, &r->style, NULL);
      }
      break;
    case GROK_VIEW_REGIONS:
    case GROK_VIEW_CONNECTIVITY:
    case GROK_VIEW_SPECTRUM:
    case GROK_VIEW_FOURIER:
    case GROK_VIEW_NEURONS:
    case GROK_VIEW_ATTENTION:
      grok_figure_view_data_draw (cr, 0, 0, width, height, r->data, &r->style, NULL);
      break;
    case GROK_N_VIEWS:
      g_assert_not_reached ();
    }
}

static void
append_weights_csv (GString *out, const GrokParams *params)
{
  g_string_append (out, "tensor,row,col,value\n");
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      const float *v = params->data + t->offset;
      if (t->ndim != 2)
        continue;
      for (int r = 0; r < t->shape[0]; r++)
        for (int c = 0; c < t->shape[1]; c++)
          g_string_append_printf (out, "%s,%d,%d,%.9g\n", t->name, r, c, v[(gsize) r * t->shape[1] + c]);
    }
}

static void
append_number (GString *out, const char *format, double value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (text, sizeof text, "%.9g", value);
  g_string_append_printf (out, format, text);
}

/* what the heatmap's titles and colour bars state: the step, each matrix with its shape and
 * the range of its colour bar (-limit .. limit), and whether the scale is shared */
static void
append_weights_comments (GString *out, const GrokFigureRequest *request)
{
  g_autoptr (GrokWeightsCache) cache = grok_weights_cache_new_full (request->params,
                                                                    request->reference,
                                                                    request->shared_scale);
  guint n = grok_weights_cache_count (cache);

  if (request->data != NULL)
    g_string_append_printf (out, "# step=%" G_GINT64_FORMAT "\n", request->data->step);
  if (grok_weights_cache_is_difference (cache))
    g_string_append (out, "# values=change since the reference weights\n");
  g_string_append_printf (out, "# scale=%s\n", request->shared_scale && n > 1 ? "shared" : "each its own");
  for (guint i = 0; i < n; i++)
    {
      const char *name = grok_weights_cache_name (cache, i);
      int t = grok_params_find (request->params, name);
      g_string_append_printf (out, "# tensor=%s,rows=%d,cols=%d,", name,
                              request->params->tensors[t].shape[0],
                              request->params->tensors[t].shape[1]);
      append_number (out, "limit=%s\n", grok_weights_cache_limit (cache, i));
    }
}

/* what the curves' titles state: the step range every panel shows, the panels (LMN with its
 * points), and the steps a measure left without a value, which a note in its panel counts */
static void
append_curves_comments (GString *out, const GrokFigureRequest *request)
{
  const GrokMetrics *m = request->metrics;
  GrokCurvesPanel panels[GROK_CURVES_MAX_PANELS];
  guint n = grok_figure_curves_panels (m, &request->curves, panels, G_N_ELEMENTS (panels));
  int xc = grok_metrics_column_index (m, "step");

  if (xc >= 0 && m->n_rows > 0)
    g_string_append_printf (out, "# steps=%.17g..%.17g\n", grok_metrics_get (m, 0, (guint) xc),
                            grok_metrics_get (m, m->n_rows - 1, (guint) xc));
  for (guint i = 0; i < n; i++)
    {
      if (g_strcmp0 (panels[i].columns[0], "lmn") == 0 && request->curves.lmn_points > 0)
        g_string_append_printf (out, "# panel=%s (%d points)\n", panels[i].title,
                                request->curves.lmn_points);
      else
        g_string_append_printf (out, "# panel=%s\n", panels[i].title);
      for (guint k = 0; k < 2; k++)
        {
          guint gaps = panels[i].columns[k] != NULL
                         ? grok_figure_curves_gap_steps (m, panels[i].columns[k]) : 0;
          if (gaps > 0)
            g_string_append_printf (out, "# gap_steps.%s=%u (%s)\n", panels[i].columns[k], gaps,
                                    grok_column_gap (panels[i].columns[k]));
        }
    }
}

/* what each spectrum's legend states: per step and matrix, the entropy and effective rank */
static void
append_spectra_comments (GString *out, const GrokSpectraData *spectra)
{
  g_string_append (out, "# steps=");
  for (guint k = 0; k < spectra->steps->len; k++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, k > 0 ? "," : "",
                            g_array_index (spectra->steps, gint64, k));
  g_string_append_c (out, '\n');
  for (guint k = 0; k < spectra->summaries->len; k++)
    {
      const GrokSpectrumSummary *summary = spectra->summaries->pdata[k];
      for (int m = 0; m < summary->n_matrices; m++)
        {
          g_string_append_printf (out, "# step=%" G_GINT64_FORMAT ",tensor=%s,",
                                  g_array_index (spectra->steps, gint64, k),
                                  (char *) spectra->names->pdata[m]);
          append_number (out, "entropy=%s,", summary->matrices[m].entropy);
          append_number (out, "eff_rank=%s\n", summary->matrices[m].eff_rank);
        }
    }
}

static void
append_regions_csv (GString *out, const GrokRegionsFigure *f)
{
  if (f->exact != NULL)
    {
      g_string_append (out, "region,vertex,x,y\n");
      for (int i = 0; i < f->exact->n_regions; i++)
        for (int v = 0; v < f->exact->regions[i].n_vertices; v++)
          g_string_append_printf (out, "%d,%d,%.17g,%.17g\n", i, v, f->exact->regions[i].xy[2 * v],
                                  f->exact->regions[i].xy[2 * v + 1]);
      return;
    }
  g_string_append (out, "pattern,row,col,x,y\n");
  for (int r = 0; r < f->raster_h; r++)
    for (int c = 0; c < f->raster_w; c++)
      g_string_append_printf (out, "%u,%d,%d,%.9g,%.9g\n", f->raster[(gsize) r * f->raster_w + c], r, c,
                              f->x0 + (c + 0.5) * (f->x1 - f->x0) / f->raster_w,
                              f->y0 + (r + 0.5) * (f->y1 - f->y0) / f->raster_h);
}

char *
grok_figure_request_format_csv (const GrokFigureRequest *request)
{
  GString *out = g_string_new (NULL);

  switch (request->view)
    {
    case GROK_VIEW_CURVES:
      {
        g_autofree char *csv = request->scatter.y_column != NULL
                                 ? grok_figure_scatter_format_csv (request->metrics, &request->scatter)
                                 : grok_metrics_format_csv (request->metrics);
        if (request->scatter.y_column == NULL)
          append_curves_comments (out, request);
        g_string_append (out, csv);
      }
      break;
    case GROK_VIEW_HEATMAP:
      append_weights_comments (out, request);
      append_weights_csv (out, request->params);
      break;
    case GROK_VIEW_REGIONS:
      {
        GrokRegionsFigure figure;
        grok_figure_regions_from_data (&figure, request->data->regions);
        g_string_append_printf (out, "# step=%" G_GINT64_FORMAT "\n", request->data->step);
        if (figure.exact != NULL)
          g_string_append_printf (out, "# regions=%d\n", figure.exact->n_regions);
        else
          g_string_append_printf (out, "# patterns=%d\n", figure.n_patterns);
        append_regions_csv (out, &figure);
      }
      break;
    case GROK_VIEW_SPECTRUM:
      append_spectra_comments (out, request->data->spectra);
      g_string_append (out, "step,tensor,index,singular_value\n");
      for (guint k = 0; k < request->data->spectra->summaries->len; k++)
        {
          const GrokSpectraData *spectra = request->data->spectra;
          const GrokSpectrumSummary *summary = spectra->summaries->pdata[k];
          for (int m = 0; m < summary->n_matrices; m++)
            for (int i = 0; i < summary->matrices[m].rank; i++)
              g_string_append_printf (out, "%" G_GINT64_FORMAT ",%s,%d,%.9g\n",
                                      g_array_index (spectra->steps, gint64, k),
                                      (char *) spectra->names->pdata[m], i,
                                      summary->matrices[m].s[i]);
        }
      break;
    case GROK_VIEW_CONNECTIVITY:
      {
        const GrokViewConnectivity *c = grok_connectivity_data_get_view (request->data->connectivity);
        char lmn[G_ASCII_DTOSTR_BUF_SIZE];
        /* what the figure's title states, for a reader of the data alone */
        g_ascii_formatd (lmn, sizeof lmn, "%.9g", c->lmn);
        g_string_append_printf (out, "# lmn=%s\n# points=%d\n# step=%" G_GINT64_FORMAT "\n",
                                lmn, c->n, request->data->step);
        g_string_append (out, "row,col,L\n");
        for (int i = 0; i < c->n; i++)
          for (int j = 0; j < c->n; j++)
            g_string_append_printf (out, "%d,%d,%.9g\n", c->order[i], c->order[j],
                                    c->ordered[(gsize) i * c->n + j]);
      }
      break;
    case GROK_VIEW_FOURIER:
      grok_figure_fourier_append_csv (out, request->data->fourier);
      break;
    case GROK_VIEW_NEURONS:
      grok_figure_neurons_append_csv (out, request->data->neurons, request->data->step);
      break;
    case GROK_VIEW_ATTENTION:
      grok_figure_attention_append_csv (out, request->data->attention, request->data->step);
      break;
    case GROK_N_VIEWS:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

#define GROK_GOLDEN_RATIO 1.6180339887498949

/* ICML's and NeurIPS's columns and text width, as their style files set them; a 16:9 slide
 * at the 10 inches of the usual presentation templates */
static const GrokFigureSize sizes[GROK_N_SIZES] = {
  [GROK_SIZE_ICML_COLUMN] = { "icml-column", "ICML, one column (3.25 in)", 3.25, 0, 7, 4 },
  [GROK_SIZE_ICML_PAGE] = { "icml-page", "ICML, both columns (6.75 in)", 6.75, 0, 8, 0 },
  [GROK_SIZE_NEURIPS] = { "neurips", "NeurIPS, text width (5.5 in)", 5.5, 0, 8, 0 },
  [GROK_SIZE_SLIDE] = { "slide", "Slide, 16:9 (10 x 5.625 in)", 10, 5.625, 14, 0 },
};

const GrokFigureSize *
grok_figure_size (GrokSizeName size)
{
  g_return_val_if_fail (size < GROK_N_SIZES, NULL);
  return &sizes[size];
}

const GrokFigureSize *
grok_figure_size_lookup (const char *text)
{
  gsize len = strcspn (text, ":");

  for (guint i = 0; i < GROK_N_SIZES; i++)
    if (strlen (sizes[i].name) == len && strncmp (text, sizes[i].name, len) == 0)
      return &sizes[i];
  return NULL;
}

char *
grok_figure_size_names (const char *separator)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < GROK_N_SIZES; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? separator : "", sizes[i].name);
  return g_string_free (out, FALSE);
}

void
grok_figure_request_set_size (GrokFigureRequest *request, const GrokFigureSize *size)
{
  g_return_if_fail (request != NULL && size != NULL);
  request->style.font_size = size->font_size;
  request->curves.max_panels = size->max_panels;
}

/* a length with its unit (in, cm, px) in inches */
static gboolean
grok_parse_length (const char *text, double dpi, double *inches)
{
  char unit[4] = { 0 };
  int consumed = 0;
  double v;

  if (sscanf (text, "%lf%3[a-z]%n", &v, unit, &consumed) != 2 || consumed != (int) strlen (text)
      || !(v > 0) || !isfinite (v))
    return FALSE;
  if (strcmp (unit, "cm") == 0)
    v /= 2.54;
  else if (strcmp (unit, "px") == 0)
    v /= dpi;
  else if (strcmp (unit, "in") != 0)
    return FALSE;
  *inches = v;
  return TRUE;
}

/* a venue's size: its width and its height, the golden ratio's or the one given */
static gboolean
grok_parse_venue_size (const GrokFigureSize *venue, const char *text, double dpi,
                       double *width_in, double *height_in, GError **error)
{
  const char *colon = strchr (text, ':');
  double h = venue->height_in > 0 ? venue->height_in : venue->width_in / GROK_GOLDEN_RATIO;

  if (colon != NULL && (!grok_parse_length (colon + 1, dpi, &h) || h > 100))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "size '%s': the height after ':' is not a length such as 2.5in, 6cm or "
                   "600px", text);
      return FALSE;
    }
  *width_in = venue->width_in;
  *height_in = h;
  return TRUE;
}

gboolean
grok_figure_parse_size (const char *text, double dpi, double *width_in, double *height_in,
                        GError **error)
{
  const GrokFigureSize *venue = grok_figure_size_lookup (text);
  double w, h;
  char unit[4] = { 0 };
  int consumed = 0;

  if (venue != NULL)
    return grok_parse_venue_size (venue, text, dpi, width_in, height_in, error);
  if (sscanf (text, "%lfx%lf%3[a-z]%n", &w, &h, unit, &consumed) != 3 ||
      consumed != (int) strlen (text) || !(w > 0) || !(h > 0) || !isfinite (w) || !isfinite (h))
    {
      g_autofree char *names = grok_figure_size_names (", ");
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "size '%s' is not WIDTHxHEIGHT followed by in, cm or px (for example "
                   "3.5x2.5in), nor one of %s", text, names);
      return FALSE;
    }
  if (strcmp (unit, "in") == 0)
    ;
  else if (strcmp (unit, "cm") == 0)
    w /= 2.54, h /= 2.54;
  else if (strcmp (unit, "px") == 0)
    w /= dpi, h /= dpi;
  else
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "size '%s': the unit '%s' is not one of in, cm, px", text, unit);
      return FALSE;
    }
  if (w > 100 || h > 100)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "size '%s' is larger than 100 inches on a side", text);
      return FALSE;
    }
  *width_in = w;
  *height_in = h;
  return TRUE;
}

gboolean
grok_figure_export (const char *path, const GrokFigureRequest *request, double width_in,
                    double height_in, double dpi, const char * const *text_pairs, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    {
      int w = (int) lround (width_in * dpi), h = (int) lround (height_in * dpi);
      if (w < 1 || h < 1 || (gint64) w * h > 400000000)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                       "%s: %d x %d pixels is not a size a PNG can be made at", path, w, h);
          return FALSE;
        }
      return grok_export_png (path, w, h, dpi, grok_figure_request_draw, (gpointer) request,
                              text_pairs, error);
    }
  if (g_str_has_suffix (lower, ".svg"))
    return grok_export_svg_full (path, width_in, height_in, grok_figure_request_draw,
                                 (gpointer) request, request->svg_text, error);
  if (g_str_has_suffix (lower, ".csv"))
    {
      g_autofree char *csv = grok_figure_request_format_csv (request);
      return grok_file_write_atomic (path, csv, strlen (csv), error);
    }
  if (g_str_has_suffix (lower, ".pdf"))
    return grok_export_pdf (path, width_in, height_in, grok_figure_request_draw,
                            (gpointer) request, grok_view_name (request->view), error);
  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
               "%s: the file name must end in .png, .svg, .pdf or .csv", path);
  return FALSE;
}
