/* The parts of DeMoss et al.'s recipe that live in the trainer: the batch rule
 * min (512, floor (N_train / 2)), weight noise (the gradient at theta + noise, the update on
 * theta), the penalty hook, and the determinism of all of it. */
#include <math.h>
#include <string.h>

#include "grok-presets.h"
#include "grok-trainer.h"
#include "grok-vmath.h"

/* addition mod 11 in pairs, a small MLP, full batch: fast and easy to recompute */
static GrokConfig *
small_config (void)
{
  GrokConfig *config = grok_config_new_default ();

  config->task.p = 11;
  config->task.train_fraction = 0.5;
  config->model.d_embed = 4;
  config->model.width = 8;
  config->model.depth = 1;
  config->optim.kind = GROK_OPTIM_SGD;
  config->optim.lr = 0.5;
  config->optim.momentum = 0.0;
  config->optim.weight_decay = 0.0;
  config->train.batch_size = 0;
  return config;
}

static void
test_batch_rule (void)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autoptr (GrokTrainer) trainer = NULL;
  const gint64 sizes[] = { 2, 3, 60, 1023, 1024, 1025, 2553, 100000 };

  config->train.batch_size = GROK_BATCH_DEMOSS;
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gint64 half = sizes[i] / 2;
      g_assert_cmpint (grok_config_batch_size (config, sizes[i]), ==, half < 512 ? half : 512);
    }
  /* addition mod 113 on 20% of the pairs: 2553 examples, batches of 512, an epoch is five
   * steps (four full batches and the remaining 505 examples) */
  config->task.p = 113;
  config->task.train_fraction = 0.2;
  g_assert_true (grok_config_set (config, "train.batch_size=-1", NULL));
  trainer = grok_trainer_new (config, NULL);
  g_assert_nonnull (trainer);
  g_assert_cmpint (trainer->dataset->n_train, ==, 2553);
  g_assert_cmpint (trainer->batch_size, ==, 512);
  g_assert_cmpint (trainer->steps_per_epoch, ==, 5);
  g_assert_false (grok_config_set (config, "train.batch_size=-2", NULL));
}

typedef struct
{
  float *seen;   /* the parameters at which the gradient was taken */
  gsize  numel;
  int    calls;
} Recorder;

static double
record_params (GrokParams *params, double lambda, gpointer data)
{
  Recorder *r = data;

  (void) lambda;
  g_assert_cmpuint (params->numel, ==, r->numel);
  memcpy (r->seen, params->data, sizeof (float) * params->numel);
  r->calls++;
  return 0.0;
}

/* with sigma > 0 the gradient is taken at theta' = theta + N(0, sigma^2) and applied to theta:
 * with plain SGD, theta_new = theta - lr * grad (theta'), grad recomputed here by a second model
 * at the recorded theta' */
static void
test_weight_noise (void)
{
  g_autoptr (GrokConfig) config = small_config ();
  g_autoptr (GrokTrainer) trainer = NULL;
  g_autoptr (GrokModel) probe = NULL;
  g_autofree float *before = NULL;
  GrokParams *params;
  GrokDataset *ds;
  GrokBatch batch;
  Recorder rec = { 0 };
  const double sigma = 0.05;
  double sum = 0, sq = 0, worst = 0;

  config->reg.weight_noise = sigma;
  config->reg.spectral_entropy = 1.0;   /* only so that the recording hook is called */
  trainer = grok_trainer_new (config, NULL);
  params = trainer->model->params;
  ds = trainer->dataset;
  rec.numel = params->numel;
  rec.seen = g_new (float, params->numel);
  grok_trainer_set_penalty (trainer, record_params, &rec);
  before = g_memdup2 (params->data, sizeof (float) * params->numel);
  g_assert_true (grok_trainer_step (trainer, NULL));
  g_assert_cmpint (rec.calls, ==, 1);

  /* the noise: mean 0, standard deviation sigma (a few hundred draws: 20% bands) */
  for (gsize i = 0; i < params->numel; i++)
    {
      double d = rec.seen[i] - before[i];
      sum += d;
      sq += d * d;
    }
  g_assert_cmpfloat (fabs (sum / params->numel), <, 0.2 * sigma);
  g_assert_cmpfloat (sqrt (sq / params->numel), >, 0.8 * sigma);
  g_assert_cmpfloat (sqrt (sq / params->numel), <, 1.2 * sigma);

  probe = grok_config_new_model (config, ds, ds->n_train);
  memcpy (probe->params->data, rec.seen, sizeof (float) * params->numel);
  batch = (GrokBatch) { ds->n_train, ds->train_tokens, NULL, ds->train_y };
  grok_model_forward_loss (probe, &batch, 0.0, NULL);
  grok_model_backward (probe, &batch, 0.0);
  for (gsize i = 0; i < params->numel; i++)
    {
      double expect = before[i] - config->optim.lr * probe->params->grad[i];
      worst = MAX (worst, fabs (params->data[i] - expect));
    }
  /* float rounding of one update of parameters of order 1 */
  g_assert_cmpfloat (worst, <, 1e-5);
  g_free (rec.seen);
}

/* the same seed gives the same noise: two runs agree bit for bit, another seed differs */
static void
test_weight_noise_deterministic (void)
{
  g_autoptr (GrokConfig) config = small_config ();
  g_autoptr (GrokTrainer) a = NULL, b = NULL, c = NULL;

  config->reg.weight_noise = 0.01;
  config->train.batch_size = 16;
  a = grok_trainer_new (config, NULL);
  b = grok_trainer_new (config, NULL);
  config->seed = 7;
  c = grok_trainer_new (config, NULL);
  /* c starts elsewhere too; give it a's initial parameters so only the noise differs */
  memcpy (c->model->params->data, a->model->params->data,
          sizeof (float) * a->model->params->numel);
  for (int i = 0; i < 20; i++)
    {
      g_assert_true (grok_trainer_step (a, NULL));
      g_assert_true (grok_trainer_step (b, NULL));
      g_assert_true (grok_trainer_step (c, NULL));
    }
  g_assert_cmpmem (a->model->params->data, a->model->params->numel * sizeof (float),
                   b->model->params->data, b->model->params->numel * sizeof (float));
  g_assert_true (memcmp (a->model->params->data, c->model->params->data,
                         a->model->params->numel * sizeof (float)) != 0);
}

/* lambda/2 |theta|^2 through the hook equals SGD's weight decay lambda */
static double
half_square (GrokParams *params, double lambda, gpointer data)
{
  double total = 0;

  (void) data;
  for (gsize i = 0; i < params->numel; i++)
    {
      total += 0.5 * params->data[i] * params->data[i];
      params->grad[i] += (float) (lambda * params->data[i]);
    }
  return lambda * total;
}

static void
test_penalty_hook (void)
{
  g_autoptr (GrokConfig) config = small_config ();
  g_autoptr (GrokTrainer) hooked = NULL, decayed = NULL;
  double worst = 0;

  config->reg.spectral_entropy = 0.3;
  hooked = grok_trainer_new (config, NULL);
  grok_trainer_set_penalty (hooked, half_square, NULL);
  config->reg.spectral_entropy = 0.0;
  config->optim.weight_decay = 0.3;
  decayed = grok_trainer_new (config, NULL);
  for (int i = 0; i < 10; i++)
    {
      g_assert_true (grok_trainer_step (hooked, NULL));
      g_assert_true (grok_trainer_step (decayed, NULL));
    }
  g_assert_cmpfloat (hooked->last_penalty, >, 0);
  g_assert_cmpfloat (decayed->last_penalty, ==, 0);
  for (gsize i = 0; i < hooked->model->params->numel; i++)
    worst = MAX (worst, fabs (hooked->model->params->data[i] - decayed->model->params->data[i]));
  /* the two add the same term in a different order: float rounding over ten steps */
  g_assert_cmpfloat (worst, <, 1e-5);
}

/* with reg.spectral_entropy = lambda and no hook set, the trainer adds lambda times the mean
 * spectral entropy of the 2-D tensors (the embedding and the two layers here), taken at the
 * parameters before the step; the spectra are recomputed here from a copy */
static void
test_default_penalty (void)
{
  g_autoptr (GrokConfig) config = small_config ();
  g_autoptr (GrokTrainer) trainer = NULL;
  g_autoptr (GrokParams) before = NULL;
  g_autoptr (GrokSpectrumSummary) summary = NULL;

  config->reg.spectral_entropy = 0.25;
  trainer = grok_trainer_new (config, NULL);
  before = grok_params_copy (trainer->model->params);
  g_assert_true (grok_trainer_step (trainer, NULL));
  summary = grok_spectrum_summary_new (before, NULL);
  g_assert_cmpint (summary->n_matrices, ==, 3);
  g_assert_cmpfloat (fabs (trainer->last_penalty - 0.25 * summary->spectral_entropy_mean), <,
                     1e-9);
}

/* the demoss presets follow SPEC §2.2 and §3: train fractions, blocks, the "ours" recipe, and
 * whole epochs of the batch rule */
static void
test_demoss_presets (void)
{
  struct { const char *op; double fraction; int blocks; double sigma; } spec[] = {
    { "add", 0.2, 1, 1e-2 }, { "sub", 0.3, 2, 1e-3 }, { "mul", 0.2, 1, 1e-2 },
    { "div", 0.3, 2, 1e-3 }, { "sq_sum", 0.4, 1, 1e-3 }, { "quad", 0.6, 1, 1e-3 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (spec); i++)
    {
      g_autofree char *name = g_strdup_printf ("demoss-%s-ours", spec[i].op);
      g_autoptr (GrokConfig) c = grok_preset_load (name, NULL);
      gint64 n_train, batch, per_epoch;

      g_assert_nonnull (c);
      g_assert_true (grok_config_validate (c, NULL));
      g_assert_cmpint (c->model.kind, ==, GROK_MODEL_TRANSFORMER);
      g_assert_cmpint (c->task.p, ==, 113);
      g_assert_cmpfloat (c->task.train_fraction, ==, spec[i].fraction);
      g_assert_cmpint (c->model.n_blocks, ==, spec[i].blocks);
      g_assert_cmpfloat (c->reg.weight_noise, ==, spec[i].sigma);
      g_assert_cmpfloat (c->reg.spectral_entropy, ==, 0.1);
      g_assert_cmpfloat (c->optim.weight_decay, ==, 1.0);
      g_assert_cmpfloat (c->optim.beta2, ==, 0.98);
      g_assert_cmpfloat (c->train.prob_clip, ==, 1e-9);
      n_train = grok_config_n_train (c);
      batch = grok_config_batch_size (c, n_train);
      per_epoch = (n_train + batch - 1) / batch;
      g_assert_cmpint (c->train.steps % per_epoch, ==, 0);
      g_assert_cmpint (c->train.eval_every % per_epoch, ==, 0);
    }
  {
    g_autoptr (GrokConfig) none = grok_preset_load ("demoss-add-none", NULL);
    g_autoptr (GrokConfig) wd = grok_preset_load ("demoss-add-wd", NULL);
    g_autoptr (GrokConfig) mlp = grok_preset_load ("demoss-add-mlp", NULL);
    g_assert_cmpfloat (none->optim.weight_decay + none->reg.weight_noise + none->reg.spectral_entropy, ==, 0);
    g_assert_cmpfloat (wd->optim.weight_decay, ==, 1.0);
    g_assert_cmpfloat (wd->reg.weight_noise + wd->reg.spectral_entropy, ==, 0);
    g_assert_cmpint (mlp->model.kind, ==, GROK_MODEL_MLP);
    g_assert_cmpint (mlp->model.d_embed, ==, 128);
    g_assert_cmpint (mlp->model.depth, ==, 3);
    g_assert_cmpint (mlp->model.width, ==, 512);
    g_assert_cmpint (mlp->model.activation, ==, GROK_ACT_RELU);
    g_assert_true (grok_config_validate (mlp, NULL));
  }
}

/* The weight noise's normals against Box-Muller in double, value by value: both outputs of
 * every pair, over a count that leaves a remainder after any vector width */
static void
test_box_muller_formula (void)
{
  const gsize half = 1003;
  g_autofree float *u = g_new (float, 2 * half), *z = g_new (float, 2 * half);

  for (gsize i = 0; i < 2 * half; i++)
    u[i] = (float) ((i * 7919 % 2006 + 1) / 2006.0);
  grok_vmath_box_muller (z, u, half);
  for (gsize i = 0; i < half; i++)
    {
      double r = sqrt (-2.0 * log (u[i])), theta = 2 * G_PI * u[half + i];
      /* float logf, sinf and cosf of arguments up to 2 pi: a few 1e-7 relative */
      g_assert_cmpfloat (fabs (z[i] - r * cos (theta)), <, 2e-6 * (1 + r));
      g_assert_cmpfloat (fabs (z[half + i] - r * sin (theta)), <, 2e-6 * (1 + r));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/regularisers/batch-rule", test_batch_rule);
  g_test_add_func ("/engine/regularisers/weight-noise", test_weight_noise);
  g_test_add_func ("/engine/regularisers/weight-noise-deterministic",
                   test_weight_noise_deterministic);
  g_test_add_func ("/engine/regularisers/box-muller-formula", test_box_muller_formula);
  g_test_add_func ("/engine/regularisers/penalty-hook", test_penalty_hook);
  g_test_add_func ("/engine/regularisers/default-penalty", test_default_penalty);
  g_test_add_func ("/engine/regularisers/demoss-presets", test_demoss_presets);
  return g_test_run ();
}
