/* The same step of a run gives the same data on the screen, in the app's export and in
 * grokscope-cli figure: the connectivity's points and LMN, the regions' pattern map, the spectrum's
 * overlaid steps, the neurons' units and activations. The screen's data is what the window's
 * computed views ask for (the views table's recipe, grok_view_data_new); the export goes through
 * the app's export path to a CSV file; the CLI is run as a person runs it. LMN is recomputed here
 * from the CSV's matrix. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "grok-export-dialog.h"
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
    g_assert_cmpstr (lines[first], ==, "step,matrix,frequency,norm");
    g_assert_cmpuint (n - (lines[n - 1][0] == '\0'), ==, first + 1 + on_disk->len * 2 * 12);
    g_assert_true (g_str_has_prefix (cli, "# step=200\n# key_frequencies.embedding="));
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
  g_test_add_func ("/app/same-data/neurons", test_neurons);
  return g_test_run ();
}
