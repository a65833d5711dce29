/* Training speed of the presets, against PyTorch on the same model (at its best thread count,
 * 1 or 2) and, for the MLPs, against OpenBLAS's own sgemm rate on the same products, measured
 * in the same run. Prints figures; asserts nothing. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-mlp.h"
#include "grok-presets.h"
#include "grok-trainer.h"
#include "train-bench.h"

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* GFLOP/s of one square sgemm of size n, best of a few */
static double
sgemm_peak (int n)
{
  g_autofree float *a = g_new (float, (gsize) n * n), *b = g_new (float, (gsize) n * n),
                   *c = g_new0 (float, (gsize) n * n);
  double best = 0;

  for (gsize i = 0; i < (gsize) n * n; i++)
    a[i] = b[i] = (float) (i % 7) * 0.1f;
  for (int rep = 0; rep < 5; rep++)
    {
      double t = now_s ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      best = MAX (best, 2.0 * n * n * n / (now_s () - t) / 1e9);
    }
  return best;
}

typedef struct { int M, N, K; CBLAS_TRANSPOSE ta, tb; } Gemm;

/* the matrix products of one MLP training step (forward, then backward), in order */
static int
mlp_gemms (GrokModel *model, int B, Gemm *out)
{
  int n_layers, n = 0;
  g_autofree GrokLayerView *layers = grok_mlp_layers (model, &n_layers);

  for (int l = 0; l < n_layers; l++)
    out[n++] = (Gemm) { B, layers[l].out, layers[l].in, CblasNoTrans, CblasTrans };
  for (int l = n_layers - 1; l >= 0; l--)
    {
      out[n++] = (Gemm) { B, layers[l].in, layers[l].out, CblasNoTrans, CblasNoTrans };
      out[n++] = (Gemm) { layers[l].out, layers[l].in, B, CblasTrans, CblasNoTrans };
    }
  return n;
}

static double
gemm_flops (const Gemm *g, int n)
{
  double f = 0;
  for (int i = 0; i < n; i++)
    f += 2.0 * g[i].M * g[i].N * g[i].K;
  return f;
}

/* seconds per step of just the products of one step, on buffers of the same shapes */
static double
gemms_seconds (const Gemm *g, int n, int reps)
{
  int biggest = 0;
  double t;

  for (int i = 0; i < n; i++)
    biggest = MAX (biggest, MAX (g[i].M * g[i].K, MAX (g[i].K * g[i].N, g[i].M * g[i].N)));
  g_autofree float *a = g_new0 (float, biggest), *b = g_new0 (float, biggest), *c = g_new0 (float, biggest);
  for (int i = 0; i < biggest; i++)
    a[i] = b[i] = 0.01f * (i % 13);
  t = now_s ();
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n; i++)
      {
        int lda = g[i].ta == CblasNoTrans ? g[i].K : g[i].M;
        int ldb = g[i].tb == CblasNoTrans ? g[i].N : g[i].K;
        cblas_sgemm (CblasRowMajor, g[i].ta, g[i].tb, g[i].M, g[i].N, g[i].K, 1, a, lda, b, ldb,
                     0, c, g[i].N);
      }
  return (now_s () - t) / reps;
}

/* the bench_torch.py arguments that build trainer's model */
static char *
torch_model_args (GrokTrainer *trainer)
{
  const GrokConfig *c = trainer->config;

  if (c->model.kind == GROK_MODEL_TRANSFORMER)
    return g_strdup_printf ("transformer %d %d %d %d %d", trainer->dataset->vocab,
                            (int) c->model.d_model, (int) c->model.n_heads,
                            (int) c->model.d_mlp, (int) c->model.n_blocks);
  return g_strdup_printf ("mlp %d %d %d %d %d %s %d", trainer->dataset->vocab,
                          trainer->dataset->n_positions, (int) c->model.d_embed,
                          (int) c->model.width, (int) c->model.depth,
                          grok_activation_name (c->model.activation),
                          trainer->dataset->n_classes);
}

static double
torch_steps_per_second (GrokTrainer *trainer, int steps)
{
  g_autofree char *model = torch_model_args (trainer);
  g_autofree char *args = g_strdup_printf ("%s %d %d", model, trainer->batch_size, steps);

  return train_bench_torch (args);
}

static void
bench_preset (const char *name, int steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load (name, NULL);
  g_autoptr (GrokTrainer) trainer = NULL;
  Gemm gemms[64];
  int n_gemms;
  double flops, t, ours, gemm_only, torch;

  /* the products and PyTorch's plain AdamW step are the yardsticks: no noise, no penalty */
  config->reg.weight_noise = 0;
  config->reg.spectral_entropy = 0;
  trainer = grok_trainer_new (config, NULL);
  n_gemms = mlp_gemms (trainer->model, trainer->batch_size, gemms);
  flops = gemm_flops (gemms, n_gemms);
  for (int i = 0; i < 10; i++)
    grok_trainer_step (trainer, NULL);
  t = now_s ();
  for (int i = 0; i < steps; i++)
    grok_trainer_step (trainer, NULL);
  ours = steps / (now_s () - t);
  gemm_only = gemms_seconds (gemms, n_gemms, MAX (steps / 2, 5));
  printf ("%s (batch %d, %.1f MFLOP of matrix products per step):\n", name,
          trainer->batch_size, flops / 1e6);
  printf ("    grokscope: %.1f steps/s = %.1f GFLOP/s\n", ours, ours * flops / 1e9);
  printf ("    openblas, the same products alone: %.1f steps/s = %.1f GFLOP/s\n",
          1 / gemm_only, flops / gemm_only / 1e9);
  torch = torch_steps_per_second (trainer, steps);
  printf ("    ratio grokscope / openblas same products: %.2f\n", ours * gemm_only);
  printf ("    ratio grokscope / pytorch (best thread count): %.2f\n", ours / torch);
}

/* The transformer, one thread on both sides. PyTorch trains the model with plain AdamW, so the
 * ratio is taken against Grokscope with the weight noise and the penalty off; the preset as it
 * is (with both) is printed beside it. */
static void
bench_transformer (const char *name, int steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load (name, NULL);
  g_autoptr (GrokTrainer) full = NULL, plain = NULL;
  double with_reg, without, torch;

  config->train.threads = 1;
  full = grok_trainer_new (config, NULL);
  with_reg = train_bench_steps_per_second (full, MAX (steps / 4, 5));
  config->reg.weight_noise = 0;
  config->reg.spectral_entropy = 0;
  plain = grok_trainer_new (config, NULL);
  without = train_bench_steps_per_second (plain, steps);
  printf ("%s (transformer, batch %d, 1 thread):\n", name, plain->batch_size);
  printf ("    grokscope, model and AdamW: %.1f steps/s\n", without);
  printf ("    grokscope, with weight noise and spectral-entropy penalty: %.1f steps/s\n",
          with_reg);
  torch = torch_steps_per_second (plain, steps);
  printf ("    ratio grokscope / pytorch (best thread count), model and AdamW: %.2f\n",
          without / torch);
}

int
main (int argc, char **argv)
{
  int threads = grok_blas_set_threads (0);
  double peak;

  printf ("OpenBLAS %s, %d threads\n", openblas_get_config (), threads);
  peak = sgemm_peak (1024);
  printf ("OpenBLAS sgemm 1024^3 peak: %.1f GFLOP/s\n\n", peak);
  bench_preset ("quick", 300);
  bench_preset ("liu-add31", 2000);
  bench_preset ("demoss-add-mlp", 100);
  bench_transformer ("demoss-add-ours", 200);
  printf ("\n(matrix-product rates can be compared with the peak of %.1f GFLOP/s)\n", peak);
  return 0;
}
