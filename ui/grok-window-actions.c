/* The window's actions, installed on its class: training, the run folders (open, save as,
 * continue, compare), export, preferences and about. */
#define G_LOG_DOMAIN "grok-window-actions"

#include "grok-window-private.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "grok-export-dialog.h"
#include "grok-fork-dialog.h"
#include "grok-recent-runs.h"
#include "grok-settings.h"

/* <runs folder>/<name>-<date>-<time>, made empty here so that no other window or process takes
 * the same name in the same second (a second one gets -2, then -3, ...); the run fills it */
static char *
new_run_folder (GrokWindow *self, const GrokConfig *config)
{
  g_autofree char *base = _grok_window_runs_folder (self);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *leaf = g_strdup_printf ("%s-%s", config->name[0] ? config->name : "run", stamp);

  g_strdelimit (leaf, "/\\ ", '-');
  g_mkdir_with_parents (base, 0755);
  for (int i = 1;; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup (leaf) : g_strdup_printf ("%s-%d", leaf, i);
      g_autofree char *path = g_build_filename (base, name, NULL);

      if (g_mkdir (path, 0755) == 0 || errno != EEXIST)
        return g_steal_pointer (&path);
    }
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

GtkFileChooserNative *
_grok_window_new_chooser (GrokWindow *self, const char *title, const char *accept,
                          GtkFileChooserAction action)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, "_Cancel");
  g_autofree char *runs = _grok_window_runs_folder (self);
  g_autoptr (GFile) folder = g_file_new_for_path (runs);

  g_mkdir_with_parents (runs, 0755);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  return chooser;
}

/* a modal chooser of run folders; on_response owns (and unrefs) it */
static void
choose_folders (GtkWidget *window, const char *title, const char *accept, gboolean multiple,
                GCallback on_response)
{
  GtkFileChooserNative *chooser =
    _grok_window_new_chooser (GROK_WINDOW (window), title, accept,
                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);

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
  chooser = _grok_window_new_chooser (self, "Save the Run As", "_Save",
                                      GTK_FILE_CHOOSER_ACTION_SAVE);
  name = g_path_get_basename (grok_session_get_run_dir (self->session));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_save_as_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_folders (widget, "Open a Run Folder", "_Open", FALSE, G_CALLBACK (on_open_response));
}

static void
recent_runs_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-runs");

  gtk_window_present (GTK_WINDOW (grok_recent_runs_new (GTK_WINDOW (self),
                                                        (const char * const *) recent)));
}

static void
open_recent_action (GtkWidget *widget, const char *action, GVariant *param)
{
  grok_window_open (GROK_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* a new run from the checkpoint shown with the settings as edited, in a new folder */
static void
fork_now (GrokWindow *self)
{
  g_autoptr (GrokConfig) config = grok_config_editor_dup_config (self->config_editor);
  g_autofree char *dir = NULL;

  if (config == NULL)
    return;
  dir = new_run_folder (self, config);
  grok_session_fork (self->session, g_steal_pointer (&config), dir);
}

static void
on_fork_answer (AdwMessageDialog *dialog, const char *response, GrokWindow *self)
{
  if (g_str_equal (response, "fork"))
    fork_now (self);
  else if (g_str_equal (response, "continue"))
    {
      g_autoptr (GrokConfig) config = grok_config_editor_dup_config (self->config_editor);
      grok_session_continue (self->session, config ? config->train.steps : 0);
    }
}

/* the settings as edited against those of the run shown, by their labels; NULL when the same */
static char *
edited_settings (GrokWindow *self, gboolean except_steps)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  return grok_config_describe_changes (snapshot->config,
                                       grok_config_editor_get_config (self->config_editor),
                                       except_steps);
}

static void
ask (GrokWindow *self, GtkWidget *dialog)
{
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_fork_answer), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Fork From Here: the changed settings listed before the new run starts */
static void
fork_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  g_autofree char *changes = NULL;

  if (grok_session_get_snapshot (self->session) == NULL)
    return;
  changes = edited_settings (self, FALSE);
  ask (self, grok_fork_dialog_new (GTK_WINDOW (self),
                                   grok_session_get_snapshot (self->session)->train_step, changes));
}

/* continue the folder shown (stopped, crashed or finished) from its newest checkpoint, to the
 * number of steps in the settings; other settings edited are never dropped in silence: the
 * question offers Fork for them */
static void
continue_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  g_autoptr (GrokConfig) config = grok_config_editor_dup_config (self->config_editor);
  g_autofree char *changes = NULL;

  if (config == NULL || grok_session_get_snapshot (self->session) == NULL)
    return;
  changes = edited_settings (self, TRUE);
  if (changes == NULL)
    grok_session_continue (self->session, config->train.steps);
  else
    ask (self, grok_continue_dialog_new (GTK_WINDOW (self),
                                         grok_session_get_snapshot (self->session)->train_step,
                                         changes));
}

/* compare: other run folders' curves drawn with this run's, each its own colour */
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
clear_comparison_action (GtkWidget *widget, const char *action, GVariant *param)
{
  grok_session_clear_comparison (GROK_WINDOW (widget)->session);
}

/* compared runs one per run, or grouped as mean and band: a check in the menu */
static void
on_compare_grouped (GSimpleAction *action, GVariant *state, GrokWindow *self)
{
  _grok_window_set_compare_grouped (self, g_variant_get_boolean (state));
  _grok_window_toast (self, self->compare_grouped ? "Compared runs shown as groups' mean and range"
                                                  : "Compared runs shown one by one");
}

/* the key compared runs are grouped over (the seed by default); choosing one shows the groups */
static void
on_compare_group_by (GSimpleAction *action, GVariant *state, GrokWindow *self)
{
  g_simple_action_set_state (action, state);
  grok_session_set_compare_group_key (self->session, g_variant_get_string (state, NULL));
  _grok_window_set_compare_grouped (self, TRUE);
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

static const char *
run_name (GrokWindow *self)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  return snapshot && snapshot->config->name[0] ? snapshot->config->name : "grokscope";
}

GtkWidget *
_grok_window_export (GrokWindow *self, gboolean all)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);
  g_auto (GStrv) panels = grok_curves_view_dup_shown_panels (self->curves_view);
  gboolean scatter = g_strcmp0 (gtk_stack_get_visible_child_name (self->curves_mode), "scatter") == 0;
  GrokExportScreen screen = {
    (const char * const *) panels,
    scatter ? grok_scatter_view_get_x (self->scatter_view) : NULL,
    scatter ? grok_scatter_view_get_y (self->scatter_view) : NULL,
  };

  if (all)
    return grok_export_all_interactive (GTK_WINDOW (self), self->settings, self->toast_overlay,
                                        snapshot, &screen, run_name (self),
                                        grok_session_get_run_dir (self->session));
  return grok_export_figure_interactive (GTK_WINDOW (self), self->settings, self->toast_overlay,
                                         snapshot, _grok_window_visible_view (self), &screen,
                                         run_name (self), grok_session_get_run_dir (self->session));
}

static void
export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  if (snapshot == NULL)
    {
      _grok_window_toast (self, "Nothing to export yet: train a run first");
      return;
    }
  _grok_window_export (self, FALSE);
}

static void
export_all_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);

  if (snapshot == NULL)
    {
      _grok_window_toast (self, "Nothing to export yet: train a run first");
      return;
    }
  _grok_window_export (self, TRUE);
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
on_scheme_row_selected (AdwComboRow *row, GParamSpec *pspec, GrokWindow *self)
{
  static const char * const values[] = { "system", "light", "dark" };
  guint i = adw_combo_row_get_selected (row);

  if (i < G_N_ELEMENTS (values))
    g_settings_set_string (self->settings, "color-scheme", values[i]);
}

static void
show_runs_folder (GSettings *settings, const char *key, AdwActionRow *row)
{
  g_autofree char *runs = grok_settings_runs_folder (settings);
  adw_action_row_set_subtitle (row, runs);
}

static void
on_runs_folder_response (GtkNativeDialog *chooser, int response, GrokWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_settings_set_string (self->settings, "runs-folder", path);
    }
  g_object_unref (chooser);
}

static void
on_choose_runs_folder (GtkButton *button, GrokWindow *self)
{
  GtkFileChooserNative *chooser =
    _grok_window_new_chooser (self, "Where New Runs Go", "_Select",
                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);

  gtk_native_dialog_set_transient_for (GTK_NATIVE_DIALOG (chooser),
                                       GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_runs_folder_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* the folder new runs go in, which the file choosers open in */
static GtkWidget *
runs_group (GrokWindow *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic ("_Choose…");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), "Runs");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Runs folder");
  gtk_widget_set_name (row, "runs-folder");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  show_runs_folder (self->settings, NULL, ADW_ACTION_ROW (row));
  g_signal_connect_object (self->settings, "changed::runs-folder", G_CALLBACK (show_runs_folder),
                           row, 0);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_choose_runs_folder), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return group;
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
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (runs_group (self)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (window));
}
/* the settings back to the values of the preset the chooser names */
static void
revert_preset_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  const char *name = grok_preset_chooser_get_preset (self->preset_chooser);

  if (name != NULL)
    _grok_window_load_preset (self, name);
}

/* Alt+N: the N-th page of the views, when the run shown has it */
static void
show_view_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GrokWindow *self = GROK_WINDOW (widget);
  GtkWidget *page = adw_view_stack_get_child_by_name (self->view_stack,
                                                      g_variant_get_string (param, NULL));

  if (page != NULL && adw_view_stack_page_get_visible (adw_view_stack_get_page (self->view_stack, page)))
    adw_view_stack_set_visible_child (self->view_stack, page);
}

/* Every shortcut of the window. They are taken in the capture phase, before the widget with the
 * focus sees the key, and always consumed: with a setting's field focused Ctrl+Backspace would
 * delete its text and Ctrl+. open the emoji chooser, even while the action cannot act. The
 * shortcuts window (help-overlay.ui) lists each of them. */
static const struct
{
  const char *accel;
  const char *action;
  const char *target;  /* a view's name for win.show-view */
} shortcuts[] = {
  { "<Control>Return", "win.train", NULL },
  { "<Control>p", "win.pause", NULL },
  { "<Control>period", "win.step", NULL },
  { "<Control>BackSpace", "win.stop", NULL },
  { "<Control>r", "win.reset", NULL },
  { "<Control>o", "win.open", NULL },
  { "<Control><Shift>s", "win.save-as", NULL },
  { "<Control>e", "win.export", NULL },
  { "<Control><Shift>e", "win.export-all", NULL },
  { "<Control>comma", "win.preferences", NULL },
  { "<Alt>1", "win.show-view", "curves" },
  { "<Alt>2", "win.show-view", "heatmap" },
  { "<Alt>3", "win.show-view", "spectrum" },
  { "<Alt>4", "win.show-view", "connectivity" },
  { "<Alt>5", "win.show-view", "regions" },
  { "<Alt>6", "win.show-view", "fourier" },
  { "<Alt>7", "win.show-view", "neurons" },
  { "<Alt>8", "win.show-view", "attention" },
};

static gboolean
on_shortcut (GtkWidget *widget, GVariant *args, gpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  GVariant *target = shortcuts[i].target ? g_variant_new_string (shortcuts[i].target) : NULL;

  gtk_widget_activate_action_variant (widget, shortcuts[i].action, target);
  return TRUE;
}

const char * const *
_grok_window_list_shortcuts (void)
{
  static const char *accels[G_N_ELEMENTS (shortcuts) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    accels[i] = shortcuts[i].accel;
  return accels;
}

/* a popover that closes may leave the focus on a widget it hid (a row the settings just hid,
 * an item of the menu): the focus then goes to the window's first focusable widget */
static void
on_popover_closed (GrokWindow *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  if (focus == NULL || !gtk_widget_get_mapped (focus) ||
      gtk_widget_get_root (focus) != GTK_ROOT (self))
    {
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
    }
}

/* every menu button's popover in the window gives the focus back when it closes */
static void
watch_popovers (GrokWindow *self, GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root))
    {
      GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (root));
      if (popover != NULL)
        g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), self,
                                 G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    watch_popovers (self, child);
}

/* the shortcuts, and focus given back to the window whenever a menu or popover of its closes */
void
_grok_window_actions_init (GrokWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  g_autoptr (GSimpleAction) grouped = NULL;
  g_autoptr (GSimpleAction) group_by = NULL;

  gtk_event_controller_set_name (controller, "grok-window-shortcuts");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
      gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].accel),
                        gtk_callback_action_new (on_shortcut, GUINT_TO_POINTER (i), NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  watch_popovers (self, GTK_WIDGET (self));

  grouped = g_simple_action_new_stateful ("compare-grouped", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect (grouped, "change-state", G_CALLBACK (on_compare_grouped), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (grouped));
  group_by = g_simple_action_new_stateful ("compare-group-by", G_VARIANT_TYPE_STRING,
                                           g_variant_new_string ("seed"));
  g_signal_connect (group_by, "change-state", G_CALLBACK (on_compare_group_by), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (group_by));
}

void
_grok_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "win.about", NULL, about_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.recent-runs", NULL, recent_runs_action);
  gtk_widget_class_install_action (widget_class, "win.revert-preset", NULL, revert_preset_action);
  gtk_widget_class_install_action (widget_class, "win.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "win.fork", NULL, fork_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "win.clear-comparison", NULL,
                                   clear_comparison_action);
  gtk_widget_class_install_action (widget_class, "win.export-all", NULL, export_all_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
}

