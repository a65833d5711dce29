/* grokscope-cli's options: one row per option, with the one range it has wherever it is taken
 * (from the config key it stands for, when there is one), read by GOptionContext. Every value
 * arrives through one callback that checks it against its row, so a number is refused the same
 * way, naming the option and the value, in every command. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-cli-options.h"
#include "grok-config.h"

typedef enum
{
  KIND_FLAG = 1,  /* no value; sets a gboolean */
  KIND_TEXT,      /* a char * (the last one given) */
  KIND_SET,       /* KEY=VALUE, appended to sets */
  KIND_MEASURE,   /* a measure's name, chosen in measures[] */
  KIND_WHOLE,     /* a gint64 in [lo, hi] */
  KIND_NUMBER,    /* a finite double in [min, max], or (min, max] when min_open */
} Kind;

typedef struct
{
  const char *name;         /* without its dashes */
  Kind        kind;
  gsize       field;        /* in GrokCliArgs */
  const char *value;        /* the value's name in --help */
  const char *config_key;   /* numbers: the range is this key's in the config table */
  gint64      lo, hi;       /* whole numbers without a key */
  double      min, max;     /* numbers without a key */
  gboolean    min_open;
  gboolean    to_sets;      /* also appended to sets, as config_key=N */
} Opt;

#define FIELD(f) G_STRUCT_OFFSET (GrokCliArgs, f)

static const Opt opts[GROK_CLI_N_OPTS] = {
  [GROK_CLI_OPT_OUT] = { "out", KIND_TEXT, FIELD (out), "PATH" },
  [GROK_CLI_OPT_SET] = { "set", KIND_SET, FIELD (sets), "KEY=VALUE" },
  [GROK_CLI_OPT_STEPS] = { "steps", KIND_WHOLE, FIELD (steps), "N", .config_key = "train.steps",
                           .to_sets = TRUE },
  [GROK_CLI_OPT_STEP] = { "step", KIND_WHOLE, FIELD (step), "N", .lo = 0, .hi = G_MAXINT64 },
  [GROK_CLI_OPT_FORCE] = { "force", KIND_FLAG, FIELD (force) },
  [GROK_CLI_OPT_QUIET] = { "quiet", KIND_FLAG, FIELD (quiet) },
  [GROK_CLI_OPT_MARKDOWN] = { "markdown", KIND_FLAG, FIELD (markdown) },
  [GROK_CLI_OPT_MEASURE] = { "measure", KIND_MEASURE, FIELD (measures), "NAME" },
  [GROK_CLI_OPT_EPSILON] = { "epsilon", KIND_NUMBER, FIELD (epsilon), "NATS",
                             .config_key = "measures.complexity_epsilon" },
  /* the engine's own bound: the LMN matrix and the memory estimate are sized by it */
  [GROK_CLI_OPT_LMN_POINTS] = { "lmn-points", KIND_WHOLE, FIELD (lmn_points), "N",
                                .config_key = "measures.lmn_points" },
  [GROK_CLI_OPT_VIEW] = { "view", KIND_TEXT, FIELD (view), "VIEW" },
  [GROK_CLI_OPT_SIZE] = { "size", KIND_TEXT, FIELD (size), "WxH{in,cm,px}|NAME" },
  [GROK_CLI_OPT_DPI] = { "dpi", KIND_NUMBER, FIELD (dpi), "N", .min = 10, .max = 2400 },
  [GROK_CLI_OPT_FONT_SIZE] = { "font-size", KIND_NUMBER, FIELD (font_size), "PT", .min = 2,
                               .max = 72 },
  [GROK_CLI_OPT_RASTER] = { "raster", KIND_WHOLE, FIELD (raster), "N", .lo = 16, .hi = 2048 },
  [GROK_CLI_OPT_JOBS] = { "jobs", KIND_WHOLE, FIELD (jobs), "N", .lo = 1, .hi = 4096 },
  [GROK_CLI_OPT_THREADS] = { "threads", KIND_WHOLE, FIELD (threads), "N",
                             .config_key = "train.threads" },
  [GROK_CLI_OPT_LIMIT] = { "limit", KIND_WHOLE, FIELD (limit), "N", .lo = 1, .hi = 100000 },
  [GROK_CLI_OPT_CSV] = { "csv", KIND_FLAG, FIELD (csv) },
  [GROK_CLI_OPT_GROUPS] = { "groups", KIND_FLAG, FIELD (groups) },
  [GROK_CLI_OPT_COLUMNS] = { "columns", KIND_TEXT, FIELD (columns), "NAME,..." },
  [GROK_CLI_OPT_X] = { "x", KIND_TEXT, FIELD (x), "COLUMN|KEY" },
  [GROK_CLI_OPT_Y] = { "y", KIND_TEXT, FIELD (y), "COLUMN|KEY" },
  [GROK_CLI_OPT_OUTCOME] = { "outcome", KIND_TEXT, FIELD (outcome), "COLUMN" },
  [GROK_CLI_OPT_SMOOTH] = { "smooth", KIND_NUMBER, FIELD (smooth), "W", .min = 0, .max = 0.99 },
  [GROK_CLI_OPT_PANELS] = { "panels", KIND_TEXT, FIELD (panels), "NAME,..." },
  [GROK_CLI_OPT_SVG_TEXT] = { "svg-text", KIND_FLAG, FIELD (svg_text) },
  [GROK_CLI_OPT_SHARED_SCALE] = { "shared-scale", KIND_FLAG, FIELD (shared_scale) },
  [GROK_CLI_OPT_UNITS] = { "units", KIND_TEXT, FIELD (units), "N,..." },
};

void
grok_cli_args_init (GrokCliArgs *args)
{
  *args = (GrokCliArgs) { .step = -1, .epsilon = NAN, .dpi = NAN, .font_size = NAN,
                          .threads = -1 };
  args->sets = g_ptr_array_new_with_free_func (g_free);
}

void
grok_cli_args_clear (GrokCliArgs *args)
{
  g_clear_pointer (&args->out, g_free);
  g_clear_pointer (&args->view, g_free);
  g_clear_pointer (&args->size, g_free);
  g_clear_pointer (&args->panels, g_free);
  g_clear_pointer (&args->columns, g_free);
  g_clear_pointer (&args->x, g_free);
  g_clear_pointer (&args->y, g_free);
  g_clear_pointer (&args->outcome, g_free);
  g_clear_pointer (&args->units, g_free);
  g_clear_pointer (&args->sets, g_ptr_array_unref);
}

/* the allowed values of a number, from its config key when it has one */
static void
opt_range (const Opt *o, gint64 *lo, gint64 *hi, double *min, double *max, gboolean *min_open)
{
  const GrokConfigKey *key = o->config_key ? grok_config_key_lookup (o->config_key) : NULL;

  *lo = o->lo, *hi = o->hi, *min = o->min, *max = o->max, *min_open = o->min_open;
  if (key == NULL)
    return;
  *min = key->min, *max = key->max, *min_open = key->min_open;
  *lo = (gint64) key->min + (key->min_open ? 1 : 0);
  *hi = (gint64) key->max - (key->max_open ? 1 : 0);
}

/* what a number must be: in full for an error ("a whole number from 2 to 4096"), or short
 * for --help ("2 to 4096") */
static char *
describe_range (const Opt *o, gboolean brief)
{
  const char *what = brief ? "" : o->kind == KIND_WHOLE ? "a whole number " : "a number ";
  gint64 lo, hi;
  double min, max;
  gboolean min_open;

  opt_range (o, &lo, &hi, &min, &max, &min_open);
  if (o->kind == KIND_WHOLE && hi == G_MAXINT64)
    return g_strdup_printf ("%s%" G_GINT64_FORMAT " or more", brief ? "" : "a whole number, ", lo);
  if (o->kind == KIND_WHOLE)
    return g_strdup_printf ("%sfrom %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, what, lo, hi);
  if (min_open)
    return g_strdup_printf ("%sabove %g, at most %g", what, min, max);
  return g_strdup_printf ("%sfrom %g to %g", what, min, max);
}

/* text wrapped at width columns; its paragraphs (apart by an empty line) stay apart */
static char *
wrap (const char *text, int width)
{
  g_auto (GStrv) paragraphs = g_strsplit (text, "\n\n", -1);
  GString *out = g_string_new (NULL);

  for (int p = 0; paragraphs[p] != NULL; p++)
    {
      g_auto (GStrv) words = g_strsplit (paragraphs[p], " ", -1);
      gsize line = out->len;

      if (p > 0)
        g_string_append (out, "\n\n");
      line = out->len;
      for (int i = 0; words[i] != NULL; i++)
        {
          if (words[i][0] == '\0')
            continue;
          if (out->len > line && out->len - line + 1 + strlen (words[i]) > (gsize) width)
            {
              g_string_append_c (out, '\n');
              line = out->len;
            }
          else if (out->len > line)
            g_string_append_c (out, ' ');
          g_string_append (out, words[i]);
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
parse_number (const Opt *o, const char *text, gpointer field)
{
  gint64 lo, hi;
  double min, max, v;
  gboolean min_open;
  char *end = NULL;

  opt_range (o, &lo, &hi, &min, &max, &min_open);
  if (o->kind == KIND_WHOLE)
    return g_ascii_string_to_signed (text, 10, lo, hi, field, NULL);
  if (text[0] == '\0' || g_ascii_isspace (text[0]))
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (*end != '\0' || !isfinite (v) || (min_open ? v <= min : v < min) || v > max)
    return FALSE;
  *(double *) field = v;
  return TRUE;
}

typedef struct
{
  GrokCliArgs *args;
  gboolean     help;
} Parse;

/* every option's value comes here, named as it was given ("--dpi") */
static gboolean
on_option (const char *given, const char *value, gpointer data, GError **error)
{
  Parse *parse = data;
  const Opt *o = NULL;
  gpointer field;

  for (int i = 1; i < GROK_CLI_N_OPTS && o == NULL; i++)
    if (g_str_has_prefix (given, "--") && strcmp (given + 2, opts[i].name) == 0)
      o = &opts[i];
  g_assert (o != NULL);
  parse->args->given[o - opts] = TRUE;
  field = G_STRUCT_MEMBER_P (parse->args, o->field);
  switch (o->kind)
    {
    case KIND_FLAG:
      *(gboolean *) field = TRUE;
      return TRUE;
    case KIND_TEXT:
      g_free (*(char **) field);
      *(char **) field = g_strdup (value);
      return TRUE;
    case KIND_SET:
      g_ptr_array_add (parse->args->sets, g_strdup (value));
      return TRUE;
    case KIND_MEASURE:
      {
        GrokMeasure m;
        if (!grok_measure_from_name (value, &m, error))
          return FALSE;
        parse->args->measures[m] = parse->args->any_measure = TRUE;
        return TRUE;
      }
    case KIND_WHOLE:
    case KIND_NUMBER:
      if (!parse_number (o, value, field))
        {
          g_autofree char *range = describe_range (o, FALSE);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s must be %s, not '%s'", given, range, value);
          return FALSE;
        }
      if (o->to_sets)
        g_ptr_array_add (parse->args->sets, g_strdup_printf ("%s=%" G_GINT64_FORMAT,
                                                             o->config_key, *(gint64 *) field));
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
on_help (const char *given, const char *value, gpointer data, GError **error)
{
  ((Parse *) data)->help = TRUE;
  return TRUE;
}

/* a command's options for GOptionContext; the texts it points to are kept in strings */
static GOptionContext *
new_context (const GrokCliCommand *command, Parse *parse, GPtrArray *strings)
{
  GOptionContext *context = g_option_context_new (command->params);
  GOptionGroup *group = g_option_group_new (command->name, command->summary, "", parse, NULL);
  GOptionEntry entries[GROK_CLI_MAX_USES + 2] = { 0 };
  g_autofree char *more = command->more ? command->more () : NULL;
  int n = 0;

  for (const GrokCliUse *u = command->uses; u->opt != 0; u++, n++)
    {
      const Opt *o = &opts[u->opt];
      gboolean number = o->kind == KIND_WHOLE || o->kind == KIND_NUMBER;
      g_autofree char *range = number ? describe_range (o, TRUE) : NULL;
      char *help = g_strdup_printf ("%s%s%s%s%s%s", u->help, range ? ", " : "", range ? range : "",
                                    u->def ? " (default " : "", u->def ? u->def : "",
                                    u->def ? ")" : "");

      g_ptr_array_add (strings, help);
      entries[n] = (GOptionEntry) { o->name, 0,
                                    o->kind == KIND_FLAG ? G_OPTION_FLAG_NO_ARG
                                                         : G_OPTION_FLAG_FILENAME,
                                    G_OPTION_ARG_CALLBACK, (gpointer) on_option, help, o->value };
    }
  entries[n] = (GOptionEntry) { "help", 'h', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
                                (gpointer) on_help, "Show this help", NULL };
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, group);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, command->summary);
  {
    g_autofree char *text = more ? g_strconcat (command->description, "\n\n", more, NULL)
                                 : g_strdup (command->description);
    g_ptr_array_add (strings, wrap (text, 78));
  }
  g_option_context_set_description (context, strings->pdata[strings->len - 1]);
  return context;
}

char *
grok_cli_help (const GrokCliCommand *command)
{
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  GrokCliArgs args = { 0 };
  Parse parse = { &args, FALSE };
  GOptionContext *context = new_context (command, &parse, strings);
  char *help = g_option_context_get_help (context, TRUE, NULL);

  g_option_context_free (context);
  return help;
}

/* after the options: the positional arguments the command takes, and its required options */
static gboolean
check_complete (const GrokCliCommand *command, const GrokCliArgs *args, GError **error)
{
  if (args->n_args < command->n_params)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "needs %s", command->params);
      return FALSE;
    }
  if (args->n_args > command->n_params)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'",
                   args->args[command->n_params]);
      return FALSE;
    }
  for (const GrokCliUse *u = command->uses; u->opt != 0; u++)
    if (u->required && !args->given[u->opt])
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "needs --%s %s",
                     opts[u->opt].name, opts[u->opt].value);
        return FALSE;
      }
  return TRUE;
}

GrokCliParse
grok_cli_parse (const GrokCliCommand *command, int argc, char **argv, GrokCliArgs *args)
{
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  Parse parse = { args, FALSE };
  GOptionContext *context = new_context (command, &parse, strings);
  gboolean ok = g_option_context_parse (context, &argc, &argv, &error);

  args->args = argv + 1;
  args->n_args = argc - 1;
  if (ok && parse.help)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fputs (help, stdout);
      g_option_context_free (context);
      return GROK_CLI_HELP;
    }
  g_option_context_free (context);
  if (ok && check_complete (command, args, &error))
    return GROK_CLI_PARSED;
  fprintf (stderr, "grokscope-cli: %s: %s (see grokscope-cli %s --help)\n", command->name,
           error->message, command->name);
  return GROK_CLI_BAD_USAGE;
}
