/* A checkpoint loaded into a trainer, as resume and fork load the state they continue from
 * (parameters, both AdamW moments, the epoch's order, the RNG and the step) */
#include "fuzz-tiny-run.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *path;
  GrokTrainer *trainer;
  g_autoptr (GError) error = NULL;

  fuzz_maybe_write_seed (fuzz_write_tiny_checkpoint);
  trainer = fuzz_tiny_trainer ();
  path = fuzz_write_input (data, size, "step-00000000.safetensors");
  if (grok_trainer_load (trainer, path, &error))
    {
      /* what it took is a state the trainer can go on from */
      for (int i = 0; i < trainer->dataset->n_train; i++)
        g_assert (trainer->order[i] >= 0 && trainer->order[i] < trainer->dataset->n_train);
      g_assert (trainer->step >= 0);
    }
  else
    g_assert (error != NULL && error->message[0] != '\0');
  return 0;
}
