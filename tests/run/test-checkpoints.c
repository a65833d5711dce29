/* The checkpoint schedule, file names, and listing the checkpoints of a run folder. */
#include "grok-checkpoints.h"
#include "grok-error.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_filename (void)
{
  struct { gint64 step; const char *name; } cases[] = {
    { 0, "step-00000000.safetensors" },
    { 100, "step-00000100.safetensors" },
    { 99999999, "step-99999999.safetensors" },
    { 123456789, "step-123456789.safetensors" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = grok_checkpoint_filename (cases[i].step);
      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

static gboolean
in_list (gint64 step, const gint64 *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (list[i] == step)
      return TRUE;
  return FALSE;
}

/* the log-spaced steps worked out by hand: 10^(k/3) = 1, 2.154, 4.642, 10, 21.54, 46.42, ... */
static void
test_schedule_three_per_decade (void)
{
  const gint64 expected[] = { 1, 2, 5, 10, 22, 46, 100, 215, 464, 1000 };

  g_assert_true (grok_checkpoint_is_scheduled (0, 0, 3));
  for (gint64 step = 1; step <= 1000; step++)
    g_assert_cmpint (grok_checkpoint_is_scheduled (step, 0, 3), ==,
                     in_list (step, expected, G_N_ELEMENTS (expected)));
}

/* 10^(k/10) for k = 0..20: 1, 1.26, 1.58, 2.00 (1.995), 2.51, 3.16, 3.98, 5.01, 6.31, 7.94, 10,
 * 12.6, 15.8, 19.95, 25.1, 31.6, 39.8, 50.1, 63.1, 79.4, 100 -- several round to the same step */
static void
test_schedule_ten_per_decade (void)
{
  const gint64 expected[] = { 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100 };

  for (gint64 step = 1; step <= 100; step++)
    g_assert_cmpint (grok_checkpoint_is_scheduled (step, 0, 10), ==,
                     in_list (step, expected, G_N_ELEMENTS (expected)));
}

static void
test_schedule_every (void)
{
  const gint64 log_steps[] = { 1, 10, 100, 1000 };

  /* only step 0 without a schedule */
  g_assert_true (grok_checkpoint_is_scheduled (0, 0, 0));
  for (gint64 step = 1; step <= 2000; step++)
    g_assert_false (grok_checkpoint_is_scheduled (step, 0, 0));
  /* multiples alone */
  for (gint64 step = 1; step <= 2000; step++)
    g_assert_cmpint (grok_checkpoint_is_scheduled (step, 250, 0), ==, step % 250 == 0);
  /* the union of both schedules */
  for (gint64 step = 1; step <= 2000; step++)
    g_assert_cmpint (grok_checkpoint_is_scheduled (step, 300, 1), ==,
                     step % 300 == 0 || in_list (step, log_steps, G_N_ELEMENTS (log_steps)));
}

static void
test_schedule_large_steps (void)
{
  const gint64 tera = G_GINT64_CONSTANT (1000000000000);

  g_assert_true (grok_checkpoint_is_scheduled (tera, 0, 1));
  g_assert_false (grok_checkpoint_is_scheduled (tera + 1, 0, 1));
  g_assert_false (grok_checkpoint_is_scheduled (tera - 1, 0, 1));
  /* the top of the range: 10^18 is scheduled, and nothing near the limit overflows */
  g_assert_true (grok_checkpoint_is_scheduled (G_GINT64_CONSTANT (1000000000000000000), 0, 1));
  g_assert_false (grok_checkpoint_is_scheduled (G_MAXINT64, 0, 7));
  g_assert_false (grok_checkpoint_is_scheduled (G_MAXINT64 - 1, 0, 1000));
}

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
}

static void
test_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *run = g_dir_make_tmp ("grok-run-XXXXXX", NULL);
  g_autofree char *ckpt = g_build_filename (run, "checkpoints", NULL);
  g_autofree char *missing = g_build_filename (run, "no-such-run", NULL);
  g_autoptr(GArray) none = NULL;
  g_autoptr(GArray) steps = NULL;
  const char *names[] = {
    "step-00000100.safetensors", "step-00000005.safetensors", "step-123456789.safetensors",
    ".step-00000200.safetensors.tmp-Ab12Cd", "step-0000010.safetensors",
    "step-000000100.safetensors", "step-0000000x.safetensors", "step-00000300.safetensors.bak",
    "step--0000001.safetensors", "notes.txt",
  };

  /* a run that has not written a checkpoint yet has none */
  none = grok_checkpoints_list (run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_cmpint (g_mkdir (ckpt, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    touch (ckpt, names[i]);
  steps = grok_checkpoints_list (run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 3);
  g_assert_cmpint (g_array_index (steps, gint64, 0), ==, 5);
  g_assert_cmpint (g_array_index (steps, gint64, 1), ==, 100);
  g_assert_cmpint (g_array_index (steps, gint64, 2), ==, 123456789);

  g_assert_null (grok_checkpoints_list (missing, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (ckpt, names[i], NULL);
      g_remove (path);
    }
  g_rmdir (ckpt);
  g_rmdir (run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/checkpoints/filename", test_filename);
  g_test_add_func ("/engine/checkpoints/schedule-three-per-decade", test_schedule_three_per_decade);
  g_test_add_func ("/engine/checkpoints/schedule-ten-per-decade", test_schedule_ten_per_decade);
  g_test_add_func ("/engine/checkpoints/schedule-every", test_schedule_every);
  g_test_add_func ("/engine/checkpoints/schedule-large-steps", test_schedule_large_steps);
  g_test_add_func ("/engine/checkpoints/list", test_list);
  return g_test_run ();
}
