/* Crash-safe file writing: atomic replacement, the append-only log, folder creation, and the
 * errors a person sees when the disk says no. */
#include "grok-error.h"
#include "grok-fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void
remove_tree (const char *path)
{
  GDir *dir;

  chmod (path, 0755);
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("grok-fileio-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* the names in DIR, sorted and joined with spaces, to see any stray temporary file */
static char *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* cap the size of files this process writes; SIGXFSZ would kill it, so it is ignored and
 * writes past the cap fail with EFBIG, as they would on a full disk with ENOSPC */
static void
limit_file_size (rlim_t bytes)
{
  struct rlimit lim;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  lim.rlim_cur = bytes;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
}

static void
test_atomic_replaces (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "config.json", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *listing = NULL;
  struct stat st;

  g_assert_true (grok_file_write_atomic (path, "first version", 13, &error));
  g_assert_no_error (error);
  first = read_text (path);
  g_assert_cmpstr (first, ==, "first version");

  g_assert_true (grok_file_write_atomic (path, "2nd", 3, &error));
  g_assert_no_error (error);
  second = read_text (path);
  g_assert_cmpstr (second, ==, "2nd");

  /* an empty file is a valid thing to write */
  g_assert_true (grok_file_write_atomic (path, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);

  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "config.json");
  remove_tree (dir);
}

/* a folder nobody may write in: read-only for ordinary users; root ignores permissions, so
 * there the parent is a regular file, which fails for everyone (ENOTDIR) */
static void
test_atomic_unwritable_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *target = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *kept = NULL;
  gboolean as_root = geteuid () == 0;
  int expected_errno = as_root ? ENOTDIR : EACCES;

  if (as_root)
    {
      g_autofree char *file = g_build_filename (dir, "not-a-folder", NULL);
      g_assert_true (g_file_set_contents (file, "x", 1, NULL));
      target = g_build_filename (file, "metrics.csv", NULL);
    }
  else
    {
      target = g_build_filename (dir, "metrics.csv", NULL);
      g_assert_true (g_file_set_contents (target, "old", 3, NULL));
      g_assert_cmpint (chmod (dir, 0555), ==, 0);
    }

  g_assert_false (grok_file_write_atomic (target, "new", 3, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, target));
  g_assert_nonnull (strstr (error->message, g_strerror (expected_errno)));
  g_assert_nonnull (strstr (error->message, "Check"));

  chmod (dir, 0755);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, as_root ? "not-a-folder" : "metrics.csv");
  if (!as_root)
    {
      kept = read_text (target);
      g_assert_cmpstr (kept, ==, "old");
    }
  remove_tree (dir);
}

/* the disk fills up halfway through the new contents: the temporary file had been created and
 * partly written, so this checks that it is removed and the old file survives */
/* The child of a subprocess test works in the folder its parent made, passed in the
 * environment (the child inherits it). */
static char *
shared_temp_dir (void)
{
  char *dir;

  if (g_test_subprocess ())
    return g_strdup (g_getenv ("GROK_TEST_DIR"));
  dir = make_temp_dir ();
  g_setenv ("GROK_TEST_DIR", dir, TRUE);
  return dir;
}

static void
atomic_disk_full_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_malloc0 (20000);

  limit_file_size (8192);
  g_assert_false (grok_file_write_atomic (path, big, 20000, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
}

/* the disk fills up halfway through the new contents: the temporary file had been created and
 * partly written, so this checks that it is removed and the old file survives */
static void
test_atomic_disk_full (void)
{
  g_autofree char *dir = shared_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "step.safetensors", NULL);
  g_autofree char *kept = NULL;
  g_autofree char *listing = NULL;

  if (g_test_subprocess ())
    {
      atomic_disk_full_child (path);
      return;
    }
  g_assert_true (g_file_set_contents (path, "old contents", -1, NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  kept = read_text (path);
  listing = list_dir (dir);
  g_assert_cmpstr (kept, ==, "old contents");
  g_assert_cmpstr (listing, ==, "step.safetensors");
  remove_tree (dir);
}

static void
test_mkdir_p (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *nested = g_build_filename (dir, "run", "checkpoints", "deep", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *under_file = g_build_filename (file, "sub", NULL);

  g_assert_true (grok_mkdir_p (nested, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (nested, G_FILE_TEST_IS_DIR));
  /* an existing folder is not an error */
  g_assert_true (grok_mkdir_p (nested, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_false (grok_mkdir_p (under_file, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, under_file));
  g_assert_nonnull (strstr (error->message, "create the folder"));
  g_clear_error (&error);

  g_assert_false (grok_mkdir_p (file, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, file));
  remove_tree (dir);
}

static void
test_appender_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  GrokAppender *app;

  app = grok_appender_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grok_appender_get_path (app), ==, path);
  g_assert_true (grok_appender_write (app, "step,loss", &error));
  g_assert_true (grok_appender_write (app, "0,4.5\n", &error));
  g_assert_true (grok_appender_sync (app, &error));
  g_assert_no_error (error);
  /* after a sync every line is in the file, seen by an independent reader */
  text = read_text (path);
  g_assert_cmpstr (text, ==, "step,loss\n0,4.5\n");
  g_assert_true (grok_appender_close (app, &error));
  g_assert_no_error (error);

  /* reopening appends; it never truncates complete lines */
  app = grok_appender_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (grok_appender_write (app, "1,4.25", &error));
  g_assert_true (grok_appender_close (app, &error));
  g_assert_no_error (error);
  text2 = read_text (path);
  g_assert_cmpstr (text2, ==, "step,loss\n0,4.5\n1,4.25\n");
  remove_tree (dir);
}

/* a crash mid-line leaves a fragment; the next run must not glue its first line onto it */
static void
test_appender_drops_partial_line (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autoptr(GString) long_tail = g_string_new ("step\n");
  struct { const char *before; const char *after; } cases[] = {
    { "step\n1,2\n3,", "step\n1,2\n3,4\n" },
    { "st", "3,4\n" },
    { "", "3,4\n" },
    { "step\n", "step\n3,4\n" },
  };

  /* a fragment longer than the 4096-byte read window */
  for (int i = 0; i < 10000; i++)
    g_string_append_c (long_tail, 'x');
  for (guint c = 0; c <= G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      const char *before = c < G_N_ELEMENTS (cases) ? cases[c].before : long_tail->str;
      const char *after = c < G_N_ELEMENTS (cases) ? cases[c].after : "step\n3,4\n";
      g_autoptr(GrokAppender) app = NULL;

      g_assert_true (g_file_set_contents (path, before, -1, NULL));
      app = grok_appender_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (grok_appender_write (app, "3,4", &error));
      g_assert_no_error (error);
      text = read_text (path);
      g_assert_cmpstr (text, ==, after);
    }
  remove_tree (dir);
}

/* /dev/full accepts the open and fails every write with ENOSPC */
static void
test_appender_dev_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokAppender) app = NULL;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full on this system");
      return;
    }
  app = grok_appender_open ("/dev/full", &error);
  g_assert_no_error (error);
  g_assert_false (grok_appender_write (app, "0,1.5", &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  g_assert_nonnull (strstr (error->message, "Free some disk space"));
}

static void
appender_partial_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokAppender) app = grok_appender_open (path, &error);

  g_assert_no_error (error);
  /* 10 bytes are there; the cap lets 6 of the 10 new bytes through */
  limit_file_size (16);
  g_assert_false (grok_appender_write (app, "100,0.125", &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
}

/* a line that only partly fits is cut off again: the file still ends with a complete line */
static void
test_appender_rolls_back_partial_write (void)
{
  g_autofree char *dir = shared_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *text = NULL;

  if (g_test_subprocess ())
    {
      appender_partial_child (path);
      return;
    }
  g_assert_true (g_file_set_contents (path, "step,loss\n", -1, NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  text = read_text (path);
  g_assert_cmpstr (text, ==, "step,loss\n");
  remove_tree (dir);
}

static void
test_appender_open_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *path = g_build_filename (file, "metrics.csv", NULL);

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_null (grok_appender_open (path, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
  remove_tree (dir);
}

/* a link inside an open folder is never followed: a write, a read and an append through one
 * are refused, naming it, and the file it points to keeps its bytes; a FIFO is refused too */
static void
test_at_refuses_links (void)
{
  g_autofree char *dir = g_dir_make_tmp ("grok-fileio-XXXXXX", NULL);
  g_autofree char *victim = g_build_filename (dir, "victim", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  GrokFileAt at = { -1, "link", link };
  GrokFileAt pipe_at = { -1, "fifo", fifo };
  GrokAppender *app;
  gsize length;

  g_assert_true (g_file_set_contents (victim, "precious\n", -1, NULL));
  g_assert_cmpint (symlink (victim, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  at.dfd = pipe_at.dfd = open (dir, O_RDONLY | O_DIRECTORY);
  g_assert_cmpint (at.dfd, >=, 0);

  g_assert_false (grok_file_write_atomic_at (&at, "x", 1, &error));
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);
  g_assert_false (grok_file_read_at (&at, 1024, &text, &length, &error));
  g_assert_nonnull (strstr (error->message, link));
  g_clear_error (&error);
  app = grok_appender_open_at (&at, &error);
  g_assert_null (app);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);
  g_assert_false (grok_file_read_at (&pipe_at, 1024, &text, &length, &error));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (victim, &text, &length, NULL));
  g_assert_cmpstr (text, ==, "precious\n");
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  close (at.dfd);
  g_unlink (fifo);
  g_unlink (link);
  g_unlink (victim);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/fileio/atomic-replaces", test_atomic_replaces);
  g_test_add_func ("/engine/fileio/atomic-unwritable-folder", test_atomic_unwritable_folder);
  g_test_add_func ("/engine/fileio/atomic-disk-full", test_atomic_disk_full);
  g_test_add_func ("/engine/fileio/mkdir-p", test_mkdir_p);
  g_test_add_func ("/engine/fileio/appender-lines", test_appender_lines);
  g_test_add_func ("/engine/fileio/appender-drops-partial-line", test_appender_drops_partial_line);
  g_test_add_func ("/engine/fileio/appender-dev-full", test_appender_dev_full);
  g_test_add_func ("/engine/fileio/appender-rolls-back-partial-write",
                   test_appender_rolls_back_partial_write);
  g_test_add_func ("/engine/fileio/appender-open-error", test_appender_open_error);
  g_test_add_func ("/engine/fileio/at-refuses-links", test_at_refuses_links);
  return g_test_run ();
}
