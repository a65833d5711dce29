/* Crash-safe file writing: whole files replaced atomically (temp file, fsync, rename, fsync of
 * the folder) and append-only logs written one complete line at a time, so that a crash or a full
 * disk at any instant leaves a run folder that still opens. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replace PATH with LENGTH bytes of DATA. On failure PATH is untouched, no temporary file is
 * left behind, and ERROR (GROK_ERROR_IO) names PATH and the system's reason. */
gboolean      grok_file_write_atomic    (const char   *path,
                                         const void   *data,
                                         gsize         length,
                                         GError      **error);

/* the NAME of which NAME is grok_file_write_atomic's temporary file (".NAME.tmp-XXXXXX",
 * exactly: six letters or digits), or NULL for any other name. A temporary file outlives its
 * write only when the process was killed during it. */
char         *grok_file_atomic_temp_target (const char *name);

/* Create PATH and any missing parents (mode 0755); an existing folder is fine. */
gboolean      grok_mkdir_p              (const char   *path,
                                         GError      **error);

/* An append-only log such as metrics.csv: opened once with O_APPEND, each line written with a
 * single write() so that readers never see half a line, made durable on demand. */
typedef struct _GrokAppender GrokAppender;

GrokAppender *grok_appender_open        (const char   *path,
                                         GError      **error);
/* Append LINE; a missing final newline is added. A failed write is rolled back so that the file
 * never ends in a partial line (when the file can be truncated). */
gboolean      grok_appender_write       (GrokAppender *app,
                                         const char   *line,
                                         GError      **error);
/* fsync: every line written so far survives a crash of the machine */
gboolean      grok_appender_sync        (GrokAppender *app,
                                         GError      **error);
/* sync, close and free; APP is freed even when this fails */
gboolean      grok_appender_close       (GrokAppender *app,
                                         GError      **error);
/* close and free without syncing or reporting errors (for cleanup paths) */
void          grok_appender_free        (GrokAppender *app);
const char   *grok_appender_get_path    (GrokAppender *app);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokAppender, grok_appender_free)

G_END_DECLS
