/* The list of recent runs, each read through its run folder object. */
#define G_LOG_DOMAIN "grok-recent-runs"

#include "grok-recent-runs.h"

#include <math.h>

#include "grok-run-dir.h"
#include "grok-session.h"

struct _GrokRecentRuns
{
  AdwWindow  parent_instance;

  /* borrowed */
  GtkWindow *parent;
};

G_DEFINE_FINAL_TYPE (GrokRecentRuns, grok_recent_runs, ADW_TYPE_WINDOW)

/* "quick · finished at step 1500 · memorised at 220, generalised at 880" */
char *
grok_recent_run_describe (const char *folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = grok_run_dir_open (folder, &error);
  const GrokConfig *config;
  const GrokMetrics *m;
  GString *text;
  gint64 reached, memorised, generalised;

  if (dir == NULL)
    return g_strdup_printf ("failed: %s", error->message);
  config = grok_run_dir_get_config (dir);
  m = grok_run_dir_get_metrics (dir);
  if (m->n_rows == 0)
    return g_strdup_printf ("%s · failed before its first step", config->name);
  reached = (gint64) grok_metrics_get (m, m->n_rows - 1, GROK_COL_STEP);
  text = g_string_new (config->name);
  if (reached >= config->train.steps)
    g_string_append_printf (text, " · finished, %" G_GINT64_FORMAT " steps", reached);
  else if (!isfinite (grok_metrics_get (m, m->n_rows - 1, GROK_COL_TRAIN_LOSS)))
    g_string_append_printf (text, " · diverged at step %" G_GINT64_FORMAT, reached);
  else
    g_string_append_printf (text, " · stopped at step %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
                            reached, config->train.steps);
  grok_milestones_find (m, &memorised, &generalised);
  if (memorised >= 0)
    g_string_append_printf (text, " · memorised at %" G_GINT64_FORMAT, memorised);
  if (generalised >= 0)
    g_string_append_printf (text, ", generalised at %" G_GINT64_FORMAT, generalised);
  if (memorised < 0 && generalised < 0)
    g_string_append (text, " · not yet memorised");
  return g_string_free (text, FALSE);
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, GrokRecentRuns *self)
{
  const char *folder = g_object_get_data (G_OBJECT (row), "grok-folder");

  gtk_widget_activate_action (GTK_WIDGET (self->parent), "win.open-recent", "s", folder);
  gtk_window_destroy (GTK_WINDOW (self));
}

static GtkWidget *
make_list (GrokRecentRuns *self, const char * const *folders)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_valign (list, GTK_ALIGN_START);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *name = g_path_get_basename (folders[i]);
      g_autofree char *about = grok_recent_run_describe (folders[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), about);
      gtk_widget_set_tooltip_text (row, folders[i]);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "grok-folder", g_strdup (folders[i]), g_free);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_row_activated), self, 0);
  return list;
}

static void
grok_recent_runs_class_init (GrokRecentRunsClass *klass)
{
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
grok_recent_runs_init (GrokRecentRuns *self)
{
}

GtkWidget *
grok_recent_runs_new (GtkWindow *parent, const char * const *folders)
{
  GrokRecentRuns *self = g_object_new (GROK_TYPE_RECENT_RUNS, "title", "Recent Runs",
                                       "modal", TRUE, "transient-for", parent,
                                       "default-width", 640, "default-height", 520, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *content;

  self->parent = parent;
  if (folders == NULL || folders[0] == NULL)
    {
      content = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (content), "document-open-recent-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (content), "No Recent Runs");
      adw_status_page_set_description (ADW_STATUS_PAGE (content),
                                       "Runs you train or open are listed here.");
    }
  else
    content = make_list (self, folders);
  gtk_widget_set_margin_top (clamp, 12);
  gtk_widget_set_margin_bottom (clamp, 12);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);
  return GTK_WIDGET (self);
}
