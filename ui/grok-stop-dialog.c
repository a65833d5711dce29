/* The question before runs are stopped by closing or quitting. A run's steps are never lost
 * either way (stopping writes its checkpoint); what the question guards is the training time
 * still to come, which the person may not mean to give up. */
#include "grok-stop-dialog.h"

#include "grok-session-text.h"

/* one line per run: its name and its progress line, as the window says them */
static char *
describe (GPtrArray *sessions)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < sessions->len; i++)
    {
      GrokSession *session = sessions->pdata[i];
      g_autofree char *title = grok_session_text_title (session);
      g_autofree char *line = grok_session_text_status (session);
      g_autofree char *name = g_markup_escape_text (title, -1);
      g_autofree char *status = g_markup_escape_text (line, -1);

      g_string_append_printf (text, "%s<b>%s</b>: %s", i > 0 ? "\n" : "", name, status);
    }
  g_string_append (text, sessions->len == 1
                   ? "\n\nIt stops with a checkpoint at the step it reached; Continue Run "
                     "carries it on from there."
                   : "\n\nEach stops with a checkpoint at the step it reached; Continue Run "
                     "carries it on from there.");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* the lines follow the runs: one that trains moves on while the question waits */
static void
update_body (AdwMessageDialog *dialog)
{
  GPtrArray *sessions = g_object_get_data (G_OBJECT (dialog), "grok-sessions");
  g_autofree char *body = describe (sessions);

  adw_message_dialog_set_body (dialog, body);
}

GtkWidget *
grok_stop_dialog_new (GtkWindow *parent, GPtrArray *sessions, gboolean quitting)
{
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (sessions != NULL && sessions->len > 0, NULL);

  if (sessions->len == 1)
    heading = g_strdup (quitting ? "Stop the Run and Quit?" : "Stop the Run and Close?");
  else
    heading = g_strdup_printf (quitting ? "Stop %u Runs and Quit?" : "Stop %u Runs and Close?",
                               sessions->len);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, NULL));
  for (guint i = 0; i < sessions->len; i++)
    {
      g_ptr_array_add (held, g_object_ref (sessions->pdata[i]));
      g_signal_connect_object (sessions->pdata[i], "notify::step", G_CALLBACK (update_body),
                               dialog, G_CONNECT_SWAPPED);
      g_signal_connect_object (sessions->pdata[i], "notify::state", G_CALLBACK (update_body),
                               dialog, G_CONNECT_SWAPPED);
    }
  g_object_set_data_full (G_OBJECT (dialog), "grok-sessions", g_steal_pointer (&held),
                          (GDestroyNotify) g_ptr_array_unref);
  adw_message_dialog_set_body_use_markup (dialog, TRUE);
  update_body (dialog);
  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "stop", "Stop and _Keep", NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return GTK_WIDGET (dialog);
}
