/* The questions before a fork, and before Continue when the settings were edited: the settings
 * that differ from the run's, by their labels, and what each answer does with them. */
#pragma once

#include <adwaita.h>

#include "grok-config.h"

G_BEGIN_DECLS

/* "Weight decay: 1 → 0.3", one line per key that differs (the fork's own run.* keys and, when
 * except_steps, train.steps left out); NULL when none does */
char      *grok_config_describe_changes (const GrokConfig *from, const GrokConfig *to,
                                         gboolean except_steps);
/* Fork From Step N: responses "cancel" and "fork" */
GtkWidget *grok_fork_dialog_new         (GtkWindow *parent, gint64 step, const char *changes);
/* Continue with edited settings: responses "cancel", "continue" (the run's own settings) and
 * "fork" (a new run with the edited ones) */
GtkWidget *grok_continue_dialog_new     (GtkWindow *parent, gint64 step, const char *changes);

G_END_DECLS
