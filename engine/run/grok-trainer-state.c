/* Saving and restoring a trainer's complete state in one checkpoint file, so that a run stopped,
 * crashed or forked at a checkpoint continues exactly as if it had never stopped. */
#include "grok-trainer.h"

#include <string.h>

#include "grok-error.h"
#include "grok-safetensors.h"

#define FORMAT_NAME "grokscope-checkpoint-1"
#define M_PREFIX "optim.m."
#define V_PREFIX "optim.v."
#define ORDER_NAME "train.order"

static gboolean
corrupt (GError **error, const char *path, const char *what)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
               "the checkpoint %s cannot be continued from: %s", path, what);
  return FALSE;
}

/* the RNG as text: four 64-bit words, the spare flag, the spare normal's bits */
static char *
rng_to_hex (const GrokRng *rng)
{
  guint64 spare;

  memcpy (&spare, &rng->spare_normal, sizeof spare);
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x%016"
                          G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x:%d:%016"
                          G_GINT64_MODIFIER "x", rng->s[0], rng->s[1], rng->s[2], rng->s[3],
                          rng->has_spare ? 1 : 0, spare);
}

static gboolean
rng_from_hex (GrokRng *rng, const char *text)
{
  g_auto (GStrv) parts = NULL;
  guint64 spare;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) != 3 || strlen (parts[0]) != 64 || strlen (parts[2]) != 16 ||
      (strcmp (parts[1], "0") != 0 && strcmp (parts[1], "1") != 0))
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *word = g_strndup (parts[0] + 16 * i, 16);
      if (!g_ascii_string_to_unsigned (word, 16, 0, G_MAXUINT64, &rng->s[i], NULL))
        return FALSE;
    }
  if (!g_ascii_string_to_unsigned (parts[2], 16, 0, G_MAXUINT64, &spare, NULL))
    return FALSE;
  memcpy (&rng->spare_normal, &spare, sizeof spare);
  rng->has_spare = parts[1][0] == '1';
  return TRUE;
}

/* the parameters, both moments and the order as one table for the writer */
static GrokParams *
state_tensors (GrokTrainer *trainer)
{
  GrokParams *src = trainer->model->params, *out = grok_params_new ();
  const char *prefixes[] = { "", M_PREFIX, V_PREFIX };
  const float *sources[] = { src->data, trainer->optim->m, trainer->optim->v };
  int n_train = trainer->dataset->n_train, k = 0;

  for (int p = 0; p < 3; p++)
    for (int i = 0; i < src->n_tensors; i++)
      {
        g_autofree char *name = g_strconcat (prefixes[p], src->tensors[i].name, NULL);
        grok_params_add (out, name, src->tensors[i].ndim, src->tensors[i].shape);
      }
  grok_params_add (out, ORDER_NAME, 1, &n_train);
  grok_params_allocate (out);
  for (int p = 0; p < 3; p++)
    for (int i = 0; i < src->n_tensors; i++, k++)
      memcpy (grok_params_tensor_data (out, k), sources[p] + src->tensors[i].offset,
              src->tensors[i].numel * sizeof (float));
  /* indices below 2^24 are exact in float32 (the largest training set is 10^6) */
  for (int i = 0; i < n_train; i++)
    grok_params_tensor_data (out, k)[i] = (float) trainer->order[i];
  return out;
}

gboolean
grok_trainer_save (GrokTrainer *trainer, const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return grok_trainer_save_at (trainer, GROK_FILE_AT_PATH (path), error);
}

gboolean
grok_trainer_save_at (GrokTrainer *trainer, const GrokFileAt *at, GError **error)
{
  g_autoptr (GrokParams) tensors = NULL;
  g_autoptr (GHashTable) meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (trainer != NULL && at != NULL, FALSE);

  tensors = state_tensors (trainer);
  g_hash_table_insert (meta, "format", g_strdup (FORMAT_NAME));
  g_hash_table_insert (meta, "step", g_strdup_printf ("%" G_GINT64_FORMAT, trainer->step));
  g_hash_table_insert (meta, "epoch",
                       g_strdup (g_ascii_dtostr (number, sizeof number, grok_trainer_epoch (trainer))));
  g_hash_table_insert (meta, "config", grok_config_to_string (trainer->config));
  g_hash_table_insert (meta, "optim.t", g_strdup_printf ("%" G_GINT64_FORMAT, trainer->optim->t));
  g_hash_table_insert (meta, "rng", rng_to_hex (&trainer->batch_rng));
  g_hash_table_insert (meta, "wall_seconds",
                       g_strdup (g_ascii_dtostr (number, sizeof number, trainer->wall_seconds)));
  return grok_params_write_at (at, tensors, meta, error);
}

/* copy the tensor called prefix + name of file into dest, checking its shape */
static gboolean
take_tensor (GrokParams *file, const char *path, const char *prefix, const GrokTensor *want,
             float *dest, GError **error)
{
  g_autofree char *msg = NULL;
  int i = grok_params_find_like (file, prefix, want, &msg);

  if (i < 0)
    return corrupt (error, path, msg);
  memcpy (dest, grok_params_tensor_data (file, i), want->numel * sizeof (float));
  return TRUE;
}

/* the saved epoch order must be a permutation of the training set */
static gboolean
take_order (GrokParams *file, const char *path, int *order, int n_train, GError **error)
{
  int i = grok_params_find (file, ORDER_NAME);
  g_autofree guint8 *seen = g_new0 (guint8, n_train);
  const float *src;

  if (i < 0 || file->tensors[i].ndim != 1 || file->tensors[i].shape[0] != n_train)
    return corrupt (error, path, "the tensor '" ORDER_NAME "' is missing or does not match the "
                    "size of the config's training set");
  src = grok_params_tensor_data (file, i);
  for (int j = 0; j < n_train; j++)
    {
      if (!(src[j] >= 0 && src[j] < n_train) || src[j] != (float) (int) src[j] ||
          seen[(int) src[j]]++)
        return corrupt (error, path, "the tensor '" ORDER_NAME "' is not a permutation");
      order[j] = (int) src[j];
    }
  return TRUE;
}

static gboolean
parse_int_meta (GHashTable *meta, const char *key, const char *path, gint64 *out, GError **error)
{
  const char *text = g_hash_table_lookup (meta, key);
  g_autofree char *msg = NULL;

  if (text != NULL && g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, out, NULL))
    return TRUE;
  msg = g_strdup_printf ("the metadata '%s' is missing or not a whole number", key);
  return corrupt (error, path, msg);
}

gboolean
grok_trainer_load (GrokTrainer *trainer, const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return grok_trainer_load_at (trainer, GROK_FILE_AT_PATH (path), error);
}

gboolean
grok_trainer_load_at (GrokTrainer *trainer, const GrokFileAt *at, GError **error)
{
  const char *path = at->shown;
  GrokParams *params = trainer->model->params;
  g_autoptr (GHashTable) meta = NULL;
  g_autoptr (GrokParams) file = NULL;
  g_autofree float *data = g_new (float, MAX (params->numel, 1));
  g_autofree float *m = g_new (float, MAX (params->numel, 1));
  g_autofree float *v = g_new (float, MAX (params->numel, 1));
  g_autofree int *order = g_new (int, trainer->dataset->n_train);
  const char *wall;
  GrokRng rng;
  gint64 step, t;

  g_return_val_if_fail (trainer != NULL, FALSE);

  file = grok_params_read_at (at, &meta, error);
  if (file == NULL)
    return FALSE;
  if (g_strcmp0 (g_hash_table_lookup (meta, "format"), FORMAT_NAME) != 0)
    return corrupt (error, path, "it has no '" FORMAT_NAME "' format tag (not written by Grokscope?)");
  if (!parse_int_meta (meta, "step", path, &step, error) ||
      !parse_int_meta (meta, "optim.t", path, &t, error))
    return FALSE;
  if (!rng_from_hex (&rng, g_hash_table_lookup (meta, "rng")))
    return corrupt (error, path, "the metadata 'rng' is missing or malformed");
  memcpy (data, params->data, params->numel * sizeof (float));
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *want = &params->tensors[i];
      if (!take_tensor (file, path, "", want, data + want->offset, error) ||
          !take_tensor (file, path, M_PREFIX, want, m + want->offset, error) ||
          !take_tensor (file, path, V_PREFIX, want, v + want->offset, error))
        return FALSE;
    }
  if (!take_order (file, path, order, trainer->dataset->n_train, error))
    return FALSE;

  memcpy (params->data, data, params->numel * sizeof (float));
  memcpy (trainer->optim->m, m, params->numel * sizeof (float));
  memcpy (trainer->optim->v, v, params->numel * sizeof (float));
  memcpy (trainer->order, order, trainer->dataset->n_train * sizeof (int));
  trainer->optim->t = t;
  trainer->batch_rng = rng;
  trainer->step = step;
  wall = g_hash_table_lookup (meta, "wall_seconds");
  trainer->wall_seconds = wall != NULL ? g_ascii_strtod (wall, NULL) : 0.0;
  return TRUE;
}
