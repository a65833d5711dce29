/* The checkpoint schedule and the names of checkpoint files. */
#include "grok-checkpoints.h"

#include "grok-error.h"
#include "grok-run-dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "step-"
#define SUFFIX ".safetensors"

char *
grok_checkpoint_filename (gint64 step)
{
  g_return_val_if_fail (step >= 0, NULL);
  return g_strdup_printf (PREFIX "%08" G_GINT64_FORMAT SUFFIX, step);
}

/* TRUE when round(10^(k / per_decade)) == step for some integer k >= 0 */
static gboolean
is_log_step (gint64 step, int per_decade)
{
  double lo, hi;

  if (step < 1)
    return FALSE;
  /* round(x) == step exactly when step - 0.5 <= x < step + 0.5; scan the k whose 10^(k/d) can
   * land there, one either side to absorb rounding in log10 */
  lo = floor (per_decade * log10 (step - 0.5)) - 1;
  hi = ceil (per_decade * log10 (step + 0.5)) + 1;
  for (gint64 k = (gint64) MAX (lo, 0); k <= (gint64) hi; k++)
    {
      double v = round (pow (10.0, (double) k / per_decade));

      /* beyond 2^63 the value cannot be a gint64 step (and the cast would be undefined) */
      if (v >= 0x1p63)
        break;
      if ((gint64) v == step)
        return TRUE;
    }
  return FALSE;
}

gboolean
grok_checkpoint_is_scheduled (gint64 step, gint64 every, int per_decade)
{
  g_return_val_if_fail (step >= 0, FALSE);

  if (step == 0)
    return TRUE;
  if (every > 0 && step % every == 0)
    return TRUE;
  return per_decade > 0 && is_log_step (step, per_decade);
}

gint64
grok_checkpoint_step_of (const char *name)
{
  gsize len = strlen (name), n_digits;
  g_autofree char *digits = NULL;
  g_autofree char *canonical = NULL;
  guint64 step;

  if (!g_str_has_prefix (name, PREFIX) || !g_str_has_suffix (name, SUFFIX))
    return -1;
  /* the prefix and the suffix cannot overlap, so len is at least their sum */
  n_digits = len - strlen (PREFIX) - strlen (SUFFIX);
  if (n_digits < 8 || n_digits > 18)
    return -1;
  digits = g_strndup (name + strlen (PREFIX), n_digits);
  if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT64, &step, NULL))
    return -1;
  canonical = grok_checkpoint_filename ((gint64) step);
  return g_str_equal (canonical, name) ? (gint64) step : -1;
}

static int
compare_steps (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

GArray *
grok_checkpoints_list_fd (int fd, const char *shown, GError **error)
{
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* a descriptor of its own: closedir closes it */
  int own = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = own >= 0 ? fdopendir (own) : NULL;
  struct dirent *e;

  g_return_val_if_fail (shown != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dir == NULL)
    {
      int errsv = errno;
      if (own >= 0)
        close (own);
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot list the checkpoints in '%s': %s",
                   shown, g_strerror (errsv));
      return NULL;
    }
  while ((e = readdir (dir)) != NULL)
    {
      gint64 step = grok_checkpoint_step_of (e->d_name);
      if (step >= 0)
        g_array_append_val (steps, step);
    }
  closedir (dir);
  g_array_sort (steps, compare_steps);
  return g_steal_pointer (&steps);
}

GArray *
grok_checkpoints_list (const char *run_dir, GError **error)
{
  g_autofree char *dir_path = NULL;
  GArray *steps;
  int run_fd, fd, errsv;

  g_return_val_if_fail (run_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run_fd = open (run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (run_fd < 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO,
                   "Cannot list the checkpoints of '%s': it is not a folder. "
                   "Check the path of the run.", run_dir);
      return NULL;
    }
  dir_path = grok_run_file_path (run_dir, GROK_RUN_FILE_CHECKPOINTS, 0);
  fd = openat (run_fd, grok_run_file_name (GROK_RUN_FILE_CHECKPOINTS),
               O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  errsv = errno;
  close (run_fd);
  if (fd < 0 && errsv == ENOENT)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  if (fd < 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot list the checkpoints in '%s': %s",
                   dir_path, errsv == ELOOP || errsv == ENOTDIR
                               ? "it is a symbolic link or not a folder, and is not followed"
                               : g_strerror (errsv));
      return NULL;
    }
  steps = grok_checkpoints_list_fd (fd, dir_path, error);
  close (fd);
  return steps;
}
