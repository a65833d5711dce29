/* A views file matched against the weights and settings of the step a reader shows: used only
 * when it reads back whole, is of that step and was computed from those weights and settings */
#include "fuzz-tiny-run.h"
#include "grok-views.h"

static gboolean
write_tiny_views (const char *path, GError **error)
{
  GrokViewSettings settings = grok_config_view_settings (fuzz_tiny_config ());
  g_autoptr (GrokViews) views = grok_views_compute (&settings,
                                                    fuzz_tiny_trainer ()->model->params, 0,
                                                    error);

  return views != NULL && grok_views_write (views, path, error);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path;
  const GrokParams *params;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokViews) views = NULL;
  GrokViewSettings settings = grok_config_view_settings (fuzz_tiny_config ());

  fuzz_maybe_write_seed (write_tiny_views);
  params = fuzz_tiny_trainer ()->model->params;
  path = fuzz_write_input (data, size, "step-00000000.safetensors");
  views = grok_views_load (path, 0, &settings, params, &error);
  if (views != NULL)
    g_assert (error == NULL && views->step == 0 &&
              grok_views_match (views, &settings, params));
  else
    /* other weights or settings are no error; a damaged file says why */
    g_assert (error == NULL || error->message[0] != '\0');
  return 0;
}
