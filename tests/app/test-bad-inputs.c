/* Bad inputs given to grokscope-cli: each is refused with exit status 1 and a message naming the
 * file, line or key at fault (never a crash, an abort in an allocator, or rows quietly lost). */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "cli-helpers.h"
#include "grok-memory.h"
#include "run-helpers.h"

/* a small finished run to damage: liu-add31 for 20 steps, checkpoints at 0, 10 and 20, views
 * files with views */
static char *
make_run_views (const char *dir, gboolean views)
{
  char *run = g_build_filename (dir, "run", NULL);
  g_auto (Result) t = { 0 };

  run_cli (&t, (const char *[]) { "train", "liu-add31", "--steps", "20", "--quiet", "--out", run,
                                  "--set", "train.eval_every=5", "--set", "checkpoints.every=10",
                                  "--set", "checkpoints.per_decade=0", "--set",
                                  views ? "checkpoints.views=1" : "checkpoints.views=0", NULL });
  if (t.status != 0)
    g_error ("train failed: %s", t.err);
  return run;
}

static char *
make_run (const char *dir)
{
  return make_run_views (dir, FALSE);
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
  g_autoptr (GrokParams) params = grok_params_read (ckpt, &meta, &error);
  const GrokTensor *t = NULL;

  g_assert_no_error (error);
  /* the first weight matrix of the model (the checkpoint also holds the optimiser's state) */
  for (int i = 0; t == NULL && i < params->n_tensors; i++)
    if (params->tensors[i].ndim == 2 && !g_str_has_prefix (params->tensors[i].name, "optim."))
      t = &params->tensors[i];
  g_assert_nonnull (t);
  params->data[t->offset] = NAN;
  g_assert_true (grok_params_write (ckpt, params, meta, &error));
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
  g_auto (GStrv) all = NULL;
  char **lines;
  g_auto (Result) r = { 0 };

  run_cli (&r, (const char *[]) { "figure", run, "--view", "curves", "--out", out, NULL });
  if (r.status != 0)
    g_error ("figure failed: %s", r.err);
  assert_contains (r.err, "warning");
  assert_contains (r.err, where);
  g_assert_true (g_file_get_contents (out, &drawn, NULL, NULL));
  /* the rows of steps 0, 5, 15 and 20 (10 was damaged): after the comments (the first step
   * and the last stated among them), the header and four lines */
  all = g_strsplit (g_strchomp (drawn), "\n", -1);
  g_assert_cmpstr (all[0], ==, "# steps=0..20");
  for (lines = all; *lines != NULL && (*lines)[0] == '#'; lines++)
    ;
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

/* the address space of the CLI under test kept to 6 GB, so that a model too large for the
 * machine makes an allocation fail at once rather than swap; the address sanitizer reserves far
 * more than that for itself, and there the limit is left out */
static void
limit_memory (gpointer data)
{
#ifndef __SANITIZE_ADDRESS__
  struct rlimit limit = { 6ull << 30, 6ull << 30 };
  setrlimit (RLIMIT_AS, &limit);
#endif
}

static void
run_cli_limited (Result *r, const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_ptr_array_add (argv, (char *) cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, limit_memory,
                               NULL, &r->out, &r->err, &wait_status, &error));
  g_assert_no_error (error);
  r->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* a run folder whose config.json names the largest MLP the keys allow (about 135 GB to train):
 * measure, figure, resume and fork built its model first and aborted in g_malloc (exit 133);
 * each refuses, naming config.json, with the estimate and the memory available */
static void
test_huge_model (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run (dir);
  g_autofree char *config_path = g_build_filename (run, "config.json", NULL);
  g_autofree char *png = g_build_filename (dir, "spectrum.png", NULL);
  g_autofree char *forked = g_build_filename (dir, "forked", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokConfig) config = grok_config_load_file (config_path, &error);
  g_autofree char *text = NULL;
  const char * const *commands[] = {
    (const char *[]) { "measure", run, NULL },
    (const char *[]) { "figure", run, "--view", "spectrum", "--out", png, NULL },
    (const char *[]) { "resume", run, "--steps", "40", "--quiet", NULL },
    (const char *[]) { "fork", run, "--step", "20", "--out", forked, "--quiet", NULL },
  };

  g_assert_no_error (error);
  config->model.width = 8192;
  config->model.depth = 16;
  config->model.d_embed = 4096;
  if (grok_config_estimate_memory (config) <= grok_memory_available ())
    {
      g_test_skip ("this machine has the memory of the largest MLP");
      return;
    }
  text = grok_config_to_string (config);
  g_assert_true (g_file_set_contents (config_path, text, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto (Result) r = { 0 };
      run_cli_limited (&r, commands[i]);
      assert_refused (&r, config_path, "of memory and the machine has");
      assert_contains (r.err, "available");
      g_assert_cmpuint (strlen (r.err), <, 600);
      g_assert_false (g_file_test (forked, G_FILE_TEST_EXISTS));
    }
}

/* metrics.csv with damage of every kind that is not a bad field */
typedef struct
{
  const char *what;
  int         line;      /* the line named */
  const char *steps;     /* the steps kept, as the curves CSV's first column gives them */
  gboolean    resumes;   /* TRUE when resume goes on (the damage is only a cut-short tail) */
} MetricsDamage;

/* the run's metrics.csv (steps 0, 5, 10, 15, 20 on lines 2 to 6) damaged as d says */
static void
damage_metrics_bytes (const char *run, const MetricsDamage *d)
{
  g_autofree char *csv = g_build_filename (run, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);
  for (guint i = 0; i < 6; i++)
    {
      const char *line = lines[i];
      if (g_str_equal (d->what, "duplicate") && i == 3)
        g_string_append_printf (out, "%s\n", lines[2]);             /* step 5 twice */
      else if (g_str_equal (d->what, "out-of-order") && (i == 2 || i == 3))
        line = lines[i == 2 ? 3 : 2];                                /* 0, 10, 5, 15, 20 */
      g_string_append_printf (out, "%s\n", line);
      if (g_str_equal (d->what, "nul") && i == 2)
        out->str[out->len - 3] = '\0';                               /* inside step 5's row */
    }
  if (g_str_equal (d->what, "zero-tail"))
    {
      g_string_truncate (out, out->len - strlen (lines[5]) - 1);    /* step 20's row lost */
      for (int i = 0; i < 4096; i++)
        g_string_append_c (out, '\0');
    }
  g_assert_true (g_file_set_contents (csv, out->str, (gssize) out->len, NULL));
}

/* a NUL byte dropped every row ("not a metrics table"): the curves were empty with exit 0, a
 * fork copied no rows; repeated or decreasing steps were kept in silence. Now each is a
 * damaged line named by its number, the other rows kept; resume refuses as for any damaged
 * line, and goes on past a zero-filled tail (a write cut short) */
static void
test_metrics_damage (void)
{
  const MetricsDamage damages[] = {
    { "nul", 3, "0 10 15 20", FALSE },
    { "zero-tail", 6, "0 5 10 15", TRUE },
    { "duplicate", 4, "0 5 10 15 20", FALSE },
    { "out-of-order", 4, "0 10 15 20", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      const MetricsDamage *d = &damages[i];
      const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
      g_autofree char *run = make_run (dir);
      g_autofree char *csv = g_build_filename (run, "metrics.csv", NULL);
      g_autofree char *where = g_strdup_printf ("%s:%d", csv, d->line);
      g_autofree char *out = g_build_filename (dir, "curves.csv", NULL);
      g_autofree char *forked = g_build_filename (dir, "forked", NULL);
      g_autofree char *forked_csv = g_build_filename (forked, "metrics.csv", NULL);
      g_autofree char *drawn = NULL, *copied = NULL, *before = NULL, *after = NULL;
      gsize before_len = 0, after_len = 0;
      g_auto (Result) figure = { 0 }, fork = { 0 }, resume = { 0 };
      g_autoptr (GString) steps = g_string_new (NULL);
      g_auto (GStrv) lines = NULL;

      g_test_message ("%s", d->what);
      damage_metrics_bytes (run, d);
      run_cli (&figure, (const char *[]) { "figure", run, "--view", "curves", "--out", out, NULL });
      if (figure.status != 0)
        g_error ("figure failed: %s", figure.err);
      assert_contains (figure.err, where);
      g_assert_true (g_file_get_contents (out, &drawn, NULL, NULL));
      lines = g_strsplit (g_strchomp (drawn), "\n", -1);
      /* the rows after the comment lines and the header */
      for (guint r = 0, first = 0; lines[r] != NULL; r++)
        if (lines[r][0] == '#' || first++ == 0)
          continue;
        else
          g_string_append_printf (steps, "%s%.*s", steps->len > 0 ? " " : "",
                                  (int) strcspn (lines[r], ","), lines[r]);
      g_assert_cmpstr (steps->str, ==, d->steps);

      run_cli (&fork, (const char *[]) { "fork", run, "--step", "20", "--out", forked, "--quiet",
                                         NULL });
      if (fork.status != 0)
        g_error ("fork failed: %s", fork.err);
      assert_contains (fork.err, where);
      g_assert_true (g_file_get_contents (forked_csv, &copied, NULL, NULL));
      g_strfreev (lines);
      lines = g_strsplit (g_strchomp (copied), "\n", -1);
      {
        g_auto (GStrv) kept = g_strsplit (d->steps, " ", -1);
        g_assert_cmpuint (g_strv_length (lines) - 1, ==, g_strv_length (kept));
      }

      g_assert_true (g_file_get_contents (csv, &before, &before_len, NULL));
      run_cli (&resume, (const char *[]) { "resume", run, "--steps", "30", "--quiet", NULL });
      g_assert_true (g_file_get_contents (csv, &after, &after_len, NULL));
      if (d->resumes)
        {
          g_assert_cmpint (resume.status, ==, 0);
          g_assert_null (memchr (after, '\0', after_len));
        }
      else
        {
          assert_refused (&resume, where, "repair or delete");
          g_assert_cmpmem (before, before_len, after, after_len);
        }
    }
}

/* the lowest bit of the byte in the middle of path's data section flipped (a weight, never
 * the header) */
static void
flip_data_byte (const char *path)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  guint64 header;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  memcpy (&header, bytes, 8);
  header = GUINT64_FROM_LE (header);
  g_assert_cmpuint (8 + header, <, len);
  bytes[8 + header + (len - 8 - header) / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
}

/* a flipped data byte in a checkpoint or a views file was measured or drawn without a word:
 * resume refuses a checkpoint whose data is not what was written, naming it; measure and
 * figure pass over it with a warning naming it; a views file that does not match is computed
 * again, with a warning */
static void
test_checksum_mismatch (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run_views (dir, TRUE);
  g_autofree char *ckpt = g_build_filename (run, "checkpoints", "step-00000020.safetensors", NULL);
  g_autofree char *views = g_build_filename (run, "views", "step-00000000.safetensors", NULL);
  g_autofree char *png = g_build_filename (dir, "spectrum.png", NULL);
  g_auto (Result) resume = { 0 }, measure = { 0 }, figure = { 0 }, early = { 0 };

  flip_data_byte (ckpt);
  run_cli (&resume, (const char *[]) { "resume", run, "--steps", "30", "--quiet", NULL });
  assert_refused (&resume, ckpt, "checksum");
  run_cli (&measure, (const char *[]) { "measure", run, "--measure", "spectrum", NULL });
  g_assert_cmpint (measure.status, ==, 0);
  assert_contains (measure.err, "warning");
  assert_contains (measure.err, ckpt);
  assert_contains (measure.err, "checksum");
  assert_contains (measure.out, "\"step\": 10");
  run_cli (&figure, (const char *[]) { "figure", run, "--view", "spectrum", "--out", png, NULL });
  g_assert_cmpint (figure.status, ==, 0);
  assert_contains (figure.err, ckpt);

  flip_data_byte (views);
  run_cli (&early, (const char *[]) { "figure", run, "--view", "spectrum", "--step", "0",
                                      "--out", png, NULL });
  g_assert_cmpint (early.status, ==, 0);
  assert_contains (early.err, "warning");
  assert_contains (early.err, views);
  assert_contains (early.err, "checksum");
}

/* a checkpoint far larger than memory (a sparse file) is passed over with a warning naming it,
 * not read until the process aborts */
static void
test_huge_checkpoint_file (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run_views (dir, TRUE);
  g_autofree char *ckpt = g_build_filename (run, "checkpoints", "step-00000020.safetensors", NULL);
  g_auto (Result) measure = { 0 };

  g_assert_cmpint (truncate (ckpt, (off_t) 1 << 40), ==, 0);
  run_cli (&measure, (const char *[]) { "measure", run, "--measure", "spectrum", NULL });
  g_assert_cmpint (measure.status, ==, 0);
  assert_contains (measure.err, "warning");
  assert_contains (measure.err, ckpt);
  assert_contains (measure.out, "\"step\": 10");
}

/* the data_sha256 key of path's metadata renamed, as in a file written before it existed */
static void
strip_checksum (const char *path)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  char *key;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  key = memmem (bytes, len, "\"" GROK_SAFETENSORS_CHECKSUM_KEY "\"",
                strlen (GROK_SAFETENSORS_CHECKSUM_KEY) + 2);
  g_assert_nonnull (key);
  memcpy (key + 1, "no_checksum", strlen (GROK_SAFETENSORS_CHECKSUM_KEY));
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
}

/* files written before the checksum existed still load; the reader says so once, not once per
 * file */
static void
test_no_checksum (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autofree char *run = make_run_views (dir, TRUE);
  g_autofree char *png = g_build_filename (dir, "spectrum.png", NULL);
  g_autofree char *views_dir = g_build_filename (run, "views", NULL);
  const char *folders[] = { "checkpoints", "views" };
  g_auto (Result) measure = { 0 }, figure = { 0 };

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *folder = g_build_filename (run, folders[f], NULL);
      g_autoptr (GDir) d = g_dir_open (folder, 0, NULL);
      const char *name;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, name, NULL);
          strip_checksum (path);
        }
    }
  run_cli (&measure, (const char *[]) { "measure", run, "--measure", "spectrum", NULL });
  g_assert_cmpint (measure.status, ==, 0);
  assert_contains (measure.out, "\"step\": 20");
  assert_contains (measure.err, "no checksum");
  g_assert_null (strstr (measure.err, "warning"));
  run_cli (&figure, (const char *[]) { "figure", run, "--view", "spectrum", "--out", png, NULL });
  g_assert_cmpint (figure.status, ==, 0);
  assert_contains (figure.err, "no checksum");
  /* once, though the spectrum reads three checkpoints and a views file */
  g_assert_true (strstr (figure.err, "no checksum") == g_strrstr (figure.err, "no checksum"));
  g_assert_null (strstr (figure.err, "warning"));
}

/* N11: a 257-byte name was said to be 259 bytes; 1e400 was shown as "inf.0"; a raw control
 * character in a string was taken; a config.json that is not JSON had its first token echoed */
static void
test_config_details (void)
{
  const char *dir = test_tmp_dir ("grok-bad-XXXXXX");
  g_autoptr (GString) name = g_string_new ("{\"name\": \"");
  g_auto (Result) length = { 0 }, huge = { 0 }, control = { 0 }, token = { 0 };
  g_autofree char *run = NULL, *config_path = NULL, *png = NULL;
  g_auto (Result) measure = { 0 };

  for (int i = 0; i < 257; i++)
    g_string_append_c (name, 'n');
  g_string_append (name, "\"}");
  length = train_file (dir, name->str, (gssize) name->len);
  assert_refused (&length, "bad.json", "(257 bytes)");

  huge = train_file (dir, "{\"optim\": {\"lr\": 1e400}}", -1);
  assert_refused (&huge, "bad.json", "1e400 is beyond the range of a double");
  g_assert_null (strstr (huge.err, "inf"));

  control = train_file (dir, "{\"task\": {\"p\": 7},\n \"name\": \"a\007b\"}", -1);
  assert_refused (&control, "bad.json", "line 2");
  assert_contains (control.err, "'name'");
  assert_contains (control.err, "control character");

  token = train_file (dir, "secret-token-here\n", -1);
  assert_refused (&token, "bad.json", "line 1, column");
  g_assert_null (strstr (token.err, "secret"));

  run = make_run (dir);
  config_path = g_build_filename (run, "config.json", NULL);
  png = g_build_filename (dir, "curves.png", NULL);
  g_assert_true (g_file_set_contents (config_path, "{\"name\": \"x\"}\nhunter2 more", -1, NULL));
  run_cli (&measure, (const char *[]) { "measure", run, NULL });
  assert_refused (&measure, config_path, "line 2, column");
  g_assert_null (strstr (measure.err, "hunter2"));
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
  g_test_add_func ("/app/bad-inputs/huge-model", test_huge_model);
  g_test_add_func ("/app/bad-inputs/metrics-damage", test_metrics_damage);
  g_test_add_func ("/app/bad-inputs/checksum-mismatch", test_checksum_mismatch);
  g_test_add_func ("/app/bad-inputs/huge-checkpoint-file", test_huge_checkpoint_file);
  g_test_add_func ("/app/bad-inputs/no-checksum", test_no_checksum);
  g_test_add_func ("/app/bad-inputs/config-details", test_config_details);
  return g_test_run ();
}
