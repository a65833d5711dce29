/* The memory estimate of a config against what training it really takes: the peak resident
 * memory of grokscope-cli training it, less that of a tiny run (the libraries and OpenBLAS's
 * buffers), must be within a factor of two of the estimate. Configs far past the machine are
 * refused with a message, not an abort in the allocator. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "cli-helpers.h"
#include "grok-memory.h"
#include "grok-presets.h"
#include "run-helpers.h"


/* a preset with changes, as --set arguments and as a config */
typedef struct
{
  const char *preset;
  const char *sets[12];
} Case;

static GrokConfig *
case_config (const Case *c)
{
  g_autoptr (GrokConfig) config = grok_preset_load (c->preset, NULL);

  g_assert_nonnull (config);
  for (int i = 0; c->sets[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (grok_config_set (config, c->sets[i], &error));
    }
  g_assert_true (grok_config_validate (config, NULL));
  return g_steal_pointer (&config);
}

/* the peak resident bytes of grokscope-cli training the case for 3 steps */
static guint64
peak_rss (const Case *c, const char *out)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  struct rusage usage;
  GPid pid;
  int status;

  for (const char * const *a = (const char *[]) { cli, "train", c->preset, "--steps", "3",
                                                  "--quiet", "--force", "--out", out, NULL };
       *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  for (int i = 0; c->sets[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) "--set");
      g_ptr_array_add (argv, (char *) c->sets[i]);
    }
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL));
  g_assert_cmpint (wait4 (pid, &status, 0, &usage), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  return (guint64) usage.ru_maxrss * 1024;
}

static void
test_estimate_matches_peak (void)
{
  static const Case tiny = { "quick", { "task.p=5", "model.width=4", "model.d_embed=2",
                                        "measures.lmn_points=4", "checkpoints.views=0", NULL } };
  /* the costly measures and views files off, so that this stays quick: the spectrum stays */
#define CHEAP "measures.complexity_per_decade=0", "measures.lmn_per_decade=0", \
              "measures.local_complexity_per_decade=0", "measures.regions_per_decade=0", \
              "checkpoints.views=0"
  static const Case cases[] = {
    { "quick", { "model.width=1024", "model.depth=2", CHEAP, NULL } },
    { "xor2d-relu", { "task.n_train=60000", "train.batch_size=0", "model.width=64", CHEAP, NULL } },
    { "demoss-add-ours", { "model.d_model=256", "model.d_mlp=1024", CHEAP, NULL } },
    { "quick", { "task.p=300", "train.batch_size=0", CHEAP, NULL } },
  };
#undef CHEAP
  g_autofree char *dir = g_dir_make_tmp ("grok-memory-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  guint64 base = peak_rss (&tiny, out);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GrokConfig) config = case_config (&cases[i]);
      guint64 estimate = grok_config_estimate_memory (config);
      guint64 peak = peak_rss (&cases[i], out);
      double growth = (double) peak - (double) base;

      g_test_message ("%s %s: estimate %.1f MB, peak growth %.1f MB", cases[i].preset,
                      cases[i].sets[0], estimate / 1e6, growth / 1e6);
      g_assert_cmpfloat (growth, >, 20e6);
      g_assert_cmpfloat (estimate, >=, 0.5 * growth);
      g_assert_cmpfloat (estimate, <=, 2.0 * growth);
    }
  remove_tree (dir);
}

/* the largest values the keys allow aborted inside g_malloc (exit 133): refused with exit 1 and
 * the estimate, which is at least the values, gradients and two moments of every parameter */
static void
test_huge_refused (void)
{
  static const Case huge[] = {
    { "quick", { "task.p=1000", "model.d_embed=4096", "model.width=8192", "model.depth=16", NULL } },
    { "demoss-add-ours", { "model.d_model=4096", "model.d_mlp=16384", "model.n_blocks=16", NULL } },
  };
  /* parameters counted by hand: 16 square layers of 8192; 16 blocks of 4 C^2 + 2 C F */
  const double n_params[] = { 16.0 * 8192 * 8192, 16.0 * (4.0 * 4096 * 4096 + 2.0 * 4096 * 16384) };
  g_autofree char *dir = g_dir_make_tmp ("grok-memory-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "run", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (huge); i++)
    {
      g_autoptr (GrokConfig) config = case_config (&huge[i]);
      guint64 estimate = grok_config_estimate_memory (config);
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_auto (Result) r = { 0 };

      g_assert_cmpfloat ((double) estimate, >=, 16.0 * n_params[i]);
      if (estimate <= grok_memory_available ())
        {
          g_test_message ("this machine has the %" G_GUINT64_FORMAT " bytes of case %u", estimate, i);
          continue;
        }
      for (const char * const *a = (const char *[]) { "train", huge[i].preset, "--quiet",
                                                      "--out", out, NULL }; *a; a++)
        g_ptr_array_add (args, (char *) *a);
      for (int k = 0; huge[i].sets[k] != NULL; k++)
        {
          g_ptr_array_add (args, (char *) "--set");
          g_ptr_array_add (args, (char *) huge[i].sets[k]);
        }
      g_ptr_array_add (args, NULL);
      run_cli (&r, (const char * const *) args->pdata);
      g_assert_cmpint (r.status, ==, 1);
      assert_contains (r.err, "needs about");
      assert_contains (r.err, "available");
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_from_env ();
  g_test_add_func ("/engine/memory/estimate-matches-peak", test_estimate_matches_peak);
  g_test_add_func ("/engine/memory/huge-refused", test_huge_refused);
  return g_test_run ();
}
