/* Built-in presets from the compiled-in resource bundle. */
#include "grok-presets.h"

#include <gio/gio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-preset-resources.h"

#define PRESET_PATH "/org/grokscope/presets/"

static void
ensure_registered (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      g_resources_register (grok_presets_get_resource ());
      g_once_init_leave (&once, 1);
    }
}

/* The seconds are the wall time of grokscope-cli on a two-core machine busy with other work:
 * the whole run (its metrics' wall_seconds) for the demonstrations and Liu et al.'s, the first
 * 90 s scaled to all steps where it took longer; DeMoss et al.'s from 12 s of training with the
 * measures off, scaled to all steps and doubled for the measures (which doubled quick's and
 * liu-add31's times). Rough, as the chooser says: "about". */
static const GrokPresetInfo infos[] = {
  { "quick", GROK_PRESET_DEMONSTRATION, 20 },
  { "xor2d-relu", GROK_PRESET_DEMONSTRATION, 5 },
  { "liu-add31", GROK_PRESET_LIU, 45 },
  { "liu-add31-large-init", GROK_PRESET_LIU, 45 },
  { "liu-s4", GROK_PRESET_LIU, 95 },
  { "liu-xor5", GROK_PRESET_LIU, 25 },
  { "liu-xor5-digits", GROK_PRESET_LIU, 20 },
  { "liu-xor5-digits-large-init", GROK_PRESET_LIU, 15 },
  { "demoss-add-ours", GROK_PRESET_DEMOSS, 260 },
  { "demoss-sub-ours", GROK_PRESET_DEMOSS, 2160 },
  { "demoss-mul-ours", GROK_PRESET_DEMOSS, 360 },
  { "demoss-div-ours", GROK_PRESET_DEMOSS, 1720 },
  { "demoss-sq_sum-ours", GROK_PRESET_DEMOSS, 670 },
  { "demoss-quad-ours", GROK_PRESET_DEMOSS, 1060 },
  { "demoss-add-none", GROK_PRESET_DEMOSS, 110 },
  { "demoss-add-wd", GROK_PRESET_DEMOSS, 110 },
  { "demoss-add-mlp", GROK_PRESET_DEMOSS, 2280 },
};

static const char * const group_titles[GROK_N_PRESET_GROUPS] = {
  [GROK_PRESET_DEMONSTRATION] = "Demonstrations",
  [GROK_PRESET_LIU] = "Liu et al.: Omnigrok and the linear mapping number",
  [GROK_PRESET_DEMOSS] = "DeMoss et al.: complexity and the spectral-entropy penalty",
};

const GrokPresetInfo *
grok_preset_infos (guint *n_infos)
{
  *n_infos = G_N_ELEMENTS (infos);
  return infos;
}

const GrokPresetInfo *
grok_preset_info (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (infos); i++)
    if (strcmp (infos[i].name, name) == 0)
      return &infos[i];
  return NULL;
}

const char *
grok_preset_group_title (GrokPresetGroup group)
{
  g_return_val_if_fail (group < GROK_N_PRESET_GROUPS, NULL);
  return group_titles[group];
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char **
grok_presets_resource_names (const char *folder)
{
  g_auto (GStrv) files = NULL;
  GPtrArray *names = g_ptr_array_new ();

  ensure_registered ();
  files = g_resources_enumerate_children (folder, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (int i = 0; files != NULL && files[i] != NULL; i++)
    if (g_str_has_suffix (files[i], ".json"))
      g_ptr_array_add (names, g_strndup (files[i], strlen (files[i]) - 5));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

char **
grok_presets_list (void)
{
  return grok_presets_resource_names (PRESET_PATH);
}

GrokConfig *
grok_preset_load (const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (PRESET_PATH, name, ".json", NULL);
  g_autofree char *where = g_strdup_printf ("preset %s", name);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GrokConfig) config = NULL;
  gsize length;
  const char *data;

  ensure_registered ();
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_auto (GStrv) names = grok_presets_list ();
      g_autofree char *list = g_strjoinv (", ", names);
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "no preset named '%s' (the presets are: %s)", name, list);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &length);
  config = grok_config_new_default ();
  if (!grok_config_merge_data (config, data, length, where, error))
    return NULL;
  return g_steal_pointer (&config);
}
