/* The main window: a preset chooser and run controls in the header bar, a progress bar, and the
 * live training curves. The run trains on its own thread; its snapshots arrive here through
 * the main loop and only replace what the views draw. */
#include "grok-window.h"
#include "grok-run-copy.h"
#include "grok-window-private.h"

#include <math.h>

#include "grok-config-editor.h"
#include "grok-curves-view.h"
#include "grok-export-dialog.h"
#include "grok-run-dir.h"
#include "grok-figure-curves.h"
#include "grok-presets.h"
#include "grok-computed-view.h"
#include "grok-run.h"
#include "grok-settings.h"
#include "grok-trainer.h"
#include "grok-weights-view.h"

struct _GrokWindow
{
  AdwApplicationWindow parent_instance;

  AdwWindowTitle  *window_title;
  GtkDropDown     *preset_dropdown;
  GtkWidget       *pause_button;
  AdwToastOverlay *toast_overlay;
  GtkProgressBar  *progress_bar;
  GrokConfigEditor *config_editor;
  GtkRevealer     *problem_revealer;
  GtkLabel        *problem_label;
  GrokCurvesView  *curves_view;
  GtkCheckButton  *show_train, *show_test, *show_loss, *show_accuracy, *show_markers, *show_measures;
  GrokWeightsView *weights_view;
  GtkToggleButton *weights_change;
  AdwBin          *regions_bin;
  AdwBin          *connectivity_bin;
  AdwBin          *spectrum_bin;
  GrokComputedView *spectrum_view;
  GrokSnapshot    *first_snapshot;   /* the run's start, overlaid on the spectra */
  GrokComputedView *regions_view;
  GrokComputedView *connectivity_view;
  AdwViewStack    *view_stack;

  GSettings       *settings;
  GrokRun         *run;
  GCancellable    *preparing;      /* a run being made on a worker thread */
  GrokSnapshot    *snapshot;       /* what the views draw: live, or a checkpoint browsed */
  GrokSnapshot    *live;           /* the run's newest */
  char            *run_dir;        /* the folder of the run shown */
  GrokMetrics     *folder_metrics; /* an opened folder's rows (no live run) */
  GrokConfig      *folder_config;
  GArray          *checkpoints;    /* gint64 steps stored in run_dir */
  gboolean         following;      /* the step scale follows training */
  gboolean         moving_scale;   /* the scale is being set by code, not by a person */
  guint            play_id;
  GtkToggleButton *play_button;
  GtkScale        *step_scale;
  GtkAdjustment   *step_adjustment;
  GtkLabel        *step_label;
  GMenu           *recent_section;
  gboolean         toasted_memorised;
  gboolean         toasted_generalised;
  gboolean         toasted_end;
};

G_DEFINE_FINAL_TYPE (GrokWindow, grok_window, ADW_TYPE_APPLICATION_WINDOW)

static void sync_curves_options (GrokWindow *self);

static void
toast (GrokWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static char *
format_duration (double seconds)
{
  gint64 s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("--:--");
  s = (gint64) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                            (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

static void
update_actions (GrokWindow *self)
{
  GrokRunState state = self->run ? grok_run_get_state (self->run) : GROK_RUN_STOPPED;
  gboolean live = state == GROK_RUN_RUNNING || state == GROK_RUN_PAUSED;
  const char *problem = grok_config_editor_get_problem (self->config_editor);
  const char *icon;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.train", problem == NULL && self->preparing == NULL);
  if (problem != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Cannot train: %s", problem);
      gtk_label_set_text (self->problem_label, text);
    }
  gtk_revealer_set_reveal_child (self->problem_revealer, problem != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step",
                                 state == GROK_RUN_PAUSED ||
                                 (self->run == NULL && self->snapshot == NULL &&
                                  self->preparing == NULL && problem == NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset",
                                 self->run != NULL || self->snapshot != NULL || self->preparing != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", !live && self->run_dir != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.continue",
                                 !live && self->run_dir != NULL && self->preparing == NULL);
  icon = state == GROK_RUN_PAUSED ? "media-playback-start-symbolic" : "media-playback-pause-symbolic";
  /* setting the same icon again would still rebuild the button's image, on every snapshot */
  if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (self->pause_button)), icon) != 0)
    gtk_button_set_icon_name (GTK_BUTTON (self->pause_button), icon);
}

static void
update_progress (GrokWindow *self)
{
  GrokProgress p;
  g_autofree char *eta = NULL;
  g_autofree char *text = NULL;
  GrokRunState state;

  if (self->run == NULL)
    return;
  grok_run_get_progress (self->run, &p);
  state = grok_run_get_state (self->run);
  eta = format_duration (p.eta_seconds);
  if (state == GROK_RUN_RUNNING)
    text = g_strdup_printf ("step %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                            "  ·  %.0f steps/s  ·  ETA %s", p.step, p.total, p.steps_per_second, eta);
  else if (state == GROK_RUN_DIVERGED || state == GROK_RUN_FAILED)
    text = g_strdup (grok_run_get_message (self->run));
  else
    text = g_strdup_printf ("step %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "  ·  %s", p.step,
                            p.total, grok_run_state_name (state));
  gtk_progress_bar_set_fraction (self->progress_bar, p.total > 0 ? (double) p.step / p.total : 0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* toasts for the moments a researcher waits for */
static void
announce (GrokWindow *self, GrokSnapshot *snapshot)
{
  GrokMetrics *m = snapshot->metrics;
  guint last;

  if (m->n_rows == 0)
    return;
  last = m->n_rows - 1;
  if (!self->toasted_memorised && grok_metrics_get (m, last, GROK_COL_TRAIN_ACC) >= 0.99)
    {
      g_autofree char *text = g_strdup_printf ("Memorised at step %.0f: training accuracy reached 99%%",
                                               grok_metrics_get (m, last, GROK_COL_STEP));
      self->toasted_memorised = TRUE;
      toast (self, text);
    }
  if (!self->toasted_generalised && grok_metrics_get (m, last, GROK_COL_TEST_ACC) >= 0.99)
    {
      g_autofree char *text = g_strdup_printf ("Generalised at step %.0f: test accuracy reached 99%%",
                                               grok_metrics_get (m, last, GROK_COL_STEP));
      self->toasted_generalised = TRUE;
      toast (self, text);
    }
  if (!self->toasted_end && snapshot->state == GROK_RUN_DIVERGED)
    {
      self->toasted_end = TRUE;
      toast (self, grok_run_get_message (self->run));
    }
}

/* the views draw the current snapshot; only the visible one does work now */
static void
update_views (GrokWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  if (g_strcmp0 (page, "weights") == 0)
    grok_weights_view_set_params (self->weights_view, self->snapshot ? self->snapshot->params : NULL,
                                  gtk_toggle_button_get_active (self->weights_change) && self->first_snapshot
                                    ? self->first_snapshot->params : NULL);
  else if (g_strcmp0 (page, "regions") == 0 || g_strcmp0 (page, "connectivity") == 0 ||
           g_strcmp0 (page, "spectrum") == 0)
    {
      GrokComputedView *view = g_str_equal (page, "regions") ? self->regions_view
                               : g_str_equal (page, "spectrum") ? self->spectrum_view
                               : self->connectivity_view;
      grok_computed_view_set_run_dir (view, self->run_dir);
      if (self->first_snapshot != NULL)
        grok_computed_view_set_reference (view, self->first_snapshot->params,
                                          self->first_snapshot->train_step);
      grok_computed_view_set_params (view, self->snapshot ? self->snapshot->config : NULL,
                                     self->snapshot ? self->snapshot->params : NULL,
                                     self->snapshot ? self->snapshot->train_step : 0);
    }
  grok_curves_view_set_metrics (self->curves_view, self->snapshot ? self->snapshot->metrics : NULL);
  sync_curves_options (self);
}

static void
on_visible_view (AdwViewStack *stack, GParamSpec *pspec, GrokWindow *self)
{
  update_views (self);
}

/* ---- the step scale: browsing stored checkpoints ---- */

static void
refresh_checkpoints (GrokWindow *self)
{
  g_autoptr (GrokRunDir) dir = NULL;

  g_clear_pointer (&self->checkpoints, g_array_unref);
  if (self->run_dir != NULL && (dir = grok_run_dir_open (self->run_dir, NULL)) != NULL)
    self->checkpoints = g_array_ref (grok_run_dir_list_checkpoints (dir));
}

static void
update_step_label (GrokWindow *self)
{
  g_autofree char *text = NULL;

  if (self->snapshot == NULL)
    text = g_strdup ("");
  else if (self->following && self->run != NULL)
    text = g_strdup_printf ("step %" G_GINT64_FORMAT " (live)", self->snapshot->train_step);
  else
    text = g_strdup_printf ("step %" G_GINT64_FORMAT " (stored)", self->snapshot->train_step);
  gtk_label_set_text (self->step_label, text);
}

static void
set_scale (GrokWindow *self, double upper, double value)
{
  self->moving_scale = TRUE;
  gtk_adjustment_set_upper (self->step_adjustment, MAX (upper, 1));
  gtk_adjustment_set_value (self->step_adjustment, value);
  self->moving_scale = FALSE;
}

/* the newest stored step at or before step, or -1 */
static gint64
checkpoint_at (GrokWindow *self, double step)
{
  if (self->checkpoints == NULL || step < 0)
    return -1;
  return grok_checkpoint_steps_at (self->checkpoints, step >= (double) G_MAXINT64 ? G_MAXINT64
                                                                                 : (gint64) step);
}

static void update_views (GrokWindow *self);

/* show the checkpoint at step (a stored state, not the live one) */
static gboolean
show_checkpoint (GrokWindow *self, gint64 step)
{
  g_autoptr (GrokRunDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokParams) params = NULL;
  const GrokConfig *config = self->live ? self->live->config : self->folder_config;
  const GrokMetrics *metrics = self->live ? self->live->metrics : self->folder_metrics;

  if (self->snapshot != NULL && self->snapshot->train_step == step && !self->following)
    return TRUE;
  dir = grok_run_dir_open (self->run_dir, &error);
  params = dir != NULL ? grok_run_dir_read_model (dir, step, &error) : NULL;
  if (params == NULL || config == NULL || metrics == NULL)
    {
      if (error != NULL)
        toast (self, error->message);
      return FALSE;
    }
  g_clear_pointer (&self->snapshot, grok_snapshot_unref);
  self->snapshot = grok_snapshot_new (config, params, metrics, step, GROK_RUN_STOPPED);
  update_views (self);
  update_step_label (self);
  return TRUE;
}

static void
on_step_changed (GtkAdjustment *adjustment, GrokWindow *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  gint64 step;

  if (self->moving_scale)
    return;
  /* at the right end, follow the live run again */
  if (self->live != NULL && value >= gtk_adjustment_get_upper (adjustment) - 0.5)
    {
      self->following = TRUE;
      g_clear_pointer (&self->snapshot, grok_snapshot_unref);
      self->snapshot = grok_snapshot_ref (self->live);
      update_views (self);
      update_step_label (self);
      return;
    }
  self->following = FALSE;
  step = checkpoint_at (self, value);
  if (step >= 0)
    show_checkpoint (self, step);
}

static gboolean
play_tick (gpointer data)
{
  GrokWindow *self = data;
  gint64 current = self->snapshot ? self->snapshot->train_step : -1;

  for (guint i = 0; self->checkpoints != NULL && i < self->checkpoints->len; i++)
    {
      gint64 s = g_array_index (self->checkpoints, gint64, i);
      if (s > current)
        {
          set_scale (self, gtk_adjustment_get_upper (self->step_adjustment), s);
          self->following = FALSE;
          show_checkpoint (self, s);
          return G_SOURCE_CONTINUE;
        }
    }
  /* the end: follow the live run again, or stop on the last checkpoint */
  self->play_id = 0;
  gtk_toggle_button_set_active (self->play_button, FALSE);
  if (self->live != NULL)
    {
      double end = gtk_adjustment_get_upper (self->step_adjustment);
      set_scale (self, end, end);
      on_step_changed (self->step_adjustment, self);
    }
  return G_SOURCE_REMOVE;
}

static void
on_play_toggled (GtkToggleButton *button, GrokWindow *self)
{
  if (gtk_toggle_button_get_active (button) && self->play_id == 0)
    {
      refresh_checkpoints (self);
      /* from the start when at the end */
      if (self->following || (self->snapshot && checkpoint_at (self, G_MAXINT64) == self->snapshot->train_step))
        {
          g_clear_pointer (&self->snapshot, grok_snapshot_unref);
          self->following = FALSE;
        }
      self->play_id = g_timeout_add (400, play_tick, self);
    }
  else if (!gtk_toggle_button_get_active (button))
    g_clear_handle_id (&self->play_id, g_source_remove);
  gtk_button_set_icon_name (GTK_BUTTON (button), gtk_toggle_button_get_active (button)
                              ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
}

static void
on_snapshot (GrokRun *run, GrokSnapshot *snapshot, GrokWindow *self)
{
  g_clear_pointer (&self->live, grok_snapshot_unref);
  self->live = grok_snapshot_ref (snapshot);
  refresh_checkpoints (self);
  if (self->following)
    {
      g_clear_pointer (&self->snapshot, grok_snapshot_unref);
      self->snapshot = grok_snapshot_ref (snapshot);
      set_scale (self, snapshot->train_step, snapshot->train_step);
    }
  else
    set_scale (self, snapshot->train_step, gtk_adjustment_get_value (self->step_adjustment));
  update_step_label (self);
  announce (self, snapshot);
  update_progress (self);
  update_actions (self);
  if (self->following)
    update_views (self);
}

static void
on_run_state (GrokRun *run, GParamSpec *pspec, GrokWindow *self)
{
  update_progress (self);
  update_actions (self);
}

/* the series check buttons and the step-axis preference drive the curves' options */
static void
sync_curves_options (GrokWindow *self)
{
  GrokCurvesOptions *o = grok_curves_view_get_options (self->curves_view);

  o->show_train = gtk_check_button_get_active (self->show_train);
  o->show_test = gtk_check_button_get_active (self->show_test);
  o->show_loss = gtk_check_button_get_active (self->show_loss);
  o->show_accuracy = gtk_check_button_get_active (self->show_accuracy);
  o->show_markers = gtk_check_button_get_active (self->show_markers);
  o->log_x = g_settings_get_boolean (self->settings, "log-step-axis");
  grok_curves_view_options_changed (self->curves_view);
  if (!gtk_check_button_get_active (self->show_measures))
    o->extra_columns = NULL;
}

static void
on_series_toggled (GtkCheckButton *button, GrokWindow *self)
{
  sync_curves_options (self);
}

static char *
selected_preset (GrokWindow *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->preset_dropdown);
  return item ? g_strdup (gtk_string_object_get_string (item)) : NULL;
}

/* choosing a preset fills the settings with it */
static void
on_preset_selected (GtkDropDown *dropdown, GParamSpec *pspec, GrokWindow *self)
{
  g_autofree char *name = selected_preset (self);
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  if (name == NULL)
    return;
  config = grok_preset_load (name, &error);
  if (config == NULL)
    {
      toast (self, error->message);
      return;
    }
  grok_config_editor_set_config (self->config_editor, config);
  adw_window_title_set_subtitle (self->window_title, config->description);
  g_settings_set_string (self->settings, "preset", name);
}

static void
on_editor_changed (GrokConfigEditor *editor, GrokWindow *self)
{
  update_actions (self);
}

static void
stop_run (GrokWindow *self)
{
  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  g_clear_object (&self->preparing);
  if (self->run == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->run, self);
  grok_run_stop (self->run);
  g_clear_object (&self->run);
}

/* <runs folder>/<name>-<date>-<time> */
static char *
new_run_folder (GrokWindow *self, const GrokConfig *config)
{
  g_autofree char *base = g_settings_get_string (self->settings, "runs-folder");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *leaf = g_strdup_printf ("%s-%s", config->name[0] ? config->name : "run", stamp);

  g_strdelimit (leaf, "/\\ ", '-');
  if (base[0] == '\0')
    {
      g_free (base);
      base = g_build_filename (g_get_user_data_dir (), "grokscope", "runs", NULL);
    }
  return g_build_filename (base, leaf, NULL);
}

static void
remember_recent (GrokWindow *self, const char *folder)
{
  g_auto (GStrv) old = g_settings_get_strv (self->settings, "recent-runs");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) fresh = NULL;
  guint n = 1;

  g_strv_builder_add (builder, folder);
  for (guint i = 0; old[i] != NULL && n < 10; i++)
    if (!g_str_equal (old[i], folder))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  fresh = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-runs", (const char * const *) fresh);
}

static void
rebuild_recent_menu (GrokWindow *self)
{
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-runs");

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *label = g_path_get_basename (recent[i]);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
}

/* the views follow the live run from its first snapshot */
static void
start_showing_run (GrokWindow *self)
{
  g_clear_pointer (&self->live, grok_snapshot_unref);
  self->live = grok_run_dup_snapshot (self->run);
  g_clear_pointer (&self->snapshot, grok_snapshot_unref);
  self->snapshot = grok_snapshot_ref (self->live);
  g_clear_pointer (&self->first_snapshot, grok_snapshot_unref);
  self->first_snapshot = grok_snapshot_ref (self->snapshot);
  g_clear_pointer (&self->folder_metrics, grok_metrics_free);
  g_clear_pointer (&self->folder_config, grok_config_free);
  self->following = TRUE;
  refresh_checkpoints (self);
  set_scale (self, self->live->train_step, self->live->train_step);
  update_step_label (self);
  if (self->run_dir != NULL)
    remember_recent (self, self->run_dir);
}

/* make run (or report error) the live run: watch it, show it, start it */
static void
begin_run (GrokWindow *self, GrokRun *run, const GError *error, gboolean announced,
           gboolean one_step)
{
  if (run == NULL)
    {
      toast (self, error->message);
      update_actions (self);
      return;
    }
  self->run = run;
  self->toasted_memorised = self->toasted_generalised = self->toasted_end = announced;
  g_signal_connect_object (self->run, "snapshot", G_CALLBACK (on_snapshot), self, 0);
  g_signal_connect_object (self->run, "notify::state", G_CALLBACK (on_run_state), self, 0);
  start_showing_run (self);
  if (one_step)
    grok_run_step (self->run);
  else
    grok_run_start (self->run);
  update_actions (self);
  update_views (self);
}

/* A run is made on a worker thread: the one shown before is stopped there first (it may be in
 * the middle of a measure, and continuing a folder must wait for its last checkpoint), then the
 * new trainer is built (a transformer's takes a tenth of a second) and its folder created. */
typedef struct
{
  GrokRun    *old;
  GrokConfig *config;     /* a new run; NULL to continue dir */
  char       *dir;
  gint64      steps;      /* continuing: the steps in total */
  gboolean    announced;  /* its milestones were announced before */
  gboolean    one_step;   /* start paused and take one step (Step with no run) */
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_clear_object (&p->old);
  grok_config_free (p->config);
  g_free (p->dir);
  g_free (p);
}

static void
prepare_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Prepare *p = data;
  GError *error = NULL;
  GrokRun *run;

  if (p->old != NULL)
    grok_run_stop (p->old);
  if (p->config != NULL)
    run = grok_run_new (p->config, p->dir, FALSE, &error);
  else
    run = grok_run_new_continue (p->dir, p->steps, &error);
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, g_object_unref);
}

static void
on_prepared (GObject *source, GAsyncResult *result, gpointer data)
{
  GrokWindow *self = GROK_WINDOW (source);
  Prepare *p = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  GrokRun *run = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      /* the window moved on (closed, or another run asked for) while this one was made; it
       * never started, so it has no thread to wait for */
      if (run != NULL)
        {
          grok_run_stop (run);
          g_object_unref (run);
        }
      return;
    }
  g_clear_object (&self->preparing);
  begin_run (self, run, error, p->announced, p->one_step);
}

/* stops the run shown and makes the next one on a worker thread: config for a new run in dir,
 * or NULL to continue dir to steps */
static void
prepare_run (GrokWindow *self, GrokConfig *config, const char *dir, gint64 steps,
             gboolean announced, gboolean one_step)
{
  g_autoptr (GTask) task = NULL;
  Prepare *p = g_new0 (Prepare, 1);

  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  g_clear_object (&self->preparing);
  self->preparing = g_cancellable_new ();
  if (self->run != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      grok_run_request_stop (self->run);
      p->old = g_steal_pointer (&self->run);
    }
  p->config = config;
  p->dir = g_strdup (dir);
  p->steps = steps;
  p->announced = announced;
  p->one_step = one_step;
  task = g_task_new (self, self->preparing, on_prepared, NULL);
  g_task_set_task_data (task, p, (GDestroyNotify) prepare_free);
  /* the result is checked for cancellation by on_prepared, which must see a made run to stop it */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, prepare_thread);
  gtk_progress_bar_set_text (self->progress_bar, config != NULL ? "Preparing the run…"
                                                                : "Preparing to continue…");
  update_actions (self);
}

/* browse a run folder: its metrics, its checkpoints, its config in the settings */
static gboolean
open_folder (GrokWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
  const char * const *problems;
  gint64 last;

  if (dir == NULL)
    {
      toast (self, error->message);
      return FALSE;
    }
  stop_run (self);
  g_clear_pointer (&self->live, grok_snapshot_unref);
  g_free (self->run_dir);
  self->run_dir = g_strdup (path);
  g_clear_pointer (&self->folder_metrics, grok_metrics_free);
  g_clear_pointer (&self->folder_config, grok_config_free);
  self->folder_metrics = grok_metrics_copy (grok_run_dir_get_metrics (dir));
  self->folder_config = grok_config_copy (grok_run_dir_get_config (dir));
  g_clear_pointer (&self->checkpoints, g_array_unref);
  self->checkpoints = g_array_ref (grok_run_dir_get_checkpoints (dir));
  problems = grok_run_dir_get_problems (dir);
  if (problems != NULL && problems[0] != NULL)
    toast (self, problems[0]);
  grok_config_editor_set_config (self->config_editor, self->folder_config);
  adw_window_title_set_subtitle (self->window_title, path);
  self->following = FALSE;
  last = checkpoint_at (self, G_MAXINT64);
  g_clear_pointer (&self->first_snapshot, grok_snapshot_unref);
  if (last < 0)
    {
      toast (self, "The run folder has no intact checkpoint to show");
      return FALSE;
    }
  set_scale (self, last, last);
  if (show_checkpoint (self, g_array_index (self->checkpoints, gint64, 0)))
    self->first_snapshot = grok_snapshot_ref (self->snapshot);
  show_checkpoint (self, last);
  remember_recent (self, path);
  update_actions (self);
  return TRUE;
}

static void
on_open_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      open_folder (self, path);
    }
  g_object_unref (chooser);
}

/* a modal chooser of run folders; on_response owns (and unrefs) it */
static void
choose_folders (GtkWidget *window, const char *title, const char *accept, gboolean multiple,
                GCallback on_response)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (title, GTK_WINDOW (window), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                 accept, "_Cancel");

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), multiple);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", on_response, window, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Save Run As: the folder shown is copied (on a worker thread) to a new folder of the person's
 * choosing, which the window then shows; a run that is training is stopped first */
typedef struct
{
  char *src, *dest;
} CopyJob;

static void
copy_job_free (CopyJob *job)
{
  g_free (job->src);
  g_free (job->dest);
  g_free (job);
}

static void
copy_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CopyJob *job = data;
  GError *error = NULL;

  if (grok_run_dir_copy (job->src, job->dest, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_copied (GObject *source, GAsyncResult *result, gpointer data)
{
  GrokWindow *self = GROK_WINDOW (source);
  CopyJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, error->message);
      return;
    }
  if (open_folder (self, job->dest))
    {
      g_autofree char *text = g_strdup_printf ("Saved the run as %s", job->dest);
      toast (self, text);
    }
}

static void
on_save_as_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->run_dir != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr (GTask) task = g_task_new (self, NULL, on_copied, NULL);
      CopyJob *job = g_new0 (CopyJob, 1);

      job->src = g_strdup (self->run_dir);
      job->dest = g_file_get_path (file);
      g_task_set_task_data (task, job, (GDestroyNotify) copy_job_free);
      g_task_run_in_thread (task, copy_thread);
    }
  g_object_unref (chooser);
}

static void
save_as_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->run_dir == NULL)
    return;
  chooser = gtk_file_chooser_native_new ("Save the Run As", GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  name = g_path_get_basename (self->run_dir);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_save_as_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_folders (widget, "Open a Run Folder", "_Open", FALSE, G_CALLBACK (on_open_response));
}

static void
open_recent_action (GtkWidget *widget, const char *action, GVariant *param)
{
  open_folder (GROK_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* continue the folder shown (stopped, crashed or finished) from its newest checkpoint, to the
 * number of steps in the settings */
static void
continue_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  g_autoptr (GrokConfig) config = grok_config_editor_dup_config (self->config_editor);
  g_autofree char *dir = g_strdup (self->run_dir);

  if (dir == NULL || config == NULL)
    return;
  /* its milestones were announced when it first ran */
  prepare_run (self, NULL, dir, config->train.steps, TRUE, FALSE);
}

/* compare: other run folders' curves drawn with this run's as mean and min-max band */
static void
on_compare_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) grok_metrics_free);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);
          g_autoptr (GError) error = NULL;
          g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
          if (dir == NULL)
            toast (self, error->message);
          else
            g_ptr_array_add (others, grok_metrics_copy (grok_run_dir_get_metrics (dir)));
        }
      grok_curves_view_set_others (self->curves_view, others);
      if (others->len > 0)
        {
          g_autofree char *text = g_strdup_printf ("Curves show the mean and range of %u runs",
                                                   others->len + 1);
          toast (self, text);
        }
    }
  g_object_unref (chooser);
}

static void
compare_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_folders (widget, "Compare With Run Folders", "_Compare", TRUE,
                  G_CALLBACK (on_compare_response));
}

/* a new run of the experiment in the settings, in a new folder: trained, or one step taken */
static void
new_run (GrokWindow *self, gboolean one_step)
{
  g_autoptr (GrokConfig) config = grok_config_editor_dup_config (self->config_editor);

  if (config == NULL)
    return;
  /* OpenBLAS's threads spin while they wait for work: with every core training, the window
   * would get the processor only in slices. Leave one core to the window unless the
   * experiment asks for a thread count. */
  if (config->train.threads == 0 && g_get_num_processors () > 1)
    config->train.threads = g_get_num_processors () - 1;
  g_free (self->run_dir);
  self->run_dir = new_run_folder (self, config);
  prepare_run (self, g_steal_pointer (&config), self->run_dir, 0, FALSE, one_step);
}

static void
train_action (GtkWidget *widget, const char *action, GVariant *param)
{
  new_run (GROK_WINDOW (widget), FALSE);
}

static void
pause_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  if (self->run == NULL)
    return;
  if (grok_run_get_state (self->run) == GROK_RUN_PAUSED)
    grok_run_resume (self->run);
  else
    grok_run_pause (self->run);
}

static void
step_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  /* after a reset, Step starts the experiment afresh and stops after its first step */
  if (self->run != NULL)
    grok_run_step (self->run);
  else if (self->snapshot == NULL && self->preparing == NULL)
    new_run (self, TRUE);
}

static void
retire_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  grok_run_stop (data);
}

/* Reset: the run shown stops (its folder keeps what it trained, and stays in Recent Runs) and
 * the window goes back to before the first step; Train or Step then start the experiment
 * afresh. Waiting for the thread happens on a worker, as it may be in the middle of a measure. */
static void
reset_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  g_clear_object (&self->preparing);
  if (self->run != NULL)
    {
      g_autoptr (GTask) task = g_task_new (NULL, NULL, NULL, NULL);
      g_signal_handlers_disconnect_by_data (self->run, self);
      grok_run_request_stop (self->run);
      g_task_set_task_data (task, g_steal_pointer (&self->run), g_object_unref);
      g_task_run_in_thread (task, retire_thread);
    }
  g_clear_pointer (&self->live, grok_snapshot_unref);
  g_clear_pointer (&self->snapshot, grok_snapshot_unref);
  g_clear_pointer (&self->first_snapshot, grok_snapshot_unref);
  g_clear_pointer (&self->folder_metrics, grok_metrics_free);
  g_clear_pointer (&self->folder_config, grok_config_free);
  g_clear_pointer (&self->checkpoints, g_array_unref);
  g_clear_pointer (&self->run_dir, g_free);
  gtk_toggle_button_set_active (self->play_button, FALSE);
  self->following = TRUE;
  set_scale (self, 1, 0);
  update_step_label (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar,
                             "Reset: Train or Step starts the experiment from step 0");
  update_actions (self);
  update_views (self);
}

static void
stop_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  /* the thread ends after the step or measure in progress; its last snapshot brings the state */
  if (self->run != NULL)
    grok_run_request_stop (self->run);
  update_actions (self);
  update_progress (self);
}

static GrokView
visible_view (GrokWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  GrokView view = GROK_VIEW_CURVES;

  grok_view_from_name (g_strcmp0 (page, "weights") == 0 ? "heatmap" : page, &view, NULL);
  return view;
}

static const char *
run_name (GrokWindow *self)
{
  return self->snapshot && self->snapshot->config->name[0] ? self->snapshot->config->name : "grokscope";
}

static void
export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  if (self->snapshot == NULL)
    {
      toast (self, "Nothing to export yet: train a run first");
      return;
    }
  grok_export_figure_interactive (GTK_WINDOW (self), self->settings, self->toast_overlay,
                                  self->snapshot, visible_view (self), run_name (self),
                                  self->run_dir);
}

static void
export_all_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  if (self->snapshot == NULL)
    {
      toast (self, "Nothing to export yet: train a run first");
      return;
    }
  grok_export_all_interactive (GTK_WINDOW (self), self->settings, self->toast_overlay,
                               self->snapshot, run_name (self), self->run_dir);
}

static void
about_action (GtkWidget *widget, const char *action, GVariant *param)
{
  const char *developers[] = { "The Grokscope developers", NULL };
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), "Grokscope");
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), "org.grokscope.Grokscope");
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), GROK_VERSION);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 "Train small neural networks and watch them memorise, then "
                                 "generalise: training curves, weights, spectra and complexity "
                                 "measures, live.");
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (widget));
  gtk_window_present (GTK_WINDOW (about));
}

static void
apply_color_scheme (GrokWindow *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme value = g_str_equal (scheme, "light") ? ADW_COLOR_SCHEME_FORCE_LIGHT
                         : g_str_equal (scheme, "dark") ? ADW_COLOR_SCHEME_FORCE_DARK
                         : ADW_COLOR_SCHEME_DEFAULT;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static void
on_setting_changed (GSettings *settings, const char *key, GrokWindow *self)
{
  if (g_str_equal (key, "color-scheme"))
    apply_color_scheme (self);
  sync_curves_options (self);
}

static void
on_scheme_row_selected (AdwComboRow *row, GParamSpec *pspec, GrokWindow *self)
{
  static const char * const values[] = { "system", "light", "dark" };
  guint i = adw_combo_row_get_selected (row);

  if (i < G_N_ELEMENTS (values))
    g_settings_set_string (self->settings, "color-scheme", values[i]);
}

static void
preferences_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *scheme = adw_combo_row_new ();
  GtkWidget *log_row = adw_action_row_new ();
  GtkWidget *log_switch = gtk_switch_new ();
  const char *schemes[] = { "Follow the system", "Light", "Dark", NULL };
  g_autoptr (GtkStringList) model = gtk_string_list_new (schemes);
  g_autofree char *current = g_settings_get_string (self->settings, "color-scheme");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), "Appearance");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (scheme), "Style");
  adw_combo_row_set_model (ADW_COMBO_ROW (scheme), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (scheme), g_str_equal (current, "light") ? 1
                                                      : g_str_equal (current, "dark") ? 2 : 0);
  g_signal_connect_object (scheme, "notify::selected", G_CALLBACK (on_scheme_row_selected), self, 0);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (log_row), "Logarithmic step axis");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (log_row), "Spread early training out on the curves");
  gtk_widget_set_valign (log_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (log_row), log_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (log_row), log_switch);
  g_settings_bind (self->settings, "log-step-axis", log_switch, "active", G_SETTINGS_BIND_DEFAULT);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), scheme);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), log_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (window));
}

static gboolean
grok_window_close_request (GtkWindow *window)
{
  GrokWindow *self = GROK_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  return GTK_WINDOW_CLASS (grok_window_parent_class)->close_request (window);
}

static void
grok_window_dispose (GObject *object)
{
  GrokWindow *self = GROK_WINDOW (object);

  stop_run (self);
  g_clear_pointer (&self->snapshot, grok_snapshot_unref);
  g_clear_pointer (&self->first_snapshot, grok_snapshot_unref);
  g_clear_pointer (&self->live, grok_snapshot_unref);
  g_clear_pointer (&self->run_dir, g_free);
  g_clear_pointer (&self->folder_metrics, grok_metrics_free);
  g_clear_pointer (&self->folder_config, grok_config_free);
  g_clear_pointer (&self->checkpoints, g_array_unref);
  g_clear_handle_id (&self->play_id, g_source_remove);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (grok_window_parent_class)->dispose (object);
}

static void
grok_window_class_init (GrokWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = grok_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = grok_window_close_request;

  g_type_ensure (GROK_TYPE_CONFIG_EDITOR);
  g_type_ensure (GROK_TYPE_CURVES_VIEW);
  g_type_ensure (GROK_TYPE_WEIGHTS_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/grokscope/Grokscope/grok-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, config_editor);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, weights_view);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, weights_change);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, regions_bin);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, connectivity_bin);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, spectrum_bin);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, curves_view);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_scale);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_adjustment);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_label);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_train);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_test);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_loss);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_accuracy);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_markers);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_measures);

  gtk_widget_class_install_action (widget_class, "win.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, reset_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reset", NULL);
  gtk_widget_class_install_action (widget_class, "win.about", NULL, about_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_install_action (widget_class, "win.export-all", NULL, export_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.export-all", NULL);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.train", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.step", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, GDK_CONTROL_MASK, "win.stop", NULL);
}

static void
grok_window_init (GrokWindow *self)
{
  g_auto (GStrv) presets = grok_presets_list ();
  g_autoptr (GtkStringList) model = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->regions_view = GROK_COMPUTED_VIEW (grok_computed_view_new (GROK_VIEW_REGIONS));
  self->connectivity_view = GROK_COMPUTED_VIEW (grok_computed_view_new (GROK_VIEW_CONNECTIVITY));
  adw_bin_set_child (self->regions_bin, GTK_WIDGET (self->regions_view));
  adw_bin_set_child (self->connectivity_bin, GTK_WIDGET (self->connectivity_view));
  self->spectrum_view = GROK_COMPUTED_VIEW (grok_computed_view_new (GROK_VIEW_SPECTRUM));
  adw_bin_set_child (self->spectrum_bin, GTK_WIDGET (self->spectrum_view));
  self->settings = grok_settings_new ();
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self, 0);
  apply_color_scheme (self);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  model = gtk_string_list_new ((const char * const *) presets);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (on_visible_view), self, 0);
  g_signal_connect_object (self->config_editor, "changed", G_CALLBACK (on_editor_changed), self, 0);
  g_signal_connect_object (self->preset_dropdown, "notify::selected", G_CALLBACK (on_preset_selected), self, 0);
  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (model));
  {
    g_autofree char *preferred = g_settings_get_string (self->settings, "preset");
    guint chosen = 0;
    for (guint i = 0; presets[i] != NULL; i++)
      if (g_str_equal (presets[i], preferred) || (g_str_equal (presets[i], "quick") && chosen == 0))
        chosen = i;
    gtk_drop_down_set_selected (self->preset_dropdown, chosen);
    /* selecting the first item emits nothing: fill the editor once by hand */
    on_preset_selected (self->preset_dropdown, NULL, self);
  }
  {
    GtkCheckButton *buttons[] = { self->show_train, self->show_test, self->show_loss,
                                  self->show_accuracy, self->show_markers, self->show_measures };
    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      g_signal_connect_object (buttons[i], "toggled", G_CALLBACK (on_series_toggled), self, 0);
  }
  sync_curves_options (self);
  self->following = TRUE;
  g_signal_connect_object (self->step_adjustment, "value-changed", G_CALLBACK (on_step_changed), self, 0);
  g_signal_connect_object (self->play_button, "toggled", G_CALLBACK (on_play_toggled), self, 0);
  g_signal_connect_object (self->weights_change, "toggled", G_CALLBACK (update_views), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent-runs", G_CALLBACK (rebuild_recent_menu),
                           self, G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);
  update_actions (self);
}

GrokWindow *
grok_window_new (AdwApplication *application)
{
  return g_object_new (GROK_TYPE_WINDOW, "application", application, NULL);
}

GrokSnapshot *
grok_window_get_snapshot (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return self->snapshot;
}

const char *
grok_window_get_run_dir (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return self->run_dir;
}

GtkWidget *
grok_window_get_curves_area (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->curves_view);
}
