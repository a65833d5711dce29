/* The main window: a preset chooser and run controls in the header bar, the settings, and the
 * views of the run shown. What is shown, and everything said about it, is the session's
 * (grok-session.h): the window binds its widgets to the session's properties and turns
 * actions into the session's calls. */
#include "grok-window.h"
#include "grok-window-private.h"

#include "grok-computed-view.h"
#include "grok-config-editor.h"
#include "grok-curves-view.h"
#include "grok-export-dialog.h"
#include "grok-figure-curves.h"
#include "grok-presets.h"
#include "grok-run-views.h"
#include "grok-session.h"
#include "grok-settings.h"
#include "grok-stop-dialog.h"
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
  GrokConfig      *curves_config;  /* the run the curves' panel notes were made for */
  GtkCheckButton  *show_train, *show_test, *show_loss, *show_accuracy, *show_markers, *show_measures;
  GtkAdjustment   *smoothing_adjustment;
  GrokWeightsView *weights_view;
  GtkToggleButton *weights_change;
  GrokComputedView *computed[GROK_N_VIEWS]; /* the pages of views drawn from views files */
  AdwViewStack    *view_stack;
  GtkToggleButton *play_button;
  GtkAdjustment   *step_adjustment;
  GtkLabel        *step_label;
  GMenu           *recent_section;

  GSettings       *settings;
  GrokSession     *session;
  gboolean         moving_scale;   /* the scale is being set by code, not by a person */
  gboolean         ending;         /* the run is stopping before the window closes */
  GtkWidget       *asking;         /* the question before closing, while it is shown */
};

G_DEFINE_FINAL_TYPE (GrokWindow, grok_window, ADW_TYPE_APPLICATION_WINDOW)

static GrokView visible_view (GrokWindow *self);

static void
toast (GrokWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
update_actions (GrokWindow *self)
{
  GrokSession *s = self->session;
  gboolean live = grok_session_get_live (s);
  gboolean preparing = grok_session_get_preparing (s);
  gboolean shown = grok_session_get_snapshot (s) != NULL;
  gboolean has_dir = grok_session_get_run_dir (s) != NULL;
  GrokRunState state = grok_session_get_state (s);
  const char *problem = grok_config_editor_get_problem (self->config_editor);
  const char *icon = state == GROK_RUN_PAUSED ? "media-playback-start-symbolic"
                                              : "media-playback-pause-symbolic";

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.train", problem == NULL && !preparing);
  if (problem != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Cannot train: %s", problem);
      gtk_label_set_text (self->problem_label, text);
    }
  gtk_revealer_set_reveal_child (self->problem_revealer, problem != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", state == GROK_RUN_PAUSED ||
                                 (!shown && !preparing && problem == NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset", shown || preparing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", !live && has_dir);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.continue", !live && has_dir && !preparing);
  /* setting the same icon again would still rebuild the button's image */
  if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (self->pause_button)), icon) != 0)
    gtk_button_set_icon_name (GTK_BUTTON (self->pause_button), icon);
}

/* the curves' data of a run (its lmn point count) follows its config, not each snapshot */
static void
sync_curves_data (GrokWindow *self, GrokSnapshot *snapshot)
{
  g_auto (GrokViewInput) input = { 0 };
  g_autoptr (GrokViewData) data = NULL;

  grok_config_view_input_init (&input, snapshot->config, snapshot->params, snapshot->train_step);
  data = grok_view_data_new (GROK_VIEW_CURVES, &input, NULL, NULL);

  g_clear_pointer (&self->curves_config, grok_config_unref);
  self->curves_config = grok_config_ref (snapshot->config);
  grok_curves_view_get_options (self->curves_view)->lmn_points = data ? data->lmn_points : 0;
  grok_curves_view_options_changed (self->curves_view);
}

/* the curves draw the whole run, with a cursor at a stored checkpoint being browsed */
static void
sync_curves_run (GrokWindow *self)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);
  GrokSnapshot *newest = grok_session_get_newest (self->session);

  if (snapshot == NULL || newest == NULL)
    newest = snapshot;
  grok_curves_view_set_metrics (self->curves_view, newest ? newest->metrics : NULL);
  grok_curves_view_set_cursor (self->curves_view,
                               snapshot != NULL && snapshot->train_step != newest->train_step,
                               snapshot ? (double) snapshot->train_step : NAN);
}

/* the views draw the session's snapshot; only the visible one does work now */
static void
update_views (GrokWindow *self)
{
  GrokView shown = visible_view (self);
  GrokComputedView *view = self->computed[shown];
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);
  GrokSnapshot *first = grok_session_get_first (self->session);

  if (shown == GROK_VIEW_HEATMAP)
    grok_weights_view_set_params (self->weights_view, snapshot ? snapshot->params : NULL,
                                  gtk_toggle_button_get_active (self->weights_change) && first
                                    ? first->params : NULL);
  else if (view != NULL)
    {
      grok_computed_view_set_run_dir (view, grok_session_get_run_dir (self->session));
      if (first != NULL)
        grok_computed_view_set_reference (view, first->params, first->train_step);
      grok_computed_view_set_params (view, snapshot ? snapshot->config : NULL,
                                     snapshot ? snapshot->params : NULL,
                                     snapshot ? snapshot->train_step : 0);
    }
  sync_curves_run (self);
  if (snapshot != NULL && snapshot->config != self->curves_config)
    sync_curves_data (self, snapshot);
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
  grok_curves_view_set_show_measures (self->curves_view,
                                      gtk_check_button_get_active (self->show_measures));
  grok_curves_view_options_changed (self->curves_view);
}

/* ---- the step scale: set by the session, moved by a person ---- */

static void
on_scale (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  self->moving_scale = TRUE;
  gtk_adjustment_set_upper (self->step_adjustment, grok_session_get_scale_upper (session));
  gtk_adjustment_set_value (self->step_adjustment, grok_session_get_scale_value (session));
  self->moving_scale = FALSE;
  /* a live run's new rows reach the curves while a checkpoint is browsed */
  sync_curves_run (self);
}

static void
on_step_changed (GtkAdjustment *adjustment, GrokWindow *self)
{
  if (!self->moving_scale)
    grok_session_seek (self->session, gtk_adjustment_get_value (adjustment));
}

static void
on_playing (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button), grok_session_get_playing (session)
                              ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
}

/* the drop-down names the experiment shown: its preset, or none when it is not one */
static void
on_preset_label (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  const char *label = grok_session_get_preset_label (session);
  GListModel *model = gtk_drop_down_get_model (self->preset_dropdown);
  guint found = GTK_INVALID_LIST_POSITION;

  if (label == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);
      if (g_str_equal (gtk_string_object_get_string (item), label))
        found = i;
    }
  /* only the label follows: the settings already hold the run's own config */
  g_signal_handlers_block_matched (self->preset_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_drop_down_set_selected (self->preset_dropdown, found);
  g_signal_handlers_unblock_matched (self->preset_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

static void
on_message (GrokSession *session, const char *text, GrokWindow *self)
{
  toast (self, text);
}

static void
on_compared (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  GPtrArray *others = grok_session_get_compared (session);

  grok_curves_view_set_others (self->curves_view, others);
  if (others->len > 0)
    {
      g_autofree char *text = g_strdup_printf ("Curves show the mean and range of %u runs",
                                               others->len + 1);
      toast (self, text);
    }
}

static void
on_series_toggled (GtkCheckButton *button, GrokWindow *self)
{
  sync_curves_options (self);
}

static void
on_smoothing_changed (GtkAdjustment *adjustment, GrokWindow *self)
{
  grok_curves_view_set_smoothing (self->curves_view, gtk_adjustment_get_value (adjustment));
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
  grok_session_set_idle_subtitle (self->session, config->description);
  g_settings_set_string (self->settings, "preset", name);
}

static void
on_editor_changed (GrokConfigEditor *editor, GrokWindow *self)
{
  update_actions (self);
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

/* a run of the folder shown is remembered among the recent ones */
static void
on_run_dir (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  const char *dir = grok_session_get_run_dir (session);

  if (dir != NULL)
    remember_recent (self, dir);
}

gboolean
grok_window_open (GrokWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (GROK_IS_WINDOW (self), FALSE);
  if (!grok_session_open (self->session, path, &error))
    {
      toast (self, error->message);
      return FALSE;
    }
  grok_config_editor_set_config (self->config_editor, grok_session_get_snapshot (self->session)->config);
  return TRUE;
}

static void
on_open_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      grok_window_open (self, path);
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

/* Save Run As: the session copies the folder shown to the person's choice and shows the copy */
static void
on_save_as_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      grok_session_save_as (self->session, path);
    }
  g_object_unref (chooser);
}

static void
save_as_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (grok_session_get_run_dir (self->session) == NULL)
    return;
  chooser = gtk_file_chooser_native_new ("Save the Run As", GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  name = g_path_get_basename (grok_session_get_run_dir (self->session));
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
  grok_window_open (GROK_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* continue the folder shown (stopped, crashed or finished) from its newest checkpoint, to the
 * number of steps in the settings */
static void
continue_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  g_autoptr (GrokConfig) config = grok_config_editor_dup_config (self->config_editor);

  if (config != NULL)
    grok_session_continue (self->session, config->train.steps);
}

/* compare: other run folders' curves drawn with this run's as mean and min-max band */
static void
on_compare_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr (GStrvBuilder) paths = g_strv_builder_new ();
      g_auto (GStrv) list = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);
          g_strv_builder_add (paths, path);
        }
      list = g_strv_builder_end (paths);
      grok_session_compare (self->session, (const char * const *) list);
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
  g_autofree char *dir = NULL;

  if (config == NULL)
    return;
  dir = new_run_folder (self, config);
  grok_session_train (self->session, g_steal_pointer (&config), dir, one_step);
}

static void
train_action (GtkWidget *widget, const char *action, GVariant *param)
{
  new_run (GROK_WINDOW (widget), FALSE);
}

static void
pause_action (GtkWidget *widget, const char *action, GVariant *param)
{
  grok_session_pause_resume (GROK_WINDOW (widget)->session);
}

static void
step_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);

  /* after a reset, Step starts the experiment afresh and stops after its first step */
  if (grok_session_get_live (self->session))
    grok_session_step (self->session);
  else if (grok_session_get_snapshot (self->session) == NULL && !grok_session_get_preparing (self->session))
    new_run (self, TRUE);
}

/* Reset: the run shown stops (its folder keeps what it trained, and stays in Recent Runs) and
 * the window goes back to before the first step; Train or Step then start the experiment
 * afresh */
static void
reset_action (GtkWidget *widget, const char *action, GVariant *param)
{
  grok_session_reset (GROK_WINDOW (widget)->session);
}

static void
stop_action (GtkWidget *widget, const char *action, GVariant *param)
{
  grok_session_stop (GROK_WINDOW (widget)->session);
}

static GrokView
visible_view (GrokWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  GrokView view = GROK_VIEW_CURVES;

  grok_view_from_name (page, &view, NULL);
  return view;
}

static const char *
run_name (GrokWindow *self)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  return snapshot && snapshot->config->name[0] ? snapshot->config->name : "grokscope";
}

static void
export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  if (snapshot == NULL)
    {
      toast (self, "Nothing to export yet: train a run first");
      return;
    }
  grok_export_figure_interactive (GTK_WINDOW (self), self->settings, self->toast_overlay,
                                  snapshot, visible_view (self), run_name (self),
                                  grok_session_get_run_dir (self->session));
}

static void
export_all_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  if (snapshot == NULL)
    {
      toast (self, "Nothing to export yet: train a run first");
      return;
    }
  grok_export_all_interactive (GTK_WINDOW (self), self->settings, self->toast_overlay,
                               snapshot, run_name (self), grok_session_get_run_dir (self->session));
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
  else if (g_str_equal (key, "log-step-axis"))
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

/* ---- closing: the run stops and writes its last checkpoint first ---- */

static void
on_session_ended (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  GrokWindow *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  self->ending = FALSE;
  if (!grok_session_end_finish (GROK_SESSION (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf ("The window stays open: the run's last steps "
                                               "could not be kept (%s)", error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
      toast (self, text);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
  g_task_return_boolean (task, TRUE);
}

void
grok_window_end_async (GrokWindow *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (GROK_IS_WINDOW (self));
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, grok_window_end_async);
  self->ending = TRUE;
  /* a run in the middle of a measure takes a moment to stop: nothing more to start meanwhile */
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  grok_session_end_async (self->session, on_session_ended, task);
}

gboolean
grok_window_end_finish (GrokWindow *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_close_answer (AdwMessageDialog *dialog, const char *response, GrokWindow *self)
{
  if (g_str_equal (response, "stop"))
    grok_window_end_async (self, NULL, NULL);
}

static void
ask_before_closing (GrokWindow *self)
{
  g_autoptr (GPtrArray) sessions = g_ptr_array_new ();

  if (self->asking != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->asking));
      return;
    }
  g_ptr_array_add (sessions, self->session);
  self->asking = grok_stop_dialog_new (GTK_WINDOW (self), sessions, FALSE);
  g_object_add_weak_pointer (G_OBJECT (self->asking), (gpointer *) &self->asking);
  g_signal_connect_object (self->asking, "response", G_CALLBACK (on_close_answer), self, 0);
  gtk_window_present (GTK_WINDOW (self->asking));
}

/* a run that trains or is paused is stopped only when the person says so; one stopping (or
 * being made) is waited for, so that the window never goes before the run's last checkpoint */
static gboolean
grok_window_close_request (GtkWindow *window)
{
  GrokWindow *self = GROK_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (self->ending)
    return TRUE;
  if (grok_session_get_live (self->session))
    {
      ask_before_closing (self);
      return TRUE;
    }
  if (grok_session_get_writing (self->session))
    {
      grok_window_end_async (self, NULL, NULL);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (grok_window_parent_class)->close_request (window);
}

static void
grok_window_dispose (GObject *object)
{
  GrokWindow *self = GROK_WINDOW (object);

  /* a question about this window's run has nothing left to ask */
  if (self->asking != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->asking), (gpointer *) &self->asking);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->asking)));
    }
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->curves_config, grok_config_unref);
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
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, curves_view);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_adjustment);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_label);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_train);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_test);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_loss);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_accuracy);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_markers);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_measures);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, smoothing_adjustment);

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

/* one page per row of the views table, named as grokscope-cli figure --view names it: the
 * template holds the pages with controls of their own, the rest are computed views */
static void
add_view_pages (GrokWindow *self)
{
  for (guint v = 0; v < GROK_N_VIEWS; v++)
    {
      const GrokViewKind *kind = grok_view_kind (v);
      GtkWidget *child = adw_view_stack_get_child_by_name (self->view_stack, kind->name);
      AdwViewStackPage *page;

      if (child == NULL)
        {
          g_assert (kind->source == GROK_VIEW_FROM_VIEWS_FILE);
          self->computed[v] = GROK_COMPUTED_VIEW (grok_computed_view_new (v));
          child = GTK_WIDGET (self->computed[v]);
          adw_view_stack_add_named (self->view_stack, child, kind->name);
        }
      page = adw_view_stack_get_page (self->view_stack, child);
      adw_view_stack_page_set_title (page, kind->title);
      adw_view_stack_page_set_icon_name (page, kind->icon);
    }
}

/* the widgets that only show what the session says are bound to it */
static void
bind_session (GrokWindow *self)
{
  const struct { const char *source; gpointer target; const char *property; } bindings[] = {
    { "title", self->window_title, "title" },
    { "subtitle", self->window_title, "subtitle" },
    { "status", self->progress_bar, "text" },
    { "progress", self->progress_bar, "fraction" },
    { "step-label", self->step_label, "label" },
  };
  const char *actions[] = { "notify::snapshot", "notify::run-dir", "notify::state", "notify::live",
                            "notify::preparing" };

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_object_bind_property (self->session, bindings[i].source, bindings[i].target,
                            bindings[i].property, G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->session, "playing", self->play_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_signal_connect_object (self->session, actions[i], G_CALLBACK (update_actions), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::snapshot", G_CALLBACK (update_views), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::scale-upper", G_CALLBACK (on_scale), self, 0);
  g_signal_connect_object (self->session, "notify::scale-value", G_CALLBACK (on_scale), self, 0);
  g_signal_connect_object (self->session, "notify::playing", G_CALLBACK (on_playing), self, 0);
  g_signal_connect_object (self->session, "notify::preset-label", G_CALLBACK (on_preset_label), self, 0);
  g_signal_connect_object (self->session, "notify::run-dir", G_CALLBACK (on_run_dir), self, 0);
  g_signal_connect_object (self->session, "notify::compared", G_CALLBACK (on_compared), self, 0);
  g_signal_connect_object (self->session, "message", G_CALLBACK (on_message), self, 0);
}

/* the preset drop-down, on the person's last choice (quick the first time) */
static void
init_presets (GrokWindow *self)
{
  g_auto (GStrv) presets = grok_presets_list ();
  g_autoptr (GtkStringList) model = gtk_string_list_new ((const char * const *) presets);
  g_autofree char *preferred = g_settings_get_string (self->settings, "preset");
  guint chosen = 0;

  g_signal_connect_object (self->preset_dropdown, "notify::selected", G_CALLBACK (on_preset_selected), self, 0);
  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (model));
  for (guint i = 0; presets[i] != NULL; i++)
    if (g_str_equal (presets[i], preferred) || (g_str_equal (presets[i], "quick") && chosen == 0))
      chosen = i;
  gtk_drop_down_set_selected (self->preset_dropdown, chosen);
  /* selecting the first item emits nothing: fill the editor once by hand */
  on_preset_selected (self->preset_dropdown, NULL, self);
}

/* the series menu's check buttons choose what the curves draw */
static void
connect_series (GrokWindow *self)
{
  GtkCheckButton *series[] = { self->show_train, self->show_test, self->show_loss,
                               self->show_accuracy, self->show_markers, self->show_measures };

  for (guint i = 0; i < G_N_ELEMENTS (series); i++)
    g_signal_connect_object (series[i], "toggled", G_CALLBACK (on_series_toggled), self, 0);
  g_signal_connect_object (self->smoothing_adjustment, "value-changed",
                           G_CALLBACK (on_smoothing_changed), self, 0);
  sync_curves_options (self);
}

static void
grok_window_init (GrokWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_view_pages (self);
  self->settings = grok_settings_new ();
  self->session = grok_session_new ();
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self, 0);
  apply_color_scheme (self);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  bind_session (self);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (update_views), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->config_editor, "changed", G_CALLBACK (on_editor_changed), self, 0);
  init_presets (self);
  connect_series (self);
  g_signal_connect_object (self->step_adjustment, "value-changed", G_CALLBACK (on_step_changed), self, 0);
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

gboolean
grok_window_get_live (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), FALSE);
  return grok_session_get_live (self->session);
}

GrokSession *
grok_window_get_session (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return self->session;
}

GrokSnapshot *
grok_window_get_snapshot (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return grok_session_get_snapshot (self->session);
}

const char *
grok_window_get_run_dir (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return grok_session_get_run_dir (self->session);
}

GtkWidget *
grok_window_get_curves_area (GrokWindow *self)
{
  g_return_val_if_fail (GROK_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->curves_view);
}
