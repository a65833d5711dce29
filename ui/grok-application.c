/* The application object: startup (icons, renderer, accelerators), activate (a window), open
 * (a window per run folder given) and quit, which asks once before it stops the runs of every
 * window and waits for their last checkpoints. */
#include "grok-application.h"

#include "grok-renderer.h"
#include "grok-stop-dialog.h"
#include "grok-window-private.h"

struct _GrokApplication
{
  AdwApplication parent_instance;

  char          *icon_dir;
  GtkWidget     *asking;       /* the question before quitting, while it is shown */
  guint          ending;       /* windows still stopping their runs on the way out */
  gboolean       end_failed;   /* one of them could not keep its run's last steps */
};

G_DEFINE_FINAL_TYPE (GrokApplication, grok_application, ADW_TYPE_APPLICATION)

static void
on_window_ended (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GrokApplication) self = data;
  g_autoptr (GError) error = NULL;

  /* the window that failed stays open and says why; quitting is off */
  if (!grok_window_end_finish (GROK_WINDOW (source), result, &error))
    self->end_failed = TRUE;
  if (--self->ending == 0 && !self->end_failed)
    g_application_quit (G_APPLICATION (self));
}

/* every window's run stopped with its last checkpoint written, every window closed, then the
 * end */
static void
end_all (GrokApplication *self)
{
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  self->end_failed = FALSE;
  for (GList *l = windows; l != NULL; l = l->next)
    if (GROK_IS_WINDOW (l->data))
      {
        self->ending++;
        grok_window_end_async (l->data, on_window_ended, g_object_ref (self));
      }
  if (self->ending == 0)
    g_application_quit (G_APPLICATION (self));
}

static void
on_quit_answer (AdwMessageDialog *dialog, const char *response, GrokApplication *self)
{
  if (g_str_equal (response, "stop"))
    end_all (self);
}

/* Ctrl+Q: one question for every window whose run trains or is paused (over the first of
 * them), none when nothing runs */
static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GrokApplication *self = data;
  g_autoptr (GPtrArray) sessions = g_ptr_array_new ();
  GrokWindow *parent = NULL;

  if (self->asking != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->asking));
      return;
    }
  if (self->ending > 0)
    return;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (GROK_IS_WINDOW (l->data) && grok_window_get_live (l->data))
      {
        parent = parent ? parent : l->data;
        g_ptr_array_add (sessions, grok_window_get_session (l->data));
      }
  if (sessions->len == 0)
    {
      end_all (self);
      return;
    }
  gtk_window_present (GTK_WINDOW (parent));
  self->asking = grok_stop_dialog_new (GTK_WINDOW (parent), sessions, TRUE);
  g_object_add_weak_pointer (G_OBJECT (self->asking), (gpointer *) &self->asking);
  g_signal_connect_object (self->asking, "response", G_CALLBACK (on_quit_answer), self, 0);
  gtk_window_present (GTK_WINDOW (self->asking));
}

static void
grok_application_startup (GApplication *app)
{
  GrokApplication *self = GROK_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *help_accels[] = { "<Control>question", NULL };
  g_autoptr (GSimpleAction) quit = g_simple_action_new ("quit", NULL);
  GdkDisplay *display;
  g_autofree char *gl = NULL;
  gboolean cairo = FALSE;

  G_APPLICATION_CLASS (grok_application_parent_class)->startup (app);
  g_signal_connect_object (quit, "activate", G_CALLBACK (quit_activated), app, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (quit));
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_accels);
  display = gdk_display_get_default ();
  if (display == NULL)
    return;
  if (self->icon_dir != NULL)
    gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (display), self->icon_dir);
  gl = grok_renderer_choose (display, &cairo);
  if (cairo)
    g_debug ("GL is the software rasteriser %s: drawing with Cairo (set GSK_RENDERER to choose)", gl);
}

static void
grok_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (grok_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

/* each folder in a window of its own; a folder that cannot be read leaves its window with the
 * reason shown */
static void
grok_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      GrokWindow *window = grok_window_new (ADW_APPLICATION (app));
      g_autofree char *path = g_file_get_path (files[i]);

      gtk_window_present (GTK_WINDOW (window));
      if (path != NULL)
        grok_window_open (window, path);
    }
}

static void
grok_application_finalize (GObject *object)
{
  GrokApplication *self = GROK_APPLICATION (object);

  if (self->asking != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->asking), (gpointer *) &self->asking);
  g_free (self->icon_dir);
  G_OBJECT_CLASS (grok_application_parent_class)->finalize (object);
}

static void
grok_application_class_init (GrokApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = grok_application_finalize;
  app_class->startup = grok_application_startup;
  app_class->activate = grok_application_activate;
  app_class->open = grok_application_open;
}

static void
grok_application_init (GrokApplication *self)
{
}

GrokApplication *
grok_application_new (const char *icon_dir)
{
  GrokApplication *self = g_object_new (GROK_TYPE_APPLICATION,
                                        "application-id", "org.grokscope.Grokscope",
                                        "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                                        NULL);

  self->icon_dir = g_strdup (icon_dir);
  return self;
}
