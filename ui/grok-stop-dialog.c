/* The question before runs are stopped by closing or quitting. A run's steps are never lost
 * either way (stopping writes its checkpoint); what the question guards is the training time
 * still to come, which the person may not mean to give up. */
#include "grok-stop-dialog.h"

/* one line per run: its name and the session's own progress line */
static char *
describe (GPtrArray *sessions)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < sessions->len; i++)
    {
      GrokSession *session = sessions->pdata[i];
      g_autofree char *name = g_markup_escape_text (grok_session_get_title (session), -1);
      g_autofree char *status = g_markup_escape_text (grok_session_get_status (session), -1);

      g_string_append_printf (text, "%s<b>%s</b>: %s", i > 0 ? "\n" : "", name, status);
    }
  g_string_append (text, sessions->len == 1
                   ? "\n\nIt stops with a checkpoint at the step it reached; Continue Run "
                     "carries it on from there."
                   : "\n\nEach stops with a checkpoint at the step it reached; Continue Run "
                     "carries it on from there.");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

GtkWidget *
grok_stop_dialog_new (GtkWindow *parent, GPtrArray *sessions, gboolean quitting)
{
  g_autofree char *body = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (sessions != NULL && sessions->len > 0, NULL);

  if (sessions->len == 1)
    heading = g_strdup (quitting ? "Stop the Run and Quit?" : "Stop the Run and Close?");
  else
    heading = g_strdup_printf (quitting ? "Stop %u Runs and Quit?" : "Stop %u Runs and Close?",
                               sessions->len);
  body = describe (sessions);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, NULL));
  adw_message_dialog_set_body_use_markup (dialog, TRUE);
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "stop", "Stop and _Keep", NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return GTK_WIDGET (dialog);
}
