/* The command line of grokscope-cli: one table of options, each with the one range it has in
 * every command, and a parser (GLib's GOptionContext) that reads a command's options against
 * that table and answers its --help. The commands themselves, and which options each takes,
 * are the rows of grokscope-cli.c's command table. */
#pragma once

#include <glib.h>

#include "grok-measures.h"

G_BEGIN_DECLS

typedef enum
{
  GROK_CLI_OPT_OUT = 1,   /* 0 ends a command's list of options */
  GROK_CLI_OPT_SET,
  GROK_CLI_OPT_STEPS,
  GROK_CLI_OPT_STEP,
  GROK_CLI_OPT_FORCE,
  GROK_CLI_OPT_QUIET,
  GROK_CLI_OPT_MARKDOWN,
  GROK_CLI_OPT_MEASURE,
  GROK_CLI_OPT_EPSILON,
  GROK_CLI_OPT_LMN_POINTS,
  GROK_CLI_OPT_VIEW,
  GROK_CLI_OPT_SIZE,
  GROK_CLI_OPT_DPI,
  GROK_CLI_OPT_FONT_SIZE,
  GROK_CLI_OPT_RASTER,
  GROK_CLI_OPT_JOBS,
  GROK_CLI_OPT_THREADS,
  GROK_CLI_OPT_LIMIT,
  GROK_CLI_OPT_CSV,
  GROK_CLI_OPT_GROUPS,
  GROK_CLI_OPT_COLUMNS,
  GROK_CLI_OPT_X,
  GROK_CLI_OPT_Y,
  GROK_CLI_OPT_OUTCOME,
  GROK_CLI_OPT_SMOOTH,
  GROK_CLI_OPT_PANELS,
  GROK_CLI_OPT_SVG_TEXT,
  GROK_CLI_OPT_SHARED_SCALE,
  GROK_CLI_OPT_UNITS,
  GROK_CLI_N_OPTS
} GrokCliOpt;

/* what a command's line said: an option not given keeps the value grok_cli_args_init gives */
typedef struct
{
  char      **args;          /* the positional arguments (borrowed from argv) */
  int         n_args;
  char       *out, *view, *size, *panels;
  char       *columns, *x, *y, *outcome;
  char       *units;
  gint64      step;          /* -1 */
  gint64      steps;         /* 0 */
  gint64      lmn_points;    /* 0 */
  gint64      raster;        /* 0 */
  double      epsilon;       /* NAN */
  double      dpi;           /* NAN */
  double      font_size;     /* NAN */
  double      smooth;        /* 0 */
  gboolean    force, quiet, markdown;
  gint64      jobs;          /* 0 */
  gint64      threads;       /* -1 */
  gint64      limit;         /* 0 */
  gboolean    csv, groups;
  gboolean    svg_text;
  gboolean    shared_scale;
  GPtrArray  *sets;          /* "KEY=VALUE" of --set, and --steps N as train.steps=N, in order */
  gboolean    measures[GROK_N_MEASURES];
  gboolean    any_measure;
  gboolean    given[GROK_CLI_N_OPTS];
} GrokCliArgs;

void grok_cli_args_init  (GrokCliArgs *args);
void grok_cli_args_clear (GrokCliArgs *args);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GrokCliArgs, grok_cli_args_clear)

/* an option as one command takes it: what it does there, its default there, and whether it
 * must be given (a number's range is the option's own, the same in every command) */
typedef struct
{
  GrokCliOpt  opt;
  const char *help;
  const char *def;       /* NULL: none shown */
  gboolean    required;
} GrokCliUse;

#define GROK_CLI_MAX_USES 16

typedef struct
{
  const char *name;
  const char *params;        /* its positional arguments, as --help shows them */
  int         n_params;      /* how many it takes */
  const char *summary;       /* one line, for grokscope-cli --help */
  const char *description;   /* after its options in its --help */
  char     *(*more) (void);  /* NULL, or more description from the engine's tables */
  GrokCliUse  uses[GROK_CLI_MAX_USES + 1];  /* ended by an opt of 0 */
  int       (*run) (const GrokCliArgs *args);
} GrokCliCommand;

typedef enum
{
  GROK_CLI_PARSED,
  GROK_CLI_HELP,             /* --help: the help was printed on stdout */
  GROK_CLI_BAD_USAGE,        /* the reason was printed on stderr */
} GrokCliParse;

/* read argv (argv[0] is the command's name) into args, which grok_cli_args_init has set */
GrokCliParse grok_cli_parse      (const GrokCliCommand *command, int argc, char **argv,
                                  GrokCliArgs *args);
/* the command's --help text */
char        *grok_cli_help       (const GrokCliCommand *command);

G_END_DECLS
