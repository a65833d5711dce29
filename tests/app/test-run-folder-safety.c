/* A run folder cannot be turned against the person who opens it (issue 19): links planted where
 * a run's files or folders belong are refused by writers and named by readers, and no file
 * outside the folder changes (bytes and modification times compared); a lock file of another
 * owner does not lock its owner out; --force replaces only a folder that carries a run's marker
 * (or an older run whose config.json is a whole Grokscope config), including one a killed writer
 * left half-made; a fork's folder is compared with its parent's after resolving links. Each
 * drives grokscope-cli end to end. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-helpers.h"
#include "tmp-dir.h"

/* the uid and gid of nobody on Debian */
#define NOBODY 65534

/* a small run with a views folder, trained in dir/name */
static char *
train_run (const char *dir, const char *name)
{
  g_autofree char *run = g_build_filename (dir, name, NULL);
  g_auto (Result) r = { 0 };

  run_cli (&r, (const char *[]) { "train", "quick", "--out", run, "--steps", "20", "--quiet",
                                  "--set", "checkpoints.views=1", NULL });
  g_assert_cmpint (r.status, ==, 0);
  return g_steal_pointer (&run);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* every entry under path, with what a write through a link would change: a regular file's
 * size, modification time and SHA-256, a link's target */
static void
describe_tree (GString *out, const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *target = NULL;
      g_autofree char *data = NULL;
      g_autofree char *sum = NULL;
      struct stat st;
      gsize length;

      g_assert_cmpint (lstat (child, &st), ==, 0);
      if (S_ISLNK (st.st_mode))
        {
          target = g_file_read_link (child, NULL);
          g_string_append_printf (out, "%s -> %s\n", child, target);
        }
      else if (S_ISDIR (st.st_mode))
        describe_tree (out, child);
      else
        {
          g_assert_true (g_file_get_contents (child, &data, &length, NULL));
          sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
          g_string_append_printf (out, "%s %" G_GINT64_FORMAT " %ld.%09ld %s\n", child,
                                  (gint64) st.st_size, (long) st.st_mtim.tv_sec,
                                  (long) st.st_mtim.tv_nsec, sum);
        }
    }
}

static char *
snapshot (const char *path)
{
  GString *out = g_string_new (NULL);

  describe_tree (out, path);
  return g_string_free (out, FALSE);
}

/* a file that must survive: readable only by its owner, as root's secrets are */
static char *
make_victim (const char *dir)
{
  char *victim = g_build_filename (dir, "victim.txt", NULL);

  g_assert_true (g_file_set_contents (victim, "precious\n", -1, NULL));
  g_assert_cmpint (g_chmod (victim, 0600), ==, 0);
  return victim;
}

static void
replace_with_link (const char *path, const char *target)
{
  g_autofree char *argv_rm = g_strdup_printf ("rm -rf '%s'", path);

  g_assert_true (g_spawn_command_line_sync (argv_rm, NULL, NULL, NULL, NULL));
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
assert_refused_naming (const Result *r, const char *what)
{
  g_assert_cmpint (r->status, !=, 0);
  assert_contains (r->err, what);
  assert_contains (r->err, "symbolic link");
}

/* N1: the lock file as a link to a file of the runner's; resume, train into a folder holding
 * only that link, and train --force all refuse it and the file keeps its bytes */
static void
test_lock_link (void)
{
  const char *dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_autofree char *run = train_run (dir, "run");
  g_autofree char *victim = make_victim (dir);
  g_autofree char *lock = g_build_filename (run, ".grokscope-lock", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autofree char *empty_lock = g_build_filename (empty, ".grokscope-lock", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto (Result) resumed = { 0 };
  g_auto (Result) trained = { 0 };
  g_auto (Result) forced = { 0 };

  replace_with_link (lock, victim);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_assert_cmpint (symlink (victim, empty_lock), ==, 0);
  before = snapshot (dir);

  run_cli (&resumed, (const char *[]) { "resume", run, "--steps", "25", "--quiet", NULL });
  assert_refused_naming (&resumed, lock);
  run_cli (&trained, (const char *[]) { "train", "quick", "--out", empty, "--steps", "5",
                                        "--quiet", NULL });
  assert_refused_naming (&trained, empty_lock);
  run_cli (&forced, (const char *[]) { "train", "quick", "--out", run, "--steps", "5",
                                       "--quiet", "--force", NULL });
  g_assert_cmpint (forced.status, !=, 0);
  assert_contains (forced.err, "symbolic link");
  after = snapshot (dir);
  g_assert_cmpstr (after, ==, before);
}

/* N2 and item 1: a link at checkpoints/, views/, metrics.csv or config.json of a run whose
 * target is another run's folder or file: resume refuses it by name, a reader names what it
 * refused, and the other run is unchanged */
static void
test_links_refused (void)
{
  static const char * const names[] = { "checkpoints", "views", "metrics.csv", "config.json" };
  const char *dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_autofree char *other = train_run (dir, "other");
  g_autofree char *run = train_run (dir, "run");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *copy_name = g_strdup_printf ("copy-%u", i);
      g_autofree char *copy = g_build_filename (dir, copy_name, NULL);
      g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", run, copy);
      g_autofree char *link = g_build_filename (copy, names[i], NULL);
      g_autofree char *target = g_build_filename (other, names[i], NULL);
      g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_auto (Result) resumed = { 0 };
      g_auto (Result) read = { 0 };

      g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
      replace_with_link (link, target);
      before = snapshot (other);
      run_cli (&resumed, (const char *[]) { "resume", copy, "--steps", "40", "--quiet", NULL });
      assert_refused_naming (&resumed, link);
      /* a reader goes on where it can, and says what it refused */
      run_cli (&read, (const char *[]) { "figure", copy, "--view",
                                         i == 2 ? "curves" : "spectrum", "--out", csv, NULL });
      assert_contains (read.err, link);
      assert_contains (read.err, "symbolic link");
      after = snapshot (other);
      g_assert_cmpstr (after, ==, before);
    }
}

static void
become_nobody (gpointer data)
{
  (void) data;
  if (setgid (NOBODY) != 0 || setuid (NOBODY) != 0)
    _exit (127);
}

/* N8: root resumes a user's run, leaving a lock file of root's (0644) in it; the owner's own
 * resume still takes the lock */
static void
test_lock_of_other_owner (void)
{
  const char *dir = NULL;
  g_autofree char *run = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (Result) by_root = { 0 };
  struct stat st;
  int status;

  if (getuid () != 0)
    {
      g_test_skip ("needs root: the test gives the run to another user (nobody) and resumes "
                   "it as root first");
      return;
    }
  dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  run = train_run (dir, "run");
  lock = g_build_filename (run, ".grokscope-lock", NULL);
  cmd = g_strdup_printf ("chown -R %d:%d '%s'", NOBODY, NOBODY, run);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (g_unlink (lock), ==, 0);
  run_cli (&by_root, (const char *[]) { "resume", run, "--steps", "25", "--quiet", NULL });
  g_assert_cmpint (by_root.status, ==, 0);
  g_assert_cmpint (stat (lock, &st), ==, 0);
  g_assert_cmpint (st.st_uid, ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *) cli, "resume", run, "--steps", "30",
                                                  "--quiet", NULL },
                               NULL, G_SPAWN_DEFAULT, become_nobody, NULL, &out, &err, &status,
                               NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the owner's resume after root's was refused: %s", err);
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* N6: another tool's config.json and metrics.csv are not a run; --force leaves them */
static void
test_force_needs_a_run (void)
{
  const char *dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_autofree char *tool = g_build_filename (dir, "tool", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto (Result) r = { 0 };

  g_assert_cmpint (g_mkdir (tool, 0755), ==, 0);
  write_file (tool, "config.json", "{\"name\": \"my-experiment\", \"seed\": 3}\n");
  write_file (tool, "metrics.csv", "step,loss\n1,0.5\n");
  before = snapshot (tool);
  run_cli (&r, (const char *[]) { "train", "quick", "--out", tool, "--steps", "5", "--quiet",
                                  "--force", NULL });
  g_assert_cmpint (r.status, !=, 0);
  assert_contains (r.err, "not a run folder");
  after = snapshot (tool);
  g_assert_cmpstr (after, ==, before);
}

/* a person's own file of the marker's name is no marker: train refuses the folder and leaves
 * the file as it was */
static void
test_foreign_marker_name (void)
{
  const char *dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_autofree char *mine = g_build_filename (dir, "mine", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto (Result) r = { 0 };

  g_assert_cmpint (g_mkdir (mine, 0755), ==, 0);
  write_file (mine, ".grokscope-run", "my notes\n");
  before = snapshot (mine);
  run_cli (&r, (const char *[]) { "train", "quick", "--out", mine, "--steps", "5", "--quiet",
                                  NULL });
  g_assert_cmpint (r.status, !=, 0);
  assert_contains (r.err, ".grokscope-run");
  after = snapshot (mine);
  g_assert_cmpstr (after, ==, before);
}

/* N9: what a writer stopped while creating its folder leaves (the marker, the lock, the metrics
 * header, an empty checkpoints folder; no config.json yet) is named by resume and replaced by
 * --force; a run made before the marker existed is replaced too, and gets one */
static void
test_half_made_and_older (void)
{
  const char *dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_autofree char *half = train_run (dir, "half");
  g_autofree char *old = train_run (dir, "old");
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s/config.json' '%s/views' '%s/checkpoints'",
                                          half, half, half);
  g_autofree char *checkpoints = g_build_filename (half, "checkpoints", NULL);
  g_autofree char *marker = g_build_filename (old, ".grokscope-run", NULL);
  g_autofree char *config = g_build_filename (half, "config.json", NULL);
  g_auto (Result) resumed = { 0 };
  g_auto (Result) forced = { 0 };
  g_auto (Result) old_forced = { 0 };

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_assert_cmpint (g_mkdir (checkpoints, 0755), ==, 0);
  run_cli (&resumed, (const char *[]) { "resume", half, "--steps", "25", "--quiet", NULL });
  g_assert_cmpint (resumed.status, !=, 0);
  assert_contains (resumed.err, "half-made");
  assert_contains (resumed.err, "--force");
  run_cli (&forced, (const char *[]) { "train", "quick", "--out", half, "--steps", "5",
                                       "--quiet", "--force", NULL });
  g_assert_cmpint (forced.status, ==, 0);
  g_assert_true (g_file_test (config, G_FILE_TEST_IS_REGULAR));

  g_assert_cmpint (g_unlink (marker), ==, 0);
  run_cli (&old_forced, (const char *[]) { "train", "quick", "--out", old, "--steps", "5",
                                           "--quiet", "--force", NULL });
  g_assert_cmpint (old_forced.status, ==, 0);
  g_assert_true (g_file_test (marker, G_FILE_TEST_IS_REGULAR));
}

/* N7: fork P --out LINK --force, LINK a link to P: refused as P's own folder, P unchanged */
static void
test_fork_into_link_to_parent (void)
{
  const char *dir = test_tmp_dir ("grok-safety-XXXXXX");
  g_autofree char *parent = train_run (dir, "parent");
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto (Result) r = { 0 };

  g_assert_cmpint (symlink ("parent", link), ==, 0);
  before = snapshot (parent);
  run_cli (&r, (const char *[]) { "fork", parent, "--step", "10", "--out", link, "--steps", "15",
                                  "--quiet", "--force", NULL });
  g_assert_cmpint (r.status, !=, 0);
  assert_contains (r.err, "folder of its own");
  after = snapshot (parent);
  g_assert_cmpstr (after, ==, before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_from_env ();
  g_test_add_func ("/app/run-folder-safety/lock-link", test_lock_link);
  g_test_add_func ("/app/run-folder-safety/links-refused", test_links_refused);
  g_test_add_func ("/app/run-folder-safety/lock-of-other-owner", test_lock_of_other_owner);
  g_test_add_func ("/app/run-folder-safety/force-needs-a-run", test_force_needs_a_run);
  g_test_add_func ("/app/run-folder-safety/half-made-and-older", test_half_made_and_older);
  g_test_add_func ("/app/run-folder-safety/foreign-marker-name", test_foreign_marker_name);
  g_test_add_func ("/app/run-folder-safety/fork-into-link-to-parent",
                   test_fork_into_link_to_parent);
  return g_test_run ();
}
