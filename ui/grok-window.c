/* The main window: a preset chooser and run controls in the header bar, the settings, and the
 * views of the run shown. What is shown, and everything said about it, is the session's
 * (grok-session.h): the window binds its widgets to the session's properties and turns
 * actions into the session's calls. */
#define G_LOG_DOMAIN "grok-window"

#include "grok-window-private.h"
#include "grok-sweep-window.h"

#include "grok-figure-curves.h"
#include "grok-preset-chooser.h"
#include "grok-presets.h"
#include "grok-config-settings.h"
#include "grok-run-views.h"
#include "grok-session-text.h"
#include "grok-settings.h"
#include "grok-stop-dialog.h"

G_DEFINE_FINAL_TYPE (GrokWindow, grok_window, ADW_TYPE_APPLICATION_WINDOW)

void
_grok_window_toast (GrokWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

GrokView
_grok_window_visible_view (GrokWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  GrokView view = GROK_VIEW_CURVES;

  grok_view_from_name (page, &view, NULL);
  return view;
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
  /* a problem its row shows is not said again below the list, which would cover that row */
  if (problem != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Cannot train: %s", problem);
      gtk_label_set_text (self->problem_label, text);
      gtk_widget_set_tooltip_text (self->train_button, text);
    }
  else
    gtk_widget_set_tooltip_text (self->train_button,
                                 "Start a new run of the chosen experiment (Ctrl+Return)");
  gtk_revealer_set_reveal_child (self->problem_revealer, problem != NULL &&
                                 grok_config_editor_get_problem_key (self->config_editor) == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", state == GROK_RUN_PAUSED ||
                                 (!shown && !preparing && problem == NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset", shown || preparing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", !live && has_dir);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-all", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.continue", !live && has_dir && !preparing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fork",
                                 !live && has_dir && shown && !preparing && problem == NULL);
  /* setting the same icon again would still rebuild the button's image */
  if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (self->pause_button)), icon) != 0)
    gtk_button_set_icon_name (GTK_BUTTON (self->pause_button), icon);
}

/* the run's pages, or, while there is no run, a page that says what to do and what the chosen
 * experiment will show; only the views that apply to the experiment are offered */
static void
update_content (GrokWindow *self)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);
  const GrokConfig *config = snapshot ? snapshot->config
                                      : grok_config_editor_get_config (self->config_editor);
  gboolean empty = snapshot == NULL && !grok_session_get_preparing (self->session);
  gboolean browsable = snapshot != NULL && snapshot->checkpoints != NULL &&
                       snapshot->checkpoints->len > 1;
  g_autofree char *description = NULL;
  g_autofree char *time = NULL;
  const GrokPresetInfo *info;

  info = grok_preset_info (grok_preset_chooser_get_preset (self->preset_chooser));
  time = info && !grok_preset_chooser_get_edited (self->preset_chooser)
         ? grok_format_expected_time (info->seconds) : NULL;
  description = g_strdup_printf ("%s%s%s%s%sTrain (Ctrl+Return) starts it: the curves, weights "
                                 "and spectra fill in live as it learns. Open Run (Ctrl+O) shows "
                                 "a run trained before.",
                                 self->idle_subtitle ? self->idle_subtitle : "",
                                 time ? " It takes " : "", time ? time : "", time ? "." : "",
                                 self->idle_subtitle && self->idle_subtitle[0] ? "\n\n" : "");
  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->content_stack, empty ? "empty" : "run");
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), browsable);
  gtk_widget_set_sensitive (self->step_scale, browsable);
  for (guint v = 0; v < GROK_N_VIEWS; v++)
    {
      GtkWidget *child = adw_view_stack_get_child_by_name (self->view_stack, grok_view_name (v));
      adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack, child),
                                       grok_config_view_applies (config, v));
    }
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
  grok_scatter_view_set_metrics (self->scatter_view, grok_scatter_view_get_metrics (self->scatter_view),
                                 data ? data->lmn_points : 0);
  grok_curves_view_options_changed (self->curves_view);
}

/* the curves draw the whole run, with a cursor at a stored checkpoint being browsed */
static void sync_comparison (GrokWindow *self);

/* the panels chosen (in the settings) that the run has, or, when none is, those the series
 * menu gives */
static void
apply_panels (GrokWindow *self)
{
  GrokSnapshot *newest = grok_session_get_newest (self->session);
  g_auto (GStrv) chosen = g_settings_get_strv (self->settings, "curves-panels");
  g_autoptr (GPtrArray) choices = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) panels = NULL;

  if (newest == NULL)
    newest = grok_session_get_snapshot (self->session);
  choices = grok_curves_panel_choices (newest ? newest->metrics : NULL);
  for (guint i = 0; chosen[i] != NULL; i++)
    for (guint c = 0; c < choices->len; c++)
      if (g_str_equal (chosen[i], choices->pdata[c]))
        g_strv_builder_add (builder, chosen[i]);
  panels = g_strv_builder_end (builder);
  grok_curves_view_set_panels (self->curves_view,
                               panels[0] != NULL ? (const char * const *) panels : NULL);
}

/* the figure has room for GROK_CURVES_MAX_PANELS: with that many checked, no more can be */
static void
limit_panel_checks (GtkWidget *box)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += GTK_IS_CHECK_BUTTON (c) && gtk_check_button_get_active (GTK_CHECK_BUTTON (c));
  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_CHECK_BUTTON (c))
      gtk_widget_set_sensitive (c, gtk_check_button_get_active (GTK_CHECK_BUTTON (c))
                                   || n < GROK_CURVES_MAX_PANELS);
}

/* a check row toggled in the panels popover: the rows checked, in their order, are chosen */
static void
on_panel_toggled (GtkCheckButton *button, GrokWindow *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (button));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) panels = NULL;

  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_CHECK_BUTTON (c) && gtk_check_button_get_active (GTK_CHECK_BUTTON (c)))
      g_strv_builder_add (builder, g_object_get_data (G_OBJECT (c), "panel"));
  panels = g_strv_builder_end (builder);
  limit_panel_checks (box);
  g_settings_set_strv (self->settings, "curves-panels", (const char * const *) panels);
}

/* the panels choice is the curves' own: the scatter has none */
static void
on_curves_mode (GtkStack *stack, GParamSpec *pspec, GrokWindow *self)
{
  gtk_widget_set_visible (self->panels_button,
                          g_strcmp0 (gtk_stack_get_visible_child_name (stack), "curves") == 0);
}

static void
on_panels_default (GtkButton *button, GrokWindow *self)
{
  g_settings_reset (self->settings, "curves-panels");
  gtk_popover_popdown (self->panels_popover);
}

/* the popover's rows, built as it opens: every panel the run can show, checked when shown */
static void
fill_panels_popover (GrokWindow *self)
{
  GrokSnapshot *newest = grok_session_get_newest (self->session);
  g_autoptr (GPtrArray) choices = NULL;
  g_auto (GStrv) shown = grok_curves_view_dup_shown_panels (self->curves_view);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *reset = gtk_button_new_with_label ("As the Series Menu Says");

  if (newest == NULL)
    newest = grok_session_get_snapshot (self->session);
  choices = grok_curves_panel_choices (newest ? newest->metrics : NULL);
  for (guint c = 0; c < choices->len; c++)
    {
      const char *name = choices->pdata[c];
      GtkWidget *check = gtk_check_button_new_with_label (grok_curves_panel_title (name));
      g_object_set_data_full (G_OBJECT (check), "panel", g_strdup (name), g_free);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strv_contains ((const char * const *) shown, name));
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_panel_toggled), self, 0);
      gtk_box_append (GTK_BOX (box), check);
    }
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_widget_set_tooltip_text (reset, "Loss, accuracy and the measures as the series menu's "
                                      "switches give them");
  gtk_widget_add_css_class (reset, "flat");
  g_signal_connect_object (reset, "clicked", G_CALLBACK (on_panels_default), self, 0);
  gtk_box_append (GTK_BOX (box), reset);
  limit_panel_checks (box);
  gtk_popover_set_child (self->panels_popover, box);
}

static void
sync_curves_run (GrokWindow *self)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (self->session);
  GrokSnapshot *newest = grok_session_get_newest (self->session);

  if (snapshot == NULL || newest == NULL)
    newest = snapshot;
  grok_curves_view_set_metrics (self->curves_view, newest ? newest->metrics : NULL);
  grok_scatter_view_set_metrics (self->scatter_view, newest ? newest->metrics : NULL,
                                 grok_curves_view_get_options (self->curves_view)->lmn_points);
  apply_panels (self);
  grok_curves_view_set_cursor (self->curves_view,
                               snapshot != NULL && snapshot->train_step != newest->train_step,
                               snapshot ? (double) snapshot->train_step : NAN);
  sync_comparison (self);
}

/* the views draw the session's snapshot; only the visible one does work now */
static void
update_views (GrokWindow *self)
{
  GrokView shown = _grok_window_visible_view (self);
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

/* replaying the checkpoints has an icon of its own, not the triangle of Resume */
static void
on_playing (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button), grok_session_get_playing (session)
                              ? "media-playback-pause-symbolic" : "media-playlist-repeat-symbolic");
}

/* the chooser names the experiment the settings hold: the preset of the run shown, or the one
 * chosen; "edited" when the settings differ from that preset's */
static void
update_preset_mark (GrokWindow *self)
{
  const char *name = grok_preset_chooser_get_preset (self->preset_chooser);
  g_autoptr (GrokConfig) preset = name ? grok_preset_load (name, NULL) : NULL;
  g_autofree char *wanted = preset ? grok_config_to_string (preset) : NULL;
  g_autofree char *edited = grok_config_to_string (grok_config_editor_get_config (self->config_editor));

  grok_preset_chooser_set_edited (self->preset_chooser, preset != NULL && g_strcmp0 (wanted, edited) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.revert-preset",
                                 grok_preset_chooser_get_edited (self->preset_chooser));
}

/* a run or folder shown names its own preset (its settings are already in the editor) */
static void
on_preset_label (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  GrokSnapshot *snapshot = grok_session_get_snapshot (session);
  g_autoptr (GrokConfig) preset = NULL;

  if (snapshot == NULL)
    return;
  preset = grok_preset_load (snapshot->config->name, NULL);
  grok_preset_chooser_set_preset (self->preset_chooser, preset ? snapshot->config->name : NULL);
  update_preset_mark (self);
}

/* what the window says of the run shown, made again whenever the session changes */
static void
update_texts (GrokWindow *self)
{
  g_autofree char *title = grok_session_text_title (self->session);
  g_autofree char *status = grok_session_text_status (self->session);
  g_autofree char *step = grok_session_text_step_label (self->session);
  const char *dir = grok_session_get_run_dir (self->session);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, dir ? dir : self->idle_subtitle);
  gtk_progress_bar_set_text (self->progress_bar, status);
  gtk_progress_bar_set_fraction (self->progress_bar, grok_session_get_progress (self->session));
  gtk_label_set_text (self->step_label, step);
}

static void
on_milestone (GrokSession *session, GrokMilestone milestone, gint64 step, GrokWindow *self)
{
  g_autofree char *text = grok_session_text_milestone (milestone, step);
  _grok_window_toast (self, text);
}

static void
on_saved (GrokSession *session, const char *path, GrokWindow *self)
{
  g_autofree char *text = grok_session_text_saved (path);
  _grok_window_toast (self, text);
}

static void
on_problem (GrokSession *session, const char *text, GrokWindow *self)
{
  _grok_window_toast (self, text);
}

/* the comparison drawn with the shown run's curves: never past its live step while it trains */
static void
sync_comparison (GrokWindow *self)
{
  GrokComparison *comparison = grok_session_get_comparison (self->session);
  GrokSnapshot *newest = grok_session_get_newest (self->session);
  double until = grok_session_get_live (self->session) && newest != NULL
                 ? (double) newest->train_step : NAN;

  grok_curves_view_set_comparison (self->curves_view, comparison, self->compare_grouped, until);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-comparison", comparison != NULL);
}

/* Group By lists the keys that differ among the compared runs, by their labels */
static void
sync_group_by (GrokWindow *self)
{
  GrokComparison *comparison = grok_session_get_comparison (self->session);
  g_autoptr (GPtrArray) keys = NULL;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "compare-group-by");

  g_menu_remove_all (self->group_by_menu);
  if (comparison == NULL)
    return;
  keys = grok_comparison_differing_keys (comparison);
  for (guint k = 0; k < keys->len; k++)
    {
      const GrokConfigKey *key = keys->pdata[k];
      g_autoptr (GMenuItem) item = g_menu_item_new (key->label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.compare-group-by",
                                               g_variant_new_string (key->key));
      g_menu_append_item (self->group_by_menu, item);
    }
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (grok_comparison_get_group_key (comparison)));
}

static void
on_comparison (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  GrokComparison *comparison = grok_session_get_comparison (session);

  sync_comparison (self);
  sync_group_by (self);
  if (comparison != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Curves show %u runs, each its own colour",
                                               grok_comparison_n_runs (comparison));
      _grok_window_toast (self, text);
    }
}

void
_grok_window_set_compare_grouped (GrokWindow *self, gboolean grouped)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "compare-grouped");

  self->compare_grouped = grouped;
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (grouped));
  sync_comparison (self);
}

static void
on_series_toggled (GtkCheckButton *button, GrokWindow *self)
{
  /* the panel switches replace a choice of panels made before */
  if (button == self->show_loss || button == self->show_accuracy || button == self->show_measures)
    g_settings_reset (self->settings, "curves-panels");
  sync_curves_options (self);
}

static void
on_smoothing_changed (GtkAdjustment *adjustment, GrokWindow *self)
{
  grok_curves_view_set_smoothing (self->curves_view, gtk_adjustment_get_value (adjustment));
}

char *
_grok_window_runs_folder (GrokWindow *self)
{
  return grok_settings_runs_folder (self->settings);
}

void
_grok_window_load_preset (GrokWindow *self, const char *name)
{
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  config = grok_preset_load (name, &error);
  if (config == NULL)
    {
      _grok_window_toast (self, error->message);
      return;
    }
  grok_preset_chooser_set_preset (self->preset_chooser, name);
  grok_config_editor_set_config (self->config_editor, config);
  g_free (self->idle_subtitle);
  self->idle_subtitle = g_strdup (config->description);
  update_texts (self);
  update_preset_mark (self);
  update_content (self);
  g_settings_set_string (self->settings, "preset", name);
}

/* a preset chosen is the experiment every control then acts on: the run shown before stops (its
 * folder keeps what it trained and stays in Recent Runs) and the settings take the preset's */
static void
on_preset_chosen (GrokPresetChooser *chooser, const char *name, GrokWindow *self)
{
  gboolean was_live = grok_session_get_live (self->session);

  if (grok_session_get_snapshot (self->session) != NULL || grok_session_get_preparing (self->session))
    grok_session_reset (self->session);
  _grok_window_load_preset (self, name);
  if (was_live)
    _grok_window_toast (self, "The previous run stopped with a checkpoint; Recent Runs has it");
}

static void
on_editor_changed (GrokConfigEditor *editor, GrokWindow *self)
{
  update_actions (self);
  update_preset_mark (self);
  update_content (self);
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

/* a run of the folder shown is remembered among the recent ones */
static void
on_run_dir (GrokSession *session, GParamSpec *pspec, GrokWindow *self)
{
  const char *dir = grok_session_get_run_dir (session);

  if (dir != NULL)
    remember_recent (self, dir);
}

/* a folder a sweep was planned in: its sweep file and cell table */
static gboolean
is_sweep_folder (const char *path)
{
  g_autofree char *file = g_build_filename (path, "sweep.json", NULL);
  g_autofree char *cells = g_build_filename (path, "cells.csv", NULL);

  return g_file_test (file, G_FILE_TEST_EXISTS) && g_file_test (cells, G_FILE_TEST_EXISTS);
}

gboolean
grok_window_open (GrokWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (GROK_IS_WINDOW (self), FALSE);
  /* a sweep folder opens in a sweep window of its own */
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && is_sweep_folder (path))
    {
      g_autoptr (GrokSweep) sweep = grok_sweep_open (path, &error);
      if (sweep == NULL)
        {
          _grok_window_toast (self, error->message);
          return FALSE;
        }
      gtk_window_present (GTK_WINDOW (grok_sweep_window_new (gtk_window_get_application (GTK_WINDOW (self)),
                                                             sweep)));
      return TRUE;
    }
  if (!grok_session_open (self->session, path, &error))
    {
      _grok_window_toast (self, error->message);
      return FALSE;
    }
  grok_config_editor_set_config (self->config_editor, grok_session_get_snapshot (self->session)->config);
  return TRUE;
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
  else if (g_str_equal (key, "curves-panels"))
    apply_panels (self);
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
      _grok_window_toast (self, text);
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
  g_clear_pointer (&self->idle_subtitle, g_free);
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
  g_type_ensure (GROK_TYPE_PRESET_CHOOSER);
  g_type_ensure (GROK_TYPE_CURVES_VIEW);
  g_type_ensure (GROK_TYPE_SCATTER_VIEW);
  g_type_ensure (GROK_TYPE_WEIGHTS_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/grokscope/Grokscope/grok-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, preset_chooser);
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
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, curves_mode);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, scatter_view);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, panels_popover);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, panels_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_adjustment);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_label);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, group_by_menu);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, train_button);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, step_scale);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_train);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_test);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_loss);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_accuracy);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_markers);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, show_measures);
  gtk_widget_class_bind_template_child (widget_class, GrokWindow, smoothing_adjustment);

  _grok_window_class_actions_init (widget_class);
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
  const char *actions[] = { "notify::snapshot", "notify::run-dir", "notify::state", "notify::live",
                            "notify::preparing" };
  const char *texts[] = { "notify::snapshot", "notify::run-dir", "notify::state", "notify::step",
                          "notify::preparing", "notify::continuing", "notify::reset",
                          "notify::following", "notify::progress" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_signal_connect_object (self->session, texts[i], G_CALLBACK (update_texts), self,
                             G_CONNECT_SWAPPED);
  g_object_bind_property (self->session, "playing", self->play_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_signal_connect_object (self->session, actions[i], G_CALLBACK (update_actions), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::snapshot", G_CALLBACK (update_views), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::snapshot", G_CALLBACK (update_content), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::preparing", G_CALLBACK (update_content), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::scale-upper", G_CALLBACK (on_scale), self, 0);
  g_signal_connect_object (self->session, "notify::scale-value", G_CALLBACK (on_scale), self, 0);
  g_signal_connect_object (self->session, "notify::playing", G_CALLBACK (on_playing), self, 0);
  g_signal_connect_object (self->session, "notify::run-dir", G_CALLBACK (on_preset_label), self, 0);
  g_signal_connect_object (self->session, "notify::run-dir", G_CALLBACK (on_run_dir), self, 0);
  g_signal_connect_object (self->session, "notify::comparison", G_CALLBACK (on_comparison), self, 0);
  g_signal_connect_object (self->session, "milestone", G_CALLBACK (on_milestone), self, 0);
  g_signal_connect_object (self->session, "saved", G_CALLBACK (on_saved), self, 0);
  g_signal_connect_object (self->session, "problem", G_CALLBACK (on_problem), self, 0);
  update_texts (self);
}

/* the preset chooser, on the person's last choice (quick the first time) */
static void
init_presets (GrokWindow *self)
{
  g_autofree char *preferred = g_settings_get_string (self->settings, "preset");
  g_autoptr (GrokConfig) config = grok_preset_load (preferred, NULL);

  g_signal_connect_object (self->preset_chooser, "chosen", G_CALLBACK (on_preset_chosen), self, 0);
  _grok_window_load_preset (self, config ? preferred : "quick");
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
  g_signal_connect_object (self->panels_popover, "show", G_CALLBACK (fill_panels_popover), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->curves_mode, "notify::visible-child-name",
                           G_CALLBACK (on_curves_mode), self, 0);
  sync_curves_options (self);
}

static void
grok_window_init (GrokWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* the icons the app ships (the curves' page, its own) wherever it runs from */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
                                    "/org/grokscope/Grokscope/icons");
  add_view_pages (self);
  self->settings = grok_settings_new ();
  self->session = grok_session_new ();
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self, 0);
  apply_color_scheme (self);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  _grok_window_actions_init (self);
  bind_session (self);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (update_views), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->config_editor, "changed", G_CALLBACK (on_editor_changed), self, 0);
  init_presets (self);
  connect_series (self);
  g_signal_connect_object (self->step_adjustment, "value-changed", G_CALLBACK (on_step_changed), self, 0);
  g_signal_connect_object (self->weights_change, "toggled", G_CALLBACK (update_views), self, G_CONNECT_SWAPPED);
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
