/* Safetensors files of typed tensors (checkpoints, a run's views files), read with every check
 * and kept whole in memory. */
#include "grok-safetensors.h"
#include "grok-safetensors-private.h"

#include <string.h>

struct _GrokSafetensorsFile
{
  GArray     *tensors;    /* GrokSafetensor, canonical order; names and data owned */
  GHashTable *metadata;
};

GrokSafetensorsFile *
grok_safetensors_file_read (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return grok_safetensors_file_read_at (GROK_FILE_AT_PATH (path), error);
}

/* what names the kind of file in an I/O error; any_dtype allows every GrokDtype, else F32 */
static GrokSafetensorsFile *
file_read (const GrokFileAt *at, const char *what, gboolean any_dtype, GError **error)
{
  GrokSafetensorsParsed p = { 0 };
  GrokSafetensorsFile *file = NULL;

  if (grok_safetensors_parse (at, what, any_dtype, &p, error))
    {
      file = g_new0 (GrokSafetensorsFile, 1);
      file->tensors = g_array_sized_new (FALSE, TRUE, sizeof (GrokSafetensor), p.entries->len);
      for (guint i = 0; i < p.entries->len; i++)
        {
          const GrokSafetensorsEntry *e = &g_array_index (p.entries, GrokSafetensorsEntry, i);
          /* each tensor in its own allocation, so that it is aligned for its type */
          GrokSafetensor t = { .name = g_strdup (e->name), .dtype = e->dtype, .ndim = e->ndim,
                               .data = g_memdup2 (p.contents + 8 + p.header_len + e->begin,
                                                  e->end - e->begin) };

          memcpy (t.shape, e->shape, sizeof t.shape);
          g_array_append_val (file->tensors, t);
        }
      file->metadata = g_steal_pointer (&p.metadata);
    }
  grok_safetensors_parsed_clear (&p);
  return file;
}

GrokSafetensorsFile *
grok_safetensors_file_read_at (const GrokFileAt *at, GError **error)
{
  g_return_val_if_fail (at != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return file_read (at, "file", TRUE, error);
}

GrokSafetensorsFile *
grok_safetensors_file_read_checkpoint_at (const GrokFileAt *at, GError **error)
{
  g_return_val_if_fail (at != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return file_read (at, "checkpoint", FALSE, error);
}

void
grok_safetensors_file_free (GrokSafetensorsFile *file)
{
  if (file == NULL)
    return;
  for (guint i = 0; i < file->tensors->len; i++)
    {
      GrokSafetensor *t = &g_array_index (file->tensors, GrokSafetensor, i);
      g_free ((char *) t->name);
      g_free ((gpointer) t->data);
    }
  g_array_unref (file->tensors);
  g_hash_table_unref (file->metadata);
  g_free (file);
}

GHashTable *
grok_safetensors_file_get_metadata (GrokSafetensorsFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);
  return file->metadata;
}

const GrokSafetensor *
grok_safetensors_file_lookup (GrokSafetensorsFile *file, const char *name)
{
  g_return_val_if_fail (file != NULL && name != NULL, NULL);
  for (guint i = 0; i < file->tensors->len; i++)
    if (g_str_equal (g_array_index (file->tensors, GrokSafetensor, i).name, name))
      return &g_array_index (file->tensors, GrokSafetensor, i);
  return NULL;
}

const GrokSafetensor *
grok_safetensors_file_get_tensors (GrokSafetensorsFile *file, int *n_tensors)
{
  g_return_val_if_fail (file != NULL && n_tensors != NULL, NULL);
  *n_tensors = (int) file->tensors->len;
  return (const GrokSafetensor *) file->tensors->data;
}

gsize
grok_safetensor_numel (const GrokSafetensor *tensor)
{
  gsize n = 1;

  for (int d = 0; d < tensor->ndim; d++)
    n *= (gsize) tensor->shape[d];
  return n;
}
