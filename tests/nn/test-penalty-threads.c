/* The spectral-entropy penalty computed on a worker of the engine's pool, alongside the
 * cross-entropy's passes, and shared by matrix with the training thread once its passes are
 * done, trains bit-identically to the same recipe on one thread. */
#include <string.h>

#include "grok-presets.h"
#include "grok-trainer.h"

/* demoss-add-ours (transformer, weight noise, penalty, minibatches) made small */
static GrokConfig *
small_recipe (void)
{
  GrokConfig *config = grok_preset_load ("demoss-add-ours", NULL);
  const char * const sets[] = { "task.p=23", "model.d_model=32", "model.n_heads=4",
                                "model.d_mlp=48", "train.steps=6" };

  g_assert_nonnull (config);
  for (gsize i = 0; i < G_N_ELEMENTS (sets); i++)
    g_assert_true (grok_config_set (config, sets[i], NULL));
  return config;
}

/* the parameters after six steps at this thread count, the last step's penalty and the
 * penalty's matrices the training thread computed itself */
static float *
train (GrokConfig *config, int threads, double *penalty, gsize *numel, int *caller_parts)
{
  g_autoptr (GrokTrainer) trainer = NULL;

  config->train.threads = threads;
  trainer = grok_trainer_new (config, NULL);
  g_assert_nonnull (trainer);
  /* the parallel schedule is the one under test: it must really be in use */
  g_assert_true ((trainer->penalty_worker != NULL) ==
                 (threads != 1 && config->reg.spectral_entropy > 0));
  g_assert_cmpint (trainer->steps_per_epoch, >, 1);
  for (int i = 0; i < config->train.steps; i++)
    g_assert_true (grok_trainer_step (trainer, NULL));
  *penalty = trainer->last_penalty;
  *caller_parts = grok_trainer_penalty_caller_parts (trainer);
  *numel = trainer->model->params->numel;
  return g_memdup2 (trainer->model->params->data, sizeof (float) * *numel);
}

static void
test_two_threads_match_one (void)
{
  g_autoptr (GrokConfig) config = small_recipe ();
  g_autofree float *one = NULL, *two = NULL, *plain = NULL;
  double penalty_one, penalty_two, penalty_plain;
  gsize n_one, n_two, n_plain;
  int parts_one, parts_two, parts_plain, all_parts, attempt;

  one = train (config, 1, &penalty_one, &n_one, &parts_one);
  g_assert_cmpint (parts_one, ==, 0);
  g_assert_cmpfloat (penalty_one, >, 0.0);
  /* which thread computes which matrix is a matter of timing: train again until the two
   * threads have shared the penalty, each computing some of its matrices, and every run must
   * match one thread's bit for bit */
  {
    g_autoptr (GrokTrainer) probe = grok_trainer_new (config, NULL);
    all_parts = config->train.steps * grok_spectral_penalty_count (probe->model->params);
  }
  for (attempt = 0; attempt < 20; attempt++)
    {
      g_clear_pointer (&two, g_free);
      two = train (config, 2, &penalty_two, &n_two, &parts_two);
      g_assert_cmpuint (n_one, ==, n_two);
      g_assert_true (memcmp (&penalty_one, &penalty_two, sizeof (double)) == 0);
      g_assert_true (memcmp (one, two, sizeof (float) * n_one) == 0);
      if (parts_two > 0 && parts_two < all_parts)
        break;
    }
  g_assert_cmpint (attempt, <, 20);

  /* the penalty moves the parameters, so the comparison above covers its gradient */
  config->reg.spectral_entropy = 0;
  plain = train (config, 2, &penalty_plain, &n_plain, &parts_plain);
  g_assert_cmpfloat (penalty_plain, ==, 0.0);
  g_assert_false (memcmp (one, plain, sizeof (float) * n_one) == 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/penalty-threads/two-threads-match-one", test_two_threads_match_one);
  return g_test_run ();
}
