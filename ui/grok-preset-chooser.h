/* The experiment chooser of the header bar: a button naming the preset shown (marked "edited"
 * once the settings differ from it) that opens the presets grouped as the presets table groups
 * them, each with its description and the time it takes. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GROK_TYPE_PRESET_CHOOSER (grok_preset_chooser_get_type ())
G_DECLARE_FINAL_TYPE (GrokPresetChooser, grok_preset_chooser, GROK, PRESET_CHOOSER, GtkWidget)

GtkWidget  *grok_preset_chooser_new         (void);
/* the preset named on the button (NULL: none, the experiment is no preset) */
const char *grok_preset_chooser_get_preset  (GrokPresetChooser *self);
void        grok_preset_chooser_set_preset  (GrokPresetChooser *self, const char *name);
void        grok_preset_chooser_set_edited  (GrokPresetChooser *self, gboolean edited);
gboolean    grok_preset_chooser_get_edited  (GrokPresetChooser *self);
/* the row of a preset in the list, for tests */
GtkWidget  *grok_preset_chooser_get_row     (GrokPresetChooser *self, const char *name);

G_END_DECLS
