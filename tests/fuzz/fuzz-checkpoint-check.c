/* A checkpoint checked against its run folder's config.json by the rule every reader applies
 * (read back whole, the step of its name, every tensor of the model with its shape) */
#include "fuzz-tiny-run.h"
#include "grok-run-dir.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static char *run, *checkpoint;
  g_autoptr (GrokRunDir) dir = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GError) error = NULL;

  fuzz_maybe_write_seed (fuzz_write_tiny_checkpoint);
  if (run == NULL)
    {
      g_autofree char *text = grok_config_to_string (fuzz_tiny_config ());
      g_autofree char *config = NULL, *folder = NULL;
      run = g_strdup_printf ("%s/grok-fuzz-run-%d", g_get_tmp_dir (), (int) getpid ());
      config = g_build_filename (run, "config.json", NULL);
      checkpoint = grok_run_file_path (run, GROK_RUN_FILE_CHECKPOINT, 0);
      g_mkdir_with_parents (run, 0700);
      fuzz_write_file (config, (const guint8 *) text, strlen (text));
      folder = grok_run_file_path (run, GROK_RUN_FILE_CHECKPOINTS, 0);
      g_mkdir_with_parents (folder, 0700);
    }
  fuzz_write_file (checkpoint, data, size);
  /* a folder object of its own each time: it remembers the files it refused */
  dir = grok_run_dir_open (run, &error);
  g_assert (dir != NULL);
  params = grok_run_dir_read_model (dir, 0, &error);
  if (params == NULL)
    {
      /* refused with a reason naming the file, and counted as a damaged file */
      g_assert (error != NULL && strstr (error->message, checkpoint) != NULL);
      g_assert (grok_run_dir_get_problems (dir)[0] != NULL);
    }
  else
    g_assert (params->n_tensors == fuzz_tiny_trainer ()->model->params->n_tensors);
  return 0;
}
