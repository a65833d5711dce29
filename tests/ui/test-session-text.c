/* What the window says of the run it shows, made from the session's states and numbers: the
 * progress line, the title, the step label and the toasts, from the first start to a folder
 * opened and a Reset. No display is needed. */
#include <math.h>

#include "grok-session-text.h"
#include "run-helpers.h"

static void
spin_until_state (GrokSession *session, GrokRunState state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while ((grok_session_get_preparing (session) || grok_session_get_state (session) != state) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (grok_session_get_state (session), ==, state);
}

static void
assert_text (char *text, const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_sentences (void)
{
  g_autoptr (GrokSession) session = grok_session_new ();
  g_autofree char *root = g_dir_make_tmp ("grok-session-text-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "trained", NULL);

  assert_text (grok_session_text_status (session), "Choose an experiment and press Train");
  assert_text (grok_session_text_title (session), "Grokscope");
  assert_text (grok_session_text_step_label (session), "");
  grok_session_train (session, small_config (60, 10), dir, FALSE);
  assert_text (grok_session_text_status (session), "Preparing the run…");
  spin_until_state (session, GROK_RUN_FINISHED);
  assert_text (grok_session_text_status (session), "step 60 of 60  ·  finished");
  assert_text (grok_session_text_title (session), "liu-add31");
  assert_text (grok_session_text_step_label (session), "step 60 (live)");

  g_assert_true (grok_session_open (session, dir, NULL));
  assert_text (grok_session_text_status (session), "step 60 of 60  ·  finished  ·  opened");
  assert_text (grok_session_text_step_label (session), "step 60 (stored)");
  /* the trained run lets go of its folder on a worker before the folder can be continued */
  while (grok_session_get_writing (session))
    g_main_context_iteration (NULL, TRUE);
  grok_session_continue (session, 80);
  assert_text (grok_session_text_status (session), "Preparing to continue…");
  spin_until_state (session, GROK_RUN_FINISHED);
  assert_text (grok_session_text_status (session), "step 80 of 80  ·  finished");

  grok_session_reset (session);
  assert_text (grok_session_text_status (session),
               "Reset: Train or Step starts the experiment from step 0");
  assert_text (grok_session_text_title (session), "Grokscope");
  {
    g_autoptr (GrokSession) ended = g_steal_pointer (&session);
    while (grok_session_get_writing (ended))
      g_main_context_iteration (NULL, TRUE);
  }
  remove_tree (root);
}

/* a rate comes only once the run has measured one: the first seconds (setup, step-0 measures)
 * would promise hours */
static void
test_no_eta_before_rate (void)
{
  g_autoptr (GrokSession) session = grok_session_new ();
  g_autofree char *root = g_dir_make_tmp ("grok-session-eta-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "long", NULL);
  gboolean saw_no_rate = FALSE, saw_rate = FALSE;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  grok_session_train (session, small_config (1000000, 10), dir, FALSE);
  while (!saw_rate && g_get_monotonic_time () < deadline)
    {
      GrokProgress p;
      g_autofree char *status = NULL;

      g_main_context_iteration (NULL, TRUE);
      if (grok_session_get_state (session) != GROK_RUN_RUNNING)
        continue;
      grok_session_get_run_progress (session, &p);
      status = grok_session_text_status (session);
      if (!isfinite (p.eta_seconds))
        {
          g_assert_null (strstr (status, "ETA"));
          g_assert_true (g_str_has_suffix (status, "  ·  running"));
          saw_no_rate = TRUE;
        }
      else
        {
          g_assert_nonnull (strstr (status, "steps/s  ·  ETA "));
          saw_rate = TRUE;
        }
    }
  g_assert_true (saw_no_rate);
  g_assert_true (saw_rate);
  grok_session_stop (session);
  while (grok_session_get_writing (session))
    g_main_context_iteration (NULL, TRUE);
  remove_tree (root);
}

static void
test_toasts (void)
{
  assert_text (grok_session_text_milestone (GROK_MILESTONE_MEMORISED, 220),
               "Memorised at step 220: training accuracy reached 99%");
  assert_text (grok_session_text_milestone (GROK_MILESTONE_GENERALISED, 880),
               "Generalised at step 880: test accuracy reached 99%");
  assert_text (grok_session_text_saved ("/tmp/run"), "Saved the run as /tmp/run");
  assert_text (grok_progress_format_eta (21.4), "0:21");
  assert_text (grok_progress_format_eta (3723), "1:02:03");
  assert_text (grok_progress_format_eta (NAN), "--:--");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/session-text/sentences", test_sentences);
  g_test_add_func ("/ui/session-text/no-eta-before-rate", test_no_eta_before_rate);
  g_test_add_func ("/ui/session-text/toasts", test_toasts);
  return g_test_run ();
}
