/* Shared by the run tests: a small liu-add31 config, driving a run to its end, and comparing
 * run folders. Header-only so that each test program stays one file plus this. */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-presets.h"
#include "grok-run.h"
#include "grok-safetensors.h"
#include "tmp-dir.h"

/* liu-add31 with minibatches of 128 (six per epoch, so the batch RNG and the epoch order
 * matter), one OpenBLAS thread (so results do not depend on the thread count) */
static inline GrokConfig *
small_config (gint64 steps, gint64 eval_every)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("liu-add31", NULL);

  g_assert_nonnull (config);
  config->train.steps = steps;
  config->train.eval_every = eval_every;
  config->train.batch_size = 128;
  config->train.threads = 1;
  /* the cheap measure stays on, so that its columns take part in every comparison */
  config->measures.complexity_per_decade = 0;
  config->measures.lmn_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  /* views files (test-views) would add LMN's matrix on a worker thread to every run here */
  config->checkpoints.views = 0;
  return g_steal_pointer (&config);
}

static inline gboolean
run_state_is_terminal (GrokRunState state)
{
  return state == GROK_RUN_FINISHED || state == GROK_RUN_STOPPED ||
         state == GROK_RUN_DIVERGED || state == GROK_RUN_FAILED;
}

/* start, wait for the end while dispatching snapshots, then deliver what is left */
static inline GrokRunState
run_to_end (GrokRun *run)
{
  grok_run_start (run);
  while (!run_state_is_terminal (grok_run_get_state (run)))
    g_main_context_iteration (NULL, TRUE);
  grok_run_stop (run);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return grok_run_get_state (run);
}

/* CSV text without its wall_seconds column (found by the header) */
static inline char *
csv_without_wall (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_auto (GStrv) header = g_strsplit (lines[0], ",", -1);
  GString *out = g_string_new (NULL);
  int wall = -1;

  for (int c = 0; header[c] != NULL; c++)
    if (g_str_equal (header[c], "wall_seconds"))
      wall = c;
  g_assert_cmpint (wall, >=, 0);
  for (int i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], ",", -1);
      for (int c = 0; fields[c] != NULL; c++)
        if (c != wall)
          g_string_append_printf (out, "%s%s", out->len && out->str[out->len - 1] != '\n' ? "," : "", fields[c]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* a folder's metrics.csv without the wall_seconds column */
static inline char *
metrics_without_wall (const char *run_dir)
{
  g_autofree char *path = g_build_filename (run_dir, "metrics.csv", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return csv_without_wall (text);
}

/* the bytes of every tensor of a checkpoint, in canonical order */
static inline GBytes *
checkpoint_values (const char *run_dir, gint64 step)
{
  g_autofree char *name = g_strdup_printf ("step-%08" G_GINT64_FORMAT ".safetensors", step);
  g_autofree char *path = g_build_filename (run_dir, "checkpoints", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokParams) p = grok_params_read (path, NULL, &error);
  GByteArray *out = g_byte_array_new ();

  g_assert_no_error (error);
  for (int i = 0; i < p->n_tensors; i++)
    {
      int k = p->canonical[i];
      g_byte_array_append (out, (const guint8 *) p->tensors[k].name, strlen (p->tensors[k].name) + 1);
      g_byte_array_append (out, (const guint8 *) grok_params_tensor_data (p, k),
                           p->tensors[k].numel * sizeof (float));
    }
  return g_byte_array_free_to_bytes (out);
}
