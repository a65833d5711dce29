/* The metrics table and its CSV form. */
#include "grok-metrics.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "grok-error.h"

GrokMetrics *
grok_metrics_new (const char * const *columns)
{
  GrokMetrics *m = g_new0 (GrokMetrics, 1);

  m->columns = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; columns[i] != NULL; i++)
    g_ptr_array_add (m->columns, g_strdup (columns[i]));
  m->values = g_array_new (FALSE, FALSE, sizeof (double));
  return m;
}

void
grok_metrics_free (GrokMetrics *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->columns);
  g_array_unref (m->values);
  g_free (m);
}

GrokMetrics *
grok_metrics_copy (const GrokMetrics *m)
{
  GrokMetrics *copy = g_new0 (GrokMetrics, 1);

  copy->columns = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < m->columns->len; i++)
    g_ptr_array_add (copy->columns, g_strdup (m->columns->pdata[i]));
  copy->values = g_array_sized_new (FALSE, FALSE, sizeof (double), m->values->len);
  g_array_append_vals (copy->values, m->values->data, m->values->len);
  copy->n_rows = m->n_rows;
  return copy;
}

guint
grok_metrics_n_columns (const GrokMetrics *m)
{
  return m->columns->len;
}

int
grok_metrics_column_index (const GrokMetrics *m, const char *name)
{
  for (guint i = 0; i < m->columns->len; i++)
    if (strcmp (m->columns->pdata[i], name) == 0)
      return i;
  return -1;
}

void
grok_metrics_append_row (GrokMetrics *m, const double *row)
{
  g_array_append_vals (m->values, row, m->columns->len);
  m->n_rows++;
}

double *
grok_metrics_column (const GrokMetrics *m, const char *name)
{
  int col = grok_metrics_column_index (m, name);
  double *out;

  if (col < 0)
    return NULL;
  out = g_new (double, MAX (m->n_rows, 1));
  for (guint r = 0; r < m->n_rows; r++)
    out[r] = grok_metrics_get (m, r, col);
  return out;
}

char *
grok_metrics_format_header (const GrokMetrics *m)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < m->columns->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", (char *) m->columns->pdata[i]);
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

char *
grok_metrics_format_row (const GrokMetrics *m, guint row)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < m->columns->len; i++)
    {
      double v = grok_metrics_get (m, row, i);
      if (i)
        g_string_append_c (s, ',');
      if (!isnan (v))
        g_string_append_printf (s, "%.9g", v);
    }
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

static gboolean
corrupt (GError **error, const char *path, int line, const char *what)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s:%d: %s", path, line, what);
  return FALSE;
}

static gboolean
parse_row (const char *line, guint n_columns, double *row, const char *path, int lineno,
           GError **error)
{
  g_auto (GStrv) fields = g_strsplit (line, ",", -1);

  if (g_strv_length (fields) != n_columns)
    {
      g_autofree char *msg = g_strdup_printf ("expected %u fields, found %u", n_columns,
                                              g_strv_length (fields));
      return corrupt (error, path, lineno, msg);
    }
  for (guint i = 0; i < n_columns; i++)
    {
      char *end = NULL;
      if (fields[i][0] == '\0')
        {
          row[i] = NAN;
          continue;
        }
      errno = 0;
      row[i] = g_ascii_strtod (fields[i], &end);
      if (end == fields[i] || *end != '\0')
        {
          g_autofree char *msg = g_strdup_printf ("field %u ('%s') is not a number", i + 1,
                                                  fields[i]);
          return corrupt (error, path, lineno, msg);
        }
    }
  return TRUE;
}

GrokMetrics *
grok_metrics_load_csv (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GrokMetrics) m = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  g_autofree double *row = NULL;
  gsize length;
  guint n_lines;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot read %s: %s", path, local->message);
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL)
    {
      corrupt (error, path, 1, "the file holds NUL bytes");
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  /* the text after the last newline is a line cut short by a crash, or empty: drop it */
  if (n_lines < 2)
    {
      corrupt (error, path, 1, "no complete header line");
      return NULL;
    }
  header = g_strsplit (lines[0], ",", -1);
  for (guint i = 0; header[i] != NULL; i++)
    if (header[i][0] == '\0')
      {
        corrupt (error, path, 1, "an empty column name in the header");
        return NULL;
      }
  m = grok_metrics_new ((const char * const *) header);
  row = g_new (double, m->columns->len);
  for (guint i = 1; i + 1 < n_lines; i++)
    {
      if (!parse_row (lines[i], m->columns->len, row, path, i + 1, error))
        return NULL;
      grok_metrics_append_row (m, row);
    }
  return g_steal_pointer (&m);
}
