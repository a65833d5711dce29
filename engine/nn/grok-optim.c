/* AdamW and SGD with momentum. */
#include "grok-optim.h"

#include <math.h>

GrokOptimizer *
grok_optimizer_new (const GrokOptimSettings *settings, gsize numel)
{
  GrokOptimizer *optim = g_new0 (GrokOptimizer, 1);

  optim->kind = settings->kind;
  optim->lr = settings->lr;
  optim->beta1 = settings->beta1;
  optim->beta2 = settings->beta2;
  optim->eps = settings->eps;
  optim->weight_decay = settings->weight_decay;
  optim->momentum = settings->momentum;
  optim->numel = numel;
  optim->m = g_new0 (float, MAX (numel, 1));
  optim->v = g_new0 (float, MAX (numel, 1));
  return optim;
}

void
grok_optimizer_free (GrokOptimizer *optim)
{
  if (optim == NULL)
    return;
  g_free (optim->m);
  g_free (optim->v);
  g_free (optim);
}

typedef struct
{
  GrokOptimizer *o;
  float         *theta;
  const float   *grad;
  int            slices;
} AdamwJob;

/* m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * theta -= lr * (m_hat / (sqrt (v_hat) + eps) + wd * theta), on one slice of the parameters */
static void
adamw_slice (gpointer data, int slice, int member)
{
  AdamwJob *job = data;
  GrokOptimizer *o = job->o;
  const float b1 = o->beta1, b2 = o->beta2;
  const float lr = o->lr, wd = o->weight_decay, eps = o->eps;
  const float c1 = 1.0 / (1.0 - pow (o->beta1, (double) o->t));
  const float c2 = 1.0 / (1.0 - pow (o->beta2, (double) o->t));
  float *m = o->m, *v = o->v, *theta = job->theta;
  const float *grad = job->grad;
  gsize i0 = o->numel * slice / job->slices, i1 = o->numel * (slice + 1) / job->slices;

#pragma omp simd
  for (gsize i = i0; i < i1; i++)
    {
      float g = grad[i];
      m[i] = b1 * m[i] + (1.0f - b1) * g;
      v[i] = b2 * v[i] + (1.0f - b2) * g * g;
      theta[i] -= lr * ((m[i] * c1) / (sqrtf (v[i] * c2) + eps) + wd * theta[i]);
    }
}

/* each element's update is its own, so the slices (one per thread) change nothing in it */
static void
adamw_step (GrokOptimizer *o, float *theta, const float *grad)
{
  AdamwJob job = { o, theta, grad, grok_team_threads (o->team) };

  grok_team_run (o->team, job.slices, adamw_slice, &job);
}

/* buf = mu buf + (g + wd theta); theta -= lr buf */
static void
sgd_step (GrokOptimizer *o, float *theta, const float *grad)
{
  const float lr = o->lr, wd = o->weight_decay, mu = o->momentum;
  float *buf = o->m;

  for (gsize i = 0; i < o->numel; i++)
    {
      float g = grad[i] + wd * theta[i];
      buf[i] = o->t == 1 ? g : mu * buf[i] + g;
      theta[i] -= lr * buf[i];
    }
}

void
grok_optimizer_step (GrokOptimizer *optim, float *theta, const float *grad)
{
  optim->t++;
  if (optim->kind == GROK_OPTIM_ADAMW)
    adamw_step (optim, theta, grad);
  else
    sgd_step (optim, theta, grad);
}
