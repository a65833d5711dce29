/* How the app behaves while it trains: the longest stall of the main loop, the time each frame
 * takes to update, lay out and paint the window, the intervals between frames, and training
 * steps/s with the window open against the same training headless. The window picks its
 * renderer as the app does. Run under a display (xvfb-run); prints figures, asserts nothing.
 *
 *   bench-gui [PRESET] [SECONDS] [--view PAGE] [--redraw-every-frame]
 *
 * Defaults: quick, 15 s, the curves page, redrawn as snapshots arrive (as in the app);
 * --redraw-every-frame makes the curves redraw on every frame as well, the worst case.
 * BENCH_VERBOSE=1 in the environment prints each frame and stall over 16 ms as it happens. */
#include <adwaita.h>
#include <math.h>
#include <stdio.h>

#include "grok-presets.h"
#include "grok-renderer.h"
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
  GArray *intervals;   /* gint64 times between frames, microseconds */
  GArray *work;        /* gint64 time from before-paint to after-paint, microseconds */
  gint64  last_frame;
  gint64  paint_start;
} Probe;

static gboolean
on_tick (gpointer data)
{
  Probe *p = data;
  gint64 now = g_get_monotonic_time ();

  if (p->last_tick > 0)
    p->max_stall = MAX (p->max_stall, now - p->last_tick);
  if (p->last_tick > 0 && now - p->last_tick > 16000 && g_getenv ("BENCH_VERBOSE"))
    fprintf (stderr, "stall %.1f ms at %.3f s\n", (now - p->last_tick) / 1e3, now / 1e6);
  p->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
on_before_paint (GdkFrameClock *clock, Probe *p)
{
  p->paint_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, Probe *p)
{
  gint64 now = g_get_monotonic_time ();

  if (p->last_frame > 0)
    {
      gint64 dt = now - p->last_frame;
      g_array_append_val (p->intervals, dt);
    }
  if (p->paint_start > 0)
    {
      gint64 dt = now - p->paint_start;
      if (dt > 16000 && g_getenv ("BENCH_VERBOSE"))
        fprintf (stderr, "frame %.1f ms at %.3f s\n", dt / 1e3, now / 1e6);
      g_array_append_val (p->work, dt);
    }
  p->last_frame = now;
  p->paint_start = 0;
}

static gboolean
redraw_every_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
press_train (gpointer window)
{
  if (g_getenv ("BENCH_VERBOSE"))
    fprintf (stderr, "train pressed at %.3f s\n", g_get_monotonic_time () / 1e6);
  gtk_widget_activate (find_button (GTK_WIDGET (window), "win.train"));
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* the q-quantile of times in microseconds, in milliseconds */
static double
quantile_ms (GArray *times, double q)
{
  if (times->len == 0)
    return NAN;
  g_array_sort (times, compare_gint64);
  return g_array_index (times, gint64, MIN ((guint) (times->len * q), times->len - 1)) / 1e3;
}

int
main (int argc, char **argv)
{
  const char *preset = "quick", *page = "curves";
  double seconds = 15;
  gboolean every_frame = FALSE, chose_cairo = FALSE;
  int positional = 0;
  g_autoptr (AdwApplication) app = NULL;
  g_autofree char *gl = NULL;
  GrokWindow *window;
  Probe probe = { 0 };
  gint64 start, end, step0 = -1, t0 = 0, step1 = 0, t1 = 0;
  double headless, headless_all, windowed;
  guint timeout_id;
  GdkFrameClock *clock;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--redraw-every-frame"))
      every_frame = TRUE;
    else if (g_str_equal (argv[i], "--view") && i + 1 < argc)
      page = argv[++i];
    else if (positional++ == 0)
      preset = argv[i];
    else
      seconds = g_ascii_strtod (argv[i], NULL);

  gtk_init ();
  adw_init ();
  gl = grok_renderer_choose (gdk_display_get_default (), &chose_cairo);
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
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)), page);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  probe.intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  probe.work = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (every_frame)
    gtk_widget_add_tick_callback (grok_window_get_curves_area (window), redraw_every_frame, NULL, NULL);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &probe);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &probe);
  timeout_id = g_timeout_add (1, on_tick, &probe);

  /* Train is pressed from the main loop with the probe running, so that what pressing it
   * costs counts as a stall */
  g_timeout_add_once (200, press_train, window);
  start = g_get_monotonic_time ();
  end = start + (gint64) ((seconds + 0.2) * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      GrokSnapshot *s;
      g_main_context_iteration (NULL, TRUE);
      s = grok_window_get_snapshot (window);
      /* the rate from the first training step on, so that start-up does not count in it */
      if (s != NULL && s->train_step > 0 && step0 < 0)
        {
          step0 = s->train_step;
          t0 = g_get_monotonic_time ();
        }
      if (s != NULL && step0 >= 0)
        {
          step1 = s->train_step;
          t1 = g_get_monotonic_time ();
        }
    }
  g_source_remove (timeout_id);
  windowed = t1 > t0 ? (step1 - step0) / ((t1 - t0) / 1e6) : 0;

  printf ("preset %s, %.0f s each, page %s, %s\n", preset, seconds, page,
          every_frame ? "the curves redrawn every frame" : "redrawn as snapshots arrive");
  printf ("  renderer: %s (GL: %s%s)\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
          gl ? gl : "none", chose_cairo ? ", a software rasteriser" : "");
  printf ("  longest main-loop stall, from pressing Train: %.1f ms\n", probe.max_stall / 1e3);
  printf ("  frames while training: %u; frame time (update, layout, paint) p50 %.1f ms, "
          "p99 %.1f ms, max %.1f ms\n", probe.work->len, quantile_ms (probe.work, 0.5),
          quantile_ms (probe.work, 0.99), quantile_ms (probe.work, 1.0));
  printf ("  interval between frames p50 %.1f ms, p99 %.1f ms\n",
          quantile_ms (probe.intervals, 0.5), quantile_ms (probe.intervals, 0.99));
  printf ("  steps/s headless, as the CLI runs it:  %.1f\n", headless_all);
  printf ("  steps/s headless, as the window runs it: %.1f\n", headless);
  printf ("  steps/s with the window open:          %.1f\n", windowed);
  printf ("  ratio window / CLI: %.2f; window / headless at the same thread count: %.2f\n",
          windowed / headless_all, windowed / headless);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (probe.intervals);
  g_array_unref (probe.work);
  return 0;
}
