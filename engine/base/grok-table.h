/* Finding a row by name in a table of kinds (measures, views) whose rows begin with their
 * name, so that every table answers an unknown name the same way: listing the names it has. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the index of the row named name among n_rows rows of row_size bytes, each starting with a
 * const char *name; -1 with a GROK_ERROR_CONFIG error "unknown KIND 'NAME': the KINDs are A,
 * B, ..." (names joined by separator) when none is */
int   grok_table_find  (gconstpointer rows, gsize row_size, guint n_rows, const char *name,
                        const char *kind, const char *separator, GError **error);
/* the rows' names joined by separator */
char *grok_table_names (gconstpointer rows, gsize row_size, guint n_rows, const char *separator);

G_END_DECLS
