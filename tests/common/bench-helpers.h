/* Shared by the benchmarks: the presets a benchmark covers, the goal-ratio lines that
 * `./dev bench` collects into its table, and the process's processor time. Header-only. */
#pragma once

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "grok-presets.h"

/* the presets named (separated by spaces or commas) in the environment variable, or every
 * built-in preset when it is unset or empty */
static inline char **
bench_presets (const char *variable)
{
  const char *chosen = g_getenv (variable);
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) names = NULL;

  if (chosen == NULL || chosen[0] == '\0')
    return grok_presets_list ();
  builder = g_strv_builder_new ();
  names = g_strsplit_set (chosen, " ,", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (names[i][0] != '\0')
      g_strv_builder_add (builder, names[i]);
  return g_strv_builder_end (builder);
}

/* a positive number of seconds (or of anything) from the environment, or the default */
static inline double
bench_env_number (const char *variable, double fallback)
{
  const char *text = g_getenv (variable);
  double value = text ? g_ascii_strtod (text, NULL) : 0;

  return value > 0 ? value : fallback;
}

/* RATIO<TAB>name<TAB>value<TAB>goal, the line `./dev bench` collects; goal is ">= X", "<= X"
 * or "-" */
static inline void
bench_ratio (const char *name, double value, const char *goal)
{
  printf ("RATIO\t%s\t%.4g\t%s\n", name, value, goal);
  fflush (stdout);
}

/* user + system processor seconds of the whole process so far, every thread's */
static inline double
bench_process_cpu_seconds (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}
