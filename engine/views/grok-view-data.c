/* What each view draws at one step, from what the caller holds. */
#include "grok-view-data.h"

#include <math.h>

#include "grok-error.h"
#include "grok-measures.h"

static void
earlier_free (GrokViewEarlier *e)
{
  grok_params_unref (e->params);
  grok_views_free (e->views);
  g_free (e->id);
  g_free (e);
}

void
grok_view_input_init (GrokViewInput *input, const GrokViewSettings *settings, int lmn_points,
                      const GrokParams *params, gint64 step)
{
  *input = (GrokViewInput) { .settings = *settings, .lmn_points = lmn_points, .params = params,
                             .step = step };
}

void
grok_view_input_add_earlier (GrokViewInput *input, gint64 step, const GrokParams *params,
                             GrokViews *views)
{
  grok_view_input_add_stored (input, step, params, views, NULL);
}

void
grok_view_input_add_stored (GrokViewInput *input, gint64 step, const GrokParams *params,
                            GrokViews *views, const char *id)
{
  GrokViewEarlier *e = g_new0 (GrokViewEarlier, 1);

  g_return_if_fail (input != NULL && params != NULL);
  e->step = step;
  e->params = grok_params_ref (params);
  e->views = views;
  e->id = g_strdup (id);
  if (input->earlier == NULL)
    input->earlier = g_ptr_array_new_with_free_func ((GDestroyNotify) earlier_free);
  g_ptr_array_add (input->earlier, e);
}

void
grok_view_input_add_test_loss (GrokViewInput *input, gint64 step, double value)
{
  GrokViewStepValue v = { step, value };

  g_return_if_fail (input != NULL);
  if (input->test_loss == NULL)
    input->test_loss = g_array_new (FALSE, FALSE, sizeof (GrokViewStepValue));
  g_array_append_val (input->test_loss, v);
}

void
grok_view_input_clear (GrokViewInput *input)
{
  g_clear_pointer (&input->test_loss, g_array_unref);
  g_clear_pointer (&input->views, grok_views_free);
  g_clear_pointer (&input->earlier, g_ptr_array_unref);
}

GArray *
grok_view_earlier_steps (const GArray *checkpoints, gint64 step, guint max)
{
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 first;
  double lo, hi;

  g_return_val_if_fail (checkpoints != NULL, chosen);
  if (checkpoints->len == 0 || max == 0 || g_array_index (checkpoints, gint64, 0) >= step)
    return chosen;
  first = g_array_index (checkpoints, gint64, 0);
  g_array_append_val (chosen, first);
  lo = log1p ((double) first);
  hi = log1p ((double) step);
  for (guint k = 1; k < max; k++)
    {
      double target = lo + (hi - lo) * k / max, best_d = INFINITY;
      gint64 best = -1, last = g_array_index (chosen, gint64, chosen->len - 1);
      for (guint i = 0; i < checkpoints->len; i++)
        {
          gint64 s = g_array_index (checkpoints, gint64, i);
          double d = fabs (log1p ((double) s) - target);
          if (s > last && s < step && d < best_d)
            best_d = d, best = s;
        }
      if (best >= 0)
        g_array_append_val (chosen, best);
    }
  return chosen;
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

/* the regions stored in views (taken from it) when they show the recipe's window as computing
 * with its raster would, else computed from params; the task's points on top */
static GrokRegionsData *
regions_data_new (const GrokViewSettings *settings, const GrokParams *params, GrokViews *views,
                  const GrokViewRecipe *r, GError **error)
{
  g_autoptr (GrokViewRegions) regions = NULL;
  GrokRegionsData *data;

  if (views != NULL && views->regions != NULL &&
      grok_view_regions_matches (views->regions, r->x0, r->y0, r->x1, r->y1, r->raster))
    regions = g_steal_pointer (&views->regions);
  else
    regions = grok_view_regions_compute (settings, params, r->x0, r->y0, r->x1, r->y1, r->raster,
                                         error);
  if (regions == NULL)
    return NULL;
  data = g_new0 (GrokRegionsData, 1);
  data->regions = g_steal_pointer (&regions);
  data->dataset = grok_dataset_new (&settings->measure.task);
  return data;
}

void
grok_connectivity_data_free (GrokConnectivityData *data)
{
  if (data == NULL)
    return;
  grok_view_connectivity_free (data->view);
  g_free (data);
}

const GrokViewConnectivity *
grok_connectivity_data_get_view (const GrokConnectivityData *data)
{
  return data->view;
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

/* the matrix stored in views (taken from it) when computing with max_points would give the
 * same points, else computed from params */
static GrokConnectivityData *
connectivity_data_new (const GrokViewSettings *settings, const GrokParams *params, GrokViews *views,
                       int max_points, GError **error)
{
  GrokViewConnectivity *view = NULL;
  GrokConnectivityData *data;

  if (views != NULL && views->connectivity != NULL &&
      grok_view_connectivity_matches (views->connectivity, max_points))
    view = g_steal_pointer (&views->connectivity);
  else
    view = grok_view_connectivity_compute (settings, params, max_points, error);
  if (view == NULL)
    return NULL;
  data = g_new0 (GrokConnectivityData, 1);
  data->view = view;
  return data;
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

/* input's earlier weights before its step (up to max of them), then its own */
static GrokSpectraData *
spectra_data_new (GrokViewInput *in, guint max, GError **error)
{
  g_autoptr (GrokSpectraData) data = g_new0 (GrokSpectraData, 1);
  guint used = 0;

  data->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) grok_spectrum_summary_free);
  data->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; in->earlier != NULL && i < in->earlier->len && used < max; i++)
    {
      GrokViewEarlier *e = in->earlier->pdata[i];
      if (e->step >= in->step)
        break;
      if (!spectra_data_append (data, e->params, e->views, e->step, error))
        return NULL;
      used++;
    }
  if (!spectra_data_append (data, in->params, in->views, in->step, error))
    return NULL;
  return g_steal_pointer (&data);
}

/* input's test_loss at step, NAN when it has none there */
static double
test_loss_at (const GrokViewInput *in, gint64 step)
{
  guint lo = 0, hi = in->test_loss ? in->test_loss->len : 0;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 s = g_array_index (in->test_loss, GrokViewStepValue, mid).step;
      if (s == step)
        return g_array_index (in->test_loss, GrokViewStepValue, mid).value;
      if (s < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NAN;
}

/* the step's weights and every other stored checkpoint's in input */
static GrokFourierData *
fourier_data_new (GrokViewInput *in, GError **error)
{
  g_autoptr (GArray) others = g_array_new (FALSE, FALSE, sizeof (GrokFourierStep));
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GrokFourierStep shown = { in->step, in->params, test_loss_at (in, in->step), NULL };

  for (guint i = 0; in->earlier != NULL && i < in->earlier->len; i++)
    {
      GrokViewEarlier *e = in->earlier->pdata[i];
      GrokFourierStep s = { e->step, e->params, test_loss_at (in, e->step), NULL };

      /* the same file under other task or model settings is another entry */
      if (in->fourier_cache != NULL && e->id != NULL)
        {
          s.id = g_strconcat (in->settings.sha256, "/", e->id, NULL);
          g_ptr_array_add (ids, (char *) s.id);
        }
      g_array_append_val (others, s);
    }
  return grok_fourier_data_new (&in->settings.measure, &shown, (GrokFourierStep *) others->data,
                                others->len, in->budget, in->fourier_cache, error);
}

static gboolean
view_data_fill (GrokViewData *data, GrokViewInput *in, GError **error)
{
  const GrokViewRecipe *r = &data->recipe;

  switch (data->view)
    {
    case GROK_VIEW_CURVES:
      if (grok_measure_settings_is_mlp (&in->settings.measure))
        data->lmn_points = in->lmn_points;
      return TRUE;
    case GROK_VIEW_HEATMAP:
      return TRUE;
    case GROK_VIEW_REGIONS:
      data->regions = regions_data_new (&in->settings, in->params, in->views, r, error);
      return data->regions != NULL;
    case GROK_VIEW_CONNECTIVITY:
      data->connectivity = connectivity_data_new (&in->settings, in->params, in->views,
                                                  r->lmn_points, error);
      return data->connectivity != NULL;
    case GROK_VIEW_SPECTRUM:
      data->spectra = spectra_data_new (in, (guint) MAX (r->earlier, 0), error);
      return data->spectra != NULL;
    case GROK_VIEW_FOURIER:
      data->fourier = fourier_data_new (in, error);
      return data->fourier != NULL;
    case GROK_VIEW_NEURONS:
      data->neurons = grok_view_neurons_compute (&in->settings.measure, in->params, r->chosen,
                                                 CLAMP (r->n_chosen, 0, GROK_VIEW_MAX_UNITS),
                                                 r->units > 0 ? r->units : 4, error);
      return data->neurons != NULL;
    case GROK_VIEW_ATTENTION:
      data->attention = grok_view_attention_compute (&in->settings.measure, in->params, error);
      return data->attention != NULL;
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
  grok_fourier_data_free (data->fourier);
  grok_view_neurons_free (data->neurons);
  grok_view_attention_free (data->attention);
}

GrokViewData *
grok_view_data_new (GrokView view, GrokViewInput *input, const GrokViewRecipe *recipe,
                    GError **error)
{
  GrokViewData *data;

  g_return_val_if_fail (view < GROK_N_VIEWS && input != NULL, NULL);
  g_return_val_if_fail (input->params != NULL || view == GROK_VIEW_CURVES, NULL);
  if (!grok_view_check (view, &input->settings, error))
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
