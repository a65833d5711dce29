/* Bad inputs given to grokscope-cli: each is refused with exit status 1 and a message naming the
 * file, line or key at fault (never a crash, an abort in an allocator, or rows quietly lost). */
#define _GNU_SOURCE
#include <glib/gstdio.h>
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
  g_autofree char *dir = g_dir_make_tmp ("grok-bad-XXXXXX", NULL);
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
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli = g_getenv ("GROK_CLI");
  g_assert_nonnull (cli);
  g_test_add_func ("/app/bad-inputs/deep-json", test_deep_json);
  return g_test_run ();
}
