/* What the application and tests may see of the window. */
#pragma once

#include "grok-run.h"
#include "grok-session.h"
#include "grok-window.h"

G_BEGIN_DECLS

/* the run shown, which the window's widgets are bound to */
GrokSession  *grok_window_get_session     (GrokWindow *self);
/* the snapshot the views draw now (may be NULL before the first run) */
GrokSnapshot *grok_window_get_snapshot    (GrokWindow *self);
GtkWidget    *grok_window_get_curves_area (GrokWindow *self);
/* the folder of the run shown, or NULL */
const char   *grok_window_get_run_dir     (GrokWindow *self);

G_END_DECLS
