/* The metrics table and its CSV form (metrics.csv): a header naming every column, then one
 * line per evaluation, numbers written with %.9g in the C locale and a missing value (NAN) as
 * an empty field. The reader forgives only what a crash can leave: a last line cut short. */
#include "grok-metrics.h"
#include "grok-error.h"

#include <math.h>
#include <string.h>

GrokMetrics *
grok_metrics_new (const char * const *columns)
{
  GrokMetrics *metrics;

  g_return_val_if_fail (columns != NULL, NULL);

  metrics = g_atomic_rc_box_new0 (GrokMetrics);
  metrics->columns = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; columns[i] != NULL; i++)
    g_ptr_array_add (metrics->columns, g_strdup (columns[i]));
  metrics->values = g_array_new (FALSE, FALSE, sizeof (double));
  metrics->n_rows = 0;
  return metrics;
}

static void
metrics_clear (gpointer data)
{
  GrokMetrics *metrics = data;

  g_ptr_array_unref (metrics->columns);
  g_array_unref (metrics->values);
}

void
grok_metrics_unref (GrokMetrics *metrics)
{
  if (metrics != NULL)
    g_atomic_rc_box_release_full (metrics, metrics_clear);
}

GrokMetrics *
grok_metrics_ref (const GrokMetrics *metrics)
{
  g_return_val_if_fail (metrics != NULL, NULL);
  return g_atomic_rc_box_acquire ((GrokMetrics *) metrics);
}

GrokMetrics *
grok_metrics_copy (const GrokMetrics *metrics)
{
  GrokMetrics *copy;

  g_return_val_if_fail (metrics != NULL, NULL);

  copy = g_atomic_rc_box_new0 (GrokMetrics);
  copy->columns = g_ptr_array_new_full (metrics->columns->len, g_free);
  for (guint i = 0; i < metrics->columns->len; i++)
    g_ptr_array_add (copy->columns, g_strdup (g_ptr_array_index (metrics->columns, i)));
  copy->values = g_array_sized_new (FALSE, FALSE, sizeof (double), metrics->values->len);
  g_array_append_vals (copy->values, metrics->values->data, metrics->values->len);
  copy->n_rows = metrics->n_rows;
  return copy;
}

guint
grok_metrics_n_columns (const GrokMetrics *metrics)
{
  g_return_val_if_fail (metrics != NULL, 0);
  return metrics->columns->len;
}

int
grok_metrics_column_index (const GrokMetrics *metrics, const char *name)
{
  g_return_val_if_fail (metrics != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < metrics->columns->len; i++)
    if (strcmp (g_ptr_array_index (metrics->columns, i), name) == 0)
      return (int) i;
  return -1;
}

void
grok_metrics_append_row (GrokMetrics *metrics, const double *row)
{
  g_return_if_fail (metrics != NULL);
  g_return_if_fail (row != NULL || metrics->columns->len == 0);

  if (metrics->columns->len > 0)
    g_array_append_vals (metrics->values, row, metrics->columns->len);
  metrics->n_rows++;
}

double *
grok_metrics_column (const GrokMetrics *metrics, const char *name)
{
  double *out;
  int col;

  g_return_val_if_fail (metrics != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  col = grok_metrics_column_index (metrics, name);
  if (col < 0)
    return NULL;
  out = g_new (double, MAX (metrics->n_rows, 1));
  for (guint r = 0; r < metrics->n_rows; r++)
    out[r] = grok_metrics_get (metrics, r, (guint) col);
  return out;
}

char *
grok_metrics_format_header (const GrokMetrics *metrics)
{
  GString *line;

  g_return_val_if_fail (metrics != NULL, NULL);

  line = g_string_new (NULL);
  for (guint i = 0; i < metrics->columns->len; i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      g_string_append (line, g_ptr_array_index (metrics->columns, i));
    }
  g_string_append_c (line, '\n');
  return g_string_free (line, FALSE);
}

char *
grok_metrics_format_row (const GrokMetrics *metrics, guint row)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GString *line;

  g_return_val_if_fail (metrics != NULL, NULL);
  g_return_val_if_fail (row < metrics->n_rows, NULL);

  line = g_string_new (NULL);
  for (guint c = 0; c < metrics->columns->len; c++)
    {
      double v = grok_metrics_get (metrics, row, c);

      if (c > 0)
        g_string_append_c (line, ',');
      /* g_ascii_formatd keeps the decimal point a '.' whatever the user's locale */
      if (!isnan (v))
        g_string_append (line, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
    }
  g_string_append_c (line, '\n');
  return g_string_free (line, FALSE);
}

char *
grok_metrics_format_csv (const GrokMetrics *metrics)
{
  GString *text;

  g_return_val_if_fail (metrics != NULL, NULL);

  text = g_string_new (NULL);
  {
    g_autofree char *header = grok_metrics_format_header (metrics);
    g_string_append (text, header);
  }
  for (guint r = 0; r < metrics->n_rows; r++)
    {
      g_autofree char *line = grok_metrics_format_row (metrics, r);
      g_string_append (text, line);
    }
  return g_string_free (text, FALSE);
}

/* one field of a data line: empty is NAN, anything else must be a whole number in C syntax */
static gboolean
grok_metrics_parse_field (const char *field, double *out)
{
  char *end = NULL;

  if (field[0] == '\0')
    {
      *out = NAN;
      return TRUE;
    }
  *out = g_ascii_strtod (field, &end);
  return end != field && *end == '\0';
}

/* a data line into row (n_columns values); NULL, or why it is not a row */
static char *
grok_metrics_parse_line (const GrokMetrics *metrics, const char *line, double *row)
{
  /* g_strsplit gives no field for an empty line, which is one empty field: the row a table of
   * one column writes for a missing value */
  g_auto (GStrv) fields = line[0] != '\0' ? g_strsplit (line, ",", -1)
                                          : g_strdupv ((char *[]) { (char *) "", NULL });
  guint n = g_strv_length (fields);
  guint n_columns = metrics->columns->len;

  if (n != n_columns)
    return g_strdup_printf ("%u fields where the header names %u columns", n, n_columns);
  for (guint i = 0; i < n; i++)
    if (!grok_metrics_parse_field (g_strstrip (fields[i]), &row[i]))
      return g_strdup_printf ("column “%s” holds “%.32s%s”, which is not a number",
                              (const char *) g_ptr_array_index (metrics->columns, i), fields[i],
                              strlen (fields[i]) > 32 ? "..." : "");
  return NULL;
}

static GrokMetrics *
grok_metrics_parse_header (char *line, const char *path, GError **error)
{
  g_auto (GStrv) names = g_strsplit (line, ",", -1);

  if (names[0] == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s:1: the header line is empty", path);
      return NULL;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_strstrip (names[i]);
      if (names[i][0] == '\0')
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                       "%s:1: the header has an empty column name (column %u)", path, i + 1);
          return NULL;
        }
      for (guint j = 0; j < i; j++)
        if (strcmp (names[i], names[j]) == 0)
          {
            g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                         "%s:1: the header names column “%s” twice", path, names[i]);
            return NULL;
          }
    }
  return grok_metrics_new ((const char * const *) names);
}

void
grok_metrics_read_free (GrokMetricsRead *read)
{
  if (read == NULL)
    return;
  grok_metrics_unref (read->metrics);
  g_free (read->header);
  g_clear_pointer (&read->lines, g_ptr_array_unref);
  g_ptr_array_unref (read->damaged);
  g_free (read->cut_short);
  g_free (read);
}

/* the file's text, refused when it cannot be a metrics table */
static char *
grok_metrics_read_text (const GrokFileAt *at, gsize *length, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *path = at->shown;

  if (!grok_file_read_at (at, G_MAXSIZE, &text, length, &local_error))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read the metrics table: %s",
                   local_error->message);
      return NULL;
    }
  {
    const char *newline = memchr (text, '\n', *length);
    if (newline == NULL)
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                     "%s:1: the header line is missing or incomplete", path);
        return NULL;
      }
    if (memchr (text, '\0', newline - text) != NULL)
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                     "%s:1: the header line holds a NUL byte; this is not a metrics table", path);
        return NULL;
      }
  }
  return g_steal_pointer (&text);
}

/* why a row of steps cannot follow the rows kept so far, or NULL: each step is written once, in
 * increasing order, so a repeated or earlier one is damage (a line written twice, or rows of
 * two runs mixed) */
static char *
grok_metrics_check_order (const GrokMetricsRead *read, const double *row)
{
  int col = grok_metrics_column_index (read->metrics, "step");
  double last;

  if (col < 0 || read->metrics->n_rows == 0 || isnan (row[col]))
    return NULL;
  last = grok_metrics_get (read->metrics, read->metrics->n_rows - 1, col);
  if (row[col] == last)
    return g_strdup_printf ("a second row of step %.17g (an earlier line has it)", row[col]);
  if (row[col] < last)
    return g_strdup_printf ("step %.17g comes after step %.17g (steps must increase)", row[col],
                            last);
  return NULL;
}

/* one line of text (ended by its '\n' at end) into read: a row, or a damaged line */
static void
grok_metrics_read_line (GrokMetricsRead *read, const char *line, const char *end,
                        const char *path, guint lineno, double *row)
{
  gsize length = end > line && end[-1] == '\r' ? end - line - 1 : end - line;
  g_autofree char *bare = g_strndup (line, length);
  g_autofree char *why = NULL;

  /* a NUL byte (the zeros a power cut leaves on some file systems) would end the text early */
  if (memchr (line, '\0', length) != NULL)
    why = g_strdup ("holds NUL bytes (zeros where text was to be written)");
  else
    why = grok_metrics_parse_line (read->metrics, bare, row);
  if (why == NULL)
    why = grok_metrics_check_order (read, row);

  if (why != NULL)
    {
      g_ptr_array_add (read->damaged, g_strdup_printf ("%s:%u: %s", path, lineno, why));
      return;
    }
  grok_metrics_append_row (read->metrics, row);
  g_ptr_array_add (read->lines, g_strndup (line, end - line + 1));
}

GrokMetricsRead *
grok_metrics_read (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return grok_metrics_read_at (GROK_FILE_AT_PATH (path), error);
}

GrokMetricsRead *
grok_metrics_read_at (const GrokFileAt *at, GError **error)
{
  const char *path;
  g_autofree char *text = NULL;
  g_autoptr (GrokMetricsRead) read = NULL;
  g_autofree double *row = NULL;
  const char *line, *next, *end;
  gsize length = 0;
  guint lineno = 1;

  g_return_val_if_fail (at != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = at->shown;
  text = grok_metrics_read_text (at, &length, error);
  if (text == NULL)
    return NULL;
  end = text + length;
  /* '#' lines before the header are comments (a figure's CSV states what its title does) */
  line = text;
  while (line < end && line[0] == '#' && (next = memchr (line, '\n', end - line)) != NULL)
    line = next + 1, lineno++;
  next = line < end ? memchr (line, '\n', (gsize) (end - line)) : NULL;
  if (next == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "%s:%u: the header line is missing or incomplete", path, lineno);
      return NULL;
    }
  read = g_new0 (GrokMetricsRead, 1);
  read->lines = g_ptr_array_new_with_free_func (g_free);
  read->damaged = g_ptr_array_new_with_free_func (g_free);
  read->header = g_strndup (line, next - line + 1);
  {
    g_autofree char *bare = g_strndup (line, next > line && next[-1] == '\r' ? next - line - 1
                                                                             : next - line);
    read->metrics = grok_metrics_parse_header (bare, path, error);
  }
  if (read->metrics == NULL)
    return NULL;
  /* written out again, a header whose first name starts with '#' would read as a comment */
  if (read->metrics->columns->len > 0 &&
      ((const char *) read->metrics->columns->pdata[0])[0] == '#')
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "%s:%u: the header's first column \"%s\" starts with '#', which marks a "
                   "comment line", path, lineno, (const char *) read->metrics->columns->pdata[0]);
      return NULL;
    }
  row = g_new (double, MAX (read->metrics->columns->len, 1));
  /* only lines ended by a newline count: an unterminated tail is a row whose write was cut
   * short, or the zeros a power cut leaves where the last writes were to go */
  for (line = next + 1; (next = memchr (line, '\n', end - line)) != NULL; line = next + 1)
    if (line[0] == '#')
      ++lineno;   /* a comment */
    else
      grok_metrics_read_line (read, line, next, path, ++lineno, row);
  if (line < end && memchr (line, '\0', end - line) != NULL)
    read->cut_short = g_strdup_printf ("%s:%u: the last %" G_GSIZE_FORMAT " bytes hold NUL "
                                       "bytes and no line end (a write cut short, as by a power "
                                       "cut); they are left out", path, lineno + 1,
                                       (gsize) (end - line));
  else if (line < end)
    read->cut_short = g_strdup_printf ("%s:%u: the last line is incomplete (a write cut short); "
                                       "it is left out", path, lineno + 1);
  return g_steal_pointer (&read);
}

GrokMetrics *
grok_metrics_load_csv (const char *path, GError **error)
{
  g_autoptr (GrokMetricsRead) read = grok_metrics_read (path, error);

  if (read == NULL)
    return NULL;
  if (read->damaged->len > 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s",
                   (const char *) read->damaged->pdata[0]);
      return NULL;
    }
  return g_steal_pointer (&read->metrics);
}
