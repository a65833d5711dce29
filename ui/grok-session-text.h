/* What the window says of the run it shows: the session (grok-session.h) holds states, steps and
 * events, and these functions make the sentences a person reads of them (the title, the progress
 * line, the step label, the toasts). They need no display. */
#pragma once

#include "grok-session.h"

G_BEGIN_DECLS

/* the run's name, or "Grokscope" when nothing is shown */
char *grok_session_text_title      (GrokSession *session);
/* the progress line: what to do first, what is being prepared, how far the run got, its rate
 * and time left once the rate is known, or why it failed */
char *grok_session_text_status     (GrokSession *session);
/* "step 880 (live)", "step 400 (stored)", or "" when nothing is shown */
char *grok_session_text_step_label (GrokSession *session);
/* "Memorised at step 220: training accuracy reached 99%" */
char *grok_session_text_milestone  (GrokMilestone milestone, gint64 step);
char *grok_session_text_saved      (const char *path);
/* how long a preset takes, as the chooser says it: "about 20 s", "about 4 min", "about 1.5 h" */
char *grok_format_expected_time    (double seconds);

G_END_DECLS
