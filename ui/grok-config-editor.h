/* Every setting of an experiment as a widget, built from the config key table: a combo row
 * for each choice, an entry row for each number or string, grouped by section, titled by the
 * key's label, with its unit beside the value and its meaning, range and unit in its tooltip;
 * only the rows that apply to the rest of the config are shown. A refused value is said on its
 * row, in place of the label; a config needing more memory than the machine has available is
 * invalid too. */
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
/* the config as edited, valid or not (owned by the editor, changed by the next edit) */
const GrokConfig *grok_config_editor_get_config (GrokConfigEditor *self);
gboolean    grok_config_editor_get_valid    (GrokConfigEditor *self);
/* why the config is invalid (the first problem, naming its row by its label); NULL when valid */
const char *grok_config_editor_get_problem  (GrokConfigEditor *self);
/* the key whose row shows that problem, or NULL when it belongs to no row (the memory needed) */
const char *grok_config_editor_get_problem_key (GrokConfigEditor *self);
/* the memory the config needs, as shown beside Train ("≈ 120 MB", property "memory"); NULL
 * while the config is invalid */
const char *grok_config_editor_get_memory   (GrokConfigEditor *self);
/* the row of a key, for tests */
GtkWidget  *grok_config_editor_get_row      (GrokConfigEditor *self, const char *key);

G_END_DECLS
