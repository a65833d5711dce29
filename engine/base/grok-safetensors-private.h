/* What the safetensors reader (grok-safetensors.c) shares with the files of typed tensors it
 * gives (grok-safetensors-file.c). */
#pragma once

#include <json-glib/json-glib.h>

#include "grok-fileio.h"
#include "grok-safetensors.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;            /* owned by the parsed JSON */
  GrokDtype   dtype;
  int         ndim;
  int         shape[GROK_MAX_DIMS];
  guint64     begin;           /* byte offsets into the data section */
  guint64     end;
} GrokSafetensorsEntry;

/* a file read and checked: its bytes, the parsed header (which owns the names), the entries
 * (GrokSafetensorsEntry) in canonical order and the metadata */
typedef struct
{
  char       *contents;
  guint64     header_len;
  JsonParser *parser;
  GArray     *entries;
  GHashTable *metadata;
} GrokSafetensorsParsed;

/* read at and check every field; what names the kind of file in an I/O error ("checkpoint");
 * any_dtype allows every GrokDtype, otherwise F32 only. p is to be cleared in every case. */
gboolean grok_safetensors_parse         (const GrokFileAt *at, const char *what,
                                         gboolean any_dtype, GrokSafetensorsParsed *p,
                                         GError **error);
void     grok_safetensors_parsed_clear  (GrokSafetensorsParsed *p);

G_END_DECLS
