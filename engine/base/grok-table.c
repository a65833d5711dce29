/* Names of table rows. */
#include "grok-table.h"

#include "grok-error.h"

static const char *
row_name (gconstpointer rows, gsize row_size, guint i)
{
  return *(const char * const *) ((const char *) rows + (gsize) i * row_size);
}

char *
grok_table_names (gconstpointer rows, gsize row_size, guint n_rows, const char *separator)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (names, "%s%s", i ? separator : "", row_name (rows, row_size, i));
  return g_string_free (names, FALSE);
}

int
grok_table_find (gconstpointer rows, gsize row_size, guint n_rows, const char *name,
                 const char *kind, const char *separator, GError **error)
{
  g_autofree char *names = NULL;

  for (guint i = 0; i < n_rows; i++)
    if (g_strcmp0 (name, row_name (rows, row_size, i)) == 0)
      return (int) i;
  names = grok_table_names (rows, row_size, n_rows, separator);
  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "unknown %s '%s': the %ss are %s", kind,
               name, kind, names);
  return -1;
}
