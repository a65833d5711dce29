/* Comparing runs: interpolation on the step axis worked by hand for two runs evaluated at
 * different steps, labels by what differs, grouping of seeds, clipping at a step, and the
 * refusal of a run of another task. */
#include <math.h>
#include <string.h>

#include "grok-compare.h"
#include "grok-error.h"

/* a table of step and one column y */
static GrokMetrics *
rows (const double *steps, const double *ys, guint n)
{
  static const char *columns[] = { "step", "y", NULL };
  GrokMetrics *m = grok_metrics_new (columns);

  for (guint i = 0; i < n; i++)
    {
      double row[2] = { steps[i], ys[i] };
      grok_metrics_append_row (m, row);
    }
  return m;
}

static GrokConfig *
config_with (const char *wd, const char *seed)
{
  GrokConfig *config = grok_config_new_default ();
  g_autofree char *a = g_strdup_printf ("optim.weight_decay=%s", wd);
  g_autofree char *b = g_strdup_printf ("seed=%s", seed);

  g_assert_true (grok_config_set (config, a, NULL));
  g_assert_true (grok_config_set (config, b, NULL));
  return config;
}

/* A at 0,10,20 (y = step / 10), B at 0,5,15,25 (y = 2 step) */
static GrokMetrics *run_a (void) { return rows ((double[]) { 0, 10, 20 }, (double[]) { 0, 1, 2 }, 3); }
static GrokMetrics *run_b (void)
{
  return rows ((double[]) { 0, 5, 15, 25 }, (double[]) { 0, 10, 30, 50 }, 4);
}

static void
test_value_at (void)
{
  g_autoptr (GrokMetrics) b = run_b ();

  g_assert_cmpfloat (grok_compare_value_at (b, "step", "y", 5), ==, 10);
  g_assert_cmpfloat_with_epsilon (grok_compare_value_at (b, "step", "y", 10), 20, 1e-12);
  g_assert_cmpfloat_with_epsilon (grok_compare_value_at (b, "step", "y", 20), 40, 1e-12);
  g_assert_true (isnan (grok_compare_value_at (b, "step", "y", 26)));   /* no extrapolation */
  g_assert_true (isnan (grok_compare_value_at (b, "step", "y", -1)));
  g_assert_true (isnan (grok_compare_value_at (b, "step", "missing", 5)));
}

static void
test_group_interpolated (void)
{
  g_autoptr (GrokConfig) ca = config_with ("1", "0");
  g_autoptr (GrokConfig) cb = config_with ("1", "1");
  g_autoptr (GrokMetrics) a = run_a ();
  g_autoptr (GrokMetrics) b = run_b ();
  g_autoptr (GrokComparison) cmp = grok_comparison_new ("/runs/a", ca, "a", NULL);
  g_autoptr (GPtrArray) lines = NULL;
  /* on the union of steps: A interpolated at 5 and 15, B at 10 and 20, A absent at 25 */
  static const double want_x[] = { 0, 5, 10, 15, 20, 25 };
  static const double want_mean[] = { 0, 5.25, 10.5, 15.75, 21, 50 };
  static const double want_lo[] = { 0, 0.5, 1, 1.5, 2, 50 };
  static const double want_hi[] = { 0, 10, 20, 30, 40, 50 };
  GrokCompareLine *line;

  g_assert_true (grok_comparison_add (cmp, "b", cb, b, NULL));
  g_assert_cmpstr (grok_comparison_run_label (cmp, 0), ==, "Seed 0");
  g_assert_cmpstr (grok_comparison_run_label (cmp, 1), ==, "Seed 1");
  g_assert_cmpuint (grok_comparison_n_groups (cmp), ==, 1);

  lines = grok_comparison_lines (cmp, a, "step", "y", TRUE, NAN);
  g_assert_cmpuint (lines->len, ==, 1);
  line = lines->pdata[0];
  g_assert_cmpuint (line->n_runs, ==, 2);
  g_assert_cmpuint (line->x->len, ==, G_N_ELEMENTS (want_x));
  for (guint i = 0; i < G_N_ELEMENTS (want_x); i++)
    {
      g_assert_cmpfloat (g_array_index (line->x, double, i), ==, want_x[i]);
      g_assert_cmpfloat_with_epsilon (g_array_index (line->y, double, i), want_mean[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (g_array_index (line->lo, double, i), want_lo[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (g_array_index (line->hi, double, i), want_hi[i], 1e-12);
    }
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* overlaid: each run on its own rows, colours 0 and 1; clipped at step 12 */
  lines = grok_comparison_lines (cmp, a, "step", "y", FALSE, 12);
  g_assert_cmpuint (lines->len, ==, 2);
  line = lines->pdata[0];
  g_assert_cmpuint (line->color, ==, 0);
  g_assert_null (line->lo);
  g_assert_cmpuint (line->x->len, ==, 2);   /* 0, 10 */
  line = lines->pdata[1];
  g_assert_cmpuint (line->color, ==, 1);
  g_assert_cmpstr (line->label, ==, "Seed 1");
  g_assert_cmpuint (line->x->len, ==, 2);   /* 0, 5 */
  g_assert_cmpfloat (g_array_index (line->x, double, 1), ==, 5);
}

static void
test_labels_and_groups (void)
{
  g_autoptr (GrokConfig) c0 = config_with ("1", "0");
  g_autoptr (GrokConfig) c1 = config_with ("1", "1");
  g_autoptr (GrokConfig) c2 = config_with ("0.1", "0");
  g_autoptr (GrokMetrics) a = run_a ();
  g_autoptr (GrokMetrics) b = run_b ();
  g_autoptr (GrokComparison) cmp = grok_comparison_new ("/runs/a", c0, "a", NULL);
  g_autoptr (GPtrArray) lines = NULL;

  g_assert_true (grok_comparison_add (cmp, "b", c1, b, NULL));
  g_assert_true (grok_comparison_add (cmp, "c", c2, a, NULL));
  g_assert_cmpstr (grok_comparison_run_label (cmp, 0), ==, "Weight decay 1, Seed 0");
  g_assert_cmpstr (grok_comparison_run_label (cmp, 1), ==, "Weight decay 1, Seed 1");
  g_assert_cmpstr (grok_comparison_run_label (cmp, 2), ==, "Weight decay 0.1, Seed 0");
  g_assert_cmpuint (grok_comparison_n_groups (cmp), ==, 2);
  g_assert_cmpuint (grok_comparison_run_group (cmp, 1), ==, 0);
  g_assert_cmpuint (grok_comparison_run_group (cmp, 2), ==, 1);
  g_assert_cmpstr (grok_comparison_group_label (cmp, 0), ==, "Weight decay 1");
  g_assert_cmpstr (grok_comparison_group_label (cmp, 1), ==, "Weight decay 0.1");
  lines = grok_comparison_lines (cmp, a, "step", "y", TRUE, NAN);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpuint (((GrokCompareLine *) lines->pdata[0])->n_runs, ==, 2);
  g_assert_cmpuint (((GrokCompareLine *) lines->pdata[1])->n_runs, ==, 1);
  g_assert_null (((GrokCompareLine *) lines->pdata[1])->lo);
}

static void
test_refused (void)
{
  g_autoptr (GrokConfig) shown = grok_config_new_default ();
  g_autoptr (GrokConfig) other = grok_config_new_default ();
  g_autoptr (GrokMetrics) a = run_a ();
  g_autoptr (GrokComparison) cmp = grok_comparison_new ("/runs/a", shown, "a", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (grok_config_set (shown, "task.p=97", NULL));
  g_assert_true (grok_config_set (other, "task.p=31", NULL));
  g_assert_false (grok_comparison_add (cmp, "quick-31", other, a, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "quick-31"));
  g_assert_nonnull (strstr (error->message, "Modulus p 31, not 97"));
  g_assert_cmpuint (grok_comparison_n_runs (cmp), ==, 1);
  g_clear_error (&error);

  g_assert_true (grok_config_set (other, "task.p=97", NULL));
  g_assert_true (grok_config_set (other, "task.name=xor_bits", NULL));
  g_assert_false (grok_compare_check (shown, other, "xor", &error));
  g_assert_nonnull (strstr (error->message, "xor is of another task"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compare/value-at", test_value_at);
  g_test_add_func ("/compare/group-interpolated", test_group_interpolated);
  g_test_add_func ("/compare/labels-and-groups", test_labels_and_groups);
  g_test_add_func ("/compare/refused", test_refused);
  return g_test_run ();
}
