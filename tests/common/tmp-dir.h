/* Temporary folders for tests: made under the temporary directory and removed, with all they
 * hold, when the test ends. A failed test aborts before that, so its folder stays for a look. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* delete a folder and everything in it */
static inline void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static inline void
remove_tree_and_free (char *path)
{
  remove_tree (path);
  g_free (path);
}

/* a new folder named after template (ending in XXXXXX), owned by the running test */
static inline const char *
test_tmp_dir (const char *template)
{
  GError *error = NULL;
  char *path = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  g_test_queue_destroy ((GDestroyNotify) remove_tree_and_free, path);
  return path;
}
