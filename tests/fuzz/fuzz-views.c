/* A views file (views/step-NNNNNNNN.safetensors), every field checked by its reader */
#include "fuzz-common.h"
#include "grok-views.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path = fuzz_write_input (data, size, "step-00000000.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokViews) views = grok_views_read (path, &error);

  /* a refusal always says why */
  g_assert (views != NULL || (error != NULL && error->message[0] != '\0'));
  return 0;
}
