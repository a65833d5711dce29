/* The app's GSettings, found where it is installed or, when run from the build folder, in the
 * schema compiled there. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *grok_settings_new (void);

G_END_DECLS
