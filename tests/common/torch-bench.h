/* Runs tests/reference/bench_torch.py with the given arguments and returns PyTorch's best
 * steps per second over the thread counts it tries (1 and 2), printing each; NAN when the
 * script fails. Shared by the training benchmarks. */
#pragma once

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static inline double
torch_bench_best (const char *args)
{
  /* one BLAS thread: torch's own thread count is set per measurement inside the script, and
   * OpenBLAS's pool on top of it would oversubscribe the cores */
  g_autofree char *cmd = g_strdup_printf (
      "env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 %s/reference/bench_torch.py %s",
      g_getenv ("GROK_TESTS_DIR") ? g_getenv ("GROK_TESTS_DIR") : "tests", args);
  g_autofree char *out = NULL;
  double best = 0;
  int status;

  if (!g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL) || status != 0)
    return NAN;
  for (char *line = strtok (out, "\n"); line; line = strtok (NULL, "\n"))
    {
      int threads;
      double sps;
      if (sscanf (line, "threads %d steps_per_second %lf", &threads, &sps) == 2)
        {
          printf ("    pytorch, %d thread%s: %.1f steps/s\n", threads, threads > 1 ? "s" : "", sps);
          best = MAX (best, sps);
        }
    }
  return best;
}
