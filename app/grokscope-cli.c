/* grokscope-cli: train, list presets, and (later) measure and draw, without a display. */
#include <glib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-error.h"
#include "grok-figure-view.h"
#include "grok-presets.h"
#include "grok-run-dir.h"
#include "grok-safetensors.h"
#include "grok-trainer.h"

static volatile sig_atomic_t interrupted = 0;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  grokscope-cli train CONFIG.json|PRESET --out RUN_DIR [--set KEY=VALUE]... [--steps N] [--force]\n"
           "  grokscope-cli presets\n"
           "  grokscope-cli keys [--markdown]\n"
           "  grokscope-cli figure RUN_DIR --view VIEW [--step N] [--size WxH{in,cm,px}] [--dpi N]\n"
           "                [--font-size PT] --out FILE.{png,svg,pdf,csv}\n"
           "  grokscope-cli --help | --version\n"
           "\n"
           "train     trains a model and writes RUN_DIR/config.json (every setting, resolved)\n"
           "          and RUN_DIR/metrics.csv (one row per evaluation).\n"
           "          --set KEY=VALUE  change one setting, e.g. --set optim.weight_decay=0.5\n"
           "          --steps N        the same as --set train.steps=N\n"
           "          --force          replace the run in a RUN_DIR that is not empty\n"
           "          --quiet          no progress on stderr\n"
           "presets   lists the built-in presets with one line each.\n"
           "keys      lists every config key: type, allowed values, default and meaning.\n"
           "figure    draws one view of a run as the app does, without a display:\n"
           "          --view curves|heatmap|regions|connectivity, --step N (the last checkpoint at or before N;\n"
           "          default the last), --size (default 6x4in), --dpi (default 300),\n"
           "          --font-size (default 8). FILE.csv writes the data behind the figure.\n"
           "\n"
           "The config keys are documented in README.md (section Config reference).\n");
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

  for (int i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokConfig) config = grok_preset_load (names[i], &error);
      if (config == NULL)
        return fail (error->message);
      printf ("%-12s %s\n", names[i], config->description);
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
    default:
      return g_strdup ("string");
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
  gboolean tty;
  gboolean quiet;
  gint64   started;       /* monotonic microseconds */
  gint64   last_shown;
  gint64   total;
} Progress;

static void
show_progress (Progress *p, GrokTrainer *trainer, const double *row, gboolean final)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - p->started) / 1e6;
  double rate = elapsed > 0 ? trainer->step / elapsed : 0;
  g_autofree char *eta = format_duration (rate > 0 ? (p->total - trainer->step) / rate : NAN);
  gint64 interval = p->tty ? G_USEC_PER_SEC / 10 : 5 * G_USEC_PER_SEC;
  char bar[21];
  int filled;

  if (p->quiet || (!final && now - p->last_shown < interval))
    return;
  p->last_shown = now;
  if (p->tty)
    {
      filled = (int) (20.0 * trainer->step / MAX (p->total, 1));
      for (int i = 0; i < 20; i++)
        bar[i] = i < filled ? '#' : '-';
      bar[20] = '\0';
      fprintf (stderr, "\r[%s] step %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
               "  loss %.4g  train %.1f%%  test %.1f%%  %.0f steps/s  ETA %s\033[K",
               bar, trainer->step, p->total, row[GROK_COL_TRAIN_LOSS],
               100 * row[GROK_COL_TRAIN_ACC], 100 * row[GROK_COL_TEST_ACC], rate, eta);
      if (final)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "step %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             "  loss %.4g  train_acc %.4f  test_acc %.4f  %.1f steps/s  ETA %s\n",
             trainer->step, p->total, row[GROK_COL_TRAIN_LOSS], row[GROK_COL_TRAIN_ACC],
             row[GROK_COL_TEST_ACC], rate, eta);
  fflush (stderr);
}

static void
on_sigint (int signum)
{
  interrupted = 1;
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

static gboolean
evaluate_and_record (GrokTrainer *trainer, GrokMetrics *metrics, GrokRunDir *run, double *row,
                     GError **error)
{
  grok_trainer_evaluate (trainer, row);
  grok_metrics_append_row (metrics, row);
  if (!grok_run_dir_append_row (run, metrics, metrics->n_rows - 1, error))
    return FALSE;
  if (!isfinite (row[GROK_COL_TRAIN_LOSS]) || !isfinite (row[GROK_COL_L2_NORM]))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "training diverged at step %" G_GINT64_FORMAT ": the training loss is %g "
                   "and the parameter norm %g", trainer->step, row[GROK_COL_TRAIN_LOSS],
                   row[GROK_COL_L2_NORM]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
train (GrokConfig *config, const char *out, gboolean force, gboolean quiet, GError **error)
{
  g_autoptr (GrokTrainer) trainer = NULL;
  g_autoptr (GrokMetrics) metrics = grok_trainer_new_metrics ();
  g_autoptr (GrokRunDir) run = NULL;
  double row[GROK_N_BASE_COLUMNS];
  Progress progress = { 0 };
  gboolean ok = TRUE;
  double elapsed;
  gint64 memorised, generalised;

  trainer = grok_trainer_new (config, error);
  if (trainer == NULL)
    return FALSE;
  run = grok_run_dir_create (out, config, metrics, force, error);
  if (run == NULL)
    return FALSE;

  progress.tty = isatty (STDERR_FILENO);
  progress.quiet = quiet;
  progress.started = g_get_monotonic_time ();
  progress.total = config->train.steps;
  signal (SIGINT, on_sigint);
  signal (SIGTERM, on_sigint);

  ok = evaluate_and_record (trainer, metrics, run, row, error);
  while (ok && trainer->step < config->train.steps)
    {
      if (interrupted)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CANCELLED,
                       "interrupted at step %" G_GINT64_FORMAT "; %s holds the metrics up to it",
                       trainer->step, out);
          ok = FALSE;
          break;
        }
      ok = grok_trainer_step (trainer, error);
      if (ok && grok_trainer_eval_due (trainer))
        {
          ok = evaluate_and_record (trainer, metrics, run, row, error);
          show_progress (&progress, trainer, row, FALSE);
        }
    }
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  if (!grok_run_dir_sync (run, ok ? error : NULL))
    ok = FALSE;
  if (!ok)
    {
      if (!quiet && progress.tty)
        fputc ('\n', stderr);
      return FALSE;
    }
  show_progress (&progress, trainer, row, TRUE);

  elapsed = (g_get_monotonic_time () - progress.started) / 1e6;
  memorised = first_step_at (metrics, GROK_COL_TRAIN_ACC, 0.99);
  generalised = first_step_at (metrics, GROK_COL_TEST_ACC, 0.99);
  if (!quiet)
    fprintf (stderr, "done: %" G_GINT64_FORMAT " steps in %.1f s (%.1f steps/s); train_acc %.4f "
             "(>= 0.99 from step %" G_GINT64_FORMAT "), test_acc %.4f (>= 0.99 from step %"
             G_GINT64_FORMAT ")\n", trainer->step, elapsed, trainer->step / elapsed,
             row[GROK_COL_TRAIN_ACC], memorised, row[GROK_COL_TEST_ACC], generalised);
  return TRUE;
}

static int
cmd_train (int argc, char **argv)
{
  const char *source = NULL, *out = NULL;
  gboolean force = FALSE, quiet = FALSE;
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      if ((strcmp (a, "--out") == 0 || strcmp (a, "--set") == 0 || strcmp (a, "--steps") == 0)
          && i + 1 >= argc)
        {
          g_autofree char *msg = g_strdup_printf ("%s needs a value", a);
          return fail (msg);
        }
      if (strcmp (a, "--out") == 0)
        out = argv[++i];
      else if (strcmp (a, "--set") == 0)
        g_ptr_array_add (sets, g_strdup (argv[++i]));
      else if (strcmp (a, "--steps") == 0)
        g_ptr_array_add (sets, g_strconcat ("train.steps=", argv[++i], NULL));
      else if (strcmp (a, "--force") == 0)
        force = TRUE;
      else if (strcmp (a, "--quiet") == 0)
        quiet = TRUE;
      else if (a[0] == '-')
        {
          g_autofree char *msg = g_strdup_printf ("train: unknown option %s (see --help)", a);
          return fail (msg);
        }
      else if (source == NULL)
        source = a;
      else
        {
          g_autofree char *msg = g_strdup_printf ("train: unexpected argument %s", a);
          return fail (msg);
        }
    }
  if (source == NULL || out == NULL)
    return fail ("train needs a config file or preset and --out RUN_DIR (see --help)");

  config = resolve_config (source, &error);
  for (guint i = 0; config != NULL && i < sets->len; i++)
    if (!grok_config_set (config, sets->pdata[i], &error))
      g_clear_pointer (&config, grok_config_free);
  if (config != NULL && !grok_config_validate (config, &error))
    g_clear_pointer (&config, grok_config_free);
  if (config == NULL || !train (config, out, force, quiet, &error))
    {
      int code = g_error_matches (error, GROK_ERROR, GROK_ERROR_CANCELLED) ? 130 : 1;
      fail (error->message);
      return code;
    }
  return 0;
}

/* the checkpoint with the largest step <= step (any step when step < 0) */
static GrokParams *
load_checkpoint (const char *run_dir, gint64 step, gint64 *found, GError **error)
{
  g_autoptr (GArray) steps = grok_checkpoints_list (run_dir, error);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 best = -1;

  if (steps == NULL)
    return NULL;
  for (guint i = 0; i < steps->len; i++)
    {
      gint64 s = g_array_index (steps, gint64, i);
      if ((step < 0 || s <= step) && s > best)
        best = s;
    }
  if (best < 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                   "%s has no checkpoint at or before step %" G_GINT64_FORMAT " (it has %u)",
                   run_dir, step, steps->len);
      return NULL;
    }
  name = grok_checkpoint_filename (best);
  path = g_build_filename (run_dir, "checkpoints", name, NULL);
  *found = best;
  return grok_safetensors_read (path, NULL, error);
}

static int
cmd_figure (int argc, char **argv)
{
  const char *run_dir = NULL, *out = NULL, *view_name = NULL, *size = "6x4in";
  gint64 step = -1, shown_step;
  double dpi = 300, font_size = 8, width_in, height_in;
  GrokView view;
  GrokFigureRequest request;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) metrics = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokConfig) config = NULL;
  g_autoptr (GrokRegionsData) regions = NULL;
  g_autoptr (GrokConnectivityData) connectivity = NULL;
  g_autofree char *config_path = NULL, *config_text = NULL, *metrics_path = NULL;
  g_autofree char *step_text = NULL, *run_name = NULL;

  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      gboolean has_value = i + 1 < argc;
      if (a[0] == '-' && !has_value)
        {
          g_autofree char *msg = g_strdup_printf ("figure: %s needs a value", a);
          return fail (msg);
        }
      if (strcmp (a, "--out") == 0) out = argv[++i];
      else if (strcmp (a, "--view") == 0) view_name = argv[++i];
      else if (strcmp (a, "--size") == 0) size = argv[++i];
      else if (strcmp (a, "--step") == 0) step = g_ascii_strtoll (argv[++i], NULL, 10);
      else if (strcmp (a, "--dpi") == 0) dpi = g_ascii_strtod (argv[++i], NULL);
      else if (strcmp (a, "--font-size") == 0) font_size = g_ascii_strtod (argv[++i], NULL);
      else if (a[0] == '-')
        {
          g_autofree char *msg = g_strdup_printf ("figure: unknown option %s (see --help)", a);
          return fail (msg);
        }
      else if (run_dir == NULL) run_dir = a;
      else return fail ("figure: more than one RUN_DIR");
    }
  if (run_dir == NULL || out == NULL || view_name == NULL)
    return fail ("figure needs RUN_DIR, --view and --out (see --help)");
  if (!(dpi >= 10 && dpi <= 2400))
    return fail ("figure: --dpi must be between 10 and 2400");
  if (!(font_size >= 2 && font_size <= 72))
    return fail ("figure: --font-size must be between 2 and 72 points");
  if (!grok_view_from_name (view_name, &view, &error) ||
      !grok_figure_parse_size (size, dpi, &width_in, &height_in, &error))
    return fail (error->message);

  config_path = g_build_filename (run_dir, "config.json", NULL);
  if (!g_file_get_contents (config_path, &config_text, NULL, NULL))
    {
      g_autofree char *msg = g_strdup_printf ("%s is not a run folder: it has no readable config.json", run_dir);
      return fail (msg);
    }
  config = grok_config_load_file (config_path, &error);
  if (config == NULL)
    return fail (error->message);
  metrics_path = g_build_filename (run_dir, "metrics.csv", NULL);
  metrics = grok_metrics_load_csv (metrics_path, &error);
  if (metrics == NULL)
    return fail (error->message);

  grok_figure_request_init (&request, view);
  request.style.font_size = font_size;
  request.metrics = metrics;
  shown_step = metrics->n_rows ? (gint64) grok_metrics_get (metrics, metrics->n_rows - 1, 0) : 0;
  if (view == GROK_VIEW_HEATMAP || view == GROK_VIEW_REGIONS)
    {
      params = load_checkpoint (run_dir, step, &shown_step, &error);
      if (params == NULL)
        return fail (error->message);
      request.params = params;
    }
  if (view == GROK_VIEW_CONNECTIVITY)
    {
      params = load_checkpoint (run_dir, step, &shown_step, &error);
      if (params == NULL)
        return fail (error->message);
      connectivity = grok_connectivity_data_new (config, params, 1024, &error);
      if (connectivity == NULL)
        return fail (error->message);
      request.connectivity = connectivity;
    }
  if (view == GROK_VIEW_REGIONS)
    {
      regions = grok_regions_data_new (config, params, -1.2, -1.2, 1.2, 1.2, 400, &error);
      if (regions == NULL)
        return fail (error->message);
      request.regions = regions;
    }
  step_text = g_strdup_printf ("%" G_GINT64_FORMAT, shown_step);
  run_name = g_path_get_basename (run_dir);
  {
    const char *pairs[] = { "Title", grok_view_name (view), "Run", run_name, "Step", step_text,
                            "Config", config_text, NULL };
    if (!grok_figure_export (out, &request, width_in, height_in, dpi, pairs, &error))
      return fail (error->message);
  }
  return 0;
}

int
main (int argc, char **argv)
{
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
  if (strcmp (argv[1], "figure") == 0)
    return cmd_figure (argc, argv);
  if (strcmp (argv[1], "keys") == 0)
    return cmd_keys (argc > 2 && strcmp (argv[2], "--markdown") == 0);
  if (strcmp (argv[1], "train") == 0)
    return cmd_train (argc, argv);
  fprintf (stderr, "grokscope-cli: unknown command '%s' (see --help)\n", argv[1]);
  return 2;
}
