/* The files of a run folder: their names (one table), recognising a run folder, the one
 * function that deletes one, the writer's lock, and the temporary files a killed writer left.
 * A run folder may hold a person's bytes beside a run only by mistake, and then they stay:
 * nothing here deletes a file that is not one a run writes. */
#include "grok-run-dir-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-error.h"
#include "grok-fileio.h"

typedef struct
{
  const char *name;        /* in the run folder, or in folder */
  GrokRunFile folder;      /* for the per-step files: the folder that holds them */
  gboolean    per_step;    /* named step-NNNNNNNN.safetensors */
  gboolean    is_folder;
} GrokRunFileInfo;

static const GrokRunFileInfo run_files[GROK_N_RUN_FILES] = {
  [GROK_RUN_FILE_CONFIG] = { .name = "config.json" },
  [GROK_RUN_FILE_METRICS] = { .name = "metrics.csv" },
  [GROK_RUN_FILE_CHECKPOINTS] = { .name = "checkpoints", .is_folder = TRUE },
  [GROK_RUN_FILE_CHECKPOINT] = { .folder = GROK_RUN_FILE_CHECKPOINTS, .per_step = TRUE },
  [GROK_RUN_FILE_VIEWS_FOLDER] = { .name = "views", .is_folder = TRUE },
  [GROK_RUN_FILE_VIEWS] = { .folder = GROK_RUN_FILE_VIEWS_FOLDER, .per_step = TRUE },
  [GROK_RUN_FILE_LOCK] = { .name = ".grokscope-lock" },
};

char *
grok_run_file_path (const char *folder, GrokRunFile file, gint64 step)
{
  const GrokRunFileInfo *info;
  g_autofree char *name = NULL;

  g_return_val_if_fail (folder != NULL && file < GROK_N_RUN_FILES, NULL);
  info = &run_files[file];
  if (!info->per_step)
    return g_build_filename (folder, info->name, NULL);
  name = grok_checkpoint_filename (step);
  return g_build_filename (folder, run_files[info->folder].name, name, NULL);
}

/* the top-level file a run writes called name (a temporary file of one counts), or -1 */
static int
top_level_file (const char *name)
{
  g_autofree char *target = grok_file_atomic_temp_target (name);

  for (int f = 0; f < GROK_N_RUN_FILES; f++)
    if (!run_files[f].per_step && g_strcmp0 (run_files[f].name, target ? target : name) == 0)
      return target != NULL && run_files[f].is_folder ? -1 : f;
  return -1;
}

/* a name inside checkpoints/ or views/ that a run writes */
static gboolean
is_step_file (const char *name)
{
  g_autofree char *target = grok_file_atomic_temp_target (name);

  return grok_checkpoint_step_of (target ? target : name) >= 0;
}

/* the first entry of a folder that is not a run's file, as a path; NULL when all are */
static char *
find_foreign (const char *path, gboolean inner, gboolean *seen)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      gboolean is_dir = g_file_test (child, G_FILE_TEST_IS_DIR) &&
                        !g_file_test (child, G_FILE_TEST_IS_SYMLINK);
      int f = inner ? -1 : top_level_file (name);

      if (inner ? (!is_step_file (name) || is_dir) : (f < 0 || run_files[f].is_folder != is_dir))
        return g_steal_pointer (&child);
      if (!inner && seen != NULL)
        seen[f] = TRUE;
      if (!inner && is_dir)
        {
          char *inside = find_foreign (child, TRUE, NULL);
          if (inside != NULL)
            return inside;
        }
    }
  return NULL;
}

gboolean
grok_run_dir_check_replaceable (const char *path, GError **error)
{
  gboolean seen[GROK_N_RUN_FILES] = { FALSE };
  g_autofree char *foreign = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is a file, not a run folder; nothing "
                   "was deleted", path);
      return FALSE;
    }
  foreign = find_foreign (path, FALSE, seen);
  if (foreign != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is not a run folder: it holds %s, which "
                   "no run writes; --force replaces only a run folder, so nothing was deleted "
                   "(choose another folder, or move that file away)", path, foreign);
      return FALSE;
    }
  /* a lone config.json may be the person's own experiment file, not a run's */
  if ((seen[GROK_RUN_FILE_CONFIG] || seen[GROK_RUN_FILE_METRICS] ||
       seen[GROK_RUN_FILE_CHECKPOINTS] || seen[GROK_RUN_FILE_VIEWS_FOLDER]) &&
      !(seen[GROK_RUN_FILE_CONFIG] &&
        (seen[GROK_RUN_FILE_METRICS] || seen[GROK_RUN_FILE_CHECKPOINTS])))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is not a run folder: a run has "
                   "config.json and metrics.csv or checkpoints/, and it has %s; --force replaces "
                   "only a run folder, so nothing was deleted", path,
                   seen[GROK_RUN_FILE_CONFIG] ? "config.json alone" : "no config.json");
      return FALSE;
    }
  return TRUE;
}

static gboolean
remove_error (GError **error, const char *path, int errsv)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot remove %s: %s", path,
               g_strerror (errsv));
  return FALSE;
}

/* remove path's entries (all a run's files: checked before), keeping the lock file unless
 * whole */
static gboolean
remove_entries (const char *path, gboolean whole, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  g_autofree char *lock = grok_run_file_path (path, GROK_RUN_FILE_LOCK, 0);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      gboolean is_dir = g_file_test (child, G_FILE_TEST_IS_DIR) &&
                        !g_file_test (child, G_FILE_TEST_IS_SYMLINK);

      if (!whole && g_str_equal (child, lock))
        continue;
      if (is_dir && !remove_entries (child, TRUE, error))
        return FALSE;
      if ((is_dir ? g_rmdir (child) : g_unlink (child)) != 0 && errno != ENOENT)
        return remove_error (error, child, errno);
    }
  return TRUE;
}

gboolean
grok_run_dir_remove_files (const char *path, gboolean whole, GError **error)
{
  g_autofree char *foreign = NULL;
  g_autofree char *config = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return TRUE;
  foreign = find_foreign (path, FALSE, NULL);
  if (foreign != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "not removing the run folder %s: it holds "
                   "%s, which no run writes; nothing was deleted", path, foreign);
      return FALSE;
    }
  /* config.json goes first: a crash while clearing must not leave a folder that looks like a
   * run with some of its files missing */
  config = grok_run_file_path (path, GROK_RUN_FILE_CONFIG, 0);
  if (g_unlink (config) != 0 && errno != ENOENT)
    return remove_error (error, config, errno);
  if (!remove_entries (path, whole, error))
    return FALSE;
  if (whole && g_rmdir (path) != 0)
    return remove_error (error, path, errno);
  return TRUE;
}

/* the process id written in the lock file by its holder, or NULL */
static char *
lock_holder (int fd)
{
  char text[32] = { 0 };
  gssize n = pread (fd, text, sizeof text - 1, 0);

  if (n <= 0)
    return NULL;
  return g_strstrip (g_strndup (text, (gsize) n));
}

int
grok_run_dir_take_lock (const char *path, GError **error)
{
  g_autofree char *lock = grok_run_file_path (path, GROK_RUN_FILE_LOCK, 0);
  g_autofree char *pid = NULL;
  int fd = g_open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644), errsv;

  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot open the lock file %s: %s", lock,
                   g_strerror (errsv));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      pid = g_strdup_printf ("%d\n", (int) getpid ());
      if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, strlen (pid), 0) != (gssize) strlen (pid))
        g_debug ("cannot write the process id into %s: %s", lock, g_strerror (errno));
      return fd;
    }
  errsv = errno;
  pid = errsv == EWOULDBLOCK ? lock_holder (fd) : NULL;
  close (fd);
  if (errsv == EWOULDBLOCK)
    g_set_error (error, GROK_ERROR, GROK_ERROR_BUSY, "the run folder %s is being written by "
                 "another process (process id %s): one process writes a run folder at a time; "
                 "wait for it to end or stop it (reading the folder works meanwhile)", path,
                 pid ? pid : "unknown");
  else
    g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot lock %s: %s", lock,
                 g_strerror (errsv));
  return -1;
}

/* the temporary files of grok_file_write_atomic in folder whose target is a run's file */
static void
remove_temps_in (const char *folder, gboolean inner)
{
  g_autoptr (GDir) d = g_dir_open (folder, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *target = grok_file_atomic_temp_target (name);
      g_autofree char *child = NULL;

      if (target == NULL || (inner ? grok_checkpoint_step_of (target) < 0
                                   : top_level_file (target) < 0))
        continue;
      child = g_build_filename (folder, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_REGULAR) && g_unlink (child) == 0)
        g_debug ("removed %s, the unfinished write of a killed writer", child);
    }
}

void
grok_run_dir_remove_stale_temps (const char *path)
{
  g_autofree char *checkpoints = grok_run_file_path (path, GROK_RUN_FILE_CHECKPOINTS, 0);
  g_autofree char *views = grok_run_file_path (path, GROK_RUN_FILE_VIEWS_FOLDER, 0);

  remove_temps_in (path, FALSE);
  remove_temps_in (checkpoints, TRUE);
  remove_temps_in (views, TRUE);
}
