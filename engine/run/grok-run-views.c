/* What a view of a run folder needs besides the weights, read through the open folder. */
#include "grok-run-views.h"

#include "grok-config-settings.h"

void
grok_config_view_input_init (GrokViewInput *input, const GrokConfig *config,
                             const GrokParams *params, gint64 step)
{
  GrokViewSettings settings = grok_config_view_settings (config);

  grok_view_input_init (input, &settings, grok_config_lmn_points (config), params, step);
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
      /* norms only: no views files needed */
      on_disk = grok_run_dir_scan_checkpoints (dir);
      for (guint i = 0; i < on_disk->len; i++)
        {
          gint64 step = g_array_index (on_disk, gint64, i);
          g_autoptr (GrokParams) params = step == input->step ? NULL
                                          : grok_run_dir_read_model (dir, step, NULL);
          if (params != NULL)
            grok_view_input_add_earlier (input, step, params, NULL);
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
