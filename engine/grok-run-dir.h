/* A run folder on disk (SPEC §5): config.json, written once, and metrics.csv, appended row by
 * row and flushed so that a crash loses at most the row being written. */
#pragma once

#include <glib.h>

#include "grok-config.h"
#include "grok-metrics.h"

G_BEGIN_DECLS

typedef struct _GrokRunDir GrokRunDir;

/* create path (and parents), refusing a folder that already has files unless overwrite is
 * TRUE, in which case the run files in it (config.json, metrics.csv, checkpoints/) are removed
 * first. Writes config.json and the metrics.csv header for metrics' columns. */
GrokRunDir *grok_run_dir_create      (const char *path, const GrokConfig *config,
                                      const GrokMetrics *metrics, gboolean overwrite,
                                      GError **error);
/* append row (the last row of metrics) to metrics.csv and flush it to the operating system */
gboolean    grok_run_dir_append_row  (GrokRunDir *run, const GrokMetrics *metrics, guint row,
                                      GError **error);
/* make everything written so far durable (fsync) */
gboolean    grok_run_dir_sync        (GrokRunDir *run, GError **error);
const char *grok_run_dir_path        (GrokRunDir *run);
void        grok_run_dir_close       (GrokRunDir *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokRunDir, grok_run_dir_close)

G_END_DECLS
