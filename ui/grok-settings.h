/* The app's GSettings, found where it is installed or, when run from the build folder, in the
 * schema compiled there. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *grok_settings_new         (void);
/* where the app writes its runs: the runs-folder setting, or the user data folder when it is
 * empty (a new string) */
char      *grok_settings_runs_folder (GSettings *settings);

G_END_DECLS
