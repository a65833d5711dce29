/* Bad inputs given to grokscope-cli: each is refused with exit status 1 and a message naming the
 * file, line or key at fault (never a crash, an abort in an allocator, or rows quietly lost). */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-helpers.h"
#include "run-helpers.h"

/* a small finished run to damage: liu-add31 for 20 steps, checkpoints at 0, 10 and 20 */
static char *
make_run (const char *dir)
{
  char *run = g_build_filename (dir, "run", NULL);
  g_auto (Result) t = { 0 };

  run_cli (&t, (const char *[]) { "train", "liu-add31", "--steps", "20", "--quiet", "--out", run,
                                  "--set", "train.eval_every=5", "--set", "checkpoints.every=10",
                                  "--set", "checkpoints.per_decade=0", NULL });
  if (t.status != 0)
    g_error ("train failed: %s", t.err);
  return run;
}

static void
assert_refused (const Result *r, const char *file, const char *what)
{
  if (r->status != 1)
    g_error ("expected exit status 1, got %d; stderr: %s", r->status, r->err);
  assert_contains (r->err, file);
  assert_contains (r->err, what);
}

/* 100,000 nested arrays overflowed json-glib's recursive parser (exit 139); they are refused
 * before parsing, as a config to train and as a run folder's config.json */
static void
test_deep_json (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run (dir);
  g_autofree char *deep = g_build_filename (dir, "deep.json", NULL);
  g_autofree char *run_config = g_build_filename (run, "config.json", NULL);
  g_autofree char *png = g_build_filename (dir, "curves.png", NULL);
  g_autoptr (GString) text = g_string_new ("{\"task\": ");
  g_auto (Result) train = { 0 }, measure = { 0 }, figure = { 0 }, resume = { 0 };

  for (int i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  g_assert_true (g_file_set_contents (deep, text->str, text->len, NULL));
  run_cli (&train, (const char *[]) { "train", deep, "--out", run, "--force", NULL });
  assert_refused (&train, "deep.json", "nests");

  g_assert_true (g_file_set_contents (run_config, text->str, text->len, NULL));
  run_cli (&measure, (const char *[]) { "measure", run, NULL });
  assert_refused (&measure, run_config, "nests");
  run_cli (&figure, (const char *[]) { "figure", run, "--view", "curves", "--out", png, NULL });
  assert_refused (&figure, run_config, "nests");
  run_cli (&resume, (const char *[]) { "resume", run, "--steps", "30", NULL });
  assert_refused (&resume, run_config, "nests");
}

static Result
train_file (const char *dir, const char *text, gssize length)
{
  g_autofree char *cfg = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *out = g_build_filename (dir, "never", NULL);
  Result r = { 0 };

  g_assert_true (g_file_set_contents (cfg, text, length, NULL));
  run_cli (&r, (const char *[]) { "train", cfg, "--out", out, "--steps", "1", "--quiet", NULL });
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  return r;
}

/* messages that misled: a too large integer shown as -1, a section that is not an object called
 * an unknown key, a string cut at \u0000 without a word */
static void
test_config_messages (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_auto (Result) big = train_file (dir, "{\"seed\": 99999999999999999999}", -1);
  g_auto (Result) section = train_file (dir, "{\"task\": 5}", -1);
  g_auto (Result) nul = train_file (dir, "{\"name\": \"a\\u0000b\"}", -1);
  g_auto (Result) set = { 0 };

  assert_refused (&big, "bad.json", "99999999999999999999");
  g_assert_null (strstr (big.err, "at -1"));
  assert_refused (&section, "bad.json", "'task' must be an object");
  assert_refused (&nul, "bad.json", "\\u0000");
  run_cli (&set, (const char *[]) { "train", "quick", "--out", dir, "--force",
                                    "--set", "seed=99999999999999999999", NULL });
  assert_refused (&set, "seed", "out of range at 99999999999999999999");
}

/* a 200 MB name was copied into every checkpoint; string keys have a bound, and a file far past
 * the size of any config is refused before it is read */
static void
test_string_bounds (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autoptr (GString) text = g_string_new ("{\"name\": \"");
  g_auto (Result) name = { 0 }, huge = { 0 }, parent = { 0 };

  for (int i = 0; i < 300; i++)
    g_string_append_c (text, 'n');
  g_string_append (text, "\"}");
  name = train_file (dir, text->str, (gssize) text->len);
  assert_refused (&name, "bad.json", "key 'name' is too long");
  assert_contains (name.err, "at most 256 bytes");
  g_assert_cmpuint (strlen (name.err), <, 400);

  g_string_truncate (text, text->len - 2);
  for (int i = 0; i < 2 * 1024 * 1024; i++)
    g_string_append_c (text, 'n');
  g_string_append (text, "\"}");
  huge = train_file (dir, text->str, (gssize) text->len);
  assert_refused (&huge, "bad.json", "bytes long");

  g_string_assign (text, "{\"run\": {\"parent\": \"/");
  for (int i = 0; i < 5000; i++)
    g_string_append_c (text, 'd');
  g_string_append (text, "\"}}");
  parent = train_file (dir, text->str, (gssize) text->len);
  assert_refused (&parent, "bad.json", "key 'run.parent' is too long");
}

/* NaN weights in a checkpoint: measures and figures name the file, the step and the tensor (not
 * a bare "a weight matrix is not finite" or "LAPACKE_dsyevd info -5") */
static void
test_nan_weights (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run (dir);
  g_autofree char *ckpt = g_build_filename (run, "checkpoints", "step-00000020.safetensors", NULL);
  g_autoptr (GHashTable) meta = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokParams) params = grok_safetensors_read (ckpt, &meta, &error);
  const GrokTensor *t = NULL;

  g_assert_no_error (error);
  /* the first weight matrix of the model (the checkpoint also holds the optimiser's state) */
  for (int i = 0; t == NULL && i < params->n_tensors; i++)
    if (params->tensors[i].ndim == 2 && !g_str_has_prefix (params->tensors[i].name, "optim."))
      t = &params->tensors[i];
  g_assert_nonnull (t);
  params->data[t->offset] = NAN;
  g_assert_true (grok_safetensors_write (ckpt, params, meta, &error));
  for (const char * const *m = (const char *[]) { "spectrum", "lmn", NULL }; *m; m++)
    {
      g_auto (Result) r = { 0 };
      run_cli (&r, (const char *[]) { "measure", run, "--measure", *m, NULL });
      assert_refused (&r, ckpt, "step 20");
      assert_contains (r.err, t->name);
      assert_contains (r.err, "not finite");
    }
  for (const char * const *v = (const char *[]) { "spectrum", "connectivity", NULL }; *v; v++)
    {
      g_autofree char *png = g_build_filename (dir, "figure.png", NULL);
      g_auto (Result) r = { 0 };
      run_cli (&r, (const char *[]) { "figure", run, "--view", *v, "--out", png, NULL });
      assert_refused (&r, ckpt, "step 20");
      assert_contains (r.err, t->name);
    }
}

/* metrics.csv with line 4 (the third row) replaced by damage */
static char *
damage_metrics (const char *run, const char *damage)
{
  g_autofree char *csv = g_build_filename (run, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  char *joined;

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 5);
  g_free (lines[3]);
  lines[3] = g_strdup (damage);
  joined = g_strjoinv ("\n", lines);
  g_assert_true (g_file_set_contents (csv, joined, -1, NULL));
  return joined;
}

/* resume rewrote metrics.csv with only the rows before a damaged line, silently: it is refused,
 * naming the file and line, and the file stays as it was */
static void
test_resume_damaged_metrics (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run (dir);
  g_autofree char *csv = g_build_filename (run, "metrics.csv", NULL);
  g_autofree char *where = g_strdup_printf ("%s:4", csv);
  g_autofree char *long_line = g_strnfill (10 * 1024 * 1024, '7');
  const char *damages[] = { "10,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26",
                            "10,1,0.5,zero,1,0.5,3,0.01,,,,,,,,,,,,,,,", long_line };

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autofree char *before = damage_metrics (run, damages[i]);
      g_autofree char *after = NULL;
      g_auto (Result) r = { 0 };

      run_cli (&r, (const char *[]) { "resume", run, "--steps", "40", "--quiet", NULL });
      assert_refused (&r, where, "repair or delete");
      g_assert_cmpuint (strlen (r.err), <, 1000);
      g_assert_true (g_file_get_contents (csv, &after, NULL, NULL));
      g_assert_true (strcmp (before, after) == 0);
    }
}

/* one damaged metrics row refused the whole curves figure: the valid rows, those after the
 * damage included, are drawn, with a warning naming the line */
static void
test_figure_damaged_metrics (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run (dir);
  g_autofree char *csv = g_build_filename (run, "metrics.csv", NULL);
  g_autofree char *where = g_strdup_printf ("%s:4", csv);
  g_autofree char *out = g_build_filename (dir, "curves.csv", NULL);
  g_autofree char *drawn = NULL;
  g_autofree char *damaged = damage_metrics (run, "10,1,0.5,zero");
  g_auto (GStrv) lines = NULL;
  g_auto (Result) r = { 0 };

  run_cli (&r, (const char *[]) { "figure", run, "--view", "curves", "--out", out, NULL });
  if (r.status != 0)
    g_error ("figure failed: %s", r.err);
  assert_contains (r.err, "warning");
  assert_contains (r.err, where);
  g_assert_true (g_file_get_contents (out, &drawn, NULL, NULL));
  /* the rows of steps 0, 5, 15 and 20 (10 was damaged): the header and four lines */
  lines = g_strsplit (g_strchomp (drawn), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[3], "15,"));
  g_assert_true (g_str_has_prefix (lines[4], "20,"));
}

/* a fork copies the parent's rows up to its step: those it cannot read are named, not dropped
 * in silence, and the parent is left as it was */
static void
test_fork_damaged_metrics (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run (dir);
  g_autofree char *csv = g_build_filename (run, "metrics.csv", NULL);
  g_autofree char *where = g_strdup_printf ("%s:4", csv);
  g_autofree char *out = g_build_filename (dir, "forked", NULL);
  g_autofree char *forked_csv = g_build_filename (out, "metrics.csv", NULL);
  g_autofree char *before = damage_metrics (run, "10,1,0.5,zero");
  g_autofree char *after = NULL, *copied = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (Result) r = { 0 };

  run_cli (&r, (const char *[]) { "fork", run, "--step", "20", "--out", out, "--quiet", NULL });
  if (r.status != 0)
    g_error ("fork failed: %s", r.err);
  assert_contains (r.err, "warning");
  assert_contains (r.err, where);
  assert_contains (r.err, "not copied");
  g_assert_true (g_file_get_contents (csv, &after, NULL, NULL));
  g_assert_true (strcmp (before, after) == 0);
  /* the rows of steps 0, 5, 15 and 20 were copied */
  g_assert_true (g_file_get_contents (forked_csv, &copied, NULL, NULL));
  lines = g_strsplit (g_strchomp (copied), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_from_env ();
  g_test_add_func ("/app/bad-inputs/deep-json", test_deep_json);
  g_test_add_func ("/app/bad-inputs/config-messages", test_config_messages);
  g_test_add_func ("/app/bad-inputs/string-bounds", test_string_bounds);
  g_test_add_func ("/app/bad-inputs/nan-weights", test_nan_weights);
  g_test_add_func ("/app/bad-inputs/resume-damaged-metrics", test_resume_damaged_metrics);
  g_test_add_func ("/app/bad-inputs/figure-damaged-metrics", test_figure_damaged_metrics);
  g_test_add_func ("/app/bad-inputs/fork-damaged-metrics", test_fork_damaged_metrics);
  return g_test_run ();
}
