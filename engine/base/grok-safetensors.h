/* Checkpoints in the safetensors format: an 8-byte little-endian header length N, N bytes of
 * JSON (name -> {"dtype", "shape", "data_offsets"}, plus an optional "__metadata__" object of
 * strings), then the raw little-endian data. Checkpoints hold only F32 tensors of 1 to 4
 * dimensions; other files (a run's views) may hold F64, I32, U32 and U64 too. The reader checks
 * everything before it trusts anything, so a damaged file gives an error that names the file and
 * the problem, never a crash. */
#pragma once

#include <glib.h>

#include "grok-fileio.h"

G_BEGIN_DECLS

/* the most dimensions a tensor has, in a file and in a model's parameter table */
#define GROK_MAX_DIMS 4

/* The writer puts the SHA-256 of the data section (lowercase hex) in __metadata__ under this
 * key; the reader refuses a file whose data does not match it. A file without the key (written
 * before it was added) is read unchecked; its metadata tells the caller so. */
#define GROK_SAFETENSORS_CHECKSUM_KEY "data_sha256"

/* the largest header the reader accepts; ours are a few kilobytes */
#define GROK_SAFETENSORS_MAX_HEADER (100 * 1024 * 1024)

/* the element types: checkpoints hold F32 only, other files (a run's views files) any */
typedef enum
{
  GROK_DTYPE_F32,
  GROK_DTYPE_F64,
  GROK_DTYPE_I32,
  GROK_DTYPE_U32,
  GROK_DTYPE_U64,
  GROK_N_DTYPES
} GrokDtype;

/* one tensor of any of those types, little-endian, row-major */
typedef struct
{
  const char   *name;
  GrokDtype     dtype;
  int           ndim;    /* 1 to GROK_MAX_DIMS */
  int           shape[GROK_MAX_DIMS];
  gconstpointer data;
} GrokSafetensor;

/* Write N typed tensors, in the order given, and METADATA to PATH atomically. Every shape
 * dimension must be at least 1. */
gboolean    grok_safetensors_write_tensors (const char           *path,
                                            const GrokSafetensor *tensors,
                                            int                   n,
                                            GHashTable           *metadata,
                                            GError              **error);
gboolean    grok_safetensors_write_tensors_at (const GrokFileAt     *at,
                                               const GrokSafetensor *tensors,
                                               int                   n,
                                               GHashTable           *metadata,
                                               GError              **error);

/* A safetensors file of typed tensors, read whole, every field checked before use, and the data
 * checked against its data_sha256 when it has one (a file without one, written before it was
 * added, is read unchecked; its metadata tells the caller so). Any GrokDtype is allowed.
 * Errors: GROK_ERROR_IO when the file cannot be read, GROK_ERROR_CORRUPT when it is invalid,
 * both naming it. */
typedef struct _GrokSafetensorsFile GrokSafetensorsFile;

GrokSafetensorsFile  *grok_safetensors_file_read         (const char          *path,
                                                          GError             **error);
GrokSafetensorsFile  *grok_safetensors_file_read_at      (const GrokFileAt    *at,
                                                          GError             **error);
/* the same for a checkpoint: F32 tensors only, and messages that call it one */
GrokSafetensorsFile  *grok_safetensors_file_read_checkpoint_at (const GrokFileAt *at,
                                                                GError          **error);
void                  grok_safetensors_file_free         (GrokSafetensorsFile *file);
/* char * -> char *, empty when the file has none; owned by FILE */
GHashTable           *grok_safetensors_file_get_metadata (GrokSafetensorsFile *file);
/* the tensor called NAME (its data aligned for its type), or NULL; owned by FILE */
const GrokSafetensor *grok_safetensors_file_lookup       (GrokSafetensorsFile *file,
                                                          const char          *name);
/* every tensor, sorted bytewise by name (the canonical order), n_tensors of them; owned by
 * FILE */
const GrokSafetensor *grok_safetensors_file_get_tensors  (GrokSafetensorsFile *file,
                                                          int                 *n_tensors);
gsize                 grok_safetensor_numel              (const GrokSafetensor *tensor);
/* "[2, 3]": a shape as messages give it */
char                 *grok_safetensors_format_shape      (const int           *shape,
                                                          int                  ndim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSafetensorsFile, grok_safetensors_file_free)

G_END_DECLS
