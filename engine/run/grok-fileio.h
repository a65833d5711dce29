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

/* Remove PATH: a file, or a folder and everything in it (symbolic links themselves, not what
 * they point to). A PATH that does not exist is fine. */
gboolean      grok_remove_tree          (const char   *path,
                                         GError      **error);

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
