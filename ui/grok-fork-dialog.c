/* Fork and Continue ask first, naming what changes. */
#include "grok-fork-dialog.h"

char *
grok_config_describe_changes (const GrokConfig *from, const GrokConfig *to, gboolean except_steps)
{
  guint n;
  const GrokConfigKey *keys = grok_config_keys (&n);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *before = NULL, *after = NULL;

      if (g_str_has_prefix (keys[i].key, "run.") ||
          (except_steps && g_str_equal (keys[i].key, "train.steps")))
        continue;
      before = grok_config_get_text (from, &keys[i]);
      after = grok_config_get_text (to, &keys[i]);
      if (!g_str_equal (before, after))
        g_string_append_printf (text, "%s%s: %s → %s", text->len ? "\n" : "", keys[i].label,
                                before, after);
    }
  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

GtkWidget *
grok_fork_dialog_new (GtkWindow *parent, gint64 step, const char *changes)
{
  g_autofree char *heading = g_strdup_printf ("Fork From Step %" G_GINT64_FORMAT "?", step);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  body = changes ? g_strdup_printf ("A new run starts from this run's checkpoint at step %"
                                    G_GINT64_FORMAT ", in a folder of its own, with these "
                                    "settings changed:\n\n%s", step, changes)
                 : g_strdup_printf ("A new run starts from this run's checkpoint at step %"
                                    G_GINT64_FORMAT ", in a folder of its own, with the same "
                                    "settings.", step);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "fork", "_Fork", NULL);
  adw_message_dialog_set_response_appearance (dialog, "fork", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "fork");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return GTK_WIDGET (dialog);
}

GtkWidget *
grok_continue_dialog_new (GtkWindow *parent, gint64 step, const char *changes)
{
  g_autofree char *body = g_strdup_printf ("The settings differ from the run's:\n\n%s\n\nContinue "
                                           "carries the run on with its own settings; Fork starts "
                                           "a new run from step %" G_GINT64_FORMAT " with the "
                                           "changed ones.", changes, step);
  AdwMessageDialog *dialog =
    ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, "Continue With the Run's Own Settings?", body));

  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "continue", "C_ontinue",
                                    "fork", "_Fork", NULL);
  adw_message_dialog_set_response_appearance (dialog, "fork", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "fork");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return GTK_WIDGET (dialog);
}
