/* The targets that read a file against a model share one tiny run: an MLP of width 4 on
 * addition mod 5, built once per process. Run a target with GROK_FUZZ_WRITE_SEED=PATH to write
 * its seed file (a file made for exactly this run) to PATH instead of fuzzing. */
#pragma once

#include "fuzz-common.h"
#include "grok-config.h"
#include "grok-trainer.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_TINY_CONFIG \
  "{\"task\": {\"name\": \"modular\", \"op\": \"add\", \"p\": 5},\n" \
  " \"model\": {\"d_embed\": 2, \"width\": 4, \"depth\": 1, \"activation\": \"relu\"},\n" \
  " \"train\": {\"steps\": 4, \"threads\": 1}}\n"

static inline const GrokConfig *
fuzz_tiny_config (void)
{
  static GrokConfig *config;

  if (config == NULL)
    {
      g_autoptr (GError) error = NULL;
      config = grok_config_new_default ();
      if (!grok_config_merge_data (config, FUZZ_TINY_CONFIG, -1, "fuzz", &error) ||
          !grok_config_validate (config, &error))
        g_error ("the tiny config: %s", error->message);
    }
  return config;
}

/* a trainer of the tiny run at step 0 */
static inline GrokTrainer *
fuzz_tiny_trainer (void)
{
  static GrokTrainer *trainer;

  if (trainer == NULL)
    {
      g_autoptr (GError) error = NULL;
      trainer = grok_trainer_new (fuzz_tiny_config (), &error);
      if (trainer == NULL)
        g_error ("the tiny trainer: %s", error->message);
    }
  return trainer;
}

/* with GROK_FUZZ_WRITE_SEED set, write the seed with write_seed and end the process */
static inline void
fuzz_maybe_write_seed (gboolean (*write_seed) (const char *path, GError **error))
{
  const char *path = g_getenv ("GROK_FUZZ_WRITE_SEED");
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    return;
  if (!write_seed (path, &error))
    g_error ("%s", error->message);
  /* libFuzzer reports exit () as a failure of the target */
  _exit (0);
}

/* the tiny trainer's checkpoint at step 0, as a run writes it */
static inline gboolean
fuzz_write_tiny_checkpoint (const char *path, GError **error)
{
  return grok_trainer_save (fuzz_tiny_trainer (), path, error);
}
