/* Writing, reopening and continuing a run folder. */
#include "grok-run-dir-private.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grok-checkpoints.h"
#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-memory.h"
#include "grok-model.h"
#include "grok-safetensors.h"
#include "grok-config-settings.h"
#include "grok-task.h"

struct _GrokRunDir
{
  char         *path;
  char         *metrics_path;
  GrokConfig   *config;
  GrokMetrics  *metrics;       /* the rows read (create: none); NULL until first asked for */
  GPtrArray    *lines;         /* the raw text of those rows, for an exact rewrite */
  char         *header;        /* metrics.csv's first line, with its newline */
  GArray       *on_disk;       /* gint64 steps of the checkpoint files, ascending */
  GArray       *checkpoints;   /* the valid ones among them, once all_checked */
  gboolean      all_checked;
  GHashTable   *refused;       /* gint64 * step -> char * why, for the files found invalid */
  GrokParams   *layout;        /* the model config.json builds, once needed */
  int           fd;            /* the folder, by which every file in it is opened */
  int           checkpoints_fd; /* checkpoints/, or -1 when there is none */
  int           views_fd;      /* views/, or -1 until needed */
  gboolean      views_refused; /* views/ is a link or no folder: reported once */
  int           lock_fd;       /* the writer's lock, or -1 */
  GPtrArray    *problems;      /* char *, NULL-terminated */
  char         *metrics_damage; /* why metrics.csv cannot be rewritten without loss, or NULL */
  GrokAppender *appender;      /* NULL until created or prepared for continuing */
  GrokViewsWriter *views;     /* its views files' worker, made at the first checkpoint */
  gboolean      noted_unchecked; /* a file without a data checksum was named once */
  GrokFourierCache *fourier_cache; /* what the Fourier view computed of its checkpoints */
};

static gboolean
io_error (GError **error, const char *path, const char *doing, int errsv)
{
  g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot %s %s: %s", doing, path,
               g_strerror (errsv));
  return FALSE;
}

/* a file of the run, named in the descriptor of the folder that holds it */
typedef struct
{
  GrokFileAt at;
  char      *name;
  char      *shown;
} RunFile;

static void
run_file_clear (RunFile *f)
{
  g_free (f->name);
  g_free (f->shown);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunFile, run_file_clear)

static void
run_file (GrokRunDir *dir, GrokRunFile file, gint64 step, RunFile *f)
{
  int dfd = file == GROK_RUN_FILE_CHECKPOINT ? dir->checkpoints_fd
            : file == GROK_RUN_FILE_VIEWS    ? dir->views_fd
                                             : dir->fd;

  f->name = file == GROK_RUN_FILE_CHECKPOINT || file == GROK_RUN_FILE_VIEWS
              ? grok_checkpoint_filename (step) : g_strdup (grok_run_file_name (file));
  f->shown = grok_run_file_path (dir->path, file, step);
  f->at = (GrokFileAt) { dfd, f->name, f->shown };
}

/* TRUE when the folder dfd has something called name (a link counts, and is not followed) */
static gboolean
has_entry (int dfd, const char *name)
{
  struct stat st;

  return dfd >= 0 && fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static GrokRunDir *
run_dir_new (const char *path)
{
  GrokRunDir *dir = g_new0 (GrokRunDir, 1);

  dir->path = g_strdup (path);
  dir->metrics_path = grok_run_file_path (path, GROK_RUN_FILE_METRICS, 0);
  dir->lines = g_ptr_array_new_with_free_func (g_free);
  dir->on_disk = g_array_new (FALSE, FALSE, sizeof (gint64));
  dir->checkpoints = g_array_new (FALSE, FALSE, sizeof (gint64));
  dir->refused = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  dir->fd = dir->checkpoints_fd = dir->views_fd = dir->lock_fd = -1;
  dir->problems = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (dir->problems, NULL);
  dir->fourier_cache = grok_fourier_cache_new ();
  return dir;
}

static void
add_problem (GrokRunDir *dir, char *message)
{
  g_ptr_array_insert (dir->problems, dir->problems->len - 1, message);
}

/* files written before checkpoints and views files carried a checksum of their data are read
 * without that check: said once per folder, naming the first met, not once per file read */
static void
note_unchecked (GrokRunDir *dir, const char *path)
{
  if (dir->noted_unchecked)
    return;
  dir->noted_unchecked = TRUE;
  add_problem (dir, g_strdup_printf ("note: %s carries no checksum of its data (written by an "
                                     "older Grokscope); it and other such files of %s are read "
                                     "without that check", path, dir->path));
}

/* an empty folder, or a run folder we may replace, locked for this writer */
static gboolean
prepare_folder (GrokRunDir *dir, gboolean overwrite, GError **error)
{
  if (!grok_mkdir_p (dir->path, error))
    return FALSE;
  dir->fd = grok_run_dir_open_fd (dir->path, error);
  if (dir->fd < 0 ||
      !(overwrite ? grok_run_dir_check_replaceable_fd (dir->fd, dir->path, error)
                  : grok_run_dir_check_empty (dir->fd, dir->path, error)))
    return FALSE;
  dir->lock_fd = grok_run_dir_take_lock (dir->fd, dir->path, error);
  if (dir->lock_fd < 0)
    return FALSE;
  /* the marker first: a writer stopped at any later instant leaves a folder known as a run's,
   * which --force may replace */
  if (!grok_run_dir_write_marker (dir->fd, dir->path, error) ||
      (overwrite && !grok_run_dir_remove_files_fd (dir->fd, dir->path, FALSE, error)))
    return FALSE;
  dir->checkpoints_fd = grok_run_dir_open_subfolder (dir->fd, dir->path,
                                                     GROK_RUN_FILE_CHECKPOINTS, TRUE, error);
  return dir->checkpoints_fd >= 0;
}

static gboolean
write_config (GrokRunDir *dir, const GrokConfig *config, GError **error)
{
  g_auto (RunFile) f = { 0 };
  g_autofree char *text = grok_config_to_string (config);

  run_file (dir, GROK_RUN_FILE_CONFIG, 0, &f);
  return grok_file_write_atomic_at (&f.at, text, strlen (text), error);
}

GrokRunDir *
grok_run_dir_create (const char *path, const GrokConfig *config, const GrokMetrics *metrics,
                     gboolean overwrite, GError **error)
{
  g_autoptr (GrokRunDir) dir = NULL;
  g_auto (RunFile) f = { 0 };

  g_return_val_if_fail (path != NULL && config != NULL && metrics != NULL, NULL);

  dir = run_dir_new (path);
  if (!prepare_folder (dir, overwrite, error))
    return NULL;
  dir->all_checked = TRUE;
  dir->config = grok_config_copy (config);
  dir->metrics = grok_metrics_copy (metrics);
  dir->header = grok_metrics_format_header (metrics);
  /* metrics.csv first: a folder with config.json always has a metrics header */
  run_file (dir, GROK_RUN_FILE_METRICS, 0, &f);
  dir->appender = grok_appender_open_at (&f.at, error);
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

static void read_metrics (GrokRunDir *dir);
static void check_all (GrokRunDir *dir);

const GrokMetrics *
grok_run_dir_get_metrics (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  if (dir->metrics == NULL)
    read_metrics (dir);
  return dir->metrics;
}

GArray *
grok_run_dir_get_checkpoints (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  check_all (dir);
  return dir->checkpoints;
}

GArray *
grok_run_dir_list_checkpoints (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->on_disk;
}

GArray *
grok_run_dir_scan_checkpoints (GrokRunDir *dir)
{
  g_autofree char *shown = NULL;
  GArray *steps;

  g_return_val_if_fail (dir != NULL, NULL);
  if (dir->checkpoints_fd < 0)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  shown = grok_run_file_path (dir->path, GROK_RUN_FILE_CHECKPOINTS, 0);
  steps = grok_checkpoints_list_fd (dir->checkpoints_fd, shown, NULL);
  return steps != NULL ? steps : g_array_new (FALSE, FALSE, sizeof (gint64));
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
  g_return_val_if_fail (dir != NULL, NULL);
  return grok_run_file_path (dir->path, GROK_RUN_FILE_CHECKPOINT, step);
}

char *
grok_run_dir_checkpoint_id (GrokRunDir *dir, gint64 step)
{
  g_autofree char *name = NULL;
  struct stat st;

  g_return_val_if_fail (dir != NULL, NULL);
  name = grok_checkpoint_filename (step);
  if (dir->checkpoints_fd < 0 ||
      fstatat (dir->checkpoints_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
    return NULL;
  /* a checkpoint is replaced by renaming a new file over it: another inode, and times and
   * size that a change in place moves too */
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", step,
                          (uintmax_t) st.st_dev, (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                          (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                          (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

GrokFourierCache *
grok_run_dir_get_fourier_cache (GrokRunDir *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return dir->fourier_cache;
}

void
grok_run_dir_close (GrokRunDir *dir)
{
  if (dir == NULL)
    return;
  grok_views_writer_free (dir->views);
  grok_appender_free (dir->appender);
  if (dir->views_fd >= 0)
    close (dir->views_fd);
  if (dir->checkpoints_fd >= 0)
    close (dir->checkpoints_fd);
  if (dir->fd >= 0)
    close (dir->fd);
  /* the lock goes last: the writer is done with every file */
  if (dir->lock_fd >= 0)
    close (dir->lock_fd);
  grok_config_unref (dir->config);
  grok_metrics_unref (dir->metrics);
  grok_params_unref (dir->layout);
  g_ptr_array_unref (dir->lines);
  g_array_unref (dir->on_disk);
  g_array_unref (dir->checkpoints);
  g_hash_table_unref (dir->refused);
  g_ptr_array_unref (dir->problems);
  grok_fourier_cache_free (dir->fourier_cache);
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
  g_auto (RunFile) f = { 0 };
  g_autoptr (GrokMetricsRead) read = NULL;

  run_file (dir, GROK_RUN_FILE_METRICS, 0, &f);
  read = grok_metrics_read_at (&f.at, &local);
  if (read == NULL)
    {
      add_problem (dir, g_strdup_printf ("%s; the file's rows are ignored", local->message));
      if (has_entry (dir->fd, f.name))
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

gboolean
grok_run_dir_check_memory (GrokRunDir *dir, GError **error)
{
  g_autofree char *config_path = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);
  if (grok_config_check_memory (dir->config, error))
    return TRUE;
  config_path = grok_run_file_path (dir->path, GROK_RUN_FILE_CONFIG, 0);
  g_prefix_error (error, "%s: ", config_path);
  return FALSE;
}

/* the model config.json builds, with one example's buffers: what a checkpoint must hold; NULL
 * when the machine has not the memory the config needs */
static const GrokParams *
model_layout (GrokRunDir *dir, GError **error)
{
  if (dir->layout == NULL)
    {
      if (!grok_run_dir_check_memory (dir, error))
        return NULL;
      g_autoptr (GrokDataset) dataset = grok_dataset_new (&dir->config->task);
      g_autoptr (GrokModel) model = grok_config_new_model (dir->config, dataset, 1);
      dir->layout = grok_params_copy (model->params);
    }
  return dir->layout;
}

/* the rule of a valid checkpoint (see grok_run_dir_read_model) */
static GrokParams *
read_valid (GrokRunDir *dir, const GrokFileAt *at, gint64 step, GError **error)
{
  g_autoptr (GHashTable) meta = NULL;
  g_autoptr (GrokParams) file = NULL;
  g_autoptr (GrokParams) model = NULL;
  const char *path = at->shown;
  /* the config's model is checked against the memory available before any file is read */
  const GrokParams *layout = model_layout (dir, error);
  const char *text;
  gint64 saved;

  if (layout == NULL)
    return NULL;
  file = grok_params_read_at (at, &meta, error);
  if (file == NULL)
    return NULL;
  text = g_hash_table_lookup (meta, "step");
  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &saved, NULL) ||
      saved != step)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s: its metadata 'step' is %s%s%s, "
                   "not the step %" G_GINT64_FORMAT " of its name", path, text ? "'" : "",
                   text ? text : "missing", text ? "'" : "", step);
      return NULL;
    }
  if (!g_hash_table_contains (meta, GROK_SAFETENSORS_CHECKSUM_KEY))
    note_unchecked (dir, path);
  model = grok_params_copy (layout);
  for (int i = 0; i < model->n_tensors; i++)
    {
      g_autofree char *problem = NULL;
      int j = grok_params_find_like (file, "", &model->tensors[i], &problem);
      if (j < 0)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s does not fit the run's "
                       "config.json: %s", path, problem);
          return NULL;
        }
      memcpy (grok_params_tensor_data (model, i), grok_params_tensor_data (file, j),
              model->tensors[i].numel * sizeof (float));
    }
  return g_steal_pointer (&model);
}

GrokParams *
grok_run_dir_read_model (GrokRunDir *dir, gint64 step, GError **error)
{
  g_auto (RunFile) f = { 0 };
  g_autoptr (GError) local = NULL;
  GrokParams *model;

  g_return_val_if_fail (dir != NULL, NULL);
  run_file (dir, GROK_RUN_FILE_CHECKPOINT, step, &f);
  model = read_valid (dir, &f.at, step, &local);
  if (model != NULL)
    return model;
  /* a file thinned away by the writer since it was listed is not damage, and neither is a
   * config too large for the machine (GROK_ERROR_CONFIG) */
  if (has_entry (dir->checkpoints_fd, f.name) && !g_hash_table_contains (dir->refused, &step) &&
      !g_error_matches (local, GROK_ERROR, GROK_ERROR_CONFIG))
    {
      g_hash_table_insert (dir->refused, g_memdup2 (&step, sizeof step),
                           g_strdup (local->message));
      add_problem (dir, g_strdup_printf ("checkpoint skipped: %s", local->message));
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

gint64
grok_checkpoint_steps_at (const GArray *steps, gint64 step)
{
  gint64 best = -1;

  g_return_val_if_fail (steps != NULL, -1);
  for (guint i = 0; i < steps->len; i++)
    if (step < 0 || g_array_index (steps, gint64, i) <= step)
      best = g_array_index (steps, gint64, i);
  return best;
}

GrokParams *
grok_run_dir_read_model_at (GrokRunDir *dir, gint64 step, gint64 *found, GError **error)
{
  gint64 limit = step;
  guint passed = 0;

  g_return_val_if_fail (dir != NULL && found != NULL, NULL);
  for (gint64 s; (s = grok_checkpoint_steps_at (dir->on_disk, limit)) >= 0; limit = s - 1)
    {
      g_autoptr (GError) local = NULL;
      GrokParams *model = grok_run_dir_read_model (dir, s, &local);
      if (model != NULL)
        {
          *found = s;
          return model;
        }
      if (g_error_matches (local, GROK_ERROR, GROK_ERROR_CONFIG))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      passed++;
      if (s == 0)
        break;
    }
  if (step < 0)
    g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s has no valid checkpoint (%u checkpoint "
                 "files, %u of them damaged)", dir->path, dir->on_disk->len, passed);
  else
    g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s has no valid checkpoint at or before "
                 "step %" G_GINT64_FORMAT " (%u checkpoint files, %u of them at or before it "
                 "damaged)", dir->path, step, dir->on_disk->len, passed);
  return NULL;
}

/* every checkpoint file checked once: the valid ones listed, the others reported */
static void
check_all (GrokRunDir *dir)
{
  if (dir->all_checked)
    return;
  dir->all_checked = TRUE;
  for (guint i = 0; i < dir->on_disk->len; i++)
    {
      gint64 step = g_array_index (dir->on_disk, gint64, i);
      g_autoptr (GrokParams) model = grok_run_dir_read_model (dir, step, NULL);
      if (model != NULL)
        g_array_append_val (dir->checkpoints, step);
    }
}

/* views/, opened at its first use (a writer creates it with create); a link or anything but a
 * folder there is an error, and for a reader a problem reported once */
static gboolean
open_views_folder (GrokRunDir *dir, gboolean create, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (dir->views_fd >= 0)
    return TRUE;
  dir->views_fd = grok_run_dir_open_subfolder (dir->fd, dir->path, GROK_RUN_FILE_VIEWS_FOLDER,
                                               create, &local);
  if (local != NULL && !create && !dir->views_refused)
    {
      dir->views_refused = TRUE;
      add_problem (dir, g_strdup_printf ("%s; the views are computed from the checkpoints "
                                         "instead", local->message));
    }
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return dir->views_fd >= 0;
}

GrokViews *
grok_run_dir_read_views (GrokRunDir *dir, gint64 step, const GrokParams *params)
{
  g_auto (RunFile) f = { 0 };
  g_autoptr (GError) error = NULL;
  GrokViewSettings settings;
  GrokViews *views;

  g_return_val_if_fail (dir != NULL && params != NULL, NULL);
  if (!open_views_folder (dir, FALSE, NULL))
    return NULL;
  run_file (dir, GROK_RUN_FILE_VIEWS, step, &f);
  settings = grok_config_view_settings (dir->config);
  views = grok_views_load_at (&f.at, step, &settings, params, &error);
  if (error != NULL)
    add_problem (dir, g_strdup_printf ("%s; the view is computed from the checkpoint instead",
                                       error->message));
  if (views != NULL && views->unchecked)
    note_unchecked (dir, f.at.shown);
  return views;
}

/* a run folder a writer was stopped in while creating it: its marker, and no config.json */
static gboolean
half_made_fd (int fd)
{
  return !has_entry (fd, grok_run_file_name (GROK_RUN_FILE_CONFIG)) && grok_run_dir_has_marker (fd);
}

/* the run folder fd (taken) at path, read */
static GrokRunDir *
open_folder (const char *path, int fd, GError **error)
{
  g_autoptr (GrokRunDir) dir = run_dir_new (path);
  g_auto (RunFile) config = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (GArray) steps = NULL;

  dir->fd = fd;
  run_file (dir, GROK_RUN_FILE_CONFIG, 0, &config);
  if (half_made_fd (dir->fd))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "%s was left half-made by a writer that "
                   "was stopped while creating it (it has no config.json): replace it with "
                   "train --force, or remove it", path);
      return NULL;
    }
  dir->config = grok_config_load_at (&config.at, error);
  if (dir->config == NULL)
    return NULL;
  dir->checkpoints_fd = grok_run_dir_open_subfolder (dir->fd, path, GROK_RUN_FILE_CHECKPOINTS,
                                                     FALSE, &local);
  if (local != NULL)
    add_problem (dir, g_strdup_printf ("%s; no checkpoint of it is read", local->message));
  else if (dir->checkpoints_fd >= 0)
    {
      g_autofree char *shown = grok_run_file_path (path, GROK_RUN_FILE_CHECKPOINTS, 0);
      steps = grok_checkpoints_list_fd (dir->checkpoints_fd, shown, &local);
      if (steps == NULL)
        add_problem (dir, g_strdup (local->message));
      else
        g_array_append_vals (dir->on_disk, steps->data, steps->len);
    }
  return g_steal_pointer (&dir);
}

GrokRunDir *
grok_run_dir_open (const char *path, GError **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  fd = grok_run_dir_open_fd (path, error);
  return fd >= 0 ? open_folder (path, fd, error) : NULL;
}

gboolean
grok_run_dir_is_half_made (const char *path)
{
  gboolean half;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  fd = grok_run_dir_open_fd (path, NULL);
  if (fd < 0)
    return FALSE;
  half = half_made_fd (fd);
  close (fd);
  return half;
}

/* a folder opened writable: no link where its files belong, its checkpoints folder made, and
 * the marker of a run made before there was one */
static gboolean
prepare_writable (GrokRunDir *dir, GError **error)
{
  if (!grok_run_dir_check_links (dir->fd, dir->path, error))
    return FALSE;
  if (dir->checkpoints_fd < 0)
    dir->checkpoints_fd = grok_run_dir_open_subfolder (dir->fd, dir->path,
                                                       GROK_RUN_FILE_CHECKPOINTS, TRUE, error);
  return dir->checkpoints_fd >= 0 &&
         (grok_run_dir_has_marker (dir->fd) ||
          grok_run_dir_write_marker (dir->fd, dir->path, error));
}

GrokRunDir *
grok_run_dir_open_writable (const char *path, GError **error)
{
  g_autoptr (GrokRunDir) dir = NULL;
  struct stat st;
  int fd, lock;

  g_return_val_if_fail (path != NULL, NULL);
  fd = grok_run_dir_open_fd (path, error);
  if (fd < 0)
    return NULL;
  if (!grok_run_dir_check_links (fd, path, error))
    {
      close (fd);
      return NULL;
    }
  /* no lock file goes into a folder that is not a run's: reading it says what is wrong */
  if (fstatat (fd, grok_run_file_name (GROK_RUN_FILE_CONFIG), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG (st.st_mode))
    return open_folder (path, fd, error);
  lock = grok_run_dir_take_lock (fd, path, error);
  if (lock < 0)
    {
      close (fd);
      return NULL;
    }
  grok_run_dir_remove_stale_temps (fd);
  dir = open_folder (path, fd, error);
  if (dir == NULL)
    {
      close (lock);
      return NULL;
    }
  dir->lock_fd = lock;
  if (!prepare_writable (dir, error))
    return NULL;
  return g_steal_pointer (&dir);
}

gboolean
grok_run_dir_load_trainer (GrokRunDir *dir, gint64 step, GrokTrainer *trainer, GError **error)
{
  g_auto (RunFile) f = { 0 };

  g_return_val_if_fail (dir != NULL && trainer != NULL, FALSE);
  run_file (dir, GROK_RUN_FILE_CHECKPOINT, step, &f);
  return grok_trainer_load_at (trainer, &f.at, error);
}

static void
remove_step (GArray *steps, gint64 step)
{
  for (guint k = 0; k < steps->len; k++)
    if (g_array_index (steps, gint64, k) == step)
      g_array_remove_index (steps, k--);
}

/* a checkpoint and its views file */
static gboolean
remove_checkpoint (GrokRunDir *dir, gint64 step, GError **error)
{
  g_auto (RunFile) checkpoint = { 0 };
  g_auto (RunFile) views = { 0 };

  run_file (dir, GROK_RUN_FILE_CHECKPOINT, step, &checkpoint);
  if (unlinkat (dir->checkpoints_fd, checkpoint.name, 0) != 0 && errno != ENOENT)
    return io_error (error, checkpoint.shown, "remove", errno);
  /* a link is removed, never followed */
  if (open_views_folder (dir, FALSE, NULL))
    {
      run_file (dir, GROK_RUN_FILE_VIEWS, step, &views);
      if (unlinkat (dir->views_fd, views.name, 0) != 0 && errno != ENOENT)
        return io_error (error, views.shown, "remove", errno);
    }
  remove_step (dir->checkpoints, step);
  remove_step (dir->on_disk, step);
  return TRUE;
}

/* the refused checkpoint files after step stop the continuation: they are a person's to judge,
 * never deleted here */
static gboolean
check_none_refused_after (GrokRunDir *dir, gint64 step, GError **error)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < dir->on_disk->len; i++)
    {
      gint64 s = g_array_index (dir->on_disk, gint64, i);
      const char *why = g_hash_table_lookup (dir->refused, &s);
      if (s > step && why != NULL)
        g_string_append_printf (names, "%s%s", names->len ? "; " : "", why);
    }
  if (names->len == 0)
    return TRUE;
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
               "cannot continue %s: newer checkpoints than its last valid one (step %"
               G_GINT64_FORMAT ") are damaged: %s. Nothing was changed. To continue from step %"
               G_GINT64_FORMAT " (training the later steps again), move those files out of the "
               "checkpoints folder, then resume again", dir->path, step, names->str, step);
  return FALSE;
}

/* the valid checkpoints after step: continuing from step writes them again */
static gboolean
remove_later_checkpoints (GrokRunDir *dir, gint64 step, GError **error)
{
  while (dir->checkpoints->len > 0 &&
         g_array_index (dir->checkpoints, gint64, dir->checkpoints->len - 1) > step)
    if (!remove_checkpoint (dir, g_array_index (dir->checkpoints, gint64,
                                                dir->checkpoints->len - 1), error))
      return FALSE;
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
  g_auto (RunFile) f = { 0 };
  guint n = 0;

  while (col >= 0 && n < dir->metrics->n_rows && grok_metrics_get (dir->metrics, n, col) <= step)
    g_string_append (text, dir->lines->pdata[n++]);
  run_file (dir, GROK_RUN_FILE_METRICS, 0, &f);
  if (!grok_file_write_atomic_at (&f.at, text->str, text->len, error))
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
  g_auto (RunFile) f = { 0 };

  g_return_val_if_fail (dir != NULL && config != NULL && dir->appender == NULL, FALSE);
  g_return_val_if_fail (dir->lock_fd >= 0, FALSE);

  check_all (dir);
  grok_run_dir_get_metrics (dir);
  /* later checkpoints go before the rows they need: a crash in between must not leave a
   * checkpoint whose rows are gone */
  if (!check_metrics_rewritable (dir, error) || !check_none_refused_after (dir, step, error) ||
      !remove_later_checkpoints (dir, step, error) || !truncate_metrics (dir, step, error) ||
      !write_config (dir, config, error))
    return FALSE;
  grok_config_unref (dir->config);
  dir->config = grok_config_copy (config);
  run_file (dir, GROK_RUN_FILE_METRICS, 0, &f);
  dir->appender = grok_appender_open_at (&f.at, error);
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
  g_auto (RunFile) checkpoint = { 0 };
  g_autoptr (GArray) doomed = NULL;

  g_return_val_if_fail (dir != NULL && dir->appender != NULL && trainer != NULL, FALSE);

  /* the rows up to this step become durable before the checkpoint that continues after them */
  if (!grok_appender_sync (dir->appender, error))
    return FALSE;
  run_file (dir, GROK_RUN_FILE_CHECKPOINT, trainer->step, &checkpoint);
  if (!grok_trainer_save_at (trainer, &checkpoint.at, error))
    return FALSE;
  if (trainer->config->checkpoints.views)
    {
      g_auto (RunFile) views = { 0 };
      GrokViewSettings settings = grok_config_view_settings (trainer->config);

      if (!open_views_folder (dir, TRUE, error))
        return FALSE;
      run_file (dir, GROK_RUN_FILE_VIEWS, trainer->step, &views);
      if (dir->views == NULL)
        dir->views = grok_views_writer_new ();
      grok_views_writer_push (dir->views, &settings, trainer->model->params, trainer->step,
                              &views.at, &checkpoint.at);
    }
  insert_step (dir->checkpoints, trainer->step);
  insert_step (dir->on_disk, trainer->step);
  doomed = grok_checkpoints_to_thin (dir->checkpoints, trainer->config->checkpoints.keep);
  for (guint i = 0; i < doomed->len; i++)
    if (!remove_checkpoint (dir, g_array_index (doomed, gint64, i), error))
      return FALSE;
  return TRUE;
}
