/* The run a window shows, without the window: a run made and trained here (on its own thread)
 * or a run folder opened to browse, the snapshot every view draws (the run's newest, or a
 * stored checkpoint), the checkpoints to step through and play, Continue, Reset and the runs
 * compared with it. Its properties (title, subtitle, status text, progress, preset label, step
 * label, state) always describe the run shown and notify only when they change, so that a
 * window binds its widgets to them; tests drive it with no display at all. */
#pragma once

#include <gio/gio.h>

#include "grok-run.h"

G_BEGIN_DECLS

#define GROK_TYPE_SESSION (grok_session_get_type ())
G_DECLARE_FINAL_TYPE (GrokSession, grok_session, GROK, SESSION, GObject)

GrokSession  *grok_session_new            (void);

/* a new run of config (taken) in a new folder dir: the run shown before is stopped and the new
 * one made on a worker thread, then trained, or paused after one step when one_step */
void          grok_session_train          (GrokSession *self, GrokConfig *config,
                                           const char *dir, gboolean one_step);
/* continue the folder shown from its newest checkpoint to steps in total */
void          grok_session_continue       (GrokSession *self, gint64 steps);
/* browse a run folder: its rows, its checkpoints, its newest checkpoint shown. On failure the
 * run shown stays */
gboolean      grok_session_open           (GrokSession *self, const char *path, GError **error);
/* copy the stopped run's folder to dest (on a worker thread, whole or not at all), then show the
 * copy; a "message" tells how it went */
void          grok_session_save_as        (GrokSession *self, const char *dest);
/* back to before the first step: the run stops (its folder keeps what it trained) and nothing
 * is shown */
void          grok_session_reset          (GrokSession *self);
/* pause a training run, or resume a paused one */
void          grok_session_pause_resume   (GrokSession *self);
/* one optimiser step of a paused run */
void          grok_session_step           (GrokSession *self);
/* ask the run to stop after the step in progress */
void          grok_session_stop           (GrokSession *self);
/* end for good, as before the session goes (the window closes, the app quits): a run being made
 * is dropped and the live run asked to stop; the callback comes (on this thread) once its
 * thread has written its last checkpoint and no worker of the session still stops or makes a
 * run. An error tells that the last checkpoint could not be written. */
void          grok_session_end_async      (GrokSession *self, GAsyncReadyCallback callback,
                                           gpointer user_data);
gboolean      grok_session_end_finish     (GrokSession *self, GAsyncResult *result,
                                           GError **error);
/* the step scale moved to value: the newest stored checkpoint at or before it is shown, or the
 * live run again at the scale's upper end */
void          grok_session_seek           (GrokSession *self, double value);
/* step through the stored checkpoints, one every 400 ms, from the start when at the end */
void          grok_session_set_playing    (GrokSession *self, gboolean playing);
gboolean      grok_session_get_playing    (GrokSession *self);
/* other run folders drawn with this one as mean and band; a folder that cannot be read is
 * named in a "message" and left out */
void          grok_session_compare        (GrokSession *self, const char * const *paths);
/* the metrics of the folders compared (GrokMetrics); empty when none */
GPtrArray    *grok_session_get_compared   (GrokSession *self);

/* what every view draws (NULL when nothing is shown) */
GrokSnapshot *grok_session_get_snapshot   (GrokSession *self);
/* the run's newest state, with every row so far, while a stored checkpoint is shown too (NULL
 * when nothing is shown) */
GrokSnapshot *grok_session_get_newest     (GrokSession *self);
/* the run's start, which views overlay or subtract (NULL when nothing is shown) */
GrokSnapshot *grok_session_get_first      (GrokSession *self);
/* the folder of the run shown, or NULL */
const char   *grok_session_get_run_dir    (GrokSession *self);
/* the state of the run shown (an opened folder: finished or stopped) */
GrokRunState  grok_session_get_state      (GrokSession *self);
/* a run trains or is paused (Pause, Stop, Step apply) */
gboolean      grok_session_get_live       (GrokSession *self);
/* a run of the session may still write to its folder: it trains, is paused or has not yet
 * written its last checkpoint after a stop, or a worker is making or stopping one */
gboolean      grok_session_get_writing    (GrokSession *self);
/* a run is being made on the worker thread */
gboolean      grok_session_get_preparing  (GrokSession *self);
/* the views follow the live run (not a stored checkpoint) */
gboolean      grok_session_get_following  (GrokSession *self);
const char   *grok_session_get_title      (GrokSession *self);
const char   *grok_session_get_subtitle   (GrokSession *self);
const char   *grok_session_get_status     (GrokSession *self);
double        grok_session_get_progress   (GrokSession *self);
const char   *grok_session_get_preset_label (GrokSession *self);
const char   *grok_session_get_step_label (GrokSession *self);
/* the step scale: its upper end (the live step, or the newest checkpoint) and its position */
double        grok_session_get_scale_upper (GrokSession *self);
double        grok_session_get_scale_value (GrokSession *self);
/* what the subtitle says while nothing is shown (the chosen experiment's description) */
void          grok_session_set_idle_subtitle (GrokSession *self, const char *text);

G_END_DECLS
