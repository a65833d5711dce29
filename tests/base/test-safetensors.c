/* Safetensors checkpoints: round trips, the exact byte layout against a file built by hand, and
 * a reader that turns every damaged file into an error naming the file and the problem. */
#include "grok-error.h"
#include "grok-params.h"
#include "grok-rng.h"
#include "grok-safetensors.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static char *test_dir;

static char *
test_path (const char *name)
{
  return g_build_filename (test_dir, name, NULL);
}

static void
write_bytes (const char *path, const void *data, gsize len)
{
  /* plain stdio, no fsync: these files are read back at once, and thousands of syncs would
   * make the fuzz loop wait on the disk. Unlinking first avoids ext4's flush of a file
   * truncated and rewritten in place. */
  FILE *fp;

  g_unlink (path);
  fp = fopen (path, "wb");

  g_assert_nonnull (fp);
  g_assert_cmpuint (fwrite (data, 1, len, fp), ==, len);
  g_assert_cmpint (fclose (fp), ==, 0);
}

/* tensors of ranks 1 to 4, added in a non-canonical order, with values that exercise the
 * float encoding: negatives, -0, tiny and huge magnitudes, a subnormal */
static GrokParams *
make_params (guint64 seed)
{
  GrokParams *params = grok_params_new ();
  GrokRng rng;
  const int s_w[] = { 3, 4 }, s_b[] = { 3 }, s_e[] = { 5, 2 }, s_q[] = { 2, 3, 2, 2 }, s_z[] = { 1, 1, 2 };

  grok_params_add (params, "layers.0.weight", 2, s_w);
  grok_params_add (params, "layers.0.bias", 1, s_b);
  grok_params_add (params, "embed.weight", 2, s_e);
  grok_params_add (params, "blocks.0.attn.q.weight", 4, s_q);
  grok_params_add (params, "z", 3, s_z);
  grok_params_allocate (params);
  grok_rng_init (&rng, seed);
  for (int i = 0; i < params->n_tensors; i++)
    {
      float *x = grok_params_tensor_data (params, i);
      for (gsize j = 0; j < params->tensors[i].numel; j++)
        x[j] = (float) (grok_rng_normal (&rng) * pow (10.0, (double) grok_rng_below (&rng, 20) - 10));
    }
  grok_params_tensor_data (params, 1)[0] = -0.0f;
  grok_params_tensor_data (params, 1)[1] = 1e-40f;
  grok_params_tensor_data (params, 1)[2] = 3.0e38f;
  return params;
}

static GHashTable *
make_metadata (void)
{
  GHashTable *m = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (m, g_strdup ("step"), g_strdup ("100"));
  g_hash_table_insert (m, g_strdup ("config"), g_strdup ("{\"task\": {\"p\": 113}}\n\t\\end"));
  g_hash_table_insert (m, g_strdup ("note"), g_strdup ("λ = 0.1, \"quoted\""));
  return m;
}

static void
assert_same_params (const GrokParams *a, const GrokParams *b)
{
  g_assert_cmpint (a->n_tensors, ==, b->n_tensors);
  for (int c = 0; c < a->n_tensors; c++)
    {
      const GrokTensor *ta = &a->tensors[a->canonical[c]];
      const GrokTensor *tb = &b->tensors[b->canonical[c]];

      g_assert_cmpstr (ta->name, ==, tb->name);
      g_assert_cmpint (ta->ndim, ==, tb->ndim);
      for (int d = 0; d < ta->ndim; d++)
        g_assert_cmpint (ta->shape[d], ==, tb->shape[d]);
      /* bit for bit: -0 and subnormals must survive */
      g_assert_cmpmem (a->data + ta->offset, ta->numel * 4, b->data + tb->offset, tb->numel * 4);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("round-trip.safetensors");
  g_autoptr(GrokParams) params = make_params (1);
  g_autoptr(GrokParams) read = NULL;
  g_autoptr(GHashTable) metadata = make_metadata ();
  g_autoptr(GHashTable) read_meta = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_true (grok_params_write (path, params, metadata, &error));
  g_assert_no_error (error);
  read = grok_params_read (path, &read_meta, &error);
  g_assert_no_error (error);
  assert_same_params (params, read);
  /* the reader adds tensors in canonical order */
  for (int i = 0; i < read->n_tensors; i++)
    g_assert_cmpint (read->canonical[i], ==, i);
  /* the writer adds the checksum of the data section */
  g_assert_cmpuint (g_hash_table_size (read_meta), ==, g_hash_table_size (metadata) + 1);
  g_assert_cmpuint (strlen (g_hash_table_lookup (read_meta, GROK_SAFETENSORS_CHECKSUM_KEY)), ==, 64);
  g_hash_table_iter_init (&iter, metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (g_hash_table_lookup (read_meta, key), ==, value);
}

static void
test_load_into (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("load-into.safetensors");
  g_autoptr(GrokParams) params = make_params (2);
  g_autoptr(GrokParams) model = make_params (3);
  g_autoptr(GHashTable) meta = NULL;

  g_assert_true (grok_params_write (path, params, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (grok_params_load_into (path, model, &meta, &error));
  g_assert_no_error (error);
  assert_same_params (params, model);
  /* no metadata given: only the checksum the writer adds */
  g_assert_cmpuint (g_hash_table_size (meta), ==, 1);
  g_assert_true (g_hash_table_contains (meta, GROK_SAFETENSORS_CHECKSUM_KEY));
}

static void
append_le32 (GByteArray *out, guint32 bits)
{
  guint8 b[4] = { bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >> 24 };
  g_byte_array_append (out, b, 4);
}

/* the whole file: length, header, floats (given as IEEE-754 bit patterns) */
static GByteArray *
hand_built_file (const char *header, const guint32 *bits, gsize n_floats)
{
  GByteArray *out = g_byte_array_new ();
  guint64 n = strlen (header);

  for (int i = 0; i < 8; i++)
    {
      guint8 byte = (n >> (8 * i)) & 0xff;
      g_byte_array_append (out, &byte, 1);
    }
  g_byte_array_append (out, (const guint8 *) header, (guint) n);
  for (gsize i = 0; i < n_floats; i++)
    append_le32 (out, bits[i]);
  return out;
}

/* "a.w" [1, 3] = {0.5, 3, -0}, "b" [2] = {1, -2.5}, a name that needs escaping [1] = {-1};
 * metadata {"step": "7"} and the writer's SHA-256 of the 24 data bytes. The header text is
 * 284 bytes, so 4 spaces of padding follow it. */
static void
test_byte_layout (void)
{
  const char *header =
    "{\"__metadata__\":{\"data_sha256\":\"%s\",\"step\":\"7\"},"
    "\"a.w\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]},"
    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},"
    "\"q\\\"x\\\\y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]}}";
  /* 0.5, 3, -0 | 1, -2.5 | -1 */
  const guint32 bits[] = { 0x3f000000, 0x40400000, 0x80000000, 0x3f800000, 0xc0200000, 0xbf800000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("layout.safetensors");
  g_autofree char *padded = NULL, *filled = NULL, *sha = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GByteArray) expected = NULL, data = hand_built_file ("", bits, G_N_ELEMENTS (bits));
  g_autoptr(GrokParams) params = grok_params_new ();
  g_autoptr(GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  const int s_a[] = { 1, 3 }, s_b[] = { 2 }, s_q[] = { 1 };
  const float a[] = { 0.5f, 3.0f, -0.0f }, b[] = { 1.0f, -2.5f }, q[] = { -1.0f };
  gsize len = 0;

  /* added out of order: the writer must sort the names bytewise */
  grok_params_add (params, "b", 1, s_b);
  grok_params_add (params, "q\"x\\y", 1, s_q);
  grok_params_add (params, "a.w", 2, s_a);
  grok_params_allocate (params);
  memcpy (grok_params_tensor_data (params, 0), b, sizeof b);
  memcpy (grok_params_tensor_data (params, 1), q, sizeof q);
  memcpy (grok_params_tensor_data (params, 2), a, sizeof a);
  g_hash_table_insert (meta, (char *) "step", (char *) "7");

  /* the checksum of the data section, after the 8 bytes of header length */
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data->data + 8, data->len - 8);
  filled = g_strdup_printf (header, sha);
  /* pad by hand to a multiple of 8 bytes */
  padded = g_strdup_printf ("%s%.*s", filled, (int) ((8 - strlen (filled) % 8) % 8), "       ");
  g_assert_cmpuint (strlen (padded) % 8, ==, 0);
  g_assert_cmpuint (strlen (padded) - strlen (filled), >, 0);
  expected = hand_built_file (padded, bits, G_N_ELEMENTS (bits));

  g_assert_true (grok_params_write (path, params, meta, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, expected->data, expected->len);
}

/* one flipped bit of the data section breaks the checksum: the file is refused, naming it; a
 * file without a checksum (written before there was one) is read as it is */
static void
test_checksum (void)
{
  const char *header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  const guint32 bits[] = { 0x3f800000, 0xc0200000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("checksum.safetensors");
  g_autofree char *old = test_path ("no-checksum.safetensors");
  g_autofree char *contents = NULL;
  g_autoptr(GrokParams) params = make_params (4);
  g_autoptr(GrokParams) read = NULL, unchecked = NULL;
  g_autoptr(GHashTable) meta = NULL;
  g_autoptr(GByteArray) bare = hand_built_file (header, bits, G_N_ELEMENTS (bits));
  gsize len = 0;

  g_assert_true (grok_params_write (path, params, NULL, &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  contents[len - 3] ^= 0x10;
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  read = grok_params_read (path, NULL, &error);
  g_assert_null (read);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, GROK_SAFETENSORS_CHECKSUM_KEY));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (old, (const char *) bare->data, bare->len, NULL));
  unchecked = grok_params_read (old, &meta, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (meta, GROK_SAFETENSORS_CHECKSUM_KEY));
  g_assert_cmpfloat (grok_params_tensor_data (unchecked, 0)[1], ==, -2.5f);
}

/* control characters must be escaped: strict JSON readers (Python's json) reject them raw */
static void
test_escapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("escapes.safetensors");
  g_autofree char *contents = NULL;
  g_autoptr(GrokParams) params = grok_params_new ();
  g_autoptr(GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) read_meta = NULL;
  g_autoptr(GrokParams) read = NULL;
  /* the SHA-256 of no data, then the key and value escaped */
  const char *expected = "{\"__metadata__\":{\"data_sha256\":\"e3b0c44298fc1c149afbf4c8996fb9"
                         "2427ae41e4649b934ca495991b7852b855\",\"k\\\"\":\"a\\u000ab\\u0001\\\\\"}}";
  gsize len = 0;

  grok_params_allocate (params);
  g_hash_table_insert (meta, (char *) "k\"", (char *) "a\nb\001\\");
  g_assert_true (grok_params_write (path, params, meta, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8 + strlen (expected));
  g_assert_cmpmem (contents + 8, strlen (expected), expected, strlen (expected));
  read = grok_params_read (path, &read_meta, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (read_meta, "k\""), ==, "a\nb\001\\");
}

/* a file from another writer: keys in another order, no padding, spaces in the JSON */
static void
test_read_hand_built (void)
{
  const char *header =
    "{ \"b\": {\"data_offsets\": [0, 8], \"shape\": [2], \"dtype\": \"F32\"},\n"
    "  \"__metadata__\": {\"format\": \"pt\"},\n"
    "  \"a\": {\"shape\": [1, 1, 1, 1], \"dtype\": \"F32\", \"data_offsets\": [8, 12]} }";
  const guint32 bits[] = { 0x3f800000, 0xc0200000, 0x3f000000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("hand.safetensors");
  g_autoptr(GByteArray) file = hand_built_file (header, bits, G_N_ELEMENTS (bits));
  g_autoptr(GrokParams) params = NULL;
  g_autoptr(GHashTable) meta = NULL;

  write_bytes (path, file->data, file->len);
  params = grok_params_read (path, &meta, &error);
  g_assert_no_error (error);
  g_assert_cmpint (params->n_tensors, ==, 2);
  g_assert_cmpstr (params->tensors[0].name, ==, "a");
  g_assert_cmpint (params->tensors[0].ndim, ==, 4);
  g_assert_cmpfloat (grok_params_tensor_data (params, 0)[0], ==, 0.5f);
  g_assert_cmpstr (params->tensors[1].name, ==, "b");
  g_assert_cmpfloat (grok_params_tensor_data (params, 1)[0], ==, 1.0f);
  g_assert_cmpfloat (grok_params_tensor_data (params, 1)[1], ==, -2.5f);
  g_assert_cmpstr (g_hash_table_lookup (meta, "format"), ==, "pt");
}

static void
test_empty_file_of_tensors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("empty.safetensors");
  g_autoptr(GrokParams) empty = grok_params_new ();
  g_autoptr(GrokParams) read = NULL;

  grok_params_allocate (empty);
  g_assert_true (grok_params_write (path, empty, NULL, &error));
  g_assert_no_error (error);
  read = grok_params_read (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->n_tensors, ==, 0);
}

/* every proper prefix of a valid file is reported as truncated */
static void
test_truncation (void)
{
  g_autofree char *path = test_path ("full.safetensors");
  g_autofree char *cut = test_path ("cut.safetensors");
  g_autoptr(GrokParams) params = grok_params_new ();
  g_autoptr(GHashTable) meta = make_metadata ();
  g_autofree char *contents = NULL;
  const int s1[] = { 2, 3 }, s2[] = { 4 };
  gsize len = 0;

  grok_params_add (params, "w", 2, s1);
  grok_params_add (params, "b", 1, s2);
  grok_params_allocate (params);
  g_assert_true (grok_params_write (path, params, meta, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (gsize n = 0; n < len; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrokParams) read = NULL;

      write_bytes (cut, contents, n);
      read = grok_params_read (cut, NULL, &error);
      g_assert_null (read);
      g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, cut));
      g_assert_nonnull (strstr (error->message, "truncated"));
    }
}

/* random damage: the reader must return a table or an error, never crash or read out of bounds
 * (the sanitizer build turns any stray read into a failure) */
static void
test_random_corruption (void)
{
  g_autofree char *path = test_path ("fuzz.safetensors");
  g_autoptr(GrokParams) params = make_params (4);
  g_autoptr(GHashTable) meta = make_metadata ();
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  /* -m slow runs many more */
  const int trials = g_test_slow () ? 50000 : 3000;
  int n_valid = 0;
  gsize len = 0, header_end;
  GrokRng rng;

  g_assert_true (grok_params_write (path, params, meta, NULL));
  g_assert_true (g_file_get_contents (path, &good, &len, NULL));
  header_end = 8 + (guint8) good[0] + 256 * (guint8) good[1];
  bad = g_malloc (len);
  grok_rng_init (&rng, 20261123);
  for (int t = 0; t < trials; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrokParams) read = NULL;
      int n_changes = 1 + (int) grok_rng_below (&rng, 4);
      gsize n = len;

      memcpy (bad, good, len);
      for (int c = 0; c < n_changes; c++)
        {
          /* mostly in the header, where damage changes the meaning; also ASCII that JSON uses */
          gsize at = grok_rng_below (&rng, 10) < 8 ? grok_rng_below (&rng, header_end)
                                                   : grok_rng_below (&rng, len);
          const char *json_chars = "{}[]\",:0123456789 -e.";
          bad[at] = grok_rng_below (&rng, 2) ? (char) grok_rng_below (&rng, 256)
                                             : json_chars[grok_rng_below (&rng, strlen (json_chars))];
        }
      if (grok_rng_below (&rng, 4) == 0)
        n = grok_rng_below (&rng, len + 1);
      write_bytes (path, bad, n);
      read = grok_params_read (path, NULL, &error);
      g_assert_true ((read == NULL) != (error == NULL));
      if (read != NULL)
        {
          n_valid++;
          /* a table that parsed is usable: every value can be read (damage may make NaNs) */
          g_assert_false (grok_params_l2_norm (read) < 0.0);
        }
      else
        {
          g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
          g_assert_nonnull (strstr (error->message, path));
        }
    }
  g_test_message ("%d of %d damaged files still parsed", n_valid, trials);
  /* damage confined to the data section leaves a valid file, so some must parse */
  g_assert_cmpint (n_valid, >, 0);
  g_assert_cmpint (n_valid, <, trials);
}

typedef struct
{
  const char *header;
  gsize       data_bytes;
  const char *message;        /* a substring the error must contain */
} Malformed;

static const Malformed malformed[] = {
  { "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
    "tensor 'a': dtype is \"F16\"; only \"F32\"" },
  { "{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype is not a string" },
  { "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a' has no 'dtype'" },
  { "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "tensor 'a' has no 'shape'" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "tensor 'a' has no 'data_offsets'" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4,
    "shape has 0 dimensions; 1 to 4 are supported" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,2],\"data_offsets\":[0,8]}}", 8,
    "shape has 5 dimensions" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[0,0]}}", 0,
    "tensor 'a': shape dimension 1 is not a positive integer" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8,
    "shape dimension 0 is not a positive integer" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8,
    "shape dimension 0 is not a positive integer" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", 8, "shape is not an array" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8,
    "tensor 'a': data_offsets must be two integers" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8,
    "data_offsets must be two integers [begin, end] with 0 <= begin <= end" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8,
    "data_offsets must be two integers" },
  { "{\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[10,20],\"data_offsets\":[0,400]}}", 400,
    "tensor 'layers.0.weight': data_offsets [0, 400] do not match shape [10, 20] of F32 (800 bytes)" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}",
    8, "shape [2147483647, 2147483647, 2147483647] is impossibly large" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20,
    "bytes 8 to 12 of the data section belong to no tensor" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
    "bytes 0 to 4 of the data section belong to no tensor" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12,
    "the last 4 bytes of the data section belong to no tensor" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
    "the file is truncated: expected 70 bytes, found 66" },
  { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", 8,
    "tensor 'a': unknown key 'extra'" },
  { "{\"a\":[1,2]}", 0, "tensor 'a': the entry is not a JSON object" },
  { "{\"\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "the name is empty" },
  { "{\"__metadata__\":{\"step\":100}}", 0, "__metadata__: the value of 'step' is not a string" },
  { "{\"__metadata__\":[\"step\"]}", 0, "__metadata__ is not a JSON object" },
  { "[1,2,3]", 0, "the header is not a JSON object" },
  { "\"text\"", 0, "the header is not a JSON object" },
  { "{\"a\":", 0, "the header is not valid JSON" },
  { "{not json}", 0, "the header is not valid JSON" },
  { "{\"a\":[[[[1]]]]}", 0, "the header, line 1: nests objects and arrays more than 3 deep" },
  { "{\"a\xff\":1}", 0, "the header is not UTF-8 text" },
};

static void
check_malformed (const char *path, const guint8 *bytes, gsize len, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokParams) read = NULL;

  write_bytes (path, bytes, len);
  read = grok_params_read (path, NULL, &error);
  g_assert_null (read);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
  if (strstr (error->message, path) == NULL || strstr (error->message, message) == NULL)
    g_error ("expected '%s' in '%s'", message, error->message);
}

static void
test_malformed (void)
{
  g_autofree char *path = test_path ("malformed.safetensors");

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GByteArray) file = hand_built_file (malformed[i].header, NULL, 0);
      g_autofree guint8 *zeros = g_malloc0 (malformed[i].data_bytes + 1);

      g_byte_array_append (file, zeros, (guint) malformed[i].data_bytes);
      check_malformed (path, file->data, file->len, malformed[i].message);
    }
}

/* header lengths that are impossible, and a NUL and a deep nest inside the header text */
static void
test_malformed_header_bytes (void)
{
  g_autofree char *path = test_path ("header.safetensors");
  guint8 buf[64] = { 0 };
  g_autoptr(GByteArray) nul = hand_built_file ("{\"a\":1}", NULL, 0);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GByteArray) deep_file = NULL;

  buf[0] = 1;
  check_malformed (path, buf, sizeof buf, "the header length 1 is not between 2 and");
  memset (buf, 0, 8);
  buf[5] = 1; /* 2^40 */
  check_malformed (path, buf, sizeof buf, "the header length 1099511627776 is not between 2 and");
  memset (buf, 0, 8);
  buf[0] = 100;
  check_malformed (path, buf, 50, "the file is truncated: expected at least 108 bytes, found 50");
  check_malformed (path, buf, 5, "the file is truncated: expected at least 8 bytes, found 5");

  nul->data[12] = '\0';
  check_malformed (path, nul->data, nul->len, "the header is not UTF-8 text");

  /* a million brackets would overflow a recursive parser's stack */
  for (int i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  deep_file = hand_built_file (deep->str, NULL, 0);
  check_malformed (path, deep_file->data, deep_file->len, "nests objects and arrays more than 3 deep");
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_path ("does-not-exist.safetensors");

  g_assert_null (grok_params_read (path, NULL, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_write_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokParams) params = make_params (5);
  g_autofree char *blocker = test_path ("blocker");
  g_autofree char *path = g_build_filename (blocker, "step-00000001.safetensors", NULL);

  /* a regular file where the folder should be fails for root too */
  write_bytes (blocker, "x", 1);
  g_assert_false (grok_params_write (path, params, NULL, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
}

static GrokParams *
model_with (const char *name_a, const int *shape_a, const char *name_b, const int *shape_b)
{
  GrokParams *p = grok_params_new ();

  grok_params_add (p, name_a, 2, shape_a);
  if (name_b != NULL)
    grok_params_add (p, name_b, 1, shape_b);
  grok_params_allocate (p);
  for (gsize i = 0; i < p->numel; i++)
    p->data[i] = (float) i;
  return p;
}

static void
assert_load_fails (const char *path, GrokParams *model, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokParams) before = grok_params_copy (model);

  g_assert_false (grok_params_load_into (path, model, NULL, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
  if (strstr (error->message, path) == NULL || strstr (error->message, message) == NULL)
    g_error ("expected '%s' in '%s'", message, error->message);
  /* a failed load leaves the model as it was */
  assert_same_params (before, model);
}

static void
test_load_into_mismatch (void)
{
  g_autofree char *path = test_path ("mismatch.safetensors");
  const int e99[] = { 99, 64 }, e97[] = { 97, 64 }, b5[] = { 5 };
  g_autoptr(GrokParams) file = model_with ("embed.weight", e99, "layers.0.bias", b5);
  g_autoptr(GrokParams) other_shape = model_with ("embed.weight", e97, "layers.0.bias", b5);
  g_autoptr(GrokParams) missing = model_with ("embed.weight", e99, "layers.2.bias", b5);
  g_autoptr(GrokParams) fewer = model_with ("embed.weight", e99, NULL, NULL);

  memset (file->data, 0, file->numel * sizeof (float));
  g_assert_true (grok_params_write (path, file, NULL, NULL));
  assert_load_fails (path, other_shape, "tensor 'embed.weight' is [99, 64] in the file but [97, 64] in the model");
  assert_load_fails (path, missing, "checkpoint has no tensor 'layers.2.bias'");
  assert_load_fails (path, fewer, "checkpoint has a tensor 'layers.0.bias' that the model does not have");
}

static void
remove_test_dir (void)
{
  GDir *dir = g_dir_open (test_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = test_path (name);
      g_remove (path);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (test_dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  test_dir = g_dir_make_tmp ("grok-safetensors-XXXXXX", NULL);
  g_assert_nonnull (test_dir);
  g_test_add_func ("/engine/safetensors/round-trip", test_round_trip);
  g_test_add_func ("/engine/safetensors/load-into", test_load_into);
  g_test_add_func ("/engine/safetensors/byte-layout", test_byte_layout);
  g_test_add_func ("/engine/safetensors/escapes", test_escapes);
  g_test_add_func ("/engine/safetensors/checksum", test_checksum);
  g_test_add_func ("/engine/safetensors/read-hand-built", test_read_hand_built);
  g_test_add_func ("/engine/safetensors/no-tensors", test_empty_file_of_tensors);
  g_test_add_func ("/engine/safetensors/truncation", test_truncation);
  g_test_add_func ("/engine/safetensors/random-corruption", test_random_corruption);
  g_test_add_func ("/engine/safetensors/malformed", test_malformed);
  g_test_add_func ("/engine/safetensors/malformed-header-bytes", test_malformed_header_bytes);
  g_test_add_func ("/engine/safetensors/missing-file", test_missing_file);
  g_test_add_func ("/engine/safetensors/write-error", test_write_error);
  g_test_add_func ("/engine/safetensors/load-into-mismatch", test_load_into_mismatch);
  status = g_test_run ();
  remove_test_dir ();
  g_free (test_dir);
  return status;
}
