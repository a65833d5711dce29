/* Copying a run folder: file by file into a hidden sibling of the destination, then one rename,
 * so that a crash or a full disk part-way leaves no half-copied run under the chosen name. */
#include "grok-run-copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-run-dir.h"

/* a name copied: the run's files and its marker, not the lock or a temporary file */
static gboolean
is_copied (const char *name)
{
  return name[0] != '.' || g_str_equal (name, grok_run_file_name (GROK_RUN_FILE_MARKER));
}

/* copy the folder src_fd (at src) into dest, never through a symbolic link: a link is skipped */
static gboolean
copy_tree (int src_fd, const char *src, const char *dest, GCancellable *cancellable,
           GError **error)
{
  g_autoptr (GError) local = NULL;
  int own = openat (src_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = own >= 0 ? fdopendir (own) : NULL;
  struct dirent *e;
  gboolean ok = TRUE;

  if (dir == NULL)
    {
      int errsv = errno;
      if (own >= 0)
        close (own);
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read the folder '%s': %s", src,
                   g_strerror (errsv));
      return FALSE;
    }
  while (ok && (e = readdir (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (src, e->d_name, NULL);
      g_autofree char *to = g_build_filename (dest, e->d_name, NULL);
      g_autofree char *data = NULL;
      GrokFileAt at = { src_fd, e->d_name, from };
      struct stat st;
      gsize length;

      if (g_str_equal (e->d_name, ".") || g_str_equal (e->d_name, "..") ||
          !is_copied (e->d_name) ||
          fstatat (src_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK (st.st_mode))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, &local))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CANCELLED, "Copying '%s' was cancelled", src);
          ok = FALSE;
        }
      else if (S_ISDIR (st.st_mode))
        {
          int sub = openat (src_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          ok = sub >= 0 && grok_mkdir_p (to, error) &&
               copy_tree (sub, from, to, cancellable, error);
          if (sub < 0)
            g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read the folder '%s': %s",
                         from, g_strerror (errno));
          else
            close (sub);
        }
      else if (!grok_file_read_at (&at, G_MAXSIZE, &data, &length, error))
        ok = FALSE;
      else
        ok = grok_file_write_atomic (to, data, length, error);
    }
  closedir (dir);
  return ok;
}

gboolean
grok_run_dir_copy (const char *src, const char *dest, GCancellable *cancellable, GError **error)
{
  g_autofree char *config = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  gboolean copied;
  int src_fd;

  g_return_val_if_fail (src != NULL && dest != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = grok_run_file_path (src, GROK_RUN_FILE_CONFIG, 0);
  if (!g_file_test (config, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                   "'%s' is not a run folder: it has no config.json", src);
      return FALSE;
    }
  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                   "Cannot save the run as '%s': something of that name exists already", dest);
      return FALSE;
    }
  parent = g_path_get_dirname (dest);
  base = g_path_get_basename (dest);
  if (!grok_mkdir_p (parent, error))
    return FALSE;
  tmp = g_build_filename (parent, ".grokscope-copy-XXXXXX", NULL);
  if (g_mkdtemp_full (tmp, 0755) == NULL)
    {
      int errsv = errno;
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot save the run in '%s': %s", parent,
                   g_strerror (errsv));
      return FALSE;
    }
  src_fd = open (src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  copied = src_fd >= 0 && copy_tree (src_fd, src, tmp, cancellable, error);
  if (src_fd < 0)
    g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read the folder '%s': %s", src,
                 g_strerror (errno));
  else
    close (src_fd);
  if (!copied)
    {
      /* cleanup: a folder that cannot be removed changes nothing about the error */
      grok_run_dir_remove_files (tmp, TRUE, NULL);
      return FALSE;
    }
  if (g_rename (tmp, dest) != 0)
    {
      int errsv = errno;
      grok_run_dir_remove_files (tmp, TRUE, NULL);
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot save the run as '%s': %s", dest,
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}
