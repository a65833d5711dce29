/* Shared by the fuzz targets: warnings and criticals abort (a g_return_if_fail reached from
 * outside data is a bug), and the readers that take a file get the input written to one. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* the input as a file of its own (one per process, rewritten for each input) */
static inline const char *
fuzz_write_input (const guint8 *data, size_t size, const char *name)
{
  static char *path;

  if (path == NULL)
    {
      g_autofree char *dir = g_strdup_printf ("%s/grok-fuzz-%d", g_get_tmp_dir (), (int) getpid ());
      g_mkdir_with_parents (dir, 0700);
      path = g_build_filename (dir, name, NULL);
    }
  /* no fsync: it would cost a hundred times the read being fuzzed */
  if (!g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, NULL))
    g_error ("cannot write the fuzz input to %s", path);
  return path;
}
