/* grokscope-cli: train, continue and fork runs, measure and draw them, without a display. Each
 * command is one row of the command table at the end; its options are read by grok-cli-options. */
#include <glib.h>
#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-cli-options.h"
#include "grok-cli-sweep.h"
#include "grok-error.h"
#include "grok-figure-view.h"
#include "grok-json.h"
#include "grok-measures.h"
#include "grok-presets.h"
#include "grok-run-dir.h"
#include "grok-run-views.h"
#include "grok-safetensors.h"
#include "grok-session.h"
#include "grok-run.h"
#include "grok-config-settings.h"
#include "grok-trainer.h"

static int
fail (const char *message)
{
  fprintf (stderr, "grokscope-cli: %s\n", message);
  return 1;
}

static int
cmd_presets (const GrokCliArgs *a)
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
      {
        g_autofree char *min = grok_config_format_number (key->min);
        g_autofree char *max = grok_config_format_number (key->max);
        return g_strdup_printf ("number, %s %s x %s %s", min, key->min_open ? "<" : "<=",
                                key->max_open ? "<" : "<=", max);
      }
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
cmd_keys (const GrokCliArgs *a)
{
  g_autoptr (GrokConfig) defaults = grok_config_new_default ();
  const GrokConfigKey *keys;
  guint n;

  keys = grok_config_keys (&n);
  if (a->markdown)
    printf ("| key | label | type and range | default | unit | meaning |\n"
            "| --- | --- | --- | --- | --- | --- |\n");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *type = describe_type (&keys[i]);
      g_autofree char *def = grok_config_get_text (defaults, &keys[i]);
      if (a->markdown)
        printf ("| `%s` | %s | %s | %s%s%s | %s | %s |\n", keys[i].key, keys[i].label, type,
                def[0] ? "`" : "", def[0] ? def : "(empty)", def[0] ? "`" : "", keys[i].unit,
                keys[i].doc);
      else
        printf ("%s  (%s)\n    %s; default %s%s%s\n    %s\n", keys[i].key, keys[i].label, type,
                def, keys[i].unit[0] ? " " : "", keys[i].unit, keys[i].doc);
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
  eta = grok_progress_format_eta (progress.eta_seconds);
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

static void
print_summary (Drive *d, GrokSnapshot *snap)
{
  const GrokMetrics *m = snap->metrics;
  double elapsed = (g_get_monotonic_time () - d->started) / 1e6;
  gint64 steps = snap->train_step - d->start_step;
  gint64 memorised, generalised;

  grok_milestones_find (m, &memorised, &generalised);

  if (d->quiet || m->n_rows == 0)
    return;
  fprintf (stderr, "done: %" G_GINT64_FORMAT " steps in %.1f s (%.1f steps/s); train_acc %.4f "
           "(>= 0.99 from step %" G_GINT64_FORMAT "), test_acc %.4f (>= 0.99 from step %"
           G_GINT64_FORMAT ")\n", steps, elapsed, elapsed > 0 ? steps / elapsed : 0.0,
           grok_metrics_get (m, m->n_rows - 1, GROK_COL_TRAIN_ACC),
           memorised,
           grok_metrics_get (m, m->n_rows - 1, GROK_COL_TEST_ACC),
           generalised);
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

static int
cmd_train (const GrokCliArgs *a)
{
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  config = resolve_config (a->args[0], &error);
  if (config == NULL || !apply_sets (config, a->sets, &error))
    return fail_with (error);
  run = grok_run_new (config, a->out, a->force, &error);
  if (run == NULL || !drive (run, a->out, a->quiet, &error))
    return fail_with (error);
  return 0;
}

static int
cmd_resume (const GrokCliArgs *a)
{
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  /* steps is 0 without --steps: the run's own train.steps */
  run = grok_run_new_continue (a->args[0], a->steps, &error);
  if (run == NULL || !drive (run, a->args[0], a->quiet, &error))
    return fail_with (error);
  return 0;
}

static int
cmd_fork (const GrokCliArgs *a)
{
  g_autoptr (GrokRunDir) parent = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GError) error = NULL;

  parent = grok_run_dir_open (a->args[0], &error);
  config = parent != NULL ? grok_config_copy (grok_run_dir_get_config (parent)) : NULL;
  if (config == NULL || !apply_sets (config, a->sets, &error))
    return fail_with (error);
  /* the fork starts with the parent's rows it can read; each line it cannot is named */
  grok_run_dir_get_metrics (parent);
  for (const char * const *p = grok_run_dir_get_problems (parent); *p != NULL; p++)
    fprintf (stderr, "grokscope-cli: warning: %s (not copied to %s)\n", *p, a->out);
  run = grok_run_new_fork (a->args[0], a->step, config, a->out, a->force, &error);
  if (run == NULL || !drive (run, a->out, a->quiet, &error))
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
  g_auto (GrokViewInput) input = { 0 };
  GrokViewData *data;
  guint shown = 0;

  grok_config_view_input_init (&input, grok_run_dir_get_config (dir), NULL, *shown_step);
  if (grok_view_kind (view)->source != GROK_VIEW_FROM_METRICS)
    {
      *params = load_checkpoint (dir, step, shown_step, &shown, error);
      if (*params == NULL)
        return NULL;
      input.params = *params;
      input.step = *shown_step;
      grok_run_dir_fill_view_input (dir, view, recipe, &input);
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

/* --units 3,17: the hidden units the neurons view shows */
static gboolean
parse_units (const char *text, GrokViewRecipe *recipe, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);

  if (n == 0 || n > GROK_VIEW_MAX_UNITS)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "--units '%s': give 1 to %d unit "
                   "numbers separated by commas", text, GROK_VIEW_MAX_UNITS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      guint64 u;
      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 0, G_MAXINT, &u, NULL))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "--units '%s': '%s' is not a "
                       "unit number (0 or more)", text, parts[i]);
          return FALSE;
        }
      recipe->chosen[i] = (int) u;
    }
  recipe->n_chosen = (int) n;
  return TRUE;
}

static int
cmd_figure (const GrokCliArgs *a)
{
  const char *run_dir = a->args[0];
  const char *size = a->size ? a->size : "6x4in";
  double dpi = a->given[GROK_CLI_OPT_DPI] ? a->dpi : 300;
  gint64 shown_step;
  double width_in, height_in;
  GrokView view;
  GrokViewRecipe recipe;
  GrokFigureRequest request;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) metrics = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokViewData) data = NULL;
  g_autoptr (GrokRunDir) dir = NULL;
  g_autofree char *config_text = NULL;
  g_autofree char *step_text = NULL, *run_name = NULL;
  g_auto (GStrv) panels = a->panels != NULL ? g_strsplit (a->panels, ",", -1) : NULL;
  g_auto (GStrv) x_columns = a->x != NULL ? g_strsplit (a->x, ",", -1) : NULL;
  gboolean scatter = g_strcmp0 (a->view, "scatter") == 0;

  if (grok_cli_sweep_is_folder (run_dir))
    return grok_cli_sweep_figure (a);
  grok_view_recipe_init (&recipe);
  if (a->given[GROK_CLI_OPT_LMN_POINTS])
    recipe.lmn_points = (int) a->lmn_points;
  if (a->given[GROK_CLI_OPT_RASTER])
    recipe.raster = (int) a->raster;
  /* the scatter draws the metrics, as the curves do, one column against another */
  if (g_strcmp0 (a->view, "scatter") == 0)
    view = GROK_VIEW_CURVES;
  else if (!grok_view_from_name (a->view, &view, &error))
    return fail (error->message);
  if ((a->x != NULL || a->y != NULL) && !scatter)
    return fail ("--x and --y are for --view scatter");
  if (a->units != NULL && (scatter || view != GROK_VIEW_NEURONS))
    return fail ("--units is for --view neurons");
  if (a->units != NULL && !parse_units (a->units, &recipe, &error))
    return fail (error->message);
  if (!grok_figure_parse_size (size, dpi, &width_in, &height_in, &error))
    return fail (error->message);

  dir = grok_run_dir_open (run_dir, &error);
  if (dir == NULL)
    return fail (error->message);
  config = grok_config_copy (grok_run_dir_get_config (dir));
  config_text = grok_config_to_string (config);
  metrics = grok_metrics_copy (grok_run_dir_get_metrics (dir));

  shown_step = metrics->n_rows ? (gint64) grok_metrics_get (metrics, metrics->n_rows - 1, 0) : 0;
  data = figure_data (view, dir, a->step, &recipe, &params, &shown_step, &error);
  if (data == NULL)
    return fail (error->message);
  grok_figure_request_init (&request, view);
  request.style.font_size = 8;
  /* a venue's size brings its text size and, for the curves, its panel limit */
  if (grok_figure_size_lookup (size) != NULL)
    grok_figure_request_set_size (&request, grok_figure_size_lookup (size));
  if (a->given[GROK_CLI_OPT_FONT_SIZE])
    request.style.font_size = a->font_size;
  /* the curves draw the whole run; a step asked for is marked on it, as the app marks a
   * browsed checkpoint */
  request.curves.smoothing = a->smooth;
  request.svg_text = a->svg_text;
  request.shared_scale = a->shared_scale;
  request.curves.show_cursor = view == GROK_VIEW_CURVES && a->given[GROK_CLI_OPT_STEP];
  request.curves.cursor_step = (double) a->step;
  if (panels != NULL)
    {
      if (!grok_curves_check_panels (metrics, (const char * const *) panels, &error))
        return fail (error->message);
      request.curves.panels = (const char * const *) panels;
    }
  if (scatter)
    {
      request.scatter.x_columns = (const char * const *) x_columns;
      request.scatter.y_column = a->y;
      if (!grok_scatter_check (metrics, &request.scatter, &error))
        return fail (error->message);
    }
  request.metrics = metrics;
  request.params = params;
  grok_figure_request_set_data (&request, data);
  step_text = g_strdup_printf ("%" G_GINT64_FORMAT, shown_step);
  run_name = g_path_get_basename (run_dir);
  {
    const char *pairs[] = { "Title", grok_view_name (view), "Run", run_name, "Step", step_text,
                            "Config", config_text, NULL };
    if (!grok_figure_export (a->out, &request, width_in, height_in, dpi, pairs, &error))
      return fail (error->message);
  }
  return 0;
}

static int
cmd_measure (const GrokCliArgs *a)
{
  const char *run_dir = a->args[0];
  gint64 shown_step = 0;
  GrokMeasureSettings settings;
  GrokMeasureOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokRunDir) dir = NULL;
  guint shown = 0;
  GString *out;

  dir = grok_run_dir_open (run_dir, &error);
  if (dir == NULL)
    return fail (error->message);
  config = grok_config_copy (grok_run_dir_get_config (dir));
  /* as the run measured itself (its measures.* keys and seed), unless told otherwise */
  grok_config_measure_options (config, &options);
  settings = grok_config_measure_settings (config);
  if (a->given[GROK_CLI_OPT_EPSILON])
    options.epsilon = a->epsilon;
  if (a->given[GROK_CLI_OPT_LMN_POINTS])
    options.lmn_points = (int) a->lmn_points;
  params = load_checkpoint (dir, a->step, &shown_step, &shown, &error);
  if (params == NULL)
    return fail (error->message);

  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"run\": ");
  grok_json_append_string (out, run_dir);
  g_string_append_printf (out, ", \"step\": %" G_GINT64_FORMAT ", \"measures\": [", shown_step);
  for (guint m = 0, n = 0; m < GROK_N_MEASURES; m++)
    {
      g_autoptr (GrokMeasureResult) r = NULL;
      if (a->any_measure ? !a->measures[m] : !grok_measure_applies (m, &settings))
        continue;
      r = grok_measure_evaluate (m, &settings, params, &options, NULL, &error);
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

static char *
measure_more (void)
{
  g_autofree char *names = grok_measure_names (", ");

  return g_strdup_printf ("Measures: %s.", names);
}

static char *
figure_more (void)
{
  g_autofree char *views = grok_view_names (", ");
  GString *venues = g_string_new (NULL);
  GrokViewRecipe recipe;

  for (guint i = 0; i < GROK_N_SIZES; i++)
    {
      const GrokFigureSize *v = grok_figure_size (i);
      g_string_append_printf (venues, "%s%s (%g in wide, %g pt text", i > 0 ? ", " : "",
                              v->name, v->width_in, v->font_size);
      if (v->max_panels > 0)
        g_string_append_printf (venues, ", at most %u curve panels", v->max_panels);
      g_string_append_c (venues, ')');
    }
  g_autofree char *venue_text = NULL;

  grok_view_recipe_init (&recipe);
  venue_text = g_string_free (venues, FALSE);
  return g_strdup_printf ("Views: %s, and scatter: a metrics column against another over the "
                          "run's rows, coloured by step, with Pearson's r (--x COLUMN --y COLUMN; "
                          "--x lmn,l2_norm sets panels side by side); of a sweep folder: phase (a "
                          "phase diagram over two axes) and compare (its cells' curves, the seeds "
                          "as mean and range). The app's screen draws connectivity on %d points and the "
                          "regions of smooth activations on a %d x %d raster; --lmn-points and "
                          "--raster ask for another resolution, which the figure's title states."
                          "\n\nSizes by venue: %s. Their height is the width over the golden "
                          "ratio (a slide's is 16:9) unless given as NAME:HEIGHT, e.g. "
                          "icml-column:2.5in; --font-size overrides the text size.",
                          views, recipe.lmn_points, recipe.raster, recipe.raster, venue_text);
}

#define USE(o, text, ...) { GROK_CLI_OPT_##o, text, __VA_ARGS__ }
#define REQUIRED .required = TRUE

static const GrokCliCommand commands[] = {
  { "train", "CONFIG.json|PRESET --out RUN_DIR", 1,
    "Train a model from a config file or a built-in preset.",
    "Writes RUN_DIR/config.json (every setting, resolved), RUN_DIR/metrics.csv (one row per "
    "evaluation) and RUN_DIR/checkpoints/. Progress goes to stderr. Exits 0 when done, 1 on "
    "an error, 130 when interrupted (a checkpoint is written at the step reached: continue "
    "with resume).",
    NULL,
    { USE (OUT, "The run folder to write", REQUIRED),
      USE (SET, "Change one setting (see the keys command)"),
      USE (STEPS, "The same as --set train.steps=N"),
      USE (FORCE, "Replace the run in RUN_DIR (a run folder only)"),
      USE (QUIET, "No progress on stderr") },
    cmd_train },
  { "resume", "RUN_DIR", 1,
    "Continue a stopped or crashed run from its newest checkpoint.",
    "Trains to the run's train.steps, or to --steps N in total (then written to config.json). "
    "One process writes a run folder at a time.",
    NULL,
    { USE (STEPS, "Train to this many steps in total", "the run's train.steps"),
      USE (QUIET, "No progress on stderr") },
    cmd_resume },
  { "fork", "RUN_DIR --step N --out NEW_DIR", 1,
    "Start a new run from a checkpoint of another, with changed settings.",
    "NEW_DIR's config.json records run.parent and run.parent_step, and its metrics.csv starts "
    "with the parent's rows up to N. With no --set it continues exactly as the parent did.",
    NULL,
    { USE (STEP, "The parent's checkpoint to start from", REQUIRED),
      USE (OUT, "The new run folder", REQUIRED),
      USE (SET, "Change one setting, e.g. optim.weight_decay=1"),
      USE (STEPS, "The same as --set train.steps=N"),
      USE (FORCE, "Replace the run in NEW_DIR (a run folder only)"),
      USE (QUIET, "No progress on stderr") },
    cmd_fork },
  { "measure", "RUN_DIR", 1,
    "Recompute measures on a stored checkpoint and print them as JSON.",
    "One object per measure, with its value, the metrics columns it fills and the parameters "
    "it used; without --measure, every one that applies to the run. It measures as the run "
    "did (its measures.* settings and seed), so on a step the run measured it prints the "
    "run's own metrics.csv values; --epsilon and --lmn-points change those settings.",
    measure_more,
    { USE (STEP, "The newest valid checkpoint at or before step N", "the newest"),
      USE (MEASURE, "Only this measure (repeat for more)"),
      USE (EPSILON, "Complexity: the loss coarse-graining may cost",
           "the run's"),
      USE (LMN_POINTS, "LMN: the training inputs used", "the run's") },
    cmd_measure },
  { "figure", "RUN_DIR --view VIEW --out FILE.{png,svg,pdf,csv}", 1,
    "Draw one view of a run as the app shows it, without a display.",
    "The format follows the file name; FILE.csv writes the data behind the figure.",
    figure_more,
    { USE (VIEW, "The view to draw", REQUIRED),
      USE (OUT, "The file to write", REQUIRED),
      USE (STEP, "The last checkpoint at or before step N", "the last"),
      USE (SIZE, "The figure's size, or a venue's name (see below)", "6x4in"),
      USE (DPI, "Dots per inch", "300"),
      USE (FONT_SIZE, "Text size in points", "8, or the venue's"),
      USE (LMN_POINTS, "Connectivity: at most N training inputs", "the screen's"),
      USE (RASTER, "Smooth activations' regions: the raster's side", "the screen's"),
      USE (SMOOTH, "Curves: the weight of the past in a moving average over each curve", "0"),
      USE (PANELS, "Curves: the panels, in order: loss, accuracy, a measure's name or a "
           "metrics column", "as on screen; four at most for icml-column"),
      USE (X, "Scatter: the metrics column across (several: panels side by side); a sweep's "
           "phase view: the axis across", "a phase view's first axis"),
      USE (Y, "Scatter: the metrics column up; a sweep's phase view: the axis up",
           "a phase view's second axis"),
      USE (OUTCOME, "A sweep's views: the summary column (phase) or metrics.csv column "
           "(compare) drawn", "generalised_step, test_acc"),
      USE (SVG_TEXT, "SVG: the text as text an editor can change, not glyph outlines"),
      USE (SHARED_SCALE, "Heatmap: one colour scale for every matrix, not one each"),
      USE (UNITS, "Neurons: the hidden units shown, e.g. 3,17", "the 4 varying most") },
    cmd_figure },
  { "presets", "", 0,
    "List the built-in presets, one line each.",
    "",
    NULL, { { 0 } }, cmd_presets },
  { "keys", "", 0,
    "List every config key: type, allowed values, default and meaning.",
    "The same reference is in README.md (section Config reference).",
    NULL,
    { USE (MARKDOWN, "As the README's Markdown table") },
    cmd_keys },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage:\n  grokscope-cli COMMAND [OPTION...] ARGUMENTS\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "  %-9s %s\n", "sweep", GROK_CLI_SWEEP_SUMMARY);
  fprintf (out, "\n"
           "grokscope-cli COMMAND --help shows a command's options.\n"
           "grokscope-cli --version prints the version.\n"
           "Exit status: 0 on success, 1 on bad usage or an error, 130 when interrupted.\n");
}

static const GrokCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* grokscope-cli help [COMMAND] */
static int
cmd_help (int argc, char **argv)
{
  const GrokCliCommand *command = argc > 2 ? find_command (argv[2]) : NULL;

  if (argc == 3 && strcmp (argv[2], "sweep") == 0)
    return grok_cli_sweep_main (2, (char *[]) { "sweep", "--help", NULL });
  if (argc > 3 || (argc == 3 && command == NULL))
    {
      fprintf (stderr, "grokscope-cli: help: no command '%s' (see grokscope-cli --help)\n",
               argv[2]);
      return 1;
    }
  if (command == NULL)
    usage (stdout);
  else
    {
      g_autofree char *prgname = g_strconcat ("grokscope-cli ", command->name, NULL);
      g_autofree char *help = NULL;
      g_set_prgname (prgname);
      help = grok_cli_help (command);
      fputs (help, stdout);
    }
  return 0;
}

int
main (int argc, char **argv)
{
  const GrokCliCommand *command;
  g_auto (GrokCliArgs) args = { 0 };
  g_autofree char *prgname = NULL;

  /* a file-size limit reached while writing must be an error naming the file (write fails
   * with EFBIG), not a silent death of the process */
  signal (SIGXFSZ, SIG_IGN);
  grok_cli_args_init (&args);
  if (argc < 2)
    {
      usage (stderr);
      return 1;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    return cmd_help (argc, argv);
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("grokscope-cli %s\n", GROK_VERSION);
      return 0;
    }
  if (strcmp (argv[1], "sweep") == 0)
    return grok_cli_sweep_main (argc - 1, argv + 1);
  command = find_command (argv[1]);
  if (command == NULL)
    {
      fprintf (stderr, "grokscope-cli: unknown command '%s' (see grokscope-cli --help)\n",
               argv[1]);
      return 1;
    }
  prgname = g_strconcat ("grokscope-cli ", command->name, NULL);
  g_set_prgname (prgname);
  switch (grok_cli_parse (command, argc - 1, argv + 1, &args))
    {
    case GROK_CLI_PARSED:
      return command->run (&args);
    case GROK_CLI_HELP:
      return 0;
    case GROK_CLI_BAD_USAGE:
    default:
      return 1;
    }
}
