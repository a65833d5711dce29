/* Every setting of an experiment as a widget, built from the config key table: a combo row
 * for each choice, an entry row for each number or string, grouped by section, with the key's
 * meaning, range and unit in its tooltip. An invalid value is flagged on its row; a config
 * needing more memory than the machine has available is invalid too. */
#pragma once

#include <adwaita.h>

#include "grok-config.h"

G_BEGIN_DECLS

#define GROK_TYPE_CONFIG_EDITOR (grok_config_editor_get_type ())
G_DECLARE_FINAL_TYPE (GrokConfigEditor, grok_config_editor, GROK, CONFIG_EDITOR, AdwBin)

GtkWidget  *grok_config_editor_new          (void);
/* show config in the widgets (a copy is kept) */
void        grok_config_editor_set_config   (GrokConfigEditor *self, const GrokConfig *config);
/* the edited config, or NULL while any value is invalid */
GrokConfig *grok_config_editor_dup_config   (GrokConfigEditor *self);
gboolean    grok_config_editor_get_valid    (GrokConfigEditor *self);
/* why the config is invalid (the first problem, naming its key); NULL when valid */
const char *grok_config_editor_get_problem  (GrokConfigEditor *self);
/* the memory the config needs, as shown beside Train ("≈ 120 MB", property "memory"); NULL
 * while the config is invalid */
const char *grok_config_editor_get_memory   (GrokConfigEditor *self);
/* the row of a key, for tests */
GtkWidget  *grok_config_editor_get_row      (GrokConfigEditor *self, const char *key);

G_END_DECLS
