/* --set KEY=VALUE on the command line, then the checks across keys */
#include "fuzz-common.h"
#include "grok-config.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *assignment = g_strndup ((const char *) data, size);
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GError) error = NULL;

  if (grok_config_set (config, assignment, &error) && grok_config_validate (config, &error))
    g_free (grok_config_to_string (config));
  return 0;
}
