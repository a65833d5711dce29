/* Measures on stored model states. */
#include "grok-measures.h"

#include <math.h>
#include <string.h>

#include "grok-complexity.h"
#include "grok-error.h"
#include "grok-fourier.h"
#include "grok-json.h"
#include "grok-local-complexity.h"
#include "grok-mlp.h"
#include "grok-model.h"
#include "grok-regions.h"
#include "grok-spectrum.h"
#include "grok-table.h"

static const double lc_radii[] = { 0.05, 0.1, 0.5, 1, 5 };

gboolean
grok_measure_settings_any_run (const GrokMeasureSettings *settings)
{
  return TRUE;
}

gboolean
grok_measure_settings_is_mlp (const GrokMeasureSettings *settings)
{
  return settings->model.kind == GROK_MODEL_MLP;
}

gboolean
grok_measure_settings_is_xor2d_mlp (const GrokMeasureSettings *settings)
{
  return grok_measure_settings_is_mlp (settings) && settings->task.kind == GROK_TASK_XOR2D;
}

gboolean
grok_measure_settings_is_modular (const GrokMeasureSettings *settings)
{
  return settings->task.kind == GROK_TASK_MODULAR && settings->task.format != GROK_FORMAT_DIGITS;
}

static GrokMeasureResult *measure_spectrum (const GrokMeasureSettings *, const GrokParams *,
                                            const GrokMeasureOptions *, GCancellable *, GError **);
static GrokMeasureResult *measure_complexity (const GrokMeasureSettings *, const GrokParams *,
                                              const GrokMeasureOptions *, GCancellable *,
                                              GError **);
static GrokMeasureResult *measure_lmn (const GrokMeasureSettings *, const GrokParams *,
                                       const GrokMeasureOptions *, GCancellable *, GError **);
static GrokMeasureResult *measure_regions (const GrokMeasureSettings *, const GrokParams *,
                                           const GrokMeasureOptions *, GCancellable *, GError **);
static GrokMeasureResult *measure_local_complexity (const GrokMeasureSettings *, const GrokParams *,
                                                    const GrokMeasureOptions *, GCancellable *,
                                                    GError **);
static GrokMeasureResult *measure_fourier (const GrokMeasureSettings *, const GrokParams *,
                                           const GrokMeasureOptions *, GCancellable *, GError **);

#define COLUMNS(...) ((const char * const []) { __VA_ARGS__, NULL })

static const GrokMeasureKind measure_kinds[GROK_N_MEASURES] = {
  [GROK_MEASURE_SPECTRUM] = {
    .name = "spectrum",
    .columns = COLUMNS ("spectral_entropy_mean", "eff_rank_mean", "stable_rank_mean"),
    .panels = COLUMNS ("spectral_entropy_mean"),
    .applies = grok_measure_settings_any_run,
    .needs = "any model",
    .per_decade_key = "measures.spectrum_per_decade",
    .every_key = "measures.spectrum_every",
    .evaluate = measure_spectrum,
  },
  [GROK_MEASURE_COMPLEXITY] = {
    .name = "complexity",
    .columns = COLUMNS ("complexity_bytes", "complexity_delta", "complexity_tau", "naive_bytes",
                        "occam_bound"),
    .panels = COLUMNS ("complexity_bytes", "occam_bound"),
    .applies = grok_measure_settings_any_run,
    .needs = "any model",
    .per_decade_key = "measures.complexity_per_decade",
    .every_key = "measures.complexity_every",
    .evaluate = measure_complexity,
  },
  [GROK_MEASURE_LMN] = {
    .name = "lmn",
    .columns = COLUMNS ("lmn"),
    .panels = COLUMNS ("lmn"),
    .applies = grok_measure_settings_is_mlp,
    .needs = "an MLP",
    .per_decade_key = "measures.lmn_per_decade",
    .every_key = "measures.lmn_every",
    .evaluate = measure_lmn,
  },
  [GROK_MEASURE_REGIONS] = {
    .name = "regions",
    .columns = COLUMNS ("region_count"),
    .panels = COLUMNS ("region_count"),
    .applies = grok_measure_settings_is_xor2d_mlp,
    .needs = "an MLP on xor2d",
    .per_decade_key = "measures.regions_per_decade",
    .every_key = "measures.regions_every",
    .evaluate = measure_regions,
  },
  [GROK_MEASURE_LOCAL_COMPLEXITY] = {
    .name = "local_complexity",
    /* one column per radius of lc_radii */
    .columns = COLUMNS ("lc_r0.05", "lc_r0.1", "lc_r0.5", "lc_r1", "lc_r5"),
    .panels = COLUMNS ("lc_r0.1"),
    .applies = grok_measure_settings_is_mlp,
    .needs = "an MLP",
    .per_decade_key = "measures.local_complexity_per_decade",
    .every_key = "measures.local_complexity_every",
    .evaluate = measure_local_complexity,
  },
  [GROK_MEASURE_FOURIER] = {
    .name = "fourier",
    .columns = COLUMNS ("fourier_gini", "fourier_top5", "restricted_loss", "excluded_loss"),
    .panels = COLUMNS ("fourier_top5", "restricted_loss", "excluded_loss"),
    .applies = grok_measure_settings_is_modular,
    .needs = "a modular task",
    .per_decade_key = "measures.fourier_per_decade",
    .every_key = "measures.fourier_every",
    .evaluate = measure_fourier,
  },
};

/* What a figure calls each metrics column: one row per column, beside the measures that fill
 * them, with its unit; and, for a measure that can be evaluated and give no value, why. */
typedef struct
{
  const char *column;
  const char *title;
  const char *gap;
} ColumnTitle;

#define NO_COARSE_GRAINING "no feasible coarse-graining within ε"

static const ColumnTitle column_titles[] = {
  { "step", "step" },
  { "epoch", "epoch" },
  { "train_loss", "Training loss (nats)" },
  { "test_loss", "Test loss (nats)" },
  { "train_acc", "Training accuracy" },
  { "test_acc", "Test accuracy" },
  { "l2_norm", "L2 norm" },
  { "wall_seconds", "Wall time (s)" },
  { "spectral_entropy_mean", "Spectral entropy (mean)" },
  { "eff_rank_mean", "Effective rank (mean)" },
  { "stable_rank_mean", "Stable rank (mean)" },
  { "complexity_bytes", "Complexity (bytes)", NO_COARSE_GRAINING },
  { "complexity_delta", "Coarse-graining step", NO_COARSE_GRAINING },
  { "complexity_tau", "Spectral share kept", NO_COARSE_GRAINING },
  { "naive_bytes", "Naive size (bytes)" },
  { "occam_bound", "Occam bound", NO_COARSE_GRAINING },
  { "lmn", "LMN" },
  { "region_count", "Linear regions" },
  { "lc_r0.05", "Local complexity, r = 0.05" },
  { "lc_r0.1", "Local complexity, r = 0.1" },
  { "lc_r0.5", "Local complexity, r = 0.5" },
  { "lc_r1", "Local complexity, r = 1" },
  { "lc_r5", "Local complexity, r = 5" },
  /* the key frequencies are those of the checkpoint measured, the only ones known then */
  { "fourier_gini", "Fourier Gini (embedding)" },
  { "fourier_top5", "Fourier top-5 share (embedding)" },
  { "restricted_loss", "Restricted loss, own key freq. (nats)" },
  { "excluded_loss", "Excluded loss, own key freq. (nats)" },
};

static const ColumnTitle *
column_title_row (const char *column)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_titles); i++)
    if (g_strcmp0 (column_titles[i].column, column) == 0)
      return &column_titles[i];
  return NULL;
}

const char *
grok_column_title (const char *column)
{
  const ColumnTitle *row = column_title_row (column);

  return row != NULL ? row->title : column;
}

const char *
grok_column_gap (const char *column)
{
  const ColumnTitle *row = column_title_row (column);

  return row != NULL ? row->gap : NULL;
}

int
grok_measure_of_column (const char *column)
{
  for (guint m = 0; m < GROK_N_MEASURES; m++)
    for (const char * const *c = measure_kinds[m].columns; *c != NULL; c++)
      if (g_strcmp0 (*c, column) == 0)
        return (int) m;
  return -1;
}

const GrokMeasureKind *
grok_measure_kind (GrokMeasure measure)
{
  g_return_val_if_fail (measure < GROK_N_MEASURES, NULL);
  return &measure_kinds[measure];
}

const char *
grok_measure_name (GrokMeasure measure)
{
  g_return_val_if_fail (measure < GROK_N_MEASURES, "unknown");
  return measure_kinds[measure].name;
}

gboolean
grok_measure_from_name (const char *name, GrokMeasure *measure, GError **error)
{
  int i = grok_table_find (measure_kinds, sizeof *measure_kinds, GROK_N_MEASURES, name,
                           "measure", ", ", error);

  if (i >= 0)
    *measure = i;
  return i >= 0;
}

char *
grok_measure_names (const char *separator)
{
  return grok_table_names (measure_kinds, sizeof *measure_kinds, GROK_N_MEASURES, separator);
}

gboolean
grok_measure_applies (GrokMeasure measure, const GrokMeasureSettings *settings)
{
  g_return_val_if_fail (measure < GROK_N_MEASURES && settings != NULL, FALSE);
  return measure_kinds[measure].applies (settings);
}

void
grok_measure_options_init (GrokMeasureOptions *options)
{
  options->epsilon = 0.25;
  options->lmn_points = 1024;
  options->eval_examples = 0;
  options->lc_samples = 256;
  options->lc_directions = 25;
  options->seed = 0;
}

void
grok_measure_result_free (GrokMeasureResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->columns);
  g_array_unref (result->values);
  g_free (result->json);
  g_free (result);
}

double
grok_measure_result_get (const GrokMeasureResult *result, const char *column)
{
  for (guint i = 0; i < result->columns->len; i++)
    if (g_str_equal (result->columns->pdata[i], column))
      return g_array_index (result->values, double, i);
  return NAN;
}

static GrokMeasureResult *
result_new (GrokMeasure measure)
{
  GrokMeasureResult *r = g_new0 (GrokMeasureResult, 1);

  r->measure = measure;
  r->columns = g_ptr_array_new_with_free_func (g_free);
  r->values = g_array_new (FALSE, FALSE, sizeof (double));
  return r;
}

static void
result_add (GrokMeasureResult *r, const char *column, double value)
{
  g_ptr_array_add (r->columns, g_strdup (column));
  g_array_append_val (r->values, value);
}

/* {"measure": name, "value": main, "columns": {...}, "parameters": {params}} */
static void
result_finish (GrokMeasureResult *r, double main_value, const char *parameters_json)
{
  GString *out = g_string_new ("{\"measure\": ");

  grok_json_append_string (out, grok_measure_name (r->measure));
  g_string_append (out, ", \"value\": ");
  grok_json_append_number (out, main_value);
  g_string_append (out, ", \"columns\": {");
  for (guint i = 0; i < r->columns->len; i++)
    {
      if (i)
        g_string_append (out, ", ");
      grok_json_append_string (out, r->columns->pdata[i]);
      g_string_append (out, ": ");
      grok_json_append_number (out, g_array_index (r->values, double, i));
    }
  g_string_append_printf (out, "}, \"parameters\": %s}", parameters_json);
  r->json = g_string_free (out, FALSE);
}

/* ---- spectrum ---- */

static GrokMeasureResult *
measure_spectrum (const GrokMeasureSettings *settings, const GrokParams *params,
                  const GrokMeasureOptions *options, GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokMeasureResult) r = result_new (GROK_MEASURE_SPECTRUM);
  GrokSpectrumSummary *s = grok_spectrum_summary_new (params, NULL);
  double stable = 0;

  if (s == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED, "a weight matrix is not finite");
      return NULL;
    }
  for (int m = 0; m < s->n_matrices; m++)
    stable += s->matrices[m].stable_rank;
  result_add (r, "spectral_entropy_mean", s->spectral_entropy_mean);
  result_add (r, "eff_rank_mean", s->eff_rank_mean);
  result_add (r, "stable_rank_mean", s->n_matrices ? stable / s->n_matrices : NAN);
  {
    g_autofree char *p = g_strdup_printf ("{\"matrices\": %d}", s->n_matrices);
    result_finish (r, s->spectral_entropy_mean, p);
  }
  grok_spectrum_summary_free (s);
  return g_steal_pointer (&r);
}

/* ---- complexity ---- */

typedef struct
{
  GrokModel   *model;
  GrokModel   *second;     /* the search's second worker's, with the same batches as model */
  double       clip;
  int          n;          /* examples the loss is taken on */
  const int   *tokens;
  const float *x;
  const int   *y;
} LossContext;

/* the first n of a seeded shuffle of the training set, gathered */
typedef struct
{
  int   *tokens, *y;
  float *x;
} Subset;

static void
subset_clear (Subset *s)
{
  g_free (s->tokens);
  g_free (s->y);
  g_free (s->x);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Subset, subset_clear)

static void
subset_fill (Subset *s, const GrokDataset *ds, int n, guint64 seed)
{
  g_autofree int *idx = g_new (int, n);
  int T = ds->n_positions, D = ds->d_in;

  grok_lmn_sample_indices (ds->n_train, n, seed, idx);
  s->y = g_new (int, n);
  s->tokens = T ? g_new (int, (gsize) n * T) : NULL;
  s->x = D ? g_new (float, (gsize) n * D) : NULL;
  for (int i = 0; i < n; i++)
    {
      s->y[i] = ds->train_y[idx[i]];
      if (T)
        memcpy (s->tokens + (gsize) i * T, ds->train_tokens + (gsize) idx[i] * T, T * sizeof (int));
      if (D)
        memcpy (s->x + (gsize) i * D, ds->train_x + (gsize) idx[i] * D, D * sizeof (float));
    }
}

/* copy a table with the model's tensor names into the model, by name */
static void
load_params (GrokParams *dst, const GrokParams *src)
{
  for (int i = 0; i < dst->n_tensors; i++)
    {
      int j = grok_params_find (src, dst->tensors[i].name);
      g_assert (j >= 0 && src->tensors[j].numel == dst->tensors[i].numel);
      memcpy (dst->data + dst->tensors[i].offset, src->data + src->tensors[j].offset,
              dst->tensors[i].numel * sizeof (float));
    }
}

/* the search's loss: worker 0 evaluates on model, worker 1 on second; the loss alone (no
 * accuracy, which the search never reads) */
static double
train_loss (const GrokParams *coarse, int worker, gpointer user_data)
{
  LossContext *c = user_data;
  GrokModel *model = worker == 0 ? c->model : c->second;
  double loss;

  load_params (model->params, coarse);
  grok_model_evaluate (model, c->tokens, c->x, c->y, c->n, c->clip, &loss, NULL);
  return loss;
}

static GrokMeasureResult *
measure_complexity (const GrokMeasureSettings *settings, const GrokParams *params,
                    const GrokMeasureOptions *options, GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokMeasureResult) r = result_new (GROK_MEASURE_COMPLEXITY);
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&settings->task);
  g_autoptr (GrokModel) model = grok_model_new (&settings->model, dataset, MIN (dataset->n_train, 2048));
  g_autoptr (GrokModel) second = grok_model_new (&settings->model, dataset, model->max_batch);
  g_autoptr (GrokComplexityResult) found = NULL;
  g_auto (Subset) subset = { 0 };
  LossContext context = { model, second, settings->prob_clip, dataset->n_train,
                          dataset->train_tokens, dataset->train_x, dataset->train_y };
  gsize naive = grok_naive_size (params);
  double occam = NAN;

  if (options->eval_examples > 0 && options->eval_examples < dataset->n_train)
    {
      subset_fill (&subset, dataset, options->eval_examples, options->seed);
      context = (LossContext) { model, second, settings->prob_clip, options->eval_examples,
                                subset.tokens, subset.x, subset.y };
    }

  found = grok_complexity_search (params, train_loss, &context, options->epsilon, NULL,
                                  cancellable, error);
  if (found == NULL)
    return NULL;
  if (found->found)
    {
      /* the bound is on the coarse-grained net: its own error on the whole training set */
      double loss, accuracy;

      load_params (model->params, found->coarse);
      grok_model_evaluate (model, dataset->train_tokens, dataset->train_x, dataset->train_y,
                           dataset->n_train, settings->prob_clip, &loss, &accuracy);
      occam = grok_complexity_occam_bound (found->size, 1.0 - accuracy, dataset->n_train, 0.05);
    }
  result_add (r, "complexity_bytes", found->found ? (double) found->size : NAN);
  result_add (r, "complexity_delta", found->found ? found->delta : NAN);
  result_add (r, "complexity_tau", found->found ? found->tau : NAN);
  result_add (r, "naive_bytes", (double) naive);
  result_add (r, "occam_bound", occam);
  {
    GString *p = g_string_new ("{\"epsilon\": ");
    grok_json_append_number (p, options->epsilon);
    g_string_append_printf (p, ", \"evaluation_set\": \"%s\", \"examples\": %d, "
                               "\"loss_evaluations\": %u, \"compressions\": %u, \"base_loss\": ",
                            context.n < dataset->n_train ? "training subset" : "training set",
                            context.n, found->n_loss_evals, found->n_compressions);
    grok_json_append_number (p, found->base_loss);
    g_string_append (p, ", \"coarse_loss\": ");
    grok_json_append_number (p, found->found ? found->loss : NAN);
    g_string_append (p, "}");
    result_finish (r, found->found ? (double) found->size : NAN, p->str);
    g_string_free (p, TRUE);
  }
  return g_steal_pointer (&r);
}

/* ---- LMN ---- */

int
grok_mlp_inputs_from_params (const GrokParams *params, const GrokDataset *dataset,
                             const int *indices, int n, float *out,
                             GError **error)
{
  int e = grok_params_find (params, "embed.weight");

  if (dataset->d_in > 0)
    {
      for (int i = 0; i < n; i++)
        memcpy (out + (gsize) i * dataset->d_in, dataset->train_x + (gsize) indices[i] * dataset->d_in,
                dataset->d_in * sizeof (float));
      return dataset->d_in;
    }
  if (e < 0 || params->tensors[e].ndim != 2 || params->tensors[e].shape[0] < dataset->vocab)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "the parameters have no embedding table 'embed.weight' for %d tokens",
                   dataset->vocab);
      return -1;
    }
  {
    int D = params->tensors[e].shape[1], T = dataset->n_positions;
    const float *table = params->data + params->tensors[e].offset;
    for (int i = 0; i < n; i++)
      for (int t = 0; t < T; t++)
        memcpy (out + ((gsize) i * T + t) * D,
                table + (gsize) dataset->train_tokens[(gsize) indices[i] * T + t] * D,
                D * sizeof (float));
    return T * D;
  }
}

GrokLmn *
grok_measure_lmn (const GrokModelSettings *model, const GrokParams *params,
                  const GrokDataset *dataset, int max_points, guint64 seed, GError **error)
{
  g_autofree GrokLayerView *layers = NULL;
  g_autofree int *indices = g_new (int, MIN (dataset->n_train, max_points));
  g_autofree float *points = NULL;
  int n_layers, n, width;

  layers = grok_mlp_views_from_params (model, params, &n_layers, error);
  if (layers == NULL)
    return NULL;
  n = grok_lmn_sample_indices (dataset->n_train, max_points, seed, indices);
  points = g_new (float, (gsize) n * layers[0].in);
  width = grok_mlp_inputs_from_params (params, dataset, indices, n, points, error);
  if (width < 0)
    return NULL;
  g_assert (width == layers[0].in);
  return grok_lmn_compute (points, n, layers, n_layers, error);
}

static GrokMeasureResult *
measure_lmn (const GrokMeasureSettings *settings, const GrokParams *params, const GrokMeasureOptions *options,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokMeasureResult) r = result_new (GROK_MEASURE_LMN);
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&settings->task);
  g_autoptr (GrokLmn) lmn = grok_measure_lmn (&settings->model, params, dataset, options->lmn_points,
                                              options->seed, error);
  g_autofree char *p = NULL;

  if (lmn == NULL)
    return NULL;
  result_add (r, "lmn", lmn->lmn);
  p = g_strdup_printf ("{\"points\": %d, \"lambda_steps\": 21, \"layer\": \"first hidden "
                       "pre-activation\", \"seed\": %" G_GUINT64_FORMAT ", \"entropy_bits\": %.17g}",
                       lmn->n, options->seed, lmn->entropy);
  result_finish (r, lmn->lmn, p);
  return g_steal_pointer (&r);
}

/* ---- regions and local complexity ---- */

static GrokMeasureResult *
measure_regions (const GrokMeasureSettings *settings, const GrokParams *params,
                 const GrokMeasureOptions *options, GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokMeasureResult) r = result_new (GROK_MEASURE_REGIONS);
  g_autofree GrokLayerView *layers = NULL;
  int n_layers, count;
  gboolean exact;
  g_autofree char *p = NULL;

  layers = grok_mlp_views_from_params (&settings->model, params, &n_layers, error);
  if (layers == NULL)
    return NULL;
  exact = grok_layers_are_piecewise_linear (layers, n_layers);
  if (exact)
    {
      count = grok_regions_count (layers, n_layers, -1, -1, 1, 1, error);
      if (count < 0)
        return NULL;
    }
  else
    {
      g_autofree guint32 *raster = grok_regions_raster (layers, n_layers, -1, -1, 1, 1, 512, 512,
                                                        &count, error);
      if (raster == NULL)
        return NULL;
    }
  result_add (r, "region_count", count);
  p = g_strdup_printf ("{\"window\": [-1, -1, 1, 1], \"method\": \"%s\"}",
                       exact ? "exact" : "raster 512 x 512 (smooth activation)");
  result_finish (r, count, p);
  return g_steal_pointer (&r);
}

static GrokMeasureResult *
measure_local_complexity (const GrokMeasureSettings *settings, const GrokParams *params,
                          const GrokMeasureOptions *options, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (GrokMeasureResult) r = result_new (GROK_MEASURE_LOCAL_COMPLEXITY);
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&settings->task);
  g_autofree GrokLayerView *layers = NULL;
  g_autofree int *indices = g_new (int, MIN (dataset->n_train, options->lc_samples));
  g_autofree float *points = NULL;
  g_autoptr (GrokLocalComplexity) lc = NULL;
  int n_layers, n;
  g_autofree char *p = NULL;

  layers = grok_mlp_views_from_params (&settings->model, params, &n_layers, error);
  if (layers == NULL)
    return NULL;
  n = grok_lmn_sample_indices (dataset->n_train, options->lc_samples, options->seed, indices);
  points = g_new (float, (gsize) n * layers[0].in);
  if (grok_mlp_inputs_from_params (params, dataset, indices, n, points, error) < 0)
    return NULL;
  lc = grok_local_complexity (layers, n_layers, points, n, lc_radii, G_N_ELEMENTS (lc_radii),
                              options->lc_directions, options->seed, error);
  if (lc == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (lc_radii); i++)
    result_add (r, measure_kinds[GROK_MEASURE_LOCAL_COMPLEXITY].columns[i], lc->lc[i]);
  p = g_strdup_printf ("{\"samples\": %d, \"vertices\": %d, \"radii\": [0.05, 0.1, 0.5, 1, 5]}",
                       n, 2 * options->lc_directions);
  result_finish (r, lc->lc[1], p);
  return g_steal_pointer (&r);
}

/* ---- Fourier ---- */

/* the logits (dataset->n_train + n_test, n_classes) of every example, training ones first */
static float *
all_logits (const GrokMeasureSettings *settings, const GrokParams *params,
            const GrokDataset *dataset, int *n_classes)
{
  g_autoptr (GrokModel) model = grok_model_new (&settings->model, dataset,
                                                MIN (dataset->n_train + dataset->n_test, 2048));
  int n = dataset->n_train + dataset->n_test, T = dataset->n_positions;
  float *logits = g_new (float, (gsize) n * model->n_classes);

  load_params (model->params, params);
  /* a batch never straddles the two sets */
  for (int start = 0, count; start < n; start += count)
    {
      gboolean tr = start < dataset->n_train;
      int first = tr ? start : start - dataset->n_train;
      GrokBatch batch = { 0 };

      count = MIN (model->max_batch, (tr ? dataset->n_train : n) - start);
      batch.n = count;
      batch.tokens = (tr ? dataset->train_tokens : dataset->test_tokens) + (gsize) first * T;
      batch.targets = (tr ? dataset->train_y : dataset->test_y) + first;
      model->klass->forward (model, &batch);
      memcpy (logits + (gsize) start * model->n_classes, model->logits,
              (gsize) count * model->n_classes * sizeof (float));
    }
  *n_classes = model->n_classes;
  return logits;
}

gboolean
grok_measure_fourier_losses (const GrokMeasureSettings *settings, const GrokParams *params,
                             const int *keys, int n_keys, double *restricted, double *excluded,
                             GError **error)
{
  int p = (int) settings->task.p, n_classes, n, T;
  g_autoptr (GrokDataset) dataset = NULL;
  g_autofree float *logits = NULL;
  g_autofree int *a = NULL, *b = NULL, *y = NULL;
  g_autofree gboolean *train = NULL;

  g_return_val_if_fail (settings != NULL && params != NULL, FALSE);
  g_return_val_if_fail (restricted != NULL && excluded != NULL, FALSE);
  if (settings->task.kind != GROK_TASK_MODULAR)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "restricted and excluded loss need a modular task");
      return FALSE;
    }
  for (int k = 0; k < n_keys; k++)
    if (keys[k] < 1 || keys[k] > p / 2)
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                     "key frequency %d is outside 1 .. %d (p = %d)", keys[k], p / 2, p);
        return FALSE;
      }
  dataset = grok_dataset_new (&settings->task);
  n = dataset->n_train + dataset->n_test;
  T = dataset->n_positions;
  logits = all_logits (settings, params, dataset, &n_classes);
  a = g_new (int, n);
  b = g_new (int, n);
  y = g_new (int, n);
  train = g_new (gboolean, n);
  for (int i = 0; i < n; i++)
    {
      gboolean tr = i < dataset->n_train;
      const int *tok = tr ? dataset->train_tokens + (gsize) i * T
                          : dataset->test_tokens + (gsize) (i - dataset->n_train) * T;
      a[i] = tok[0];
      b[i] = tok[T == 4 ? 2 : 1];
      y[i] = tr ? dataset->train_y[i] : dataset->test_y[i - dataset->n_train];
      train[i] = tr;
    }
  grok_fourier_losses (logits, n, n_classes, a, b, y, train, p, keys, n_keys, settings->prob_clip,
                       restricted, excluded);
  return TRUE;
}

static GrokMeasureResult *
measure_fourier (const GrokMeasureSettings *settings, const GrokParams *params,
                 const GrokMeasureOptions *options, GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokMeasureResult) r = result_new (GROK_MEASURE_FOURIER);
  int p = (int) settings->task.p, keys[GROK_FOURIER_KEYS], n_keys;
  g_autoptr (GrokFourierNorms) norms = grok_fourier_norms_from_params (&settings->model, params,
                                                                       p, error);
  double restricted, excluded, top5;
  GString *j;

  if (norms == NULL)
    return NULL;
  n_keys = grok_fourier_key_frequencies (norms->embedding, norms->n_freq, GROK_FOURIER_KEYS, keys);
  if (!grok_measure_fourier_losses (settings, params, keys, n_keys, &restricted, &excluded,
                                    error))
    return NULL;
  top5 = grok_fourier_top_share (norms->embedding, norms->n_freq, 5);
  result_add (r, "fourier_gini", grok_fourier_gini (norms->embedding, norms->n_freq));
  result_add (r, "fourier_top5", top5);
  result_add (r, "restricted_loss", restricted);
  result_add (r, "excluded_loss", excluded);
  j = g_string_new ("{\"key_frequencies\": [");
  for (int k = 0; k < n_keys; k++)
    g_string_append_printf (j, "%s%d", k ? ", " : "", keys[k]);
  g_string_append (j, "], \"key_frequencies_from\": \"this checkpoint's embedding\", "
                      "\"restricted_on\": \"all pairs\", \"excluded_on\": \"training pairs\", "
                      "\"unembedding_top5\": ");
  grok_json_append_number (j, grok_fourier_top_share (norms->unembedding, norms->n_freq, 5));
  g_string_append (j, "}");
  result_finish (r, top5, j->str);
  g_string_free (j, TRUE);
  return g_steal_pointer (&r);
}

GrokMeasureResult *
grok_measure_evaluate (GrokMeasure measure, const GrokMeasureSettings *settings, const GrokParams *params,
                       const GrokMeasureOptions *options, GCancellable *cancellable,
                       GError **error)
{
  GrokMeasureOptions defaults;

  if (options == NULL)
    {
      grok_measure_options_init (&defaults);
      options = &defaults;
    }
  if (!grok_measure_applies (measure, settings))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "the measure %s does not apply to this run (it needs %s)",
                   grok_measure_name (measure), grok_measure_kind (measure)->needs);
      return NULL;
    }
  if (grok_params_non_finite (params) != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "the measure %s is not defined: tensor '%s' holds a value that is not finite "
                   "(NaN or infinite)", grok_measure_name (measure),
                   grok_params_non_finite (params));
      return NULL;
    }
  return measure_kinds[measure].evaluate (settings, params, options, cancellable, error);
}
