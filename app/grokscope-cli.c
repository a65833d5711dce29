/* grokscope-cli: train, list presets, and (later) measure and draw, without a display. */
#include <glib.h>
#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-error.h"
#include "grok-figure-view.h"
#include "grok-json.h"
#include "grok-measures.h"
#include "grok-presets.h"
#include "grok-run-dir.h"
#include "grok-safetensors.h"
#include "grok-run.h"
#include "grok-trainer.h"

static void
usage (FILE *out)
{
  g_autofree char *measures = grok_measure_names (", ");
  g_autofree char *views = grok_view_names ("|");
  GrokViewRecipe recipe;

  grok_view_recipe_init (&recipe);
  fprintf (out,
           "Usage:\n"
           "  grokscope-cli train CONFIG.json|PRESET --out RUN_DIR [--set KEY=VALUE]... [--steps N] [--force]\n"
           "  grokscope-cli resume RUN_DIR [--steps N]\n"
           "  grokscope-cli fork RUN_DIR --step N --out NEW_DIR [--set KEY=VALUE]... [--steps N] [--force]\n"
           "  grokscope-cli presets\n"
           "  grokscope-cli keys [--markdown]\n"
           "  grokscope-cli measure RUN_DIR [--step N] [--measure NAME]... [--epsilon NATS]\n"
           "                [--lmn-points N]\n"
           "  grokscope-cli figure RUN_DIR --view VIEW [--step N] [--size WxH{in,cm,px}] [--dpi N]\n"
           "                [--font-size PT] [--lmn-points N] [--raster N] --out FILE.{png,svg,pdf,csv}\n"
           "  grokscope-cli --help | --version\n"
           "\n"
           "train     trains a model and writes RUN_DIR/config.json (every setting, resolved),\n"
           "          RUN_DIR/metrics.csv (one row per evaluation) and RUN_DIR/checkpoints/.\n"
           "          --set KEY=VALUE  change one setting, e.g. --set optim.weight_decay=0.5\n"
           "          --steps N        the same as --set train.steps=N\n"
           "          --force          replace the run in RUN_DIR (only a run folder: anything else\n"
           "                           is refused and nothing deleted)\n"
           "          --quiet          no progress on stderr\n"
           "resume    continues a stopped or crashed run from its newest checkpoint, to its\n"
           "          train.steps or to --steps N. One process writes a run folder at a time.\n"
           "fork      starts NEW_DIR from RUN_DIR's checkpoint at step N, with the changes --set\n"
           "          gives; config.json records run.parent and run.parent_step.\n"
           "presets   lists the built-in presets with one line each.\n"
           "keys      lists every config key: type, allowed values, default and meaning.\n"
           "measure   recomputes measures on a stored checkpoint and prints JSON (one object\n"
           "          per measure with its value and parameters): %s\n"
           "          (default: every one that applies), with the run's own measures.* settings\n"
           "          and seed, so the values equal the run's metrics.csv columns; --epsilon and\n"
           "          --lmn-points override them.\n"
           "figure    draws one view of a run as the app shows it, without a display:\n"
           "          --view %s, --step N (the last checkpoint at or\n"
           "          before N; default the last), --size (default 6x4in), --dpi (default 300),\n"
           "          --font-size (default 8). FILE.csv writes the data behind the figure.\n"
           "          --lmn-points N (connectivity, default %d) and --raster N (regions of smooth\n"
           "          activations, default %d) draw at another resolution than the app's\n"
           "          screen; the figure's title states the one used.\n"
           "\n"
           "The config keys are documented in README.md (section Config reference).\n",
           measures, views, recipe.lmn_points, recipe.raster);
}

static int
fail (const char *message)
{
  fprintf (stderr, "grokscope-cli: %s\n", message);
  return 1;
}

static int
cmd_presets (void)
{
  g_auto (GStrv) names = grok_presets_list ();
  int width = 0;

  for (int i = 0; names[i] != NULL; i++)
    width = MAX (width, (int) strlen (names[i]));
  for (int i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokConfig) config = grok_preset_load (names[i], &error);
      if (config == NULL)
        return fail (error->message);
      printf ("%-*s  %s\n", width, names[i], config->description);
    }
  return 0;
}

static char *
describe_type (const GrokConfigKey *key)
{
  switch (key->type)
    {
    case GROK_KEY_INT:
      return g_strdup_printf ("integer, %.17g to %.17g", key->min, key->max);
    case GROK_KEY_DOUBLE:
      return g_strdup_printf ("number, %.17g %s x %s %.17g", key->min, key->min_open ? "<" : "<=",
                              key->max_open ? "<" : "<=", key->max);
    case GROK_KEY_ENUM:
      {
        g_autofree char *list = g_strjoinv (" | ", (char **) key->choices);
        return g_strdup_printf ("one of %s", list);
      }
    case GROK_KEY_STRING:
      return g_strdup_printf ("text, at most %.0f bytes", key->max);
    default:
      g_assert_not_reached ();
    }
}

static int
cmd_keys (gboolean markdown)
{
  g_autoptr (GrokConfig) defaults = grok_config_new_default ();
  const GrokConfigKey *keys;
  guint n;

  keys = grok_config_keys (&n);
  if (markdown)
    printf ("| key | type and range | default | unit | meaning |\n| --- | --- | --- | --- | --- |\n");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *type = describe_type (&keys[i]);
      g_autofree char *def = grok_config_get_text (defaults, &keys[i]);
      if (markdown)
        printf ("| `%s` | %s | %s%s%s | %s | %s |\n", keys[i].key, type, def[0] ? "`" : "",
                def[0] ? def : "(empty)", def[0] ? "`" : "", keys[i].unit, keys[i].doc);
      else
        printf ("%s\n    %s; default %s%s%s\n    %s\n", keys[i].key, type, def,
                keys[i].unit[0] ? " " : "", keys[i].unit, keys[i].doc);
    }
  return 0;
}

/* a path to a JSON file, or a preset name */
static GrokConfig *
resolve_config (const char *source, GError **error)
{
  if (g_str_has_suffix (source, ".json") || g_file_test (source, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GrokConfig) config = grok_config_new_default ();
      if (!grok_config_merge_file (config, source, error))
        return NULL;
      return g_steal_pointer (&config);
    }
  return grok_preset_load (source, error);
}

static char *
format_duration (double seconds)
{
  gint64 s = isfinite (seconds) && seconds >= 0 ? (gint64) (seconds + 0.5) : -1;

  if (s < 0)
    return g_strdup ("--:--");
  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                            (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

typedef struct
{
  gboolean   tty;
  gboolean   quiet;
  gint64     started;       /* monotonic microseconds */
  gint64     start_step;
  gint64     last_shown;
  GMainLoop *loop;
  GrokRun   *run;
  gboolean   interrupted;
} Drive;

static gboolean
is_terminal (GrokRunState state)
{
  return state == GROK_RUN_FINISHED || state == GROK_RUN_STOPPED ||
         state == GROK_RUN_DIVERGED || state == GROK_RUN_FAILED;
}

static void
show_progress (Drive *d, GrokSnapshot *snap, gboolean final)
{
  gint64 now = g_get_monotonic_time ();
  const GrokMetrics *m = snap->metrics;
  guint last = m->n_rows - 1;
  gint64 interval = d->tty ? G_USEC_PER_SEC / 10 : 5 * G_USEC_PER_SEC;
  GrokProgress progress;
  g_autofree char *eta = NULL;
  char bar[21];
  int filled;

  if (d->quiet || m->n_rows == 0 || (!final && now - d->last_shown < interval))
    return;
  d->last_shown = now;
  grok_run_get_progress (d->run, &progress);
  eta = format_duration (progress.eta_seconds);
  if (d->tty)
    {
      filled = (int) (20.0 * snap->train_step / MAX (snap->total_steps, 1));
      for (int i = 0; i < 20; i++)
        bar[i] = i < filled ? '#' : '-';
      bar[20] = '\0';
      fprintf (stderr, "\r[%s] step %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
               "  loss %.4g  train %.1f%%  test %.1f%%  %.0f steps/s  ETA %s\033[K",
               bar, snap->train_step, snap->total_steps,
               grok_metrics_get (m, last, GROK_COL_TRAIN_LOSS),
               100 * grok_metrics_get (m, last, GROK_COL_TRAIN_ACC),
               100 * grok_metrics_get (m, last, GROK_COL_TEST_ACC), progress.steps_per_second, eta);
      if (final)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "step %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             "  loss %.4g  train_acc %.4f  test_acc %.4f  %.1f steps/s  ETA %s\n",
             snap->train_step, snap->total_steps, grok_metrics_get (m, last, GROK_COL_TRAIN_LOSS),
             grok_metrics_get (m, last, GROK_COL_TRAIN_ACC),
             grok_metrics_get (m, last, GROK_COL_TEST_ACC), progress.steps_per_second, eta);
  fflush (stderr);
}

static void
on_snapshot (GrokRun *run, GrokSnapshot *snap, Drive *d)
{
  if (is_terminal (snap->state))
    g_main_loop_quit (d->loop);
  else
    show_progress (d, snap, FALSE);
}

/* SIGINT/SIGTERM: stop after the step in flight; the run writes a checkpoint there */
static gboolean
on_interrupt (gpointer data)
{
  Drive *d = data;

  d->interrupted = TRUE;
  grok_run_stop (d->run);
  return G_SOURCE_CONTINUE;
}

/* the first step whose column value is at least threshold, or -1 */
static gint64
first_step_at (const GrokMetrics *metrics, int col, double threshold)
{
  for (guint r = 0; r < metrics->n_rows; r++)
    if (grok_metrics_get (metrics, r, col) >= threshold)
      return (gint64) grok_metrics_get (metrics, r, GROK_COL_STEP);
  return -1;
}

static void
print_summary (Drive *d, GrokSnapshot *snap)
{
  const GrokMetrics *m = snap->metrics;
  double elapsed = (g_get_monotonic_time () - d->started) / 1e6;
  gint64 steps = snap->train_step - d->start_step;

  if (d->quiet || m->n_rows == 0)
    return;
  fprintf (stderr, "done: %" G_GINT64_FORMAT " steps in %.1f s (%.1f steps/s); train_acc %.4f "
           "(>= 0.99 from step %" G_GINT64_FORMAT "), test_acc %.4f (>= 0.99 from step %"
           G_GINT64_FORMAT ")\n", steps, elapsed, elapsed > 0 ? steps / elapsed : 0.0,
           grok_metrics_get (m, m->n_rows - 1, GROK_COL_TRAIN_ACC),
           first_step_at (m, GROK_COL_TRAIN_ACC, 0.99),
           grok_metrics_get (m, m->n_rows - 1, GROK_COL_TEST_ACC),
           first_step_at (m, GROK_COL_TEST_ACC, 0.99));
}

/* train run to its end in this thread's main loop, reporting progress on stderr */
static gboolean
drive (GrokRun *run, const char *out, gboolean quiet, GError **error)
{
  Drive d = { 0 };
  g_autoptr (GrokSnapshot) snap = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sigint, sigterm;

  d.tty = isatty (STDERR_FILENO);
  d.quiet = quiet;
  d.started = g_get_monotonic_time ();
  d.loop = loop;
  d.run = run;
  snap = grok_run_dup_snapshot (run);
  d.start_step = snap->train_step;
  g_clear_pointer (&snap, grok_snapshot_unref);
  g_signal_connect (run, "snapshot", G_CALLBACK (on_snapshot), &d);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &d);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &d);
  grok_run_start (run);
  g_main_loop_run (loop);
  grok_run_stop (run);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handlers_disconnect_by_data (run, &d);

  snap = grok_run_dup_snapshot (run);
  if (!quiet && d.tty)
    show_progress (&d, snap, TRUE);
  switch (snap->state)
    {
    case GROK_RUN_FINISHED:
      print_summary (&d, snap);
      return TRUE;
    case GROK_RUN_STOPPED:
      g_set_error (error, GROK_ERROR, GROK_ERROR_CANCELLED,
                   "interrupted at step %" G_GINT64_FORMAT "; %s holds the metrics and a "
                   "checkpoint up to it: continue with grokscope-cli resume %s",
                   snap->train_step, out, out);
      return FALSE;
    default:
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED, "%s", grok_run_get_message (run));
      return FALSE;
    }
}

/* the exit status for an error: 130 for an interruption, 1 otherwise */
static int
fail_with (GError *error)
{
  fail (error->message);
  return g_error_matches (error, GROK_ERROR, GROK_ERROR_CANCELLED) ? 130 : 1;
}

/* apply --set assignments and validate */
static gboolean
apply_sets (GrokConfig *config, GPtrArray *sets, GError **error)
{
  for (guint i = 0; i < sets->len; i++)
    if (!grok_config_set (config, sets->pdata[i], error))
      return FALSE;
  return grok_config_validate (config, error);
}

/* the options resume and fork share with train */
typedef struct
{
  const char *dir;
  const char *out;
  gint64      step;
  gboolean    force;
  gboolean    quiet;
  GPtrArray  *sets;
} Options;

static int
parse_options (int argc, char **argv, Options *o)
{
  const char *cmd = argv[1];

  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      gboolean takes = strcmp (a, "--out") == 0 || strcmp (a, "--set") == 0 ||
                       strcmp (a, "--steps") == 0 || strcmp (a, "--step") == 0;
      g_autofree char *msg = NULL;

      if (takes && i + 1 >= argc)
        msg = g_strdup_printf ("%s needs a value", a);
      else if (strcmp (a, "--step") == 0)
        {
          if (!g_ascii_string_to_signed (argv[i + 1], 10, 0, G_MAXINT64, &o->step, NULL))
            msg = g_strdup_printf ("--step needs a step number, not '%s'", argv[i + 1]);
        }
      else if (strcmp (a, "--out") == 0)
        o->out = argv[i + 1];
      else if (strcmp (a, "--set") == 0)
        g_ptr_array_add (o->sets, g_strdup (argv[i + 1]));
      else if (strcmp (a, "--steps") == 0)
        g_ptr_array_add (o->sets, g_strconcat ("train.steps=", argv[i + 1], NULL));
      else if (strcmp (a, "--force") == 0 || strcmp (a, "--quiet") == 0)
        *(strcmp (a, "--force") == 0 ? &o->force : &o->quiet) = TRUE;
      else if (a[0] == '-')
        msg = g_strdup_printf ("%s: unknown option %s (see --help)", cmd, a);
      else if (o->dir == NULL)
        o->dir = a;
      else
        msg = g_strdup_printf ("%s: unexpected argument %s", cmd, a);
      if (msg != NULL)
        return fail (msg);
      i += takes;
    }
  return 0;
}

static int
cmd_train (int argc, char **argv)
{
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  Options o = { NULL, NULL, -1, FALSE, FALSE, sets };
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  if (parse_options (argc, argv, &o) != 0)
    return 1;
  if (o.dir == NULL || o.out == NULL || o.step >= 0)
    return fail ("train needs a config file or preset and --out RUN_DIR (see --help)");
  config = resolve_config (o.dir, &error);
  if (config == NULL || !apply_sets (config, sets, &error))
    return fail_with (error);
  run = grok_run_new (config, o.out, o.force, &error);
  if (run == NULL || !drive (run, o.out, o.quiet, &error))
    return fail_with (error);
  return 0;
}

static int
cmd_resume (int argc, char **argv)
{
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  Options o = { NULL, NULL, -1, FALSE, FALSE, sets };
  g_autoptr (GrokConfig) steps = grok_config_new_default ();
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  if (parse_options (argc, argv, &o) != 0)
    return 1;
  if (o.dir == NULL || o.out != NULL || o.step >= 0 || o.force)
    return fail ("usage: grokscope-cli resume RUN_DIR [--steps N] [--quiet]");
  /* only --steps may change; it arrives as train.steps=N */
  steps->train.steps = 0;
  for (guint i = 0; i < sets->len; i++)
    if (!g_str_has_prefix (sets->pdata[i], "train.steps=") ||
        !grok_config_set (steps, sets->pdata[i], &error))
      return error ? fail_with (error) : fail ("resume takes --steps but no --set");
  run = grok_run_new_continue (o.dir, steps->train.steps, &error);
  if (run == NULL || !drive (run, o.dir, o.quiet, &error))
    return fail_with (error);
  return 0;
}

static int
cmd_fork (int argc, char **argv)
{
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  Options o = { NULL, NULL, -1, FALSE, FALSE, sets };
  g_autoptr (GrokRunDir) parent = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  if (parse_options (argc, argv, &o) != 0)
    return 1;
  if (o.dir == NULL || o.out == NULL || o.step < 0)
    return fail ("usage: grokscope-cli fork RUN_DIR --step N --out NEW_DIR [--set KEY=VALUE]...");
  parent = grok_run_dir_open (o.dir, &error);
  config = parent != NULL ? grok_config_copy (grok_run_dir_get_config (parent)) : NULL;
  if (config == NULL || !apply_sets (config, sets, &error))
    return fail_with (error);
  /* the fork starts with the parent's rows it can read; each line it cannot is named */
  grok_run_dir_get_metrics (parent);
  for (const char * const *p = grok_run_dir_get_problems (parent); *p != NULL; p++)
    fprintf (stderr, "grokscope-cli: warning: %s (not copied to %s)\n", *p, o.out);
  run = grok_run_new_fork (o.dir, o.step, config, o.out, o.force, &error);
  if (run == NULL || !drive (run, o.out, o.quiet, &error))
    return fail_with (error);
  return 0;
}

/* the damaged files the folder met since the last call (*shown of its problems were printed),
 * each as a warning naming it; the number of warnings (a note, such as that of files without a
 * checksum, is printed as it is and not counted) */
static guint
warn_problems (GrokRunDir *dir, guint *shown)
{
  const char * const *problems = grok_run_dir_get_problems (dir);
  guint warnings = 0;

  for (; problems[*shown] != NULL; (*shown)++)
    {
      gboolean note = g_str_has_prefix (problems[*shown], "note: ");
      fprintf (stderr, "grokscope-cli: %s%s\n", note ? "" : "warning: ", problems[*shown]);
      warnings += !note;
    }
  return warnings;
}

/* a whole number from lo to hi given to option, or -1 after printing why not */
static gint64
parse_count (const char *command, const char *option, const char *text, gint64 lo, gint64 hi)
{
  gint64 value;

  if (g_ascii_string_to_signed (text, 10, lo, hi, &value, NULL))
    return value;
  fprintf (stderr, "grokscope-cli: %s: %s must be a whole number from %" G_GINT64_FORMAT " to %"
           G_GINT64_FORMAT ", not '%s'\n", command, option, lo, hi, text);
  return -1;
}

/* the model of the newest valid checkpoint at or before step (any when step < 0), saying so
 * when damaged ones were passed over */
static GrokParams *
load_checkpoint (GrokRunDir *dir, gint64 step, gint64 *found, guint *shown, GError **error)
{
  GrokParams *params = grok_run_dir_read_model_at (dir, step, found, error);

  if (warn_problems (dir, shown) > 0 && params != NULL)
    fprintf (stderr, "grokscope-cli: warning: using the checkpoint of step %" G_GINT64_FORMAT
             ", the newest valid one at or before the step asked for\n", *found);
  return params;
}

/* an error met in the weights of a checkpoint names the file and the step */
static void
prefix_checkpoint (GrokRunDir *dir, gint64 step, GError **error)
{
  g_autofree char *path = grok_run_dir_checkpoint_path (dir, step);

  g_prefix_error (error, "%s (step %" G_GINT64_FORMAT "): ", path, step);
}

/* the data of view at the checkpoint at or before step, with recipe, as the app draws it; the
 * damaged files met are warnings naming them, after which the data is computed */
static GrokViewData *
figure_data (GrokView view, GrokRunDir *dir, gint64 step, const GrokViewRecipe *recipe,
             GrokParams **params, gint64 *shown_step, GError **error)
{
  GrokViewInput input = { dir, grok_run_dir_get_config (dir), NULL, *shown_step };
  GrokViewData *data;
  guint shown = 0;

  if (grok_view_kind (view)->source != GROK_VIEW_FROM_METRICS)
    {
      *params = load_checkpoint (dir, step, shown_step, &shown, error);
      if (*params == NULL)
        return NULL;
      input.params = *params;
      input.step = *shown_step;
    }
  data = grok_view_data_new (view, &input, recipe, error);
  warn_problems (dir, &shown);
  /* a NaN or an infinity in the weights is named, not what it made fail inside LAPACK */
  if (data == NULL && input.params != NULL && grok_params_non_finite (input.params) != NULL)
    {
      g_clear_error (error);
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED, "tensor '%s' holds a value that is "
                   "not finite (NaN or infinite): no %s figure",
                   grok_params_non_finite (input.params), grok_view_name (view));
    }
  if (data == NULL && input.params != NULL)
    prefix_checkpoint (dir, input.step, error);
  return data;
}

typedef struct
{
  const char    *run_dir, *out, *view_name, *size;
  gint64         step;
  double         dpi, font_size;
  GrokViewRecipe recipe;
} FigureOptions;

static int
parse_figure_options (int argc, char **argv, FigureOptions *o)
{
  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
      g_autofree char *msg = NULL;

      if (a[0] == '-' && v == NULL)
        msg = g_strdup_printf ("figure: %s needs a value", a);
      else if (strcmp (a, "--out") == 0) o->out = v;
      else if (strcmp (a, "--view") == 0) o->view_name = v;
      else if (strcmp (a, "--size") == 0) o->size = v;
      else if (strcmp (a, "--step") == 0) o->step = g_ascii_strtoll (v, NULL, 10);
      else if (strcmp (a, "--dpi") == 0) o->dpi = g_ascii_strtod (v, NULL);
      else if (strcmp (a, "--font-size") == 0) o->font_size = g_ascii_strtod (v, NULL);
      else if (strcmp (a, "--lmn-points") == 0)
        o->recipe.lmn_points = (int) parse_count ("figure", a, v, 2, 4096);
      else if (strcmp (a, "--raster") == 0)
        o->recipe.raster = (int) parse_count ("figure", a, v, 16, 2048);
      else if (a[0] == '-')
        msg = g_strdup_printf ("figure: unknown option %s (see --help)", a);
      else if (o->run_dir == NULL)
        {
          o->run_dir = a;
          continue;
        }
      else
        msg = g_strdup ("figure: more than one RUN_DIR");
      if (msg != NULL)
        return fail (msg);
      if (o->recipe.lmn_points < 0 || o->recipe.raster < 0)
        return 1;
      i++;
    }
  return 0;
}

static int
cmd_figure (int argc, char **argv)
{
  FigureOptions o = { .size = "6x4in", .step = -1, .dpi = 300, .font_size = 8 };
  gint64 shown_step;
  double width_in, height_in;
  GrokView view;
  GrokFigureRequest request;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) metrics = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokViewData) data = NULL;
  g_autoptr (GrokRunDir) dir = NULL;
  g_autofree char *config_text = NULL;
  g_autofree char *step_text = NULL, *run_name = NULL;

  grok_view_recipe_init (&o.recipe);
  if (parse_figure_options (argc, argv, &o) != 0)
    return 1;
  if (o.run_dir == NULL || o.out == NULL || o.view_name == NULL)
    return fail ("figure needs RUN_DIR, --view and --out (see --help)");
  if (!(o.dpi >= 10 && o.dpi <= 2400))
    return fail ("figure: --dpi must be between 10 and 2400");
  if (!(o.font_size >= 2 && o.font_size <= 72))
    return fail ("figure: --font-size must be between 2 and 72 points");
  if (!grok_view_from_name (o.view_name, &view, &error) ||
      !grok_figure_parse_size (o.size, o.dpi, &width_in, &height_in, &error))
    return fail (error->message);

  dir = grok_run_dir_open (o.run_dir, &error);
  if (dir == NULL)
    return fail (error->message);
  config = grok_config_copy (grok_run_dir_get_config (dir));
  config_text = grok_config_to_string (config);
  metrics = grok_metrics_copy (grok_run_dir_get_metrics (dir));

  shown_step = metrics->n_rows ? (gint64) grok_metrics_get (metrics, metrics->n_rows - 1, 0) : 0;
  data = figure_data (view, dir, o.step, &o.recipe, &params, &shown_step, &error);
  if (data == NULL)
    return fail (error->message);
  grok_figure_request_init (&request, view);
  request.style.font_size = o.font_size;
  request.metrics = metrics;
  request.params = params;
  grok_figure_request_set_data (&request, data);
  step_text = g_strdup_printf ("%" G_GINT64_FORMAT, shown_step);
  run_name = g_path_get_basename (o.run_dir);
  {
    const char *pairs[] = { "Title", grok_view_name (view), "Run", run_name, "Step", step_text,
                            "Config", config_text, NULL };
    if (!grok_figure_export (o.out, &request, width_in, height_in, o.dpi, pairs, &error))
      return fail (error->message);
  }
  return 0;
}

static int
cmd_measure (int argc, char **argv)
{
  const char *run_dir = NULL;
  gint64 step = -1, shown_step = 0;
  gboolean chosen[GROK_N_MEASURES] = { FALSE }, any = FALSE;
  GrokMeasureOptions options;
  double epsilon = NAN;
  gint64 lmn_points = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokRunDir) dir = NULL;
  guint shown = 0;
  GString *out;

  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      if (a[0] == '-' && i + 1 >= argc)
        {
          g_autofree char *msg = g_strdup_printf ("measure: %s needs a value", a);
          return fail (msg);
        }
      if (strcmp (a, "--step") == 0)
        step = g_ascii_strtoll (argv[++i], NULL, 10);
      else if (strcmp (a, "--measure") == 0)
        {
          GrokMeasure m;
          if (!grok_measure_from_name (argv[++i], &m, &error))
            return fail (error->message);
          chosen[m] = any = TRUE;
        }
      else if (strcmp (a, "--epsilon") == 0)
        {
          epsilon = g_ascii_strtod (argv[++i], NULL);
          if (!(epsilon > 0) || !isfinite (epsilon))
            return fail ("measure: --epsilon must be a positive number of nats");
        }
      else if (strcmp (a, "--lmn-points") == 0)
        {
          lmn_points = g_ascii_strtoll (argv[++i], NULL, 10);
          if (lmn_points < 2 || lmn_points > 100000)
            return fail ("measure: --lmn-points must be a whole number from 2 to 100000");
        }
      else if (a[0] == '-')
        {
          g_autofree char *msg = g_strdup_printf ("measure: unknown option %s (see --help)", a);
          return fail (msg);
        }
      else if (run_dir == NULL)
        run_dir = a;
      else
        return fail ("measure: more than one RUN_DIR");
    }
  if (run_dir == NULL)
    return fail ("measure needs RUN_DIR (see --help)");
  dir = grok_run_dir_open (run_dir, &error);
  if (dir == NULL)
    return fail (error->message);
  config = grok_config_copy (grok_run_dir_get_config (dir));
  /* as the run measured itself (its measures.* keys and seed), unless told otherwise */
  grok_measure_options_from_config (&options, config);
  if (!isnan (epsilon))
    options.epsilon = epsilon;
  if (lmn_points > 0)
    options.lmn_points = (int) lmn_points;
  params = load_checkpoint (dir, step, &shown_step, &shown, &error);
  if (params == NULL)
    return fail (error->message);

  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"run\": ");
  grok_json_append_string (out, run_dir);
  g_string_append_printf (out, ", \"step\": %" G_GINT64_FORMAT ", \"measures\": [", shown_step);
  for (guint m = 0, n = 0; m < GROK_N_MEASURES; m++)
    {
      g_autoptr (GrokMeasureResult) r = NULL;
      if (any ? !chosen[m] : !grok_measure_applies (m, config))
        continue;
      r = grok_measure_evaluate (m, config, params, &options, NULL, &error);
      if (r == NULL)
        {
          g_string_free (out, TRUE);
          prefix_checkpoint (dir, shown_step, &error);
          return fail (error->message);
        }
      g_string_append_printf (out, "%s\n  %s", n++ ? "," : "", r->json);
    }
  g_string_append (out, "\n]}\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
  return 0;
}

int
main (int argc, char **argv)
{
  /* a file-size limit reached while writing must be an error naming the file (write fails
   * with EFBIG), not a silent death of the process */
  signal (SIGXFSZ, SIG_IGN);
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("grokscope-cli %s\n", GROK_VERSION);
      return 0;
    }
  if (strcmp (argv[1], "presets") == 0)
    return cmd_presets ();
  if (strcmp (argv[1], "measure") == 0)
    return cmd_measure (argc, argv);
  if (strcmp (argv[1], "figure") == 0)
    return cmd_figure (argc, argv);
  if (strcmp (argv[1], "keys") == 0)
    return cmd_keys (argc > 2 && strcmp (argv[2], "--markdown") == 0);
  if (strcmp (argv[1], "train") == 0)
    return cmd_train (argc, argv);
  if (strcmp (argv[1], "resume") == 0)
    return cmd_resume (argc, argv);
  if (strcmp (argv[1], "fork") == 0)
    return cmd_fork (argc, argv);
  fprintf (stderr, "grokscope-cli: unknown command '%s' (see --help)\n", argv[1]);
  return 2;
}
