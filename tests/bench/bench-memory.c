/* Peak resident memory (the child's ru_maxrss) of each preset's training in grokscope-cli, its
 * measures included, beside the same model, data set sizes, optimiser and evaluation trained in
 * PyTorch for as many steps (tests/reference/memory_torch.py, without the measures). Prints
 * figures and one ratio per preset; asserts nothing.
 *
 * Environment: GROK_CLI (the CLI), GROK_TESTS_DIR (the tests' source folder),
 * GROK_BENCH_MEMORY_PRESETS (default every preset), GROK_BENCH_MEMORY_STEPS (default 10: the
 * measures are due at steps 1, 2, 5 and 10, so each of them runs). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-helpers.h"
#include "run-helpers.h"

/* the peak resident size in MB of the program argv run to its end, or NAN when it could not
 * run or failed (said on stderr) */
static double
child_peak_mb (const char * const *argv)
{
  struct rusage usage = { 0 };
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);
      dup2 (null, STDOUT_FILENO);
      execv (argv[0], (char * const *) argv);
      fprintf (stderr, "bench-memory: cannot run %s: %s\n", argv[0], g_strerror (errno));
      _exit (127);
    }
  if (pid < 0 || wait4 (pid, &status, 0, &usage) != pid)
    {
      fprintf (stderr, "bench-memory: cannot start %s: %s\n", argv[0], g_strerror (errno));
      return NAN;
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "bench-memory: %s %s %s failed (status %d)\n", argv[0], argv[1], argv[2],
               status);
      return NAN;
    }
  return usage.ru_maxrss / 1024.0;
}

static void
bench_preset (const char *cli, const char *script, const char *preset, const char *steps)
{
  g_autofree char *folder = g_dir_make_tmp ("bench-memory-XXXXXX", NULL);
  g_autofree char *run = g_build_filename (folder, "run", NULL);
  g_autofree char *config = g_build_filename (run, "config.json", NULL);
  g_autofree char *name = g_strdup_printf ("peak RSS ours / pytorch %s", preset);
  const char *ours_argv[] = { cli, "train", preset, "--out", run, "--steps", steps, "--quiet",
                              NULL };
  const char *torch_argv[] = { "/usr/bin/python3", script, config, steps, NULL };
  double ours = child_peak_mb (ours_argv);
  double torch = isnan (ours) ? NAN : child_peak_mb (torch_argv);

  printf ("%-20s ours %7.1f MB   pytorch %7.1f MB\n", preset, ours, torch);
  bench_ratio (name, ours / torch, "<= 1");
  remove_tree (folder);
}

int
main (void)
{
  const char *cli = g_getenv ("GROK_CLI");
  const char *tests = g_getenv ("GROK_TESTS_DIR");
  g_auto (GStrv) presets = bench_presets ("GROK_BENCH_MEMORY_PRESETS");
  g_autofree char *steps = g_strdup_printf ("%.0f", bench_env_number ("GROK_BENCH_MEMORY_STEPS", 10));
  g_autofree char *script = NULL;

  if (cli == NULL || tests == NULL)
    {
      fprintf (stderr, "bench-memory: set GROK_CLI and GROK_TESTS_DIR (meson test sets both)\n");
      return 1;
    }
  script = g_build_filename (tests, "reference", "memory_torch.py", NULL);
  printf ("peak resident memory of %s steps of training, measures included in ours\n", steps);
  for (guint i = 0; presets[i] != NULL; i++)
    bench_preset (cli, script, presets[i], steps);
  return 0;
}
