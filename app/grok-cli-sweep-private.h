/* What the sweep commands' two files share: grok-cli-sweep.c (the command table, plan, run,
 * slurm, cell) and grok-cli-sweep-summary.c (summary, phase, the figures). */
#pragma once

#include "grok-cli-options.h"
#include "grok-cli-sweep.h"

G_BEGIN_DECLS

/* print the error (or message) as grokscope-cli does; the exit status: 130 for an
 * interruption, 1 otherwise */
int grok_cli_sweep_fail      (const GError *error);
int grok_cli_sweep_fail_text (const char *message);
int grok_cli_sweep_summary   (const GrokCliArgs *args);
int grok_cli_sweep_phase     (const GrokCliArgs *args);

G_END_DECLS
