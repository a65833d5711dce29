/* Copying a run folder: file by file into a hidden sibling of the destination, then one rename,
 * so that a crash or a full disk part-way leaves no half-copied run under the chosen name. */
#include "grok-run-copy.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-run-dir.h"

static gboolean
copy_tree (const char *src, const char *dest, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;
  GDir *dir = g_dir_open (src, 0, &local);
  const char *name;
  gboolean ok = TRUE;

  if (dir == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read the folder '%s': %s", src,
                   local->message);
      return FALSE;
    }
  while (ok && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (src, name, NULL);
      g_autofree char *to = g_build_filename (dest, name, NULL);
      g_autofree char *data = NULL;
      gsize length;

      if (name[0] == '.' || g_file_test (from, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, &local))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CANCELLED, "Copying '%s' was cancelled", src);
          ok = FALSE;
        }
      else if (g_file_test (from, G_FILE_TEST_IS_DIR))
        ok = grok_mkdir_p (to, error) && copy_tree (from, to, cancellable, error);
      else if (!g_file_get_contents (from, &data, &length, &local))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read '%s': %s", from,
                       local->message);
          ok = FALSE;
        }
      else
        ok = grok_file_write_atomic (to, data, length, error);
    }
  g_dir_close (dir);
  return ok;
}

gboolean
grok_run_dir_copy (const char *src, const char *dest, GCancellable *cancellable, GError **error)
{
  g_autofree char *config = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;

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
  if (!copy_tree (src, tmp, cancellable, error))
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
