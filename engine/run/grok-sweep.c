/* Sweep files and sweep folders: the file read with the precision of a config (every value
 * goes through the config key table, every message names the place in the file), the cells it
 * spans, and the folder it is planned into. */
#include "grok-sweep-private.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-json.h"
#include "grok-presets.h"

#define SWEEP_PATH "/org/grokscope/sweeps/"

static const char * const status_names[GROK_SWEEP_N_STATUS] = {
  [GROK_SWEEP_PLANNED] = "planned",
  [GROK_SWEEP_RUNNING] = "running",
  [GROK_SWEEP_STOPPED] = "stopped",
  [GROK_SWEEP_FINISHED] = "finished",
  [GROK_SWEEP_FAILED] = "failed",
};

const char *
grok_sweep_status_name (GrokSweepStatus status)
{
  g_return_val_if_fail (status < GROK_SWEEP_N_STATUS, NULL);
  return status_names[status];
}

static void
axis_free (gpointer data)
{
  GrokSweepAxis *axis = data;

  g_free (axis->key);
  g_ptr_array_unref (axis->values);
  g_free (axis);
}

static void
sweep_clear (gpointer data)
{
  GrokSweep *sweep = data;

  g_free (sweep->where);
  g_free (sweep->text);
  g_free (sweep->base_folder);
  g_free (sweep->name);
  g_free (sweep->description);
  g_free (sweep->base);
  g_clear_pointer (&sweep->set, json_node_unref);
  g_clear_pointer (&sweep->axes, g_ptr_array_unref);
  g_clear_pointer (&sweep->axis_nodes, g_ptr_array_unref);
  g_clear_pointer (&sweep->seeds, g_array_unref);
  g_free (sweep->folder);
}

GrokSweep *
grok_sweep_ref (GrokSweep *sweep)
{
  g_return_val_if_fail (sweep != NULL, NULL);
  return g_atomic_rc_box_acquire (sweep);
}

void
grok_sweep_unref (GrokSweep *sweep)
{
  if (sweep != NULL)
    g_atomic_rc_box_release_full (sweep, sweep_clear);
}

static void
ensure_registered (void)
{
  /* the sweeps live in the presets' resource bundle; listing the presets registers it */
  g_strfreev (grok_presets_list ());
}

char **
grok_sweep_presets_list (void)
{
  return grok_presets_resource_names (SWEEP_PATH);
}

gboolean
grok_sweep_fail (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (GROK_ERROR, GROK_ERROR_CONFIG, format, args));
  va_end (args);
  return FALSE;
}

/* a JSON value as a message or cells.csv shows it */
static char *
node_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  char *text;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  /* the shortest decimal that reads back as the same double: 0.2, not 0.20000000000000001 */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      for (int digits = 1; digits <= 17; digits++)
        {
          g_autofree char *format = g_strdup_printf ("%%.%dg", digits);
          g_ascii_formatd (buf, sizeof buf, format, v);
          if (g_ascii_strtod (buf, NULL) == v)
            break;
        }
      return g_strdup (buf);
    }
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  if (strlen (text) > 64)
    strcpy (text + 61, "...");
  return text;
}

/* value set on key in config through the config's own checks; where names the place */
static gboolean
apply_value (GrokConfig *config, const char *key, JsonNode *value, const char *where,
             GError **error)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonObject) object = json_object_new ();

  json_object_set_member (object, key, json_node_copy (value));
  json_node_set_object (root, object);
  return grok_config_merge_json (config, root, where, error);
}

/* a preset name, or a config file (relative to folder) */
static GrokConfig *
load_base (const char *base, const char *folder, const char *where, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GrokConfig) config = NULL;

  if (!g_str_has_suffix (base, ".json"))
    {
      config = grok_preset_load (base, error);
      if (config == NULL)
        g_prefix_error (error, "%s: ", where);
      return g_steal_pointer (&config);
    }
  path = g_path_is_absolute (base) || folder == NULL ? g_strdup (base)
                                                      : g_build_filename (folder, base, NULL);
  config = grok_config_new_default ();
  if (!grok_config_merge_file (config, path, error))
    {
      g_prefix_error (error, "%s: ", where);
      return NULL;
    }
  return g_steal_pointer (&config);
}

/* the value of a range's member that must be a number */
static gboolean
range_number (JsonObject *range, const char *member, const char *where, double *out,
              GError **error)
{
  JsonNode *node = json_object_get_member (range, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return grok_sweep_fail (error, "%s: '%s' must be a number", where, member);
  *out = json_node_get_double (node);
  return TRUE;
}

/* {from, to, count, scale} as its values: numbers written in %.6g and read back, so that
 * cells.csv and config.json hold the same value; whole for an integer key */
static GPtrArray *
expand_range (JsonObject *range, const GrokConfigKey *key, const char *where, gboolean *log,
              GError **error)
{
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr (GList) members = json_object_get_members (range);
  const char *scale = "linear";
  double from = 0, to = 0, count = 0;
  JsonNode *node;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "from") && !g_str_equal (l->data, "to") &&
        !g_str_equal (l->data, "count") && !g_str_equal (l->data, "scale"))
      return grok_sweep_fail (error, "%s: unknown member '%s' (a range has from, to, count and scale)",
                   where, (const char *) l->data), NULL;
  if (key == NULL || (key->type != GROK_KEY_INT && key->type != GROK_KEY_DOUBLE))
    return grok_sweep_fail (error, "%s: a range needs a numeric key; give a list of values instead",
                 where), NULL;
  if (!range_number (range, "from", where, &from, error) ||
      !range_number (range, "to", where, &to, error) ||
      !range_number (range, "count", where, &count, error))
    return NULL;
  if (count != floor (count) || count < 1 || count > SWEEP_MAX_RANGE)
    return grok_sweep_fail (error, "%s: 'count' must be a whole number from 1 to %d, not %g", where,
                 SWEEP_MAX_RANGE, count), NULL;
  node = json_object_get_member (range, "scale");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          (!g_str_equal (json_node_get_string (node), "linear") &&
           !g_str_equal (json_node_get_string (node), "log")))
        {
          g_autofree char *shown = JSON_NODE_HOLDS_VALUE (node) &&
                                   json_node_get_value_type (node) == G_TYPE_STRING
                                   ? g_strdup_printf ("\"%s\"", json_node_get_string (node))
                                   : node_text (node);
          return grok_sweep_fail (error, "%s: 'scale' must be \"linear\" or \"log\", not %s", where,
                       shown), NULL;
        }
      scale = json_node_get_string (node);
    }
  *log = g_str_equal (scale, "log");
  if (*log && (from <= 0 || to <= 0))
    return grok_sweep_fail (error, "%s: a log scale needs 'from' and 'to' above 0", where), NULL;
  for (int i = 0; i < (int) count; i++)
    {
      double t = count > 1 ? (double) i / (count - 1) : 0;
      double v = *log ? from * pow (to / from, t) : from + (to - from) * t;
      char text[G_ASCII_DTOSTR_BUF_SIZE];
      JsonNode *value = json_node_new (JSON_NODE_VALUE);

      if (key->type == GROK_KEY_INT)
        json_node_set_int (value, (gint64) llround (v));
      else
        json_node_set_double (value, g_ascii_strtod (g_ascii_formatd (text, sizeof text, "%.6g",
                                                                       v), NULL));
      for (guint k = 0; k < nodes->len; k++)
        if (json_node_equal (nodes->pdata[k], value))
          {
            g_autofree char *shown = node_text (value);
            json_node_unref (value);
            return grok_sweep_fail (error, "%s: the range gives %s twice (the key is whole): fewer values",
                         where, shown), NULL;
          }
      g_ptr_array_add (nodes, value);
    }
  return g_steal_pointer (&nodes);
}

/* the values of axis key: a list or a range, each checked on a scratch config */
static gboolean
read_axis (GrokSweep *sweep, const char *key, JsonNode *node, GrokConfig *scratch,
           gboolean resolve, GError **error)
{
  g_autofree char *where = g_strdup_printf ("%s: axes.%s", sweep->where, key);
  const GrokConfigKey *ck = grok_config_key_lookup (key);
  gboolean is_base = g_str_equal (key, "base");
  g_autoptr (GPtrArray) nodes = NULL;
  GrokSweepAxis *axis;

  if (ck == NULL && !is_base)
    return grok_sweep_fail (error, "%s: unknown config key '%s' (an axis is a config key, or base; see "
                 "the config reference in README.md)", where, key);
  if (ck != NULL && (g_str_equal (key, "seed")))
    return grok_sweep_fail (error, "%s: the seeds are given by \"seeds\", not an axis", where);
  axis = g_new0 (GrokSweepAxis, 1);
  axis->key = g_strdup (key);
  axis->values = g_ptr_array_new_with_free_func (g_free);
  axis->numeric = TRUE;
  g_ptr_array_add (sweep->axes, axis);
  if (JSON_NODE_HOLDS_OBJECT (node) && !is_base)
    nodes = expand_range (json_node_get_object (node), ck, where, &axis->log, error);
  else if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    {
      JsonArray *array = json_node_get_array (node);
      nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (nodes, json_node_copy (json_array_get_element (array, i)));
    }
  else
    return grok_sweep_fail (error, "%s: must be a non-empty list of values%s", where,
                 is_base ? " (presets or config files)" : " or a range {\"from\": A, \"to\": "
                 "B, \"count\": N, \"scale\": \"linear\" or \"log\"}");
  if (nodes == NULL)
    return FALSE;
  for (guint i = 0; i < nodes->len; i++)
    {
      JsonNode *value = nodes->pdata[i];
      g_autofree char *at = g_strdup_printf ("%s[%u]", where, i);
      g_autofree char *text = node_text (value);

      if (is_base)
        {
          g_autoptr (GrokConfig) base = NULL;
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            return grok_sweep_fail (error, "%s: must be a preset's name or a config file, not %s", at, text);
          if (resolve && (base = load_base (text, sweep->base_folder, at, error)) == NULL)
            return FALSE;
        }
      else if (!apply_value (scratch, key, value, at, error))
        return FALSE;
      for (guint k = 0; k < axis->values->len; k++)
        if (g_str_equal (axis->values->pdata[k], text))
          return grok_sweep_fail (error, "%s: the value %s is already at [%u]", at, text, k);
      axis->numeric = axis->numeric && JSON_NODE_HOLDS_VALUE (value) &&
                      (json_node_get_value_type (value) == G_TYPE_INT64 ||
                       json_node_get_value_type (value) == G_TYPE_DOUBLE);
      g_ptr_array_add (axis->values, g_steal_pointer (&text));
    }
  g_ptr_array_add (sweep->axis_nodes, g_steal_pointer (&nodes));
  return TRUE;
}

static gboolean
read_seeds (GrokSweep *sweep, JsonNode *node, GrokConfig *scratch, GError **error)
{
  g_autofree char *where = g_strdup_printf ("%s: seeds", sweep->where);
  JsonArray *array;

  if (node == NULL)
    {
      g_array_append_val (sweep->seeds, scratch->seed);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return grok_sweep_fail (error, "%s: must be a non-empty list of seeds, such as [0, 1, 2]", where);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *at = g_strdup_printf ("%s[%u]", where, i);
      if (!apply_value (scratch, "seed", json_array_get_element (array, i), at, error))
        return FALSE;
      for (guint k = 0; k < sweep->seeds->len; k++)
        if (g_array_index (sweep->seeds, gint64, k) == scratch->seed)
          return grok_sweep_fail (error, "%s: the seed %" G_GINT64_FORMAT " is already at [%u]", at,
                       scratch->seed, k);
      g_array_append_val (sweep->seeds, scratch->seed);
    }
  return TRUE;
}

/* the name, base and set; the base loaded (when resolve) into *scratch */
static gboolean
read_head (GrokSweep *sweep, JsonObject *root, gboolean resolve, GrokConfig **scratch,
           GError **error)
{
  static const char * const members[] = { "name", "description", "base", "set", "axes",
                                          "seeds", NULL };
  g_autoptr (GList) list = json_object_get_members (root);
  JsonNode *name = json_object_get_member (root, "name");
  JsonNode *base = json_object_get_member (root, "base");
  JsonNode *description = json_object_get_member (root, "description");
  JsonNode *axes = json_object_get_member (root, "axes");

  for (GList *l = list; l != NULL; l = l->next)
    if (!g_strv_contains (members, l->data))
      return grok_sweep_fail (error, "%s: unknown key '%s' (a sweep file has name, description, base, "
                   "set, axes and seeds)", sweep->where, (const char *) l->data);
  if (name == NULL || !JSON_NODE_HOLDS_VALUE (name) ||
      json_node_get_value_type (name) != G_TYPE_STRING || *json_node_get_string (name) == '\0' ||
      strlen (json_node_get_string (name)) > 128 ||
      strpbrk (json_node_get_string (name), "/\n") != NULL)
    return grok_sweep_fail (error, "%s: name must be given, as text of 1 to 128 bytes without '/'",
                 sweep->where);
  sweep->name = g_strdup (json_node_get_string (name));
  if (description != NULL && (!JSON_NODE_HOLDS_VALUE (description) ||
                              json_node_get_value_type (description) != G_TYPE_STRING))
    return grok_sweep_fail (error, "%s: description must be text", sweep->where);
  sweep->description = g_strdup (description ? json_node_get_string (description) : "");
  if (axes == NULL || !JSON_NODE_HOLDS_OBJECT (axes))
    return grok_sweep_fail (error, "%s: axes must be an object of config keys, each with its values, such "
                 "as {\"optim.weight_decay\": [0.1, 1]}", sweep->where);
  if (base != NULL && json_object_has_member (json_node_get_object (axes), "base"))
    return grok_sweep_fail (error, "%s: base is an axis, so it cannot also be given alone", sweep->where);
  if (base == NULL && !json_object_has_member (json_node_get_object (axes), "base"))
    return grok_sweep_fail (error, "%s: base must be given: a preset's name or a config file",
                 sweep->where);
  if (base != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (base) || json_node_get_value_type (base) != G_TYPE_STRING)
        return grok_sweep_fail (error, "%s: base must be a preset's name or a config file", sweep->where);
      sweep->base = g_strdup (json_node_get_string (base));
    }
  if (resolve && sweep->base != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s: base", sweep->where);
      *scratch = load_base (sweep->base, sweep->base_folder, where, error);
    }
  else
    *scratch = grok_config_new_default ();
  if (*scratch == NULL)
    return FALSE;
  if (json_object_has_member (root, "set"))
    {
      g_autofree char *where = g_strdup_printf ("%s: set", sweep->where);
      sweep->set = json_node_copy (json_object_get_member (root, "set"));
      if (!JSON_NODE_HOLDS_OBJECT (sweep->set))
        return grok_sweep_fail (error, "%s: must be an object of config keys and values, such as "
                     "{\"train.steps\": 3000}", where);
      if (!grok_config_merge_json (*scratch, sweep->set, where, error))
        return FALSE;
    }
  return TRUE;
}

GrokSweep *
grok_sweep_parse (const char *data, gsize length, const char *where, const char *base_folder,
                  gboolean resolve, GError **error)
{
  g_autoptr (GrokSweep) sweep = g_atomic_rc_box_new0 (GrokSweep);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  g_autoptr (GrokConfig) scratch = NULL;
  g_autofree char *problem = grok_json_check_text (data, length, SWEEP_MAX_BYTES,
                                                   SWEEP_MAX_DEPTH);
  g_autoptr (GList) keys = NULL;
  JsonObject *root, *axes;
  guint64 cells;

  sweep->where = g_strdup (where);
  sweep->text = g_strndup (data, length);
  sweep->base_folder = g_strdup (base_folder);
  sweep->axes = g_ptr_array_new_with_free_func (axis_free);
  sweep->axis_nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  sweep->seeds = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (problem != NULL)
    return grok_sweep_fail (error, "%s: %s; this is not a sweep file", where, problem), NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      guint line = 0, column = 0;
      const char *at = strstr (local->message, ">:");
      if (at == NULL || sscanf (at + 2, "%u:%u", &line, &column) != 2)
        return grok_sweep_fail (error, "%s: not valid JSON", where), NULL;
      return grok_sweep_fail (error, "%s: line %u, column %u: not valid JSON", where, line, column), NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return grok_sweep_fail (error, "%s: a sweep file is one JSON object with name, base, set, axes and "
                 "seeds", where), NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!read_head (sweep, root, resolve, &scratch, error))
    return NULL;
  axes = json_object_get_object_member (root, "axes");
  keys = json_object_get_members (axes);
  cells = 1;
  for (GList *l = keys; l != NULL; l = l->next)
    {
      if (!read_axis (sweep, l->data, json_object_get_member (axes, l->data), scratch, resolve,
                      error))
        return NULL;
      cells *= ((GrokSweepAxis *) sweep->axes->pdata[sweep->axes->len - 1])->values->len;
      if (cells > SWEEP_MAX_CELLS)
        return grok_sweep_fail (error, "%s: more than %d cells; split the sweep", where, SWEEP_MAX_CELLS),
               NULL;
    }
  if (!read_seeds (sweep, json_object_get_member (root, "seeds"), scratch, error))
    return NULL;
  if (cells * sweep->seeds->len > SWEEP_MAX_CELLS)
    return grok_sweep_fail (error, "%s: more than %d cells; split the sweep", where, SWEEP_MAX_CELLS), NULL;
  sweep->width = 3;
  for (guint n = grok_sweep_n_cells (sweep) - 1; n >= 1000; n /= 10)
    sweep->width++;
  return g_steal_pointer (&sweep);
}

/* every cell's config is built and validated, so that planning cannot fail half-way */
static gboolean
check_cells (GrokSweep *sweep, GError **error)
{
  for (guint c = 0; c < grok_sweep_n_cells (sweep); c++)
    {
      g_autoptr (GrokConfig) config = grok_sweep_cell_config (sweep, c, error);
      if (config == NULL)
        return FALSE;
    }
  return TRUE;
}

GrokSweep *
grok_sweep_load_data (const char *data, gsize length, const char *where,
                      const char *base_folder, GError **error)
{
  g_autoptr (GrokSweep) sweep = NULL;

  g_return_val_if_fail (data != NULL && where != NULL, NULL);
  sweep = grok_sweep_parse (data, length, where, base_folder, TRUE, error);
  if (sweep == NULL || !check_cells (sweep, error))
    return NULL;
  return g_steal_pointer (&sweep);
}

GrokSweep *
grok_sweep_load (const char *path_or_preset, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *folder = NULL;
  gsize length;

  g_return_val_if_fail (path_or_preset != NULL, NULL);
  if (!g_str_has_suffix (path_or_preset, ".json") && !g_file_test (path_or_preset,
                                                                   G_FILE_TEST_EXISTS))
    {
      g_autofree char *resource = g_strconcat (SWEEP_PATH, path_or_preset, ".json", NULL);
      g_autofree char *where = g_strdup_printf ("sweep preset %s", path_or_preset);
      g_autoptr (GBytes) bytes = NULL;

      ensure_registered ();
      bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      if (bytes == NULL)
        {
          g_auto (GStrv) names = grok_sweep_presets_list ();
          g_autofree char *list = g_strjoinv (", ", names);
          return grok_sweep_fail (error, "no sweep file or preset sweep named '%s' (the preset sweeps "
                       "are: %s)", path_or_preset, list), NULL;
        }
      return grok_sweep_load_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   where, NULL, error);
    }
  if (!grok_file_read_at (GROK_FILE_AT_PATH (path_or_preset), SWEEP_MAX_BYTES, &data, &length,
                          error))
    return NULL;
  folder = g_path_get_dirname (path_or_preset);
  return grok_sweep_load_data (data, length, path_or_preset, folder, error);
}

const char *
grok_sweep_get_name (GrokSweep *sweep)
{
  return sweep->name;
}

const char *
grok_sweep_get_description (GrokSweep *sweep)
{
  return sweep->description;
}

const char *
grok_sweep_get_folder (GrokSweep *sweep)
{
  return sweep->folder;
}

guint
grok_sweep_n_axes (GrokSweep *sweep)
{
  return sweep->axes->len;
}

const GrokSweepAxis *
grok_sweep_get_axis (GrokSweep *sweep, guint axis)
{
  g_return_val_if_fail (axis < sweep->axes->len, NULL);
  return sweep->axes->pdata[axis];
}

guint
grok_sweep_n_seeds (GrokSweep *sweep)
{
  return sweep->seeds->len;
}

guint
grok_sweep_n_cells (GrokSweep *sweep)
{
  guint n = sweep->seeds->len;

  for (guint a = 0; a < sweep->axes->len; a++)
    n *= ((GrokSweepAxis *) sweep->axes->pdata[a])->values->len;
  return n;
}

gint64
grok_sweep_cell_seed (GrokSweep *sweep, guint cell)
{
  g_return_val_if_fail (cell < grok_sweep_n_cells (sweep), -1);
  return g_array_index (sweep->seeds, gint64, cell % sweep->seeds->len);
}

guint
grok_sweep_cell_value (GrokSweep *sweep, guint cell, guint axis)
{
  guint rest;

  g_return_val_if_fail (cell < grok_sweep_n_cells (sweep) && axis < sweep->axes->len, 0);
  rest = cell / sweep->seeds->len;
  for (guint a = sweep->axes->len - 1; a > axis; a--)
    rest /= ((GrokSweepAxis *) sweep->axes->pdata[a])->values->len;
  return rest % ((GrokSweepAxis *) sweep->axes->pdata[axis])->values->len;
}

char *
grok_sweep_cell_run (GrokSweep *sweep, guint cell)
{
  return g_strdup_printf (CELLS_FOLDER "/%0*u", (int) sweep->width, cell);
}

char *
grok_sweep_cell_path (GrokSweep *sweep, guint cell)
{
  g_autofree char *run = grok_sweep_cell_run (sweep, cell);

  g_return_val_if_fail (sweep->folder != NULL, NULL);
  return g_build_filename (sweep->folder, run, NULL);
}

char *
grok_sweep_file_path (GrokSweep *sweep, const char *name)
{
  g_return_val_if_fail (sweep->folder != NULL, NULL);
  return g_build_filename (sweep->folder, name, NULL);
}

char *
grok_sweep_cell_label (GrokSweep *sweep, guint cell)
{
  GString *label = g_string_new (NULL);

  for (guint a = 0; a < sweep->axes->len; a++)
    {
      const GrokSweepAxis *axis = sweep->axes->pdata[a];
      g_string_append_printf (label, "%s=%s ", axis->key,
                              (char *) axis->values->pdata[grok_sweep_cell_value (sweep, cell, a)]);
    }
  g_string_append_printf (label, "seed=%" G_GINT64_FORMAT, grok_sweep_cell_seed (sweep, cell));
  return g_string_free (label, FALSE);
}

GrokConfig *
grok_sweep_cell_config (GrokSweep *sweep, guint cell, GError **error)
{
  g_autoptr (GrokConfig) config = NULL;
  g_autofree char *label = NULL;
  g_autofree char *run = NULL;
  const char *base = sweep->base;
  guint base_axis = G_MAXUINT;

  g_return_val_if_fail (cell < grok_sweep_n_cells (sweep), NULL);
  for (guint a = 0; a < sweep->axes->len; a++)
    if (g_str_equal (((GrokSweepAxis *) sweep->axes->pdata[a])->key, "base"))
      {
        base_axis = a;
        base = ((GrokSweepAxis *) sweep->axes->pdata[a])->values->pdata[
          grok_sweep_cell_value (sweep, cell, a)];
      }
  {
    g_autofree char *where = base_axis == G_MAXUINT
      ? g_strdup_printf ("%s: base", sweep->where)
      : g_strdup_printf ("%s: axes.base[%u]", sweep->where,
                         grok_sweep_cell_value (sweep, cell, base_axis));
    config = load_base (base, sweep->base_folder, where, error);
  }
  if (config == NULL)
    return NULL;
  if (sweep->set != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s: set", sweep->where);
      if (!grok_config_merge_json (config, sweep->set, where, error))
        return NULL;
    }
  for (guint a = 0; a < sweep->axes->len; a++)
    {
      const GrokSweepAxis *axis = sweep->axes->pdata[a];
      guint v = grok_sweep_cell_value (sweep, cell, a);
      g_autofree char *where = g_strdup_printf ("%s: axes.%s[%u]", sweep->where, axis->key, v);
      if (a != base_axis &&
          !apply_value (config, axis->key, ((GPtrArray *) sweep->axis_nodes->pdata[a])->pdata[v],
                        where, error))
        return NULL;
    }
  config->seed = grok_sweep_cell_seed (sweep, cell);
  run = grok_sweep_cell_run (sweep, cell);
  g_free (config->name);
  config->name = g_strdup_printf ("%s %s", sweep->name, run + strlen (CELLS_FOLDER "/"));
  label = grok_sweep_cell_label (sweep, cell);
  if (!grok_config_validate (config, error))
    {
      g_prefix_error (error, "%s: cell %u (%s): ", sweep->where, cell, label);
      return NULL;
    }
  return g_steal_pointer (&config);
}

