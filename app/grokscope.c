/* grokscope: the desktop app. */
#include <adwaita.h>

#include "grok-renderer.h"
#include "grok-window.h"

static void
on_startup (GApplication *app)
{
  /* the icon, from the source tree when the app is run from its build folder */
  GdkDisplay *display = gdk_display_get_default ();
  g_autofree char *gl = NULL;
  gboolean cairo = FALSE;

  if (display == NULL)
    return;
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (display), GROK_ICON_DIR);
  gl = grok_renderer_choose (display, &cairo);
  if (cairo)
    g_debug ("GL is the software rasteriser %s: drawing with Cairo (set GSK_RENDERER to choose)", gl);
}

static void
on_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (grok_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.Grokscope",
                                                        G_APPLICATION_NON_UNIQUE);

  g_set_application_name ("Grokscope");
  gtk_window_set_default_icon_name ("org.grokscope.Grokscope");

  const char *quit_accels[] = { "<Control>q", NULL };
  const char *help_accels[] = { "<Control>question", NULL };
  g_autoptr (GSimpleAction) quit = g_simple_action_new ("quit", NULL);

  g_signal_connect_swapped (quit, "activate", G_CALLBACK (g_application_quit), app);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (quit));
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_accels);
  g_signal_connect_after (app, "startup", G_CALLBACK (on_startup), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
