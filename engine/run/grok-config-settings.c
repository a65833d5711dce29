/* The settings structs of the lower layers, filled from a config, and the measures' schedule. */
#include "grok-config-settings.h"

#include <math.h>

GrokModelSettings
grok_config_model_settings (const GrokConfig *config)
{
  g_return_val_if_fail (config != NULL, (GrokModelSettings) { 0 });
  return (GrokModelSettings) {
    .kind = config->model.kind,
    .d_embed = config->model.d_embed,
    .width = config->model.width,
    .depth = config->model.depth,
    .activation = config->model.activation,
    .init_scale = config->model.init_scale,
    .d_model = config->model.d_model,
    .n_heads = config->model.n_heads,
    .d_mlp = config->model.d_mlp,
    .n_blocks = config->model.n_blocks,
    .ln_eps = config->model.ln_eps,
    .threads = config->train.threads,
    .batch_size = config->train.batch_size,
  };
}

GrokModel *
grok_config_new_model (const GrokConfig *config, const GrokDataset *dataset, int max_batch)
{
  GrokModelSettings settings = grok_config_model_settings (config);

  return grok_model_new (&settings, dataset, max_batch);
}

GrokMeasureSettings
grok_config_measure_settings (const GrokConfig *config)
{
  g_return_val_if_fail (config != NULL, (GrokMeasureSettings) { 0 });
  return (GrokMeasureSettings) {
    .task = config->task,
    .model = grok_config_model_settings (config),
    .prob_clip = config->train.prob_clip,
  };
}

/* the key = value lines of every task.* and model.* key, hashed: what the views depend on
 * besides the weights */
GrokViewSettings
grok_config_view_settings (const GrokConfig *config)
{
  GrokViewSettings settings = { 0 };
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *sha256 = NULL;
  guint n_keys;
  const GrokConfigKey *keys = grok_config_keys (&n_keys);

  g_return_val_if_fail (config != NULL, settings);
  settings.measure = grok_config_measure_settings (config);
  for (guint i = 0; i < n_keys; i++)
    if (g_str_has_prefix (keys[i].key, "task.") || g_str_has_prefix (keys[i].key, "model."))
      {
        g_autofree char *value = grok_config_get_text (config, &keys[i]);
        g_string_append_printf (text, "%s=%s\n", keys[i].key, value);
      }
  sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, (gssize) text->len);
  g_strlcpy (settings.sha256, sha256, sizeof settings.sha256);
  return settings;
}

void
grok_config_measure_options (const GrokConfig *config, GrokMeasureOptions *options)
{
  grok_measure_options_init (options);
  options->epsilon = config->measures.complexity_epsilon;
  options->eval_examples = config->measures.complexity_eval;
  options->lmn_points = config->measures.lmn_points;
  options->seed = config->seed;
}

gboolean
grok_config_measure_applies (const GrokConfig *config, GrokMeasure measure)
{
  GrokMeasureSettings settings = grok_config_measure_settings (config);

  return grok_measure_applies (measure, &settings);
}

gboolean
grok_config_view_applies (const GrokConfig *config, GrokView view)
{
  GrokViewSettings settings = grok_config_view_settings (config);

  return grok_view_kind (view)->applies (&settings);
}

/* the value of an integer config key named by a measure's row */
static gint64
schedule_value (const GrokConfig *config, const char *key)
{
  const GrokConfigKey *k = grok_config_key_lookup (key);

  g_assert (k != NULL && k->type == GROK_KEY_INT);
  return *(const gint64 *) ((const char *) config + k->offset);
}

gboolean
grok_config_measure_enabled (const GrokConfig *config, GrokMeasure measure)
{
  const GrokMeasureKind *kind = grok_measure_kind (measure);

  return (schedule_value (config, kind->every_key) > 0 ||
          schedule_value (config, kind->per_decade_key) > 0) &&
         grok_config_measure_applies (config, measure);
}

gboolean
grok_config_measure_due (const GrokConfig *config, GrokMeasure measure, gint64 prev_step,
                         gint64 step)
{
  const GrokMeasureKind *kind = grok_measure_kind (measure);
  gint64 every, per_decade;

  if (!grok_config_measure_enabled (config, measure))
    return FALSE;
  /* the first row gets every measure; the last one gets them from the run loop, which knows
   * where the run ends */
  if (step == 0)
    return TRUE;
  every = schedule_value (config, kind->every_key);
  per_decade = schedule_value (config, kind->per_decade_key);
  if (every > 0 && step / every > MAX (prev_step, 0) / every)
    return TRUE;
  if (per_decade > 0)
    {
      /* the log points round (10^(k / per_decade)): is one in (prev_step, step]? */
      int k = (int) floor (per_decade * log10 (MAX (prev_step, 1)));
      for (;; k++)
        {
          double t = round (pow (10.0, (double) k / per_decade));
          if (t > step)
            break;
          if (t > prev_step)
            return TRUE;
        }
    }
  return FALSE;
}

int
grok_config_lmn_points (const GrokConfig *config)
{
  return (int) MIN (grok_task_n_train (&config->task), config->measures.lmn_points);
}
