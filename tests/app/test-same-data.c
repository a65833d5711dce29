/* The same step of a run gives the same data on the screen, in the app's export and in
 * grokscope-cli figure: the connectivity's points and LMN, the regions' pattern map, the spectrum's
 * overlaid steps, the neurons' units and activations. The screen's data is what the window's
 * computed views ask for (the views table's recipe, grok_view_data_new); the export goes through
 * the app's export path to a CSV file; the CLI is run as a person runs it. LMN is recomputed here
 * from the CSV's matrix. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "grok-config-settings.h"
#include "grok-export-dialog.h"
#include "grok-fourier.h"
#include "grok-measures.h"
#include "grok-lmn.h"
#include "grok-metrics.h"
#include "grok-run-dir.h"
#include "grok-run-views.h"
#include "run-helpers.h"

typedef struct
{
  char       *dir;       /* temporary folder holding the run and the files made */
  char       *run;
  GrokRunDir *folder;    /* the run, opened to read as every front end opens it */
  GrokConfig *config;
  GrokParams *params;
  gint64      step;
} Fixture;

static void
fixture_clear (Fixture *f)
{
  g_clear_pointer (&f->folder, grok_run_dir_close);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->run);
  grok_config_unref (f->config);
  grok_params_unref (f->params);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

/* grokscope-cli ARGS...; asserts it succeeded and returns its stderr */
static char *
run_cli (const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  char *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("GROK_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("grokscope-cli %s failed: %s", args[0], err);
  return err;
}

/* a run of preset with settings trained by the CLI, views files on, its last checkpoint loaded */
static void
fixture_train (Fixture *f, const char *preset, const char * const *sets)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char *fixed[] = { "train", preset, "--quiet", "--out", NULL, "--set", "checkpoints.views=1",
                          "--set", "checkpoints.per_decade=0", "--set", "measures.lmn_per_decade=0",
                          "--set", "measures.local_complexity_per_decade=0",
                          "--set", "measures.complexity_per_decade=0", NULL };

  f->dir = g_dir_make_tmp ("grok-same-XXXXXX", NULL);
  f->run = g_build_filename (f->dir, "run", NULL);
  fixed[4] = f->run;
  for (guint i = 0; fixed[i] != NULL; i++)
    g_ptr_array_add (args, (char *) fixed[i]);
  for (guint i = 0; sets[i] != NULL; i++)
    g_ptr_array_add (args, (char *) sets[i]);
  g_ptr_array_add (args, NULL);
  err = run_cli ((const char * const *) args->pdata);
  f->folder = grok_run_dir_open (f->run, NULL);
  g_assert_nonnull (f->folder);
  f->config = grok_config_copy (grok_run_dir_get_config (f->folder));
  f->params = grok_run_dir_read_model_at (f->folder, -1, &f->step, NULL);
  g_assert_nonnull (f->params);
  g_assert_cmpint (f->step, >, 0);
}

/* the view's data as the window's computed view gets it */
static GrokViewData *
screen_data (const Fixture *f, GrokView view)
{
  g_auto (GrokViewInput) input = { 0 };
  GrokViewRecipe recipe;
  g_autoptr (GError) error = NULL;
  GrokViewData *data;

  grok_view_recipe_init (&recipe);
  grok_config_view_input_init (&input, f->config, f->params, f->step);
  grok_run_dir_fill_view_input (f->folder, view, &recipe, &input);
  data = grok_view_data_new (view, &input, &recipe, &error);
  g_assert_no_error (error);
  return data;
}

/* the view's CSV as the app's Export writes it */
static char *
export_csv (const Fixture *f, GrokView view)
{
  g_autofree char *path = g_build_filename (f->dir, "export.csv", NULL);
  const GrokMetrics *metrics = grok_run_dir_get_metrics (f->folder);
  g_autoptr (GrokSnapshot) snapshot = grok_snapshot_new (f->config, f->params, metrics, NULL,
                                                         f->step, GROK_RUN_FINISHED);
  g_autoptr (GError) error = NULL;
  char *csv = NULL;

  g_assert_true (grok_export_snapshot_view (snapshot, view, "run", f->folder, NULL, path, 6, 4, 100,
                                            8, GROK_SCHEME_PRINT, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  return csv;
}

/* the view's CSV as grokscope-cli figure writes it */
static char *
cli_csv (const Fixture *f, GrokView view)
{
  g_autofree char *path = g_build_filename (f->dir, "cli.csv", NULL);
  g_autofree char *err = run_cli ((const char *[]) { "figure", f->run, "--view",
                                                     grok_view_name (view), "--out", path, NULL });
  char *csv = NULL;

  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  return csv;
}

/* text split at its newlines, as g_strsplit does; by length, since the sanitizers' strstr
 * measures the rest of the text at every line, which makes g_strsplit quadratic there */
static GStrv
split_lines (const char *text)
{
  GPtrArray *lines = g_ptr_array_new ();
  const char *end = text + strlen (text), *p = text, *nl;

  while ((nl = memchr (p, '\n', (gsize) (end - p))) != NULL)
    {
      g_ptr_array_add (lines, g_strndup (p, (gsize) (nl - p)));
      p = nl + 1;
    }
  g_ptr_array_add (lines, g_strdup (p));
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (lines, FALSE);
}

/* two CSV texts equal, or the first line where they differ named */
static void
assert_same_csv (const char *a, const char *b, const char *what)
{
  g_auto (GStrv) x = split_lines (a);
  g_auto (GStrv) y = split_lines (b);

  for (guint i = 0; x[i] != NULL || y[i] != NULL; i++)
    if (x[i] == NULL || y[i] == NULL || strcmp (x[i], y[i]) != 0)
      g_error ("%s differ at line %u (of %u and %u): '%s' and '%s'", what, i + 1,
               g_strv_length (x), g_strv_length (y), x[i] ? x[i] : "(end)", y[i] ? y[i] : "(end)");
}

/* LMN of the CSV's matrix (row,col,L lines), and its number of points; the LMN and the points
 * its comment lines state are those of the matrix under them */
static double
lmn_of_csv (const char *csv, int *n_points)
{
  g_auto (GStrv) all = split_lines (csv);
  char **lines = all;
  double stated_lmn = NAN, lmn;
  int stated_points = -1;
  guint n_lines;

  for (; *lines != NULL && (*lines)[0] == '#'; lines++)
    if (g_str_has_prefix (*lines, "# lmn="))
      stated_lmn = g_ascii_strtod (*lines + strlen ("# lmn="), NULL);
    else if (g_str_has_prefix (*lines, "# points="))
      stated_points = atoi (*lines + strlen ("# points="));
  n_lines = g_strv_length (lines) - 2;   /* the header and the empty last line */
  int n = (int) lround (sqrt (n_lines));
  g_autofree double *L = g_new0 (double, (gsize) n * n);
  g_autofree int *index = g_new (int, n);
  GHashTable *seen = g_hash_table_new (NULL, NULL);

  g_assert_cmpstr (lines[0], ==, "row,col,L");
  g_assert_cmpint ((guint) n * n, ==, n_lines);
  /* rows are named by point: number them in order of appearance */
  for (guint i = 1; i <= n_lines; i++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[i], ",", 3);
      int r = atoi (cells[0]), c = atoi (cells[1]);
      if (!g_hash_table_contains (seen, GINT_TO_POINTER (r + 1)))
        g_hash_table_insert (seen, GINT_TO_POINTER (r + 1),
                             GINT_TO_POINTER (g_hash_table_size (seen)));
      if (!g_hash_table_contains (seen, GINT_TO_POINTER (c + 1)))
        g_hash_table_insert (seen, GINT_TO_POINTER (c + 1),
                             GINT_TO_POINTER (g_hash_table_size (seen)));
      L[GPOINTER_TO_INT (g_hash_table_lookup (seen, GINT_TO_POINTER (r + 1))) * (gsize) n +
        GPOINTER_TO_INT (g_hash_table_lookup (seen, GINT_TO_POINTER (c + 1)))] =
        g_ascii_strtod (cells[2], NULL);
    }
  g_hash_table_unref (seen);
  *n_points = n;
  lmn = grok_lmn_from_matrix (L, n, NULL, NULL, NULL);
  g_assert_cmpint (stated_points, ==, n);
  g_assert_cmpfloat (fabs (stated_lmn - lmn), <=, 1e-6 * fabs (lmn));
  return lmn;
}

/* quick's 4704 training inputs: more than any point count a front end ever used */
static void
test_connectivity (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) screen = NULL;
  g_autofree char *exported = NULL, *cli = NULL;
  const GrokViewConnectivity *c;
  int n_export, n_cli;
  double lmn_export, lmn_cli;

  fixture_train (&f, "quick", (const char *[]) { "--steps", "30", NULL });
  screen = screen_data (&f, GROK_VIEW_CONNECTIVITY);
  c = grok_connectivity_data_get_view (screen->connectivity);
  exported = export_csv (&f, GROK_VIEW_CONNECTIVITY);
  cli = cli_csv (&f, GROK_VIEW_CONNECTIVITY);
  lmn_export = lmn_of_csv (exported, &n_export);
  lmn_cli = lmn_of_csv (cli, &n_cli);
  g_test_message ("LMN on screen %.6g (%d points), export %.6g (%d), CLI %.6g (%d)", c->lmn, c->n,
                  lmn_export, n_export, lmn_cli, n_cli);
  g_assert_cmpint (n_export, ==, c->n);
  g_assert_cmpint (n_cli, ==, c->n);
  assert_same_csv (exported, cli, "the export's and the CLI's connectivity");
  /* the CSV holds L to 9 digits */
  g_assert_cmpfloat (fabs (lmn_export - c->lmn), <, 1e-5 * c->lmn);
  g_assert_cmpfloat (fabs (lmn_cli - c->lmn), <, 1e-5 * c->lmn);
}

/* the pattern map of a smooth net: the same raster cell for cell */
static void
test_regions_raster (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) screen = NULL;
  g_autofree char *exported = NULL, *cli = NULL;
  const GrokViewRegions *r;
  g_auto (GStrv) all = NULL;
  char **lines;

  /* few training points: the views files' LMN matrix is not what this test is about */
  fixture_train (&f, "xor2d-relu", (const char *[]) { "--steps", "12", "--set",
                                                      "model.activation=silu", "--set",
                                                      "task.n_train=64", NULL });
  screen = screen_data (&f, GROK_VIEW_REGIONS);
  r = screen->regions->regions;
  g_assert_null (r->exact);
  exported = export_csv (&f, GROK_VIEW_REGIONS);
  cli = cli_csv (&f, GROK_VIEW_REGIONS);
  all = split_lines (exported);
  /* the step and the count of patterns, as the title states them, then the header */
  g_assert_cmpstr (all[0], ==, "# step=12");
  g_assert_cmpuint (g_ascii_strtoull (all[1] + strlen ("# patterns="), NULL, 10), ==, (guint64) r->n_patterns);
  lines = all + 2;
  g_test_message ("screen raster %d x %d, export and CLI %u cells", r->raster_w, r->raster_h,
                  g_strv_length (lines) - 2);
  g_assert_cmpuint (g_strv_length (lines) - 2, ==, (guint) r->raster_w * r->raster_h);
  for (int i = 0; i < r->raster_w * r->raster_h; i++)
    g_assert_cmpuint (g_ascii_strtoull (lines[i + 1], NULL, 10), ==, r->raster[i]);
  assert_same_csv (exported, cli, "the export's and the CLI's regions");
}

/* the steps of a CSV of the spectrum (step,tensor,index,value), each once, in order */
static GArray *
steps_of_csv (const char *csv)
{
  g_auto (GStrv) lines = split_lines (csv);
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint first = 0;

  /* past the comment lines and the header */
  while (lines[first] != NULL && lines[first][0] == '#')
    first++;
  for (guint i = first + 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      gint64 step = g_ascii_strtoll (lines[i], NULL, 10);
      if (steps->len == 0 || g_array_index (steps, gint64, steps->len - 1) != step)
        g_array_append_val (steps, step);
    }
  return steps;
}

static void
test_spectrum_steps (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) screen = NULL;
  g_autofree char *exported = NULL, *cli = NULL;
  g_autoptr (GArray) from_export = NULL;
  g_autoptr (GArray) from_cli = NULL;
  const gint64 *steps;
  guint n;

  fixture_train (&f, "xor2d-relu", (const char *[]) { "--steps", "300", "--set",
                                                      "checkpoints.per_decade=4", NULL });
  screen = screen_data (&f, GROK_VIEW_SPECTRUM);
  steps = grok_spectra_data_get_steps (screen->spectra, &n);
  exported = export_csv (&f, GROK_VIEW_SPECTRUM);
  cli = cli_csv (&f, GROK_VIEW_SPECTRUM);
  from_export = steps_of_csv (exported);
  from_cli = steps_of_csv (cli);
  assert_same_csv (exported, cli, "the export's and the CLI's spectra");
  /* more than the step itself, or there is nothing to compare */
  g_assert_cmpuint (n, >, 2);
  g_assert_cmpmem (steps, n * sizeof (gint64), from_export->data, from_export->len * sizeof (gint64));
  g_assert_cmpmem (steps, n * sizeof (gint64), from_cli->data, from_cli->len * sizeof (gint64));
}

/* the Fourier view: the screen's data written as a CSV is the export's and the CLI's, byte for
 * byte, and holds one step per checkpoint on disk */
static void
test_fourier_steps (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) screen = NULL;
  g_autoptr (GArray) on_disk = NULL;
  g_autofree char *from_screen = NULL, *exported = NULL, *cli = NULL;
  GrokFigureRequest request;

  fixture_train (&f, "quick", (const char *[]) { "--steps", "200", "--set",
                                                 "checkpoints.per_decade=4", "--set",
                                                 "task.p=23", NULL });
  screen = screen_data (&f, GROK_VIEW_FOURIER);
  grok_figure_request_init (&request, GROK_VIEW_FOURIER);
  grok_figure_request_set_data (&request, screen);
  from_screen = grok_figure_request_format_csv (&request);
  exported = export_csv (&f, GROK_VIEW_FOURIER);
  cli = cli_csv (&f, GROK_VIEW_FOURIER);
  assert_same_csv (from_screen, exported, "the screen's and the export's Fourier norms");
  assert_same_csv (exported, cli, "the export's and the CLI's Fourier norms");
  on_disk = grok_run_dir_scan_checkpoints (f.folder);
  g_assert_cmpuint (on_disk->len, >, 2);
  g_assert_cmpmem (screen->fourier->steps->data, screen->fourier->steps->len * sizeof (gint64),
                   on_disk->data, on_disk->len * sizeof (gint64));
  /* 2 matrices x 12 frequencies per step, after the comment lines and the header */
  {
    g_auto (GStrv) lines = split_lines (cli);
    guint first = 0, n = g_strv_length (lines);
    while (lines[first] != NULL && lines[first][0] == '#')
      first++;
    guint end = first + 1 + on_disk->len * 2 * 12;
    g_assert_cmpstr (lines[first], ==, "step,matrix,frequency,norm");
    g_assert_true (g_str_has_prefix (cli, "# step=200\n# key_frequencies.embedding="));
    /* then a blank line, the progress measures' two comment lines, their header and one row
     * per checkpoint */
    g_assert_cmpstr (lines[end], ==, "");
    g_assert_true (g_str_has_prefix (lines[end + 1], "# progress_keys="));
    g_assert_cmpstr (lines[end + 2], ==, "# progress_keys_from=final, step=200");
    g_assert_cmpstr (lines[end + 3], ==, "step,restricted_loss,excluded_loss,test_loss");
    g_assert_cmpuint (n - (lines[n - 1][0] == '\0'), ==, end + 4 + on_disk->len);
  }
}

/* the metrics' value of column at step; NAN when that row has none */
static double
metric_at (const GrokMetrics *metrics, const char *column, gint64 step)
{
  int s = grok_metrics_column_index (metrics, "step"), c = grok_metrics_column_index (metrics,
                                                                                        column);

  g_assert_cmpint (s, >=, 0);
  g_assert_cmpint (c, >=, 0);
  for (guint r = 0; r < metrics->n_rows; r++)
    if (grok_metrics_get (metrics, r, (guint) s) == (double) step)
      return grok_metrics_get (metrics, r, (guint) c);
  return NAN;
}

/* what grokscope-cli measure prints for column at step (the run's own key frequencies) */
static double
cli_measure (const Fixture *f, gint64 step, const char *column)
{
  g_autofree char *at = g_strdup_printf ("--step=%" G_GINT64_FORMAT, step);
  g_autofree char *key = g_strdup_printf ("\"%s\": ", column);
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("GROK_CLI"), "measure", f->run, at, "--measure=fourier",
                         NULL };
  g_autoptr (GError) error = NULL;
  const char *found;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  found = strstr (out, key);
  g_assert_nonnull (found);
  return g_ascii_strtod (found + strlen (key), NULL);
}

/* the five k >= 1 with the largest norms, ties to the lower k, ascending: the rule written out
 * again */
static void
top_five (const double *norms, int n_freq, int keys[5])
{
  int n = 0;

  for (int pick = 0; pick < 5; pick++)
    {
      int best = -1;
      for (int k = 1; k < n_freq; k++)
        {
          gboolean taken = FALSE;
          for (int j = 0; j < n; j++)
            taken |= keys[j] == k;
          if (!taken && (best < 0 || norms[k] > norms[best]))
            best = k;
        }
      keys[n++] = best;
    }
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      if (keys[j] < keys[i])
        {
          int t = keys[i];
          keys[i] = keys[j];
          keys[j] = t;
        }
}

static void
assert_close (double a, double b)
{
  g_assert_true (isfinite (a) && isfinite (b));
  /* metrics.csv holds 9 significant digits */
  g_assert_cmpfloat (fabs (a - b), <=, 1e-8 * MAX (fabs (a), fabs (b)));
}

/* the checkpoint's own key frequencies from its embedding */
static void
own_keys (const Fixture *f, const GrokParams *params, int keys[5])
{
  GrokViewSettings settings = grok_config_view_settings (f->config);
  g_autoptr (GrokFourierNorms) norms = grok_fourier_norms_from_params (&settings.measure.model,
                                                                       params,
                                                                       (int) f->config->task.p,
                                                                       NULL);
  g_assert_nonnull (norms);
  top_five (norms->embedding, norms->n_freq, keys);
}

/* The Fourier view's restricted and excluded loss take one key set for every step: the final
 * checkpoint's once the run has reached its budget. At that checkpoint they are its own, so
 * the view gives the metrics' and grokscope-cli measure's numbers; at an earlier step whose
 * own key frequencies differ the view gives the losses with the final ones, and the metrics
 * (own keys) another number. A run stopped before its budget takes its newest checkpoint's. */
static void
test_fourier_progress (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) screen = NULL;
  g_autoptr (GrokViewData) stopped = NULL;
  g_autofree char *csv = NULL;
  const GrokFourierData *d;
  g_autoptr (GrokMetrics) metrics = NULL;
  GrokViewSettings settings;
  GrokFigureRequest request;
  int final_keys[5], keys[5];
  guint last, checked = 0;
  gint64 differs = -1;
  double largest = 0;

  fixture_train (&f, "quick", (const char *[]) { "--steps", "300", "--set",
                                                 "measures.fourier_every=50", "--set",
                                                 "checkpoints.every=50", NULL });
  g_assert_cmpint (f.step, ==, 300);
  settings = grok_config_view_settings (f.config);
  metrics = grok_metrics_ref (grok_run_dir_get_metrics (f.folder));
  screen = screen_data (&f, GROK_VIEW_FOURIER);
  d = screen->fourier;
  last = d->steps->len - 1;
  g_assert_true (d->progress_final);
  g_assert_cmpint (d->progress_step, ==, 300);
  own_keys (&f, f.params, final_keys);
  g_assert_cmpint (d->n_progress_keys, ==, 5);
  g_assert_cmpmem (d->progress_keys, sizeof final_keys, final_keys, sizeof final_keys);
  /* at the final checkpoint: the metrics' and the CLI's own-key losses */
  assert_close (d->restricted[last], metric_at (metrics, "restricted_loss", 300));
  assert_close (d->excluded[last], metric_at (metrics, "excluded_loss", 300));
  assert_close (d->restricted[last], cli_measure (&f, 300, "restricted_loss"));
  assert_close (d->excluded[last], cli_measure (&f, 300, "excluded_loss"));
  assert_close (d->test_loss[last], metric_at (metrics, "test_loss", 300));

  /* at every earlier step the metrics measured: the final keys', which are the metrics' own
   * exactly where that step's own keys are the final ones */
  for (guint i = 0; i < last; i++)
    {
      gint64 step = g_array_index (d->steps, gint64, i);
      double own = metric_at (metrics, "restricted_loss", step), restricted, excluded;
      g_autoptr (GrokParams) params = NULL;

      if (isnan (own))
        continue;
      params = grok_run_dir_read_model (f.folder, step, NULL);
      g_assert_nonnull (params);
      g_assert_true (grok_measure_fourier_losses (&settings.measure, params, final_keys, 5,
                                                  &restricted, &excluded, NULL));
      g_assert_cmpfloat (d->restricted[i], ==, restricted);
      g_assert_cmpfloat (d->excluded[i], ==, excluded);
      assert_close (d->test_loss[i], metric_at (metrics, "test_loss", step));
      own_keys (&f, params, keys);
      if (memcmp (keys, final_keys, sizeof keys) == 0)
        assert_close (d->restricted[i], own);
      else
        {
          /* well beyond the metrics' 9 digits; near step 0 every frequency is small and the
           * key sets give nearly the same fit */
          g_assert_cmpfloat (fabs (d->restricted[i] - own), >, 1e-6 * own);
          largest = MAX (largest, fabs (d->restricted[i] - own) / own);
          assert_close (own, cli_measure (&f, step, "restricted_loss"));
          differs = step;
        }
      checked++;
    }
  g_assert_cmpuint (checked, >=, 4);
  /* the quick run's early key frequencies are not its final ones, and by step 100 that
   * matters */
  g_assert_cmpint (differs, >, 0);
  g_assert_cmpfloat (largest, >, 5e-4);

  grok_figure_request_init (&request, GROK_VIEW_FOURIER);
  grok_figure_request_set_data (&request, screen);
  csv = grok_figure_request_format_csv (&request);
  g_assert_nonnull (strstr (csv, "\n# progress_keys_from=final, step=300\n"));

  /* stopped at step 150 of its 300: the checkpoints after it gone, the newest's own keys */
  {
    g_autoptr (GArray) on_disk = grok_run_dir_scan_checkpoints (f.folder);
    g_autoptr (GrokParams) params = NULL;
    g_autofree char *stopped_csv = NULL;
    g_autofree char *line = NULL;
    gint64 step;

    for (guint i = 0; i < on_disk->len; i++)
      if (g_array_index (on_disk, gint64, i) > 150)
        {
          g_autofree char *name = g_strdup_printf ("step-%08" G_GINT64_FORMAT ".safetensors",
                                                   g_array_index (on_disk, gint64, i));
          g_autofree char *path = g_build_filename (f.run, "checkpoints", name, NULL);
          g_assert_cmpint (g_remove (path), ==, 0);
        }
    grok_run_dir_close (f.folder);
    f.folder = grok_run_dir_open (f.run, NULL);
    g_assert_nonnull (f.folder);
    params = grok_run_dir_read_model_at (f.folder, -1, &step, NULL);
    g_assert_cmpint (step, ==, 150);
    grok_params_unref (f.params);
    f.params = g_steal_pointer (&params);
    f.step = step;
    stopped = screen_data (&f, GROK_VIEW_FOURIER);
    d = stopped->fourier;
    g_assert_false (d->progress_final);
    g_assert_cmpint (d->progress_step, ==, 150);
    own_keys (&f, f.params, keys);
    g_assert_cmpmem (d->progress_keys, sizeof keys, keys, sizeof keys);
    g_assert_true (memcmp (keys, final_keys, sizeof keys) != 0);
    assert_close (d->restricted[d->steps->len - 1], metric_at (metrics, "restricted_loss", 150));
    grok_figure_request_set_data (&request, stopped);
    stopped_csv = grok_figure_request_format_csv (&request);
    line = g_strdup_printf ("\n# progress_keys=%d %d %d %d %d\n"
                            "# progress_keys_from=newest, step=150\n", keys[0], keys[1],
                            keys[2], keys[3], keys[4]);
    g_assert_nonnull (strstr (stopped_csv, line));
  }
}

/* the Fourier view's CSV as the window gets it through the folder held open, with the
 * folder's cache or (use_cache FALSE) without any; its data in *out when out is not NULL */
static char *
fourier_csv (const Fixture *f, gboolean use_cache, GrokViewData **out)
{
  g_auto (GrokViewInput) input = { 0 };
  g_autoptr (GrokViewData) data = NULL;
  g_autoptr (GError) error = NULL;
  GrokFigureRequest request;
  GrokViewRecipe recipe;
  char *csv;

  grok_view_recipe_init (&recipe);
  grok_config_view_input_init (&input, f->config, f->params, f->step);
  grok_run_dir_fill_view_input (f->folder, GROK_VIEW_FOURIER, &recipe, &input);
  g_assert_true (input.fourier_cache == grok_run_dir_get_fourier_cache (f->folder));
  if (!use_cache)
    input.fourier_cache = NULL;
  data = grok_view_data_new (GROK_VIEW_FOURIER, &input, &recipe, &error);
  g_assert_no_error (error);
  grok_figure_request_init (&request, GROK_VIEW_FOURIER);
  grok_figure_request_set_data (&request, data);
  csv = grok_figure_request_format_csv (&request);
  if (out != NULL)
    *out = g_steal_pointer (&data);
  return csv;
}

/* how many lookups the folder's Fourier cache answered (hits) and did not (misses) */
static void
cache_counts (const Fixture *f, guint *hits, guint *misses)
{
  grok_fourier_cache_get_counts (grok_run_dir_get_fourier_cache (f->folder), hits, misses);
}

/* The Fourier view asked again through the same folder takes the norms and losses of the
 * stored checkpoints from the folder's cache and gives the same CSV, byte for byte, as
 * computing everything without it; a checkpoint replaced on disk is computed anew, and another
 * key set (the run's newest checkpoint no longer the final one) is not served the losses of
 * the first. */
static void
test_fourier_cache (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) first = NULL;
  g_autoptr (GrokViewData) replaced = NULL;
  g_autoptr (GrokViewData) stopped = NULL;
  g_autofree char *csv1 = NULL, *csv2 = NULL, *plain = NULL;
  g_autoptr (GArray) on_disk = NULL;
  GrokViewSettings settings;
  guint hits, misses, hits2, misses2, n_earlier, i50 = 0, i100 = 0;

  fixture_train (&f, "quick", (const char *[]) { "--steps", "300", "--set",
                                                 "checkpoints.every=50", NULL });
  g_assert_cmpint (f.step, ==, 300);
  settings = grok_config_view_settings (f.config);
  on_disk = grok_run_dir_scan_checkpoints (f.folder);
  n_earlier = on_disk->len - 1;
  g_assert_cmpuint (n_earlier, >=, 5);

  /* first: every earlier checkpoint's norms and losses computed (and kept) */
  cache_counts (&f, &hits, &misses);
  g_assert_cmpuint (hits, ==, 0);
  csv1 = fourier_csv (&f, TRUE, &first);
  cache_counts (&f, &hits, &misses);
  g_assert_cmpuint (hits, ==, 0);
  g_assert_cmpuint (misses, ==, 2 * n_earlier);
  /* second: all of it from the cache, the same bytes as without any cache */
  csv2 = fourier_csv (&f, TRUE, NULL);
  cache_counts (&f, &hits2, &misses2);
  g_assert_cmpuint (hits2, ==, 2 * n_earlier);
  g_assert_cmpuint (misses2, ==, misses);
  plain = fourier_csv (&f, FALSE, NULL);
  cache_counts (&f, &hits, &misses);
  g_assert_cmpuint (hits, ==, hits2);
  g_assert_cmpuint (misses, ==, misses2);
  g_assert_cmpstr (csv1, ==, plain);
  g_assert_cmpstr (csv2, ==, plain);

  /* step 100's file replaced by one holding step 50's weights */
  for (guint i = 0; i < first->fourier->steps->len; i++)
    {
      gint64 s = g_array_index (first->fourier->steps, gint64, i);
      i50 = s == 50 ? i : i50;
      i100 = s == 100 ? i : i100;
    }
  g_assert_cmpuint (i50, >, 0);
  g_assert_cmpuint (i100, >, i50);
  {
    g_autoptr (GrokParams) at50 = grok_run_dir_read_model (f.folder, 50, NULL);
    g_autoptr (GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
    g_autofree char *path = grok_run_dir_checkpoint_path (f.folder, 100);
    g_autofree char *csv3 = NULL, *plain3 = NULL;
    g_autoptr (GError) error = NULL;
    const GrokFourierData *d;
    int n = first->fourier->n_freq;

    g_assert_nonnull (at50);
    g_hash_table_insert (meta, "step", "100");
    g_assert_true (grok_params_write (path, at50, meta, &error));
    g_assert_no_error (error);
    csv3 = fourier_csv (&f, TRUE, &replaced);
    cache_counts (&f, &hits2, &misses2);
    /* its norms and its losses computed anew, every other step's from the cache */
    g_assert_cmpuint (misses2, ==, misses + 2);
    g_assert_cmpuint (hits2, ==, hits + 2 * (n_earlier - 1));
    plain3 = fourier_csv (&f, FALSE, NULL);
    g_assert_cmpstr (csv3, ==, plain3);
    g_assert_cmpstr (csv3, !=, csv1);
    d = replaced->fourier;
    for (int m = 0; m < GROK_FOURIER_N_MATRICES; m++)
      {
        g_assert_cmpmem (grok_fourier_data_norms (d, m, i100), n * sizeof (double),
                         grok_fourier_data_norms (d, m, i50), n * sizeof (double));
        g_assert_true (memcmp (grok_fourier_data_norms (first->fourier, m, i100),
                               grok_fourier_data_norms (d, m, i100), n * sizeof (double)) != 0);
      }
    g_assert_cmpfloat (d->restricted[i100], ==, d->restricted[i50]);
    g_assert_cmpfloat (d->excluded[i100], ==, d->excluded[i50]);
    cache_counts (&f, &hits, &misses);
  }

  /* stopped at step 150 of its 300, with the folder held open: the newest checkpoint's own
   * key frequencies, which are not the final ones, and the losses with them */
  {
    g_autoptr (GrokParams) params = NULL;
    g_autofree char *csv4 = NULL, *plain4 = NULL;
    const GrokFourierData *d;
    int keys[5];
    gint64 step;

    for (guint i = 0; i < on_disk->len; i++)
      if (g_array_index (on_disk, gint64, i) > 150)
        {
          g_autofree char *path = grok_run_dir_checkpoint_path (f.folder,
                                                                g_array_index (on_disk, gint64,
                                                                               i));
          g_assert_cmpint (g_remove (path), ==, 0);
        }
    params = grok_run_dir_read_model_at (f.folder, -1, &step, NULL);
    g_assert_cmpint (step, ==, 150);
    grok_params_unref (f.params);
    f.params = g_steal_pointer (&params);
    f.step = step;
    csv4 = fourier_csv (&f, TRUE, &stopped);
    d = stopped->fourier;
    own_keys (&f, f.params, keys);
    g_assert_cmpmem (d->progress_keys, sizeof keys, keys, sizeof keys);
    g_assert_true (memcmp (keys, replaced->fourier->progress_keys, sizeof keys) != 0);
    /* the earlier steps' norms from the cache, their losses with these keys computed */
    cache_counts (&f, &hits2, &misses2);
    g_assert_cmpuint (hits2, ==, hits + (d->steps->len - 1));
    g_assert_cmpuint (misses2, ==, misses + (d->steps->len - 1));
    for (guint i = 0; i + 1 < d->steps->len; i++)
      {
        gint64 s = g_array_index (d->steps, gint64, i);
        g_autoptr (GrokParams) at = grok_run_dir_read_model (f.folder, s, NULL);
        double restricted, excluded;

        g_assert_nonnull (at);
        g_assert_true (grok_measure_fourier_losses (&settings.measure, at, keys, 5, &restricted,
                                                    &excluded, NULL));
        g_assert_cmpfloat (d->restricted[i], ==, restricted);
        g_assert_cmpfloat (d->excluded[i], ==, excluded);
      }
    plain4 = fourier_csv (&f, FALSE, NULL);
    g_assert_cmpstr (csv4, ==, plain4);
  }
}

/* the neurons view: the same units and activations on screen, in the export and from the CLI */
static void
test_neurons (void)
{
  g_auto (Fixture) f = { 0 };
  g_autoptr (GrokViewData) screen = NULL;
  g_autofree char *exported = NULL, *cli = NULL, *units = NULL;
  const GrokViewNeurons *nv;
  g_auto (GStrv) lines = NULL;
  GString *want = g_string_new ("# units=largest variance:");
  guint checked = 0;

  fixture_train (&f, "quick", (const char *[]) { "--steps", "30", NULL });
  screen = screen_data (&f, GROK_VIEW_NEURONS);
  nv = screen->neurons;
  exported = export_csv (&f, GROK_VIEW_NEURONS);
  cli = cli_csv (&f, GROK_VIEW_NEURONS);
  assert_same_csv (exported, cli, "the export's and the CLI's neurons");
  for (int k = 0; k < nv->n_units; k++)
    g_string_append_printf (want, "%s%d", k ? "," : "", nv->units[k]);
  units = g_string_free (want, FALSE);
  g_assert_nonnull (strstr (cli, units));
  /* the activation rows hold the screen's values to 9 digits */
  lines = g_strsplit (cli, "\n", -1);
  /* the activations come first, up to the blank line before the power */
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      int u, a, b, k;
      double v;
      if (sscanf (lines[i], "%d,%d,%d,%lf", &u, &a, &b, &v) != 4)
        continue;
      for (k = 0; k < nv->n_units && nv->units[k] != u; k++)
        ;
      g_assert_cmpint (k, <, nv->n_units);
      g_assert_cmpfloat_with_epsilon (v, nv->activation[(gsize) k * nv->side * nv->side +
                                                        (gsize) a * nv->side + b], 1e-6);
      checked++;
    }
  g_assert_cmpuint (checked, ==, (guint) nv->n_units * nv->side * nv->side);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/same-data/connectivity", test_connectivity);
  g_test_add_func ("/app/same-data/regions-raster", test_regions_raster);
  g_test_add_func ("/app/same-data/spectrum-steps", test_spectrum_steps);
  g_test_add_func ("/app/same-data/fourier-steps", test_fourier_steps);
  g_test_add_func ("/app/same-data/fourier-progress", test_fourier_progress);
  g_test_add_func ("/app/same-data/fourier-cache", test_fourier_cache);
  g_test_add_func ("/app/same-data/neurons", test_neurons);
  return g_test_run ();
}
