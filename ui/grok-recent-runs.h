/* Recent Runs: the run folders trained or opened lately, each with its name, preset, how it
 * ended (finished, stopped at a step, diverged, or unreadable), the steps it reached and its
 * milestones. Choosing one opens it in the window that showed the list. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GROK_TYPE_RECENT_RUNS (grok_recent_runs_get_type ())
G_DECLARE_FINAL_TYPE (GrokRecentRuns, grok_recent_runs, GROK, RECENT_RUNS, AdwWindow)

/* folders: newest first; choosing one activates win.open-recent on parent with its path */
GtkWidget *grok_recent_runs_new      (GtkWindow *parent, const char * const *folders);
/* what a folder's row says of it (for tests, and the row's subtitle) */
char      *grok_recent_run_describe  (const char *folder);

G_END_DECLS
