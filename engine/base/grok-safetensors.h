/* Checkpoints in the safetensors format: an 8-byte little-endian header length N, N bytes of
 * JSON (name -> {"dtype", "shape", "data_offsets"}, plus an optional "__metadata__" object of
 * strings), then the raw little-endian data. Checkpoints hold only F32 tensors of 1 to 4
 * dimensions; other files (a run's views) may hold F64, I32, U32 and U64 too. The reader checks
 * everything before it trusts anything, so a damaged file gives an error that names the file and
 * the problem, never a crash. */
#pragma once

#include <glib.h>

#include "grok-fileio.h"
#include "grok-params.h"

G_BEGIN_DECLS

/* The writer puts the SHA-256 of the data section (lowercase hex) in __metadata__ under this
 * key; the reader refuses a file whose data does not match it. A file without the key (written
 * before it was added) is read unchecked; its metadata tells the caller so. */
#define GROK_SAFETENSORS_CHECKSUM_KEY "data_sha256"

/* the largest header the reader accepts; ours are a few kilobytes */
#define GROK_SAFETENSORS_MAX_HEADER (100 * 1024 * 1024)

/* the element types of files other than checkpoints (a run's views files) */
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

/* Write PARAMS (in canonical order, data packed without gaps, header padded with spaces to a
 * multiple of 8 bytes) and METADATA (char * -> char *, may be NULL) to PATH atomically. */
gboolean    grok_safetensors_write     (const char        *path,
                                        const GrokParams  *params,
                                        GHashTable        *metadata,
                                        GError           **error);
/* the same for a file in an open folder (grok-fileio.h): never written through a link */
gboolean    grok_safetensors_write_at  (const GrokFileAt  *at,
                                        const GrokParams  *params,
                                        GHashTable        *metadata,
                                        GError           **error);

/* Read PATH into a new table (tensors added in canonical order). When METADATA_OUT is not NULL it
 * receives a new char * -> char * table (empty when the file has no "__metadata__").
 * Errors: GROK_ERROR_IO when the file cannot be read, GROK_ERROR_CORRUPT when it is invalid. */
GrokParams *grok_safetensors_read      (const char        *path,
                                        GHashTable       **metadata_out,
                                        GError           **error);
/* the same for a file in an open folder (grok-fileio.h): never read through a link */
GrokParams *grok_safetensors_read_at   (const GrokFileAt  *at,
                                        GHashTable       **metadata_out,
                                        GError           **error);

/* Read PATH and copy its values into PARAMS, whose tensor names and shapes must match the file's
 * exactly (GROK_ERROR_CORRUPT otherwise, PARAMS untouched). */
gboolean    grok_safetensors_load_into (const char        *path,
                                        GrokParams        *params,
                                        GHashTable       **metadata_out,
                                        GError           **error);

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

/* A safetensors file of typed tensors, read whole and checked like a checkpoint (any of the
 * GrokDtype types allowed). Errors as for grok_safetensors_read, naming PATH. */
typedef struct _GrokSafetensorsFile GrokSafetensorsFile;

GrokSafetensorsFile  *grok_safetensors_file_read         (const char          *path,
                                                          GError             **error);
GrokSafetensorsFile  *grok_safetensors_file_read_at      (const GrokFileAt    *at,
                                                          GError             **error);
void                  grok_safetensors_file_free         (GrokSafetensorsFile *file);
/* char * -> char *, empty when the file has none; owned by FILE */
GHashTable           *grok_safetensors_file_get_metadata (GrokSafetensorsFile *file);
/* the tensor called NAME (its data aligned for its type), or NULL; owned by FILE */
const GrokSafetensor *grok_safetensors_file_lookup       (GrokSafetensorsFile *file,
                                                          const char          *name);
gsize                 grok_safetensor_numel              (const GrokSafetensor *tensor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSafetensorsFile, grok_safetensors_file_free)

G_END_DECLS
