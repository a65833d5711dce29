/* Crash-safe file writing: atomic replacement of whole files and durable line-by-line logs. */
#include "grok-fileio.h"

#include "grok-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* a temporary file is ".NAME" TEMP_INFIX and mkstemp's six random characters */
#define TEMP_INFIX ".tmp-"
#define TEMP_RANDOM 6

struct _GrokAppender
{
  int   fd;
  char *path;
};

/* what a person can do about the most common failures */
static const char *
advice_for_errno (int errsv)
{
  switch (errsv)
    {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return "Free some disk space and try again.";
    case EACCES:
    case EPERM:
      return "Check the permissions of the file and of its folder.";
    case EROFS:
      return "The disk is read-only; choose a folder on a writable disk.";
    case ENOENT:
    case ENOTDIR:
      return "Check that the folder exists and is a folder.";
    case EISDIR:
      return "A folder has that name; choose another path.";
    case EFBIG:
      return "The file would exceed the file size limit; raise it (ulimit -f) or free space.";
    default:
      return "Check the disk and the folder, then try again.";
    }
}

static void
set_io_error (GError **error, const char *path, const char *action, int errsv)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot %s '%s': %s. %s", action, path,
               g_strerror (errsv), advice_for_errno (errsv));
}

/* write all LEN bytes, retrying after signals and short writes; sets *errsv on failure */
static gboolean
write_all (int fd, const char *buf, gsize len, int *errsv)
{
  while (len > 0)
    {
      gssize n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *errsv = errno;
          return FALSE;
        }
      if (n == 0)
        {
          /* a zero-length write of a non-empty buffer means the device took nothing */
          *errsv = EIO;
          return FALSE;
        }
      buf += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* make the folder entry (the rename) durable; file systems that cannot sync a folder say EINVAL */
static gboolean
sync_folder (const char *dir, int *errsv)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok = TRUE;

  if (fd < 0)
    {
      *errsv = errno;
      return FALSE;
    }
  if (fsync (fd) != 0 && errno != EINVAL && errno != ENOTSUP)
    {
      *errsv = errno;
      ok = FALSE;
    }
  close (fd);
  return ok;
}

/* write, fsync and close FD (the temporary file); FD is closed in every case */
static gboolean
fill_temp_file (int fd, const void *data, gsize length, int *errsv)
{
  gboolean ok = write_all (fd, data, length, errsv);

  if (ok && fsync (fd) != 0)
    {
      *errsv = errno;
      ok = FALSE;
    }
  if (close (fd) != 0 && ok)
    {
      /* NFS and some FUSE systems report a failed write only here */
      *errsv = errno;
      ok = FALSE;
    }
  return ok;
}

gboolean
grok_file_write_atomic (const char *path, const void *data, gsize length, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *tmp = NULL;
  int fd, errsv = 0;

  g_return_val_if_fail (path != NULL && *path != '\0', FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_name = g_strdup_printf (".%s" TEMP_INFIX "XXXXXX", base);
  tmp = g_build_filename (dir, tmp_name, NULL);

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_io_error (error, path, "create a temporary file to write", errno);
      return FALSE;
    }
  if (!fill_temp_file (fd, data, length, &errsv))
    {
      g_unlink (tmp);
      set_io_error (error, path, "write", errsv);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      errsv = errno;
      g_unlink (tmp);
      set_io_error (error, path, "replace", errsv);
      return FALSE;
    }
  if (!sync_folder (dir, &errsv))
    {
      set_io_error (error, path, "sync the folder that holds", errsv);
      return FALSE;
    }
  return TRUE;
}

char *
grok_file_atomic_temp_target (const char *name)
{
  gsize len, suffix = strlen (TEMP_INFIX) + TEMP_RANDOM;

  g_return_val_if_fail (name != NULL, NULL);
  len = strlen (name);
  if (name[0] != '.' || len <= suffix + 1 ||
      strncmp (name + len - suffix, TEMP_INFIX, strlen (TEMP_INFIX)) != 0)
    return NULL;
  /* mkstemp's random part: letters and digits */
  for (gsize i = len - TEMP_RANDOM; i < len; i++)
    if (!g_ascii_isalnum (name[i]))
      return NULL;
  return g_strndup (name + 1, len - suffix - 1);
}

gboolean
grok_mkdir_p (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL && *path != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      set_io_error (error, path, "create the folder", errno);
      return FALSE;
    }
  return TRUE;
}

/* Cut a partial last line left by a crash, so the next line does not glue onto it. Only for
 * regular files; returns FALSE with *errsv set when the file cannot be read or truncated. */
static gboolean
drop_partial_last_line (int fd, int *errsv)
{
  struct stat st;
  char buf[4096];
  gboolean found = FALSE;
  off_t end;

  if (fstat (fd, &st) != 0)
    {
      *errsv = errno;
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    return TRUE;
  for (end = st.st_size; end > 0 && !found;)
    {
      off_t start = MAX (end - (off_t) sizeof buf, 0);
      gssize n = pread (fd, buf, (gsize) (end - start), start);

      if (n != end - start)
        {
          *errsv = n < 0 ? errno : EIO;
          return FALSE;
        }
      end = start;
      for (gssize i = n - 1; i >= 0 && !found; i--)
        if (buf[i] == '\n')
          {
            end = start + i + 1;
            found = TRUE;
          }
    }
  if (end != st.st_size && ftruncate (fd, end) != 0)
    {
      *errsv = errno;
      return FALSE;
    }
  return TRUE;
}

GrokAppender *
grok_appender_open (const char *path, GError **error)
{
  GrokAppender *app;
  int fd, errsv = 0;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* O_RDWR rather than O_WRONLY: the partial-line check reads the tail */
  fd = open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && (errno == EACCES || errno == EISDIR))
    fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_io_error (error, path, "open for appending", errno);
      return NULL;
    }
  if (!drop_partial_last_line (fd, &errsv) && errsv != EBADF)
    {
      close (fd);
      set_io_error (error, path, "repair the last line of", errsv);
      return NULL;
    }
  app = g_new0 (GrokAppender, 1);
  app->fd = fd;
  app->path = g_strdup (path);
  return app;
}

gboolean
grok_appender_write (GrokAppender *app, const char *line, GError **error)
{
  g_autofree char *owned = NULL;
  struct stat st;
  gboolean can_roll_back;
  gsize len;
  int errsv = 0;

  g_return_val_if_fail (app != NULL && app->fd >= 0, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = strlen (line);
  if (len == 0 || line[len - 1] != '\n')
    {
      owned = g_strconcat (line, "\n", NULL);
      line = owned;
      len++;
    }
  can_roll_back = fstat (app->fd, &st) == 0 && S_ISREG (st.st_mode);
  if (write_all (app->fd, line, len, &errsv))
    return TRUE;
  /* a disk that filled up halfway through the line leaves a fragment: cut it off */
  if (can_roll_back && ftruncate (app->fd, st.st_size) != 0)
    g_debug ("could not roll back a partial line in %s: %s", app->path, g_strerror (errno));
  set_io_error (error, app->path, "append a line to", errsv);
  return FALSE;
}

gboolean
grok_appender_sync (GrokAppender *app, GError **error)
{
  g_return_val_if_fail (app != NULL && app->fd >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* character devices such as /dev/null cannot be synced and need not be */
  if (fsync (app->fd) != 0 && errno != EINVAL && errno != ENOTSUP)
    {
      set_io_error (error, app->path, "save to disk", errno);
      return FALSE;
    }
  return TRUE;
}

gboolean
grok_appender_close (GrokAppender *app, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (app != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = grok_appender_sync (app, error);
  if (close (app->fd) != 0 && ok)
    {
      set_io_error (error, app->path, "close", errno);
      ok = FALSE;
    }
  app->fd = -1;
  grok_appender_free (app);
  return ok;
}

void
grok_appender_free (GrokAppender *app)
{
  if (app == NULL)
    return;
  if (app->fd >= 0)
    close (app->fd);
  g_free (app->path);
  g_free (app);
}

const char *
grok_appender_get_path (GrokAppender *app)
{
  g_return_val_if_fail (app != NULL, NULL);
  return app->path;
}
