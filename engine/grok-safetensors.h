/* Checkpoints in the safetensors format: an 8-byte little-endian header length N, N bytes of
 * JSON (name -> {"dtype", "shape", "data_offsets"}, plus an optional "__metadata__" object of
 * strings), then the raw little-endian data. Only F32 tensors of 1 to 4 dimensions are used. The
 * reader checks everything before it trusts anything, so a damaged file gives an error that names
 * the file and the problem, never a crash. */
#pragma once

#include <glib.h>

#include "grok-params.h"

G_BEGIN_DECLS

/* the largest header the reader accepts; ours are a few kilobytes */
#define GROK_SAFETENSORS_MAX_HEADER (100 * 1024 * 1024)

/* Write PARAMS (in canonical order, data packed without gaps, header padded with spaces to a
 * multiple of 8 bytes) and METADATA (char * -> char *, may be NULL) to PATH atomically. */
gboolean    grok_safetensors_write     (const char        *path,
                                        const GrokParams  *params,
                                        GHashTable        *metadata,
                                        GError           **error);

/* Read PATH into a new table (tensors added in canonical order). When METADATA_OUT is not NULL it
 * receives a new char * -> char * table (empty when the file has no "__metadata__").
 * Errors: GROK_ERROR_IO when the file cannot be read, GROK_ERROR_CORRUPT when it is invalid. */
GrokParams *grok_safetensors_read      (const char        *path,
                                        GHashTable       **metadata_out,
                                        GError           **error);

/* Read PATH and copy its values into PARAMS, whose tensor names and shapes must match the file's
 * exactly (GROK_ERROR_CORRUPT otherwise, PARAMS untouched). */
gboolean    grok_safetensors_load_into (const char        *path,
                                        GrokParams        *params,
                                        GHashTable       **metadata_out,
                                        GError           **error);

G_END_DECLS
