/* The run a window shows, without the window: a run made and trained here (on its own thread)
 * or a run folder opened to browse, the snapshot every view draws (the run's newest, or a
 * stored checkpoint), the checkpoints to step through and play, Continue, Fork, Reset and the
 * runs compared with it. It is the run's state machine: its properties (state, step, progress,
 * what is being prepared) always describe the run shown and notify only when they change, and
 * its signals tell of milestones, a saved copy and problems; it holds no sentence for a person,
 * which the window makes of these. Tests drive it with no display at all. */
#pragma once

#include <gio/gio.h>

#include "grok-compare.h"
#include "grok-run.h"

G_BEGIN_DECLS

/* the accuracy at which a run has memorised (training set) or generalised (test set) */
#define GROK_MILESTONE_ACCURACY 0.99

typedef enum
{
  GROK_MILESTONE_MEMORISED,    /* training accuracy first reached GROK_MILESTONE_ACCURACY */
  GROK_MILESTONE_GENERALISED,  /* test accuracy first reached it */
} GrokMilestone;

/* the first step of metrics at which each milestone was reached, or -1 */
void          grok_milestones_find        (const GrokMetrics *metrics, gint64 *memorised,
                                           gint64 *generalised);

#define GROK_TYPE_SESSION (grok_session_get_type ())
G_DECLARE_FINAL_TYPE (GrokSession, grok_session, GROK, SESSION, GObject)

GrokSession  *grok_session_new            (void);

/* a new run of config (taken) in a new folder dir: the run shown before is stopped and the new
 * one made on a worker thread, then trained, or paused after one step when one_step */
void          grok_session_train          (GrokSession *self, GrokConfig *config,
                                           const char *dir, gboolean one_step);
/* continue the folder shown from its newest checkpoint to steps in total */
void          grok_session_continue       (GrokSession *self, gint64 steps);
/* a new run in the new folder dir from the stored checkpoint shown (of a run that neither trains
 * nor is paused), with config (taken): the parent's settings as edited. Recorded as
 * grokscope-cli fork records it (grok_run_new_fork): run.parent, run.parent_step and the
 * parent's rows up to that step */
void          grok_session_fork           (GrokSession *self, GrokConfig *config, const char *dir);
/* browse a run folder: its rows, its checkpoints, its newest checkpoint shown. The folder is
 * followed while it is shown: what another process writes there (a CLI run, a sweep cell) comes
 * as it is written, each newer checkpoint with its rows read through a reader of the run folder
 * (no lock) off this thread and shown as the newest state. On failure the run shown stays */
gboolean      grok_session_open           (GrokSession *self, const char *path, GError **error);
/* copy the stopped run's folder to dest (on a worker thread, whole or not at all), then show the
 * copy and emit "saved", or emit "problem" */
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
 * named in a "problem" and left out */
/* the shown run folder's curves drawn with those of the folders at paths; a folder that cannot
 * be read or is of another task or model is a problem naming it, and is left out. FALSE when
 * no folder is left (the comparison shown stays). A comparison belongs to the run folder it was
 * made for: it goes when another run, folder or preset is shown. */
gboolean      grok_session_compare          (GrokSession *self, const char * const *paths);
void          grok_session_clear_comparison (GrokSession *self);
/* compared runs grouped over group_key (NULL: the seed), the comparison shown regrouped */
void          grok_session_set_compare_group_key (GrokSession *self, const char *group_key);
/* NULL when none */
GrokComparison *grok_session_get_comparison (GrokSession *self);

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
/* the run being prepared continues the folder shown (not a new run) */
gboolean      grok_session_get_continuing (GrokSession *self);
/* nothing is shown since a Reset (Train or Step start the experiment afresh) */
gboolean      grok_session_get_reset      (GrokSession *self);
/* the run shown is a folder opened to browse, not a run trained here */
gboolean      grok_session_get_opened     (GrokSession *self);
/* the newest step of the run shown (property "step") and the fraction of its steps done
 * (property "progress") */
gint64        grok_session_get_step       (GrokSession *self);
double        grok_session_get_progress   (GrokSession *self);
/* step, total, rate and time left of the run shown (no rate or time left for a folder opened,
 * nor before the run has measured its rate) */
void          grok_session_get_run_progress (GrokSession *self, GrokProgress *progress);
/* why the live run diverged or failed, or NULL */
const char   *grok_session_get_run_message (GrokSession *self);
/* the step scale: its upper end (the live step, or the newest checkpoint) and its position */
double        grok_session_get_scale_upper (GrokSession *self);
double        grok_session_get_scale_value (GrokSession *self);

G_END_DECLS
