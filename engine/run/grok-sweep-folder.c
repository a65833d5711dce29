/* A planned sweep folder: sweep.json, cells.csv, a run folder per cell under cells/, and the
 * messages of failed cells under failed/. Planning never deletes anything: a folder holding
 * anything but this same plan is refused. */
#include "grok-sweep-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-run-dir.h"
#include "grok-trainer.h"

void
grok_sweep_append_csv (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static char *
cells_csv (GrokSweep *sweep)
{
  GString *out = g_string_new ("cell,seed");

  for (guint a = 0; a < sweep->axes->len; a++)
    {
      g_string_append_c (out, ',');
      grok_sweep_append_csv (out, ((GrokSweepAxis *) sweep->axes->pdata[a])->key);
    }
  g_string_append (out, ",run\n");
  for (guint c = 0; c < grok_sweep_n_cells (sweep); c++)
    {
      g_autofree char *run = grok_sweep_cell_run (sweep, c);
      g_string_append_printf (out, "%u,%" G_GINT64_FORMAT, c, grok_sweep_cell_seed (sweep, c));
      for (guint a = 0; a < sweep->axes->len; a++)
        {
          const GrokSweepAxis *axis = sweep->axes->pdata[a];
          g_string_append_c (out, ',');
          grok_sweep_append_csv (out, axis->values->pdata[grok_sweep_cell_value (sweep, c, a)]);
        }
      g_string_append_printf (out, ",%s\n", run);
    }
  return g_string_free (out, FALSE);
}

/* folder holds nothing, or is this plan's (its sweep.json is this text) */
static gboolean
check_folder (GrokSweep *sweep, const char *folder, gboolean *replan, GError **error)
{
  g_autofree char *file = g_build_filename (folder, SWEEP_FILE, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GDir) dir = NULL;
  gsize length;

  *replan = FALSE;
  if (!g_file_test (folder, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    return grok_sweep_fail (error, "%s is not a folder: a sweep is planned into a folder of its own",
                 folder);
  if (g_file_get_contents (file, &text, &length, NULL))
    {
      if (length == strlen (sweep->text) && memcmp (text, sweep->text, length) == 0)
        return *replan = TRUE;
      return grok_sweep_fail (error, "%s holds another sweep's plan (its %s is not %s): plan into a new "
                   "folder", folder, SWEEP_FILE, sweep->where);
    }
  dir = g_dir_open (folder, 0, NULL);
  if (dir != NULL && g_dir_read_name (dir) != NULL)
    return grok_sweep_fail (error, "%s is not empty and holds no sweep plan: a sweep is planned into a "
                 "new or empty folder (nothing in it was changed)", folder);
  return TRUE;
}

/* the cell's run folder, made with its config, or when it exists, checked to be this cell's */
static gboolean
plan_cell (GrokSweep *sweep, guint cell, GError **error)
{
  g_autoptr (GrokConfig) config = grok_sweep_cell_config (sweep, cell, error);
  g_autofree char *path = grok_sweep_cell_path (sweep, cell);
  g_autoptr (GrokRunDir) dir = NULL;
  g_autoptr (GrokMetrics) metrics = NULL;

  if (config == NULL)
    return FALSE;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GrokConfig) had = NULL;
      g_autofree char *want = NULL, *have = NULL;

      dir = grok_run_dir_open (path, error);
      if (dir == NULL)
        return FALSE;
      /* the cores a cell was given last are not part of the plan */
      had = grok_config_copy (grok_run_dir_get_config (dir));
      had->train.threads = config->train.threads;
      want = grok_config_to_string (config);
      have = grok_config_to_string (had);
      if (!g_str_equal (want, have))
        return grok_sweep_fail (error, "%s/config.json is not the config the sweep gives cell %u (did the "
                     "base change?): plan into a new folder", path, cell);
      return TRUE;
    }
  metrics = grok_trainer_new_metrics (config);
  dir = grok_run_dir_create (path, config, metrics, FALSE, error);
  return dir != NULL;
}

gboolean
grok_sweep_plan (GrokSweep *sweep, const char *folder, GError **error)
{
  g_autofree char *cells = NULL, *cells_path = NULL, *sweep_path = NULL, *sub = NULL;
  gboolean replan;

  g_return_val_if_fail (sweep != NULL && folder != NULL, FALSE);
  if (!check_folder (sweep, folder, &replan, error))
    return FALSE;
  g_free (sweep->folder);
  sweep->folder = g_strdup (folder);
  sub = g_build_filename (folder, CELLS_FOLDER, NULL);
  if (!grok_mkdir_p (sub, error))
    return FALSE;
  sweep_path = g_build_filename (folder, SWEEP_FILE, NULL);
  if (!replan && !grok_file_write_atomic (sweep_path, sweep->text, strlen (sweep->text), error))
    return FALSE;
  cells = cells_csv (sweep);
  cells_path = g_build_filename (folder, CELLS_FILE, NULL);
  if (!grok_file_write_atomic (cells_path, cells, strlen (cells), error))
    return FALSE;
  for (guint c = 0; c < grok_sweep_n_cells (sweep); c++)
    if (!plan_cell (sweep, c, error))
      return FALSE;
  return TRUE;
}

GrokSweep *
grok_sweep_open (const char *folder, GError **error)
{
  g_autofree char *path = g_build_filename (folder, SWEEP_FILE, NULL);
  g_autofree char *data = NULL;
  g_autoptr (GrokSweep) sweep = NULL;
  gsize length;

  g_return_val_if_fail (folder != NULL, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return grok_sweep_fail (error, "%s is not a sweep folder (it has no %s): plan one with grokscope-cli "
                 "sweep plan SWEEP.json --out %s", folder, SWEEP_FILE, folder), NULL;
  if (!grok_file_read_at (GROK_FILE_AT_PATH (path), SWEEP_MAX_BYTES, &data, &length, error))
    return NULL;
  sweep = grok_sweep_parse (data, length, path, NULL, FALSE, error);
  if (sweep == NULL)
    return NULL;
  sweep->folder = g_strdup (folder);
  return g_steal_pointer (&sweep);
}

static char *
failure_path (GrokSweep *sweep, guint cell)
{
  g_autofree char *name = g_strdup_printf ("%0*u.txt", (int) sweep->width, cell);

  return g_build_filename (sweep->folder, FAILED_FOLDER, name, NULL);
}

gboolean
grok_sweep_record_failure (GrokSweep *sweep, guint cell, const char *message, GError **error)
{
  g_autofree char *path = failure_path (sweep, cell);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *line = g_strconcat (message, "\n", NULL);

  return grok_mkdir_p (folder, error) &&
         grok_file_write_atomic (path, line, strlen (line), error);
}

gboolean
grok_sweep_clear_failure (GrokSweep *sweep, guint cell, GError **error)
{
  g_autofree char *path = failure_path (sweep, cell);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int errsv = errno;
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot remove %s: %s", path,
                   g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

GrokSweepStatus
grok_sweep_cell_status (GrokSweep *sweep, guint cell, char **message)
{
  g_autofree char *path = grok_sweep_cell_path (sweep, cell);
  g_autofree char *failure = failure_path (sweep, cell);
  g_autofree char *writer = grok_run_dir_writer (path);
  g_autofree char *text = NULL;
  g_autoptr (GrokRunDir) dir = NULL;
  GArray *steps;
  const GrokMetrics *metrics;

  if (message != NULL)
    *message = NULL;
  if (writer != NULL)
    return GROK_SWEEP_RUNNING;
  if (g_file_get_contents (failure, &text, NULL, NULL))
    {
      if (message != NULL)
        *message = g_strdup (g_strchomp (text));
      return GROK_SWEEP_FAILED;
    }
  dir = grok_run_dir_open (path, NULL);
  if (dir == NULL)
    return GROK_SWEEP_PLANNED;
  steps = grok_run_dir_list_checkpoints (dir);
  metrics = grok_run_dir_get_metrics (dir);
  if (steps->len == 0)
    return metrics->n_rows > 0 ? GROK_SWEEP_STOPPED : GROK_SWEEP_PLANNED;
  /* finished: the last step's checkpoint and its row (a writer killed between the two, as
   * an older one could be, leaves a run that continues from an earlier checkpoint) */
  if (g_array_index (steps, gint64, steps->len - 1) >= grok_run_dir_get_config (dir)->train.steps &&
      metrics->n_rows > 0 &&
      grok_metrics_get (metrics, metrics->n_rows - 1, GROK_COL_STEP) >=
          grok_run_dir_get_config (dir)->train.steps)
    return GROK_SWEEP_FINISHED;
  return GROK_SWEEP_STOPPED;
}
