/* The desktop app: one window per run shown. Started with run folders (`grokscope RUN_DIR`, or
 * a file manager's Open With), it shows each in a window of its own. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GROK_TYPE_APPLICATION (grok_application_get_type ())
G_DECLARE_FINAL_TYPE (GrokApplication, grok_application, GROK, APPLICATION, AdwApplication)

/* icon_dir: a folder of hicolor icons to search besides the installed ones (the source tree's,
 * when run from the build folder), or NULL */
GrokApplication *grok_application_new (const char *icon_dir);

G_END_DECLS
