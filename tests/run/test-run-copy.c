/* Saving a run folder elsewhere: the copy opens with the same rows and checkpoints, byte for
 * byte; a destination that exists or cannot be written is refused with its name, and nothing
 * is left behind. */
#include "grok-checkpoints.h"
#include "grok-run-copy.h"
#include "grok-run-dir.h"
#include "run-helpers.h"

static char *tmp_root;

static char *
trained_run (const char *name)
{
  g_autoptr (GrokConfig) config = small_config (60, 10);
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = grok_run_new (config, dir, TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return g_steal_pointer (&dir);
}

static void
assert_same_file (const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx, ny;

  g_assert_true (g_file_get_contents (a, &x, &nx, NULL));
  g_assert_true (g_file_get_contents (b, &y, &ny, NULL));
  g_assert_cmpmem (x, nx, y, ny);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* the names in a folder, sorted, hidden ones included */
static GPtrArray *
names_in (const char *path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
test_copy_opens_the_same (void)
{
  g_autofree char *src = trained_run ("original");
  g_autofree char *dest = g_build_filename (tmp_root, "saved", "elsewhere", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) a = NULL, b = NULL;
  g_autoptr (GArray) steps = NULL;
  g_autoptr (GPtrArray) names = NULL;

  g_assert_true (grok_run_dir_copy (src, dest, NULL, &error));
  g_assert_no_error (error);
  a = grok_run_dir_open (src, &error);
  g_assert_no_error (error);
  b = grok_run_dir_open (dest, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grok_run_dir_get_metrics (b)->n_rows, ==, grok_run_dir_get_metrics (a)->n_rows);
  g_assert_null (grok_run_dir_get_problems (b)[0]);
  steps = grok_checkpoints_list (src, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, >=, 3);
  g_assert_cmpuint (grok_run_dir_get_checkpoints (b)->len, ==, steps->len);
  for (guint i = 0; i < steps->len; i++)
    {
      g_autofree char *name = grok_checkpoint_filename (g_array_index (steps, gint64, i));
      g_autofree char *x = g_build_filename (src, "checkpoints", name, NULL);
      g_autofree char *y = g_build_filename (dest, "checkpoints", name, NULL);
      assert_same_file (x, y);
    }
  {
    g_autofree char *x = g_build_filename (src, "metrics.csv", NULL);
    g_autofree char *y = g_build_filename (dest, "metrics.csv", NULL);
    assert_same_file (x, y);
  }
  /* no hidden temporary folder is left beside the copy */
  {
    g_autofree char *parent = g_path_get_dirname (dest);
    names = names_in (parent);
    g_assert_cmpuint (names->len, ==, 1);
    g_assert_cmpstr (names->pdata[0], ==, "elsewhere");
  }
}

static void
test_refusals (void)
{
  g_autofree char *src = trained_run ("refused");
  g_autofree char *taken = g_build_filename (tmp_root, "taken", NULL);
  g_autofree char *blocker = g_build_filename (tmp_root, "a-file", NULL);
  g_autofree char *inside = g_build_filename (blocker, "copy", NULL);
  g_autofree char *not_run = g_build_filename (tmp_root, "not-a-run", NULL);
  g_autofree char *dest = g_build_filename (tmp_root, "never", NULL);
  g_autoptr (GError) error = NULL;

  /* an existing destination is never overwritten */
  g_assert_cmpint (g_mkdir (taken, 0755), ==, 0);
  g_assert_false (grok_run_dir_copy (src, taken, NULL, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, taken));
  g_clear_error (&error);

  /* a folder without config.json is not a run */
  g_assert_cmpint (g_mkdir (not_run, 0755), ==, 0);
  g_assert_false (grok_run_dir_copy (not_run, dest, NULL, &error));
  g_assert_nonnull (strstr (error->message, not_run));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* a destination that cannot be made (its parent is a file: refused even to root) */
  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));
  g_assert_false (grok_run_dir_copy (src, inside, NULL, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, blocker));
  g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
}

/* a cancelled copy leaves nothing under the destination's name or beside it */
static void
test_cancelled (void)
{
  g_autofree char *src = trained_run ("cancelled");
  g_autofree char *parent = g_build_filename (tmp_root, "cancel-into", NULL);
  g_autofree char *dest = g_build_filename (parent, "copy", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (grok_run_dir_copy (src, dest, cancellable, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CANCELLED);
  names = names_in (parent);
  g_assert_cmpuint (names->len, ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("grok-run-copy-XXXXXX", NULL);
  g_test_add_func ("/engine/run-dir/copy-opens-the-same", test_copy_opens_the_same);
  g_test_add_func ("/engine/run-dir/copy-refusals", test_refusals);
  g_test_add_func ("/engine/run-dir/copy-cancelled", test_cancelled);
  status = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
