/* Config loading: every kind of bad input fails with a message naming the key, the value and
 * what is allowed, and leaves the config as it was. */
#include <string.h>

#include "grok-config.h"
#include "grok-error.h"
#include "grok-presets.h"

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected '%s' in the message: %s", needle, haystack);
}

/* merge text into a default config; it must fail, mention every needle, and change nothing */
static void
expect_error (const char *json, const char * const *needles)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autofree char *before = grok_config_to_string (config);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (grok_config_merge_data (config, json, -1, "test.json", &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  for (int i = 0; needles[i] != NULL; i++)
    assert_contains (error->message, needles[i]);
  after = grok_config_to_string (config);
  g_assert_cmpstr (before, ==, after);
}

static void
test_unknown_key (void)
{
  expect_error ("{\"optim\": {\"lr\": 0.01, \"learning_rate\": 0.1}}",
                (const char *[]) { "test.json", "unknown key", "optim.learning_rate", NULL });
  expect_error ("{\"sead\": 1}", (const char *[]) { "unknown key", "'sead'", NULL });
  expect_error ("{\"trainer\": {\"steps\": 1}}", (const char *[]) { "trainer.steps", NULL });
}

static void
test_wrong_type (void)
{
  expect_error ("{\"optim\": {\"lr\": \"fast\"}}",
                (const char *[]) { "optim.lr", "\"fast\"", "a number", NULL });
  expect_error ("{\"train\": {\"steps\": 10.5}}",
                (const char *[]) { "train.steps", "10.5", "an integer", NULL });
  expect_error ("{\"model\": {\"activation\": 3}}",
                (const char *[]) { "model.activation", "one of relu, leaky_relu, gelu", NULL });
  expect_error ("{\"task\": 5}", (const char *[]) { "'task' must be an object", NULL });
  expect_error ("{\"name\": 5}", (const char *[]) { "'name'", "UTF-8 text", NULL });
}

static void
test_out_of_range (void)
{
  expect_error ("{\"optim\": {\"lr\": -0.1}}",
                (const char *[]) { "optim.lr", "out of range", "-0.1", "0 < value <= 10", NULL });
  expect_error ("{\"task\": {\"train_fraction\": 1}}",
                (const char *[]) { "task.train_fraction", "out of range", "0 < value < 1", NULL });
  expect_error ("{\"model\": {\"depth\": 17}}",
                (const char *[]) { "model.depth", "17", "from 0 to 16", NULL });
  expect_error ("{\"train\": {\"steps\": 0}}", (const char *[]) { "train.steps", NULL });
}

static void
test_bad_enum (void)
{
  expect_error ("{\"task\": {\"op\": \"pow\"}}",
                (const char *[]) { "task.op", "\"pow\"", "add, sub, mul, div, sq_sum, quad", NULL });
}

static void
test_not_json (void)
{
  expect_error ("{\"optim\": {\"lr\": 0.1,}", (const char *[]) { "test.json", "not valid JSON", NULL });
  expect_error ("[1, 2]", (const char *[]) { "JSON object", NULL });
}

static void
expect_invalid (const char * const *sets, const char * const *needles)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GError) error = NULL;

  for (int i = 0; sets[i] != NULL; i++)
    g_assert_true (grok_config_set (config, sets[i], NULL));
  g_assert_false (grok_config_validate (config, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  for (int i = 0; needles[i] != NULL; i++)
    assert_contains (error->message, needles[i]);
}

static void
test_cross_checks (void)
{
  expect_invalid ((const char *[]) { "task.op=div", "task.p=91", NULL },
                  (const char *[]) { "task.p", "91", "prime", NULL });
  expect_invalid ((const char *[]) { "task.p=11", "train.batch_size=100", NULL },
                  (const char *[]) { "train.batch_size", "100", "60", NULL });
  expect_invalid ((const char *[]) { "task.p=3", "task.train_fraction=0.05", NULL },
                  (const char *[]) { "task.train_fraction", NULL });
  expect_invalid ((const char *[]) { "task.name=xor2d", "task.format=sequence", NULL },
                  (const char *[]) { "task.format", NULL });
  expect_invalid ((const char *[]) { "task.name=xor2d", "task.format=digits", NULL },
                  (const char *[]) { "task.format", "digits", "xor2d", NULL });
  expect_invalid ((const char *[]) { "task.name=modular", "task.format=digits", NULL },
                  (const char *[]) { "task.format", "digits", "xor_bits", NULL });
  expect_invalid ((const char *[]) { "task.name=xor_bits", "task.format=digits",
                                     "model.kind=transformer", NULL },
                  (const char *[]) { "task.format", "model.kind", NULL });
}

/* the digit form of xor_bits has no embeddings: the editor hides model.d_embed for it */
static void
test_digits_applies (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();

  g_assert_true (grok_config_set (config, "task.name=xor_bits", NULL));
  g_assert_true (grok_config_key_applies (config, "model.d_embed"));
  g_assert_true (grok_config_set (config, "task.format=digits", NULL));
  g_assert_true (grok_config_validate (config, NULL));
  g_assert_false (grok_config_key_applies (config, "model.d_embed"));
  g_assert_true (grok_config_key_applies (config, "task.n_bits"));
}

/* numbers as a paper writes them: the shortest text that reads back to the same double */
static void
test_format_number (void)
{
  const struct { double v; const char *text; } cases[] = {
    { 0.003, "0.003" }, { 1e-6, "1e-06" }, { 0.9, "0.9" }, { 0.999, "0.999" }, { 1e-8, "1e-08" },
    { 20, "20" }, { 1, "1" }, { 0, "0" }, { 0.25, "0.25" }, { 1e-4, "0.0001" }, { -0.5, "-0.5" },
    { 1.0 / 3, "0.3333333333333333" }, { 4294967295.0, "4294967295" }, { 1e15, "1e+15" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = grok_config_format_number (cases[i].v);
      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_true (g_ascii_strtod (text, NULL) == cases[i].v);
    }
}

/* every key has a label of its own, as the settings list shows it */
static void
test_labels (void)
{
  guint n;
  const GrokConfigKey *keys = grok_config_keys (&n);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      g_assert_nonnull (keys[i].label);
      g_assert_cmpuint (strlen (keys[i].label), >, 0);
      g_assert_true (g_ascii_isupper (keys[i].label[0]));
      g_assert_false (g_hash_table_contains (seen, keys[i].label));
      g_hash_table_add (seen, (gpointer) keys[i].label);
    }
  g_assert_cmpstr (grok_config_key_lookup ("optim.lr")->label, ==, "Learning rate");
}

/* an MLP's settings list has no transformer sizes and the reverse; a measure's schedule shows
 * where the measure applies */
static void
test_model_applies (void)
{
  g_autoptr (GrokConfig) mlp = grok_config_new_default ();
  g_autoptr (GrokConfig) tf = grok_config_new_default ();

  g_assert_true (grok_config_set (tf, "model.kind=transformer", NULL));
  g_assert_true (grok_config_set (tf, "task.format=sequence", NULL));
  g_assert_true (grok_config_key_applies (mlp, "model.width"));
  g_assert_false (grok_config_key_applies (mlp, "model.n_heads"));
  g_assert_false (grok_config_key_applies (mlp, "model.ln_eps"));
  g_assert_true (grok_config_key_applies (mlp, "measures.lmn_points"));
  g_assert_false (grok_config_key_applies (mlp, "measures.regions_every"));
  g_assert_true (grok_config_key_applies (mlp, "measures.complexity_epsilon"));
  g_assert_false (grok_config_key_applies (mlp, "run.parent_step"));
  g_assert_true (grok_config_key_applies (tf, "model.n_heads"));
  g_assert_false (grok_config_key_applies (tf, "model.width"));
  g_assert_false (grok_config_key_applies (tf, "model.d_embed"));
  g_assert_false (grok_config_key_applies (tf, "measures.lmn_per_decade"));
  g_assert_false (grok_config_key_applies (tf, "measures.local_complexity_every"));
  g_assert_true (grok_config_key_applies (tf, "measures.spectrum_every"));
  g_assert_true (grok_config_key_applies (tf, "model.init_scale"));
}

static void
test_set (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GError) error = NULL;

  g_assert_true (grok_config_set (config, "optim.lr=0.01", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (config->optim.lr, ==, 0.01);
  g_assert_true (grok_config_set (config, "train.steps=123", NULL));
  g_assert_cmpint (config->train.steps, ==, 123);
  g_assert_true (grok_config_set (config, "model.activation=gelu", NULL));
  g_assert_cmpint (config->model.activation, ==, GROK_ACT_GELU);
  g_assert_true (grok_config_set (config, "name=sweep 3", NULL));
  g_assert_cmpstr (config->name, ==, "sweep 3");

  g_assert_false (grok_config_set (config, "optim.lr", &error));
  assert_contains (error->message, "KEY=VALUE");
  g_clear_error (&error);
  g_assert_false (grok_config_set (config, "optim.rl=1", &error));
  assert_contains (error->message, "optim.rl");
  g_clear_error (&error);
  g_assert_false (grok_config_set (config, "train.steps=many", &error));
  assert_contains (error->message, "train.steps");
  assert_contains (error->message, "many");
  g_assert_cmpint (config->train.steps, ==, 123);
}

/* the resolved document holds every key and reads back to the same settings */
static void
test_round_trip (void)
{
  g_autoptr (GrokConfig) a = grok_config_new_default ();
  g_autoptr (GrokConfig) b = grok_config_new_default ();
  g_autofree char *text_a = NULL, *text_b = NULL;
  guint n_keys;
  const GrokConfigKey *keys = grok_config_keys (&n_keys);

  g_assert_true (grok_config_set (a, "optim.lr=0.000123456789", NULL));
  g_assert_true (grok_config_set (a, "task.op=quad", NULL));
  g_assert_true (grok_config_set (a, "seed=4000000000", NULL));
  g_assert_true (grok_config_set (b, "optim.lr=0.5", NULL));
  text_a = grok_config_to_string (a);
  for (guint i = 0; i < n_keys; i++)
    {
      g_auto (GStrv) parts = g_strsplit (keys[i].key, ".", 2);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", parts[1] ? parts[1] : parts[0]);
      assert_contains (text_a, quoted);
    }
  g_assert_true (grok_config_merge_data (b, text_a, -1, "round trip", NULL));
  text_b = grok_config_to_string (b);
  g_assert_cmpstr (text_a, ==, text_b);
  g_assert_cmpfloat (b->optim.lr, ==, 0.000123456789);
  g_assert_cmpint (b->seed, ==, 4000000000);
}

/* every default lies in its own range and every preset is valid */
static void
test_defaults_and_presets (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_auto (GStrv) names = grok_presets_list ();
  guint n_keys;

  grok_config_keys (&n_keys);
  g_assert_cmpuint (n_keys, >, 20);
  g_assert_true (grok_config_validate (config, NULL));
  g_assert_cmpuint (g_strv_length (names), >=, 5);
  for (int i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokConfig) preset = grok_preset_load (names[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (preset->name, ==, names[i]);
      g_assert_true (grok_config_validate (preset, &error));
      g_assert_no_error (error);
    }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (grok_preset_load ("no-such-preset", &error));
    assert_contains (error->message, "no-such-preset");
    assert_contains (error->message, "quick");
  }
}

/* the scan before parsing counts nesting outside strings only, and a stray closer buys no depth */
static void
test_shape_limits (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) deep = g_string_new ("{\"name\": ");

  g_assert_true (grok_config_merge_data (config, "{\"name\": \"[[[[[[[[[[[[[[[[[[[[{{{{\\\"[[[[\"}",
                                         -1, "test.json", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->name, ==, "[[[[[[[[[[[[[[[[[[[[{{{{\"[[[[");
  for (int i = 0; i < 20; i++)
    g_string_append_c (deep, '[');
  expect_error (deep->str, (const char *[]) { "test.json", "line 1", "more than 16 deep", NULL });
  g_string_prepend (deep, "]]]]]]]]]]]]]]]]]]]]]]]]\n");
  expect_error (deep->str, (const char *[]) { "test.json", "line 2", "more than 16 deep", NULL });
  expect_error ("{\"seed\":\n -9223372036854775809}",
                (const char *[]) { "line 2", "-9223372036854775809", "64-bit", NULL });
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/config/unknown-key", test_unknown_key);
  g_test_add_func ("/engine/config/wrong-type", test_wrong_type);
  g_test_add_func ("/engine/config/out-of-range", test_out_of_range);
  g_test_add_func ("/engine/config/bad-enum", test_bad_enum);
  g_test_add_func ("/engine/config/not-json", test_not_json);
  g_test_add_func ("/engine/config/shape-limits", test_shape_limits);
  g_test_add_func ("/engine/config/cross-checks", test_cross_checks);
  g_test_add_func ("/engine/config/digits-applies", test_digits_applies);
  g_test_add_func ("/engine/config/set", test_set);
  g_test_add_func ("/engine/config/format-number", test_format_number);
  g_test_add_func ("/engine/config/labels", test_labels);
  g_test_add_func ("/engine/config/model-applies", test_model_applies);
  g_test_add_func ("/engine/config/round-trip", test_round_trip);
  g_test_add_func ("/engine/config/defaults-and-presets", test_defaults_and_presets);
  return g_test_run ();
}
