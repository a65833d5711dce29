/* A table of measurements: named columns, one row per evaluation step, stored as doubles.
 * It is what metrics.csv holds and what the curve views draw. A missing value is NAN.
 *
 * A table handed to another thread or widget is immutable from then on and reference-counted:
 * grok_metrics_ref takes a reference, grok_metrics_unref releases one (the last frees it), so a
 * reader holding a table learns that nothing changed from its pointer alone. */
#pragma once

#include <glib.h>

#include "grok-fileio.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *columns;   /* char *, owned */
  GArray    *values;    /* double, row-major, n_rows * columns->len */
  guint      n_rows;
} GrokMetrics;

GrokMetrics *grok_metrics_new          (const char * const *columns);
void         grok_metrics_unref         (GrokMetrics *metrics);
GrokMetrics *grok_metrics_ref          (const GrokMetrics *metrics);
GrokMetrics *grok_metrics_copy         (const GrokMetrics *metrics);
guint        grok_metrics_n_columns    (const GrokMetrics *metrics);
/* -1 when absent */
int          grok_metrics_column_index (const GrokMetrics *metrics, const char *name);
/* row has n_columns values */
void         grok_metrics_append_row   (GrokMetrics *metrics, const double *row);
static inline double
grok_metrics_get (const GrokMetrics *metrics, guint row, guint col)
{
  return g_array_index (metrics->values, double, (gsize) row * metrics->columns->len + col);
}
/* a freshly allocated copy of one column (n_rows values); NULL when the column is absent */
double      *grok_metrics_column       (const GrokMetrics *metrics, const char *name);
/* CSV text: the header line, one line per row; numbers with %.9g, NAN as an empty field.
 * Each returned line ends with its '\n', so one write appends one whole line. */
char        *grok_metrics_format_header (const GrokMetrics *metrics);
char        *grok_metrics_format_row    (const GrokMetrics *metrics, guint row);
/* the whole table: the header and every row */
char        *grok_metrics_format_csv    (const GrokMetrics *metrics);

/* metrics.csv as read, by the same rules for every reader: every line that is a row of numbers
 * is kept, in order, with its text; every other line (a NUL byte in it, or a step not larger
 * than the step of the row kept before it) is skipped and named in damaged. A last line
 * without its newline (also a zero-filled tail) is what a crash leaves of a write cut short:
 * it is left out and named in cut_short. */
typedef struct
{
  GrokMetrics *metrics;
  char        *header;     /* the first line, with its '\n' */
  GPtrArray   *lines;      /* char *: each row's line as read, with its '\n' */
  GPtrArray   *damaged;    /* char *: "PATH:LINE: why", one per skipped line */
  char        *cut_short;  /* "PATH:LINE: ..." for an incomplete last line, or NULL */
} GrokMetricsRead;

/* NULL with an error naming the file when it cannot be read or has no valid header line */
GrokMetricsRead *grok_metrics_read      (const char *path, GError **error);
/* the same for a file in an open folder (grok-fileio.h): never read through a link */
GrokMetricsRead *grok_metrics_read_at   (const GrokFileAt *at, GError **error);
void             grok_metrics_read_free (GrokMetricsRead *read);
/* the rows of metrics.csv when no line is damaged (an incomplete last line is left out);
 * otherwise an error naming the file and the first damaged line */
GrokMetrics *grok_metrics_load_csv      (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokMetrics, grok_metrics_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokMetricsRead, grok_metrics_read_free)

G_END_DECLS
