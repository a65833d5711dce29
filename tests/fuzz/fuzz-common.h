/* Shared by the fuzz targets: warnings and criticals abort (a g_return_if_fail reached from
 * outside data is a bug), and the readers that take a file get the input written to one. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* text as the whole content of path, without fsync (which would cost a hundred times the
 * read being fuzzed); GLib 2.74's g_file_set_contents_full without its consistency flag does
 * not truncate, leaving the tail of a longer earlier input */
static inline void
fuzz_write_file (const char *path, const guint8 *data, size_t size)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL || fwrite (data, 1, size, f) != size || fclose (f) != 0)
    g_error ("cannot write the fuzz input to %s", path);
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
  fuzz_write_file (path, data, size);
  return path;
}
