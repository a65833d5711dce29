/* metrics.csv, read as every front end reads it */
#include "fuzz-common.h"
#include "grok-metrics.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path = fuzz_write_input (data, size, "metrics.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetricsRead) read = grok_metrics_read (path, &error);

  g_assert (read != NULL || (error != NULL && error->message[0] != '\0'));
  /* the rows kept, written out as a run writes them, read back whole and the same */
  if (read != NULL)
    {
      g_autofree char *text = grok_metrics_format_csv (read->metrics);
      g_autofree char *again_path = g_strconcat (path, ".again", NULL);
      g_autoptr (GrokMetricsRead) again = NULL;

      g_assert (read->lines->len == read->metrics->n_rows);
      fuzz_write_file (again_path, (const guint8 *) text, strlen (text));
      again = grok_metrics_read (again_path, &error);
      g_assert (again != NULL && again->cut_short == NULL);
      /* every row parses again; steps that print alike at 9 digits come back as repeats */
      g_assert (again->metrics->n_rows + again->damaged->len == read->metrics->n_rows);
    }
  return 0;
}
