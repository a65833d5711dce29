/* A view's data from what the caller holds, without a run folder or a figure: stored parts are
 * used (and taken) only when they match the recipe, the spectrum overlays the earlier weights
 * it is given before the step and no more than the recipe says, and the earlier checkpoints it
 * picks are the first and log-spaced ones. */
#include <math.h>

#include "grok-measures.h"
#include "grok-config-settings.h"
#include "grok-model.h"
#include "grok-presets.h"
#include "grok-run-views.h"
#include "grok-view-data.h"

/* the weights at rest of config's model for seed */
static GrokParams *
xor2d_params (const GrokConfig *config, guint64 seed)
{
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&config->task);
  GrokModel *model = grok_config_new_model (config, dataset, 1);
  GrokParams *params;

  grok_model_init_params (model, seed);
  params = grok_params_copy (model->params);
  grok_model_free (model);
  return params;
}

static GrokConfig *
xor2d_config (GrokActivation act)
{
  GrokConfig *config = grok_preset_load ("xor2d-relu", NULL);

  g_assert_nonnull (config);
  config->model.activation = act;
  config->task.n_train = 64;
  return config;
}

static GArray *
steps_of (const gint64 *steps, guint n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (a, steps, n);
  return a;
}

static void
test_earlier_steps (void)
{
  const gint64 all[] = { 0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
  g_autoptr (GArray) checkpoints = steps_of (all, G_N_ELEMENTS (all));
  g_autoptr (GArray) none = steps_of (NULL, 0);
  g_autoptr (GArray) three = grok_view_earlier_steps (checkpoints, 1000, 3);
  g_autoptr (GArray) many = grok_view_earlier_steps (checkpoints, 20, 50);
  g_autoptr (GArray) zero = grok_view_earlier_steps (checkpoints, 1000, 0);
  g_autoptr (GArray) at_first = grok_view_earlier_steps (checkpoints, 0, 3);
  g_autoptr (GArray) empty = grok_view_earlier_steps (none, 1000, 3);

  /* the first, then the nearest in log(1 + step) to a third and two thirds of the way */
  g_assert_cmpuint (three->len, ==, 3);
  g_assert_cmpint (g_array_index (three, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (three, gint64, 1), ==, 10);
  g_assert_cmpint (g_array_index (three, gint64, 2), ==, 100);
  /* never the step itself or after it, never twice the same */
  g_assert_cmpuint (many->len, ==, 5);
  for (guint i = 0; i < many->len; i++)
    g_assert_cmpint (g_array_index (many, gint64, i), ==, all[i]);
  g_assert_cmpuint (zero->len, ==, 0);
  g_assert_cmpuint (at_first->len, ==, 0);
  g_assert_cmpuint (empty->len, ==, 0);
}

/* the curves' lmn column points follow the config; the heatmap has no data of its own; a view
 * that does not apply is an error */
static void
test_curves_and_checks (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU);
  g_autoptr (GrokConfig) transformer = grok_preset_load ("demoss-add-ours", NULL);
  g_autoptr (GrokParams) params = xor2d_params (config, 1);
  g_auto (GrokViewInput) input = { 0 };
  g_auto (GrokViewInput) other = { 0 };
  g_autoptr (GrokViewData) curves = NULL;
  g_autoptr (GrokViewData) heatmap = NULL;
  g_autoptr (GrokViewData) regions = NULL;
  g_autoptr (GError) error = NULL;

  grok_config_view_input_init (&input, config, NULL, 5);
  curves = grok_view_data_new (GROK_VIEW_CURVES, &input, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (curves->lmn_points, ==, grok_config_lmn_points (config));
  g_assert_cmpint (curves->step, ==, 5);
  input.params = params;
  heatmap = grok_view_data_new (GROK_VIEW_HEATMAP, &input, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (heatmap->regions == NULL && heatmap->connectivity == NULL &&
                 heatmap->spectra == NULL);

  transformer->task.p = 7;
  grok_config_view_input_init (&other, transformer, params, 5);
  regions = grok_view_data_new (GROK_VIEW_REGIONS, &other, NULL, &error);
  g_assert_null (regions);
  g_assert_nonnull (error);
}

/* stored regions and connectivity are taken when they match the recipe, and recomputed (the
 * stored ones left alone) when the window or the point count differs; both ways agree */
static void
test_stored_parts (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_SILU);
  g_autoptr (GrokParams) params = xor2d_params (config, 2);
  g_autoptr (GError) error = NULL;
  GrokViewSettings settings = grok_config_view_settings (config);
  GrokViewRecipe recipe, zoomed;

  grok_view_recipe_init (&recipe);
  zoomed = recipe;
  zoomed.x0 /= 2, zoomed.x1 /= 2, zoomed.y0 /= 2, zoomed.y1 /= 2;
  zoomed.lmn_points = 16;
  {
    g_auto (GrokViewInput) input = { 0 };
    g_autoptr (GrokViewData) regions = NULL;
    g_autoptr (GrokViewData) connectivity = NULL;
    g_autoptr (GrokViewData) fresh = NULL;
    g_auto (GrokViewInput) plain = { 0 };
    const GrokViewRegions *stored;

    grok_config_view_input_init (&input, config, params, 3);
    input.views = grok_views_compute (&settings, params, 3, &error);
    g_assert_no_error (error);
    stored = input.views->regions;
    regions = grok_view_data_new (GROK_VIEW_REGIONS, &input, &recipe, &error);
    g_assert_no_error (error);
    g_assert_true (regions->regions->regions == stored);
    g_assert_null (input.views->regions);
    g_assert_cmpint (regions->regions->dataset->n_train, ==, 64);
    connectivity = grok_view_data_new (GROK_VIEW_CONNECTIVITY, &input, &recipe, &error);
    g_assert_no_error (error);
    g_assert_null (input.views->connectivity);
    g_assert_cmpint (grok_connectivity_data_points (connectivity->connectivity), ==, 64);

    /* the same data computed, with nothing stored */
    grok_config_view_input_init (&plain, config, params, 3);
    fresh = grok_view_data_new (GROK_VIEW_REGIONS, &plain, &recipe, &error);
    g_assert_no_error (error);
    g_assert_cmpint (fresh->regions->regions->n_patterns, ==, stored->n_patterns);
    g_assert_cmpmem (fresh->regions->regions->raster,
                     sizeof (guint32) * stored->raster_w * stored->raster_h, stored->raster,
                     sizeof (guint32) * stored->raster_w * stored->raster_h);
  }
  {
    g_auto (GrokViewInput) input = { 0 };
    g_autoptr (GrokViewData) regions = NULL;
    g_autoptr (GrokViewData) connectivity = NULL;

    grok_config_view_input_init (&input, config, params, 3);
    input.views = grok_views_compute (&settings, params, 3, &error);
    g_assert_no_error (error);
    regions = grok_view_data_new (GROK_VIEW_REGIONS, &input, &zoomed, &error);
    g_assert_no_error (error);
    g_assert_nonnull (input.views->regions);
    g_assert_cmpfloat (regions->regions->regions->x0, ==, zoomed.x0);
    connectivity = grok_view_data_new (GROK_VIEW_CONNECTIVITY, &input, &zoomed, &error);
    g_assert_no_error (error);
    g_assert_nonnull (input.views->connectivity);
    g_assert_cmpint (grok_connectivity_data_points (connectivity->connectivity), ==, 16);
  }
}

/* the earlier weights before the step, up to the recipe's earlier, then the step; a stored
 * spectrum is taken */
static void
test_spectrum_overlay (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU);
  g_autoptr (GrokParams) a = xor2d_params (config, 3);
  g_autoptr (GrokParams) b = xor2d_params (config, 4);
  g_autoptr (GrokParams) c = xor2d_params (config, 5);
  g_autoptr (GError) error = NULL;
  GrokViewSettings settings = grok_config_view_settings (config);
  g_auto (GrokViewInput) input = { 0 };
  g_autoptr (GrokViewData) data = NULL;
  g_autoptr (GrokViewData) two = NULL;
  g_autoptr (GrokViewData) alone = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GrokSpectrumSummary) own = NULL;
  GrokViewRecipe recipe;
  const gint64 *steps;
  guint n;

  grok_view_recipe_init (&recipe);
  g_assert_cmpint (recipe.earlier, >=, 2);
  grok_config_view_input_init (&input, config, c, 100);
  grok_view_input_add_earlier (&input, 0, a, NULL);
  grok_view_input_add_earlier (&input, 10, b, grok_views_compute (&settings, b, 10, &error));
  g_assert_no_error (error);
  grok_view_input_add_earlier (&input, 100, a, NULL);   /* not before the step: left out */
  data = grok_view_data_new (GROK_VIEW_SPECTRUM, &input, &recipe, &error);
  g_assert_no_error (error);
  steps = grok_spectra_data_get_steps (data->spectra, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (steps[0], ==, 0);
  g_assert_cmpint (steps[1], ==, 10);
  g_assert_cmpint (steps[2], ==, 100);
  g_assert_null (((GrokViewEarlier *) input.earlier->pdata[1])->views->spectrum);
  own = grok_view_spectrum_compute (c, 100, &names, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data->spectra->names->len, ==, names->len);
  {
    const GrokSpectrumSummary *last = data->spectra->summaries->pdata[2];
    for (int m = 0; m < own->n_matrices; m++)
      g_assert_cmpmem (last->matrices[m].s, sizeof (double) * own->matrices[m].rank,
                       own->matrices[m].s, sizeof (double) * own->matrices[m].rank);
  }

  /* one earlier at most: the first */
  recipe.earlier = 1;
  two = grok_view_data_new (GROK_VIEW_SPECTRUM, &input, &recipe, &error);
  g_assert_no_error (error);
  steps = grok_spectra_data_get_steps (two->spectra, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (steps[0], ==, 0);
  recipe.earlier = 0;
  alone = grok_view_data_new (GROK_VIEW_SPECTRUM, &input, &recipe, &error);
  g_assert_no_error (error);
  steps = grok_spectra_data_get_steps (alone->spectra, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (steps[0], ==, 100);
}

/* the Fourier cache gives back exactly what was put under the same id and key set (in the
 * same order), nothing for another id, another n_freq or another key set, and stays bounded */
static void
test_fourier_cache (void)
{
  g_autoptr (GrokFourierCache) cache = grok_fourier_cache_new ();
  const double e[3] = { 1.5, -0.25, 1e-300 }, u[3] = { 2.0, 0.0, 3.0 / 7.0 };
  const int keys[3] = { 4, 9, 2 }, swapped[3] = { 9, 4, 2 };
  double got_e[3], got_u[3], r = 0, x = 0;
  guint hits, misses;

  g_assert_false (grok_fourier_cache_get_norms (cache, "a", 3, got_e, got_u));
  grok_fourier_cache_put_norms (cache, "a", 3, e, u);
  g_assert_true (grok_fourier_cache_get_norms (cache, "a", 3, got_e, got_u));
  g_assert_cmpmem (got_e, sizeof got_e, e, sizeof e);
  g_assert_cmpmem (got_u, sizeof got_u, u, sizeof u);
  g_assert_false (grok_fourier_cache_get_norms (cache, "a", 2, got_e, got_u));
  g_assert_false (grok_fourier_cache_get_norms (cache, "b", 3, got_e, got_u));

  grok_fourier_cache_put_losses (cache, "a", keys, 3, 0.125, 4.5);
  g_assert_false (grok_fourier_cache_get_losses (cache, "a", swapped, 3, &r, &x));
  g_assert_false (grok_fourier_cache_get_losses (cache, "a", keys, 2, &r, &x));
  g_assert_false (grok_fourier_cache_get_losses (cache, "b", keys, 3, &r, &x));
  g_assert_true (grok_fourier_cache_get_losses (cache, "a", keys, 3, &r, &x));
  g_assert_cmpfloat (r, ==, 0.125);
  g_assert_cmpfloat (x, ==, 4.5);
  grok_fourier_cache_get_counts (cache, &hits, &misses);
  g_assert_cmpuint (hits, ==, 2);
  g_assert_cmpuint (misses, ==, 6);

  /* the oldest key set goes when a checkpoint has too many */
  for (int k = 0; k < GROK_FOURIER_CACHE_MAX_KEY_SETS; k++)
    grok_fourier_cache_put_losses (cache, "a", &k, 1, k, -k);
  g_assert_false (grok_fourier_cache_get_losses (cache, "a", keys, 3, &r, &x));
  for (int k = 0; k < GROK_FOURIER_CACHE_MAX_KEY_SETS; k++)
    {
      g_assert_true (grok_fourier_cache_get_losses (cache, "a", &k, 1, &r, &x));
      g_assert_cmpfloat (r, ==, k);
    }
  /* one checkpoint more than the limit empties it first: the first ones are gone, the newest
   * is held */
  for (int i = 0; i <= GROK_FOURIER_CACHE_MAX_ENTRIES; i++)
    {
      g_autofree char *id = g_strdup_printf ("step %d", i);
      grok_fourier_cache_put_norms (cache, id, 3, e, u);
    }
  g_assert_false (grok_fourier_cache_get_norms (cache, "a", 3, got_e, got_u));
  g_assert_false (grok_fourier_cache_get_norms (cache, "step 0", 3, got_e, got_u));
  {
    g_autofree char *newest = g_strdup_printf ("step %d", GROK_FOURIER_CACHE_MAX_ENTRIES);
    g_assert_true (grok_fourier_cache_get_norms (cache, newest, 3, got_e, got_u));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/view-data/earlier-steps", test_earlier_steps);
  g_test_add_func ("/engine/view-data/curves-and-checks", test_curves_and_checks);
  g_test_add_func ("/engine/view-data/stored-parts", test_stored_parts);
  g_test_add_func ("/engine/view-data/spectrum-overlay", test_spectrum_overlay);
  g_test_add_func ("/engine/view-data/fourier-cache", test_fourier_cache);
  return g_test_run ();
}
