/* Writing, reopening and continuing a run folder. */
#include "grok-run-dir.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "grok-checkpoints.h"
#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-safetensors.h"
#include "grok-views.h"

struct _GrokRunDir
{
  char         *path;
  char         *metrics_path;
  GrokConfig   *config;
  GrokMetrics  *metrics;       /* the rows read at open (create: none) */
  GPtrArray    *lines;         /* the raw text of those rows, for an exact rewrite */
  char         *header;        /* metrics.csv's first line, with its newline */
  GArray       *checkpoints;   /* gint64 steps, ascending */
  GPtrArray    *problems;      /* char *, NULL-terminated */
  char         *metrics_damage; /* why metrics.csv cannot be rewritten without loss, or NULL */
  GrokAppender *appender;      /* NULL until created or prepared for continuing */
  GrokViewsWriter *views;     /* its views files' worker, made at the first checkpoint */
};

static gboolean
io_error (GError **error, const char *path, const char *doing, int errsv)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot %s %s: %s", doing, path,
               g_strerror (errsv));
  return FALSE;
}

static GrokRunDir *
run_dir_new (const char *path)
{
  GrokRunDir *dir = g_new0 (GrokRunDir, 1);

  dir->path = g_strdup (path);
  dir->metrics_path = g_build_filename (path, "metrics.csv", NULL);
  dir->lines = g_ptr_array_new_with_free_func (g_free);
  dir->checkpoints = g_array_new (FALSE, FALSE, sizeof (gint64));
  dir->problems = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (dir->problems, NULL);
  return dir;
}

static void
add_problem (GrokRunDir *dir, char *message)
{
  g_ptr_array_insert (dir->problems, dir->problems->len - 1, message);
}

/* an empty folder, or one we may clear */
static gboolean
prepare_folder (const char *path, gboolean overwrite, GError **error)
{
  g_autoptr (GDir) d = NULL;
  const char *name;
  g_autoptr (GError) local = NULL;

  if (!grok_mkdir_p (path, error))
    return FALSE;
  /* config.json goes first: a crash while clearing must not leave a folder that looks like a
   * run with some of its files missing */
  if (overwrite)
    {
      g_autofree char *config_path = g_build_filename (path, "config.json", NULL);
      if (!grok_remove_tree (config_path, error))
        return FALSE;
    }
  d = g_dir_open (path, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot open the run folder %s: %s", path,
                   local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!overwrite)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                       "the run folder %s is not empty (it holds %s): choose another folder, "
                       "or pass --force to replace the run in it", path, name);
          return FALSE;
        }
      if (!grok_remove_tree (child, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_config (GrokRunDir *dir, const GrokConfig *config, GError **error)
{
  g_autofree char *config_path = g_build_filename (dir->path, "config.json", NULL);
  g_autofree char *text = grok_config_to_string (config);

  return grok_file_write_atomic (config_path, text, strlen (text), error);
}

GrokRunDir *
grok_run_dir_create (const char *path, const GrokConfig *config, const GrokMetrics *metrics,
                     gboolean overwrite, GError **error)
{
  g_autoptr (GrokRunDir) dir = NULL;
  g_autofree char *ckpt_path = g_build_filename (path, "checkpoints", NULL);
  g_autofree char *header = NULL;

  g_return_val_if_fail (path != NULL && config != NULL && metrics != NULL, NULL);

  if (!prepare_folder (path, overwrite, error) || !grok_mkdir_p (ckpt_path, error))
    return NULL;
  dir = run_dir_new (path);
  dir->config = grok_config_copy (config);
  dir->metrics = grok_metrics_copy (metrics);
  dir->header = grok_metrics_format_header (metrics);
  /* metrics.csv first: a folder with config.json always has a metrics header */
  dir->appender = grok_appender_open (dir->metrics_path, error);
  if (dir->appender == NULL || !grok_appender_write (dir->appender, dir->header, error))
    return NULL;
  for (guint r = 0; r < metrics->n_rows; r++)
    if (!grok_run_dir_append_row (dir, metrics, r, error))
      return NULL;
  if (!grok_appender_sync (dir->appender, error) || !write_config (dir, config, error))
    return NULL;
  return g_steal_pointer (&dir);
}

gboolean
grok_run_dir_append_row (GrokRunDir *dir, const GrokMetrics *metrics, guint row, GError **error)
{
  g_autofree char *line = grok_metrics_format_row (metrics, row);

  g_return_val_if_fail (dir != NULL && dir->appender != NULL, FALSE);
  return grok_appender_write (dir->appender, line, error);
}

gboolean
grok_run_dir_sync (GrokRunDir *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);
  return dir->appender == NULL || grok_appender_sync (dir->appender, error);
}

const char *
grok_run_dir_path (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->path;
}

const GrokConfig *
grok_run_dir_get_config (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->config;
}

const GrokMetrics *
grok_run_dir_get_metrics (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->metrics;
}

GArray *
grok_run_dir_get_checkpoints (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->checkpoints;
}

const char * const *
grok_run_dir_get_problems (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return (const char * const *) dir->problems->pdata;
}

char *
grok_run_dir_checkpoint_path (GrokRunDir *dir, gint64 step)
{
  g_autofree char *name = grok_checkpoint_filename (step);

  g_return_val_if_fail (dir != NULL, NULL);
  return g_build_filename (dir->path, "checkpoints", name, NULL);
}

void
grok_run_dir_close (GrokRunDir *dir)
{
  if (dir == NULL)
    return;
  grok_views_writer_free (dir->views);
  grok_appender_free (dir->appender);
  grok_config_free (dir->config);
  grok_metrics_free (dir->metrics);
  g_ptr_array_unref (dir->lines);
  g_array_unref (dir->checkpoints);
  g_ptr_array_unref (dir->problems);
  g_free (dir->header);
  g_free (dir->metrics_damage);
  g_free (dir->path);
  g_free (dir->metrics_path);
  g_free (dir);
}

/* metrics.csv by the rules every reader shares (grok_metrics_read): each damaged line is a
 * problem and is skipped, the rows after it are kept. Continuing rewrites the file from the rows
 * read, so a damaged line, or a file whose rows cannot be read at all, is also kept in
 * metrics_damage, which refuses that rewrite. */
static void
read_metrics (GrokRunDir *dir)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GrokMetricsRead) read = grok_metrics_read (dir->metrics_path, &local);

  if (read == NULL)
    {
      add_problem (dir, g_strdup_printf ("%s; the file's rows are ignored", local->message));
      if (g_file_test (dir->metrics_path, G_FILE_TEST_EXISTS))
        dir->metrics_damage = g_strdup (local->message);
      dir->metrics = grok_trainer_new_metrics (dir->config);
      dir->header = grok_metrics_format_header (dir->metrics);
      return;
    }
  for (guint i = 0; i < read->damaged->len; i++)
    add_problem (dir, g_strdup_printf ("%s; the line is skipped",
                                       (const char *) read->damaged->pdata[i]));
  if (read->damaged->len == 1)
    dir->metrics_damage = g_strdup (read->damaged->pdata[0]);
  else if (read->damaged->len > 1)
    dir->metrics_damage = g_strdup_printf ("%s (and %u more damaged lines)",
                                           (const char *) read->damaged->pdata[0],
                                           read->damaged->len - 1);
  if (read->cut_short != NULL)
    add_problem (dir, g_strdup (read->cut_short));
  dir->metrics = g_steal_pointer (&read->metrics);
  dir->header = g_steal_pointer (&read->header);
  g_ptr_array_unref (dir->lines);
  dir->lines = g_steal_pointer (&read->lines);
}

/* a checkpoint is listed when it reads back whole and says it is the step its name says */
static gboolean
check_checkpoint (const char *path, gint64 step, GError **error)
{
  g_autoptr (GHashTable) meta = NULL;
  g_autoptr (GrokParams) params = grok_safetensors_read (path, &meta, error);
  const char *text;
  gint64 saved;

  if (params == NULL)
    return FALSE;
  text = g_hash_table_lookup (meta, "step");
  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &saved, NULL) ||
      saved != step)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "%s: its metadata 'step' does not match its name", path);
      return FALSE;
    }
  return TRUE;
}

static void
read_checkpoints (GrokRunDir *dir)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GArray) steps = grok_checkpoints_list (dir->path, &local);

  if (steps == NULL)
    {
      add_problem (dir, g_strdup (local->message));
      return;
    }
  for (guint i = 0; i < steps->len; i++)
    {
      gint64 step = g_array_index (steps, gint64, i);
      g_autofree char *path = grok_run_dir_checkpoint_path (dir, step);
      g_autoptr (GError) bad = NULL;

      if (check_checkpoint (path, step, &bad))
        g_array_append_val (dir->checkpoints, step);
      else
        add_problem (dir, g_strdup_printf ("checkpoint skipped: %s", bad->message));
    }
}

GrokRunDir *
grok_run_dir_open (const char *path, GError **error)
{
  g_autoptr (GrokRunDir) dir = NULL;
  g_autofree char *config_path = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot open the run folder %s: it is not "
                   "a folder", path);
      return NULL;
    }
  dir = run_dir_new (path);
  config_path = g_build_filename (path, "config.json", NULL);
  dir->config = grok_config_load_file (config_path, error);
  if (dir->config == NULL)
    return NULL;
  read_metrics (dir);
  read_checkpoints (dir);
  return g_steal_pointer (&dir);
}

/* checkpoint files that will not be continued from: those after step, and damaged ones */
static gboolean
remove_stale_checkpoints (GrokRunDir *dir, gint64 step, GError **error)
{
  g_autoptr (GArray) on_disk = grok_checkpoints_list (dir->path, error);
  guint k = 0;

  if (on_disk == NULL)
    return FALSE;
  for (guint i = 0; i < on_disk->len; i++)
    {
      gint64 s = g_array_index (on_disk, gint64, i);
      gboolean valid;
      while (k < dir->checkpoints->len && g_array_index (dir->checkpoints, gint64, k) < s)
        k++;
      valid = k < dir->checkpoints->len && g_array_index (dir->checkpoints, gint64, k) == s;
      if (s > step || !valid)
        {
          g_autofree char *path = grok_run_dir_checkpoint_path (dir, s);
          g_autofree char *views = grok_views_path (dir->path, s);
          if (g_unlink (path) != 0 && errno != ENOENT)
            return io_error (error, path, "remove", errno);
          if (g_unlink (views) != 0 && errno != ENOENT)
            return io_error (error, views, "remove", errno);
        }
    }
  while (dir->checkpoints->len > 0 &&
         g_array_index (dir->checkpoints, gint64, dir->checkpoints->len - 1) > step)
    g_array_set_size (dir->checkpoints, dir->checkpoints->len - 1);
  return TRUE;
}

/* continuing rewrites metrics.csv from the rows read: refused while that would lose lines */
static gboolean
check_metrics_rewritable (GrokRunDir *dir, GError **error)
{
  if (dir->metrics_damage == NULL)
    return TRUE;
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
               "%s. Continuing the run rewrites %s and would drop what it cannot read: repair "
               "or delete the damaged lines (the other rows are intact), then continue again",
               dir->metrics_damage, dir->metrics_path);
  return FALSE;
}

/* metrics.csv with the rows of steps <= step only, replaced in one atomic rename */
static gboolean
truncate_metrics (GrokRunDir *dir, gint64 step, GError **error)
{
  g_autoptr (GString) text = g_string_new (dir->header);
  int col = grok_metrics_column_index (dir->metrics, "step");
  guint n = 0;

  while (col >= 0 && n < dir->metrics->n_rows && grok_metrics_get (dir->metrics, n, col) <= step)
    g_string_append (text, dir->lines->pdata[n++]);
  if (!grok_file_write_atomic (dir->metrics_path, text->str, text->len, error))
    return FALSE;
  g_ptr_array_set_size (dir->lines, n);
  g_array_set_size (dir->metrics->values, (gsize) n * grok_metrics_n_columns (dir->metrics));
  dir->metrics->n_rows = n;
  return TRUE;
}

gboolean
grok_run_dir_prepare_continue (GrokRunDir *dir, gint64 step, const GrokConfig *config,
                               GError **error)
{
  g_return_val_if_fail (dir != NULL && config != NULL && dir->appender == NULL, FALSE);

  /* later checkpoints go before the rows they need: a crash in between must not leave a
   * checkpoint whose rows are gone */
  if (!check_metrics_rewritable (dir, error) || !remove_stale_checkpoints (dir, step, error) ||
      !truncate_metrics (dir, step, error) ||
      !write_config (dir, config, error))
    return FALSE;
  grok_config_free (dir->config);
  dir->config = grok_config_copy (config);
  dir->appender = grok_appender_open (dir->metrics_path, error);
  return dir->appender != NULL;
}

GArray *
grok_checkpoints_to_thin (const GArray *steps, gint64 keep)
{
  g_autoptr (GArray) left = g_array_copy ((GArray *) steps);
  GArray *doomed = g_array_new (FALSE, FALSE, sizeof (gint64));

  while (keep > 0 && left->len > MAX (keep, 2))
    {
      guint best = 1;
      double best_gap = INFINITY;

      for (guint i = 1; i + 1 < left->len; i++)
        {
          double gap = log1p ((double) g_array_index (left, gint64, i + 1)) -
                       log1p ((double) g_array_index (left, gint64, i - 1));
          if (gap < best_gap)
            {
              best_gap = gap;
              best = i;
            }
        }
      g_array_append_val (doomed, g_array_index (left, gint64, best));
      g_array_remove_index (left, best);
    }
  return doomed;
}

static void
insert_step (GArray *steps, gint64 step)
{
  guint i = steps->len;

  while (i > 0 && g_array_index (steps, gint64, i - 1) > step)
    i--;
  if (i > 0 && g_array_index (steps, gint64, i - 1) == step)
    return;
  g_array_insert_val (steps, i, step);
}

void
grok_run_dir_finish_views (GrokRunDir *dir, gboolean skip_pending)
{
  g_return_if_fail (dir != NULL);
  if (dir->views != NULL)
    grok_views_writer_finish (dir->views, skip_pending);
}

gboolean
grok_run_dir_save_checkpoint (GrokRunDir *dir, GrokTrainer *trainer, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GArray) doomed = NULL;

  g_return_val_if_fail (dir != NULL && dir->appender != NULL && trainer != NULL, FALSE);

  /* the rows up to this step become durable before the checkpoint that continues after them */
  if (!grok_appender_sync (dir->appender, error))
    return FALSE;
  path = grok_run_dir_checkpoint_path (dir, trainer->step);
  if (!grok_trainer_save (trainer, path, error))
    return FALSE;
  if (trainer->config->checkpoints.views)
    {
      if (dir->views == NULL)
        dir->views = grok_views_writer_new (dir->path);
      grok_views_writer_push (dir->views, trainer->config, trainer->model->params, trainer->step);
    }
  insert_step (dir->checkpoints, trainer->step);
  doomed = grok_checkpoints_to_thin (dir->checkpoints, trainer->config->checkpoints.keep);
  for (guint i = 0; i < doomed->len; i++)
    {
      gint64 step = g_array_index (doomed, gint64, i);
      g_autofree char *old = grok_run_dir_checkpoint_path (dir, step);
      g_autofree char *old_views = grok_views_path (dir->path, step);

      if (g_unlink (old) != 0 && errno != ENOENT)
        return io_error (error, old, "remove", errno);
      if (g_unlink (old_views) != 0 && errno != ENOENT)
        return io_error (error, old_views, "remove", errno);
      for (guint k = 0; k < dir->checkpoints->len; k++)
        if (g_array_index (dir->checkpoints, gint64, k) == step)
          g_array_remove_index (dir->checkpoints, k--);
    }
  return TRUE;
}
