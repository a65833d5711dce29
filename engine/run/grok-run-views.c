/* What a view of a run folder needs besides the weights, read through the open folder. */
#include "grok-run-views.h"

#include <math.h>

#include "grok-config-settings.h"
#include "grok-metrics.h"

void
grok_config_view_input_init (GrokViewInput *input, const GrokConfig *config,
                             const GrokParams *params, gint64 step)
{
  GrokViewSettings settings = grok_config_view_settings (config);

  grok_view_input_init (input, &settings, grok_config_lmn_points (config), params, step);
  input->budget = config->train.steps;
}

void
grok_run_dir_fill_view_input (GrokRunDir *dir, GrokView view, const GrokViewRecipe *recipe,
                              GrokViewInput *input)
{
  const GrokViewKind *kind = grok_view_kind (view);
  GrokViewRecipe screen;
  g_autoptr (GArray) on_disk = NULL;
  g_autoptr (GArray) steps = NULL;

  g_return_if_fail (dir != NULL && input != NULL);
  if (kind->source != GROK_VIEW_FROM_VIEWS_FILE || input->params == NULL)
    return;
  if (recipe == NULL)
    {
      grok_view_recipe_init (&screen);
      recipe = &screen;
    }
  if (kind->recipe.every_checkpoint && recipe->every_checkpoint)
    {
      /* norms and losses: no views files needed; the test loss the progress measures are
       * drawn beside */
      const GrokMetrics *metrics = grok_run_dir_get_metrics (dir);
      int col = metrics ? grok_metrics_column_index (metrics, "test_loss") : -1;
      int step_col = metrics ? grok_metrics_column_index (metrics, "step") : -1;

      for (guint r = 0; col >= 0 && step_col >= 0 && r < metrics->n_rows; r++)
        {
          double s = grok_metrics_get (metrics, r, (guint) step_col);
          double v = grok_metrics_get (metrics, r, (guint) col);
          gint64 last = input->test_loss && input->test_loss->len
                        ? g_array_index (input->test_loss, GrokViewStepValue,
                                         input->test_loss->len - 1).step : -1;
          if (isfinite (s) && isfinite (v) && (gint64) s > last)
            grok_view_input_add_test_loss (input, (gint64) s, v);
        }
      input->fourier_cache = grok_run_dir_get_fourier_cache (dir);
      on_disk = grok_run_dir_scan_checkpoints (dir);
      for (guint i = 0; i < on_disk->len; i++)
        {
          gint64 step = g_array_index (on_disk, gint64, i);
          /* the file's id before its weights: a file replaced in between is not kept under
           * the id of the one it replaced */
          g_autofree char *id = step == input->step ? NULL
                                : grok_run_dir_checkpoint_id (dir, step);
          g_autoptr (GrokParams) params = step == input->step ? NULL
                                          : grok_run_dir_read_model (dir, step, NULL);
          if (params != NULL)
            grok_view_input_add_stored (input, step, params, NULL, id);
        }
      return;
    }
  if (input->views == NULL)
    input->views = grok_run_dir_read_views (dir, input->step, input->params);
  if (kind->recipe.earlier == 0 || recipe->earlier <= 0)
    return;
  on_disk = grok_run_dir_scan_checkpoints (dir);
  steps = grok_view_earlier_steps (on_disk, input->step, (guint) recipe->earlier);
  for (guint i = 0; i < steps->len; i++)
    {
      gint64 step = g_array_index (steps, gint64, i);
      g_autoptr (GrokParams) params = grok_run_dir_read_model (dir, step, NULL);
      if (params != NULL)
        grok_view_input_add_earlier (input, step, params,
                                     grok_run_dir_read_views (dir, step, params));
    }
}
