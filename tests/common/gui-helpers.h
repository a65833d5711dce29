/* Shared by the GUI tests and the GUI benchmark: finding real widgets in a window's tree, the
 * way a person finds them on screen. Header-only. */
#pragma once

#include <gtk/gtk.h>

#include "grok-preset-chooser.h"
#include "wait-helpers.h"

/* let the main loop run for about that many milliseconds */
static inline void
spin (int iterations)
{
  for (int i = 0; i < iterations; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* a widget as GTK draws it (a window, a popover), once shown, as a PNG in GROK_TEST_OUTPUT */
static inline void
save_widget (GtkWidget *widget, const char *name)
{
  const char *out_dir = g_getenv ("GROK_TEST_OUTPUT");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (out_dir == NULL)
    return;
  SPIN_UNTIL (gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0,
              "%s to be shown", G_OBJECT_TYPE_NAME (widget));
  spin (100);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  for (gint64 deadline = wait_deadline (); node == NULL; wait_poll (deadline, TRUE, "a frame of the widget"))
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (out_dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
}


/* the first button whose action is action_name */
static inline GtkWidget *
find_button (GtkWidget *root, const char *action_name)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action_name);
      if (found)
        return found;
    }
  return NULL;
}

/* the first widget of a type */
static inline GtkWidget *
find_type (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);
      if (found)
        return found;
    }
  return NULL;
}

/* the first visible label whose text starts with prefix */
static inline GtkWidget *
find_label (GtkWidget *root, const char *prefix)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root) &&
      g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, prefix);
      if (found)
        return found;
    }
  return NULL;
}

/* choose a preset in the header bar's chooser, as a person would: its row in the list */
static inline void
choose_preset (GtkWidget *window, const char *name)
{
  GrokPresetChooser *chooser = GROK_PRESET_CHOOSER (find_type (window, GROK_TYPE_PRESET_CHOOSER));
  GtkWidget *row = grok_preset_chooser_get_row (chooser, name);

  if (row == NULL)
    g_error ("no preset %s in the chooser", name);
  gtk_widget_activate (row);
}

/* trigger the widget's own keyboard shortcut for keyval with mods, as a key press reaching it
 * would; FALSE when it has none */
static inline gboolean
press_shortcut (GtkWidget *widget, guint keyval, GdkModifierType mods)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr (GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, mods);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* Real key presses, as a person's reach the app: through the X server (XTest) to whatever
 * widget has the focus, capture and bubble phases and all. */
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>

static inline void
xtest_key (Display *display, guint keyval, gboolean press)
{
  XTestFakeKeyEvent (display, XKeysymToKeycode (display, keyval), press, CurrentTime);
}

/* press and release keyval with mods held (Control, Shift, Alt), then let GTK see the events */
static inline void
press_keys (GtkWidget *window, guint keyval, GdkModifierType mods)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  const struct { GdkModifierType mask; guint keyval; } held[] = {
    { GDK_CONTROL_MASK, GDK_KEY_Control_L }, { GDK_SHIFT_MASK, GDK_KEY_Shift_L },
    { GDK_ALT_MASK, GDK_KEY_Alt_L },
  };

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    if (mods & held[i].mask)
      xtest_key (display, held[i].keyval, TRUE);
  xtest_key (display, keyval, TRUE);
  xtest_key (display, keyval, FALSE);
  for (guint i = G_N_ELEMENTS (held); i-- > 0;)
    if (mods & held[i].mask)
      xtest_key (display, held[i].keyval, FALSE);
  XSync (display, False);
  for (int i = 0; i < 100; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
