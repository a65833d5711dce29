/* Crash-safe file writing: whole files replaced atomically (temp file, fsync, rename, fsync of
 * the folder) and append-only logs written one complete line at a time, so that a crash or a full
 * disk at any instant leaves a run folder that still opens. */
#pragma once

#include <fcntl.h>
#include <glib.h>

G_BEGIN_DECLS

/* A file named inside an open folder: dfd is the folder's descriptor and name a plain name in it,
 * which is never followed when it is a symbolic link (a run folder's files are opened this way,
 * so that a link planted in a folder cannot turn a write or a read elsewhere); shown is the path
 * messages name. With dfd AT_FDCWD, name is a path a person gave and a link is followed. */
typedef struct
{
  int         dfd;
  const char *name;
  const char *shown;
} GrokFileAt;

/* the GrokFileAt of a path a person gave */
#define GROK_FILE_AT_PATH(path) (&(GrokFileAt) { AT_FDCWD, (path), (path) })

/* Replace PATH with LENGTH bytes of DATA. On failure PATH is untouched, no temporary file is
 * left behind, and ERROR (GROK_ERROR_IO) names PATH and the system's reason. */
gboolean      grok_file_write_atomic    (const char   *path,
                                         const void   *data,
                                         gsize         length,
                                         GError      **error);

/* the same for a file in an open folder: the temporary file is created there (never through a
 * link), and a symbolic link at name is refused, naming it, instead of being replaced */
gboolean      grok_file_write_atomic_at (const GrokFileAt *at,
                                         const void   *data,
                                         gsize         length,
                                         GError      **error);

/* Read the whole file into *contents (NUL-terminated, length in *length). Refused with an error
 * naming the file when it is a symbolic link (unless at is a path a person gave), when it is not
 * a regular file, or when it is longer than max_bytes. */
gboolean      grok_file_read_at         (const GrokFileAt *at,
                                         gsize         max_bytes,
                                         char        **contents,
                                         gsize        *length,
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
/* the same for a file in an open folder: a symbolic link or anything but a regular file there is
 * refused, naming it */
GrokAppender *grok_appender_open_at     (const GrokFileAt *at,
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
