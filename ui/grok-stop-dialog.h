/* The question asked before closing a window or quitting stops runs that train or are paused:
 * which runs, where they stand, and that each keeps a checkpoint at the step it reached. */
#pragma once

#include <adwaita.h>

#include "grok-session.h"

G_BEGIN_DECLS

/* a dialog over parent about the live runs of sessions (GrokSession), not yet shown; its
 * responses are "cancel" (the default, also on Escape) and "stop" */
GtkWidget *grok_stop_dialog_new (GtkWindow *parent, GPtrArray *sessions, gboolean quitting);

G_END_DECLS
