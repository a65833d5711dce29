/* A parameter table as a checkpoint: the table's tensors as plain named safetensors and back. */
#include "grok-params.h"

#include "grok-error.h"

#include <string.h>

GrokSafetensor *
grok_params_to_tensors (const GrokParams *params)
{
  GrokSafetensor *tensors;

  g_return_val_if_fail (params != NULL && params->canonical != NULL, NULL);
  tensors = g_new0 (GrokSafetensor, MAX (params->n_tensors, 1));
  for (int c = 0; c < params->n_tensors; c++)
    {
      const GrokTensor *t = &params->tensors[params->canonical[c]];

      tensors[c] = (GrokSafetensor) { .name = t->name, .dtype = GROK_DTYPE_F32, .ndim = t->ndim,
                                      .data = params->data + t->offset };
      memcpy (tensors[c].shape, t->shape, sizeof t->shape);
    }
  return tensors;
}

GrokParams *
grok_params_from_tensors (const GrokSafetensor *tensors, int n)
{
  GrokParams *params = grok_params_new ();

  g_return_val_if_fail (n == 0 || tensors != NULL, params);
  for (int i = 0; i < n; i++)
    {
      g_return_val_if_fail (tensors[i].dtype == GROK_DTYPE_F32, params);
      grok_params_add (params, tensors[i].name, tensors[i].ndim, tensors[i].shape);
    }
  grok_params_allocate (params);
  for (int i = 0; i < n; i++)
    memcpy (grok_params_tensor_data (params, i), tensors[i].data,
            params->tensors[i].numel * sizeof (float));
  return params;
}

gboolean
grok_params_write (const char *path, const GrokParams *params, GHashTable *metadata,
                   GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return grok_params_write_at (GROK_FILE_AT_PATH (path), params, metadata, error);
}

gboolean
grok_params_write_at (const GrokFileAt *at, const GrokParams *params, GHashTable *metadata,
                      GError **error)
{
  g_autofree GrokSafetensor *tensors = NULL;

  g_return_val_if_fail (at != NULL, FALSE);
  g_return_val_if_fail (params != NULL && params->canonical != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tensors = grok_params_to_tensors (params);
  return grok_safetensors_write_tensors_at (at, tensors, params->n_tensors, metadata, error);
}

GrokParams *
grok_params_read (const char *path, GHashTable **metadata_out, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return grok_params_read_at (GROK_FILE_AT_PATH (path), metadata_out, error);
}

GrokParams *
grok_params_read_at (const GrokFileAt *at, GHashTable **metadata_out, GError **error)
{
  g_autoptr (GrokSafetensorsFile) file = NULL;
  const GrokSafetensor *tensors;
  int n;

  g_return_val_if_fail (at != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = grok_safetensors_file_read_checkpoint_at (at, error);
  if (file == NULL)
    return NULL;
  if (metadata_out != NULL)
    *metadata_out = g_hash_table_ref (grok_safetensors_file_get_metadata (file));
  tensors = grok_safetensors_file_get_tensors (file, &n);
  return grok_params_from_tensors (tensors, n);
}

/* the first difference in names or shapes between the file and the model, or NULL */
static char *
describe_mismatch (const GrokParams *file, const GrokParams *model)
{
  for (int i = 0; i < model->n_tensors; i++)
    {
      const GrokTensor *m = &model->tensors[model->canonical[i]];
      int j = grok_params_find (file, m->name);
      const GrokTensor *f = j >= 0 ? &file->tensors[j] : NULL;

      if (f == NULL)
        return g_strdup_printf ("checkpoint has no tensor '%s'", m->name);
      if (f->ndim != m->ndim || memcmp (f->shape, m->shape, sizeof (int) * (gsize) m->ndim) != 0)
        {
          g_autofree char *fs = grok_safetensors_format_shape (f->shape, f->ndim);
          g_autofree char *ms = grok_safetensors_format_shape (m->shape, m->ndim);
          return g_strdup_printf ("tensor '%s' is %s in the file but %s in the model",
                                  m->name, fs, ms);
        }
    }
  for (int j = 0; j < file->n_tensors; j++)
    if (grok_params_find (model, file->tensors[file->canonical[j]].name) < 0)
      return g_strdup_printf ("checkpoint has a tensor '%s' that the model does not have",
                              file->tensors[file->canonical[j]].name);
  return NULL;
}

gboolean
grok_params_load_into (const char *path, GrokParams *params, GHashTable **metadata_out,
                       GError **error)
{
  g_autoptr(GrokParams) file = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autofree char *mismatch = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (params != NULL && params->data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = grok_params_read (path, &metadata, error);
  if (file == NULL)
    return FALSE;
  mismatch = describe_mismatch (file, params);
  if (mismatch != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s: %s", path, mismatch);
      return FALSE;
    }
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      int j = grok_params_find (file, t->name);

      memcpy (params->data + t->offset, grok_params_tensor_data (file, j),
              t->numel * sizeof (float));
    }
  if (metadata_out != NULL)
    *metadata_out = g_steal_pointer (&metadata);
  return TRUE;
}
