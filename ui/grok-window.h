/* The main window: choose an experiment, train it, watch it. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GROK_TYPE_WINDOW (grok_window_get_type ())
G_DECLARE_FINAL_TYPE (GrokWindow, grok_window, GROK, WINDOW, AdwApplicationWindow)

GrokWindow *grok_window_new  (AdwApplication *application);
/* show the run folder at path (as Open Run does); FALSE, with the reason in a toast, when it
 * cannot be read */
gboolean    grok_window_open (GrokWindow *self, const char *path);

G_END_DECLS
