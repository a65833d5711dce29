/* How the app behaves while it trains, preset by preset: the time each frame takes to update,
 * lay out and paint the window (wall time, and the main thread's own processor time in it), the
 * longest stall of the main loop, and training steps/s with the window open against the CLI's
 * (the preset trained headless through GrokRun as `grokscope-cli train` runs it) over the same
 * steps. Every preset is measured twice: alone, and beside a second process training on the
 * other core (`grokscope-cli train` with one thread). The window picks its renderer as the app
 * does. Run under a display (xvfb-run); prints figures and RATIO lines, asserts nothing.
 *
 *   bench-gui [PRESET...] [--seconds S] [--view PAGE] [--redraw-every-frame]
 *
 * Defaults: the presets in GROK_BENCH_GUI_PRESETS or every preset; S from
 * GROK_BENCH_GUI_SECONDS or 10 (the CLI trains S seconds and at least a few steps, the window
 * the same steps); the curves page, redrawn as snapshots arrive (as in the app);
 * --redraw-every-frame makes the curves redraw on every frame as well, the worst case. GROK_CLI
 * names the CLI for the second process. BENCH_VERBOSE=1 prints each frame and stall over 16 ms
 * as it happens. */
#include <adwaita.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>

#include "bench-helpers.h"
#include "grok-renderer.h"
#include "grok-run.h"
#include "grok-session.h"
#include "grok-window-private.h"
#include "gui-helpers.h"
#include "run-helpers.h"

/* the fewest steps the CLI's rate is taken over, given up to 20 times the time asked for */
#define MIN_STEPS 5

typedef struct
{
  gboolean on;
  gint64   last_tick;
  gint64   max_stall;
  GArray  *work;        /* gint64 time from before-paint to after-paint, microseconds */
  GArray  *cpu;         /* gint64 main-thread processor time in the same span, microseconds */
  gint64   paint_start, cpu_start;
} Probe;

typedef struct
{
  double cli_rate, window_rate;
  double p50, p99, max, cpu_p99, stall;   /* milliseconds */
  guint  frames;
} Figures;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* the preset as the CLI trains it, headless, for about the given time from its first step:
 * steps/s, and the last step it reached in *last_step */
static double
cli_steps_per_second (const char *preset, double seconds, gint64 *last_step)
{
  g_autoptr (GrokConfig) config = grok_preset_load (preset, NULL);
  g_autoptr (GrokRun) run = NULL;
  g_autoptr (GrokSnapshot) first = NULL, last = NULL;
  gint64 t0, t1;

  config->train.steps = G_MAXINT32;
  run = grok_run_new (config, NULL, FALSE, NULL);
  grok_run_start (run);
  do
    {
      g_clear_pointer (&first, grok_snapshot_unref);
      first = grok_run_dup_snapshot (run);
      g_usleep (1000);
    }
  while (first->train_step == 0);
  t0 = g_get_monotonic_time ();
  /* at least a few steps past the first, whose measures can take longer than the time given */
  do
    {
      g_clear_pointer (&last, grok_snapshot_unref);
      g_usleep (10000);
      last = grok_run_dup_snapshot (run);
      t1 = g_get_monotonic_time ();
    }
  while (t1 - t0 < seconds * G_USEC_PER_SEC ||
         (last->train_step - first->train_step < MIN_STEPS && t1 - t0 < 20 * seconds * G_USEC_PER_SEC));
  grok_run_stop (run);
  *last_step = last->train_step;
  return (last->train_step - first->train_step) / ((t1 - t0) / 1e6);
}

static gboolean
on_tick (gpointer data)
{
  Probe *p = data;
  gint64 now = g_get_monotonic_time ();

  if (p->on && p->last_tick > 0)
    p->max_stall = MAX (p->max_stall, now - p->last_tick);
  if (p->on && p->last_tick > 0 && now - p->last_tick > 16000 && g_getenv ("BENCH_VERBOSE"))
    fprintf (stderr, "stall %.1f ms at %.3f s\n", (now - p->last_tick) / 1e3, now / 1e6);
  p->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
on_before_paint (GdkFrameClock *clock, Probe *p)
{
  p->paint_start = g_get_monotonic_time ();
  p->cpu_start = thread_cpu_us ();
}

static void
on_after_paint (GdkFrameClock *clock, Probe *p)
{
  gint64 now = g_get_monotonic_time ();

  if (p->on && p->paint_start > 0)
    {
      gint64 dt = now - p->paint_start, cpu = thread_cpu_us () - p->cpu_start;
      if (dt > 16000 && g_getenv ("BENCH_VERBOSE"))
        fprintf (stderr, "frame %.1f ms (%.1f ms processor) at %.3f s\n", dt / 1e3, cpu / 1e3,
                 now / 1e6);
      g_array_append_val (p->work, dt);
      g_array_append_val (p->cpu, cpu);
    }
  p->paint_start = 0;
}

static gboolean
redraw_every_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
press (GtkWidget *window, const char *action)
{
  GtkWidget *button = find_button (window, action);

  if (g_getenv ("BENCH_VERBOSE"))
    fprintf (stderr, "%s pressed at %.3f s\n", action, g_get_monotonic_time () / 1e6);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
}

static void
press_train (gpointer window)
{
  press (window, "win.train");
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

/* dispatch the main loop until the window's run has reached last_step, or the time is up; the
 * steps/s from the first step on, so that start-up does not count in it: the steps the CLI made,
 * measures and all (early steps carry more of them) */
static double
window_steps_per_second (GrokWindow *window, gint64 last_step, double limit_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (limit_s * G_USEC_PER_SEC);
  gint64 step0 = -1, t0 = 0, step1 = 0, t1 = 0;

  while (g_get_monotonic_time () < end && (step0 < 0 || step1 < last_step))
    {
      GrokSnapshot *s;
      g_main_context_iteration (NULL, TRUE);
      s = grok_window_get_snapshot (window);
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
  return t1 > t0 ? (step1 - step0) / ((t1 - t0) / 1e6) : 0;
}

/* stop the window's run, wait for its thread to end, and clear the views */
static void
stop_and_reset (GrokWindow *window)
{
  GrokSession *session = grok_window_get_session (window);

  press (GTK_WIDGET (window), "win.stop");
  while (grok_session_get_live (session) || grok_session_get_preparing (session))
    g_main_context_iteration (NULL, TRUE);
  press (GTK_WIDGET (window), "win.reset");
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* the window trains the preset up to the step the CLI reached in `seconds`, with the probe on */
static void
measure_window (GrokWindow *window, Probe *probe, const char *preset, gint64 last_step,
                double seconds, Figures *f)
{
  choose_preset (GTK_WIDGET (window), preset);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_array_set_size (probe->work, 0);
  g_array_set_size (probe->cpu, 0);
  probe->max_stall = 0;
  probe->last_tick = 0;
  probe->on = TRUE;
  /* pressed from the main loop with the probe on, so that what pressing it costs counts */
  g_timeout_add_once (100, press_train, window);
  /* the preparation of the data (transformer presets) is not training time */
  f->window_rate = window_steps_per_second (window, MAX (last_step, 2), 3 * seconds + 60);
  probe->on = FALSE;
  f->frames = probe->work->len;
  f->p50 = quantile_ms (probe->work, 0.5);
  f->p99 = quantile_ms (probe->work, 0.99);
  f->max = quantile_ms (probe->work, 1.0);
  f->cpu_p99 = quantile_ms (probe->cpu, 0.99);
  f->stall = probe->max_stall / 1e3;
  stop_and_reset (window);
}

static void
report (const char *preset, const char *load, const Figures *f)
{
  g_autofree char *p99_name = g_strdup_printf ("window p99 ms%s %s", load, preset);
  g_autofree char *rate_name = g_strdup_printf ("window steps/s / cli%s %s", load, preset);

  printf ("%s%s: %u frames, frame time p50 %.1f ms, p99 %.1f ms (main thread's processor time "
          "p99 %.1f ms), max %.1f ms; longest stall %.1f ms; steps/s CLI %.1f, window %.1f\n",
          preset, load, f->frames, f->p50, f->p99, f->cpu_p99, f->max, f->stall, f->cli_rate,
          f->window_rate);
  bench_ratio (p99_name, f->p99 / 16.0, "<= 1");
  bench_ratio (rate_name, f->window_rate / f->cli_rate, ">= 0.9");
}

static void
measure_preset (GrokWindow *window, Probe *probe, const char *preset, double seconds,
                const char *load)
{
  Figures f = { 0 };
  gint64 last_step = 0;

  f.cli_rate = cli_steps_per_second (preset, seconds, &last_step);
  measure_window (window, probe, preset, last_step, seconds, &f);
  report (preset, load, &f);
}

/* a second `grokscope-cli train` on one thread, steady (no measures), into folder */
static GPid
start_neighbour (const char *folder)
{
  g_autofree char *out = g_build_filename (folder, "neighbour", NULL);
  const char *argv[] = { g_getenv ("GROK_CLI"), "train", "demoss-add-ours", "--out", out,
                         "--steps", "100000000", "--quiet", "--set", "train.threads=1",
                         "--set", "measures.complexity_per_decade=0",
                         "--set", "measures.spectrum_per_decade=0",
                         "--set", "checkpoints.views=0", NULL };
  g_autoptr (GError) error = NULL;
  GPid pid = 0;

  if (argv[0] == NULL)
    g_error ("bench-gui: set GROK_CLI to grokscope-cli for the second training process");
  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, &error))
    g_error ("bench-gui: cannot start %s: %s", argv[0], error->message);
  /* its data set is made before it trains */
  g_usleep (2 * G_USEC_PER_SEC);
  return pid;
}

static GrokWindow *
open_window (AdwApplication *app, const char *page, gboolean every_frame, Probe *probe)
{
  GrokWindow *window = grok_window_new (app);
  GdkFrameClock *clock;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)), page);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (every_frame)
    gtk_widget_add_tick_callback (grok_window_get_curves_area (window), redraw_every_frame, NULL, NULL);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), probe);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), probe);
  g_timeout_add (1, on_tick, probe);
  return window;
}

int
main (int argc, char **argv)
{
  const char *page = "curves";
  double seconds = bench_env_number ("GROK_BENCH_GUI_SECONDS", 10);
  gboolean every_frame = FALSE, chose_cairo = FALSE;
  g_autoptr (GStrvBuilder) named = g_strv_builder_new ();
  g_auto (GStrv) presets = NULL;
  g_autoptr (AdwApplication) app = NULL;
  g_autofree char *gl = NULL, *folder = g_dir_make_tmp ("bench-gui-XXXXXX", NULL);
  Probe probe = { .work = g_array_new (FALSE, FALSE, sizeof (gint64)),
                  .cpu = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  GrokWindow *window;
  GPid neighbour;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--redraw-every-frame"))
      every_frame = TRUE;
    else if (g_str_equal (argv[i], "--view") && i + 1 < argc)
      page = argv[++i];
    else if (g_str_equal (argv[i], "--seconds") && i + 1 < argc)
      seconds = g_ascii_strtod (argv[++i], NULL);
    else
      g_strv_builder_add (named, argv[i]);
  presets = g_strv_builder_end (named);
  if (presets[0] == NULL)
    {
      g_strfreev (presets);
      presets = bench_presets ("GROK_BENCH_GUI_PRESETS");
    }

  gtk_init ();
  adw_init ();
  gl = grok_renderer_choose (gdk_display_get_default (), &chose_cairo);
  app = adw_application_new ("org.grokscope.GuiBench", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = open_window (app, page, every_frame, &probe);
  printf ("CLI %.0f s per preset, the window the same steps; page %s, %s; renderer %s "
          "(GL: %s%s)\n", seconds, page,
          every_frame ? "the curves redrawn every frame" : "redrawn as snapshots arrive",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))), gl ? gl : "none",
          chose_cairo ? ", a software rasteriser" : "");
  for (guint i = 0; presets[i] != NULL; i++)
    measure_preset (window, &probe, presets[i], seconds, "");
  neighbour = start_neighbour (folder);
  for (guint i = 0; presets[i] != NULL; i++)
    measure_preset (window, &probe, presets[i], seconds, " busy");
  kill (neighbour, SIGTERM);
  waitpid (neighbour, NULL, 0);
  g_spawn_close_pid (neighbour);
  remove_tree (folder);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (probe.work);
  g_array_unref (probe.cpu);
  return 0;
}
