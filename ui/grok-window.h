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
/* a run trains or is paused in the window: closing it, or quitting, would stop the run */
gboolean    grok_window_get_live (GrokWindow *self);
/* the window's run stopped and its last checkpoint written (a run being made is dropped), then
 * the window destroyed without a question. When that checkpoint could not be written the
 * window stays, says why, and finish gives the error. */
void        grok_window_end_async  (GrokWindow *self, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean    grok_window_end_finish (GrokWindow *self, GAsyncResult *result, GError **error);

G_END_DECLS
