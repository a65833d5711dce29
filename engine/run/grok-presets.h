/* The built-in experiments, shipped inside the binary as JSON documents. */
#pragma once

#include <glib.h>

#include "grok-config.h"

G_BEGIN_DECLS

/* the preset names, sorted; free with g_strfreev */
char      **grok_presets_list (void);
/* the preset applied over the defaults; NULL with GROK_ERROR_CONFIG for an unknown name */
GrokConfig *grok_preset_load  (const char *name, GError **error);

G_END_DECLS
