/* Training end to end: the quick preset groks, and runs are deterministic. */
#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-presets.h"
#include "grok-trainer.h"

static GrokMetrics *
train_all (GrokConfig *config)
{
  g_autoptr (GrokTrainer) trainer = grok_trainer_new (config, NULL);
  GrokMetrics *metrics = grok_trainer_new_metrics (NULL);
  double row[GROK_N_BASE_COLUMNS];

  g_assert_nonnull (trainer);
  grok_trainer_evaluate (trainer, row);
  grok_metrics_append_row (metrics, row);
  while (trainer->step < config->train.steps)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (grok_trainer_step (trainer, &error));
      g_assert_no_error (error);
      if (grok_trainer_eval_due (trainer))
        {
          grok_trainer_evaluate (trainer, row);
          grok_metrics_append_row (metrics, row);
        }
    }
  return metrics;
}

/* the preset the app opens with memorises and then generalises */
static void
test_quick_groks (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  g_autoptr (GrokMetrics) m = train_all (config);
  guint last = m->n_rows - 1;
  double first_train = grok_metrics_get (m, 0, GROK_COL_TRAIN_ACC);

  g_assert_cmpfloat (grok_metrics_get (m, last, GROK_COL_STEP), ==, config->train.steps);
  /* at initialisation the net is at chance (1/97) */
  g_assert_cmpfloat (first_train, <, 0.05);
  g_assert_cmpfloat (grok_metrics_get (m, last, GROK_COL_TRAIN_ACC), ==, 1.0);
  g_assert_cmpfloat (grok_metrics_get (m, last, GROK_COL_TEST_ACC), >=, 0.99);
  g_test_message ("quick: train_acc %g test_acc %g after %g steps",
                  grok_metrics_get (m, last, GROK_COL_TRAIN_ACC),
                  grok_metrics_get (m, last, GROK_COL_TEST_ACC),
                  grok_metrics_get (m, last, GROK_COL_STEP));
}

static void
assert_same_metrics (GrokMetrics *a, GrokMetrics *b)
{
  g_assert_cmpuint (a->n_rows, ==, b->n_rows);
  for (guint r = 0; r < a->n_rows; r++)
    for (int c = 0; c < GROK_N_BASE_COLUMNS; c++)
      if (c != GROK_COL_WALL_SECONDS)
        {
          g_autofree char *x = g_strdup_printf ("%.9g", grok_metrics_get (a, r, c));
          g_autofree char *y = g_strdup_printf ("%.9g", grok_metrics_get (b, r, c));
          g_assert_cmpstr (x, ==, y);
        }
}

/* minibatches (reshuffled every epoch) and a different seed both reproduce exactly */
static void
test_deterministic (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("liu-s4", NULL);
  g_autoptr (GrokMetrics) a = NULL, b = NULL, c = NULL;

  config->train.steps = 300;
  config->train.batch_size = 100;
  config->train.eval_every = 25;
  a = train_all (config);
  b = train_all (config);
  assert_same_metrics (a, b);

  config->seed = 1;
  c = train_all (config);
  g_assert_cmpfloat (grok_metrics_get (a, a->n_rows - 1, GROK_COL_TRAIN_LOSS), !=,
                     grok_metrics_get (c, c->n_rows - 1, GROK_COL_TRAIN_LOSS));
}

/* every task and activation trains without error and lowers its training loss */
static void
test_every_task_learns (void)
{
  const char *presets[] = { "liu-add31", "liu-xor5", "xor2d-relu", "liu-xor5-digits" };
  const char *acts[] = { "relu", "leaky_relu", "gelu", "silu", "tanh", "linear" };

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_autoptr (GrokConfig) config = grok_preset_load (presets[i], NULL);
      g_autofree char *set = g_strdup_printf ("model.activation=%s", acts[i * 2 % 6]);
      g_autoptr (GrokMetrics) m = NULL;
      g_assert_true (grok_config_set (config, set, NULL));
      config->train.steps = 200;
      config->train.eval_every = 200;
      m = train_all (config);
      g_assert_cmpfloat (grok_metrics_get (m, m->n_rows - 1, GROK_COL_TRAIN_LOSS), <,
                         0.9 * grok_metrics_get (m, 0, GROK_COL_TRAIN_LOSS));
    }
}

/* a learning rate far too large ends in a clear divergence error, not garbage */
static void
test_divergence_reported (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("liu-add31", NULL);
  g_autoptr (GrokTrainer) trainer = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;

  config->optim.kind = GROK_OPTIM_SGD;
  config->optim.lr = 10.0;
  config->optim.momentum = 0.99;
  config->model.init_scale = 50;
  trainer = grok_trainer_new (config, NULL);
  for (int i = 0; i < 2000 && ok; i++)
    ok = grok_trainer_step (trainer, &error);
  g_assert_false (ok);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_DIVERGED);
  g_assert_nonnull (strstr (error->message, "diverged at step"));
  /* the failed step left the parameters as they were */
  g_assert_true (grok_params_all_finite (trainer->model->params));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/train/deterministic", test_deterministic);
  g_test_add_func ("/engine/train/every-task-learns", test_every_task_learns);
  g_test_add_func ("/engine/train/divergence-reported", test_divergence_reported);
  g_test_add_func ("/engine/train/quick-groks", test_quick_groks);
  return g_test_run ();
}
