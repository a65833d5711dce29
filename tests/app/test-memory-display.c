/* The memory estimate in the window: beside Train for a config that fits, and a config that
 * does not fit the machine disables Train with the reason, as any invalid value does. */
#include <adwaita.h>
#include <string.h>

#include "grok-config-editor.h"
#include "grok-memory.h"
#include "grok-presets.h"
#include "grok-window.h"
#include "gui-helpers.h"

static void
test_estimate_beside_train (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.MemoryTest", G_APPLICATION_NON_UNIQUE);
  g_autoptr (GrokConfig) quick = grok_preset_load ("quick", NULL);
  g_autoptr (GrokConfig) huge = grok_config_copy (quick);
  g_autofree char *size = g_format_size (grok_config_estimate_memory (quick));
  g_autofree char *expected = g_strdup_printf ("≈ %s", size);
  GrokConfigEditor *editor;
  GrokWindow *window;
  GtkWidget *label;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  editor = GROK_CONFIG_EDITOR (find_type (GTK_WIDGET (window), GROK_TYPE_CONFIG_EDITOR));
  grok_config_editor_set_config (editor, quick);
  label = find_label (GTK_WIDGET (window), "≈ ");
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);
  g_assert_true (grok_config_editor_get_valid (editor));

  /* 16 layers of 8192 units on full batches of half a million examples: hundreds of GB */
  huge->task.p = 1000;
  huge->model.width = 8192;
  huge->model.depth = 16;
  grok_config_editor_set_config (editor, huge);
  g_assert_false (grok_config_editor_get_valid (editor));
  g_assert_nonnull (strstr (grok_config_editor_get_problem (editor), "needs about"));
  g_assert_nonnull (strstr (grok_config_editor_get_problem (editor), "available"));
  g_assert_false (gtk_widget_get_sensitive (find_button (GTK_WIDGET (window), "win.train")));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window/memory-estimate-beside-train", test_estimate_beside_train);
  return g_test_run ();
}
