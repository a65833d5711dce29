/* The metrics table: its CSV round trip, and how the reader treats what a crash leaves behind
 * (a cut-short last line) versus a damaged file (an error naming the file and the line). */
#include "grok-metrics.h"
#include "grok-error.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static const char * const columns[] = { "step", "train_loss", "test_acc", NULL };

static char *
write_temp (const char *text)
{
  GError *error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("grok-metrics-XXXXXX.csv", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_round_trip (void)
{
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  g_autoptr (GrokMetrics) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;

  /* values chosen to need all 9 significant digits, plus tiny, huge and negative ones */
  for (int r = 0; r < 50; r++)
    {
      double row[3] = { r * 100, 1.0 / (r + 3.0) * 1e-7, -M_PI * r * 1e12 };
      grok_metrics_append_row (m, row);
    }
  text = grok_metrics_format_csv (m);
  g_assert_true (g_str_has_prefix (text, "step,train_loss,test_acc\n0,"));
  path = write_temp (text);
  back = grok_metrics_load_csv (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_rows, ==, 50);
  g_assert_cmpuint (grok_metrics_n_columns (back), ==, 3);
  g_assert_cmpint (grok_metrics_column_index (back, "test_acc"), ==, 2);
  g_assert_cmpint (grok_metrics_column_index (back, "lmn"), ==, -1);
  for (guint r = 0; r < 50; r++)
    for (guint c = 0; c < 3; c++)
      {
        double a = grok_metrics_get (m, r, c), b = grok_metrics_get (back, r, c);
        /* %.9g keeps 9 significant digits: relative error at most 5e-9 */
        g_assert_cmpfloat (fabs (a - b), <=, 5e-9 * fabs (a));
      }
  g_unlink (path);
}

static void
test_truncated_last_line (void)
{
  g_autofree char *path = write_temp ("step,train_loss,test_acc\n1,0.5,0.1\n2,0.25,0.2\n3,0.1");
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) m = grok_metrics_load_csv (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (m->n_rows, ==, 2);
  g_assert_cmpfloat (grok_metrics_get (m, 1, 0), ==, 2.0);
  g_assert_cmpfloat (grok_metrics_get (m, 1, 1), ==, 0.25);
  g_unlink (path);
}

static void
test_malformed_middle_line (void)
{
  const char *bad[] = {
    "step,train_loss,test_acc\n1,0.5,0.1\n2,0.25\n3,0.1,0.3\n",        /* missing field */
    "step,train_loss,test_acc\n1,0.5,0.1\n2,zero,0.2\n3,0.1,0.3\n",    /* not a number */
    "step,train_loss,test_acc\n1,0.5,0.1\n2,0.5x,0.2,\n3,0.1,0.3\n",   /* too many fields */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_temp (bad[i]);
      g_autofree char *where = g_strdup_printf ("%s:3", path);
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokMetrics) m = grok_metrics_load_csv (path, &error);

      g_assert_null (m);
      g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, where));
      g_unlink (path);
    }
}

static void
test_nan_round_trip (void)
{
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  g_autoptr (GrokMetrics) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *row_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  double row[3] = { 10, NAN, 0.75 };

  grok_metrics_append_row (m, row);
  row_text = grok_metrics_format_row (m, 0);
  g_assert_cmpstr (row_text, ==, "10,,0.75\n");
  text = grok_metrics_format_csv (m);
  path = write_temp (text);
  back = grok_metrics_load_csv (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_rows, ==, 1);
  g_assert_true (isnan (grok_metrics_get (back, 0, 1)));
  g_assert_cmpfloat (grok_metrics_get (back, 0, 2), ==, 0.75);
  g_unlink (path);
}

/* found by fuzzing: a table of one column writes a missing value as an empty line, which must
 * read back as that row (not as a damaged line); an empty header line is no table */
static void
test_one_column_round_trip (void)
{
  const char * const one[] = { "p", NULL };
  g_autoptr (GrokMetrics) m = grok_metrics_new (one);
  g_autoptr (GrokMetricsRead) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *empty = write_temp ("\n1\n");
  double row[2] = { NAN, 2 };

  grok_metrics_append_row (m, &row[0]);
  grok_metrics_append_row (m, &row[1]);
  text = grok_metrics_format_csv (m);
  g_assert_cmpstr (text, ==, "p\n\n2\n");
  path = write_temp (text);
  back = grok_metrics_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->damaged->len, ==, 0);
  g_assert_cmpuint (back->metrics->n_rows, ==, 2);
  g_assert_true (isnan (grok_metrics_get (back->metrics, 0, 0)));
  g_assert_cmpfloat (grok_metrics_get (back->metrics, 1, 0), ==, 2.0);
  g_clear_pointer (&back, grok_metrics_read_free);
  back = grok_metrics_read (empty, &error);
  g_assert_null (back);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "header line is empty"));
  g_unlink (path);
  g_unlink (empty);
}

static void
test_column_copy (void)
{
  g_autoptr (GrokMetrics) m = grok_metrics_new (columns);
  g_autoptr (GrokMetrics) copy = NULL;
  g_autofree double *col = NULL;

  for (int r = 0; r < 4; r++)
    {
      double row[3] = { r, 2 * r, 3 * r };
      grok_metrics_append_row (m, row);
    }
  copy = grok_metrics_copy (m);
  grok_metrics_unref (g_steal_pointer (&m));
  col = grok_metrics_column (copy, "test_acc");
  g_assert_nonnull (col);
  for (int r = 0; r < 4; r++)
    g_assert_cmpfloat (col[r], ==, 3.0 * r);
  g_assert_null (grok_metrics_column (copy, "nope"));
}

/* '#' lines are comments, before the header (a figure's CSV states its title's numbers so) and
 * between rows; a damaged line after them is still named by its own line number */
static void
test_comment_lines_skipped (void)
{
  g_autofree char *path = write_temp ("# steps=1..3\n# panel=Loss\nstep,train_loss,test_acc\n"
                                      "1,0.5,0.1\n# between\n3,0.25,0.75\n");
  g_autofree char *bad = write_temp ("# one\n# two\nstep,train_loss,test_acc\n1,0.5,0.1\n"
                                     "2,x,0.2\n");
  g_autofree char *where = g_strdup_printf ("%s:5", bad);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) m = grok_metrics_load_csv (path, &error);
  g_autoptr (GrokMetrics) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (m->n_rows, ==, 2);
  g_assert_cmpuint (m->columns->len, ==, 3);
  g_assert_cmpstr (m->columns->pdata[0], ==, "step");
  g_assert_cmpfloat (grok_metrics_get (m, 1, 0), ==, 3);
  g_assert_cmpfloat (grok_metrics_get (m, 1, 2), ==, 0.75);
  none = grok_metrics_load_csv (bad, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, where));
  g_unlink (path);
  g_unlink (bad);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokMetrics) m = grok_metrics_load_csv ("/nonexistent/run/metrics.csv", &error);

  g_assert_null (m);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/run/metrics.csv"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/metrics/round-trip", test_round_trip);
  g_test_add_func ("/engine/metrics/one-column-round-trip", test_one_column_round_trip);
  g_test_add_func ("/engine/metrics/truncated-last-line-dropped", test_truncated_last_line);
  g_test_add_func ("/engine/metrics/malformed-line-names-file-and-line", test_malformed_middle_line);
  g_test_add_func ("/engine/metrics/nan-round-trip", test_nan_round_trip);
  g_test_add_func ("/engine/metrics/column-and-copy", test_column_copy);
  g_test_add_func ("/engine/metrics/missing-file", test_missing_file);
  g_test_add_func ("/engine/metrics/comment-lines-skipped", test_comment_lines_skipped);
  return g_test_run ();
}
