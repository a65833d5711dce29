/* The files of a run folder: their names (one table), recognising a run folder by its marker,
 * the one function that deletes one, the writer's lock, and the temporary files a killed writer
 * left. A run folder may hold a person's bytes beside a run only by mistake, and then they stay:
 * nothing here deletes a file that is not one a run writes, and nothing here follows a symbolic
 * link (each name is looked up in its folder's descriptor with O_NOFOLLOW or
 * AT_SYMLINK_NOFOLLOW), so a folder cannot be made to point a writer at another file. */
#include "grok-run-dir-private.h"

#include <dirent.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
  [GROK_RUN_FILE_MARKER] = { .name = ".grokscope-run" },
};

/* the marker's text: its first line names the format of the folder */
#define MARKER_PREFIX "grokscope run folder, format "
#define MARKER_TEXT MARKER_PREFIX "1\n"

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

const char *
grok_run_file_name (GrokRunFile file)
{
  g_return_val_if_fail (file < GROK_N_RUN_FILES && !run_files[file].per_step, NULL);
  return run_files[file].name;
}

static gboolean
io_error (GError **error, const char *doing, const char *path, int errsv)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot %s %s: %s", doing, path,
               g_strerror (errsv));
  return FALSE;
}

static void
link_error (GError **error, const char *path)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is a symbolic link where a run's own file "
               "or folder belongs: it was refused, and nothing it points to was read or "
               "written. Remove the link (or put the run's own file there)", path);
}

/* the kind of name in dfd, never following a link: S_IFLNK, S_IFDIR, S_IFREG..., or 0 when
 * there is nothing of that name */
static mode_t
kind_at (int dfd, const char *name)
{
  struct stat st;

  return fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & S_IFMT : 0;
}

/* the entries of the open folder dfd, read from a descriptor of its own */
static DIR *
open_entries (int dfd)
{
  int fd = openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;

  if (d == NULL && fd >= 0)
    close (fd);
  return d;
}

/* the next name of d but "." and "..", or NULL */
static const char *
next_entry (DIR *d)
{
  struct dirent *e;

  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      return e->d_name;
  return NULL;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DIR, closedir)

int
grok_run_dir_open_fd (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    {
      int errsv = errno;
      if (errsv == ENOTDIR)
        g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot open the run folder %s: it is "
                     "not a folder", path);
      else
        io_error (error, "open the run folder", path, errsv);
    }
  return fd;
}

int
grok_run_dir_open_subfolder (int dfd, const char *path, GrokRunFile sub, gboolean create,
                             GError **error)
{
  g_autofree char *shown = NULL;
  const char *name;
  int fd, errsv;

  g_return_val_if_fail (run_files[sub].is_folder, -1);
  name = run_files[sub].name;
  shown = g_build_filename (path, name, NULL);
  if (create && mkdirat (dfd, name, 0755) != 0 && errno != EEXIST)
    {
      io_error (error, "create the folder", shown, errno);
      return -1;
    }
  fd = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    return fd;
  errsv = errno;
  if (kind_at (dfd, name) == S_IFLNK)
    link_error (error, shown);
  else if (errsv == ENOTDIR)
    g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is not a folder, where a run keeps its "
                 "folder of that name: it was refused (move it away)", shown);
  else if (errsv != ENOENT || create)
    io_error (error, "open the folder", shown, errsv);
  return -1;
}

gboolean
grok_run_dir_check_links (int dfd, const char *path, GError **error)
{
  for (int f = 0; f < GROK_N_RUN_FILES; f++)
    if (!run_files[f].per_step && kind_at (dfd, run_files[f].name) == S_IFLNK)
      {
        g_autofree char *shown = g_build_filename (path, run_files[f].name, NULL);
        link_error (error, shown);
        return FALSE;
      }
  return TRUE;
}

gboolean
grok_run_dir_check_empty (int dfd, const char *path, GError **error)
{
  g_autoptr (DIR) d = open_entries (dfd);
  const char *name;

  while (d != NULL && (name = next_entry (d)) != NULL)
    {
      /* the lock, and our own marker; a file of the marker's name that is not ours is the
       * person's, and stays */
      if (g_str_equal (name, run_files[GROK_RUN_FILE_LOCK].name) ||
          (g_str_equal (name, run_files[GROK_RUN_FILE_MARKER].name) &&
           grok_run_dir_has_marker (dfd)))
        continue;
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                   "the run folder %s is not empty (it holds %s): choose another folder, "
                   "or pass --force to replace the run in it", path, name);
      return FALSE;
    }
  return TRUE;
}

gboolean
grok_run_dir_has_marker (int dfd)
{
  GrokFileAt at = { dfd, run_files[GROK_RUN_FILE_MARKER].name,
                    run_files[GROK_RUN_FILE_MARKER].name };
  g_autofree char *text = NULL;
  gsize length;

  return grok_file_read_at (&at, 256, &text, &length, NULL) &&
         g_str_has_prefix (text, MARKER_PREFIX);
}

gboolean
grok_run_dir_write_marker (int dfd, const char *path, GError **error)
{
  g_autofree char *shown = g_build_filename (path, run_files[GROK_RUN_FILE_MARKER].name, NULL);
  GrokFileAt at = { dfd, run_files[GROK_RUN_FILE_MARKER].name, shown };
  struct stat st;

  /* a file of that name that is not our marker is somebody's, and is not replaced */
  if (fstatat (dfd, at.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !grok_run_dir_has_marker (dfd))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                   "%s is not a Grokscope run marker: it was left as it is, and the run "
                   "folder is not written; move it away to use the folder", shown);
      return FALSE;
    }
  return grok_file_write_atomic_at (&at, MARKER_TEXT, strlen (MARKER_TEXT), error);
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

/* the first entry of the folder dfd (at path) that is not a run's file, or is a symbolic link,
 * described with its path; NULL when all are a run's */
static char *
find_foreign (int dfd, const char *path, gboolean inner, gboolean *seen)
{
  g_autoptr (DIR) d = open_entries (dfd);
  const char *name;

  if (d == NULL)
    return g_strdup_printf ("%s (which cannot be read: %s)", path, g_strerror (errno));
  while ((name = next_entry (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      mode_t kind = kind_at (dfd, name);
      gboolean is_dir = kind == S_IFDIR;
      int f = inner ? -1 : top_level_file (name);

      if (kind == S_IFLNK)
        return g_strdup_printf ("%s, a symbolic link", child);
      if (inner ? (!is_step_file (name) || is_dir) : (f < 0 || run_files[f].is_folder != is_dir))
        return g_steal_pointer (&child);
      if (!inner && seen != NULL)
        seen[f] = TRUE;
      if (!inner && is_dir)
        {
          int sub = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          char *inside = sub >= 0 ? find_foreign (sub, child, TRUE, NULL)
                                  : g_strdup_printf ("%s (which cannot be read)", child);
          if (sub >= 0)
            close (sub);
          if (inside != NULL)
            return inside;
        }
    }
  return NULL;
}

/* a run writes config.json whole, every section present; a person's or another tool's file that
 * happens to use a few of our keys is not one */
static gboolean
has_run_sections (const GrokFileAt *at)
{
  static const char * const sections[] = { "task", "model", "optim", "train" };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonObject *root;
  gsize length;

  if (!grok_file_read_at (at, 1024 * 1024, &text, &length, NULL) ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (!json_object_has_member (root, sections[i]) ||
        !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, sections[i])))
      return FALSE;
  return TRUE;
}

/* a run folder made before the marker: its config.json loads as ours beside its other files.
 * NULL when it is one, otherwise what it lacks. */
static char *
older_run_problem (int dfd, const char *path, const gboolean *seen)
{
  g_autofree char *shown = g_build_filename (path, run_files[GROK_RUN_FILE_CONFIG].name, NULL);
  GrokFileAt at = { dfd, run_files[GROK_RUN_FILE_CONFIG].name, shown };
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GError) local = NULL;

  if (!seen[GROK_RUN_FILE_CONFIG])
    return g_strdup ("it has no config.json");
  if (!seen[GROK_RUN_FILE_METRICS] && !seen[GROK_RUN_FILE_CHECKPOINTS])
    return g_strdup ("it has config.json alone");
  config = grok_config_load_at (&at, &local);
  if (config == NULL)
    return g_strdup_printf ("its config.json is not a Grokscope config (%s)", local->message);
  if (!has_run_sections (&at))
    return g_strdup ("its config.json is not the whole document a run writes (it lacks one "
                     "of the sections task, model, optim and train)");
  return NULL;
}

/* a folder that holds no more than these holds no run yet */
static gboolean
only_lock_and_marker (const gboolean *seen)
{
  for (int f = 0; f < GROK_N_RUN_FILES; f++)
    if (seen[f] && f != GROK_RUN_FILE_LOCK && f != GROK_RUN_FILE_MARKER)
      return FALSE;
  return TRUE;
}

gboolean
grok_run_dir_check_replaceable_fd (int dfd, const char *path, GError **error)
{
  gboolean seen[GROK_N_RUN_FILES] = { FALSE };
  g_autofree char *foreign = NULL;
  g_autofree char *problem = NULL;

  foreign = find_foreign (dfd, path, FALSE, seen);
  if (foreign != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is not a run folder: it holds %s, which "
                   "no run writes; --force replaces only a run folder, so nothing was deleted "
                   "(choose another folder, or move that file away)", path, foreign);
      return FALSE;
    }
  if (only_lock_and_marker (seen))
    return TRUE;
  if (seen[GROK_RUN_FILE_MARKER] && grok_run_dir_has_marker (dfd))
    return TRUE;
  problem = older_run_problem (dfd, path, seen);
  if (problem == NULL)
    return TRUE;
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is not a run folder: it has no %s marker "
               "and %s; --force replaces only a run folder, so nothing was deleted", path,
               run_files[GROK_RUN_FILE_MARKER].name, problem);
  return FALSE;
}

gboolean
grok_run_dir_check_replaceable (const char *path, GError **error)
{
  gboolean ok;
  int dfd;

  g_return_val_if_fail (path != NULL, FALSE);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s is a file, not a run folder; nothing "
                   "was deleted", path);
      return FALSE;
    }
  dfd = grok_run_dir_open_fd (path, error);
  if (dfd < 0)
    return FALSE;
  ok = grok_run_dir_check_replaceable_fd (dfd, path, error);
  close (dfd);
  return ok;
}

/* remove the entries of dfd (at path; all a run's files, checked before), keeping the lock file
 * and the marker unless whole. A link is removed, never followed. */
static gboolean
remove_entries (int dfd, const char *path, gboolean whole, GError **error)
{
  g_autoptr (DIR) d = open_entries (dfd);
  const char *name;

  while (d != NULL && (name = next_entry (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      gboolean is_dir = kind_at (dfd, name) == S_IFDIR;

      if (g_str_equal (name, run_files[GROK_RUN_FILE_MARKER].name) ||
          (!whole && g_str_equal (name, run_files[GROK_RUN_FILE_LOCK].name)))
        continue;
      if (is_dir)
        {
          int sub = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          gboolean ok = sub >= 0 && remove_entries (sub, child, TRUE, error);
          if (sub >= 0)
            close (sub);
          if (!ok)
            return sub >= 0 ? FALSE : io_error (error, "open", child, errno);
        }
      if (unlinkat (dfd, name, is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
        return io_error (error, "remove", child, errno);
    }
  return TRUE;
}

gboolean
grok_run_dir_remove_files_fd (int dfd, const char *path, gboolean whole, GError **error)
{
  g_autofree char *foreign = find_foreign (dfd, path, FALSE, NULL);
  const char *config = run_files[GROK_RUN_FILE_CONFIG].name;
  const char *marker = run_files[GROK_RUN_FILE_MARKER].name;

  if (foreign != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "not removing the run folder %s: it holds "
                   "%s, which no run writes; nothing was deleted", path, foreign);
      return FALSE;
    }
  /* config.json goes first: a crash while clearing must not leave a folder that looks like a
   * run with some of its files missing; the marker goes last, so that until then the folder is
   * still known as a run's and --force can finish the job */
  if (unlinkat (dfd, config, 0) != 0 && errno != ENOENT)
    {
      g_autofree char *shown = g_build_filename (path, config, NULL);
      return io_error (error, "remove", shown, errno);
    }
  if (!remove_entries (dfd, path, whole, error))
    return FALSE;
  if (whole && unlinkat (dfd, marker, 0) != 0 && errno != ENOENT)
    {
      g_autofree char *shown = g_build_filename (path, marker, NULL);
      return io_error (error, "remove", shown, errno);
    }
  return TRUE;
}

gboolean
grok_run_dir_remove_files (const char *path, gboolean whole, GError **error)
{
  gboolean ok;
  int dfd;

  g_return_val_if_fail (path != NULL, FALSE);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return TRUE;
  dfd = grok_run_dir_open_fd (path, error);
  if (dfd < 0)
    return FALSE;
  ok = grok_run_dir_remove_files_fd (dfd, path, whole, error);
  close (dfd);
  if (ok && whole && g_rmdir (path) != 0)
    return io_error (error, "remove", path, errno);
  return ok;
}

/* the process that holds an flock on the file st describes, from the kernel's table of locks,
 * or NULL. Nothing is ever written into a lock file: it may be a hard link to a file that
 * matters to someone. */
static char *
lock_holder (const struct stat *st)
{
  g_autofree char *text = NULL;
  g_autofree char *want = g_strdup_printf ("%02x:%02x:%" G_GUINT64_FORMAT,
                                           major (st->st_dev), minor (st->st_dev),
                                           (guint64) st->st_ino);
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/locks", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiter's line has "->" */
      g_auto (GStrv) f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      const char *field[6] = { NULL };
      guint n = 0;

      for (guint k = 0; f[k] != NULL && n < G_N_ELEMENTS (field); k++)
        if (*f[k] != '\0')
          field[n++] = f[k];
      if (n == G_N_ELEMENTS (field) && g_str_equal (field[1], "FLOCK") &&
          g_str_equal (field[5], want))
        return g_strdup (field[4]);
    }
  return NULL;
}

/* open the lock file without following a link, without truncating and without writing: for
 * writing when it can be created or opened so, otherwise (another user's file) read-only,
 * which is all flock needs */
static int
open_lock (int dfd, const char *name, int *errsv)
{
  int fd = openat (dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);

  if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
    fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  *errsv = fd < 0 ? errno : 0;
  return fd;
}

int
grok_run_dir_take_lock (int dfd, const char *path, GError **error)
{
  const char *name = run_files[GROK_RUN_FILE_LOCK].name;
  g_autofree char *lock = g_build_filename (path, name, NULL);
  g_autofree char *pid = NULL;
  struct stat st;
  int errsv;
  int fd = open_lock (dfd, name, &errsv);
  if (fd < 0)
    {
      if (kind_at (dfd, name) == S_IFLNK)
        link_error (error, lock);
      else
        io_error (error, "open the lock file", lock, errsv);
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "the lock file %s is not a regular file: "
                   "it was refused; remove it (a writer makes a new one)", lock);
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  errsv = errno;
  pid = errsv == EWOULDBLOCK ? lock_holder (&st) : NULL;
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

char *
grok_run_dir_writer (const char *path)
{
  g_autofree char *lock = g_build_filename (path, run_files[GROK_RUN_FILE_LOCK].name, NULL);
  struct stat st;

  if (lstat (lock, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;
  return lock_holder (&st);
}

/* the temporary files of grok_file_write_atomic in the folder dfd whose target is a run's file */
static void
remove_temps_in (int dfd, gboolean inner)
{
  g_autoptr (DIR) d = open_entries (dfd);
  const char *name;

  while (d != NULL && (name = next_entry (d)) != NULL)
    {
      g_autofree char *target = grok_file_atomic_temp_target (name);

      if (target == NULL || (inner ? grok_checkpoint_step_of (target) < 0
                                   : top_level_file (target) < 0))
        continue;
      if (kind_at (dfd, name) == S_IFREG && unlinkat (dfd, name, 0) == 0)
        g_debug ("removed %s, the unfinished write of a killed writer", name);
    }
}

void
grok_run_dir_remove_stale_temps (int dfd)
{
  static const GrokRunFile subs[] = { GROK_RUN_FILE_CHECKPOINTS, GROK_RUN_FILE_VIEWS_FOLDER };

  remove_temps_in (dfd, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      int sub = openat (dfd, run_files[subs[i]].name,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0)
        {
          remove_temps_in (sub, TRUE);
          close (sub);
        }
    }
}
