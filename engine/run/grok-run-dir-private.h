/* What grok-run-dir.c and grok-run-dir-files.c share and nothing else may call. */
#pragma once

#include "grok-run-dir.h"

G_BEGIN_DECLS

/* take the writer's lock on the run folder path: the descriptor of its lock file, held until
 * closed; -1 with an error naming the folder and the holder's process id when another process
 * holds it (GROK_ERROR_BUSY) */
int  grok_run_dir_take_lock          (const char *path, GError **error);
/* remove what a writer killed during an atomic write left: only the temporary files of a run's
 * own files, exactly by grok_file_write_atomic's pattern. Only under the lock. */
void grok_run_dir_remove_stale_temps (const char *path);

G_END_DECLS
