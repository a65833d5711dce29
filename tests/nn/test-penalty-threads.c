/* The spectral-entropy penalty computed on the trainer's penalty thread, alongside the
 * cross-entropy's passes, trains bit-identically to the same recipe on one thread. */
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

/* the parameters after six steps at this thread count, and the last step's penalty */
static float *
train (GrokConfig *config, int threads, double *penalty, gsize *numel)
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

  one = train (config, 1, &penalty_one, &n_one);
  two = train (config, 2, &penalty_two, &n_two);
  g_assert_cmpuint (n_one, ==, n_two);
  g_assert_cmpfloat (penalty_one, >, 0.0);
  g_assert_true (memcmp (&penalty_one, &penalty_two, sizeof (double)) == 0);
  g_assert_true (memcmp (one, two, sizeof (float) * n_one) == 0);

  /* the penalty moves the parameters, so the comparison above covers its gradient */
  config->reg.spectral_entropy = 0;
  plain = train (config, 2, &penalty_plain, &n_plain);
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
