/* Sweep files (every bad input named by its place in the file), the cells they span, planning
 * into a folder (and refusing another plan), and the findings of a run's rows, worked by hand. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-sweep.h"
#include "tmp-dir.h"

static GrokSweep *
load (const char *text, GError **error)
{
  return grok_sweep_load_data (text, strlen (text), "s.json", NULL, error);
}

/* text must be refused with a message holding every one of the NULL-ended fragments */
static void
assert_refused (const char *text, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = load (text, &error);
  va_list args;

  g_assert_null (sweep);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  va_start (args, text);
  for (const char *want = va_arg (args, const char *); want != NULL;
       want = va_arg (args, const char *))
    if (strstr (error->message, want) == NULL)
      g_error ("'%s' is not in the message: %s", want, error->message);
  va_end (args);
}

static void
test_bad_inputs (void)
{
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.weight_decay\": "
                  "[0.1, -1]}}", "s.json: axes.optim.weight_decay[1]: ", "optim.weight_decay",
                  "-1", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.wd\": [1]}}",
                  "s.json: axes.optim.wd: unknown config key 'optim.wd'", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"set\": {\"train.steps\": -5}, "
                  "\"axes\": {\"seed\": [1]}}", "s.json: set: ", "train.steps", "-5", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"task.train_fraction\": "
                  "{\"from\": 0.2, \"to\": 0.8, \"count\": 3, \"scale\": \"cubic\"}}}",
                  "s.json: axes.task.train_fraction: 'scale' must be", "\"cubic\"", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.lr\": "
                  "{\"from\": 0, \"to\": 1, \"count\": 3, \"scale\": \"log\"}}}",
                  "s.json: axes.optim.lr: a log scale needs", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.lr\": "
                  "{\"from\": 0.1, \"to\": 1, \"count\": 2.5}}}",
                  "s.json: axes.optim.lr: 'count' must be a whole number", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.lr\": "
                  "{\"from\": 0.1, \"to\": 1, \"count\": 2, \"step\": 1}}}",
                  "s.json: axes.optim.lr: unknown member 'step'", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"task.p\": "
                  "{\"from\": 10, \"to\": 11, \"count\": 5}}}", "axes.task.p: the range gives",
                  "twice", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"task.op\": [\"add\", "
                  "\"pow\"]}}", "s.json: axes.task.op[1]: ", "\"pow\"", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.lr\": [0.1, "
                  "0.1]}}", "s.json: axes.optim.lr[1]: the value 0.1 is already at [0]", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {\"optim.lr\": []}}",
                  "s.json: axes.optim.lr: must be a non-empty list", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {}, \"seeds\": [0, -1]}",
                  "s.json: seeds[1]: ", "seed", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {}, \"seeds\": [2, 2]}",
                  "s.json: seeds[1]: the seed 2 is already at [0]", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"no-such-preset\", \"axes\": {}}",
                  "s.json: base: no preset named 'no-such-preset'", NULL);
  assert_refused ("{\"name\": \"a\", \"axes\": {\"base\": [\"quick\", \"nope\"]}}",
                  "s.json: axes.base[1]: no preset named 'nope'", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"axes\": {}, \"sed\": [1]}",
                  "s.json: unknown key 'sed'", NULL);
  assert_refused ("{\"name\": \"a/b\", \"base\": \"quick\", \"axes\": {}}", "s.json: name", NULL);
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\",\n \"axes\": {,}}",
                  "s.json: line 2, column", "not valid JSON", NULL);
  /* each value is right alone; together they are not a valid config (a batch larger than
   * the training set), which names the cell */
  assert_refused ("{\"name\": \"a\", \"base\": \"quick\", \"set\": {\"task.p\": 5}, \"axes\": "
                  "{\"train.batch_size\": [1, 1000]}}", "s.json: cell 1 (train.batch_size=1000 "
                  "seed=0): ", NULL);
}

static void
test_cells (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = load (
    "{\"name\": \"wd\", \"base\": \"quick\", \"set\": {\"train.steps\": 30},"
    " \"axes\": {\"optim.weight_decay\": {\"from\": 0.01, \"to\": 1, \"count\": 3, \"scale\": \"log\"},"
    " \"task.train_fraction\": {\"from\": 0.2, \"to\": 0.8, \"count\": 4}}, \"seeds\": [5, 7]}",
    &error);
  g_autoptr (GrokConfig) config = NULL;
  const GrokSweepAxis *wd, *fraction;
  g_autofree char *label = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (grok_sweep_n_cells (sweep), ==, 24);
  wd = grok_sweep_get_axis (sweep, 0);
  fraction = grok_sweep_get_axis (sweep, 1);
  g_assert_cmpstr (wd->key, ==, "optim.weight_decay");
  g_assert_true (wd->log && !fraction->log && wd->numeric);
  g_assert_cmpstr (wd->values->pdata[1], ==, "0.1");
  g_assert_cmpstr (fraction->values->pdata[1], ==, "0.4");
  g_assert_cmpstr (fraction->values->pdata[3], ==, "0.8");
  /* the seed fastest, then the last axis */
  g_assert_cmpint (grok_sweep_cell_seed (sweep, 13), ==, 7);
  g_assert_cmpuint (grok_sweep_cell_value (sweep, 13, 0), ==, 1);
  g_assert_cmpuint (grok_sweep_cell_value (sweep, 13, 1), ==, 2);
  label = grok_sweep_cell_label (sweep, 13);
  g_assert_cmpstr (label, ==, "optim.weight_decay=0.1 task.train_fraction=0.6 seed=7");
  config = grok_sweep_cell_config (sweep, 13, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (config->optim.weight_decay, ==, 0.1);
  g_assert_cmpfloat (config->task.train_fraction, ==, 0.6);
  g_assert_cmpint (config->seed, ==, 7);
  g_assert_cmpint (config->train.steps, ==, 30);
  g_assert_cmpint (config->task.p, ==, 97);
}

static void
test_base_axis (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_load ("demoss-add-regularisers", &error);
  g_autoptr (GrokConfig) none = NULL, ours = NULL;

  g_assert_no_error (error);
  g_assert_false (grok_sweep_get_axis (sweep, 0)->numeric);
  none = grok_sweep_cell_config (sweep, 0, &error);
  ours = grok_sweep_cell_config (sweep, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (none->optim.weight_decay, ==, 0);
  g_assert_cmpfloat (ours->reg.spectral_entropy, >, 0);
  g_assert_cmpint (ours->checkpoints.views, ==, 0);
}

static void
test_plan (void)
{
  const char *text = "{\"name\": \"p\", \"base\": \"xor2d-relu\", \"set\": {\"train.steps\": 20},"
                     " \"axes\": {\"optim.lr\": [0.01, 0.02]}}";
  const char *other = "{\"name\": \"q\", \"base\": \"xor2d-relu\", \"axes\": {\"optim.lr\": [0.03]}}";
  g_autofree char *tmp = g_strdup (test_tmp_dir ("grok-sweep-XXXXXX"));
  g_autofree char *folder = g_build_filename (tmp, "sweep", NULL);
  g_autofree char *mine = g_build_filename (tmp, "mine", NULL);
  g_autofree char *note = g_build_filename (mine, "notes.txt", NULL);
  g_autofree char *csv = NULL, *cells = g_build_filename (folder, "cells.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = load (text, &error);
  g_autoptr (GrokSweep) again = load (text, &error);
  g_autoptr (GrokSweep) another = load (other, &error);
  g_autoptr (GrokSweep) opened = NULL;
  g_autoptr (GrokSweepTable) summary = NULL;

  g_assert_no_error (error);
  g_assert_true (grok_sweep_plan (sweep, folder, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (cells, &csv, NULL, NULL));
  g_assert_cmpstr (csv, ==, "cell,seed,optim.lr,run\n0,0,0.01,cells/000\n1,0,0.02,cells/001\n");
  /* the same plan again is fine; another, or a folder of someone's files, is refused */
  g_assert_true (grok_sweep_plan (again, folder, &error));
  g_assert_false (grok_sweep_plan (another, folder, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "holds another sweep's plan"));
  g_clear_error (&error);
  g_assert_cmpint (g_mkdir (mine, 0755), ==, 0);
  g_assert_true (g_file_set_contents (note, "mine", -1, NULL));
  g_assert_false (grok_sweep_plan (another, mine, &error));
  g_assert_nonnull (strstr (error->message, "is not empty"));
  g_assert_true (g_file_test (note, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  opened = grok_sweep_open (folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grok_sweep_n_cells (opened), ==, 2);
  g_assert_cmpint (grok_sweep_cell_status (opened, 1, NULL), ==, GROK_SWEEP_PLANNED);
  g_assert_true (grok_sweep_record_failure (opened, 1, "cell 1: it went wrong", &error));
  summary = grok_sweep_summary (opened);
  g_assert_cmpuint (summary->rows->len, ==, 2);
  {
    GrokSweepField *row = summary->rows->pdata[1];
    g_assert_cmpstr (row[grok_sweep_table_column (summary, "status")].text, ==, "failed");
    g_assert_cmpstr (row[grok_sweep_table_column (summary, "message")].text, ==,
                     "cell 1: it went wrong");
    g_assert_cmpfloat (row[grok_sweep_table_column (summary, "optim.lr")].value, ==, 0.02);
  }
  g_assert_true (grok_sweep_clear_failure (opened, 1, &error));
  g_assert_cmpint (grok_sweep_cell_status (opened, 1, NULL), ==, GROK_SWEEP_PLANNED);
  remove_tree (tmp);
}

/* step, train_acc, test_loss, test_acc, l2_norm, lmn (NAN: not measured): memorised at step
 * 40, test loss peaks at step 60 after it (the higher loss at step 0 comes before), generalised
 * at step 100. The rows at 0, 20, 70 and 120 lie outside a window or have no LMN, and each
 * would change an answer if it were counted. */
static const double rows[][6] = {
  { 0, 0.05, 7.0, 0.03, 10, 9 },
  { 20, 0.60, 3.2, 0.04, 12, NAN },
  { 40, 1.0, 2.0, 0.05, 13, 1 },
  { 60, 1.0, 6.0, 0.10, 14, 3 },
  { 70, 1.0, 5.5, 0.20, 20, NAN },
  { 80, 1.0, 4.0, 0.50, 12, 2 },
  { 100, 1.0, 5.0, 0.995, 11, 4 },
  { 120, 1.0, 0.1, 1.0, 9, 100 },
};

static GrokMetrics *
hand_metrics (gboolean generalises)
{
  static const char * const columns[] = { "step", "train_acc", "test_loss", "test_acc",
                                          "l2_norm", "lmn", NULL };
  GrokMetrics *m = grok_metrics_new (columns);

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      double row[6];
      memcpy (row, rows[r], sizeof row);
      if (!generalises)
        row[3] = 0.5;
      grok_metrics_append_row (m, row);
    }
  return m;
}

static void
test_findings (void)
{
  g_autoptr (GrokMetrics) m = hand_metrics (TRUE);
  g_autoptr (GrokMetrics) late = hand_metrics (FALSE);
  double xs[] = { 1, 3, 2, 4, 100 }, ys[] = { 2, 6, 4, 5, 0.1 };
  GrokRunFindings f;

  g_assert_cmpfloat_with_epsilon (grok_pearson ((double[]) { 1, 2, 3 }, (double[]) { 1, 3, 2 }, 3),
                                  0.5, 1e-12);
  g_assert_true (isnan (grok_pearson ((double[]) { 1, 2 }, (double[]) { 3, 4 }, 2)));
  g_assert_true (isnan (grok_pearson ((double[]) { 1, 1, 1 }, (double[]) { 3, 4, 5 }, 3)));

  grok_run_findings (m, 0.99, &f);
  g_assert_cmpint (f.memorised_step, ==, 40);
  g_assert_cmpint (f.generalised_step, ==, 100);
  g_assert_cmpint (f.final_step, ==, 120);
  g_assert_cmpint (f.loss_peak_step, ==, 60);
  g_assert_cmpfloat (f.lmn_init, ==, 9);
  g_assert_cmpfloat (f.lmn_memorised, ==, 1);
  g_assert_cmpfloat (f.lmn_generalised, ==, 4);
  /* rows 40..100 with an LMN: LMN (1, 3, 2, 4), L2 (13, 14, 12, 11), loss (2, 6, 4, 5):
   * sums of squares 5, 5 and 8.75, cross sums 5.5 and 0.5 */
  g_assert_cmpuint (f.n_mem, ==, 4);
  g_assert_cmpfloat_with_epsilon (f.r_lmn_mem, 11 / (5 * sqrt (7)), 1e-12);
  g_assert_cmpfloat_with_epsilon (f.r_l2_mem, 1 / (5 * sqrt (7)), 1e-12);
  /* rows 60..100: LMN (3, 2, 4), L2 (14, 12, 11), loss (6, 4, 5) */
  g_assert_cmpuint (f.n_peak, ==, 3);
  g_assert_cmpfloat_with_epsilon (f.r_lmn_peak, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (f.r_l2_peak, sqrt (3.0 / 7), 1e-12);
  g_assert_cmpint (grok_phase_of (f.memorised_step, f.generalised_step, 10), ==,
                   GROK_PHASE_COMPREHENSION);

  /* never generalised: the windows run to the end, LMN at the end is the last one */
  grok_run_findings (late, 0.99, &f);
  g_assert_cmpint (f.generalised_step, ==, -1);
  g_assert_cmpfloat (f.lmn_generalised, ==, 100);
  g_assert_cmpuint (f.n_mem, ==, 5);
  g_assert_cmpfloat_with_epsilon (f.r_lmn_mem, grok_pearson (xs, ys, 5), 1e-12);
  g_assert_cmpint (grok_phase_of (f.memorised_step, f.generalised_step, 10), ==,
                   GROK_PHASE_MEMORISATION);
}

static void
test_phases (void)
{
  g_assert_cmpint (grok_phase_of (-1, -1, 10), ==, GROK_PHASE_CONFUSION);
  g_assert_cmpint (grok_phase_of (100, -1, 10), ==, GROK_PHASE_MEMORISATION);
  g_assert_cmpint (grok_phase_of (100, 999, 10), ==, GROK_PHASE_COMPREHENSION);
  g_assert_cmpint (grok_phase_of (100, 1000, 10), ==, GROK_PHASE_GROKKING);
  /* memorised at step 0 counts as step 1 */
  g_assert_cmpint (grok_phase_of (0, 10, 10), ==, GROK_PHASE_GROKKING);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/sweep/bad-inputs", test_bad_inputs);
  g_test_add_func ("/engine/sweep/cells", test_cells);
  g_test_add_func ("/engine/sweep/base-axis", test_base_axis);
  g_test_add_func ("/engine/sweep/plan", test_plan);
  g_test_add_func ("/engine/sweep/findings", test_findings);
  g_test_add_func ("/engine/sweep/phases", test_phases);
  return g_test_run ();
}
