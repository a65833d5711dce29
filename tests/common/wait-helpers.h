/* Waiting in a test for something to happen: poll for the thing itself, never sleep a fixed time
 * and hope. The deadline is generous (the sanitizers on a machine busy with other work are many
 * times slower than a quiet run); reaching it fails the test, saying what never happened.
 * Header-only. */
#pragma once

#include <glib.h>
#include <stdarg.h>

#define WAIT_DEADLINE_S 120

static inline gint64
wait_deadline (void)
{
  return g_get_monotonic_time () + (gint64) WAIT_DEADLINE_S * G_USEC_PER_SEC;
}

/* one round of a wait: fail when the deadline has passed, else dispatch what the default main
 * context has ready (when spin) and pause 2 ms */
G_GNUC_PRINTF (3, 4) static inline void
wait_poll (gint64 deadline, gboolean spin, const char *format, ...)
{
  if (g_get_monotonic_time () > deadline)
    {
      va_list ap;
      g_autofree char *what = NULL;

      va_start (ap, format);
      what = g_strdup_vprintf (format, ap);
      va_end (ap);
      g_error ("gave up after %d s waiting for %s", WAIT_DEADLINE_S, what);
    }
  if (spin)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (2000);
}

/* wait until cond holds; the rest is a printf format and its arguments saying what cond is */
#define WAIT_UNTIL(cond, ...)                                                                 \
  G_STMT_START                                                                                \
  {                                                                                           \
    gint64 wait_end_ = wait_deadline ();                                                      \
    while (!(cond))                                                                           \
      wait_poll (wait_end_, FALSE, __VA_ARGS__);                                              \
  }                                                                                           \
  G_STMT_END

/* the same, dispatching the default main context meanwhile (snapshots, GTK's frames) */
#define SPIN_UNTIL(cond, ...)                                                                 \
  G_STMT_START                                                                                \
  {                                                                                           \
    gint64 wait_end_ = wait_deadline ();                                                      \
    while (!(cond))                                                                           \
      wait_poll (wait_end_, TRUE, __VA_ARGS__);                                               \
  }                                                                                           \
  G_STMT_END
