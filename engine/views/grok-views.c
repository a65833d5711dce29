/* Computing what the views draw at one step, and deciding whether stored views fit a request. */
#include "grok-views.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "grok-error.h"
#include "grok-measures.h"
#include "grok-mlp.h"
#include "grok-table.h"
#include "grok-task.h"

static gboolean
any_run (const GrokViewSettings *settings)
{
  return grok_measure_settings_any_run (&settings->measure);
}

static gboolean
is_mlp (const GrokViewSettings *settings)
{
  return grok_measure_settings_is_mlp (&settings->measure);
}

static gboolean
is_xor2d_mlp (const GrokViewSettings *settings)
{
  return grok_measure_settings_is_xor2d_mlp (&settings->measure);
}

static gboolean
is_modular (const GrokViewSettings *settings)
{
  return grok_measure_settings_is_modular (&settings->measure);
}

static gboolean
neurons_apply (const GrokViewSettings *settings)
{
  return grok_view_neurons_applies (&settings->measure);
}

static gboolean
attention_applies (const GrokViewSettings *settings)
{
  return grok_view_attention_applies (&settings->measure);
}

static const GrokViewKind view_kinds[GROK_N_VIEWS] = {
  [GROK_VIEW_CURVES] = {
    .name = "curves",
    .title = "Curves",
    .icon = "grok-curves-symbolic",
    .applies = any_run,
    .needs = "any model",
    .source = GROK_VIEW_FROM_METRICS,
  },
  [GROK_VIEW_HEATMAP] = {
    .name = "heatmap",
    .title = "Weights",
    .icon = "view-grid-symbolic",
    .applies = any_run,
    .needs = "any model",
    .source = GROK_VIEW_FROM_WEIGHTS,
  },
  [GROK_VIEW_SPECTRUM] = {
    .name = "spectrum",
    .title = "Spectra",
    .icon = "network-cellular-signal-excellent-symbolic",
    .applies = any_run,
    .needs = "any model",
    .source = GROK_VIEW_FROM_VIEWS_FILE,
    /* the first checkpoint and three spread over the decades since: five curves stay legible */
    .recipe = { .earlier = 4 },
  },
  [GROK_VIEW_CONNECTIVITY] = {
    .name = "connectivity",
    .title = "Connectivity",
    .icon = "view-app-grid-symbolic",
    .applies = is_mlp,
    .needs = "an MLP",
    .source = GROK_VIEW_FROM_VIEWS_FILE,
    /* fewer points than the lmn measure's default, so that the view follows a run: LMN's
     * matrix costs O(points^2) forward passes */
    .recipe = { .lmn_points = 256 },
  },
  [GROK_VIEW_REGIONS] = {
    .name = "regions",
    .title = "Regions",
    .icon = "applications-graphics-symbolic",
    .applies = is_xor2d_mlp,
    .needs = "an MLP on xor2d",
    .source = GROK_VIEW_FROM_VIEWS_FILE,
    /* xor2d's data lies in [-1, 1]^2; 320 is finer than the pixels of the view as usually shown */
    .recipe = { .raster = 320, .x0 = -1.2, .y0 = -1.2, .x1 = 1.2, .y1 = 1.2 },
  },
  [GROK_VIEW_FOURIER] = {
    .name = "fourier",
    .title = "Fourier",
    .icon = "grok-fourier-symbolic",
    .applies = is_modular,
    .needs = "a modular task",
    .source = GROK_VIEW_FROM_VIEWS_FILE,
    /* norm_k is cheap (one product of p x p by p x d per matrix): the heatmap over steps shows
     * every checkpoint the run keeps */
    .recipe = { .every_checkpoint = 1 },
  },
  [GROK_VIEW_NEURONS] = {
    .name = "neurons",
    .title = "Neurons",
    .icon = "view-dual-symbolic",
    .applies = neurons_apply,
    .needs = "a modular or xor_bits task",
    /* computed from the weights each time: a forward pass over the p^2 pairs is quick */
    .source = GROK_VIEW_FROM_VIEWS_FILE,
    /* four units, each an activation map and its spectrum: eight panels stay legible */
    .recipe = { .units = 4 },
  },
  [GROK_VIEW_ATTENTION] = {
    .name = "attention",
    .title = "Attention",
    .icon = "view-reveal-symbolic",
    .applies = attention_applies,
    .needs = "a transformer on a modular or xor_bits task",
    .source = GROK_VIEW_FROM_VIEWS_FILE,
  },
};

const GrokViewKind *
grok_view_kind (GrokView view)
{
  g_return_val_if_fail (view < GROK_N_VIEWS, NULL);
  return &view_kinds[view];
}

const char *
grok_view_name (GrokView view)
{
  g_return_val_if_fail (view < GROK_N_VIEWS, "unknown");
  return view_kinds[view].name;
}

gboolean
grok_view_from_name (const char *name, GrokView *view, GError **error)
{
  int i = grok_table_find (view_kinds, sizeof *view_kinds, GROK_N_VIEWS, name, "view", "|",
                           error);

  if (i >= 0)
    *view = i;
  return i >= 0;
}

char *
grok_view_names (const char *separator)
{
  return grok_table_names (view_kinds, sizeof *view_kinds, GROK_N_VIEWS, separator);
}

gboolean
grok_view_check (GrokView view, const GrokViewSettings *settings, GError **error)
{
  g_return_val_if_fail (view < GROK_N_VIEWS && settings != NULL, FALSE);
  if (view_kinds[view].applies (settings))
    return TRUE;
  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "the %s view does not apply to this run: "
               "it needs %s", view_kinds[view].name, view_kinds[view].needs);
  return FALSE;
}

/* a field is taken from the row that sets it (non-zero) */
#define TAKE(field) if (r->field != 0) recipe->field = r->field

void
grok_view_recipe_init (GrokViewRecipe *recipe)
{
  g_return_if_fail (recipe != NULL);
  *recipe = (GrokViewRecipe) { 0 };
  for (guint v = 0; v < GROK_N_VIEWS; v++)
    {
      const GrokViewRecipe *r = &view_kinds[v].recipe;
      TAKE (lmn_points);
      TAKE (raster);
      TAKE (x0);
      TAKE (y0);
      TAKE (x1);
      TAKE (y1);
      TAKE (earlier);
      TAKE (every_checkpoint);
      TAKE (units);
    }
}

#undef TAKE

GrokViewRegions *
grok_view_regions_compute (const GrokViewSettings *settings, const GrokParams *params, double x0,
                           double y0, double x1, double y1, int raster, GError **error)
{
  g_autoptr (GrokViewRegions) regions = g_new0 (GrokViewRegions, 1);
  g_autofree GrokLayerView *layers = NULL;
  int n_layers;

  g_return_val_if_fail (settings != NULL && params != NULL && raster > 0, NULL);
  if (settings->measure.task.kind != GROK_TASK_XOR2D)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "the regions view needs 2-D inputs: this run's task is not xor2d");
      return NULL;
    }
  layers = grok_mlp_views_from_params (&settings->measure.model, params, &n_layers, error);
  if (layers == NULL)
    return NULL;
  *regions = (GrokViewRegions) { .x0 = x0, .y0 = y0, .x1 = x1, .y1 = y1 };
  if (grok_layers_are_piecewise_linear (layers, n_layers))
    regions->exact = grok_regions_exact (layers, n_layers, x0, y0, x1, y1, error);
  else
    {
      regions->raster = grok_regions_raster (layers, n_layers, x0, y0, x1, y1, raster, raster,
                                             &regions->n_patterns, error);
      regions->raster_w = regions->raster_h = raster;
    }
  if (regions->exact == NULL && regions->raster == NULL)
    return NULL;
  return g_steal_pointer (&regions);
}

void
grok_view_regions_free (GrokViewRegions *regions)
{
  if (regions == NULL)
    return;
  grok_region_map_free (regions->exact);
  g_free (regions->raster);
  g_free (regions);
}

gboolean
grok_view_regions_matches (const GrokViewRegions *regions, double x0, double y0, double x1,
                           double y1, int raster)
{
  g_return_val_if_fail (regions != NULL, FALSE);
  /* the window must be the very same numbers: a different window is a different partition */
  if (regions->x0 != x0 || regions->y0 != y0 || regions->x1 != x1 || regions->y1 != y1)
    return FALSE;
  return regions->exact != NULL || (regions->raster_w == raster && regions->raster_h == raster);
}

GrokViewConnectivity *
grok_view_connectivity_compute (const GrokViewSettings *settings, const GrokParams *params,
                                int max_points, GError **error)
{
  g_autoptr (GrokDataset) dataset = NULL;
  g_autoptr (GrokLmn) lmn = NULL;
  GrokViewConnectivity *c;

  g_return_val_if_fail (settings != NULL && params != NULL && max_points > 0, NULL);
  dataset = grok_dataset_new (&settings->measure.task);
  lmn = grok_measure_lmn (&settings->measure.model, params, dataset, max_points, 0, error);
  if (lmn == NULL)
    return NULL;
  c = g_new0 (GrokViewConnectivity, 1);
  c->n = lmn->n;
  c->n_inputs = dataset->n_train;
  c->max_points = max_points;
  c->lmn = lmn->lmn;
  c->order = g_memdup2 (lmn->order, sizeof (int) * (gsize) lmn->n);
  c->ordered = g_new (float, (gsize) lmn->n * lmn->n);
  for (int i = 0; i < lmn->n; i++)
    for (int j = 0; j < lmn->n; j++)
      c->ordered[(gsize) i * lmn->n + j] = (float) lmn->L[(gsize) lmn->order[i] * lmn->n + lmn->order[j]];
  return c;
}

void
grok_view_connectivity_free (GrokViewConnectivity *connectivity)
{
  if (connectivity == NULL)
    return;
  g_free (connectivity->order);
  g_free (connectivity->ordered);
  g_free (connectivity);
}

gboolean
grok_view_connectivity_matches (const GrokViewConnectivity *connectivity, int max_points)
{
  g_return_val_if_fail (connectivity != NULL, FALSE);
  /* the same limit draws the same sample; two limits that both take every input agree too */
  return connectivity->max_points == max_points ||
         (connectivity->n_inputs <= connectivity->max_points && connectivity->n_inputs <= max_points);
}

static int
compare_by_name (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const GrokParams *params = user_data;
  const GrokMatrixSpectrum *x = a, *y = b;

  return strcmp (params->tensors[x->tensor].name, params->tensors[y->tensor].name);
}

GrokSpectrumSummary *
grok_view_spectrum_compute (const GrokParams *params, gint64 step, GPtrArray **names,
                            GError **error)
{
  g_autoptr (GrokSpectrumSummary) summary = NULL;
  g_autofree int *position = NULL;

  g_return_val_if_fail (params != NULL && names != NULL, NULL);
  summary = grok_spectrum_summary_new (params, NULL);
  if (summary == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "the weights at step %" G_GINT64_FORMAT " are not finite: no spectrum", step);
      return NULL;
    }
  g_qsort_with_data (summary->matrices, summary->n_matrices, sizeof (GrokMatrixSpectrum),
                     compare_by_name, (gpointer) params);
  position = g_new (int, MAX (params->n_tensors, 1));
  for (int c = 0; c < params->n_tensors; c++)
    position[params->canonical[c]] = c;
  *names = g_ptr_array_new_with_free_func (g_free);
  for (int m = 0; m < summary->n_matrices; m++)
    {
      g_ptr_array_add (*names, g_strdup (params->tensors[summary->matrices[m].tensor].name));
      summary->matrices[m].tensor = position[summary->matrices[m].tensor];
    }
  return g_steal_pointer (&summary);
}

char *
grok_params_sha256 (const GrokParams *params)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (params != NULL && params->canonical != NULL, NULL);
  for (int c = 0; c < params->n_tensors; c++)
    {
      const GrokTensor *t = &params->tensors[params->canonical[c]];
      gint32 shape[GROK_MAX_DIMS] = { 0 };

      for (int d = 0; d < t->ndim; d++)
        shape[d] = GINT32_TO_LE (t->shape[d]);
      g_checksum_update (sum, (const guchar *) t->name, strlen (t->name) + 1);
      g_checksum_update (sum, (const guchar *) shape, sizeof shape);
      g_checksum_update (sum, (const guchar *) (params->data + t->offset), t->numel * sizeof (float));
    }
  return g_strdup (g_checksum_get_string (sum));
}

GrokViews *
grok_views_compute (const GrokViewSettings *settings, const GrokParams *params, gint64 step,
                    GError **error)
{
  g_autoptr (GrokViews) views = g_new0 (GrokViews, 1);
  GrokViewRecipe r;

  g_return_val_if_fail (settings != NULL && params != NULL, NULL);
  grok_view_recipe_init (&r);
  views->step = step;
  views->spectrum = grok_view_spectrum_compute (params, step, &views->names, error);
  if (views->spectrum == NULL)
    return NULL;
  if (grok_view_kind (GROK_VIEW_REGIONS)->applies (settings))
    {
      views->regions = grok_view_regions_compute (settings, params, r.x0, r.y0, r.x1, r.y1,
                                                  r.raster, error);
      if (views->regions == NULL)
        return NULL;
    }
  if (grok_view_kind (GROK_VIEW_CONNECTIVITY)->applies (settings))
    {
      views->connectivity = grok_view_connectivity_compute (settings, params, r.lmn_points, error);
      if (views->connectivity == NULL)
        return NULL;
    }
  views->params_sha256 = grok_params_sha256 (params);
  views->config_sha256 = g_strdup (settings->sha256);
  return g_steal_pointer (&views);
}

void
grok_views_free (GrokViews *views)
{
  if (views == NULL)
    return;
  grok_spectrum_summary_free (views->spectrum);
  g_clear_pointer (&views->names, g_ptr_array_unref);
  grok_view_regions_free (views->regions);
  grok_view_connectivity_free (views->connectivity);
  g_free (views->params_sha256);
  g_free (views->config_sha256);
  g_free (views);
}

gboolean
grok_views_match (const GrokViews *views, const GrokViewSettings *settings, const GrokParams *params)
{
  g_autofree char *p = NULL;

  g_return_val_if_fail (views != NULL && settings != NULL && params != NULL, FALSE);
  p = grok_params_sha256 (params);
  return g_strcmp0 (p, views->params_sha256) == 0 &&
         g_strcmp0 (settings->sha256, views->config_sha256) == 0;
}

GrokViews *
grok_views_load (const char *path, gint64 step, const GrokViewSettings *settings,
                 const GrokParams *params, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return grok_views_load_at (GROK_FILE_AT_PATH (path), step, settings, params, error);
}

GrokViews *
grok_views_load_at (const GrokFileAt *at, gint64 step, const GrokViewSettings *settings,
                    const GrokParams *params, GError **error)
{
  g_autoptr (GrokViews) views = NULL;
  struct stat st;

  g_return_val_if_fail (at != NULL && settings != NULL && params != NULL, NULL);
  /* a link is there, and read_at refuses it with a message naming it */
  if (fstatat (at->dfd, at->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return NULL;
  views = grok_views_read_at (at, error);
  if (views == NULL)
    return NULL;
  if (views->step != step || !grok_views_match (views, settings, params))
    return NULL;
  return g_steal_pointer (&views);
}
