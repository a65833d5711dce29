/* The preset chooser: a menu button and its popover of grouped preset rows. */
#define G_LOG_DOMAIN "grok-preset-chooser"

#include "grok-preset-chooser.h"

#include "grok-presets.h"
#include "grok-session-text.h"

struct _GrokPresetChooser
{
  GtkWidget   parent_instance;

  /* borrowed (children) */
  GtkWidget  *button;
  GtkLabel   *name_label;
  GtkWidget  *edited_label;
  GtkPopover *popover;

  /* owned */
  GHashTable *rows;     /* preset name -> its row */
  char       *preset;
  gboolean    edited;
};

G_DEFINE_FINAL_TYPE (GrokPresetChooser, grok_preset_chooser, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PRESET, PROP_EDITED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, GrokPresetChooser *self)
{
  const char *name = gtk_widget_get_name (GTK_WIDGET (row));

  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[CHOSEN], 0, name);
}

static GtkWidget *
make_row (GrokPresetChooser *self, const GrokPresetInfo *info)
{
  g_autoptr (GrokConfig) config = grok_preset_load (info->name, NULL);
  g_autofree char *time = grok_format_expected_time (info->seconds);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *suffix = gtk_label_new (time);

  g_assert (config != NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), config->description);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_set_tooltip_text (row, config->description);
  gtk_widget_add_css_class (suffix, "dim-label");
  gtk_widget_add_css_class (suffix, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_name (row, info->name);
  g_hash_table_insert (self->rows, (gpointer) info->name, row);
  return row;
}

/* a title and a boxed list per group, in the table's order */
static GtkWidget *
build_list (GrokPresetChooser *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *lists[GROK_N_PRESET_GROUPS] = { NULL };
  guint n;
  const GrokPresetInfo *infos = grok_preset_infos (&n);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 12);
  for (guint i = 0; i < n; i++)
    {
      GrokPresetGroup g = infos[i].group;

      if (lists[g] == NULL)
        {
          GtkWidget *title = gtk_label_new (grok_preset_group_title (g));
          gtk_label_set_xalign (GTK_LABEL (title), 0);
          gtk_widget_set_margin_top (title, 12);
          gtk_widget_add_css_class (title, "heading");
          lists[g] = gtk_list_box_new ();
          gtk_list_box_set_selection_mode (GTK_LIST_BOX (lists[g]), GTK_SELECTION_NONE);
          gtk_widget_add_css_class (lists[g], "boxed-list");
          g_signal_connect_object (lists[g], "row-activated", G_CALLBACK (on_row_activated), self, 0);
          gtk_box_append (GTK_BOX (box), title);
          gtk_box_append (GTK_BOX (box), lists[g]);
        }
      gtk_list_box_append (GTK_LIST_BOX (lists[g]), make_row (self, &infos[i]));
    }
  return box;
}

static void
build (GrokPresetChooser *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->name_label = GTK_LABEL (gtk_label_new (NULL));
  self->edited_label = gtk_label_new ("edited");
  gtk_widget_add_css_class (self->edited_label, "dim-label");
  gtk_widget_set_tooltip_text (self->edited_label, "The settings differ from the preset's: "
                               "Revert to Preset in the menu brings its values back");
  gtk_widget_set_visible (self->edited_label, FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->name_label));
  gtk_box_append (GTK_BOX (content), self->edited_label);
  gtk_box_append (GTK_BOX (content), gtk_image_new_from_icon_name ("pan-down-symbolic"));

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 640);
  gtk_widget_set_size_request (scrolled, 520, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), build_list (self));
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, scrolled);

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_child (GTK_MENU_BUTTON (self->button), content);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), GTK_WIDGET (self->popover));
  gtk_widget_set_tooltip_text (self->button, "The experiment to train");
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));
}

const char *
grok_preset_chooser_get_preset (GrokPresetChooser *self)
{
  g_return_val_if_fail (GROK_IS_PRESET_CHOOSER (self), NULL);
  return self->preset;
}

void
grok_preset_chooser_set_preset (GrokPresetChooser *self, const char *name)
{
  g_return_if_fail (GROK_IS_PRESET_CHOOSER (self));
  if (g_strcmp0 (self->preset, name) == 0)
    return;
  g_free (self->preset);
  self->preset = g_strdup (name);
  gtk_label_set_text (self->name_label, name ? name : "Custom");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESET]);
}

gboolean
grok_preset_chooser_get_edited (GrokPresetChooser *self)
{
  g_return_val_if_fail (GROK_IS_PRESET_CHOOSER (self), FALSE);
  return self->edited;
}

void
grok_preset_chooser_set_edited (GrokPresetChooser *self, gboolean edited)
{
  g_return_if_fail (GROK_IS_PRESET_CHOOSER (self));
  if (self->edited == edited)
    return;
  self->edited = edited;
  gtk_widget_set_visible (self->edited_label, edited);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
}

GtkWidget *
grok_preset_chooser_get_row (GrokPresetChooser *self, const char *name)
{
  g_return_val_if_fail (GROK_IS_PRESET_CHOOSER (self), NULL);
  return g_hash_table_lookup (self->rows, name);
}

static void
grok_preset_chooser_dispose (GObject *object)
{
  GrokPresetChooser *self = GROK_PRESET_CHOOSER (object);

  g_clear_pointer (&self->button, gtk_widget_unparent);
  G_OBJECT_CLASS (grok_preset_chooser_parent_class)->dispose (object);
}

static void
grok_preset_chooser_finalize (GObject *object)
{
  GrokPresetChooser *self = GROK_PRESET_CHOOSER (object);

  g_hash_table_unref (self->rows);
  g_free (self->preset);
  G_OBJECT_CLASS (grok_preset_chooser_parent_class)->finalize (object);
}

static void
grok_preset_chooser_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GrokPresetChooser *self = GROK_PRESET_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_PRESET: g_value_set_string (value, self->preset); break;
    case PROP_EDITED: g_value_set_boolean (value, self->edited); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grok_preset_chooser_class_init (GrokPresetChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = grok_preset_chooser_dispose;
  object_class->finalize = grok_preset_chooser_finalize;
  object_class->get_property = grok_preset_chooser_get_property;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  properties[PROP_PRESET] = g_param_spec_string ("preset", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                 G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EDITED] = g_param_spec_boolean ("edited", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* a person chose the preset of this name in the list */
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
grok_preset_chooser_init (GrokPresetChooser *self)
{
  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  build (self);
  gtk_label_set_text (self->name_label, "Custom");
}

GtkWidget *
grok_preset_chooser_new (void)
{
  return g_object_new (GROK_TYPE_PRESET_CHOOSER, NULL);
}
