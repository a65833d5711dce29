/* Training speed of the presets, against PyTorch on the same model (at its best thread count,
 * 1 or 2) and, for the MLPs, against OpenBLAS's own sgemm rate on the same products, measured
 * in the same run. Each side's rate is the best of a few rounds, taken in turn, as the machine
 * may be shared. Prints figures and RATIO lines; asserts nothing. With arguments, only the
 * benchmarks named (quick, liu-add31, demoss-add-mlp, add97-relu512, demoss-add-ours). */
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

/* the rows of block b of B rows cut into `blocks` blocks */
static inline int
block_rows (int B, int b, int blocks)
{
  return grok_model_block_start (B, b + 1, blocks) - grok_model_block_start (B, b, blocks);
}

/* the matrix products of one MLP training step (forward, then backward), in order, with the
 * batch of B rows cut into `blocks` row blocks as grok_model_block_start cuts it: every product
 * with a dimension of B is made once per block with that block's rows (blocks = 1: over the
 * whole batch; grok_model_blocks (B): as the trainer makes them). A token MLP whose batch has
 * more rows than twice the vocabulary folds its first layer (grok-mlp.c): per position, a
 * table (V, W) = embed (V, d) @ block^T forward, and backward the block's gradient (W, d) over
 * V and the embeddings' (V, d) over W, each once a step. */
static int
mlp_gemms (GrokTrainer *trainer, int B, int blocks, Gemm *out, int max)
{
  int n_layers, n = 0, T = trainer->dataset->n_positions, V = trainer->dataset->vocab;
  g_autofree GrokLayerView *layers = grok_mlp_layers (trainer->model, &n_layers);
  gboolean folded = T > 0 && n_layers > 1 && B >= 2 * V;
  int first = folded ? 1 : 0, d = layers[0].in / MAX (T, 1);

  g_assert (T + blocks * 3 * n_layers + 2 * T <= max);
  for (int t = 0; folded && t < T; t++)
    out[n++] = (Gemm) { V, layers[0].out, d, CblasNoTrans, CblasTrans };
  for (int b = 0; b < blocks; b++)
    for (int l = first; l < n_layers; l++)
      out[n++] = (Gemm) { block_rows (B, b, blocks), layers[l].out, layers[l].in, CblasNoTrans,
                          CblasTrans };
  for (int b = 0; b < blocks; b++)
    {
      int rows = block_rows (B, b, blocks);

      for (int l = n_layers - 1; l >= first; l--)
        {
          if (l > 0 || T > 0)
            out[n++] = (Gemm) { rows, layers[l].in, layers[l].out, CblasNoTrans, CblasNoTrans };
          out[n++] = (Gemm) { layers[l].out, layers[l].in, rows, CblasTrans, CblasNoTrans };
        }
    }
  for (int t = 0; folded && t < T; t++)
    {
      out[n++] = (Gemm) { layers[0].out, d, V, CblasTrans, CblasNoTrans };
      out[n++] = (Gemm) { V, d, layers[0].out, CblasNoTrans, CblasNoTrans };
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

/* PyTorch's best rate over 1 and 2 threads; by_threads[t] (may be NULL) gets the rate at t */
static double
torch_steps_per_second (GrokTrainer *trainer, int steps, double by_threads[3])
{
  g_autofree char *model = torch_model_args (trainer);
  g_autofree char *args = g_strdup_printf ("%s %d %d", model, trainer->batch_size, steps);

  return train_bench_torch (args, by_threads);
}

static void
print_ratio (const char *name, double value, const char *goal)
{
  printf ("RATIO\t%s\t%.3f\t%s\n", name, value, goal);
}

/* steps per second of `steps` steps */
static double
steps_per_second_once (GrokTrainer *trainer, int steps)
{
  double t = now_s ();

  for (int i = 0; i < steps; i++)
    grok_trainer_step (trainer, NULL);
  return steps / (now_s () - t);
}

enum { ROUNDS = 3 };

/* An MLP at two threads and at one. The yardsticks: OpenBLAS alone on the same products at
 * two threads (its own pool: the trainer runs OpenBLAS single-threaded in each of its threads,
 * so the pool is switched on just for them), and PyTorch on the same model. */
static void
bench_mlp (const char *name, GrokConfig *config, int steps)
{
  g_autoptr (GrokTrainer) two = NULL, one = NULL;
  double ours2 = 0, ours1 = 0, gemm2 = G_MAXDOUBLE, gemm1 = G_MAXDOUBLE, blocked1 = G_MAXDOUBLE;
  double torch[3] = { NAN, NAN, NAN }, flops, best;
  Gemm gemms[64], blocked[1024];
  int n_gemms, n_blocked;

  /* the products and PyTorch's plain AdamW step are the yardsticks: no noise, no penalty */
  config->reg.weight_noise = 0;
  config->reg.spectral_entropy = 0;
  config->train.threads = 1;
  one = grok_trainer_new (config, NULL);
  config->train.threads = 2;
  two = grok_trainer_new (config, NULL);
  n_gemms = mlp_gemms (two, two->batch_size, 1, gemms, G_N_ELEMENTS (gemms));
  flops = gemm_flops (gemms, n_gemms);
  n_blocked = mlp_gemms (two, two->batch_size, grok_model_blocks (two->batch_size), blocked,
                         G_N_ELEMENTS (blocked));
  steps_per_second_once (one, 3);
  steps_per_second_once (two, 3);
  for (int r = 0; r < ROUNDS; r++)
    {
      ours2 = MAX (ours2, steps_per_second_once (two, steps));
      openblas_set_num_threads (2);
      gemm2 = MIN (gemm2, gemms_seconds (gemms, n_gemms, steps));
      openblas_set_num_threads (1);
      ours1 = MAX (ours1, steps_per_second_once (one, steps));
      gemm1 = MIN (gemm1, gemms_seconds (gemms, n_gemms, steps));
      blocked1 = MIN (blocked1, gemms_seconds (blocked, n_blocked, steps));
    }
  printf ("%s (batch %d, %.1f MFLOP of matrix products per step):\n", name, two->batch_size,
          flops / 1e6);
  printf ("    grokscope, 2 threads: %.1f steps/s = %.1f GFLOP/s\n", ours2, ours2 * flops / 1e9);
  printf ("    grokscope, 1 thread: %.1f steps/s = %.1f GFLOP/s\n", ours1, ours1 * flops / 1e9);
  printf ("    openblas, the same products alone, 2 threads: %.1f steps/s = %.1f GFLOP/s\n",
          1 / gemm2, flops / gemm2 / 1e9);
  best = torch_steps_per_second (two, steps, torch);
  g_autofree char *rate = g_strdup_printf ("mlp-2t %s / openblas rate", name);
  g_autofree char *vs_best = g_strdup_printf ("mlp-2t %s / pytorch best", name);
  g_autofree char *vs_one = g_strdup_printf ("mlp-1t %s / pytorch 1t", name);
  print_ratio (rate, ours2 * gemm2, ">= 0.85");
  print_ratio (vs_best, ours2 / best, ">= 2");
  print_ratio (vs_one, ours1 / torch[1], ">= 1");
  /* what the row blocks cost: the trainer sums each block's products apart, so that its
   * results do not depend on the thread count; OpenBLAS runs products over
   * GROK_MODEL_BLOCK_ROWS-row blocks more slowly than over the whole batch */
  printf ("    openblas, 1 thread: the products over the whole batch %.3f ms a step, over the "
          "trainer's %d row blocks %.3f ms (%.1f MFLOP, %.1f GFLOP/s)\n", gemm1 * 1e3,
          grok_model_blocks (two->batch_size), blocked1 * 1e3,
          gemm_flops (blocked, n_blocked) / 1e6, gemm_flops (blocked, n_blocked) / blocked1 / 1e9);
  g_autofree char *cost = g_strdup_printf ("mlp %s openblas on the row blocks / on the whole batch, 1 thread", name);
  g_autofree char *vs_blocked = g_strdup_printf ("mlp-1t %s / openblas on its row blocks, 1 thread", name);
  print_ratio (cost, gemm1 / blocked1, "-");
  print_ratio (vs_blocked, ours1 * blocked1, "-");
}

static void
bench_preset (const char *name, int steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load (name, NULL);

  bench_mlp (name, config, steps);
}

/* an MLP on addition mod 97 wider than the presets': embeddings of 128, one ReLU layer of 512,
 * 40% of the pairs for training, full batch */
static void
bench_add97_wide (int steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);

  config->task.train_fraction = 0.4;
  config->model.d_embed = 128;
  config->model.width = 512;
  config->model.depth = 1;
  config->model.activation = GROK_ACT_RELU;
  bench_mlp ("add97-relu512", config, steps);
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
  torch = torch_steps_per_second (plain, steps, NULL);
  printf ("    ratio grokscope / pytorch (best thread count), model and AdamW: %.2f\n",
          without / torch);
}

static const char *const benchmarks[] = { "quick", "liu-add31", "demoss-add-mlp", "add97-relu512",
                                          "demoss-add-ours", NULL };

/* every benchmark with no arguments, else the ones named */
static gboolean
wanted (int argc, char **argv, const char *name)
{
  return argc < 2 || g_strv_contains ((const char *const *) argv + 1, name);
}

int
main (int argc, char **argv)
{
  int threads = (int) g_get_num_processors ();
  double peak;

  /* the machine's peak on every core; the trainers themselves keep OpenBLAS on one thread */
  openblas_set_num_threads (threads);

  for (int i = 1; i < argc; i++)
    if (!g_strv_contains (benchmarks, argv[i]))
      {
        g_autofree char *known = g_strjoinv (", ", (char **) benchmarks);
        fprintf (stderr, "bench-train: no benchmark '%s' (the benchmarks are: %s)\n", argv[i],
                 known);
        return 2;
      }
  printf ("OpenBLAS %s, %d threads\n", openblas_get_config (), threads);
  peak = sgemm_peak (1024);
  printf ("OpenBLAS sgemm 1024^3 peak: %.1f GFLOP/s\n\n", peak);
  if (wanted (argc, argv, "quick"))
    bench_preset ("quick", 200);
  if (wanted (argc, argv, "liu-add31"))
    bench_preset ("liu-add31", 1000);
  if (wanted (argc, argv, "demoss-add-mlp"))
    bench_preset ("demoss-add-mlp", 20);
  if (wanted (argc, argv, "add97-relu512"))
    bench_add97_wide (30);
  openblas_set_num_threads (1);
  if (wanted (argc, argv, "demoss-add-ours"))
    bench_transformer ("demoss-add-ours", 200);
  printf ("\n(matrix-product rates can be compared with the peak of %.1f GFLOP/s)\n", peak);
  return 0;
}
