/* The application object: startup (icons, renderer, accelerators), activate (a window) and open
 * (a window per run folder given). */
#include "grok-application.h"

#include "grok-renderer.h"
#include "grok-window.h"

struct _GrokApplication
{
  AdwApplication parent_instance;

  char          *icon_dir;
};

G_DEFINE_FINAL_TYPE (GrokApplication, grok_application, ADW_TYPE_APPLICATION)

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
  g_signal_connect_swapped (quit, "activate", G_CALLBACK (g_application_quit), app);
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
  g_free (GROK_APPLICATION (object)->icon_dir);
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
