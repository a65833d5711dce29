/* A config file, as grokscope-cli train reads it and as a run folder's config.json is opened:
 * loaded over the defaults, validated, and written back out when valid. */
#include "fuzz-common.h"
#include "grok-config.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path = fuzz_write_input (data, size, "config.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokConfig) config = grok_config_load_file (path, &error);

  if (config != NULL)
    g_free (grok_config_to_string (config));
  return 0;
}
