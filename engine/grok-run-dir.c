/* Writing a run folder. */
#include "grok-run-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "grok-error.h"

struct _GrokRunDir
{
  char *path;
  char *metrics_path;
  int   metrics_fd;
};

static gboolean
io_error (GError **error, const char *path, const char *doing, int errsv)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot %s %s: %s", doing, path,
               g_strerror (errsv));
  return FALSE;
}

static gboolean
write_all (int fd, const char *path, const char *text, GError **error)
{
  gsize length = strlen (text);

  while (length > 0)
    {
      gssize n = write (fd, text, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return io_error (error, path, "write to", errno);
      text += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
remove_tree (const char *path, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        return io_error (error, path, "remove", errno);
      return TRUE;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!remove_tree (child, error))
        return FALSE;
    }
  if (g_rmdir (path) != 0)
    return io_error (error, path, "remove", errno);
  return TRUE;
}

/* an empty folder, or one we may clear */
static gboolean
prepare_folder (const char *path, gboolean overwrite, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  g_autoptr (GError) local = NULL;

  if (g_mkdir_with_parents (path, 0755) != 0)
    return io_error (error, path, "create the run folder", errno);
  dir = g_dir_open (path, 0, &local);
  if (dir == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot open the run folder %s: %s", path,
                   local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!overwrite)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                       "the run folder %s is not empty (it holds %s): choose another folder, "
                       "or pass --force to replace the run in it", path, name);
          return FALSE;
        }
      if (!remove_tree (child, error))
        return FALSE;
    }
  return TRUE;
}

GrokRunDir *
grok_run_dir_create (const char *path, const GrokConfig *config, const GrokMetrics *metrics,
                     gboolean overwrite, GError **error)
{
  g_autofree char *config_path = g_build_filename (path, "config.json", NULL);
  g_autofree char *text = grok_config_to_string (config);
  g_autofree char *header = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GrokRunDir) run = NULL;

  if (!prepare_folder (path, overwrite, error))
    return NULL;
  if (!g_file_set_contents_full (config_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot write %s: %s", config_path,
                   local->message);
      return NULL;
    }

  run = g_new0 (GrokRunDir, 1);
  run->metrics_fd = -1;
  run->path = g_strdup (path);
  run->metrics_path = g_build_filename (path, "metrics.csv", NULL);
  run->metrics_fd = open (run->metrics_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                          0644);
  if (run->metrics_fd < 0)
    {
      io_error (error, run->metrics_path, "create", errno);
      return NULL;
    }
  header = grok_metrics_format_header (metrics);
  if (!write_all (run->metrics_fd, run->metrics_path, header, error))
    return NULL;
  return g_steal_pointer (&run);
}

gboolean
grok_run_dir_append_row (GrokRunDir *run, const GrokMetrics *metrics, guint row, GError **error)
{
  g_autofree char *line = grok_metrics_format_row (metrics, row);

  /* one write per line: O_APPEND makes it land whole or not at all for a reader after a crash
   * of this process (a torn last line is dropped by the reader) */
  return write_all (run->metrics_fd, run->metrics_path, line, error);
}

gboolean
grok_run_dir_sync (GrokRunDir *run, GError **error)
{
  if (fsync (run->metrics_fd) != 0)
    return io_error (error, run->metrics_path, "flush", errno);
  return TRUE;
}

const char *
grok_run_dir_path (GrokRunDir *run)
{
  return run->path;
}

void
grok_run_dir_close (GrokRunDir *run)
{
  if (run == NULL)
    return;
  if (run->metrics_fd >= 0)
    close (run->metrics_fd);
  g_free (run->path);
  g_free (run->metrics_path);
  g_free (run);
}
