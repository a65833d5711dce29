/* The DeMoss recipe (demoss-add-ours: transformer, AdamW, weight noise and the
 * spectral-entropy penalty at every step) against the same recipe in PyTorch, and the penalty
 * alone against the full-SVD formula it replaced, on the preset's own matrices; and the recipe
 * on two threads (the penalty beside the model's passes) against one. The recipe is timed at
 * the preset's train.threads, PyTorch at its best of 1 and 2 threads; ratios come from the same
 * run. Prints figures; asserts nothing. */
#include <cblas.h>
#include <lapacke.h>
#include <stdio.h>
#include <string.h>

#include "grok-presets.h"
#include "grok-trainer.h"
#include "penalty-reference.h"
#include "train-bench.h"

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* the penalty over every matrix of params the way it was computed before: a full SVD each */
static void
full_svd_penalty (GrokParams *params, PenaltyReference *ref, double *w, double *grad)
{
  for (int t = 0; t < params->n_tensors; t++)
    {
      const GrokTensor *tensor = &params->tensors[t];
      int m = tensor->shape[0], n = tensor->shape[1];

      if (tensor->ndim != 2)
        continue;
      for (gsize i = 0; i < tensor->numel; i++)
        w[i] = params->data[tensor->offset + i];
      penalty_reference (ref, w, m, n, MIN (m, n), grad);
      for (gsize i = 0; i < tensor->numel; i++)
        params->grad[tensor->offset + i] += (float) grad[i];
    }
}

/* seconds per call of the penalty, Grokscope's and the full-SVD one, alternated and the best
 * of each kept so that both see the same machine */
static void
time_penalty (GrokTrainer *trainer, double *ours, double *full)
{
  GrokParams *params = trainer->model->params;
  g_autoptr (PenaltyReference) ref = penalty_reference_new (512, 512);
  g_autofree double *w = g_new (double, 512 * 512), *grad = g_new (double, 512 * 512);

  *ours = *full = G_MAXDOUBLE;
  for (int round = 0; round < 5; round++)
    {
      double t = now_s ();
      for (int r = 0; r < 10; r++)
        grok_spectral_penalty (params, 0.1, trainer->spectrum_ws);
      *ours = MIN (*ours, (now_s () - t) / 10);
      t = now_s ();
      for (int r = 0; r < 10; r++)
        full_svd_penalty (params, ref, w, grad);
      *full = MIN (*full, (now_s () - t) / 10);
    }
}

/* seconds of LAPACK's eigensolver alone (dsyevd, eigenvalues and eigenvectors, the routine
 * the penalty calls) on the Gram matrices of every matrix of params, in double, the best of 5
 * rounds of 10: the part of the penalty no rearrangement of the rest removes. With single,
 * ssyevd on the same matrices rounded to float: what the penalty's eigensolves would cost in
 * single precision, which is not what it computes. */
static double
eigensolves_seconds (const GrokParams *params, gboolean single)
{
  g_autoptr (GPtrArray) grams = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) sides = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree double *work = NULL, *w = NULL;
  g_autofree float *work_f = NULL, *w_f = NULL;
  int largest = 1;
  double best = G_MAXDOUBLE;

  for (int t = 0; t < params->n_tensors; t++)
    {
      const GrokTensor *tensor = &params->tensors[t];
      int m = tensor->shape[0], n = tensor->shape[1], r = MIN (m, n);
      g_autofree double *a = NULL;
      double *gram;

      if (tensor->ndim != 2)
        continue;
      a = g_new (double, tensor->numel);
      for (gsize i = 0; i < tensor->numel; i++)
        a[i] = params->data[tensor->offset + i];
      gram = g_new (double, (gsize) r * r);
      cblas_dsyrk (CblasRowMajor, CblasUpper, m >= n ? CblasTrans : CblasNoTrans, r, MAX (m, n),
                   1.0, a, n, 0.0, gram, r);
      g_ptr_array_add (grams, gram);
      g_array_append_val (sides, r);
      largest = MAX (largest, r);
    }
  work = g_new (double, (gsize) largest * largest);
  w = g_new (double, largest);
  work_f = g_new (float, (gsize) largest * largest);
  w_f = g_new (float, largest);
  for (int round = 0; round < 5; round++)
    {
      double t = now_s ();
      for (int rep = 0; rep < 10; rep++)
        for (guint i = 0; i < grams->len; i++)
          {
            int r = g_array_index (sides, int, i);
            const double *gram = grams->pdata[i];

            if (single)
              {
                for (int k = 0; k < r * r; k++)
                  work_f[k] = (float) gram[k];
                if (LAPACKE_ssyevd (LAPACK_COL_MAJOR, 'V', 'L', r, work_f, r, w_f) != 0)
                  g_error ("ssyevd failed on a %d x %d Gram matrix", r, r);
                continue;
              }
            memcpy (work, gram, sizeof (double) * r * r);
            if (LAPACKE_dsyevd (LAPACK_COL_MAJOR, 'V', 'L', r, work, r, w) != 0)
              g_error ("dsyevd failed on a %d x %d Gram matrix", r, r);
          }
      best = MIN (best, (now_s () - t) / 10);
    }
  return best;
}

/* steps/s of the recipe and of the model and AdamW alone (no noise, no penalty), at 1 and at 2
 * threads, alternated three times, the best of each */
static void
time_threads (const GrokConfig *preset, double one[2], double two[2])
{
  one[0] = one[1] = two[0] = two[1] = 0;
  for (int round = 0; round < 3; round++)
    for (int plain = 0; plain <= 1; plain++)
      for (int threads = 1; threads <= 2; threads++)
        {
          g_autoptr (GrokConfig) config = grok_config_copy (preset);
          g_autoptr (GrokTrainer) trainer = NULL;
          double *best = threads == 1 ? &one[plain] : &two[plain];

          config->train.threads = threads;
          if (plain)
            config->reg.weight_noise = config->reg.spectral_entropy = 0;
          trainer = grok_trainer_new (config, NULL);
          *best = MAX (*best, train_bench_steps_per_second (trainer, plain ? 200 : 100));
        }
  printf ("demoss-add-ours whole recipe: %.1f steps/s on 1 thread, %.1f on 2\n", one[0], two[0]);
  printf ("demoss-add-ours model and AdamW alone: %.1f steps/s on 1 thread, %.1f on 2\n",
          one[1], two[1]);
  printf ("RATIO\tdemoss-add-ours 2 threads / 1 thread steps/s\t%.2f\t-\n", two[0] / one[0]);
  printf ("RATIO\tdemoss-add-ours whole recipe / model and AdamW alone, 1 thread\t%.2f\t>= 0.6\n",
          one[0] / one[1]);
  printf ("RATIO\tdemoss-add-ours whole recipe / model and AdamW alone, 2 threads\t%.2f\t>= 0.6\n",
          two[0] / two[1]);
}

int
main (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("demoss-add-ours", NULL);
  g_autoptr (GrokTrainer) full = NULL, plain = NULL;
  g_autofree char *args = NULL;
  int threads = config->train.threads;
  double with_reg, without, torch, ours_s, svd_s, eig_s, eig_single_s, one[2], two[2];

  config->train.threads = 1;
  full = grok_trainer_new (config, NULL);
  time_penalty (full, &ours_s, &svd_s);
  printf ("spectral-entropy penalty of demoss-add-ours (%d tensors), 1 thread:\n",
          full->model->params->n_tensors);
  printf ("    Gram matrix eigenvectors: %.2f ms\n    full SVD: %.2f ms\n", ours_s * 1e3,
          svd_s * 1e3);
  printf ("RATIO\tspectral-entropy penalty: full-SVD time / Gram-eigenvector time\t%.2f\t-\n",
          svd_s / ours_s);
  eig_s = eigensolves_seconds (full->model->params, FALSE);
  eig_single_s = eigensolves_seconds (full->model->params, TRUE);
  printf ("    of which LAPACK's dsyevd alone: %.2f ms\n", eig_s * 1e3);
  printf ("    ssyevd on the same matrices in single precision: %.2f ms\n", eig_single_s * 1e3);
  g_clear_pointer (&full, grok_trainer_free);
  time_threads (config, one, two);
  /* on one thread the penalty adds its own time to every step, whatever else is made faster:
   * the recipe's rate against the plain step's is at most 1 / (1 + penalty seconds x plain
   * steps/s), with the weight noise free, and with the penalty's own work beside the
   * eigensolves free too at most that with the eigensolves' seconds */
  printf ("RATIO\tdemoss-add-ours whole recipe / model and AdamW alone, 1 thread, at most "
          "with today's penalty\t%.2f\t-\n", 1.0 / (1.0 + ours_s * one[1]));
  printf ("RATIO\tdemoss-add-ours whole recipe / model and AdamW alone, 1 thread, at most "
          "with LAPACK's eigensolves alone\t%.2f\t-\n", 1.0 / (1.0 + eig_s * one[1]));
  printf ("RATIO\tdemoss-add-ours whole recipe / model and AdamW alone, 1 thread, at most "
          "with single-precision eigensolves alone\t%.2f\t-\n",
          1.0 / (1.0 + eig_single_s * one[1]));

  /* the recipe as the preset runs it, at the preset's thread count */
  config->train.threads = threads;
  full = grok_trainer_new (config, NULL);
  with_reg = train_bench_steps_per_second (full, 100);
  args = g_strdup_printf ("transformer-recipe %d %d %d %d %d %d %d %g %g %g",
                          full->dataset->vocab, (int) config->model.d_model,
                          (int) config->model.n_heads, (int) config->model.d_mlp,
                          (int) config->model.n_blocks, full->batch_size, 30,
                          config->reg.weight_noise, config->reg.spectral_entropy,
                          config->train.prob_clip);
  config->reg.weight_noise = 0;
  config->reg.spectral_entropy = 0;
  plain = grok_trainer_new (config, NULL);
  without = train_bench_steps_per_second (plain, 200);
  printf ("demoss-add-ours (batch %d, train.threads %d):\n", full->batch_size, threads);
  printf ("    grokscope, whole recipe: %.1f steps/s\n", with_reg);
  printf ("    grokscope, model and AdamW alone: %.1f steps/s\n", without);
  torch = train_bench_torch (args, NULL);
  printf ("RATIO\tdemoss-add-ours steps/s / pytorch same recipe\t%.2f\t>= 3\n", with_reg / torch);
  printf ("RATIO\tdemoss-add-ours whole recipe / model and AdamW alone, preset's threads\t%.2f\t-\n",
          with_reg / without);
  return 0;
}
