/* Shared by the training benchmarks: a trainer's steps per second, and PyTorch's on the same
 * model through tests/reference/bench_torch.py. */
#pragma once

#include <glib.h>

#include "grok-trainer.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* steps per second over steps steps, after five to warm up */
static inline double
train_bench_steps_per_second (GrokTrainer *trainer, int steps)
{
  gint64 start;

  for (int i = 0; i < 5; i++)
    grok_trainer_step (trainer, NULL);
  start = g_get_monotonic_time ();
  for (int i = 0; i < steps; i++)
    grok_trainer_step (trainer, NULL);
  return steps / ((g_get_monotonic_time () - start) / 1e6);
}

/* runs bench_torch.py with args and returns PyTorch's best steps per second over the thread
 * counts it tries (1 and 2), printing each, and each in by_threads[t] (may be NULL); NAN when
 * the script fails */
static inline double
train_bench_torch (const char *args, double by_threads[3])
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
          if (by_threads != NULL && threads >= 1 && threads <= 2)
            by_threads[threads] = sps;
        }
    }
  return best;
}
