/* Reading and writing safetensors files of named tensors, with every field of a file checked
 * before use. */
#include "grok-safetensors.h"
#include "grok-safetensors-private.h"

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-json.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* the data section is the in-memory float layout, so the machine must be little-endian */
G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);
G_STATIC_ASSERT (sizeof (float) == 4);

/* a valid header nests three deep: the root, a tensor entry, its shape or offsets */
#define MAX_HEADER_DEPTH 3

static const struct
{
  const char *name;
  gsize       size;
} dtypes[GROK_N_DTYPES] = {
  [GROK_DTYPE_F32] = { "F32", 4 },
  [GROK_DTYPE_F64] = { "F64", 8 },
  [GROK_DTYPE_I32] = { "I32", 4 },
  [GROK_DTYPE_U32] = { "U32", 4 },
  [GROK_DTYPE_U64] = { "U64", 8 },
};

typedef GrokSafetensorsEntry Entry;
typedef GrokSafetensorsParsed Parsed;

/* ------------------------------------------------------------------------------------------ */
/* writing */

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static gboolean
append_metadata (GString *out, const char *path, GHashTable *metadata, GError **error)
{
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;

  keys = g_hash_table_get_keys_as_array (metadata, &n_keys);
  /* sorted so that the same metadata always gives the same bytes */
  qsort (keys, n_keys, sizeof (gpointer), compare_keys);
  g_string_append (out, "\"__metadata__\":{");
  for (guint i = 0; i < n_keys; i++)
    {
      const char *value = g_hash_table_lookup (metadata, keys[i]);

      if (!g_utf8_validate (keys[i], -1, NULL) || value == NULL || !g_utf8_validate (value, -1, NULL))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                       "Cannot write '%s': a metadata key or its value is missing or not UTF-8 text",
                       path);
          return FALSE;
        }
      if (i > 0)
        g_string_append_c (out, ',');
      append_json_string (out, keys[i]);
      g_string_append_c (out, ':');
      append_json_string (out, value);
    }
  g_string_append (out, "},");
  return TRUE;
}

static gsize
tensor_bytes (const GrokSafetensor *t)
{
  gsize n = dtypes[t->dtype].size;

  for (int d = 0; d < t->ndim; d++)
    n *= (gsize) t->shape[d];
  return n;
}

/* the header text, padded with spaces to a multiple of 8 bytes */
static GString *
build_header (const char *path, const GrokSafetensor *tensors, int n, GHashTable *metadata,
              GError **error)
{
  g_autoptr(GString) out = g_string_new ("{");
  guint64 offset = 0;

  if (metadata != NULL && g_hash_table_size (metadata) > 0
      && !append_metadata (out, path, metadata, error))
    return NULL;
  for (int c = 0; c < n; c++)
    {
      const GrokSafetensor *t = &tensors[c];
      guint64 bytes = tensor_bytes (t);

      append_json_string (out, t->name);
      g_string_append_printf (out, ":{\"dtype\":\"%s\",\"shape\":[", dtypes[t->dtype].name);
      for (int d = 0; d < t->ndim; d++)
        g_string_append_printf (out, "%s%d", d > 0 ? "," : "", t->shape[d]);
      g_string_append_printf (out, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]},",
                              offset, offset + bytes);
      offset += bytes;
    }
  /* replace the trailing comma (or, with nothing written, append) the closing brace */
  if (out->str[out->len - 1] == ',')
    out->str[out->len - 1] = '}';
  else
    g_string_append_c (out, '}');
  while (out->len % 8 != 0)
    g_string_append_c (out, ' ');
  return g_steal_pointer (&out);
}

/* metadata (may be NULL) with the SHA-256 of the data section the tensors make, in order */
static GHashTable *
metadata_with_checksum (const GrokSafetensor *tensors, int n, GHashTable *metadata)
{
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GHashTableIter iter;
  gpointer key, value;

  if (metadata != NULL)
    {
      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (out, g_strdup (key), g_strdup (value));
    }
  for (int i = 0; i < n; i++)
    g_checksum_update (sum, tensors[i].data, (gssize) tensor_bytes (&tensors[i]));
  g_hash_table_insert (out, g_strdup (GROK_SAFETENSORS_CHECKSUM_KEY),
                       g_strdup (g_checksum_get_string (sum)));
  return out;
}

gboolean
grok_safetensors_write_tensors (const char *path, const GrokSafetensor *tensors, int n,
                                GHashTable *metadata, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return grok_safetensors_write_tensors_at (GROK_FILE_AT_PATH (path), tensors, n, metadata,
                                            error);
}

gboolean
grok_safetensors_write_tensors_at (const GrokFileAt *at, const GrokSafetensor *tensors, int n,
                                   GHashTable *metadata, GError **error)
{
  g_autoptr(GString) header = NULL;
  g_autoptr(GHashTable) summed = NULL;
  g_autofree char *buf = NULL;
  const char *path;
  guint64 header_len_le;
  gsize total, pos;

  g_return_val_if_fail (at != NULL, FALSE);
  path = at->shown;
  g_return_val_if_fail (n == 0 || tensors != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  summed = metadata_with_checksum (tensors, n, metadata);
  header = build_header (path, tensors, n, summed, error);
  if (header == NULL)
    return FALSE;
  total = 8 + header->len;
  for (int i = 0; i < n; i++)
    total += tensor_bytes (&tensors[i]);

  buf = g_malloc (total);
  header_len_le = GUINT64_TO_LE ((guint64) header->len);
  memcpy (buf, &header_len_le, 8);
  memcpy (buf + 8, header->str, header->len);
  pos = 8 + header->len;
  for (int i = 0; i < n; i++)
    {
      gsize bytes = tensor_bytes (&tensors[i]);

      if (bytes > 0)
        memcpy (buf + pos, tensors[i].data, bytes);
      pos += bytes;
    }
  g_assert (pos == total);
  return grok_file_write_atomic_at (at, buf, total, error);
}

/* ------------------------------------------------------------------------------------------ */
/* reading */

G_GNUC_PRINTF (3, 4)
static void
set_corrupt (GError **error, const char *path, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s: %s", path, what);
}

char *
grok_safetensors_format_shape (const int *shape, int ndim)
{
  GString *s = g_string_new ("[");

  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%d", d > 0 ? ", " : "", shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* TRUE when NODE is a JSON integer; stores it in *out */
static gboolean
node_get_int (JsonNode *node, gint64 *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
parse_shape (const char *path, const char *name, JsonNode *node, Entry *e, GError **error)
{
  JsonArray *array;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_corrupt (error, path, "tensor '%s': shape is not an array", name);
      return FALSE;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 1 || n > GROK_MAX_DIMS)
    {
      set_corrupt (error, path, "tensor '%s': shape has %u dimensions; 1 to %d are supported",
                   name, n, GROK_MAX_DIMS);
      return FALSE;
    }
  e->ndim = (int) n;
  for (guint d = 0; d < n; d++)
    {
      gint64 v;

      if (!node_get_int (json_array_get_element (array, d), &v) || v < 1 || v > G_MAXINT)
        {
          set_corrupt (error, path, "tensor '%s': shape dimension %u is not a positive integer",
                       name, d);
          return FALSE;
        }
      e->shape[d] = (int) v;
    }
  return TRUE;
}

static gboolean
parse_offsets (const char *path, const char *name, JsonNode *node, Entry *e, GError **error)
{
  JsonArray *array;
  gint64 begin, end;

  if (!JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length ((array = json_node_get_array (node))) != 2
      || !node_get_int (json_array_get_element (array, 0), &begin)
      || !node_get_int (json_array_get_element (array, 1), &end)
      || begin < 0 || end < begin)
    {
      set_corrupt (error, path,
                   "tensor '%s': data_offsets must be two integers [begin, end] with 0 <= begin <= end",
                   name);
      return FALSE;
    }
  e->begin = (guint64) begin;
  e->end = (guint64) end;
  return TRUE;
}

/* data_offsets must span exactly the bytes the shape needs */
static gboolean
check_entry_size (const char *path, Entry *e, GError **error)
{
  g_autofree char *shape = grok_safetensors_format_shape (e->shape, e->ndim);
  guint64 bytes = dtypes[e->dtype].size;

  for (int d = 0; d < e->ndim; d++)
    {
      /* no file can hold 2^60 bytes: a larger shape is an error, and the product cannot overflow */
      if (bytes > (G_GUINT64_CONSTANT (1) << 60) / (guint64) e->shape[d])
        {
          set_corrupt (error, path, "tensor '%s': shape %s is impossibly large", e->name, shape);
          return FALSE;
        }
      bytes *= (guint64) e->shape[d];
    }
  if (e->end - e->begin != bytes)
    {
      set_corrupt (error, path,
                   "tensor '%s': data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "] do not "
                   "match shape %s of %s (%" G_GUINT64_FORMAT " bytes)",
                   e->name, e->begin, e->end, shape, dtypes[e->dtype].name, bytes);
      return FALSE;
    }
  return TRUE;
}

/* checkpoints hold F32 only; other files (ANY_DTYPE) any of the types in the dtypes table */
static gboolean
check_dtype (const char *path, const char *name, JsonNode *node, gboolean any_dtype,
             GrokDtype *out, GError **error)
{
  const char *dtype = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    dtype = json_node_get_string (node);
  if (dtype == NULL)
    {
      set_corrupt (error, path, "tensor '%s': dtype is not a string", name);
      return FALSE;
    }
  for (int d = 0; d < (any_dtype ? GROK_N_DTYPES : 1); d++)
    if (g_str_equal (dtype, dtypes[d].name))
      {
        *out = d;
        return TRUE;
      }
  set_corrupt (error, path, "tensor '%s': dtype is \"%s\"; only %s supported", name, dtype,
               any_dtype ? "F32, F64, I32, U32 and U64 are" : "\"F32\" is");
  return FALSE;
}

static gboolean
parse_entry (const char *path, const char *name, JsonNode *node, gboolean any_dtype, Entry *e,
             GError **error)
{
  JsonObject *obj;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  guint seen = 0;

  if (*name == '\0' || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_corrupt (error, path, "tensor '%s': %s", name,
                   *name == '\0' ? "the name is empty" : "the entry is not a JSON object");
      return FALSE;
    }
  e->name = name;
  obj = json_node_get_object (node);
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (g_str_equal (key, "dtype"))
        {
          if (!check_dtype (path, name, value, any_dtype, &e->dtype, error))
            return FALSE;
          seen |= 1;
        }
      else if (g_str_equal (key, "shape"))
        {
          if (!parse_shape (path, name, value, e, error))
            return FALSE;
          seen |= 2;
        }
      else if (g_str_equal (key, "data_offsets"))
        {
          if (!parse_offsets (path, name, value, e, error))
            return FALSE;
          seen |= 4;
        }
      else
        {
          set_corrupt (error, path, "tensor '%s': unknown key '%s'", name, key);
          return FALSE;
        }
    }
  if (seen != 7)
    {
      set_corrupt (error, path, "tensor '%s' has no '%s'", name,
                   !(seen & 1) ? "dtype" : !(seen & 2) ? "shape" : "data_offsets");
      return FALSE;
    }
  return check_entry_size (path, e, error);
}

static gboolean
parse_metadata (const char *path, JsonNode *node, GHashTable *metadata, GError **error)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_corrupt (error, path, "__metadata__ is not a JSON object");
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          set_corrupt (error, path, "__metadata__: the value of '%s' is not a string", key);
          return FALSE;
        }
      g_hash_table_replace (metadata, g_strdup (key), g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

static int
compare_begin (gconstpointer a, gconstpointer b)
{
  const Entry *x = *(const Entry * const *) a, *y = *(const Entry * const *) b;

  return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : 0;
}

/* The tensors must tile the data section exactly: no overlaps, no holes, nothing missing. */
static gboolean
check_layout (const char *path, GArray *entries, guint64 header_len, gsize file_size,
              GError **error)
{
  g_autofree const Entry **sorted = g_new (const Entry *, MAX (entries->len, 1));
  guint64 data_size = file_size - 8 - header_len;
  guint64 pos = 0;

  for (guint i = 0; i < entries->len; i++)
    sorted[i] = &g_array_index (entries, Entry, i);
  qsort (sorted, entries->len, sizeof (Entry *), compare_begin);
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *e = sorted[i];

      if (e->begin < pos)
        {
          set_corrupt (error, path, "tensors '%s' and '%s' overlap in the data section",
                       sorted[i - 1]->name, e->name);
          return FALSE;
        }
      if (e->begin > pos)
        {
          set_corrupt (error, path, "bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                       " of the data section belong to no tensor", pos, e->begin);
          return FALSE;
        }
      pos = e->end;
    }
  if (pos > data_size)
    {
      set_corrupt (error, path, "the file is truncated: expected %" G_GUINT64_FORMAT
                   " bytes, found %" G_GSIZE_FORMAT, 8 + header_len + pos, file_size);
      return FALSE;
    }
  if (pos < data_size)
    {
      set_corrupt (error, path, "the last %" G_GUINT64_FORMAT " bytes of the data section "
                   "belong to no tensor", data_size - pos);
      return FALSE;
    }
  return TRUE;
}

/* Read the header length and make sure the header is plausible UTF-8 text that the JSON parser
 * can take without deep recursion. Returns the length, or 0 after setting ERROR. */
static guint64
check_header_bytes (const char *path, const char *contents, gsize size, GError **error)
{
  guint64 n;
  g_autofree char *shape_problem = NULL;

  if (size < 8)
    {
      set_corrupt (error, path, "the file is truncated: expected at least 8 bytes, found %"
                   G_GSIZE_FORMAT, size);
      return 0;
    }
  memcpy (&n, contents, 8);
  n = GUINT64_FROM_LE (n);
  if (n < 2 || n > GROK_SAFETENSORS_MAX_HEADER)
    {
      set_corrupt (error, path, "the header length %" G_GUINT64_FORMAT " is not between 2 and %d "
                   "bytes: this is not a safetensors file", n, GROK_SAFETENSORS_MAX_HEADER);
      return 0;
    }
  if (n > size - 8)
    {
      set_corrupt (error, path, "the file is truncated: expected at least %" G_GUINT64_FORMAT
                   " bytes, found %" G_GSIZE_FORMAT, 8 + n, size);
      return 0;
    }
  if (!g_utf8_validate (contents + 8, (gssize) n, NULL))
    {
      set_corrupt (error, path, "the header is not UTF-8 text");
      return 0;
    }
  shape_problem = grok_json_check_text (contents + 8, n, n, MAX_HEADER_DEPTH);
  if (shape_problem != NULL)
    {
      set_corrupt (error, path, "the header, %s", shape_problem);
      return 0;
    }
  return n;
}

/* parse the header JSON into ENTRIES and METADATA; PARSER keeps the names alive */
static gboolean
parse_header (const char *path, JsonParser *parser, const char *text, guint64 len,
              gboolean any_dtype, GArray *entries, GHashTable *metadata, GError **error)
{
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, text, (gssize) len, &json_error))
    {
      set_corrupt (error, path, "the header is not valid JSON (%s)", json_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || json_parser_has_assignment (parser, NULL))
    {
      set_corrupt (error, path, "the header is not a JSON object");
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &node))
    {
      Entry e = { 0 };

      if (g_str_equal (name, "__metadata__"))
        {
          if (!parse_metadata (path, node, metadata, error))
            return FALSE;
          continue;
        }
      if (!parse_entry (path, name, node, any_dtype, &e, error))
        return FALSE;
      g_array_append_val (entries, e);
    }
  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Entry *) a)->name, ((const Entry *) b)->name);
}

/* sort ENTRIES into canonical order; a name can only appear once */
static gboolean
sort_names (const char *path, GArray *entries, GError **error)
{
  g_array_sort (entries, compare_names);
  for (guint i = 1; i < entries->len; i++)
    if (compare_names (&g_array_index (entries, Entry, i - 1), &g_array_index (entries, Entry, i)) == 0)
      {
        set_corrupt (error, path, "tensor '%s' appears twice", g_array_index (entries, Entry, i).name);
        return FALSE;
      }
  return TRUE;
}

void
grok_safetensors_parsed_clear (Parsed *p)
{
  g_free (p->contents);
  g_clear_object (&p->parser);
  g_clear_pointer (&p->entries, g_array_unref);
  g_clear_pointer (&p->metadata, g_hash_table_unref);
}

/* the data section must hash to the data_sha256 of the metadata, when the file has one (files
 * written before it was added have none, and are taken as they are) */
static gboolean
check_checksum (const char *path, const Parsed *p, gsize size, GError **error)
{
  const char *want = g_hash_table_lookup (p->metadata, GROK_SAFETENSORS_CHECKSUM_KEY);
  g_autoptr(GChecksum) sum = NULL;

  if (want == NULL)
    return TRUE;
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) p->contents + 8 + p->header_len,
                     (gssize) (size - 8 - p->header_len));
  if (g_ascii_strcasecmp (want, g_checksum_get_string (sum)) == 0)
    return TRUE;
  set_corrupt (error, path, "its data does not match the checksum in its metadata "
               "(" GROK_SAFETENSORS_CHECKSUM_KEY "): the file was changed or damaged after it "
               "was written");
  return FALSE;
}

gboolean
grok_safetensors_parse (const GrokFileAt *at, const char *what, gboolean any_dtype, Parsed *p,
                        GError **error)
{
  g_autoptr(GError) io_error = NULL;
  const char *path = at->shown;
  gsize size = 0;

  if (!grok_file_read_at (at, G_MAXSIZE, &p->contents, &size, &io_error))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot read the %s: %s", what,
                   io_error->message);
      return FALSE;
    }
  p->header_len = check_header_bytes (path, p->contents, size, error);
  if (p->header_len == 0)
    return FALSE;
  p->parser = json_parser_new_immutable ();
  p->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  p->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return parse_header (path, p->parser, p->contents + 8, p->header_len, any_dtype, p->entries,
                       p->metadata, error)
         && sort_names (path, p->entries, error)
         && check_layout (path, p->entries, p->header_len, size, error)
         && check_checksum (path, p, size, error);
}
