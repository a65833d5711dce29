/* Quitting and closing with a run, in the real app under a display: a run that trains or is
 * paused is never ended without a question, and "Stop and Keep" leaves its folder with a
 * checkpoint at the very step reached and every metrics row up to it. A finished run, or a
 * folder only browsed, quits without one. Every wait is for a condition, with a deadline far
 * beyond what an idle machine needs: these tests run beside whole builds. */
#include <adwaita.h>

#include "grok-application.h"
#include "grok-checkpoints.h"
#include "grok-config-editor.h"
#include "grok-presets.h"
#include "grok-run-dir.h"
#include "grok-settings.h"
#include "grok-trainer.h"
#include "grok-window-private.h"
#include "gui-helpers.h"
#include "run-helpers.h"

#define DEADLINE_S 120

typedef gboolean (*Condition) (gpointer data);

/* iterate the main context until cond holds; FALSE when DEADLINE_S passed first */
static gboolean
spin_until (Condition cond, gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* a few idle iterations, for what a condition cannot name: that nothing happens */
static void
spin_idle (int iterations)
{
  for (int i = 0; i < iterations; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* the app as grokscope starts it, writing its runs into a folder of the test's own, with the
 * window its activation opens. GTK keeps an activated application registered after its last
 * reference is dropped, so each test's gets a name of its own. */
static GrokApplication *
start_app (GrokWindow **window)
{
  static guint count;
  g_autofree char *id = g_strdup_printf ("org.grokscope.GuiTestQuit%u", ++count);
  GrokApplication *app = grok_application_new (NULL);
  g_autoptr (GSettings) settings = grok_settings_new ();

  g_application_set_application_id (G_APPLICATION (app), id);
  g_settings_set_string (settings, "runs-folder", test_tmp_dir ("grok-quit-runs-XXXXXX"));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  *window = GROK_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  gtk_window_set_default_size (GTK_WINDOW (*window), 1000, 700);
  return app;
}

static gboolean
no_windows (gpointer app)
{
  return gtk_application_get_windows (app) == NULL;
}

static AdwMessageDialog *
visible_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) top = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (top) && gtk_widget_get_visible (GTK_WIDGET (top)))
        return ADW_MESSAGE_DIALOG (top);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer unused)
{
  return visible_message_dialog () != NULL;
}

static gboolean
dialog_gone (gpointer unused)
{
  return visible_message_dialog () == NULL;
}

/* the question asked, checked for its answers and default; NULL when none came */
static AdwMessageDialog *
wait_for_question (void)
{
  AdwMessageDialog *dialog;

  if (!spin_until (dialog_shown, NULL))
    return NULL;
  dialog = visible_message_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
  g_assert_true (adw_message_dialog_has_response (dialog, "stop"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "stop"), ==, "Stop and _Keep");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  return dialog;
}

/* the first button labelled label */
static GtkWidget *
find_labelled (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled (child, label);
      if (found)
        return found;
    }
  return NULL;
}

/* press the dialog's button for a response, as a click does */
static void
answer (AdwMessageDialog *dialog, const char *response)
{
  GtkWidget *button;

  g_assert_nonnull (dialog);
  button = find_labelled (GTK_WIDGET (dialog), adw_message_dialog_get_response_label (dialog, response));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  GrokWindow *window;
  gint64      step;
} StepWait;

static gboolean
reached (gpointer data)
{
  StepWait *w = data;
  GrokSnapshot *s = grok_window_get_snapshot (w->window);

  return s != NULL && s->train_step >= w->step;
}

/* the run's last snapshot before its thread waits: paused, and no step after it */
static gboolean
paused (gpointer window)
{
  GrokSnapshot *s = grok_window_get_snapshot (window);

  return s != NULL && s->state == GROK_RUN_PAUSED;
}

/* train the quick preset and pause it past step `after` at a step that gets no checkpoint of
 * its own (Step while paused moves it off one); the step it stands at */
static gint64
train_and_pause (GrokWindow *window, gint64 after)
{
  StepWait wait = { window, after };
  GrokSnapshot *s;

  choose_preset (GTK_WIDGET (window), "quick");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  g_assert_true (spin_until (reached, &wait));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  g_assert_true (spin_until (paused, window));
  s = grok_window_get_snapshot (window);
  while (grok_checkpoint_is_scheduled (s->train_step, s->config->checkpoints.every,
                                       (int) s->config->checkpoints.per_decade))
    {
      wait.step = s->train_step + 1;
      gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL);
      g_assert_true (spin_until (reached, &wait));
      g_assert_true (spin_until (paused, window));
      s = grok_window_get_snapshot (window);
    }
  g_test_message ("paused at step %" G_GINT64_FORMAT, s->train_step);
  return s->train_step;
}

/* the folder's newest checkpoint is at step, and its metrics.csv holds exactly the rows the
 * window showed at that step */
static void
assert_kept (const char *path, gint64 step, const GrokMetrics *shown)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, &error);
  const GrokMetrics *rows;
  GArray *steps;

  g_assert_no_error (error);
  steps = grok_run_dir_get_checkpoints (dir);
  g_assert_cmpuint (steps->len, >, 0);
  g_assert_cmpint (g_array_index (steps, gint64, steps->len - 1), ==, step);
  rows = grok_run_dir_get_metrics (dir);
  g_assert_cmpuint (rows->n_rows, ==, shown->n_rows);
  for (guint r = 0; r < rows->n_rows; r++)
    g_assert_cmpfloat (grok_metrics_get (rows, r, GROK_COL_STEP), ==,
                       grok_metrics_get (shown, r, GROK_COL_STEP));
  g_assert_cmpfloat (grok_metrics_get (rows, rows->n_rows - 1, GROK_COL_STEP), <=, step);
}

/* the newest checkpoint of the folder, for a run that must not have been stopped */
static gint64
newest_checkpoint (const char *path)
{
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (path, NULL);
  GArray *steps;

  g_assert_nonnull (dir);
  steps = grok_run_dir_get_checkpoints (dir);
  return steps->len ? g_array_index (steps, gint64, steps->len - 1) : -1;
}

/* Ctrl+Q with a paused run: the question, then "Stop and Keep" ends the run at its step and
 * the app with it */
static void
test_quit_stop_and_keep (void)
{
  GrokWindow *window;
  g_autoptr (GrokApplication) app = start_app (&window);
  g_autoptr (GrokMetrics) shown = NULL;
  g_autofree char *path = NULL;
  AdwMessageDialog *dialog;
  gint64 step = train_and_pause (window, 30);

  path = g_strdup (grok_window_get_run_dir (window));
  shown = grok_metrics_ref (grok_window_get_snapshot (window)->metrics);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  dialog = wait_for_question ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  answer (dialog, "stop");
  g_assert_true (spin_until (no_windows, app));
  assert_kept (path, step, shown);
}

/* Cancel leaves the app, the window and the paused run as they were; the run resumes */
static void
test_quit_cancel (void)
{
  GrokWindow *window;
  g_autoptr (GrokApplication) app = start_app (&window);
  g_autofree char *path = NULL;
  gint64 step = train_and_pause (window, 30);
  gint64 stored;
  StepWait further = { window, step + 5 };

  path = g_strdup (grok_window_get_run_dir (window));
  stored = newest_checkpoint (path);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  answer (wait_for_question (), "cancel");
  g_assert_true (spin_until (dialog_gone, NULL));
  spin_idle (200);
  g_assert_true (gtk_application_get_windows (GTK_APPLICATION (app))->data == window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpint (grok_session_get_state (grok_window_get_session (window)), ==, GROK_RUN_PAUSED);
  g_assert_cmpint (grok_window_get_snapshot (window)->train_step, ==, step);
  g_assert_cmpint (newest_checkpoint (path), ==, stored);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  g_assert_true (spin_until (reached, &further));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (spin_until (no_windows, app));
}

/* closing the window asks the same: Cancel keeps it, "Stop and Keep" closes it with the run's
 * step in a checkpoint */
static void
test_close_request (void)
{
  GrokWindow *window;
  g_autoptr (GrokApplication) app = start_app (&window);
  g_autoptr (GrokMetrics) shown = NULL;
  g_autofree char *path = NULL;
  AdwMessageDialog *dialog;
  gint64 step = train_and_pause (window, 30);

  path = g_strdup (grok_window_get_run_dir (window));
  shown = grok_metrics_ref (grok_window_get_snapshot (window)->metrics);
  gtk_window_close (GTK_WINDOW (window));
  dialog = wait_for_question ();
  g_assert_nonnull (dialog);
  answer (dialog, "cancel");
  g_assert_true (spin_until (dialog_gone, NULL));
  spin_idle (200);
  g_assert_false (no_windows (app));
  g_assert_cmpint (grok_session_get_state (grok_window_get_session (window)), ==, GROK_RUN_PAUSED);

  gtk_window_close (GTK_WINDOW (window));
  dialog = wait_for_question ();
  g_assert_nonnull (dialog);
  answer (dialog, "stop");
  g_assert_true (spin_until (no_windows, app));
  assert_kept (path, step, shown);
}

/* Reset, then Step a few times: the run so made is as much a run as one trained, and quitting
 * keeps its single steps */
static void
test_quit_after_single_steps (void)
{
  GrokWindow *window;
  g_autoptr (GrokApplication) app = start_app (&window);
  g_autoptr (GrokMetrics) shown = NULL;
  g_autofree char *path = NULL;
  StepWait wait = { window, 1 };
  gint64 step;

  train_and_pause (window, 5);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reset", NULL);
  g_assert_null (grok_window_get_snapshot (window));
  /* step 5 is the first that the log-spaced schedule passes over */
  for (; wait.step <= 5; wait.step++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL);
      g_assert_true (spin_until (reached, &wait));
      g_assert_true (spin_until (paused, window));
    }
  step = grok_window_get_snapshot (window)->train_step;
  g_assert_cmpint (step, ==, 5);
  path = g_strdup (grok_window_get_run_dir (window));
  shown = grok_metrics_ref (grok_window_get_snapshot (window)->metrics);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  answer (wait_for_question (), "stop");
  g_assert_true (spin_until (no_windows, app));
  assert_kept (path, step, shown);
}

static gboolean
finished (gpointer window)
{
  return grok_session_get_state (grok_window_get_session (window)) == GROK_RUN_FINISHED;
}

/* a finished run, and a folder only browsed, quit (and close) without a question */
static void
test_no_question_when_nothing_runs (void)
{
  GrokWindow *window, *browser;
  g_autoptr (GrokApplication) app = start_app (&window);
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  const char *folder = test_tmp_dir ("grok-quit-browsed-XXXXXX");
  GrokConfigEditor *editor = GROK_CONFIG_EDITOR (find_type (GTK_WIDGET (window), GROK_TYPE_CONFIG_EDITOR));

  /* a short run, trained to its end in the window */
  config->train.steps = 40;
  grok_config_editor_set_config (editor, config);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  g_assert_true (spin_until (finished, window));

  /* a folder made as the CLI makes one, opened in a second window */
  {
    g_autoptr (GrokRun) run = NULL;
    g_autoptr (GError) error = NULL;

    config->checkpoints.views = 0;
    run = grok_run_new (config, folder, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  }
  browser = grok_window_new (ADW_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (browser));
  g_assert_true (grok_window_open (browser, folder));

  gtk_window_close (GTK_WINDOW (browser));
  spin_idle (100);
  g_assert_null (visible_message_dialog ());
  g_assert_true (gtk_application_get_windows (GTK_APPLICATION (app))->data == window);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app))->next);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (spin_until (no_windows, app));
  g_assert_null (visible_message_dialog ());
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/quit/stop-and-keep", test_quit_stop_and_keep);
  g_test_add_func ("/ui/quit/cancel", test_quit_cancel);
  g_test_add_func ("/ui/quit/close-request", test_close_request);
  g_test_add_func ("/ui/quit/after-single-steps", test_quit_after_single_steps);
  g_test_add_func ("/ui/quit/nothing-runs", test_no_question_when_nothing_runs);
  return g_test_run ();
}
