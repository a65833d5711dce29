/* The sentences of the run shown, made from the session's states and numbers. */
#include "grok-session-text.h"

#include <math.h>

char *
grok_format_expected_time (double seconds)
{
  if (seconds < 90)
    return g_strdup_printf ("about %.0f s", MAX (5, 5 * round (seconds / 5)));
  if (seconds < 90 * 60)
    return g_strdup_printf ("about %.0f min", round (seconds / 60));
  return g_strdup_printf ("about %.1f h", seconds / 3600);
}

char *
grok_session_text_title (GrokSession *session)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (session);

  return g_strdup (snapshot && snapshot->config->name[0] ? snapshot->config->name : "Grokscope");
}

char *
grok_session_text_status (GrokSession *session)
{
  GrokRunState state = grok_session_get_state (session);
  GrokProgress p;
  g_autofree char *eta = NULL;

  if (grok_session_get_preparing (session))
    return g_strdup (grok_session_get_continuing (session) ? "Preparing to continue…"
                                                           : "Preparing the run…");
  if (grok_session_get_snapshot (session) == NULL)
    return g_strdup (grok_session_get_reset (session)
                     ? "Reset: Train or Step starts the experiment from step 0"
                     : "Choose an experiment and press Train");
  if ((state == GROK_RUN_DIVERGED || state == GROK_RUN_FAILED) &&
      grok_session_get_run_message (session) != NULL)
    return g_strdup (grok_session_get_run_message (session));
  grok_session_get_run_progress (session, &p);
  /* the first seconds of a run include its setup and step-0 measures: a rate from them would
   * promise hours for a run of seconds, so there is none until the run has measured one */
  if (state == GROK_RUN_RUNNING && p.steps_per_second > 0 && isfinite (p.eta_seconds))
    {
      eta = grok_progress_format_eta (p.eta_seconds);
      return g_strdup_printf ("step %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "  ·  %.0f steps/s"
                              "  ·  ETA %s", p.step, p.total, p.steps_per_second, eta);
    }
  if (state == GROK_RUN_RUNNING)
    return g_strdup_printf ("step %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "  ·  running",
                            p.step, p.total);
  return g_strdup_printf ("step %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "  ·  %s%s", p.step,
                          p.total, grok_run_state_name (state),
                          grok_session_get_opened (session) ? "  ·  opened" : "");
}

char *
grok_session_text_step_label (GrokSession *session)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (session);

  if (snapshot == NULL)
    return g_strdup ("");
  return g_strdup_printf ("step %" G_GINT64_FORMAT " (%s)", snapshot->train_step,
                          grok_session_get_following (session) && !grok_session_get_opened (session)
                            ? "live" : "stored");
}

char *
grok_session_text_milestone (GrokMilestone milestone, gint64 step)
{
  switch (milestone)
    {
    case GROK_MILESTONE_MEMORISED:
      return g_strdup_printf ("Memorised at step %" G_GINT64_FORMAT ": training accuracy reached "
                              "%.0f%%", step, 100 * GROK_MILESTONE_ACCURACY);
    case GROK_MILESTONE_GENERALISED:
      return g_strdup_printf ("Generalised at step %" G_GINT64_FORMAT ": test accuracy reached "
                              "%.0f%%", step, 100 * GROK_MILESTONE_ACCURACY);
    default:
      g_assert_not_reached ();
    }
}

char *
grok_session_text_saved (const char *path)
{
  return g_strdup_printf ("Saved the run as %s", path);
}
