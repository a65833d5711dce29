/* Optimisers against their update rules evaluated independently in double precision. */
#include <math.h>

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
  g_test_add_func ("/engine/optim/sgd-momentum", test_sgd_momentum);
  return g_test_run ();
}
