/* How the app behaves while it trains: the longest stall of the main loop, frame intervals
 * while the curves redraw every frame, and training steps/s with the window open against the
 * same training headless. Run under a display (xvfb-run); prints figures, asserts nothing.
 *
 *   bench-gui [PRESET] [SECONDS]      (default: quick, 15) */
#include <adwaita.h>
#include <math.h>
#include <stdio.h>

#include "grok-presets.h"
#include "grok-run.h"
#include "grok-trainer.h"
#include "grok-window-private.h"
#include "gui-helpers.h"

/* the same run as the window starts (the preset with its measures, on the thread count the
 * window uses), trained headless through GrokRun for the given time */
static double
headless_steps_per_second (const char *preset, double seconds, gboolean like_window)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GrokSnapshot) first = NULL, last = NULL;
  gint64 t0, t1;

  if (like_window && config->train.threads == 0 && g_get_num_processors () > 1)
    config->train.threads = g_get_num_processors () - 1;
  config->train.steps = G_MAXINT32;
  run = grok_run_new (config, NULL, FALSE, NULL);
  grok_run_start (run);
  /* from the first step on, as the window's figure is taken */
  do
    {
      g_clear_pointer (&first, grok_snapshot_unref);
      first = grok_run_dup_snapshot (run);
      g_usleep (1000);
    }
  while (first->train_step == 0);
  t0 = g_get_monotonic_time ();
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  last = grok_run_dup_snapshot (run);
  t1 = g_get_monotonic_time ();
  grok_run_stop (run);
  return (last->train_step - first->train_step) / ((t1 - t0) / 1e6);
}

typedef struct
{
  gint64  last_tick;
  gint64  max_stall;
  GArray *frames;      /* gint64 frame times, microseconds */
  gint64  last_frame;
} Probe;

static gboolean
on_tick (gpointer data)
{
  Probe *p = data;
  gint64 now = g_get_monotonic_time ();

  if (p->last_tick > 0)
    p->max_stall = MAX (p->max_stall, now - p->last_tick);
  p->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
on_after_paint (GdkFrameClock *clock, Probe *p)
{
  gint64 now = g_get_monotonic_time ();

  if (p->last_frame > 0)
    {
      gint64 dt = now - p->last_frame;
      g_array_append_val (p->frames, dt);
    }
  p->last_frame = now;
}

static gboolean
redraw_every_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const char *preset = argc > 1 ? argv[1] : "quick";
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 15;
  g_autoptr (AdwApplication) app = NULL;
  GrokWindow *window;
  Probe probe = { 0 };
  gint64 start, end, step0 = -1, t0 = 0, step1 = 0, t1 = 0;
  double headless, headless_all, windowed, p50, p99;
  guint timeout_id;

  gtk_init ();
  adw_init ();
  /* the window trains on all cores but one unless the preset sets a count; the CLI as the
   * preset says */
  headless = headless_steps_per_second (preset, seconds, TRUE);
  headless_all = headless_steps_per_second (preset, seconds, FALSE);

  app = adw_application_new ("org.grokscope.GuiBench", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  choose_preset (GTK_WIDGET (window), preset);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  probe.frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_add_tick_callback (grok_window_get_curves_area (window), redraw_every_frame, NULL, NULL);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (on_after_paint), &probe);
  timeout_id = g_timeout_add (1, on_tick, &probe);

  gtk_widget_activate (find_button (GTK_WIDGET (window), "win.train"));
  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      GrokSnapshot *s;
      g_main_context_iteration (NULL, TRUE);
      s = grok_window_get_snapshot (window);
      /* measure from the first snapshot on, so that start-up does not count */
      if (s != NULL && s->train_step > 0 && step0 < 0)
        {
          step0 = s->train_step;
          t0 = g_get_monotonic_time ();
          probe.max_stall = 0;
          g_array_set_size (probe.frames, 0);
        }
      if (s != NULL && step0 >= 0)
        {
          step1 = s->train_step;
          t1 = g_get_monotonic_time ();
        }
    }
  g_source_remove (timeout_id);
  windowed = t1 > t0 ? (step1 - step0) / ((t1 - t0) / 1e6) : 0;

  g_array_sort (probe.frames, compare_gint64);
  p50 = probe.frames->len ? g_array_index (probe.frames, gint64, probe.frames->len / 2) / 1e3 : NAN;
  p99 = probe.frames->len ? g_array_index (probe.frames, gint64, (guint) (probe.frames->len * 0.99)) / 1e3 : NAN;
  printf ("preset %s, %.0f s each\n", preset, seconds);
  printf ("  longest main-loop stall: %.1f ms\n", probe.max_stall / 1e3);
  printf ("  frames while training: %u, interval p50 %.1f ms, p99 %.1f ms\n", probe.frames->len, p50, p99);
  printf ("  steps/s headless, as the CLI runs it:  %.1f\n", headless_all);
  printf ("  steps/s headless, as the window runs it: %.1f\n", headless);
  printf ("  steps/s with the window open:          %.1f\n", windowed);
  printf ("  ratio window / CLI: %.2f; window / headless at the same thread count: %.2f\n",
          windowed / headless_all, windowed / headless);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (probe.frames);
  return 0;
}
