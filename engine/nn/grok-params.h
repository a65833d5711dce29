/* The parameters of a model: named tensors laid out in one contiguous float buffer, with a
 * gradient buffer of the same layout. Optimisers, checkpoints and measures all work on this
 * table, so they never need to know which model they are looking at.
 *
 * A table handed to another thread or widget (a snapshot's) is immutable from then on and
 * reference-counted: grok_params_ref takes a reference, grok_params_unref releases one. */
#pragma once

#include <glib.h>

#include "grok-fileio.h"
#include "grok-safetensors.h"

G_BEGIN_DECLS

typedef struct
{
  char  *name;                 /* PyTorch state_dict name, e.g. "layers.0.weight" */
  int    ndim;                 /* 1 for vectors, 2 for matrices (out, in) */
  int    shape[GROK_MAX_DIMS];
  gsize  offset;               /* in floats, into data and grad */
  gsize  numel;
} GrokTensor;

typedef struct
{
  GrokTensor *tensors;         /* in the order the model added them */
  int         n_tensors;
  float      *data;            /* numel floats, 64-byte aligned */
  float      *grad;            /* numel floats, same layout */
  gsize       numel;
  int        *canonical;       /* tensor indices sorted bytewise by name */
} GrokParams;

GrokParams       *grok_params_new           (void);
void              grok_params_unref          (GrokParams *params);
GrokParams       *grok_params_ref           (const GrokParams *params);
/* declare a tensor; returns its index. Only before grok_params_allocate. */
int               grok_params_add           (GrokParams *params, const char *name,
                                             int ndim, const int *shape);
/* the table's numel once a tensor of numel elements follows n elements: grok_params_add starts
 * every tensor 64-byte aligned (16 floats) */
static inline gsize
grok_params_numel_after (gsize n, gsize numel)
{
  return ((n + 15) & ~(gsize) 15) + numel;
}
/* allocate data and grad (zeroed) once every tensor is declared */
void              grok_params_allocate      (GrokParams *params);
int               grok_params_find          (const GrokParams *params, const char *name);
/* the index in have of the tensor called prefix + want's name with want's shape, or -1 with a
 * message for a person saying which tensor is missing or has another shape (its shape and the
 * one wanted): the one check of stored tensors against the model a config builds */
int               grok_params_find_like     (const GrokParams *have, const char *prefix,
                                             const GrokTensor *want, char **problem);
static inline float *
grok_params_tensor_data (GrokParams *params, int index)
{
  return params->data + params->tensors[index].offset;
}
static inline float *
grok_params_tensor_grad (GrokParams *params, int index)
{
  return params->grad + params->tensors[index].offset;
}
void              grok_params_zero_grad     (GrokParams *params);
/* sqrt of the sum of squares, accumulated in double */
double            grok_params_l2_norm       (const GrokParams *params);
double            grok_params_tensor_l2_norm (const GrokParams *params, int index);
/* TRUE when every value is finite */
gboolean          grok_params_all_finite    (const GrokParams *params);
/* the name of the first tensor (in canonical order) holding a NaN or an infinity, or NULL */
const char       *grok_params_non_finite    (const GrokParams *params);
/* a new table with the same tensors and a copy of the values (gradients zeroed) */
GrokParams       *grok_params_copy          (const GrokParams *params);
/* the same without a gradient buffer (grad NULL): what a snapshot keeps of a model */
GrokParams       *grok_params_copy_values   (const GrokParams *params);

/* A table as a checkpoint stores it: safetensors F32 tensors named as in the table, in canonical
 * order (grok-params-file.c). */

/* the tensors of params in canonical order, their data pointing into params->data; g_free the
 * array */
GrokSafetensor   *grok_params_to_tensors    (const GrokParams *params);
/* a new table of copies of n F32 tensors given in canonical order (a checkpoint file's) */
GrokParams       *grok_params_from_tensors  (const GrokSafetensor *tensors, int n);

/* Write params and METADATA (char * -> char *, may be NULL) to PATH atomically, with the
 * SHA-256 of the data under GROK_SAFETENSORS_CHECKSUM_KEY. */
gboolean          grok_params_write         (const char *path, const GrokParams *params,
                                             GHashTable *metadata, GError **error);
/* the same for a file in an open folder (grok-fileio.h): never written through a link */
gboolean          grok_params_write_at      (const GrokFileAt *at, const GrokParams *params,
                                             GHashTable *metadata, GError **error);
/* Read a checkpoint into a new table (tensors added in canonical order). When METADATA_OUT is
 * not NULL it receives a new char * -> char * table (empty when the file has none). Errors:
 * GROK_ERROR_IO when the file cannot be read, GROK_ERROR_CORRUPT when it is invalid. */
GrokParams       *grok_params_read          (const char *path, GHashTable **metadata_out,
                                             GError **error);
/* the same for a file in an open folder (grok-fileio.h): never read through a link */
GrokParams       *grok_params_read_at       (const GrokFileAt *at, GHashTable **metadata_out,
                                             GError **error);
/* Read PATH and copy its values into PARAMS, whose tensor names and shapes must match the file's
 * exactly (GROK_ERROR_CORRUPT otherwise, PARAMS untouched). */
gboolean          grok_params_load_into     (const char *path, GrokParams *params,
                                             GHashTable **metadata_out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokParams, grok_params_unref)

G_END_DECLS
