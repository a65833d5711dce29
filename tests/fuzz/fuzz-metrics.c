/* metrics.csv, read as every front end reads it */
#include "fuzz-common.h"
#include "grok-metrics.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path = fuzz_write_input (data, size, "metrics.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) metrics = grok_metrics_load_csv (path, &error);

  if (metrics != NULL)
    g_free (grok_metrics_format_csv (metrics));
  return 0;
}
