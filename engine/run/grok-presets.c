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

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char **
grok_presets_list (void)
{
  g_auto (GStrv) files = NULL;
  GPtrArray *names = g_ptr_array_new ();

  ensure_registered ();
  files = g_resources_enumerate_children (PRESET_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (int i = 0; files != NULL && files[i] != NULL; i++)
    if (g_str_has_suffix (files[i], ".json"))
      g_ptr_array_add (names, g_strndup (files[i], strlen (files[i]) - 5));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
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
