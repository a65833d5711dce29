/* How long the Fourier view of a run folder takes when asked for again through the same open
 * folder, as the window asks on every move of the step slider: reading the checkpoints, then
 * computing the data with the folder's cache of norms and losses and without it. Prints,
 * asserts nothing. Run directly: bench-fourier RUN_DIR [STEP] (STEP: the step shown, the
 * newest checkpoint's when left out). */
#include <stdio.h>

#include "grok-config-settings.h"
#include "grok-run-dir.h"
#include "grok-run-views.h"
#include "grok-view-data.h"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1e3;
}

/* one request: fill the input from the folder, then compute; the milliseconds of each */
static void
request (GrokRunDir *dir, const GrokParams *params, gint64 step, gboolean use_cache,
         double *fill_ms, double *compute_ms)
{
  g_auto (GrokViewInput) input = { 0 };
  g_autoptr (GrokViewData) data = NULL;
  g_autoptr (GError) error = NULL;
  double t0 = now_ms (), t1;

  grok_config_view_input_init (&input, grok_run_dir_get_config (dir), params, step);
  grok_run_dir_fill_view_input (dir, GROK_VIEW_FOURIER, NULL, &input);
  if (!use_cache)
    input.fourier_cache = NULL;
  t1 = now_ms ();
  data = grok_view_data_new (GROK_VIEW_FOURIER, &input, NULL, &error);
  if (data == NULL)
    g_error ("%s", error->message);
  *fill_ms = t1 - t0;
  *compute_ms = now_ms () - t1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) dir = NULL;
  g_autoptr (GrokParams) params = NULL;
  gint64 step = argc > 2 ? g_ascii_strtoll (argv[2], NULL, 10) : -1;
  static const char *names[] = { "without cache", "first (fills the cache)", "second (cached)",
                                 "third (cached)" };

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s RUN_DIR [STEP]\n", argv[0]);
      return 2;
    }
  dir = grok_run_dir_open (argv[1], &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  params = grok_run_dir_read_model_at (dir, step, &step, &error);
  if (params == NULL)
    g_error ("%s", error->message);
  printf ("Fourier view of %s at step %" G_GINT64_FORMAT ", ms\n", argv[1], step);
  for (int i = 0; i < 4; i++)
    {
      double fill, compute;
      request (dir, params, step, i > 0, &fill, &compute);
      printf ("%-24s read %8.1f  compute %8.1f  total %8.1f\n", names[i], fill, compute,
              fill + compute);
    }
  return 0;
}
