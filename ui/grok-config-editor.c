/* The experiment settings editor. */
#include "grok-config-editor.h"

#include <string.h>

#include "grok-memory.h"

struct _GrokConfigEditor
{
  AdwBin       parent_instance;

  GrokConfig  *config;
  GHashTable  *rows;       /* key name -> row widget (not owned) */
  GHashTable  *problems;   /* key name -> message of a value that did not parse */
  char        *problem;    /* the first problem, or NULL */
  const GrokConfigKey *problem_key; /* the key on whose row the problem shows, or NULL */
  char        *memory;     /* "≈ 120 MB", the memory the config needs; NULL while invalid */
  gboolean     updating;   /* widgets are being filled from config */
};

G_DEFINE_FINAL_TYPE (GrokConfigEditor, grok_config_editor, ADW_TYPE_BIN)

enum { PROP_0, PROP_VALID, PROP_PROBLEM, PROP_MEMORY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const struct { const char *section, *title; } section_titles[] = {
  { "", "Experiment" }, { "task", "Task" }, { "model", "Model" }, { "optim", "Optimiser" },
  { "reg", "Regularisers" }, { "train", "Training" }, { "measures", "Measures" },
  { "checkpoints", "Checkpoints" }, { "run", "Run" },
};

static char *
section_of (const char *key)
{
  const char *dot = strchr (key, '.');
  return dot ? g_strndup (key, dot - key) : g_strdup ("");
}

static char *
section_title (const char *section)
{
  for (guint i = 0; i < G_N_ELEMENTS (section_titles); i++)
    if (strcmp (section_titles[i].section, section) == 0)
      return g_strdup (section_titles[i].title);
  return g_strdup_printf ("%c%s", g_ascii_toupper (section[0]), section + 1);
}

/* the allowed range in words: "positive and at most 10", "a whole number from 1 to 100" */
static char *
describe_range (const GrokConfigKey *key)
{
  g_autofree char *min = grok_config_format_number (key->min);
  g_autofree char *max = grok_config_format_number (key->max);
  g_autofree char *low = NULL;

  switch (key->type)
    {
    case GROK_KEY_INT:
      return g_strdup_printf ("a whole number from %s to %s", min, max);
    case GROK_KEY_DOUBLE:
      if (key->min == 0)
        low = g_strdup (key->min_open ? "positive" : "zero or more");
      else
        low = g_strdup_printf ("%s %s", key->min_open ? "more than" : "at least", min);
      return g_strdup_printf ("%s and %s %s", low, key->max_open ? "less than" : "at most", max);
    case GROK_KEY_STRING:
      return g_strdup_printf ("at most %s bytes long", max);
    case GROK_KEY_ENUM:
      return g_strjoinv (", ", (char **) key->choices);
    default:
      g_assert_not_reached ();
    }
}

/* what a row says of a value it refuses, by the row's label: "Learning rate must be positive
 * and at most 10" */
static char *
row_problem (const GrokConfigKey *key, const char *text)
{
  g_autofree char *range = describe_range (key);
  char *end = NULL;

  if (key->type == GROK_KEY_INT || key->type == GROK_KEY_DOUBLE)
    {
      g_ascii_strtod (text, &end);
      if (text[0] == '\0' || end == NULL || *end != '\0')
        return g_strdup_printf ("%s must be a number: %s", key->label, range);
    }
  return g_strdup_printf ("%s must be %s", key->label, range);
}

/* the key's meaning, name, range and unit */
static char *
row_tooltip (const GrokConfigKey *key)
{
  g_autofree char *range = key->type == GROK_KEY_INT || key->type == GROK_KEY_DOUBLE
                           ? describe_range (key) : NULL;

  return g_strdup_printf ("%s\n\n%s%s%s%s%s", key->doc, key->key, range ? ": " : "",
                          range ? range : "", key->unit[0] ? ", in " : "", key->unit);
}

/* a row shows its label, or what is wrong with its value in its place: the message takes no
 * room of its own, so that nothing below it moves */
static void
show_row_problem (GtkWidget *row, const GrokConfigKey *key, const char *problem)
{
  g_autofree char *tooltip = row_tooltip (key);
  g_autofree char *both = problem ? g_strdup_printf ("%s\n\n%s", problem, tooltip) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), problem ? problem : key->label);
  gtk_widget_set_tooltip_text (row, problem ? both : tooltip);
  if (problem)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* show only the settings that matter for the rest of the config, and only the sections that
 * have one */
static void
update_visibility (GrokConfigEditor *self)
{
  guint n_keys;
  const GrokConfigKey *keys = grok_config_keys (&n_keys);
  g_autoptr (GHashTable) shown = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer group;

  for (guint i = 0; i < n_keys; i++)
    {
      GtkWidget *row = g_hash_table_lookup (self->rows, keys[i].key);
      gboolean applies = grok_config_key_applies (self->config, keys[i].key);
      GtkWidget *section = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      gtk_widget_set_visible (row, applies);
      if (applies || !g_hash_table_contains (shown, section))
        g_hash_table_insert (shown, section, GINT_TO_POINTER (applies ||
                             GPOINTER_TO_INT (g_hash_table_lookup (shown, section))));
    }
  g_hash_table_iter_init (&iter, shown);
  while (g_hash_table_iter_next (&iter, &group, NULL))
    gtk_widget_set_visible (group, GPOINTER_TO_INT (g_hash_table_lookup (shown, group)));
}

/* the estimate shown beside Train, for a config that passed its checks */
static void
update_memory (GrokConfigEditor *self)
{
  g_autofree char *old = g_steal_pointer (&self->memory);

  if (self->problem == NULL)
    {
      g_autofree char *size = g_format_size (grok_config_estimate_memory (self->config));
      self->memory = g_strdup_printf ("≈ %s", size);
    }
  if (g_strcmp0 (old, self->memory) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
}

/* a check across keys names its key first ("key 'task.p' = 4 must be prime ..."): the message
 * with the key's label in its place, and the key, so that its row shows it */
static char *
by_label (const char *message, const GrokConfigKey **key)
{
  const char *start = g_str_has_prefix (message, "key '") ? message + strlen ("key '") : NULL;
  const char *end = start ? strchr (start, '\'') : NULL;
  g_autofree char *name = end ? g_strndup (start, end - start) : NULL;

  *key = name ? grok_config_key_lookup (name) : NULL;
  if (*key == NULL)
    return g_strdup (message);
  return g_strconcat ((*key)->label, end + 1, NULL);
}

/* recompute the first problem: a value that did not parse, else a cross-key check, else more
 * memory than the machine has; each row shows its own */
static void
update_problem (GrokConfigEditor *self)
{
  guint n_keys;
  const GrokConfigKey *keys = grok_config_keys (&n_keys);
  const GrokConfigKey *across = NULL;
  g_autofree char *old = g_steal_pointer (&self->problem);
  g_autoptr (GError) error = NULL;

  self->problem_key = NULL;
  for (guint i = 0; i < n_keys && self->problem == NULL; i++)
    {
      const char *msg = g_hash_table_lookup (self->problems, keys[i].key);
      if (msg != NULL)
        {
          self->problem = g_strdup (msg);
          self->problem_key = &keys[i];
        }
    }
  if (self->problem == NULL && !grok_config_validate (self->config, &error))
    {
      self->problem = by_label (error->message, &across);
      self->problem_key = across;
    }
  update_memory (self);
  g_clear_error (&error);
  if (self->problem == NULL && !grok_config_check_memory (self->config, &error))
    self->problem = g_strdup (error->message);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *msg = g_hash_table_lookup (self->problems, keys[i].key);
      show_row_problem (g_hash_table_lookup (self->rows, keys[i].key), &keys[i],
                        msg ? msg : &keys[i] == across ? self->problem : NULL);
    }
  if ((old == NULL) != (self->problem == NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
  if (g_strcmp0 (old, self->problem) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
apply_text (GrokConfigEditor *self, GtkWidget *row, const GrokConfigKey *key, const char *text)
{
  g_autoptr (GError) error = NULL;

  if (self->updating)
    return;
  if (grok_config_set_text (self->config, key->key, text, &error))
    g_hash_table_remove (self->problems, key->key);
  else
    g_hash_table_replace (self->problems, (gpointer) key->key, row_problem (key, text));
  update_problem (self);
  update_visibility (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_entry_changed (GtkEditable *editable, GrokConfigEditor *self)
{
  const GrokConfigKey *key = g_object_get_data (G_OBJECT (editable), "grok-key");
  apply_text (self, GTK_WIDGET (editable), key, gtk_editable_get_text (editable));
}

static void
on_combo_selected (AdwComboRow *row, GParamSpec *pspec, GrokConfigEditor *self)
{
  const GrokConfigKey *key = g_object_get_data (G_OBJECT (row), "grok-key");
  guint selected = adw_combo_row_get_selected (row);

  if (selected != GTK_INVALID_LIST_POSITION)
    apply_text (self, GTK_WIDGET (row), key, key->choices[selected]);
}

static GtkWidget *
make_row (GrokConfigEditor *self, const GrokConfigKey *key)
{
  GtkWidget *row;

  if (key->type == GROK_KEY_ENUM)
    {
      g_autoptr (GtkStringList) model = gtk_string_list_new ((const char * const *) key->choices);
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
      g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_selected), self);
    }
  else
    {
      row = adw_entry_row_new ();
      if (key->unit[0])
        adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), gtk_label_new (key->unit));
      g_signal_connect (row, "changed", G_CALLBACK (on_entry_changed), self);
    }
  show_row_problem (row, key, NULL);
  g_object_set_data (G_OBJECT (row), "grok-key", (gpointer) key);
  gtk_widget_set_name (row, key->key);
  return row;
}

static void
fill_row (GrokConfigEditor *self, GtkWidget *row, const GrokConfigKey *key)
{
  g_autofree char *text = grok_config_get_text (self->config, key);

  if (key->type == GROK_KEY_ENUM)
    {
      for (guint i = 0; key->choices[i] != NULL; i++)
        if (strcmp (key->choices[i], text) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

void
grok_config_editor_set_config (GrokConfigEditor *self, const GrokConfig *config)
{
  guint n_keys;
  const GrokConfigKey *keys = grok_config_keys (&n_keys);

  g_return_if_fail (GROK_IS_CONFIG_EDITOR (self));
  g_clear_pointer (&self->config, grok_config_unref);
  self->config = grok_config_copy (config);
  g_hash_table_remove_all (self->problems);
  self->updating = TRUE;
  for (guint i = 0; i < n_keys; i++)
    fill_row (self, g_hash_table_lookup (self->rows, keys[i].key), &keys[i]);
  self->updating = FALSE;
  update_problem (self);
  update_visibility (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

GrokConfig *
grok_config_editor_dup_config (GrokConfigEditor *self)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), NULL);
  return self->problem == NULL ? grok_config_copy (self->config) : NULL;
}

const GrokConfig *
grok_config_editor_get_config (GrokConfigEditor *self)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), NULL);
  return self->config;
}

gboolean
grok_config_editor_get_valid (GrokConfigEditor *self)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), FALSE);
  return self->problem == NULL;
}

const char *
grok_config_editor_get_problem (GrokConfigEditor *self)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), NULL);
  return self->problem;
}

const char *
grok_config_editor_get_problem_key (GrokConfigEditor *self)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), NULL);
  return self->problem_key ? self->problem_key->key : NULL;
}

const char *
grok_config_editor_get_memory (GrokConfigEditor *self)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), NULL);
  return self->memory;
}

GtkWidget *
grok_config_editor_get_row (GrokConfigEditor *self, const char *key)
{
  g_return_val_if_fail (GROK_IS_CONFIG_EDITOR (self), NULL);
  return g_hash_table_lookup (self->rows, key);
}

static void
build_rows (GrokConfigEditor *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  guint n_keys;
  const GrokConfigKey *keys = grok_config_keys (&n_keys);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_keys; i++)
    {
      g_autofree char *section = section_of (keys[i].key);
      GtkWidget *group = g_hash_table_lookup (groups, section);
      GtkWidget *row;

      if (group == NULL)
        {
          g_autofree char *title = section_title (section);
          group = adw_preferences_group_new ();
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
          adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
          g_hash_table_insert (groups, g_steal_pointer (&section), group);
        }
      row = make_row (self, &keys[i]);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_hash_table_insert (self->rows, (gpointer) keys[i].key, row);
    }
  adw_bin_set_child (ADW_BIN (self), page);
}

static void
grok_config_editor_finalize (GObject *object)
{
  GrokConfigEditor *self = GROK_CONFIG_EDITOR (object);

  grok_config_unref (self->config);
  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->problems);
  g_free (self->problem);
  g_free (self->memory);
  G_OBJECT_CLASS (grok_config_editor_parent_class)->finalize (object);
}

static void
grok_config_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GrokConfigEditor *self = GROK_CONFIG_EDITOR (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->problem == NULL);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_MEMORY:
      g_value_set_string (value, self->memory);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grok_config_editor_class_init (GrokConfigEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = grok_config_editor_finalize;
  object_class->get_property = grok_config_editor_get_property;

  properties[PROP_VALID] = g_param_spec_boolean ("valid", NULL, NULL, TRUE,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MEMORY] = g_param_spec_string ("memory", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
grok_config_editor_init (GrokConfigEditor *self)
{
  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  self->problems = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  build_rows (self);
  {
    g_autoptr (GrokConfig) defaults = grok_config_new_default ();
    grok_config_editor_set_config (self, defaults);
  }
}

GtkWidget *
grok_config_editor_new (void)
{
  return g_object_new (GROK_TYPE_CONFIG_EDITOR, NULL);
}
