/* grokscope-cli sweep: plan a sweep into a folder, train its cells through GNU parallel or a
 * Slurm job array (each cell one `grokscope-cli sweep cell` process), and sum it up. */
#pragma once

#include <glib.h>

#include "grok-cli-options.h"

G_BEGIN_DECLS

/* the one line grokscope-cli --help gives the sweep commands */
#define GROK_CLI_SWEEP_SUMMARY "Plan, run (GNU parallel, Slurm) and sum up sweeps of runs."

/* argv[0] is "sweep"; the exit status */
int      grok_cli_sweep_main      (int argc, char **argv);
/* TRUE when path is a planned sweep folder: grokscope-cli figure then draws the sweep */
gboolean grok_cli_sweep_is_folder (const char *path);
/* grokscope-cli figure SWEEP_DIR --view phase|compare: the exit status */
int      grok_cli_sweep_figure    (const GrokCliArgs *args);

G_END_DECLS
