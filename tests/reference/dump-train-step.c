/* Takes one training step of a preset's model and writes what PyTorch needs to redo it, for
 * tests/reference/check_torch.py: OUT-DIR/init.safetensors, the checkpoint before the step (the
 * resolved config in its metadata under "config"), and OUT-DIR/step.safetensors with the step's
 * batch ("batch.tokens" (n, T) as floats, or "batch.x" (n, D) for inputs that are numbers, and
 * "batch.targets" (n) as floats), "logits" (n, V), "loss" (the cross-entropy, or for the digit
 * head the mean binary cross-entropy), "penalty" (lambda times the spectral entropy), and for every tensor
 * NAME "grad.NAME" (the gradient at the initial parameters) and "after.NAME" (the parameters
 * after the AdamW update).
 *
 * The step is the trainer's own (its minibatch, clipping, penalty and optimiser), with the
 * weight noise off so that PyTorch can reproduce it; the batch is cut to BATCH examples (64 by
 * default) to keep the files small, and THREADS, when given, replaces the preset's
 * train.threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grok-presets.h"
#include "grok-safetensors.h"
#include "grok-trainer.h"

static void
add_named (GrokParams *out, const char *name, int ndim, int d0, int d1)
{
  int shape[2] = { d0, d1 };
  grok_params_add (out, name, ndim, shape);
}

static void
fill (GrokParams *out, const char *name, const float *values)
{
  int t = grok_params_find (out, name);
  memcpy (grok_params_tensor_data (out, t), values, out->tensors[t].numel * sizeof (float));
}

/* the step's results as one table of named tensors */
static GrokParams *
step_table (GrokTrainer *trainer)
{
  GrokModel *model = trainer->model;
  GrokParams *params = model->params, *out = grok_params_new ();
  int n = trainer->batch_size, T = model->n_positions, D = model->d_in, V = model->n_classes;
  float loss = trainer->last_loss, penalty = trainer->last_penalty;
  g_autofree float *tokens = g_new (float, (gsize) n * T), *targets = g_new (float, n);

  if (T > 0)
    add_named (out, "batch.tokens", 2, n, T);
  else
    add_named (out, "batch.x", 2, n, D);
  add_named (out, "batch.targets", 1, n, 0);
  add_named (out, "logits", 2, n, V);
  add_named (out, "loss", 1, 1, 0);
  add_named (out, "penalty", 1, 1, 0);
  for (int i = 0; i < params->n_tensors; i++)
    for (int k = 0; k < 2; k++)
      {
        g_autofree char *name = g_strconcat (k ? "after." : "grad.", params->tensors[i].name, NULL);
        grok_params_add (out, name, params->tensors[i].ndim, params->tensors[i].shape);
      }
  grok_params_allocate (out);

  for (int i = 0; i < n * T; i++)
    tokens[i] = trainer->batch_tokens[i];
  for (int i = 0; i < n; i++)
    targets[i] = trainer->batch_y[i];
  if (T > 0)
    fill (out, "batch.tokens", tokens);
  else
    fill (out, "batch.x", trainer->batch_x);
  fill (out, "batch.targets", targets);
  fill (out, "logits", model->logits);
  fill (out, "loss", &loss);
  fill (out, "penalty", &penalty);
  for (int i = 0; i < params->n_tensors; i++)
    {
      g_autofree char *g = g_strconcat ("grad.", params->tensors[i].name, NULL);
      g_autofree char *a = g_strconcat ("after.", params->tensors[i].name, NULL);
      fill (out, g, grok_params_tensor_grad (params, i));
      fill (out, a, grok_params_tensor_data (params, i));
    }
  return out;
}

static gboolean
dump (const char *preset, const char *dir, int batch, int threads, GError **error)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, error);
  g_autoptr (GrokTrainer) trainer = NULL;
  g_autoptr (GrokParams) init = NULL, results = NULL;
  g_autoptr (GHashTable) meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *init_path = g_build_filename (dir, "init.safetensors", NULL);
  g_autofree char *step_path = g_build_filename (dir, "step.safetensors", NULL);

  if (config == NULL)
    return FALSE;
  config->reg.weight_noise = 0.0;
  config->train.batch_size = batch;
  if (threads > 0)
    config->train.threads = threads;
  trainer = grok_trainer_new (config, error);
  if (trainer == NULL)
    return FALSE;
  init = grok_params_copy (trainer->model->params);
  g_hash_table_insert (meta, "config", grok_config_to_string (config));
  if (!grok_params_write (init_path, init, meta, error))
    return FALSE;
  if (!grok_trainer_step (trainer, error))
    return FALSE;
  results = step_table (trainer);
  return grok_params_write (step_path, results, NULL, error);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int batch = argc > 3 ? atoi (argv[3]) : 64, threads = argc > 4 ? atoi (argv[4]) : 0;

  if (argc < 3 || argc > 5 || batch < 1 || (argc > 4 && threads < 1))
    {
      fprintf (stderr, "usage: %s PRESET OUT-DIR [BATCH [THREADS]]\n", argv[0]);
      return 2;
    }
  if (!dump (argv[1], argv[2], batch, threads, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  return 0;
}
