/* The built-in experiments, shipped inside the binary as JSON documents. */
#pragma once

#include <glib.h>

#include "grok-config.h"

G_BEGIN_DECLS

/* how the chooser groups the presets */
typedef enum
{
  GROK_PRESET_DEMONSTRATION,  /* small runs that show grokking and the views in seconds */
  GROK_PRESET_LIU,            /* Liu, Zhong and Tegmark's experiments */
  GROK_PRESET_DEMOSS,         /* DeMoss et al.'s experiments */
  GROK_N_PRESET_GROUPS
} GrokPresetGroup;

/* One row per preset: what a chooser shows beside the preset's own description. */
typedef struct
{
  const char      *name;
  GrokPresetGroup  group;
  double           seconds;  /* roughly how long the whole run takes (grok-presets.c says how
                              * it was measured), as a chooser states it */
} GrokPresetInfo;

/* the presets in the chooser's order (by group, the first group's first the default), n_infos
 * of them */
const GrokPresetInfo *grok_preset_infos      (guint *n_infos);
const char           *grok_preset_group_title (GrokPresetGroup group);
/* the row of the preset of this name, or NULL */
const GrokPresetInfo *grok_preset_info       (const char *name);

/* the preset names, sorted; free with g_strfreev */
char      **grok_presets_list (void);
/* the names (without ".json") of the JSON files in a folder of the presets' resource bundle,
 * sorted: the presets, and the preset sweeps beside them */
char      **grok_presets_resource_names (const char *folder);
/* the preset applied over the defaults; NULL with GROK_ERROR_CONFIG for an unknown name */
GrokConfig *grok_preset_load  (const char *name, GError **error);

G_END_DECLS
