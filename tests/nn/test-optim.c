/* Optimisers against their update rules evaluated independently in double precision. */
#include <math.h>
#include <string.h>

#include "grok-config.h"
#include "grok-optim.h"

static void
test_adamw (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GrokOptimizer) optim = NULL;
  float theta[3] = { 1.0f, -2.0f, 0.5f };
  double t_ref[3] = { 1.0, -2.0, 0.5 }, m[3] = { 0 }, v[3] = { 0 };
  const double lr = 0.01, b1 = 0.9, b2 = 0.98, eps = 1e-8, wd = 0.5;

  config->optim.lr = lr;
  config->optim.beta1 = b1;
  config->optim.beta2 = b2;
  config->optim.eps = eps;
  config->optim.weight_decay = wd;
  optim = grok_optimizer_new (&config->optim, 3);
  for (int step = 1; step <= 50; step++)
    {
      float grad[3];
      for (int i = 0; i < 3; i++)
        {
          /* the gradient of 0.5 (i + 1) theta^2 + sin (step) */
          grad[i] = (float) ((i + 1) * theta[i] + sin (step));
          double g = (i + 1) * t_ref[i] + sin (step);
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          double mh = m[i] / (1 - pow (b1, step)), vh = v[i] / (1 - pow (b2, step));
          t_ref[i] -= lr * (mh / (sqrt (vh) + eps) + wd * t_ref[i]);
        }
      grok_optimizer_step (optim, theta, grad);
    }
  /* fifty float32 updates of size ~lr drift from the double path by ~50 * 1e-7 */
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat (fabs (theta[i] - t_ref[i]), <, 1e-5);
  /* and the parameters did move: the test would notice an update that does nothing */
  g_assert_cmpfloat (fabs (t_ref[0] - 1.0), >, 0.1);
}

static void
test_adamw_first_step_is_sign (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GrokOptimizer) optim = NULL;
  float theta[2] = { 0.0f, 0.0f };
  float grad[2] = { 3.0f, -1e-3f };

  /* after one step m_hat = g and v_hat = g^2, so the update is lr * sign (g) (up to eps) */
  config->optim.lr = 0.1;
  config->optim.weight_decay = 0.0;
  optim = grok_optimizer_new (&config->optim, 2);
  grok_optimizer_step (optim, theta, grad);
  g_assert_cmpfloat (fabs (theta[0] + 0.1), <, 1e-6);
  g_assert_cmpfloat (fabs (theta[1] - 0.1), <, 1e-5);
}

/* Many parameters, so the optimiser's vector loop runs, against the same float operations one
 * parameter at a time here (this file keeps errno for sqrtf, so its loop stays scalar): every
 * product, sum, square root and division rounds once, so the two agree to the bit. */
static void
test_adamw_vector_loop_same_bits (void)
{
  enum { N = 1001, STEPS = 20 };
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GrokOptimizer) optim = NULL;
  g_autofree float *theta = g_new (float, N), *ref = g_new (float, N), *grad = g_new (float, N);
  g_autofree float *m = g_new0 (float, N), *v = g_new0 (float, N), *start = g_new (float, N);
  GRand *rand = g_rand_new_with_seed (7);
  int moved = 0;

  config->optim.weight_decay = 0.3;
  optim = grok_optimizer_new (&config->optim, N);
  for (int i = 0; i < N; i++)
    theta[i] = ref[i] = start[i] = (float) g_rand_double_range (rand, -1, 1);
  for (int t = 1; t <= STEPS; t++)
    {
      const float b1 = config->optim.beta1, b2 = config->optim.beta2;
      const float lr = config->optim.lr, wd = config->optim.weight_decay, eps = config->optim.eps;
      const float c1 = 1.0 / (1.0 - pow (config->optim.beta1, (double) t));
      const float c2 = 1.0 / (1.0 - pow (config->optim.beta2, (double) t));

      for (int i = 0; i < N; i++)
        {
          /* gradients over many scales, and some exactly zero */
          grad[i] = i % 17 == 0 ? 0.0f : (float) (g_rand_double_range (rand, -1, 1) *
                                                  pow (10, g_rand_int_range (rand, -6, 2)));
          m[i] = b1 * m[i] + (1.0f - b1) * grad[i];
          v[i] = b2 * v[i] + (1.0f - b2) * grad[i] * grad[i];
          ref[i] -= lr * ((m[i] * c1) / (sqrtf (v[i] * c2) + eps) + wd * ref[i]);
        }
      grok_optimizer_step (optim, theta, grad);
    }
  for (int i = 0; i < N; i++)
    if (memcmp (&theta[i], &ref[i], sizeof (float)) != 0)
      g_error ("parameter %d: %.9g from the optimiser, %.9g one at a time", i, theta[i], ref[i]);
  /* and the updates moved them: lr 1e-3 for 20 steps against values up to 1 */
  for (int i = 0; i < N; i++)
    moved += fabsf (theta[i] - start[i]) > 1e-4f;
  g_assert_cmpint (moved, >, N / 2);
  g_rand_free (rand);
}

static void
test_sgd_momentum (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GrokOptimizer) optim = NULL;
  float theta[1] = { 2.0f };
  double t = 2.0, buf = 0;
  const double lr = 0.05, mu = 0.9, wd = 0.1;

  config->optim.kind = GROK_OPTIM_SGD;
  config->optim.lr = lr;
  config->optim.momentum = mu;
  config->optim.weight_decay = wd;
  optim = grok_optimizer_new (&config->optim, 1);
  for (int step = 1; step <= 30; step++)
    {
      float grad[1] = { (float) (3 * theta[0]) };
      double g = 3 * t + wd * t;
      buf = step == 1 ? g : mu * buf + g;
      t -= lr * buf;
      grok_optimizer_step (optim, theta, grad);
    }
  g_assert_cmpfloat (fabs (theta[0] - t), <, 1e-5);
  g_assert_cmpfloat (fabs (t - 2.0), >, 0.5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/optim/adamw", test_adamw);
  g_test_add_func ("/engine/optim/adamw-first-step-is-sign", test_adamw_first_step_is_sign);
  g_test_add_func ("/engine/optim/adamw-vector-loop-same-bits", test_adamw_vector_loop_same_bits);
  g_test_add_func ("/engine/optim/sgd-momentum", test_sgd_momentum);
  return g_test_run ();
}
