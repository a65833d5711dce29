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

/* a link where a file of ours belongs: never followed, named so that a person can look at it */
static void
set_link_error (GError **error, const char *shown)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "'%s' is a symbolic link: a run's files are "
               "never read or written through a link, so it was refused and nothing it points "
               "to was touched. Remove the link (or replace it with the file itself)", shown);
}

/* open name in dfd; with AT_FDCWD name is a person's path and a link is followed. *errsv is
 * ELOOP for a link that was not followed. */
static int
open_at (const GrokFileAt *at, int flags, mode_t mode, int *errsv)
{
  int fd = openat (at->dfd, at->name,
                   flags | O_CLOEXEC | (at->dfd == AT_FDCWD ? 0 : O_NOFOLLOW), mode);

  *errsv = fd < 0 ? errno : 0;
  /* O_NOFOLLOW with O_CREAT on a dangling link, and some file systems, say EEXIST or ENOTDIR
   * rather than ELOOP; lstat tells */
  if (fd < 0 && at->dfd != AT_FDCWD && *errsv != ELOOP)
    {
      struct stat st;
      if (fstatat (at->dfd, at->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
        *errsv = ELOOP;
    }
  return fd;
}

/* create ".NAME.tmp-XXXXXX" in dfd, exclusively (never through a link); the name in *tmp */
static int
create_temp (int dfd, const char *base, char **tmp, int *errsv)
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  for (int attempt = 0; attempt < 100; attempt++)
    {
      char random[TEMP_RANDOM + 1] = { 0 };
      int fd;

      for (int i = 0; i < TEMP_RANDOM; i++)
        random[i] = chars[g_random_int_range (0, (gint32) sizeof chars - 1)];
      g_free (*tmp);
      *tmp = g_strdup_printf (".%s" TEMP_INFIX "%s", base, random);
      fd = openat (dfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0 || errno != EEXIST)
        {
          *errsv = fd < 0 ? errno : 0;
          return fd;
        }
    }
  *errsv = EEXIST;
  return -1;
}

/* the atomic write of base in the open folder dfd; shown names it in messages */
static gboolean
write_atomic_in (int dfd, const char *base, const char *shown, const void *data, gsize length,
                 GError **error)
{
  g_autofree char *tmp = NULL;
  int fd, errsv = 0;

  fd = create_temp (dfd, base, &tmp, &errsv);
  if (fd < 0)
    {
      set_io_error (error, shown, "create a temporary file to write", errsv);
      return FALSE;
    }
  if (!fill_temp_file (fd, data, length, &errsv))
    {
      unlinkat (dfd, tmp, 0);
      set_io_error (error, shown, "write", errsv);
      return FALSE;
    }
  /* rename replaces the name itself, never what a link there points to */
  if (renameat (dfd, tmp, dfd, base) != 0)
    {
      errsv = errno;
      unlinkat (dfd, tmp, 0);
      set_io_error (error, shown, "replace", errsv);
      return FALSE;
    }
  if (fsync (dfd) != 0 && errno != EINVAL && errno != ENOTSUP)
    {
      set_io_error (error, shown, "sync the folder that holds", errno);
      return FALSE;
    }
  return TRUE;
}

gboolean
grok_file_write_atomic (const char *path, const void *data, gsize length, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  gboolean ok;
  int dfd;

  g_return_val_if_fail (path != NULL && *path != '\0', FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    {
      set_io_error (error, path, "create a temporary file to write", errno);
      return FALSE;
    }
  ok = write_atomic_in (dfd, base, path, data, length, error);
  close (dfd);
  return ok;
}

gboolean
grok_file_write_atomic_at (const GrokFileAt *at, const void *data, gsize length,
                           GError **error)
{
  struct stat st;

  g_return_val_if_fail (at != NULL && at->name != NULL && at->shown != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (at->dfd == AT_FDCWD)
    return grok_file_write_atomic (at->name, data, length, error);
  if (fstatat (at->dfd, at->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    {
      set_link_error (error, at->shown);
      return FALSE;
    }
  return write_atomic_in (at->dfd, at->name, at->shown, data, length, error);
}

gboolean
grok_file_read_at (const GrokFileAt *at, gsize max_bytes, char **contents, gsize *length,
                   GError **error)
{
  g_autofree char *text = NULL;
  gsize cap, len = 0;
  struct stat st;
  int fd, errsv;

  g_return_val_if_fail (at != NULL && contents != NULL && length != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* O_NONBLOCK: a FIFO in a folder must not hang the reader before it is refused */
  fd = open_at (at, O_RDONLY | O_NONBLOCK, 0, &errsv);
  if (fd < 0 && errsv == ELOOP && at->dfd != AT_FDCWD)
    {
      set_link_error (error, at->shown);
      return FALSE;
    }
  if (fd < 0)
    {
      set_io_error (error, at->shown, "open", errsv);
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      errsv = errno;
      close (fd);
      set_io_error (error, at->shown, "read", errsv);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode) || (guint64) st.st_size > max_bytes)
    {
      close (fd);
      if (!S_ISREG (st.st_mode))
        g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "'%s' is not a regular file; it was "
                     "refused", at->shown);
      else
        g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "'%s' is %" G_GINT64_FORMAT " bytes long, "
                     "more than the %" G_GSIZE_FORMAT " bytes it can need; it was refused",
                     at->shown, (gint64) st.st_size, max_bytes);
      return FALSE;
    }
  /* a file larger than the memory there is to hold it (a sparse one, say) is refused, not an
   * abort; one that grows while it is read gets more room, up to max_bytes */
  cap = (gsize) st.st_size + 1;
  text = g_try_malloc (cap);
  for (;;)
    {
      gssize n;

      if (text == NULL)
        {
          close (fd);
          g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "'%s' (%" G_GSIZE_FORMAT " bytes or "
                       "more) does not fit in the memory available; it was not read",
                       at->shown, cap - 1);
          return FALSE;
        }
      if (len == cap - 1)
        {
          char probe;

          do
            n = read (fd, &probe, 1);
          while (n < 0 && errno == EINTR);
          if (n == 0)
            break;
          if (n < 0 || cap - 1 >= max_bytes)
            {
              errsv = n < 0 ? errno : EFBIG;
              close (fd);
              set_io_error (error, at->shown, "read", errsv);
              return FALSE;
            }
          cap = MIN (2 * cap, max_bytes + 1);
          text = g_try_realloc (g_steal_pointer (&text), cap);
          if (text != NULL)
            text[len++] = probe;
          continue;
        }
      n = read (fd, text + len, cap - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          errsv = errno;
          close (fd);
          set_io_error (error, at->shown, "read", errsv);
          return FALSE;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  close (fd);
  text[len] = '\0';
  *length = len;
  *contents = g_steal_pointer (&text);
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
  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  return grok_appender_open_at (GROK_FILE_AT_PATH (path), error);
}

GrokAppender *
grok_appender_open_at (const GrokFileAt *at, GError **error)
{
  GrokAppender *app;
  struct stat st;
  int fd, errsv = 0;

  g_return_val_if_fail (at != NULL && at->name != NULL && at->shown != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* O_RDWR rather than O_WRONLY: the partial-line check reads the tail */
  fd = open_at (at, O_RDWR | O_APPEND | O_CREAT, 0644, &errsv);
  if (fd < 0 && (errsv == EACCES || errsv == EISDIR))
    fd = open_at (at, O_WRONLY | O_APPEND | O_CREAT, 0644, &errsv);
  if (fd < 0 && errsv == ELOOP && at->dfd != AT_FDCWD)
    {
      set_link_error (error, at->shown);
      return NULL;
    }
  if (fd < 0)
    {
      set_io_error (error, at->shown, "open for appending", errsv);
      return NULL;
    }
  /* in a run folder the log is a file of ours, never a device or a pipe */
  if (at->dfd != AT_FDCWD && (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)))
    {
      close (fd);
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "'%s' is not a regular file; it was "
                   "refused", at->shown);
      return NULL;
    }
  if (!drop_partial_last_line (fd, &errsv) && errsv != EBADF)
    {
      close (fd);
      set_io_error (error, at->shown, "repair the last line of", errsv);
      return NULL;
    }
  app = g_new0 (GrokAppender, 1);
  app->fd = fd;
  app->path = g_strdup (at->shown);
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
