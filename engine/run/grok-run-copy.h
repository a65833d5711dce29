/* Copying a run folder elsewhere ("Save Run As"). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Copies the run folder src (one with a config.json) to dest, which must not exist yet. The copy
 * is made in a hidden folder beside dest and renamed into place when whole, so that at any
 * instant dest is either absent or a complete run folder; on failure nothing is left behind and
 * error (GROK_ERROR_IO; GROK_ERROR_CANCELLED when cancelled)
 * names the path. Files whose names start with a dot (unfinished writes) are not copied. */
gboolean grok_run_dir_copy (const char *src, const char *dest, GCancellable *cancellable,
                            GError **error);

G_END_DECLS
