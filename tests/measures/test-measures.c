/* The measures applied to model states, against answers known without the code: closed forms
 * for linear nets, an identity spectrum, the raster bound on the region count, and the
 * coarse-grained model's feasibility re-checked by an independent evaluation. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "grok-complexity.h"
#include "grok-config-settings.h"
#include "grok-error.h"
#include "grok-fourier.h"
#include "grok-measures.h"
#include "grok-presets.h"
#include "grok-regions.h"
#include "grok-mlp.h"
#include "grok-trainer.h"

/* a measure of the run config describes */
static GrokMeasureResult *
evaluate (GrokMeasure measure, const GrokConfig *config, const GrokParams *params,
          const GrokMeasureOptions *options, GCancellable *cancellable, GError **error)
{
  GrokMeasureSettings settings = grok_config_measure_settings (config);

  return grok_measure_evaluate (measure, &settings, params, options, cancellable, error);
}

static GrokTrainer *
trained (const char *preset, const char * const *sets, int steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  GrokTrainer *trainer;

  for (int i = 0; sets && sets[i]; i++)
    g_assert_true (grok_config_set (config, sets[i], NULL));
  config->train.steps = MAX (steps, 1);
  trainer = grok_trainer_new (config, NULL);
  for (int i = 0; i < steps; i++)
    g_assert_true (grok_trainer_step (trainer, NULL));
  return trainer;
}

static void
assert_json (const GrokMeasureResult *r, const char *name)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_true (json_parser_load_from_data (parser, r->json, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "measure"), ==, name);
  g_assert_true (json_object_has_member (o, "value"));
  g_assert_true (json_object_has_member (o, "parameters"));
}

/* a net whose weights are identity matrices: every H is ln n and every effective rank n */
static void
test_spectrum_identity (void)
{
  g_autoptr (GrokParams) params = grok_params_new ();
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GrokMeasureResult) r = NULL;
  int a[2] = { 8, 8 }, b[2] = { 8, 8 };

  grok_params_add (params, "layers.0.weight", 2, a);
  grok_params_add (params, "layers.1.weight", 2, b);
  grok_params_allocate (params);
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < 8; i++)
      grok_params_tensor_data (params, t)[i * 8 + i] = 1.0f;
  r = evaluate (GROK_MEASURE_SPECTRUM, config, params, NULL, NULL, NULL);
  g_assert_nonnull (r);
  /* H uses ln (p + 1e-10): with p = 1/8 that moves H by about 1e-9 */
  g_assert_cmpfloat (fabs (grok_measure_result_get (r, "spectral_entropy_mean") - log (8)), <, 1e-8);
  g_assert_cmpfloat (fabs (grok_measure_result_get (r, "eff_rank_mean") - 8), <, 1e-7);
  g_assert_cmpfloat (fabs (grok_measure_result_get (r, "stable_rank_mean") - 8), <, 1e-12);
  assert_json (r, "spectrum");
}

/* linear activations make the net affine: LMN is 1 and no unit ever changes sign */
static void
test_linear_net (void)
{
  g_autoptr (GrokTrainer) t = trained ("liu-add31", (const char *[]) { "model.activation=linear", "model.width=16", NULL }, 20);
  g_autoptr (GrokMeasureResult) lmn = NULL, lc = NULL;
  GrokMeasureOptions options;

  grok_measure_options_init (&options);
  options.lmn_points = 64;
  lmn = evaluate (GROK_MEASURE_LMN, t->config, t->model->params, &options, NULL, NULL);
  g_assert_nonnull (lmn);
  /* in float32 each r2 of an affine segment is 1 to within ~1e-7, which leaves eigenvalues of
   * that size beside the one of about n: their share of the entropy keeps LMN within 1e-4 of
   * 1, while any bend in the net gives far more (the next test) */
  g_assert_cmpfloat (fabs (grok_measure_result_get (lmn, "lmn") - 1.0), <, 1e-4);
  assert_json (lmn, "lmn");
  lc = evaluate (GROK_MEASURE_LOCAL_COMPLEXITY, t->config, t->model->params, &options, NULL, NULL);
  g_assert_nonnull (lc);
  g_assert_cmpfloat (grok_measure_result_get (lc, "lc_r0.1"), ==, 0.0);
  g_assert_cmpfloat (grok_measure_result_get (lc, "lc_r5"), ==, 0.0);
}

/* a SiLU net is not affine: LMN above 1; local complexity grows with the radius */
static void
test_nonlinear_net (void)
{
  g_autoptr (GrokTrainer) t = trained ("liu-add31", NULL, 50);
  g_autoptr (GrokMeasureResult) lmn = NULL;
  GrokMeasureOptions options;

  grok_measure_options_init (&options);
  options.lmn_points = 64;
  lmn = evaluate (GROK_MEASURE_LMN, t->config, t->model->params, &options, NULL, NULL);
  g_assert_cmpfloat (grok_measure_result_get (lmn, "lmn"), >, 1.5);
  g_assert_null (evaluate (GROK_MEASURE_REGIONS, t->config, t->model->params, NULL, NULL, NULL));
}

/* the exact region count is at least the number of patterns any raster sees */
static void
test_regions_bound (void)
{
  g_autoptr (GrokTrainer) t = trained ("xor2d-relu", NULL, 300);
  g_autoptr (GrokMeasureResult) r = evaluate (GROK_MEASURE_REGIONS, t->config, t->model->params, NULL, NULL, NULL);
  g_autofree GrokLayerView *layers = NULL;
  g_autofree guint32 *raster = NULL;
  int n_layers, n_patterns;

  g_assert_nonnull (r);
  layers = grok_mlp_views_from_params (&t->model->settings, t->model->params, &n_layers, NULL);
  raster = grok_regions_raster (layers, n_layers, -1, -1, 1, 1, 300, 300, &n_patterns, NULL);
  g_test_message ("region_count %g, raster patterns %d", grok_measure_result_get (r, "region_count"), n_patterns);
  g_assert_cmpfloat (grok_measure_result_get (r, "region_count"), >=, n_patterns);
  g_assert_cmpfloat (grok_measure_result_get (r, "region_count"), >, 10);
  assert_json (r, "regions");
}

/* coarse-grain params at the (Delta, tau) the complexity result reports and load the result
 * into model by tensor name */
static void
load_coarse (GrokModel *model, const GrokParams *params, const GrokMeasureResult *r)
{
  g_autoptr (GrokParams) coarse =
    grok_complexity_coarse_grain (params, grok_measure_result_get (r, "complexity_delta"),
                                  grok_measure_result_get (r, "complexity_tau"), NULL, NULL);

  g_assert_nonnull (coarse);
  for (int i = 0; i < coarse->n_tensors; i++)
    {
      int j = grok_params_find (model->params, coarse->tensors[i].name);
      memcpy (grok_params_tensor_data (model->params, j), grok_params_tensor_data (coarse, i),
              coarse->tensors[i].numel * sizeof (float));
    }
}

/* the complexity is a feasible upper bound: coarse-graining at the reported (Delta, tau) keeps
 * the training loss within epsilon, measured here with a fresh model */
static void
test_complexity_feasible (void)
{
  g_autoptr (GrokTrainer) t = trained ("liu-s4", (const char *[]) { "model.width=32", NULL }, 200);
  g_autoptr (GrokMeasureResult) r = NULL;
  g_autoptr (GrokTrainer) check = NULL;
  GrokMeasureOptions options;
  double base_loss, base_acc, loss, loss_only, acc, size, naive;

  grok_measure_options_init (&options);
  options.epsilon = 0.25;
  r = evaluate (GROK_MEASURE_COMPLEXITY, t->config, t->model->params, &options, NULL, NULL);
  g_assert_nonnull (r);
  size = grok_measure_result_get (r, "complexity_bytes");
  naive = grok_measure_result_get (r, "naive_bytes");
  g_test_message ("complexity %g bytes, naive %g bytes", size, naive);
  g_assert_cmpfloat (size, >, 0);
  g_assert_cmpfloat (size, <, naive);
  check = grok_trainer_new (t->config, NULL);
  memcpy (check->model->params->data, t->model->params->data, t->model->params->numel * sizeof (float));
  grok_model_evaluate (check->model, check->dataset->train_tokens, NULL, check->dataset->train_y,
                       check->dataset->n_train, 0, &base_loss, &base_acc);
  load_coarse (check->model, t->model->params, r);
  grok_model_evaluate (check->model, check->dataset->train_tokens, NULL, check->dataset->train_y,
                       check->dataset->n_train, 0, &loss, &acc);
  /* the search's evaluations take the loss alone: the same loss, to the bit */
  grok_model_evaluate (check->model, check->dataset->train_tokens, NULL, check->dataset->train_y,
                       check->dataset->n_train, 0, &loss_only, NULL);
  g_assert_true (memcmp (&loss_only, &loss, sizeof loss) == 0);
  g_assert_cmpfloat (loss, <=, base_loss + 0.25 + 1e-9);
  /* the Occam bound is at least the coarse model's training error */
  g_assert_cmpfloat (grok_measure_result_get (r, "occam_bound"), >=, 1 - acc);
  assert_json (r, "complexity");
}

/* a trained xor2d MLP needs both directions of its 2-wide input layer, so the finest
 * coarse-graining must keep that layer whole; its complexity is reported, at most the naive
 * size, and the loss of the weights coarse-grained at the reported (Delta, tau), taken here
 * with a fresh model, stays within epsilon of the checkpoint's own */
static void
test_complexity_xor2d (void)
{
  g_autoptr (GrokTrainer) t = trained ("xor2d-relu", NULL, 300);
  g_autoptr (GrokTrainer) check = grok_trainer_new (t->config, NULL);
  g_autoptr (GrokMeasureResult) r = NULL;
  GrokMeasureOptions options;
  double clip = t->config->train.prob_clip, base_loss, loss, acc, size;

  grok_measure_options_init (&options);
  options.epsilon = 0.25;
  r = evaluate (GROK_MEASURE_COMPLEXITY, t->config, t->model->params, &options, NULL, NULL);
  g_assert_nonnull (r);
  size = grok_measure_result_get (r, "complexity_bytes");
  g_test_message ("xor2d complexity %g bytes, naive %g", size, grok_measure_result_get (r, "naive_bytes"));
  g_assert_true (isfinite (size));
  g_assert_cmpfloat (size, >, 0);
  g_assert_cmpfloat (size, <=, grok_measure_result_get (r, "naive_bytes"));
  memcpy (check->model->params->data, t->model->params->data, t->model->params->numel * sizeof (float));
  grok_model_evaluate (check->model, NULL, check->dataset->train_x, check->dataset->train_y,
                       check->dataset->n_train, clip, &base_loss, &acc);
  load_coarse (check->model, t->model->params, r);
  grok_model_evaluate (check->model, NULL, check->dataset->train_x, check->dataset->train_y,
                       check->dataset->n_train, clip, &loss, &acc);
  g_assert_true (isfinite (loss));
  g_assert_cmpfloat (loss, <=, base_loss + 0.25 + 1e-9);
}

/* judged on a subset of the training set, the search reports it and stays feasible there */
static void
test_complexity_subset (void)
{
  g_autoptr (GrokTrainer) t = trained ("liu-s4", (const char *[]) { "model.width=32", NULL }, 200);
  g_autoptr (GrokMeasureResult) r = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *parameters;
  GrokMeasureOptions options;
  int idx[100], tokens[200], y[100];
  double base_loss, loss, acc;

  grok_measure_options_init (&options);
  options.epsilon = 0.25;
  options.eval_examples = 100;
  options.seed = 5;
  r = evaluate (GROK_MEASURE_COMPLEXITY, t->config, t->model->params, &options, NULL, NULL);
  g_assert_nonnull (r);
  g_assert_true (json_parser_load_from_data (parser, r->json, -1, NULL));
  parameters = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "parameters");
  g_assert_cmpint (json_object_get_int_member (parameters, "examples"), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (parameters, "evaluation_set"), ==, "training subset");

  /* the same 100 examples, drawn here the way the measure documents it, judge feasibility */
  g_assert_cmpint (grok_lmn_sample_indices (t->dataset->n_train, 100, 5, idx), ==, 100);
  for (int i = 0; i < 100; i++)
    {
      tokens[2 * i] = t->dataset->train_tokens[2 * idx[i]];
      tokens[2 * i + 1] = t->dataset->train_tokens[2 * idx[i] + 1];
      y[i] = t->dataset->train_y[idx[i]];
    }
  grok_model_evaluate (t->model, tokens, NULL, y, 100, 0, &base_loss, &acc);
  load_coarse (t->model, t->model->params, r);
  grok_model_evaluate (t->model, tokens, NULL, y, 100, 0, &loss, &acc);
  g_assert_cmpfloat (loss, <=, base_loss + 0.25 + 1e-9);
}

/* every row of the measures table has every field: a name the CLI finds it by, columns no other
 * measure fills, panels among its own columns, schedule keys that are integer config keys
 * naming the measure, and functions to call */
static void
test_table_complete (void)
{
  g_autoptr (GHashTable) columns = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint m = 0; m < GROK_N_MEASURES; m++)
    {
      const GrokMeasureKind *k = grok_measure_kind (m);
      const char *keys[] = { k->per_decade_key, k->every_key };
      GrokMeasure back;

      g_assert_true (k->name != NULL && *k->name != '\0');
      g_assert_true (grok_measure_from_name (k->name, &back, NULL));
      g_assert_cmpint (back, ==, m);
      g_assert_true (k->needs != NULL && *k->needs != '\0');
      g_assert_true (k->applies != NULL && k->evaluate != NULL);
      g_assert_true (k->columns != NULL && k->columns[0] != NULL);
      for (const char * const *c = k->columns; *c != NULL; c++)
        g_assert_true (g_hash_table_add (columns, (gpointer) *c));
      g_assert_true (k->panels != NULL && k->panels[0] != NULL);
      for (const char * const *p = k->panels; *p != NULL; p++)
        g_assert_true (g_strv_contains ((const char * const *) k->columns, *p));
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          g_autofree char *prefix = g_strconcat ("measures.", k->name, "_", NULL);
          const GrokConfigKey *key = grok_config_key_lookup (keys[i]);
          g_assert_nonnull (key);
          g_assert_cmpint (key->type, ==, GROK_KEY_INT);
          g_assert_true (g_str_has_prefix (keys[i], prefix));
        }
    }
}

/* a measure is due on its own schedule keys: turning on one measure's every_key makes that
 * measure, and no other, due at its period (on a run it applies to: the Fourier measures on
 * a modular task, the others on xor2d) */
static void
test_schedule_keys (void)
{
  for (guint m = 0; m < GROK_N_MEASURES; m++)
    {
      g_autoptr (GrokConfig) config = grok_preset_load (m == GROK_MEASURE_FOURIER ? "quick"
                                                                                 : "xor2d-relu",
                                                        NULL);
      g_autofree char *set = g_strdup_printf ("%s=7", grok_measure_kind (m)->every_key);

      for (guint o = 0; o < GROK_N_MEASURES; o++)
        {
          g_autofree char *off_every = g_strdup_printf ("%s=0", grok_measure_kind (o)->every_key);
          g_autofree char *off_log = g_strdup_printf ("%s=0", grok_measure_kind (o)->per_decade_key);
          g_assert_true (grok_config_set (config, off_every, NULL));
          g_assert_true (grok_config_set (config, off_log, NULL));
        }
      g_assert_true (grok_config_set (config, set, NULL));
      for (guint o = 0; o < GROK_N_MEASURES; o++)
        {
          g_assert_cmpint (grok_config_measure_due (config, o, 6, 7), ==, o == m);
          g_assert_false (grok_config_measure_due (config, o, 7, 13));
        }
    }
}

/* every column a measure fills has a figure title of its own, the measure it belongs to is
 * found from it, and only the complexity's columns can be evaluated without a value */
static void
test_column_titles (void)
{
  g_assert_cmpstr (grok_column_title ("complexity_bytes"), ==, "Complexity (bytes)");
  g_assert_cmpstr (grok_column_title ("lc_r0.1"), ==, "Local complexity, r = 0.1");
  g_assert_cmpstr (grok_column_title ("no_such_column"), ==, "no_such_column");
  g_assert_cmpint (grok_measure_of_column ("no_such_column"), ==, -1);
  g_assert_null (grok_column_gap ("lmn"));
  for (guint m = 0; m < GROK_N_MEASURES; m++)
    for (const char * const *c = grok_measure_kind (m)->columns; *c != NULL; c++)
      {
        g_assert_cmpstr (grok_column_title (*c), !=, *c);
        g_assert_cmpint (grok_measure_of_column (*c), ==, (int) m);
        g_assert_true ((grok_column_gap (*c) != NULL) <=
                       (m == GROK_MEASURE_COMPLEXITY));
      }
}

/* an embedding planted with one frequency (k = 3) in its p number rows, in the tensor each
 * model family embeds with: all of the squared norm is in one frequency, so the top-5 share is
 * 1, the Gini coefficient (n - 1) / n and k = 3 a key frequency; the measure does not apply to
 * other tasks */
static void
test_fourier_planted (void)
{
  static const struct { const char *preset, *tensor; } runs[] = {
    { "quick", "embed.weight" }, { "demoss-add-ours", "tok_embed.weight" },
  };

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autoptr (GrokConfig) config = grok_preset_load (runs[r].preset, NULL);
      g_autoptr (GrokDataset) dataset = NULL;
      g_autoptr (GrokModel) model = NULL;
      g_autoptr (GrokMeasureResult) result = NULL;
      g_autoptr (GError) error = NULL;
      int p = 23, n = p / 2, t, d;
      float *e;

      g_assert_true (grok_config_set (config, "task.p=23", NULL));
      g_assert_true (grok_config_set (config, "model.d_model=16", NULL));
      g_assert_true (grok_config_set (config, "model.d_mlp=32", NULL));
      dataset = grok_dataset_new (&config->task);
      model = grok_config_new_model (config, dataset, 1);
      grok_model_init_params (model, 3);
      t = grok_params_find (model->params, runs[r].tensor);
      g_assert_cmpint (t, >=, 0);
      d = (int) model->params->tensors[t].shape[1];
      e = grok_params_tensor_data (model->params, t);
      for (int a = 0; a < p; a++)
        for (int i = 0; i < d; i++)
          e[a * d + i] = (float) ((i % 3 - 1) * cos (2 * G_PI * 3 * a / p) +
                                  (i % 2) * sin (2 * G_PI * 3 * a / p));
      result = evaluate (GROK_MEASURE_FOURIER, config, model->params, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_json (result, "fourier");
      g_assert_cmpfloat_with_epsilon (grok_measure_result_get (result, "fourier_top5"), 1, 1e-9);
      g_assert_cmpfloat_with_epsilon (grok_measure_result_get (result, "fourier_gini"),
                                      (n - 1.0) / n, 1e-6);
      {
        g_autoptr (JsonParser) parser = json_parser_new ();
        JsonObject *o;
        JsonArray *keys;
        gboolean has_3 = FALSE;
        g_assert_true (json_parser_load_from_data (parser, result->json, -1, NULL));
        o = json_node_get_object (json_parser_get_root (parser));
        keys = json_object_get_array_member (json_object_get_object_member (o, "parameters"),
                                             "key_frequencies");
        g_assert_cmpuint (json_array_get_length (keys), ==, GROK_FOURIER_KEYS);
        for (guint i = 0; i < json_array_get_length (keys); i++)
          has_3 |= json_array_get_int_element (keys, i) == 3;
        g_assert_true (has_3);
      }
      g_assert_true (isfinite (grok_measure_result_get (result, "restricted_loss")));
      g_assert_true (isfinite (grok_measure_result_get (result, "excluded_loss")));
    }
  for (const char * const *other = (const char *[]) { "xor2d-relu", "liu-s4", "liu-xor5", NULL };
       *other != NULL; other++)
    {
      g_autoptr (GrokConfig) config = grok_preset_load (*other, NULL);
      GrokMeasureSettings settings = grok_config_measure_settings (config);
      g_assert_false (grok_measure_applies (GROK_MEASURE_FOURIER, &settings));
    }
}

/* the losses with a given key set: with the measure's own key frequencies they are the
 * measure's columns; a key outside 1 .. floor(p/2) and a task that is not modular are errors
 * that say so */
static void
test_fourier_given_keys (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  g_autoptr (GrokConfig) xor = grok_preset_load ("liu-xor5", NULL);
  g_autoptr (GrokDataset) dataset = NULL;
  g_autoptr (GrokModel) model = NULL;
  g_autoptr (GrokMeasureResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GrokMeasureSettings settings, xor_settings;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *array;
  int keys[GROK_FOURIER_KEYS], bad[] = { 2, 12 }, n_keys;
  double restricted = NAN, excluded = NAN;

  g_assert_true (grok_config_set (config, "task.p=23", NULL));
  settings = grok_config_measure_settings (config);
  dataset = grok_dataset_new (&config->task);
  model = grok_config_new_model (config, dataset, 1);
  grok_model_init_params (model, 5);
  result = evaluate (GROK_MEASURE_FOURIER, config, model->params, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, result->json, -1, NULL));
  array = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                   "parameters"), "key_frequencies");
  n_keys = (int) json_array_get_length (array);
  g_assert_cmpint (n_keys, ==, GROK_FOURIER_KEYS);
  for (int i = 0; i < n_keys; i++)
    keys[i] = (int) json_array_get_int_element (array, i);
  g_assert_true (grok_measure_fourier_losses (&settings, model->params, keys, n_keys,
                                              &restricted, &excluded, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (restricted, ==, grok_measure_result_get (result, "restricted_loss"));
  g_assert_cmpfloat (excluded, ==, grok_measure_result_get (result, "excluded_loss"));

  g_assert_false (grok_measure_fourier_losses (&settings, model->params, bad, 2, &restricted,
                                               &excluded, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "key frequency 12 is outside 1 .. 11"));
  g_clear_error (&error);
  xor_settings = grok_config_measure_settings (xor);
  g_assert_false (grok_measure_fourier_losses (&xor_settings, model->params, keys, n_keys,
                                               &restricted, &excluded, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "modular task"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/measures/table-complete", test_table_complete);
  g_test_add_func ("/engine/measures/column-titles", test_column_titles);
  g_test_add_func ("/engine/measures/schedule-keys", test_schedule_keys);
  g_test_add_func ("/engine/measures/spectrum-identity", test_spectrum_identity);
  g_test_add_func ("/engine/measures/linear-net", test_linear_net);
  g_test_add_func ("/engine/measures/nonlinear-net", test_nonlinear_net);
  g_test_add_func ("/engine/measures/regions-bound", test_regions_bound);
  g_test_add_func ("/engine/measures/complexity-feasible", test_complexity_feasible);
  g_test_add_func ("/engine/measures/complexity-xor2d", test_complexity_xor2d);
  g_test_add_func ("/engine/measures/complexity-subset", test_complexity_subset);
  g_test_add_func ("/engine/measures/fourier-planted", test_fourier_planted);
  g_test_add_func ("/engine/measures/fourier-given-keys", test_fourier_given_keys);
  return g_test_run ();
}
