/* A preset file: a partial config merged over the defaults from memory, as the built-in presets
 * are, then validated */
#include "fuzz-common.h"
#include "grok-config.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GError) error = NULL;

  if (grok_config_merge_data (config, (const char *) data, (gssize) size, "preset fuzz", &error))
    grok_config_validate (config, &error);
  return 0;
}
