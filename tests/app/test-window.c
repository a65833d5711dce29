/* The window as a person meets it, driven through its real widgets and real key presses (XTest):
 * shortcuts whatever has the focus, the settings as a paper states them, the preset chooser,
 * the empty state, icons, Recent Runs and Fork. */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "grok-presets.h"
#include "grok-recent-runs.h"
#include "grok-run-dir.h"
#include "grok-views.h"
#include "grok-window-private.h"
#include "gui-helpers.h"
#include "run-helpers.h"
#include "wait-helpers.h"

static void
save_window (GrokWindow *window, const char *name)
{
  save_widget (GTK_WIDGET (window), name);
}

static GrokWindow *
new_window (AdwApplication *app)
{
  GrokWindow *window;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  SPIN_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
              gtk_window_is_active (GTK_WINDOW (window)), "the window to be shown and active");
  spin (50);
  return window;
}

static void
close_window (GrokWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  SPIN_UNTIL (!grok_session_get_writing (grok_window_get_session (window)), "the run to stop");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

static GrokRunState
state_of (GrokWindow *window)
{
  return grok_session_get_state (grok_window_get_session (window));
}

static gint64
step_of (GrokWindow *window)
{
  GrokSnapshot *s = grok_window_get_snapshot (window);
  return s ? s->train_step : -1;
}

/* a toplevel other than window of this type, shown, or NULL */
static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) top = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (top, type) && gtk_widget_get_visible (top))
        return top;
    }
  return NULL;
}

/* a widget of type anywhere in the window or its popovers, mapped on screen */
static GtkWidget *
find_mapped (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mapped (child, type);
      if (found)
        return found;
    }
  return NULL;
}

/* Train, Pause, Step, Stop and Reset from the keyboard while a setting's field has the focus:
 * the keys reach the window first, act on the run, and never edit the field (Ctrl+Backspace
 * used to empty the seed, Ctrl+. to open the emoji chooser); Alt+1..5 switch the views */
static void
test_shortcuts_over_a_field (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowKeys", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  GtkWidget *seed = grok_config_editor_get_row (window->config_editor, "seed");
  GtkWidget *root = GTK_WIDGET (window);
  gint64 paused_at;

  choose_preset (root, "quick");
  g_assert_true (gtk_widget_grab_focus (seed));
  spin (20);
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (window)), seed));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (seed)), ==, "0");

  press_keys (root, GDK_KEY_Return, GDK_CONTROL_MASK);
  SPIN_UNTIL (step_of (window) >= 5, "Ctrl+Return to train");
  press_keys (root, GDK_KEY_p, GDK_CONTROL_MASK);
  SPIN_UNTIL (state_of (window) == GROK_RUN_PAUSED, "Ctrl+P to pause");
  /* the window shows the step the run paused at: the trainer publishes a paused snapshot only
   * once it waits, after finishing the step it was taking when the pause came */
  SPIN_UNTIL (grok_window_get_snapshot (window) != NULL &&
                  grok_window_get_snapshot (window)->state == GROK_RUN_PAUSED &&
                  step_of (window) == grok_session_get_step (grok_window_get_session (window)),
              "the paused step shown");
  paused_at = step_of (window);
  press_keys (root, GDK_KEY_period, GDK_CONTROL_MASK);
  SPIN_UNTIL (step_of (window) == paused_at + 1, "Ctrl+. to take one step");
  g_assert_null (find_mapped (root, GTK_TYPE_EMOJI_CHOOSER));

  press_keys (root, GDK_KEY_BackSpace, GDK_CONTROL_MASK);
  SPIN_UNTIL (state_of (window) == GROK_RUN_STOPPED, "Ctrl+Backspace to stop");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (seed)), ==, "0");
  g_assert_true (grok_config_editor_get_valid (window->config_editor));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (window)), seed));

  press_keys (root, GDK_KEY_2, GDK_ALT_MASK);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "heatmap");
  press_keys (root, GDK_KEY_1, GDK_ALT_MASK);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "curves");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (seed)), ==, "0");

  press_keys (root, GDK_KEY_r, GDK_CONTROL_MASK);
  SPIN_UNTIL (grok_window_get_snapshot (window) == NULL, "Ctrl+R to reset");
  close_window (window);
}

/* a finished run folder of the quick preset, 120 steps, made by the engine as the CLI makes one */
static char *
make_run_folder (const char *preset, gint64 steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  g_autofree char *dir = g_dir_make_tmp ("grok-window-run-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;

  config->train.steps = steps;
  config->measures.lmn_per_decade = 0;
  config->measures.complexity_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  run = grok_run_new (config, dir, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return g_steal_pointer (&dir);
}

/* the main menu opened, one of its items chosen (as the popover menu does it: the action, then
 * the menu closes), or closed with Escape when action is NULL */
static void
use_menu (GrokWindow *window, const char *action, GVariant *target)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (window->menu_button));
  GtkWidget *focus;

  gtk_menu_button_popup (window->menu_button);
  SPIN_UNTIL (gtk_widget_get_mapped (popover), "the menu to open");
  spin (50);
  if (action != NULL)
    {
      gtk_widget_activate_action_variant (popover, action, target);
      gtk_popover_popdown (GTK_POPOVER (popover));
    }
  else
    press_keys (GTK_WIDGET (window), GDK_KEY_Escape, 0);
  SPIN_UNTIL (!gtk_widget_get_mapped (popover), "the menu to close");
  spin (50);
  focus = gtk_window_get_focus (GTK_WINDOW (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_mapped (focus));
  g_assert_true (gtk_widget_get_root (focus) == GTK_ROOT (window));
}

/* after the main menu closes (a recent run chosen in it, or nothing) the keys act on the window
 * at once: they used to do nothing until a field was clicked */
static void
test_shortcuts_after_menu (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowMenu", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ("quick", 120);
  GrokWindow *window = new_window (app);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *dialog;

  use_menu (window, "win.open-recent", g_variant_new_string (dir));
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, dir);
  press_keys (root, GDK_KEY_e, GDK_CONTROL_MASK);
  SPIN_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, "Ctrl+E to open Export");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin (50);

  use_menu (window, NULL, NULL);
  press_keys (root, GDK_KEY_Return, GDK_CONTROL_MASK);
  SPIN_UNTIL (g_strcmp0 (grok_window_get_run_dir (window), dir) != 0 && step_of (window) >= 1,
              "Ctrl+Return to train after the menu");
  close_window (window);
  remove_tree (dir);
}

/* every shortcut the window handles is in the shortcuts window, and nothing more */
static void
test_shortcuts_window_lists_all (void)
{
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/org/grokscope/Grokscope/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr (GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) handled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const *accels = _grok_window_list_shortcuts ();
  GHashTableIter iter;
  gpointer key;

  {
    g_autoptr (GPtrArray) stack = g_ptr_array_new ();
    g_ptr_array_add (stack, overlay);
    while (stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
        if (GTK_IS_SHORTCUTS_SHORTCUT (w))
          {
            g_autofree char *accel = NULL;
            g_object_get (w, "accelerator", &accel, NULL);
            g_hash_table_add (listed, g_steal_pointer (&accel));
          }
        for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
  }
  for (guint i = 0; accels[i] != NULL; i++)
    {
      g_test_message ("window shortcut %s", accels[i]);
      g_assert_true (g_hash_table_contains (listed, accels[i]));
      g_hash_table_add (handled, g_strdup (accels[i]));
    }
  /* the application's own: quit and this window */
  g_hash_table_add (handled, g_strdup ("<Control>q"));
  g_hash_table_add (handled, g_strdup ("<Control>question"));
  g_hash_table_iter_init (&iter, listed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_test_message ("listed %s", (char *) key);
      g_assert_true (g_hash_table_contains (handled, key));
    }
  g_assert_true (g_hash_table_contains (listed, "<Control>o"));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static GtkWidget *
row (GrokWindow *window, const char *key)
{
  return grok_config_editor_get_row (window->config_editor, key);
}

/* the row's top in window coordinates */
static float
row_top (GrokWindow *window, const char *key)
{
  graphene_point_t p;

  g_assert_true (gtk_widget_compute_point (row (window, key), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (0, 0), &p));
  return p.y;
}

/* wait until the list has scrolled the focused row into view (it glides there) */
static void
settle (GrokWindow *window, const char *key)
{
  float last = -1e9f, now;

  for (gint64 deadline = wait_deadline (); (now = row_top (window, key)) != last;
       wait_poll (deadline, FALSE, "the settings to stop scrolling"))
    {
      last = now;
      spin (100);
    }
}

/* Settings as a paper states them: labels, units, numbers in their shortest exact form, only the
 * rows of the chosen model and task, and a refused value said on its own row by its label
 * without moving any row */
static void
test_settings_read_as_a_paper (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowSettings", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  GtkWidget *lr = row (window, "optim.lr");
  float wd_top, seed_top;

  choose_preset (GTK_WIDGET (window), "quick");
  spin (50);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (lr)), ==, "Learning rate");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "0.003");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (window, "optim.beta1"))), ==, "0.9");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row (window, "model.d_embed"))),
                   ==, "Embedding width");
  g_assert_true (gtk_widget_get_visible (row (window, "model.width")));
  g_assert_false (gtk_widget_get_visible (row (window, "model.n_heads")));
  g_assert_false (gtk_widget_get_visible (row (window, "model.ln_eps")));
  g_assert_false (gtk_widget_get_visible (row (window, "task.n_train")));
  g_assert_false (gtk_widget_get_visible (row (window, "measures.regions_every")));
  g_assert_false (gtk_widget_get_visible (row (window, "run.parent")));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (row (window, "run.parent"),
                                                                   ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_nonnull (find_label (row (window, "train.steps"), "steps"));

  /* a refused value: said on the row, by its label; no row moves and Train waits */
  gtk_widget_grab_focus (lr);
  settle (window, "optim.lr");
  wd_top = row_top (window, "optim.weight_decay");
  seed_top = row_top (window, "seed");
  gtk_editable_set_text (GTK_EDITABLE (lr), "-1");
  spin (100);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (lr)), ==,
                   "Learning rate must be positive and at most 10");
  g_assert_true (gtk_widget_has_css_class (lr, "error"));
  g_assert_cmpfloat (row_top (window, "optim.weight_decay"), ==, wd_top);
  g_assert_cmpfloat (row_top (window, "seed"), ==, seed_top);
  g_assert_false (gtk_widget_get_sensitive (find_button (GTK_WIDGET (window), "win.train")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (window->train_button), ==,
                   "Cannot train: Learning rate must be positive and at most 10");
  g_assert_false (gtk_revealer_get_reveal_child (window->problem_revealer));
  save_window (window, "settings-error.png");
  gtk_editable_set_text (GTK_EDITABLE (lr), "fast");
  spin (20);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (lr)), ==,
                   "Learning rate must be a number: positive and at most 10");
  gtk_editable_set_text (GTK_EDITABLE (lr), "0.003");
  spin (20);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (lr)), ==, "Learning rate");
  g_assert_false (gtk_widget_has_css_class (lr, "error"));
  g_assert_true (gtk_widget_get_sensitive (find_button (GTK_WIDGET (window), "win.train")));

  /* a check across keys lands on the row of the key it names */
  gtk_editable_set_text (GTK_EDITABLE (row (window, "train.batch_size")), "100000");
  spin (20);
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row (window, "train.batch_size"))),
                                   "Batch size = 100000 is larger than"));
  gtk_editable_set_text (GTK_EDITABLE (row (window, "train.batch_size")), "0");

  /* a transformer: its own sizes, none of the MLP's */
  choose_preset (GTK_WIDGET (window), "demoss-add-ours");
  spin (50);
  g_assert_true (gtk_widget_get_visible (row (window, "model.ln_eps")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (window, "model.ln_eps"))), ==, "1e-06");
  g_assert_false (gtk_widget_get_visible (row (window, "model.width")));
  g_assert_false (gtk_widget_get_visible (row (window, "model.activation")));
  g_assert_false (gtk_widget_get_visible (row (window, "measures.lmn_points")));
  save_window (window, "settings-transformer.png");
  close_window (window);
}

static gboolean
page_offered (GrokWindow *window, const char *name)
{
  GtkWidget *child = adw_view_stack_get_child_by_name (window->view_stack, name);
  return adw_view_stack_page_get_visible (adw_view_stack_get_page (window->view_stack, child));
}

static gboolean
action_button_sensitive (GrokWindow *window, const char *action)
{
  return gtk_widget_is_sensitive (find_button (GTK_WIDGET (window), action));
}

/* every icon the window names is in the icon theme (Debian 12's Adwaita, or shipped in the
 * resources): a missing one is drawn as the broken-image icon */
static void
assert_icons_exist (GtkWidget *root, GtkIconTheme *theme)
{
  const char *icon = NULL;

  if (GTK_IS_BUTTON (root))
    icon = gtk_button_get_icon_name (GTK_BUTTON (root));
  else if (GTK_IS_MENU_BUTTON (root))
    icon = gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root));
  else if (GTK_IS_IMAGE (root) && gtk_image_get_storage_type (GTK_IMAGE (root)) == GTK_IMAGE_ICON_NAME)
    icon = gtk_image_get_icon_name (GTK_IMAGE (root));
  if (icon != NULL)
    {
      g_test_message ("icon %s", icon);
      g_assert_true (gtk_icon_theme_has_icon (theme, icon));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    assert_icons_exist (child, theme);
}

/* The first start: a page that says what to do and what the experiment will show, controls that
 * cannot act yet insensitive, only the views that apply to the experiment, icons that exist, and
 * Play (the checkpoints) apart from Resume (training) */
static void
test_first_start (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowFirst", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  g_autoptr (GrokConfig) quick = grok_preset_load ("quick", NULL);

  choose_preset (GTK_WIDGET (window), "quick");
  spin (50);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "empty");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window->empty_page)));
  g_assert_nonnull (strstr (adw_status_page_get_description (window->empty_page), quick->description));
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (window->empty_page), "win.train")));
  g_assert_true (action_button_sensitive (window, "win.train"));
  g_assert_false (action_button_sensitive (window, "win.pause"));
  g_assert_false (action_button_sensitive (window, "win.stop"));
  g_assert_false (action_button_sensitive (window, "win.reset"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window->play_button)));
  g_assert_false (gtk_widget_is_sensitive (window->step_scale));
  press_keys (GTK_WIDGET (window), GDK_KEY_e, GDK_CONTROL_MASK);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (page_offered (window, "curves"));
  g_assert_false (page_offered (window, "regions"));
  save_window (window, "first-start.png");

  for (guint v = 0; v < GROK_N_VIEWS; v++)
    g_assert_true (gtk_icon_theme_has_icon (theme, grok_view_kind (v)->icon));
  assert_icons_exist (GTK_WIDGET (window), theme);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (window->play_button)), !=,
                   "media-playback-start-symbolic");

  choose_preset (GTK_WIDGET (window), "xor2d-relu");
  spin (20);
  g_assert_true (page_offered (window, "regions"));
  choose_preset (GTK_WIDGET (window), "quick");
  spin (20);
  g_assert_false (page_offered (window, "regions"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  SPIN_UNTIL (step_of (window) >= 50, "the run to train");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "run");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window->play_button)));
  g_assert_true (action_button_sensitive (window, "win.stop"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  SPIN_UNTIL (state_of (window) == GROK_RUN_PAUSED, "the run to pause");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (window->pause_button)), !=,
                   gtk_button_get_icon_name (GTK_BUTTON (window->play_button)));
  close_window (window);
}

/* The preset chooser: grouped presets with their descriptions and times, an "edited" mark and a
 * way back to the preset's values; choosing another preset clears the run shown, and Step then
 * acts on the new experiment (it used to step the old run) */
static void
test_preset_chooser (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowPresets", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  GrokPresetChooser *chooser = window->preset_chooser;
  GtkWidget *popover = find_type (GTK_WIDGET (chooser), GTK_TYPE_POPOVER);
  GtkWidget *quick_row = grok_preset_chooser_get_row (chooser, "quick");
  g_autoptr (GrokConfig) quick = grok_preset_load ("quick", NULL);
  GtkWidget *wd = row (window, "optim.weight_decay");
  guint n;
  const GrokPresetInfo *infos = grok_preset_infos (&n);
  g_auto (GStrv) names = grok_presets_list ();

  choose_preset (GTK_WIDGET (window), "quick");
  spin (20);
  /* every preset, grouped, described and timed */
  g_assert_cmpuint (n, ==, g_strv_length (names));
  for (guint i = 0; i < n; i++)
    g_assert_nonnull (grok_preset_chooser_get_row (chooser, infos[i].name));
  for (GrokPresetGroup g = 0; g < GROK_N_PRESET_GROUPS; g++)
    g_assert_nonnull (find_label (popover, grok_preset_group_title (g)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (quick_row)), ==, quick->description);
  g_assert_nonnull (find_label (quick_row, "about "));
  g_assert_cmpstr (infos[0].name, ==, "quick");
  gtk_menu_button_popup (GTK_MENU_BUTTON (find_type (GTK_WIDGET (chooser), GTK_TYPE_MENU_BUTTON)));
  SPIN_UNTIL (gtk_widget_get_mapped (popover), "the presets to show");
  spin (200);
  save_widget (gtk_popover_get_child (GTK_POPOVER (popover)), "preset-chooser.png");
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* edited, then back to the preset */
  g_assert_false (grok_preset_chooser_get_edited (chooser));
  gtk_editable_set_text (GTK_EDITABLE (wd), "0.3");
  spin (20);
  g_assert_true (grok_preset_chooser_get_edited (chooser));
  g_assert_nonnull (find_label (GTK_WIDGET (chooser), "edited"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.revert-preset", NULL);
  spin (20);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (wd)), ==, "1");
  g_assert_false (grok_preset_chooser_get_edited (chooser));
  g_assert_null (find_label (GTK_WIDGET (chooser), "edited"));

  /* another preset while quick trains: the run shown goes, Step starts the new experiment */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  SPIN_UNTIL (step_of (window) >= 20, "quick to train");
  gtk_menu_button_popup (GTK_MENU_BUTTON (find_type (GTK_WIDGET (chooser), GTK_TYPE_MENU_BUTTON)));
  SPIN_UNTIL (gtk_widget_get_mapped (popover), "the presets to show");
  choose_preset (GTK_WIDGET (window), "xor2d-relu");
  SPIN_UNTIL (!gtk_widget_get_mapped (popover), "the presets to close");
  spin (20);
  g_assert_null (grok_window_get_snapshot (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "empty");
  g_assert_cmpstr (grok_preset_chooser_get_preset (chooser), ==, "xor2d-relu");
  SPIN_UNTIL (!grok_session_get_writing (grok_window_get_session (window)), "quick to stop");
  g_assert_true (action_button_sensitive (window, "win.step"));
  press_keys (GTK_WIDGET (window), GDK_KEY_period, GDK_CONTROL_MASK);
  SPIN_UNTIL (step_of (window) == 1, "Step to take the first step of xor2d-relu");
  g_assert_cmpstr (grok_window_get_snapshot (window)->config->name, ==, "xor2d-relu");
  g_assert_cmpint (state_of (window), ==, GROK_RUN_PAUSED);
  close_window (window);
}

/* a quick run of steps steps stopped once it passed stop_at (or finished when stop_at < 0) */
static char *
make_stopped_run (const char *root, const char *leaf, gint64 steps, gint64 stop_at)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  g_autofree char *dir = g_build_filename (root, leaf, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;

  config->train.steps = steps;
  config->measures.lmn_per_decade = 0;
  config->measures.complexity_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  run = grok_run_new (config, dir, TRUE, &error);
  g_assert_no_error (error);
  if (stop_at < 0)
    g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  else
    {
      grok_run_start (run);
      for (;;)
        {
          g_autoptr (GrokSnapshot) s = grok_run_dup_snapshot (run);
          if (s->train_step >= stop_at)
            break;
          g_usleep (1000);
        }
      grok_run_stop (run);
    }
  return g_steal_pointer (&dir);
}

/* Recent Runs tells the runs apart (name, preset, how each ended, steps, milestones), and opens
 * the one chosen; the file choosers open in the runs folder, which Preferences chooses */
static void
test_recent_runs (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowRecent", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  g_autofree char *root = g_dir_make_tmp ("grok-window-recent-XXXXXX", NULL);
  g_autofree char *finished = make_stopped_run (root, "finished", 1500, -1);
  g_autofree char *stopped = make_stopped_run (root, "stopped", 1500, 33);
  g_autofree char *broken = g_build_filename (root, "broken", NULL);
  g_autofree char *broken_config = g_build_filename (broken, "config.json", NULL);
  const char *recent[] = { stopped, finished, broken, NULL };
  const char *expected[] = { "stopped", "finished", "broken" };
  GtkWidget *list, *runs_window, *prefs, *runs_row;
  g_autoptr (GFile) current = NULL;
  g_autofree char *current_path = NULL;
  GtkFileChooserNative *chooser;
  int n = 0;

  g_assert_cmpint (g_mkdir (broken, 0755), ==, 0);
  g_assert_true (g_file_set_contents (broken_config, "{ not json", -1, NULL));
  g_settings_set_strv (window->settings, "recent-runs", recent);
  g_settings_set_string (window->settings, "runs-folder", root);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.recent-runs", NULL);
  SPIN_UNTIL ((runs_window = find_toplevel (GROK_TYPE_RECENT_RUNS)) != NULL, "Recent Runs to open");
  spin (50);
  save_widget (runs_window, "recent-runs.png");
  list = find_type (runs_window, GTK_TYPE_LIST_BOX);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row), n++)
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
      const char *about = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      g_test_message ("%s: %s", title, about);
      g_assert_cmpstr (title, ==, expected[n]);
    }
  g_assert_cmpint (n, ==, 3);
  {
    g_autofree char *s = grok_recent_run_describe (stopped);
    g_autofree char *f = grok_recent_run_describe (finished);
    g_autofree char *b = grok_recent_run_describe (broken);
    g_assert_true (g_str_has_prefix (s, "quick · stopped at step "));
    g_assert_nonnull (strstr (s, " of 1500"));
    g_assert_true (g_str_has_prefix (f, "quick · finished, 1500 steps · memorised at "));
    g_assert_nonnull (strstr (f, ", generalised at "));
    g_assert_true (g_str_has_prefix (b, "failed: "));
  }
  gtk_widget_activate (gtk_widget_get_first_child (list));
  SPIN_UNTIL (find_toplevel (GROK_TYPE_RECENT_RUNS) == NULL, "Recent Runs to close");
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, stopped);

  /* the choosers open in the runs folder */
  chooser = _grok_window_new_chooser (window, "Open", "_Open", GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  spin (100);
  current = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (current);
  current_path = g_file_get_path (current);
  g_assert_cmpstr (current_path, ==, root);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
  spin (50);

  /* Preferences show the runs folder and offer to choose another */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  SPIN_UNTIL ((prefs = find_toplevel (ADW_TYPE_PREFERENCES_WINDOW)) != NULL, "Preferences to open");
  spin (50);
  runs_row = NULL;
  for (GtkWidget *w = find_label (prefs, "Runs folder"); w && !runs_row; w = gtk_widget_get_parent (w))
    if (ADW_IS_ACTION_ROW (w))
      runs_row = w;
  g_assert_nonnull (runs_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (runs_row)), ==, root);
  g_settings_set_string (window->settings, "runs-folder", "/tmp");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (runs_row)), ==, "/tmp");
  save_widget (prefs, "preferences.png");
  gtk_window_destroy (GTK_WINDOW (prefs));
  close_window (window);
  remove_tree (root);
}

/* the message dialog shown now, with its body */
static AdwMessageDialog *
wait_for_question (void)
{
  GtkWidget *dialog;

  SPIN_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, "a question");
  spin (50);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
answer (AdwMessageDialog *dialog, const char *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin (20);
}

static char *
read_text (const char *dir, const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Fork From Here: from the browsed checkpoint, with the weight decay edited: the question lists
 * the change, and the new run is recorded exactly as grokscope-cli fork records it. Continue
 * with the edit asks too, offering Fork, instead of dropping it. */
static void
test_fork_from_here (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowFork", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  GrokSession *session = grok_window_get_session (window);
  g_autofree char *root = g_dir_make_tmp ("grok-window-fork-XXXXXX", NULL);
  g_autofree char *parent = make_stopped_run (root, "parent", 300, -1);
  g_autofree char *cli_fork = g_build_filename (root, "cli-fork", NULL);
  g_autofree char *step_arg = NULL, *forked = NULL;
  g_autofree char *ours = NULL, *theirs = NULL, *our_rows = NULL, *their_rows = NULL;
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *question;
  GArray *steps;
  gint64 step;
  int status;

  g_settings_set_string (window->settings, "runs-folder", root);
  g_assert_true (grok_window_open (window, parent));
  steps = grok_window_get_snapshot (window)->checkpoints;
  step = g_array_index (steps, gint64, steps->len / 2);
  grok_session_seek (session, step);
  g_assert_cmpint (step_of (window), ==, step);
  gtk_editable_set_text (GTK_EDITABLE (row (window, "optim.weight_decay")), "0.3");
  spin (20);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.fork", NULL);
  question = wait_for_question ();
  g_test_message ("%s: %s", adw_message_dialog_get_heading (question),
                  adw_message_dialog_get_body (question));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "Weight decay: 1 → 0.3"));
  save_widget (GTK_WIDGET (question), "fork-dialog.png");
  answer (question, "fork");
  SPIN_UNTIL (g_strcmp0 (grok_window_get_run_dir (window), parent) != 0 &&
              state_of (window) == GROK_RUN_FINISHED, "the fork to train");
  forked = g_strdup (grok_window_get_run_dir (window));
  g_assert_true (g_str_has_prefix (forked, root));
  save_window (window, "forked-run.png");
  {
    g_autoptr (GrokRunDir) dir = grok_run_dir_open (forked, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (grok_run_dir_get_config (dir)->optim.weight_decay, ==, 0.3);
    g_assert_cmpint (grok_run_dir_get_config (dir)->run.parent_step, ==, step);
  }

  /* the same fork by the CLI: the same config.json and the same inherited rows */
  step_arg = g_strdup_printf ("%" G_GINT64_FORMAT, step);
  {
    const char *argv[] = { g_getenv ("GROK_CLI"), "fork", parent, "--step", step_arg, "--set",
                           "optim.weight_decay=0.3", "--out", cli_fork, "--quiet", NULL };
    g_assert_nonnull (argv[0]);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  ours = read_text (forked, "config.json");
  theirs = read_text (cli_fork, "config.json");
  g_assert_cmpstr (ours, ==, theirs);
  our_rows = read_text (forked, "metrics.csv");
  their_rows = read_text (cli_fork, "metrics.csv");
  {
    g_auto (GStrv) a = g_strsplit (our_rows, "\n", -1);
    g_auto (GStrv) b = g_strsplit (their_rows, "\n", -1);
    guint inherited = 0;
    /* the rows up to the fork step are the parent's (wall time aside, every column equal) */
    for (guint i = 1; a[i] && b[i] && g_ascii_strtoll (a[i], NULL, 10) <= step && a[i][0]; i++, inherited++)
      g_assert_cmpstr (a[i], ==, b[i]);
    g_assert_cmpuint (inherited, >, 1);
  }

  /* Continue with the weight decay edited asks, and offers Fork */
  g_assert_true (grok_window_open (window, parent));
  gtk_editable_set_text (GTK_EDITABLE (row (window, "optim.weight_decay")), "0.3");
  spin (20);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.continue", NULL);
  question = wait_for_question ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "Weight decay: 1 → 0.3"));
  g_assert_true (adw_message_dialog_has_response (question, "fork"));
  g_assert_true (adw_message_dialog_has_response (question, "continue"));
  answer (question, "cancel");
  g_assert_false (grok_session_get_preparing (session));
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, parent);
  close_window (window);
  remove_tree (root);
}

/* a finished quick run with its own evaluation schedule, seed and modulus */
static char *
make_compared_run_wd (const char *root, const char *leaf, gint64 eval_every, gint64 seed, gint64 p,
                      double weight_decay)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  g_autofree char *dir = g_build_filename (root, leaf, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;

  config->train.steps = 200;
  config->train.eval_every = eval_every;
  config->seed = seed;
  config->task.p = p;
  if (weight_decay >= 0)
    config->optim.weight_decay = weight_decay;
  config->measures.lmn_per_decade = 0;
  config->measures.complexity_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  run = grok_run_new (config, dir, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return g_steal_pointer (&dir);
}

static char *
make_compared_run (const char *root, const char *leaf, gint64 eval_every, gint64 seed, gint64 p)
{
  return make_compared_run_wd (root, leaf, eval_every, seed, p, -1);
}

static void
on_compare_problem (GrokSession *session, const char *text, GString *seen)
{
  g_string_append_printf (seen, "%s\n", text);
}

/* Compare With Runs: runs evaluated at other steps are interpolated, never averaged at steps
 * one of them lacks; a run of another task is refused with its name; each run has its colour
 * and legend label; Clear Comparison and showing another run take it away */
static void
test_compare_runs (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.WindowCompare", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window = new_window (app);
  GrokSession *session = grok_window_get_session (window);
  g_autofree char *root = g_dir_make_tmp ("grok-window-compare-XXXXXX", NULL);
  g_autofree char *a = make_compared_run (root, "seed0", 50, 0, 97);
  g_autofree char *b = make_compared_run (root, "seed1", 30, 1, 97);
  g_autofree char *c = make_compared_run (root, "p31", 50, 0, 31);
  g_autoptr (GString) problems = g_string_new (NULL);
  const char *paths[] = { b, c, NULL };
  const GrokMetrics *shown, *other;
  g_autoptr (GPtrArray) lines = NULL;
  GrokComparison *cmp;
  guint matched = 0, unmatched = 0;

  g_signal_connect (session, "problem", G_CALLBACK (on_compare_problem), problems);
  g_assert_true (grok_window_open (window, a));
  g_assert_true (grok_session_compare (session, paths));
  g_test_message ("refused: %s", problems->str);
  g_assert_nonnull (strstr (problems->str, "p31 is of another task or model (Modulus p 31, not 97)"));
  cmp = grok_session_get_comparison (session);
  g_assert_nonnull (cmp);
  g_assert_cmpuint (grok_comparison_n_runs (cmp), ==, 2);
  g_assert_true (grok_curves_view_get_comparison (window->curves_view) == cmp);
  g_assert_nonnull (strstr (grok_comparison_run_label (cmp, 0), "Seed 0"));
  g_assert_nonnull (strstr (grok_comparison_run_label (cmp, 1), "Seed 1"));
  spin (50);
  save_window (window, "compare-overlay.png");

  /* overlaid: two lines, colours 0 and 1, each labelled */
  shown = grok_session_get_newest (session)->metrics;
  other = grok_comparison_run_metrics (cmp, 1);
  lines = grok_comparison_lines (cmp, shown, "step", "test_acc", FALSE, NAN);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpuint (((GrokCompareLine *) lines->pdata[0])->color, ==, 0);
  g_assert_cmpuint (((GrokCompareLine *) lines->pdata[1])->color, ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* grouped (the seeds): at every step the mean of both runs' interpolated values */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.compare-grouped", NULL);
  spin (50);
  save_window (window, "compare-grouped.png");
  lines = grok_comparison_lines (cmp, shown, "step", "test_acc", TRUE, NAN);
  g_assert_cmpuint (lines->len, ==, 1);
  {
    GrokCompareLine *line = lines->pdata[0];
    for (guint i = 0; i < line->x->len; i++)
      {
        double x = g_array_index (line->x, double, i);
        double va = grok_compare_value_at (shown, "step", "test_acc", x);
        double vb = grok_compare_value_at (other, "step", "test_acc", x);
        double want = isnan (va) ? vb : isnan (vb) ? va : (va + vb) / 2;
        g_assert_cmpfloat_with_epsilon (g_array_index (line->y, double, i), want, 1e-9);
        if (fmod (x, 50) == 0 && fmod (x, 30) == 0)
          matched++;
        else
          unmatched++;
      }
  }
  g_assert_cmpuint (matched, >, 0);
  g_assert_cmpuint (unmatched, >, 0);
  /* the grouping is a check in the menu */
  {
    g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window),
                                                                  "compare-grouped");
    g_assert_true (g_variant_get_boolean (state));
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.compare-grouped", NULL);
  {
    g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window),
                                                                  "compare-grouped");
    g_assert_false (g_variant_get_boolean (state));
  }

  /* Group By: the keys that differ among the runs, by label; a chosen key gives the groups the
   * engine gives */
  {
    g_autofree char *d = make_compared_run_wd (root, "wd", 50, 0, 97, 0.25);
    const char *three[] = { b, d, NULL };
    const char *by[] = { "seed", "optim.weight_decay" };
    GrokComparison *now;
    g_autoptr (GString) labels = g_string_new (NULL);

    g_assert_true (grok_session_compare (session, three));
    now = grok_session_get_comparison (session);
    g_assert_cmpuint (grok_comparison_n_runs (now), ==, 3);
    for (int i = 0; i < g_menu_model_get_n_items (G_MENU_MODEL (window->group_by_menu)); i++)
      {
        g_autofree char *label = NULL;
        g_assert_true (g_menu_model_get_item_attribute (G_MENU_MODEL (window->group_by_menu), i,
                                                        G_MENU_ATTRIBUTE_LABEL, "s", &label));
        g_string_append_printf (labels, "%s;", label);
      }
    g_assert_cmpstr (labels->str, ==, "Seed;Weight decay;");
    for (guint k = 0; k < G_N_ELEMENTS (by); k++)
      {
        g_autoptr (GrokComparison) want = NULL;
        g_autoptr (GVariant) state = NULL;

        gtk_widget_activate_action (GTK_WIDGET (window), "win.compare-group-by", "s", by[k]);
        now = grok_session_get_comparison (session);
        g_assert_cmpstr (grok_comparison_get_group_key (now), ==, by[k]);
        g_assert_true (grok_curves_view_get_comparison (window->curves_view) == now);
        state = g_action_group_get_action_state (G_ACTION_GROUP (window), "compare-grouped");
        g_assert_true (g_variant_get_boolean (state));
        want = grok_comparison_new (grok_comparison_get_owner (now),
                                    grok_session_get_newest (session)->config, "seed0", by[k]);
        for (guint r = 0; three[r] != NULL; r++)
          {
            g_autoptr (GrokRunDir) dir = grok_run_dir_open (three[r], NULL);
            g_assert_true (grok_comparison_add (want, "run", grok_run_dir_get_config (dir),
                                                grok_run_dir_get_metrics (dir), NULL));
          }
        g_assert_cmpuint (grok_comparison_n_groups (now), ==, grok_comparison_n_groups (want));
        for (guint r = 0; r < grok_comparison_n_runs (now); r++)
          g_assert_cmpuint (grok_comparison_run_group (now, r), ==, grok_comparison_run_group (want, r));
        for (guint g = 0; g < grok_comparison_n_groups (now); g++)
          g_assert_cmpstr (grok_comparison_group_label (now, g), ==, grok_comparison_group_label (want, g));
      }
    /* over the weight decay: seed 0 at both weight decays is one group, seed 1 another */
    g_assert_cmpuint (grok_comparison_n_groups (now), ==, 2);
    g_assert_cmpuint (grok_comparison_run_group (now, 0), ==, grok_comparison_run_group (now, 2));
    g_assert_cmpuint (grok_comparison_run_group (now, 0), !=, grok_comparison_run_group (now, 1));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.compare-group-by", "s", "seed");
    gtk_widget_activate_action (GTK_WIDGET (window), "win.compare-grouped", NULL);
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-comparison", NULL);
  g_assert_null (grok_session_get_comparison (session));
  g_assert_null (grok_curves_view_get_comparison (window->curves_view));

  const char *again[] = { b, NULL };
  g_assert_true (grok_session_compare (session, again));
  g_assert_nonnull (grok_session_get_comparison (session));
  g_assert_true (grok_window_open (window, b));
  g_assert_null (grok_session_get_comparison (session));
  g_assert_null (grok_curves_view_get_comparison (window->curves_view));

  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window/shortcuts-over-a-field", test_shortcuts_over_a_field);
  g_test_add_func ("/ui/window/shortcuts-after-menu", test_shortcuts_after_menu);
  g_test_add_func ("/ui/window/shortcuts-window-lists-all", test_shortcuts_window_lists_all);
  g_test_add_func ("/ui/window/settings-read-as-a-paper", test_settings_read_as_a_paper);
  g_test_add_func ("/ui/window/first-start", test_first_start);
  g_test_add_func ("/ui/window/preset-chooser", test_preset_chooser);
  g_test_add_func ("/ui/window/recent-runs", test_recent_runs);
  g_test_add_func ("/ui/window/fork-from-here", test_fork_from_here);
  g_test_add_func ("/ui/window/compare-runs", test_compare_runs);
  return g_test_run ();
}
