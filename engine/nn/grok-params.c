/* Named tensors in one buffer. */
#include "grok-params.h"

#include <math.h>
#include <string.h>

GrokParams *
grok_params_new (void)
{
  return g_atomic_rc_box_new0 (GrokParams);
}

static void
params_clear (gpointer data)
{
  GrokParams *params = data;

  for (int i = 0; i < params->n_tensors; i++)
    g_free (params->tensors[i].name);
  g_free (params->tensors);
  g_free (params->canonical);
  g_aligned_free (params->data);
  g_aligned_free (params->grad);
}

void
grok_params_unref (GrokParams *params)
{
  if (params != NULL)
    g_atomic_rc_box_release_full (params, params_clear);
}

GrokParams *
grok_params_ref (const GrokParams *params)
{
  g_return_val_if_fail (params != NULL, NULL);
  return g_atomic_rc_box_acquire ((GrokParams *) params);
}

int
grok_params_add (GrokParams *params, const char *name, int ndim, const int *shape)
{
  GrokTensor *t;

  g_return_val_if_fail (params->data == NULL, -1);
  g_return_val_if_fail (ndim >= 1 && ndim <= GROK_MAX_DIMS, -1);
  g_return_val_if_fail (grok_params_find (params, name) < 0, -1);

  params->tensors = g_renew (GrokTensor, params->tensors, params->n_tensors + 1);
  t = &params->tensors[params->n_tensors];
  memset (t, 0, sizeof *t);
  t->name = g_strdup (name);
  t->ndim = ndim;
  t->numel = 1;
  for (int d = 0; d < ndim; d++)
    {
      g_return_val_if_fail (shape[d] > 0, -1);
      t->shape[d] = shape[d];
      t->numel *= (gsize) shape[d];
    }
  params->numel = grok_params_numel_after (params->numel, t->numel);
  t->offset = params->numel - t->numel;
  return params->n_tensors++;
}

static int
compare_names (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const GrokParams *params = user_data;
  return strcmp (params->tensors[*(const int *) a].name, params->tensors[*(const int *) b].name);
}

/* the values and the canonical order; the gradient buffer is the caller's choice */
static void
allocate_values (GrokParams *params)
{
  params->data = g_aligned_alloc0 (1, MAX (params->numel, 1) * sizeof (float), 64);
  params->canonical = g_new (int, MAX (params->n_tensors, 1));
  for (int i = 0; i < params->n_tensors; i++)
    params->canonical[i] = i;
  /* strcmp compares bytes as unsigned char: the bytewise order the spec asks for */
  g_qsort_with_data (params->canonical, params->n_tensors, sizeof (int), compare_names, params);
}

void
grok_params_allocate (GrokParams *params)
{
  g_return_if_fail (params->data == NULL);
  allocate_values (params);
  params->grad = g_aligned_alloc0 (1, MAX (params->numel, 1) * sizeof (float), 64);
}

int
grok_params_find (const GrokParams *params, const char *name)
{
  for (int i = 0; i < params->n_tensors; i++)
    if (strcmp (params->tensors[i].name, name) == 0)
      return i;
  return -1;
}

static char *
shape_text (const GrokTensor *t)
{
  GString *s = g_string_new (NULL);

  for (int d = 0; d < t->ndim; d++)
    g_string_append_printf (s, "%s%d", d ? "x" : "", t->shape[d]);
  return g_string_free (s, FALSE);
}

int
grok_params_find_like (const GrokParams *have, const char *prefix, const GrokTensor *want,
                       char **problem)
{
  g_autofree char *name = g_strconcat (prefix, want->name, NULL);
  int i = grok_params_find (have, name);
  g_autofree char *found = NULL, *wanted = NULL;

  g_return_val_if_fail (problem != NULL, -1);
  if (i < 0)
    {
      *problem = g_strdup_printf ("the tensor '%s' is missing", name);
      return -1;
    }
  if (have->tensors[i].ndim == want->ndim &&
      memcmp (have->tensors[i].shape, want->shape, want->ndim * sizeof (int)) == 0)
    return i;
  found = shape_text (&have->tensors[i]);
  wanted = shape_text (want);
  *problem = g_strdup_printf ("the tensor '%s' is %s, but the config's model needs %s", name,
                              found, wanted);
  return -1;
}

void
grok_params_zero_grad (GrokParams *params)
{
  memset (params->grad, 0, params->numel * sizeof (float));
}

double
grok_params_tensor_l2_norm (const GrokParams *params, int index)
{
  const GrokTensor *t = &params->tensors[index];
  const float *x = params->data + t->offset;
  double sum = 0.0;

  for (gsize i = 0; i < t->numel; i++)
    sum += (double) x[i] * x[i];
  return sqrt (sum);
}

double
grok_params_l2_norm (const GrokParams *params)
{
  double sum = 0.0;

  for (int i = 0; i < params->n_tensors; i++)
    {
      double n = grok_params_tensor_l2_norm (params, i);
      sum += n * n;
    }
  return sqrt (sum);
}

const char *
grok_params_non_finite (const GrokParams *params)
{
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[params->canonical[i]];
      const float *x = params->data + t->offset;
      for (gsize j = 0; j < t->numel; j++)
        if (!isfinite (x[j]))
          return t->name;
    }
  return NULL;
}

gboolean
grok_params_all_finite (const GrokParams *params)
{
  return grok_params_non_finite (params) == NULL;
}

/* a new table with params' tensors and values, with a zeroed gradient buffer or none */
static GrokParams *
copy_params (const GrokParams *params, gboolean with_grad)
{
  GrokParams *copy = grok_params_new ();

  for (int i = 0; i < params->n_tensors; i++)
    grok_params_add (copy, params->tensors[i].name, params->tensors[i].ndim,
                     params->tensors[i].shape);
  if (with_grad)
    grok_params_allocate (copy);
  else
    allocate_values (copy);
  memcpy (copy->data, params->data, params->numel * sizeof (float));
  return copy;
}

GrokParams *
grok_params_copy (const GrokParams *params)
{
  return copy_params (params, TRUE);
}

GrokParams *
grok_params_copy_values (const GrokParams *params)
{
  return copy_params (params, FALSE);
}
