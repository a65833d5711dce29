/* Locating the settings schema. */
#define G_SETTINGS_ENABLE_BACKEND
#include "grok-settings.h"

#include <gio/gsettingsbackend.h>

#define SCHEMA_ID "org.grokscope.Grokscope"

GSettings *
grok_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaSource) local = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      local = g_settings_schema_source_new_from_directory (GROK_SCHEMA_DIR, source, FALSE, NULL);
      if (local != NULL)
        schema = g_settings_schema_source_lookup (local, SCHEMA_ID, FALSE);
    }
  if (schema == NULL)
    g_error ("the settings schema %s is neither installed nor in %s: build the project first",
             SCHEMA_ID, GROK_SCHEMA_DIR);
  /* without dconf GIO keeps settings in memory only; keep them in a file instead, unless the
   * environment chose a backend (tests ask for memory) */
  if (g_getenv ("GSETTINGS_BACKEND") == NULL &&
      g_str_equal (G_OBJECT_TYPE_NAME (g_settings_backend_get_default ()), "GMemorySettingsBackend"))
    {
      g_autofree char *path = g_build_filename (g_get_user_config_dir (), "grokscope",
                                                "settings.ini", NULL);
      g_autoptr (GSettingsBackend) backend = g_keyfile_settings_backend_new (path, "/", NULL);
      return g_settings_new_full (schema, backend, NULL);
    }
  return g_settings_new_full (schema, NULL, NULL);
}

char *
grok_settings_runs_folder (GSettings *settings)
{
  g_autofree char *chosen = g_settings_get_string (settings, "runs-folder");

  if (chosen[0] != '\0')
    return g_steal_pointer (&chosen);
  return g_build_filename (g_get_user_data_dir (), "grokscope", "runs", NULL);
}
