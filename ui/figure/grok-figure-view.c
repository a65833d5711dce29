/* Views as figures, and exporting them. */
#include "grok-figure-view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-figure-weights.h"
#include "grok-figure-spectrum.h"
#include "grok-measures.h"
#include "grok-config-settings.h"
#include "grok-spectrum.h"
#include "grok-task.h"

struct _GrokRegionsData
{
  GrokDataset      *dataset;
  GrokViewRegions  *regions;
  GrokRegionsFigure figure;
};

/* the figure of regions (taken) with config's data points on top */
static GrokRegionsData *
regions_data_wrap (const GrokConfig *config, GrokViewRegions *regions)
{
  GrokRegionsData *data = g_new0 (GrokRegionsData, 1);

  data->dataset = grok_dataset_new (&config->task);
  data->regions = regions;
  data->figure = (GrokRegionsFigure) {
    .x0 = regions->x0, .y0 = regions->y0, .x1 = regions->x1, .y1 = regions->y1,
    .exact = regions->exact, .raster = regions->raster, .raster_w = regions->raster_w,
    .raster_h = regions->raster_h, .n_patterns = regions->n_patterns,
    .train_x = data->dataset->train_x, .train_y = data->dataset->train_y,
    .n_train = data->dataset->n_train,
    .test_x = data->dataset->test_x, .test_y = data->dataset->test_y,
    .n_test = MIN (data->dataset->n_test, 400),
  };
  return data;
}

static GrokRegionsData *
regions_data_new (const GrokConfig *config, const GrokParams *params, double x0, double y0,
                       double x1, double y1, int raster, GError **error)
{
  GrokViewSettings settings = grok_config_view_settings (config);
  GrokViewRegions *regions = grok_view_regions_compute (&settings, params, x0, y0, x1, y1,
                                                        raster, error);

  return regions != NULL ? regions_data_wrap (config, regions) : NULL;
}

/* the regions stored in views (taken from it) when they show that window as computing with
 * raster would; NULL otherwise */
static GrokRegionsData *
regions_data_new_from_views (const GrokConfig *config, GrokViews *views, double x0, double y0,
                             double x1, double y1, int raster)
{
  if (views == NULL || views->regions == NULL ||
      !grok_view_regions_matches (views->regions, x0, y0, x1, y1, raster))
    return NULL;
  return regions_data_wrap (config, g_steal_pointer (&views->regions));
}

void
grok_regions_data_free (GrokRegionsData *data)
{
  if (data == NULL)
    return;
  grok_dataset_free (data->dataset);
  grok_view_regions_free (data->regions);
  g_free (data);
}

const GrokRegionsFigure *
grok_regions_data_figure (const GrokRegionsData *data)
{
  return &data->figure;
}

struct _GrokConnectivityData
{
  GrokViewConnectivity *view;
};

static GrokConnectivityData *
connectivity_data_new (const GrokConfig *config, const GrokParams *params, int max_points,
                            GError **error)
{
  GrokViewSettings settings = grok_config_view_settings (config);
  GrokViewConnectivity *view = grok_view_connectivity_compute (&settings, params, max_points,
                                                               error);
  GrokConnectivityData *data;

  if (view == NULL)
    return NULL;
  data = g_new0 (GrokConnectivityData, 1);
  data->view = view;
  return data;
}

/* the matrix stored in views (taken from it) when computing with max_points would give the
 * same points; NULL otherwise */
static GrokConnectivityData *
connectivity_data_new_from_views (GrokViews *views, int max_points)
{
  GrokConnectivityData *data;

  if (views == NULL || views->connectivity == NULL ||
      !grok_view_connectivity_matches (views->connectivity, max_points))
    return NULL;
  data = g_new0 (GrokConnectivityData, 1);
  data->view = g_steal_pointer (&views->connectivity);
  return data;
}

const GrokViewConnectivity *
grok_connectivity_data_get_view (const GrokConnectivityData *data)
{
  return data->view;
}

void
grok_connectivity_data_free (GrokConnectivityData *data)
{
  if (data == NULL)
    return;
  grok_view_connectivity_free (data->view);
  g_free (data);
}

double
grok_connectivity_data_lmn (const GrokConnectivityData *data)
{
  return data->view->lmn;
}

int
grok_connectivity_data_points (const GrokConnectivityData *data)
{
  return data->view->n;
}

void
grok_figure_connectivity_draw (cairo_t *cr, double x, double y, double width, double height,
                               const GrokConnectivityData *data, const GrokFigureStyle *style)
{
  int n = data->view->n;
  cairo_surface_t *surface = grok_heatmap_surface_new_sequential (data->view->ordered, n, n, 0, 1);
  /* the point count is part of the number: LMN on more points is larger */
  g_autofree char *title = g_strdup_printf ("LMN %.3g (%d points): L, ordered into blocks",
                                            data->view->lmn, n);

  grok_figure_heatmap_draw_sequential (cr, x, y, width, height, surface, 0, 1, title, style, NULL);
  cairo_surface_destroy (surface);
}

struct _GrokSpectraData
{
  GPtrArray *summaries;   /* GrokSpectrumSummary, one per step */
  GArray    *steps;       /* gint64 */
  GPtrArray *names;       /* char *, one per matrix */
};

static GrokSpectraData *
spectra_data_new (void)
{
  GrokSpectraData *data = g_new0 (GrokSpectraData, 1);

  data->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) grok_spectrum_summary_free);
  data->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  return data;
}

const gint64 *
grok_spectra_data_get_steps (const GrokSpectraData *data, guint *n_steps)
{
  *n_steps = data->steps->len;
  return (const gint64 *) data->steps->data;
}

/* one more step: the spectrum stored in views (taken from it) when views is not NULL and has
 * one, else computed from params. FALSE with an error when a matrix is not finite or the step
 * has another number of matrices than those before. */
static gboolean
spectra_data_append (GrokSpectraData *data, const GrokParams *params, GrokViews *views,
                          gint64 step, GError **error)
{
  g_autoptr (GrokSpectrumSummary) summary = NULL;
  g_autoptr (GPtrArray) names = NULL;

  if (views != NULL && views->spectrum != NULL)
    {
      summary = g_steal_pointer (&views->spectrum);
      names = g_steal_pointer (&views->names);
    }
  else
    summary = grok_view_spectrum_compute (params, step, &names, error);
  if (summary == NULL)
    return FALSE;
  if (data->names == NULL)
    data->names = g_ptr_array_ref (names);
  else if (names->len != data->names->len)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED, "the weights at step %" G_GINT64_FORMAT
                   " have %u matrices, not %u like the other steps shown", step, names->len,
                   data->names->len);
      return FALSE;
    }
  g_ptr_array_add (data->summaries, g_steal_pointer (&summary));
  g_array_append_val (data->steps, step);
  return TRUE;
}

/* the stored steps before `step` a run's spectrum figure overlays: its first checkpoint, then
 * up to max - 1 more spread evenly in log(1 + step) between that and `step` */
static GArray *
earlier_checkpoints (GrokRunDir *dir, gint64 step, guint max)
{
  GArray *all = grok_run_dir_list_checkpoints (dir);
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 first;
  double lo, hi;

  if (all->len == 0 || max == 0 || g_array_index (all, gint64, 0) >= step)
    return chosen;
  first = g_array_index (all, gint64, 0);
  g_array_append_val (chosen, first);
  lo = log1p ((double) first);
  hi = log1p ((double) step);
  for (guint k = 1; k < max; k++)
    {
      double target = lo + (hi - lo) * k / max, best_d = INFINITY;
      gint64 best = -1, last = g_array_index (chosen, gint64, chosen->len - 1);
      for (guint i = 0; i < all->len; i++)
        {
          gint64 s = g_array_index (all, gint64, i);
          double d = fabs (log1p ((double) s) - target);
          if (s > last && s < step && d < best_d)
            best_d = d, best = s;
        }
      if (best >= 0)
        g_array_append_val (chosen, best);
    }
  return chosen;
}

/* one step's spectra from its views file when that matches, else from its checkpoint; a
 * damaged checkpoint is left out (the folder's problems name it) */
static gboolean
append_stored (GrokSpectraData *data, GrokRunDir *dir, gint64 step, GError **error)
{
  g_autoptr (GrokParams) params = grok_run_dir_read_model (dir, step, NULL);
  g_autoptr (GrokViews) views = NULL;

  if (params == NULL)
    return TRUE;
  views = grok_run_dir_read_views (dir, step, params);
  return spectra_data_append (data, params, views, step, error);
}

/* params (the weights at step) with up to max_earlier stored checkpoints of the run folder dir
 * before it overlaid (its first checkpoint and log-spaced ones between), each from its views
 * file when one matches, else computed from its checkpoint; a damaged checkpoint is left out */
static GrokSpectraData *
spectra_data_new_for_run (GrokRunDir *dir, const GrokParams *params, gint64 step,
                          guint max_earlier, GError **error)
{
  g_autoptr (GrokSpectraData) data = spectra_data_new ();
  g_autoptr (GArray) earlier = NULL;
  g_autoptr (GrokViews) views = NULL;

  if (dir != NULL)
    {
      earlier = earlier_checkpoints (dir, step, max_earlier);
      for (guint i = 0; i < earlier->len; i++)
        if (!append_stored (data, dir, g_array_index (earlier, gint64, i), error))
          return NULL;
      views = grok_run_dir_read_views (dir, step, params);
    }
  if (!spectra_data_append (data, params, views, step, error))
    return NULL;
  return g_steal_pointer (&data);
}

void
grok_spectra_data_free (GrokSpectraData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->summaries);
  g_array_unref (data->steps);
  g_clear_pointer (&data->names, g_ptr_array_unref);
  g_free (data);
}

/* the views file of input's step when it was made from these weights and settings */
static GrokViews *
stored_views (const GrokViewInput *input)
{
  if (input->dir == NULL)
    return NULL;
  return grok_run_dir_read_views (input->dir, input->step, input->params);
}

/* a run with a folder: its stored checkpoints before the step overlaid; without one, its first
 * weights when given */
static GrokSpectraData *
spectra_for_input (const GrokViewInput *in, const GrokViewRecipe *recipe, GError **error)
{
  g_autoptr (GrokSpectraData) spectra = NULL;

  if (in->dir != NULL)
    return spectra_data_new_for_run (in->dir, in->params, in->step, (guint) recipe->earlier,
                                     error);
  spectra = spectra_data_new ();
  if (in->first != NULL && in->first_step < in->step && recipe->earlier > 0 &&
      !spectra_data_append (spectra, in->first, NULL, in->first_step, error))
    return NULL;
  if (!spectra_data_append (spectra, in->params, NULL, in->step, error))
    return NULL;
  return g_steal_pointer (&spectra);
}

static gboolean
view_data_fill (GrokViewData *data, const GrokViewInput *in, GError **error)
{
  const GrokViewRecipe *r = &data->recipe;
  g_autoptr (GrokViews) views = NULL;

  switch (data->view)
    {
    case GROK_VIEW_CURVES:
      if (grok_config_measure_applies (in->config, GROK_MEASURE_LMN))
        data->lmn_points = grok_config_lmn_points (in->config);
      return TRUE;
    case GROK_VIEW_HEATMAP:
      return TRUE;
    case GROK_VIEW_REGIONS:
      views = stored_views (in);
      data->regions = regions_data_new_from_views (in->config, views, r->x0, r->y0, r->x1, r->y1,
                                                   r->raster);
      if (data->regions == NULL)
        data->regions = regions_data_new (in->config, in->params, r->x0, r->y0, r->x1, r->y1,
                                          r->raster, error);
      return data->regions != NULL;
    case GROK_VIEW_CONNECTIVITY:
      views = stored_views (in);
      data->connectivity = connectivity_data_new_from_views (views, r->lmn_points);
      if (data->connectivity == NULL)
        data->connectivity = connectivity_data_new (in->config, in->params, r->lmn_points, error);
      return data->connectivity != NULL;
    case GROK_VIEW_SPECTRUM:
      data->spectra = spectra_for_input (in, r, error);
      return data->spectra != NULL;
    case GROK_N_VIEWS:
      break;
    }
  g_return_val_if_reached (FALSE);
}

static void
view_data_clear (GrokViewData *data)
{
  grok_regions_data_free (data->regions);
  grok_connectivity_data_free (data->connectivity);
  grok_spectra_data_free (data->spectra);
}

GrokViewData *
grok_view_data_new (GrokView view, const GrokViewInput *input, const GrokViewRecipe *recipe,
                    GError **error)
{
  GrokViewSettings settings;
  GrokViewData *data;

  g_return_val_if_fail (view < GROK_N_VIEWS && input != NULL && input->config != NULL, NULL);
  g_return_val_if_fail (input->params != NULL || view == GROK_VIEW_CURVES, NULL);
  settings = grok_config_view_settings (input->config);
  if (!grok_view_check (view, &settings, error))
    return NULL;
  data = g_atomic_rc_box_new0 (GrokViewData);
  data->view = view;
  data->step = input->step;
  if (recipe != NULL)
    data->recipe = *recipe;
  else
    grok_view_recipe_init (&data->recipe);
  if (!view_data_fill (data, input, error))
    {
      grok_view_data_unref (data);
      return NULL;
    }
  return data;
}

GrokViewData *
grok_view_data_ref (GrokViewData *data)
{
  return g_atomic_rc_box_acquire (data);
}

void
grok_view_data_unref (GrokViewData *data)
{
  if (data != NULL)
    g_atomic_rc_box_release_full (data, (GDestroyNotify) view_data_clear);
}

void
grok_figure_spectra_draw (cairo_t *cr, double x, double y, double width, double height,
                          const GrokSpectraData *data, const GrokFigureStyle *style)
{
  guint n = data->names ? data->names->len : 0, n_steps = data->summaries->len, cols, rows;
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  cairo_rectangle (cr, x, y, width, height);
  grok_figure_set_color (cr, palette.background);
  cairo_fill (cr);
  if (n == 0)
    return;
  cols = grok_figure_grid_columns (n, width, height, 1.3);
  rows = (n + cols - 1) / cols;
  for (guint m = 0; m < n; m++)
    {
      g_autofree GrokSpectrum *spectra = g_new0 (GrokSpectrum, n_steps);
      g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      double cw = width / cols, ch = height / rows;

      for (guint k = 0; k < n_steps; k++)
        {
          const GrokSpectrumSummary *summary = data->summaries->pdata[k];
          const GrokMatrixSpectrum *ms = &summary->matrices[m];
          char *label = g_strdup_printf ("%" G_GINT64_FORMAT ": H %.2f, rank %.1f",
                                         g_array_index (data->steps, gint64, k), ms->entropy,
                                         ms->eff_rank);
          g_ptr_array_add (labels, label);
          spectra[k] = (GrokSpectrum) { ms->s, ms->rank, label };
        }
      cairo_save (cr);
      grok_figure_spectrum_draw (cr, x + (m % cols) * cw, y + (m / cols) * ch, cw, ch, spectra,
                                 n_steps, data->names->pdata[m], style, NULL);
      cairo_restore (cr);
    }
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
  request->regions = data->regions;
  request->connectivity = data->connectivity;
  request->spectra = data->spectra;
  request->curves.lmn_points = data->lmn_points;
}

void
grok_figure_request_draw (cairo_t *cr, double width, double height, gpointer user_data)
{
  const GrokFigureRequest *r = user_data;

  switch (r->view)
    {
    case GROK_VIEW_CURVES:
      grok_figure_curves_draw (cr, width, height, r->metrics, &r->curves, &r->style, NULL, 0);
      break;
    case GROK_VIEW_HEATMAP:
      {
        g_autoptr (GrokWeightsCache) cache = grok_weights_cache_new (r->params, r->reference);
        grok_figure_weights_draw (cr, width, height, cache, &r->style, NULL);
      }
      break;
    case GROK_VIEW_REGIONS:
      grok_figure_regions_draw (cr, 0, 0, width, height, grok_regions_data_figure (r->regions),
                                &r->style, NULL);
      break;
    case GROK_VIEW_CONNECTIVITY:
      grok_figure_connectivity_draw (cr, 0, 0, width, height, r->connectivity, &r->style);
      break;
    case GROK_VIEW_SPECTRUM:
      grok_figure_spectra_draw (cr, 0, 0, width, height, r->spectra, &r->style);
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
        g_autofree char *csv = grok_metrics_format_csv (request->metrics);
        g_string_append (out, csv);
      }
      break;
    case GROK_VIEW_HEATMAP:
      append_weights_csv (out, request->params);
      break;
    case GROK_VIEW_REGIONS:
      append_regions_csv (out, grok_regions_data_figure (request->regions));
      break;
    case GROK_VIEW_SPECTRUM:
      g_string_append (out, "step,tensor,index,singular_value\n");
      for (guint k = 0; k < request->spectra->summaries->len; k++)
        {
          const GrokSpectrumSummary *summary = request->spectra->summaries->pdata[k];
          for (int m = 0; m < summary->n_matrices; m++)
            for (int i = 0; i < summary->matrices[m].rank; i++)
              g_string_append_printf (out, "%" G_GINT64_FORMAT ",%s,%d,%.9g\n",
                                      g_array_index (request->spectra->steps, gint64, k),
                                      (char *) request->spectra->names->pdata[m], i,
                                      summary->matrices[m].s[i]);
        }
      break;
    case GROK_VIEW_CONNECTIVITY:
      {
        const GrokViewConnectivity *c = request->connectivity->view;
        g_string_append (out, "row,col,L\n");
        for (int i = 0; i < c->n; i++)
          for (int j = 0; j < c->n; j++)
            g_string_append_printf (out, "%d,%d,%.9g\n", c->order[i], c->order[j],
                                    c->ordered[(gsize) i * c->n + j]);
      }
      break;
    case GROK_N_VIEWS:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

gboolean
grok_figure_parse_size (const char *text, double dpi, double *width_in, double *height_in,
                        GError **error)
{
  double w, h;
  char unit[4] = { 0 };
  int consumed = 0;

  if (sscanf (text, "%lfx%lf%3[a-z]%n", &w, &h, unit, &consumed) != 3 ||
      consumed != (int) strlen (text) || !(w > 0) || !(h > 0) || !isfinite (w) || !isfinite (h))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "size '%s' is not WIDTHxHEIGHT followed by in, cm or px (for example "
                   "3.5x2.5in)", text);
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
    return grok_export_svg (path, width_in, height_in, grok_figure_request_draw,
                            (gpointer) request, error);
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
