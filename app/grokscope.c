/* grokscope: the desktop app. `grokscope RUN_DIR...` shows each run folder in a window. */
#include "grok-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (GrokApplication) app = grok_application_new (GROK_ICON_DIR);

  g_set_application_name ("Grokscope");
  gtk_window_set_default_icon_name ("org.grokscope.Grokscope");
  return g_application_run (G_APPLICATION (app), argc, argv);
}
