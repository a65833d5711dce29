/* A checkpoint file, read whole with its metadata */
#include "fuzz-common.h"
#include "grok-params.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path = fuzz_write_input (data, size, "step-00000000.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) metadata = NULL;
  g_autoptr (GrokParams) params = grok_params_read (path, &metadata, &error);

  /* a refusal always says why */
  g_assert (params != NULL || (error != NULL && error->message[0] != '\0'));
  return 0;
}
