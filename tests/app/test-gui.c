/* The real app under a display: press Train on the default preset, wait for training steps,
 * then render the curves view through GTK and check what a person would see. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

#include "grok-figure-curves.h"
#include "grok-presets.h"
#include "grok-trainer.h"
#include "grok-run-dir.h"
#include "grok-views.h"
#include "grok-export-dialog.h"
#include "grok-application.h"
#include "grok-computed-view.h"
#include "grok-curves-view.h"
#include "grok-weights-view.h"
#include "grok-window-private.h"
#include "grok-sweep-window.h"
#include "gui-helpers.h"
#include "run-helpers.h"
#include "wait-helpers.h"

/* untick the check button with this label (it may sit in a popover not yet shown) */
static void
uncheck (GtkWidget *root, const char *label)
{
  GtkWidget *popover_child;

  if (GTK_IS_CHECK_BUTTON (root) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (root)), label) == 0)
    {
      gtk_check_button_set_active (GTK_CHECK_BUTTON (root), FALSE);
      return;
    }
  if (GTK_IS_MENU_BUTTON (root) && (popover_child = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (root)))))
    uncheck (popover_child, label);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    uncheck (child, label);
}

/* wait until GTK has given the widget its size (a page just shown is laid out on a later
 * frame) */
static void
spin_until_allocated (GtkWidget *widget)
{
  SPIN_UNTIL (gtk_widget_get_width (widget) >= 50 && gtk_widget_get_height (widget) >= 50,
              "GTK to lay out %s", G_OBJECT_TYPE_NAME (widget));
  spin (20);
  g_test_message ("%s: %d x %d", G_OBJECT_TYPE_NAME (widget), gtk_widget_get_width (widget),
                  gtk_widget_get_height (widget));
}

static void
save_texture (GdkTexture *texture, const char *name)
{
  const char *out_dir = g_getenv ("GROK_TEST_OUTPUT");
  if (out_dir != NULL)
    {
      g_autofree char *path = g_build_filename (out_dir, name, NULL);
      gdk_texture_save_to_png (texture, path);
    }
}

static void
spin_until_step (GrokWindow *window, gint64 step, int timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GrokSnapshot *s = grok_window_get_snapshot (window);
      if (s != NULL && s->train_step >= step)
        return;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_error ("the window did not reach step %" G_GINT64_FORMAT " in %d s", step, timeout_s);
}

/* render a widget as GTK draws it on screen. A page the view stack has just shown may not have
 * been drawn yet (its paintable is empty until a frame has passed, which takes long under the
 * sanitizers): give it frames until it has been. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  for (gint64 deadline = wait_deadline (); node == NULL;
       wait_poll (deadline, TRUE, "a frame of %s", G_OBJECT_TYPE_NAME (widget)))
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

/* pixels within a small distance of a colour */
static int
count_colour (const guchar *data, int w, int h, gsize stride, GrokRgba c, int x0, int x1)
{
  int n = 0;
  for (int y = 0; y < h; y++)
    for (int x = x0; x < x1; x++)
      {
        const guchar *p = data + y * stride + 4 * x;  /* B G R A on little-endian */
        if (abs (p[2] - (int) (255 * c.r)) < 40 && abs (p[1] - (int) (255 * c.g)) < 40 &&
            abs (p[0] - (int) (255 * c.b)) < 40)
          n++;
      }
  return n;
}

static guchar *
download (GdkTexture *texture, int *w, int *h, gsize *stride)
{
  guchar *pixels;
  *w = gdk_texture_get_width (texture);
  *h = gdk_texture_get_height (texture);
  *stride = 4 * (gsize) *w;
  pixels = g_malloc (*stride * *h);
  gdk_texture_download (texture, pixels, *stride);
  return pixels;
}


/* a finished run folder of the quick preset, 120 steps, made by the engine as the CLI makes
 * one (the window only opens it) */
static char *
make_run_folder (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("quick", NULL);
  g_autofree char *dir = g_dir_make_tmp ("grok-gui-run-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = NULL;

  config->train.steps = 120;
  config->measures.lmn_per_decade = 0;
  config->measures.complexity_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  run = grok_run_new (config, dir, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return g_steal_pointer (&dir);
}

static GrokWindow *
new_window (AdwApplication *app)
{
  GrokWindow *window;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  spin (50);
  return window;
}

/* a new run trained after a folder was shown: its own folder, past its first steps, and the
 * curves drawn from its rows */
static void
assert_trains_new_run (GrokWindow *window, const char *opened)
{
  GtkWidget *area = grok_window_get_curves_area (window);

  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  GrokSnapshot *s = NULL;

  /* the folder's own snapshot is stopped at step 120: wait for one of a training run */
  while (g_get_monotonic_time () < deadline &&
         ((s = grok_window_get_snapshot (window)) == NULL || s->train_step < 20 ||
          (s->state != GROK_RUN_RUNNING && s->state != GROK_RUN_FINISHED)))
    spin (10);
  g_assert_nonnull (s);
  g_assert_true (s->state == GROK_RUN_RUNNING || s->state == GROK_RUN_FINISHED);
  g_assert_cmpstr (grok_window_get_run_dir (window), !=, opened);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  SPIN_UNTIL (!grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)), "the curves' drawing");
  g_assert_false (grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)));
}

/* a page's button sits beside its figure, not over the data it draws */
static void
assert_beside (GtkWidget *button, GtkWidget *figure)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (figure));
  graphene_rect_t b, f;

  g_assert_true (gtk_widget_compute_bounds (button, root, &b));
  g_assert_true (gtk_widget_compute_bounds (figure, root, &f));
  g_assert_cmpfloat (f.size.width, >, 0);
  g_assert_false (graphene_rect_intersection (&b, &f, NULL));
}

/* the curves drawn with both series, many pixels of each: a run's rows on screen */
static void
assert_curves_drawn (GtkWidget *area, const char *png)
{
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  GrokFigureStyle style;
  int w, h;
  gsize stride;

  SPIN_UNTIL (!grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)), "the curves' drawing");
  spin (50);
  /* the page's buttons (Curves and Scatter, Panels, the series menu) in a column beside it */
  assert_beside (gtk_widget_get_next_sibling (gtk_widget_get_ancestor (area, GTK_TYPE_STACK)), area);
  texture = render_widget (area);
  pixels = download (texture, &w, &h, &stride);
  save_texture (texture, png);
  grok_figure_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                    ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
  /* one legend for train and test, in the loss panel, whose swatch is some 20 pixels: a series
   * drawn in two panels of a 500-pixel view is well over 100 */
  g_assert_cmpint (count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 0), 0, w), >, 100);
  g_assert_cmpint (count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 1), 0, w), >, 100);
}

/* the header bar's chooser names this preset */
static void
assert_preset_shown (GrokWindow *window, const char *name)
{
  GrokPresetChooser *chooser = GROK_PRESET_CHOOSER (find_type (GTK_WIDGET (window), GROK_TYPE_PRESET_CHOOSER));

  g_assert_cmpstr (grok_preset_chooser_get_preset (chooser), ==, name);
}

/* Another experiment trained, then Open Run on a folder (the chooser's answer goes where Recent
 * Runs' does): the progress line, the preset chooser and the subtitle describe the folder. Then the
 * Train button: the window used to vanish (the curves still drew the freed rows of the folder). */
static void
test_open_then_train (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTestOpen", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ();
  GrokWindow *window = new_window (app);
  GtkProgressBar *progress = GTK_PROGRESS_BAR (find_type (GTK_WIDGET (window), GTK_TYPE_PROGRESS_BAR));
  AdwWindowTitle *title = ADW_WINDOW_TITLE (find_type (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE));

  choose_preset (GTK_WIDGET (window), "xor2d-relu");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  spin_until_step (window, 30, 120);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  spin (200);
  g_assert_nonnull (strstr (gtk_progress_bar_get_text (progress), "of 3000"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", dir);
  spin (50);
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, dir);
  g_assert_cmpint (grok_window_get_snapshot (window)->train_step, ==, 120);
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "step 120 of 120  ·  finished  ·  opened");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), ==, 1.0);
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, dir);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "quick");
  assert_preset_shown (window, "quick");
  assert_curves_drawn (grok_window_get_curves_area (window), "gui-opened-folder.png");

  gtk_widget_activate (find_button (GTK_WIDGET (window), "win.train"));
  /* a button activated from the keyboard emits clicked a quarter of a second later */
  SPIN_UNTIL (g_strcmp0 (grok_window_get_run_dir (window), dir) != 0, "Train to start a new run");
  assert_trains_new_run (window, dir);
  /* the settings hold the folder's experiment, which is what trains */
  g_assert_nonnull (strstr (gtk_progress_bar_get_text (progress), " of 120"));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, grok_window_get_run_dir (window));
  save_texture (render_widget (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window))),
                "gui-open-then-train.png");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (dir);
}

/* Recent Runs, then Ctrl+Return as a person presses it: the window's own shortcut */
static void
test_recent_then_ctrl_return (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTestRecent", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ();
  GrokWindow *window = new_window (app);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", dir);
  spin (50);
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, dir);
  g_assert_true (press_shortcut (GTK_WIDGET (window), GDK_KEY_Return, GDK_CONTROL_MASK));
  assert_trains_new_run (window, dir);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (dir);
}

static void
test_train_quick_draws_curves (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTest", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window;
  GtkWidget *train, *area;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int w, h, train_px, test_px;
  gsize stride;
  GrokFigureStyle style;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));

  train = find_button (GTK_WIDGET (window), "win.train");
  g_assert_nonnull (train);
  /* only the loss and accuracy panels, as a person would choose in the series menu */
  uncheck (GTK_WIDGET (window), "Measures (complexity, LMN, ...)");
  gtk_widget_activate (train);
  spin_until_step (window, 300, 120);

  /* paused, and the figure of the latest rows drawn (new rows are drawn on a worker thread) */
  gtk_widget_activate (find_button (GTK_WIDGET (window), "win.pause"));
  area = grok_window_get_curves_area (window);
  SPIN_UNTIL (grok_window_get_snapshot (window)->state == GROK_RUN_PAUSED &&
              !grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)),
              "the paused run's curves to be drawn");
  g_assert_cmpint (grok_window_get_snapshot (window)->state, ==, GROK_RUN_PAUSED);
  g_assert_false (grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)));
  /* let GTK lay out and draw the latest snapshot */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  texture = render_widget (area);
  pixels = download (texture, &w, &h, &stride);
  g_assert_cmpint (w, >, 400);
  g_assert_cmpint (h, >, 300);
  save_texture (texture, "gui-curves.png");

  /* the train series (colour 0) and the test series (colour 1) are drawn in the loss and the
   * accuracy panels, as lines of many pixels */
  grok_figure_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                    ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
  train_px = count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 0), 0, w);
  test_px = count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 1), 0, w);
  g_test_message ("train-colour pixels %d, test-colour pixels %d", train_px, test_px);
  g_assert_cmpint (train_px, >, 200);
  g_assert_cmpint (test_px, >, 200);

  /* the step scale: dragged back, every view shows a stored checkpoint; at its right end,
   * the live run again */
  {
    GtkRange *scale = GTK_RANGE (find_type (GTK_WIDGET (window), GTK_TYPE_SCALE));
    GtkAdjustment *adj = gtk_range_get_adjustment (scale);
    gint64 live_step;

    spin (100);
    live_step = grok_window_get_snapshot (window)->train_step;
    gtk_adjustment_set_value (adj, 5);
    spin (20);
    /* checkpoints are log-spaced, five per decade: 0, 1, 2, 3, 4, 6, 10, ... */
    g_assert_cmpint (grok_window_get_snapshot (window)->train_step, ==, 4);
    g_assert_cmpuint (grok_window_get_snapshot (window)->metrics->n_rows, ==, 1);
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    spin (20);
    g_assert_cmpint (grok_window_get_snapshot (window)->train_step, >=, live_step);
  }

  /* the run stopped and its folder opened, as Save Run As does with the copy: once drawn, the
   * curves show the folder's rows in both colours (not a drawing of its first checkpoint) */
  {
    g_autofree char *dir = g_strdup (grok_window_get_run_dir (window));
    g_autoptr (GdkTexture) opened = NULL;
    g_autofree guchar *opened_px = NULL;
    int ow, oh;
    gsize ostride;

    g_assert_nonnull (dir);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
    spin (200);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", dir);
    SPIN_UNTIL (!grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)), "the curves' drawing");
    spin (50);
    opened = render_widget (area);
    opened_px = download (opened, &ow, &oh, &ostride);
    save_texture (opened, "gui-curves-opened.png");
    g_assert_cmpint (count_colour (opened_px, ow, oh, ostride,
                                   grok_figure_style_series_color (&style, 0), 0, ow), >, 200);
    g_assert_cmpint (count_colour (opened_px, ow, oh, ostride,
                                   grok_figure_style_series_color (&style, 1), 0, ow), >, 200);
  }

  /* Reset goes back to before the first step; Step then starts the experiment afresh and
   * stops after one optimiser step */
  {
    GtkWidget *reset = find_button (GTK_WIDGET (window), "win.reset");
    GtkWidget *step = find_button (GTK_WIDGET (window), "win.step");

    g_assert_nonnull (reset);
    g_assert_nonnull (step);
    g_assert_true (gtk_widget_is_sensitive (reset));
    /* a button activated from the keyboard emits clicked a quarter of a second later */
    gtk_widget_activate (reset);
    SPIN_UNTIL (grok_window_get_snapshot (window) == NULL, "Reset to clear the run");
    g_assert_null (grok_window_get_snapshot (window));
    g_assert_true (gtk_widget_is_sensitive (step));
    gtk_widget_activate (step);
    spin_until_step (window, 1, 60);
    spin (300);
    g_assert_cmpint (grok_window_get_snapshot (window)->train_step, ==, 1);
    g_assert_true (gtk_widget_is_sensitive (step));
    gtk_widget_activate (step);
    spin_until_step (window, 2, 60);
    spin (100);
    g_assert_cmpint (grok_window_get_snapshot (window)->train_step, ==, 2);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* an xor2d net: its weights as heatmaps and its linear regions as coloured polygons */
static void
test_xor2d_weights_and_regions (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTest2", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window;
  AdwViewStack *stack;
  GtkWidget *weights, *regions;
  g_autoptr (GdkTexture) wtex = NULL, rtex = NULL;
  g_autofree guchar *wpx = NULL, *rpx = NULL;
  g_autoptr (GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);
  int w, h, reddish = 0, bluish = 0, dark = 0;
  gsize stride;
  gint64 deadline;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  choose_preset (GTK_WIDGET (window), "xor2d-relu");
  gtk_widget_activate (find_button (GTK_WIDGET (window), "win.train"));
  spin_until_step (window, 400, 120);
  gtk_widget_activate (find_button (GTK_WIDGET (window), "win.pause"));

  stack = ADW_VIEW_STACK (find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  /* one page per row of the views table, in its order, named and titled by it */
  {
    g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (stack);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, GROK_N_VIEWS);
    for (guint v = 0; v < GROK_N_VIEWS; v++)
      {
        g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), v);
        g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, grok_view_kind (v)->name);
        g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, grok_view_kind (v)->title);
      }
  }
  adw_view_stack_set_visible_child_name (stack, grok_view_name (GROK_VIEW_HEATMAP));
  spin (100);
  weights = find_type (GTK_WIDGET (window), GROK_TYPE_WEIGHTS_VIEW);
  spin_until_allocated (weights);
  assert_beside (find_type (gtk_widget_get_parent (weights), GTK_TYPE_TOGGLE_BUTTON), weights);
  wtex = render_widget (weights);
  save_texture (wtex, "gui-weights.png");
  wpx = download (wtex, &w, &h, &stride);
  /* trained weights have both signs: red and blue cells of the diverging map */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *p = wpx + y * stride + 4 * x;
        reddish += p[2] > 150 && p[0] < 120 && p[1] < 120;
        bluish += p[0] > 150 && p[2] < 120;
      }
  g_test_message ("weights: %d red-ish, %d blue-ish pixels", reddish, bluish);
  g_assert_cmpint (reddish, >, 500);
  g_assert_cmpint (bluish, >, 500);

  adw_view_stack_set_visible_child_name (stack, "regions");
  regions = find_type (adw_view_stack_get_child_by_name (stack, "regions"), GROK_TYPE_COMPUTED_VIEW);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (grok_computed_view_get_count (GROK_COMPUTED_VIEW (regions)) < 0 && g_get_monotonic_time () < deadline)
    spin (10);
  g_test_message ("regions: %d", grok_computed_view_get_count (GROK_COMPUTED_VIEW (regions)));
  /* a 3 x 32 ReLU net cuts the square into many regions */
  g_assert_cmpint (grok_computed_view_get_count (GROK_COMPUTED_VIEW (regions)), >, 10);
  spin_until_allocated (regions);
  rtex = render_widget (regions);
  save_texture (rtex, "gui-regions.png");
  rpx = download (rtex, &w, &h, &stride);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *p = rpx + y * stride + 4 * x;
        guint32 c = p[0] | p[1] << 8 | p[2] << 16;
        g_hash_table_add (colours, GUINT_TO_POINTER (c));
        dark += p[0] < 50 && p[1] < 50 && p[2] < 50;
      }
  g_test_message ("regions picture: %u colours, %d dark pixels", g_hash_table_size (colours), dark);
  /* many region colours, and the decision boundary drawn in near-black */
  g_assert_cmpuint (g_hash_table_size (colours), >, 20);
  g_assert_cmpint (dark, >, 200);

  /* the spectra: one panel per matrix, the start and the current step overlaid */
  {
    GtkWidget *spec;
    g_autoptr (GdkTexture) stex = NULL;
    g_autofree guchar *spx = NULL;
    int train_px = 0;

    adw_view_stack_set_visible_child_name (stack, "spectrum");
    spec = find_type (adw_view_stack_get_child_by_name (stack, "spectrum"), GROK_TYPE_COMPUTED_VIEW);
    deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (grok_computed_view_get_count (GROK_COMPUTED_VIEW (spec)) < 0 && g_get_monotonic_time () < deadline)
      spin (10);
    g_assert_cmpint (grok_computed_view_get_count (GROK_COMPUTED_VIEW (spec)), ==, 1);
    spin_until_allocated (spec);
    stex = render_widget (spec);
    save_texture (stex, "gui-spectrum.png");
    spx = download (stex, &w, &h, &stride);
    /* the lines are the only strongly coloured pixels: axes and text are grey */
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          const guchar *p = spx + y * stride + 4 * x;
          int hi = MAX (p[0], MAX (p[1], p[2])), lo = MIN (p[0], MIN (p[1], p[2]));
          train_px += hi - lo > 80;
        }
    g_test_message ("spectrum picture: %d coloured pixels", train_px);
    g_assert_cmpint (train_px, >, 500);
  }

  /* the connectivity matrix of LMN: values in [0, 1] on the sequential map */
  {
    GtkWidget *conn;
    g_autoptr (GdkTexture) ctex = NULL;
    g_autofree guchar *cpx = NULL;
    g_autoptr (GHashTable) ccolours = g_hash_table_new (g_direct_hash, g_direct_equal);

    adw_view_stack_set_visible_child_name (stack, "connectivity");
    conn = find_type (adw_view_stack_get_child_by_name (stack, "connectivity"), GROK_TYPE_COMPUTED_VIEW);
    deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    while (grok_computed_view_get_count (GROK_COMPUTED_VIEW (conn)) < 0 && g_get_monotonic_time () < deadline)
      spin (10);
    g_assert_cmpint (grok_computed_view_get_count (GROK_COMPUTED_VIEW (conn)), ==, 256);
    spin_until_allocated (conn);
    ctex = render_widget (conn);
    save_texture (ctex, "gui-connectivity.png");
    cpx = download (ctex, &w, &h, &stride);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          const guchar *p = cpx + y * stride + 4 * x;
          g_hash_table_add (ccolours, GUINT_TO_POINTER (p[0] | p[1] << 8 | p[2] << 16));
        }
    g_test_message ("connectivity picture: %u colours", g_hash_table_size (ccolours));
    g_assert_cmpuint (g_hash_table_size (ccolours), >, 30);
  }

  /* Export on the connectivity page offers the LMN points, starting at the screen's */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWidget *dialog = NULL, *points = NULL;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL);
    deadline = wait_deadline ();
    while (dialog == NULL && g_get_monotonic_time () < deadline)
      {
        spin (10);
        for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
          {
            g_autoptr (GObject) top = g_list_model_get_item (toplevels, i);
            if (ADW_IS_MESSAGE_DIALOG (top))
              dialog = GTK_WIDGET (top);
          }
      }
    g_assert_nonnull (dialog);
    for (GtkWidget *row = gtk_widget_get_first_child (find_type (dialog, GTK_TYPE_LIST_BOX));
         row != NULL; row = gtk_widget_get_next_sibling (row))
      if (ADW_IS_ACTION_ROW (row) &&
          g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Connectivity"))
        points = find_type (row, GTK_TYPE_SPIN_BUTTON);
    g_assert_nonnull (points);
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (points)), ==, 256);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    spin (20);
  }

  /* "export every view" of what the window shows: three views in four formats, and the config.
   * The run is paused first, and the connectivity page waited for until it shows the paused
   * step: a running run's snapshot moves on while a view computes */
  g_test_message ("before the export: the run is %s",
                  grok_run_state_name (grok_session_get_state (grok_window_get_session (window))));
  if (grok_session_get_state (grok_window_get_session (window)) == GROK_RUN_RUNNING)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  SPIN_UNTIL (grok_window_get_snapshot (window)->state != GROK_RUN_RUNNING &&
                  grok_window_get_snapshot (window)->train_step ==
                      grok_session_get_step (grok_window_get_session (window)),
              "the run paused or finished");
  {
    GrokComputedView *shown_conn = GROK_COMPUTED_VIEW (adw_view_stack_get_child_by_name (stack, "connectivity"));
    SPIN_UNTIL (grok_computed_view_get_data (shown_conn) != NULL &&
                    grok_computed_view_get_data (shown_conn)->step ==
                        grok_window_get_snapshot (window)->train_step,
                "the connectivity page at the paused step");
  }
  {
    g_autofree char *dir = g_dir_make_tmp ("grok-export-XXXXXX", NULL);
    g_autoptr (GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GError) error = NULL;
    GrokSnapshot *snap = grok_window_get_snapshot (window);
    g_autoptr (GrokRunDir) folder = grok_run_dir_open (grok_window_get_run_dir (window), &error);

    GrokComputedView *conn = GROK_COMPUTED_VIEW (adw_view_stack_get_child_by_name (stack, "connectivity"));
    GrokFigureRequest shown;
    g_autofree char *shown_csv = NULL;
    g_autofree char *conn_name = g_strdup_printf ("connectivity-step%" G_GINT64_FORMAT ".csv",
                                                  snap->train_step);

    /* the export holds the very data the window's connectivity page draws */
    grok_figure_request_init (&shown, GROK_VIEW_CONNECTIVITY);
    grok_figure_request_set_data (&shown, grok_computed_view_get_data (conn));
    shown_csv = grok_figure_request_format_csv (&shown);
    g_assert_no_error (error);
    g_assert_true (grok_export_snapshot_all (snap, "xor2d-relu", folder, NULL, dir, 3.5, 3.5,
                                             150, 8, GROK_SCHEME_PRINT, written, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (written->len, ==, 5 * 4 + 1);
    for (guint i = 0; i < written->len; i++)
      {
        g_autofree char *path = g_build_filename (dir, written->pdata[i], NULL);
        g_autofree char *text = NULL;
        GStatBuf st;
        g_assert_cmpint (g_stat (path, &st), ==, 0);
        g_assert_cmpint (st.st_size, >, 100);
        if (g_str_equal (written->pdata[i], conn_name))
          {
            g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
            g_assert_true (g_str_equal (text, shown_csv));
          }
        g_remove (path);
      }
    g_rmdir (dir);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

/* the count the view shows once a request made now has been answered with something other
 * than before (-2 when nothing came by the tests' deadline) */
static int
count_after (GrokComputedView *view, int before)
{
  gint64 deadline = wait_deadline ();

  while (grok_computed_view_get_count (view) == before && g_get_monotonic_time () < deadline)
    spin (10);
  return g_get_monotonic_time () < deadline ? grok_computed_view_get_count (view) : -2;
}

/* The regions view draws what a run's views file holds for the weights shown: a file written
 * for those weights but holding only one polygon is drawn as one region, which computing never
 * gives for this net; cut in half, the file is ignored and the view computes the many regions. */
static void
test_computed_view_reads_views_file (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("xor2d-relu", NULL);
  g_autoptr (GrokTrainer) trainer = grok_trainer_new (config, NULL);
  const GrokParams *params = trainer->model->params;
  GrokViewSettings settings = grok_config_view_settings (config);
  g_autoptr (GrokViews) views = grok_views_compute (&settings, params, 0, NULL);
  g_autofree char *dir = g_dir_make_tmp ("grok-gui-views-XXXXXX", NULL);
  g_autofree char *path = grok_run_file_path (dir, GROK_RUN_FILE_VIEWS, 0);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *config_path = grok_run_file_path (dir, GROK_RUN_FILE_CONFIG, 0);
  g_autofree char *config_text = grok_config_to_string (config);
  g_autofree char *contents = NULL;
  g_autoptr (GrokRegionMap) map = NULL;
  GrokComputedView *view = GROK_COMPUTED_VIEW (g_object_ref_sink (grok_computed_view_new (GROK_VIEW_REGIONS)));
  gsize size;
  int many;

  /* keep region 0 only: the others are freed with the full map */
  map = g_steal_pointer (&views->regions->exact);
  views->regions->exact = g_memdup2 (map, sizeof *map);
  views->regions->exact->n_regions = 1;
  views->regions->exact->regions = g_memdup2 (&map->regions[0], sizeof (GrokRegion));
  map->regions[0] = (GrokRegion) { 0 };
  g_assert_true (grok_views_write (views, path, NULL));
  /* a run folder is known by its config.json, which the views file is read against */
  g_assert_true (g_file_set_contents (config_path, config_text, -1, NULL));

  grok_computed_view_set_params (view, config, params, 0);
  /* nothing drawn yet: the view says what it computes, until the answer comes */
  g_assert_cmpstr (grok_computed_view_get_status (view), ==,
                   "Computing the Regions view at step 0\u2026");
  many = count_after (view, -1);
  g_assert_cmpint (many, >, 10);
  g_assert_null (grok_computed_view_get_status (view));
  grok_computed_view_set_run_dir (view, dir);
  grok_computed_view_set_params (view, config, params, 0);
  g_assert_cmpint (count_after (view, many), ==, 1);
  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_true (g_file_set_contents (path, contents, size / 2, NULL));
  grok_computed_view_set_params (view, config, params, 0);
  g_assert_cmpint (count_after (view, 1), ==, many);
  g_assert_null (grok_computed_view_get_message (view));

  g_object_unref (view);
  g_remove (path);
  g_remove (config_path);
  g_rmdir (folder);
  g_rmdir (dir);
}

typedef struct
{
  GtkApplication *app;
  const char     *dir;
  gboolean        checked;
} Launch;

/* once the window the app made for the folder has drawn its curves: check them, and close it */
static gboolean
check_launched (gpointer data)
{
  Launch *launch = data;
  GList *windows = gtk_application_get_windows (launch->app);
  GrokWindow *window = windows && GROK_IS_WINDOW (windows->data) ? GROK_WINDOW (windows->data) : NULL;
  GtkWidget *area = window ? grok_window_get_curves_area (window) : NULL;

  if (area == NULL || grok_window_get_snapshot (window) == NULL ||
      gtk_widget_get_width (area) < 50 || grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)))
    return G_SOURCE_CONTINUE;
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, launch->dir);
  g_assert_cmpint (grok_window_get_snapshot (window)->train_step, ==, 120);
  g_assert_cmpuint (grok_window_get_snapshot (window)->metrics->n_rows, ==, 13);
  assert_curves_drawn (area, "gui-launched-with-folder.png");
  launch->checked = TRUE;
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static gboolean
give_up (gpointer app)
{
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

/* `grokscope RUN_DIR`: the application opens the folder in a window that shows its curves */
static void
test_launch_with_folder (void)
{
  g_autofree char *dir = make_run_folder ();
  g_autoptr (GrokApplication) app = grok_application_new (NULL);
  char *argv[] = { "grokscope", dir, NULL };
  Launch launch = { GTK_APPLICATION (app), dir, FALSE };
  guint id = g_timeout_add (50, check_launched, &launch);
  guint guard = g_timeout_add_seconds (120, give_up, app);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, argv), ==, 0);
  g_assert_true (launch.checked);
  g_clear_handle_id (&guard, g_source_remove);
  if (!launch.checked)
    g_source_remove (id);
  remove_tree (dir);
}

/* the run folder at dir has a valid checkpoint, as a reader sees it */
static gboolean
has_checkpoint (const char *dir)
{
  g_autoptr (GrokRunDir) reader = grok_run_dir_open (dir, NULL);

  return reader != NULL && grok_run_dir_get_checkpoints (reader)->len > 0;
}

/* a run folder another process writes (grokscope-cli train), opened in the window, is followed:
 * the newest step shown grows as its checkpoints are written, its rows with it */
static void
test_follows_cli_run (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.TestFollow", G_APPLICATION_NON_UNIQUE);
  g_autofree char *parent = g_dir_make_tmp ("grok-gui-follow-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (parent, "run", NULL);
  const char *argv[] = { g_getenv ("GROK_CLI"), "train", "quick", "--out", dir, "--quiet",
                         "--steps", "100000", "--set", "checkpoints.every=20",
                         "--set", "measures.lmn_per_decade=0",
                         "--set", "measures.complexity_per_decade=0",
                         "--set", "measures.local_complexity_per_decade=0",
                         "--set", "measures.spectrum_per_decade=0", NULL };
  g_autoptr (GError) error = NULL;
  GPid pid;
  GrokWindow *window;
  GrokSnapshot *s;
  gint64 first_step;
  guint first_rows;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  /* the window opens the folder once the CLI has written a checkpoint there */
  window = new_window (app);
  WAIT_UNTIL (has_checkpoint (dir), "the CLI's first checkpoint in %s", dir);
  g_assert_true (grok_window_open (window, dir));
  s = grok_window_get_snapshot (window);
  g_assert_nonnull (s);
  first_step = s->train_step;
  first_rows = s->metrics->n_rows;
  g_test_message ("opened at step %" G_GINT64_FORMAT ", %u rows", first_step, first_rows);
  g_assert_true (grok_session_get_opened (grok_window_get_session (window)));

  SPIN_UNTIL ((s = grok_window_get_snapshot (window)) != NULL && s->train_step > first_step,
              "the window's step to pass %" G_GINT64_FORMAT " as the CLI writes", first_step);
  /* a step's row follows its checkpoint once the step's measures are done, which beside
   * training can take a while longer */
  SPIN_UNTIL ((s = grok_window_get_snapshot (window)) != NULL && s->metrics->n_rows > first_rows,
              "the window's rows to pass %u as the CLI writes", first_rows);
  g_assert_cmpint (grok_session_get_step (grok_window_get_session (window)), ==, s->train_step);
  g_assert_cmpstr (grok_window_get_run_dir (window), ==, dir);
  g_test_message ("followed to step %" G_GINT64_FORMAT ", %u rows", s->train_step, s->metrics->n_rows);

  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (parent);
}

/* ---- the curves explored: zoom, pan, reset, the readout, smoothing, a browsed step ---- */


/* the view's first controller of a type (the scroll controller, the drag gesture, ...); with
 * button > 0, the single-button gesture of that button */
static GtkEventController *
find_controller (GtkWidget *widget, GType type, guint button)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) &&
          (button == G_MAXUINT || gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (c)) == button))
        return c;
    }
  g_error ("no %s on %s", g_type_name (type), G_OBJECT_TYPE_NAME (widget));
}

/* the main windows of app that show the run folder path */
static GrokWindow *
window_showing (GtkApplication *app, const char *path)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (GROK_IS_WINDOW (l->data) && g_strcmp0 (grok_window_get_run_dir (l->data), path) == 0)
      return l->data;
  return NULL;
}

/* grokscope-cli sweep cell FOLDER CELL: the cell trained as GNU parallel or Slurm trains it */
static void
cli_cell (const char *folder, guint cell, GPid *pid)
{
  g_autofree char *number = g_strdup_printf ("%u", cell);
  const char *argv[] = { g_getenv ("GROK_CLI"), "sweep", "cell", folder, number, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (pid != NULL)
    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                  NULL, pid, &error));
  else
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error) &&
                   g_spawn_check_wait_status (status, NULL));
  g_assert_no_error (error);
}

/* a sweep folder opened as a run is: its window lists the cells, sorts them, follows a cell the
 * CLI trains meanwhile, draws the phase diagram, and opens a cell from the table and from it */
/* the drop-down under root whose first choice is first */
static GtkDropDown *
drop_starting (GtkWidget *root, const char *first)
{
  if (GTK_IS_DROP_DOWN (root))
    {
      GListModel *names = gtk_drop_down_get_model (GTK_DROP_DOWN (root));
      if (GTK_IS_STRING_LIST (names) && g_list_model_get_n_items (names) > 0 &&
          g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), first) == 0)
        return GTK_DROP_DOWN (root);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkDropDown *found = drop_starting (child, first);
      if (found)
        return found;
    }
  return NULL;
}

/* the position of name among a drop-down's choices, or G_MAXUINT */
static guint
drop_choice (GtkDropDown *drop, const char *name)
{
  GtkStringList *names = GTK_STRING_LIST (gtk_drop_down_get_model (drop));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (names, i), name) == 0)
      return i;
  return G_MAXUINT;
}

static void
test_sweep_window (void)
{
  static const char plan[] =
    "{ \"name\": \"tiny\", \"base\": \"quick\","
    "  \"set\": { \"train.steps\": 60, \"measures.spectrum_per_decade\": 0,"
    "             \"measures.complexity_per_decade\": 0, \"measures.lmn_per_decade\": 0,"
    "             \"measures.local_complexity_per_decade\": 0, \"checkpoints.views\": 0 },"
    "  \"axes\": { \"optim.weight_decay\": [0.1, 1], \"task.train_fraction\": [0.3, 0.6] },"
    "  \"seeds\": [0] }";
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.TestSweep", G_APPLICATION_NON_UNIQUE);
  g_autofree char *parent = g_dir_make_tmp ("grok-gui-sweep-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (parent, "sweep", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_load_data (plan, sizeof plan - 1, "tiny.json", NULL, &error);
  g_autofree char *last = NULL;
  GrokSweepWindow *sw = NULL;
  GtkColumnView *table;
  GListModel *model;
  GtkWidget *diagram;
  GrokWindow *window;
  double best = 2;
  GPid pid;

  g_assert_no_error (error);
  g_assert_true (grok_sweep_plan (sweep, folder, &error));
  for (guint c = 0; c < 3; c++)
    cli_cell (folder, c, NULL);

  window = new_window (app);
  g_assert_true (grok_window_open (window, folder));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (GROK_IS_SWEEP_WINDOW (l->data))
      sw = l->data;
  g_assert_nonnull (sw);
  SPIN_UNTIL (g_strcmp0 (grok_sweep_window_cell_text (sw, 0, "status"), "finished") == 0,
              "the sweep window to read cell 0 as finished");
  g_assert_cmpstr (grok_sweep_window_cell_text (sw, 3, "status"), ==, "planned");
  table = grok_sweep_window_get_table (sw);
  model = G_LIST_MODEL (gtk_column_view_get_model (table));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  /* sorted by the final test accuracy, lowest first (the planned cell, with none, last): the
   * table's own sorter */
  {
    GListModel *columns = gtk_column_view_get_columns (table);
    GtkColumnViewColumn *acc = NULL;
    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
        if (g_strcmp0 (gtk_column_view_column_get_title (column), "Final test acc.") == 0)
          acc = column;
      }
    g_assert_nonnull (acc);
    gtk_column_view_sort_by_column (table, acc, GTK_SORT_ASCENDING);
    spin (20);
  }
  for (guint c = 0; c < 3; c++)
    best = MIN (best, g_ascii_strtod (grok_sweep_window_cell_text (sw, c, "final_test_acc"), NULL));
  {
    g_autoptr (GObject) first = g_list_model_get_item (model, 0);
    g_autofree char *cell_path = NULL;
    guint cell = G_MAXUINT;
    for (guint c = 0; c < 3; c++)
      if (g_ascii_strtod (grok_sweep_window_cell_text (sw, c, "final_test_acc"), NULL) == best)
        cell = c;
    /* the first row, activated (a double-click or Enter), opens its cell's run */
    g_signal_emit_by_name (table, "activate", 0);
    cell_path = grok_sweep_cell_path (sweep, cell);
    SPIN_UNTIL (window_showing (GTK_APPLICATION (app), cell_path) != NULL,
                "a window showing cell %u, the lowest, from the table's first row", cell);
    g_assert_nonnull (first);
  }

  /* cell 3 trained by the CLI meanwhile: the table follows it */
  cli_cell (folder, 3, &pid);
  SPIN_UNTIL (g_strcmp0 (grok_sweep_window_cell_text (sw, 3, "status"), "planned") != 0,
              "the table to see cell 3 start");
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  SPIN_UNTIL (g_strcmp0 (grok_sweep_window_cell_text (sw, 3, "status"), "finished") == 0,
              "the table to see cell 3 finish");

  /* the phase diagram: a click on its bottom-left point opens that point's cell */
  {
    AdwViewStack *stack = ADW_VIEW_STACK (find_type (GTK_WIDGET (sw), ADW_TYPE_VIEW_STACK));
    GrokSweepFigure *figure;
    g_autofree char *cell0 = grok_sweep_cell_path (sweep, 0);
    GtkEventController *click;
    double px = -1, py = -1;
    guint xi, yi;
    int w, h;

    adw_view_stack_set_visible_child_name (stack, "phase");
    diagram = grok_sweep_window_get_diagram (sw);
    spin_until_allocated (diagram);
    SPIN_UNTIL ((figure = grok_sweep_window_get_figure (sw)) != NULL, "the phase diagram");
    w = gtk_widget_get_width (diagram);
    h = gtk_widget_get_height (diagram);
    for (int y = 0; y < h && px < 0; y += 4)
      for (int x = 0; x < w && px < 0; x += 4)
        if (grok_sweep_figure_point_at (figure, w, h, x, y, &xi, &yi) && xi == 0 && yi == 0)
          px = x + 8, py = y + 8;
    g_assert_cmpfloat (px, >=, 0);
    g_assert_true (grok_sweep_figure_point_at (figure, w, h, px, py, &xi, &yi) && xi == 0 && yi == 0);
    /* nothing opened at a click outside the points */
    g_assert_false (grok_sweep_figure_point_at (figure, w, h, 1, 1, &xi, &yi));
    if ((window = window_showing (GTK_APPLICATION (app), cell0)) != NULL)
      gtk_window_destroy (GTK_WINDOW (window));
    click = find_controller (diagram, GTK_TYPE_GESTURE_CLICK, G_MAXUINT);
    g_signal_emit_by_name (click, "released", 1, px, py);
    SPIN_UNTIL (window_showing (GTK_APPLICATION (app), cell0) != NULL,
                "a window showing cell 0 from the diagram");
  }

  /* coloured by a measure's peak: every NAME_peak of the summary is a choice, named by the
   * measure's column title, and choosing one makes it the figure's outcome */
  {
    GtkDropDown *colour = drop_starting (GTK_WIDGET (sw), "Phase");
    GrokSweepFigure *figure;
    guint loss, l2;

    g_assert_nonnull (colour);
    g_assert_cmpuint (drop_choice (colour, "Steps to generalise"), !=, G_MAXUINT);
    loss = drop_choice (colour, "Peak of Test loss (nats)");
    l2 = drop_choice (colour, "Peak of L2 norm");
    g_assert_cmpuint (loss, !=, G_MAXUINT);
    g_assert_cmpuint (l2, !=, G_MAXUINT);
    /* the LMN findings' r at the loss's peak is no measure's peak */
    g_assert_cmpuint (drop_choice (colour, "Peak of r_lmn_test_loss"), ==, G_MAXUINT);
    gtk_drop_down_set_selected (colour, loss);
    SPIN_UNTIL ((figure = grok_sweep_window_get_figure (sw)) != NULL && figure->by_outcome &&
                g_strcmp0 (figure->outcome, "test_loss_peak") == 0,
                "the diagram coloured by the test loss's peak");
    gtk_drop_down_set_selected (colour, l2);
    SPIN_UNTIL ((figure = grok_sweep_window_get_figure (sw)) != NULL && figure->by_outcome &&
                g_strcmp0 (figure->outcome, "l2_norm_peak") == 0,
                "the diagram coloured by the L2 norm's peak");
    gtk_drop_down_set_selected (colour, 0);
    SPIN_UNTIL ((figure = grok_sweep_window_get_figure (sw)) != NULL && !figure->by_outcome,
                "the diagram coloured by phase again");
  }
  last = g_strdup (grok_sweep_window_cell_text (sw, 3, "final_step"));
  g_assert_cmpstr (last, ==, "60");

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL;
       l = gtk_application_get_windows (GTK_APPLICATION (app)))
    gtk_window_destroy (l->data);
  spin (20);
  remove_tree (parent);
}

/* the pointer moved to (x, y) over the view, as a motion event would say */
static void
pointer_at (GtkWidget *area, double x, double y)
{
  g_signal_emit_by_name (find_controller (area, GTK_TYPE_EVENT_CONTROLLER_MOTION, G_MAXUINT),
                         "motion", x, y);
}

static void
pointer_leaves (GtkWidget *area)
{
  g_signal_emit_by_name (find_controller (area, GTK_TYPE_EVENT_CONTROLLER_MOTION, G_MAXUINT),
                         "leave");
}

/* the figure of the view's present state drawn and shown */
static void
spin_until_drawn (GtkWidget *area)
{
  spin (5);
  SPIN_UNTIL (!grok_curves_view_is_drawing (GROK_CURVES_VIEW (area)), "the curves' drawing");
  spin (20);
}

/* every panel's step axis is the same: one range, one mapping */
static void
assert_one_step_axis (GtkWidget *area, double *x_min, double *x_max)
{
  const GrokPlotGeometry *panels;
  guint n = grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);

  g_assert_cmpuint (n, >=, 2);
  for (guint p = 1; p < n; p++)
    {
      g_assert_cmpfloat (panels[p].x_min, ==, panels[0].x_min);
      g_assert_cmpfloat (panels[p].x_max, ==, panels[0].x_max);
      g_assert_cmpfloat (panels[p].width, ==, panels[0].width);
    }
  *x_min = panels[0].x_min;
  *x_max = panels[0].x_max;
}

static GrokWindow *
window_with_folder (AdwApplication *app, const char *dir)
{
  GrokWindow *window = new_window (app);
  GtkWidget *area = grok_window_get_curves_area (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", dir);
  spin_until_allocated (area);
  spin_until_drawn (area);
  return window;
}

/* A scroll over a panel narrows the step range of every panel alike, around the step under the
 * pointer; a drag pans it; a double-click shows every step again */
static void
test_curves_zoom_pan_reset (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTestZoom", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ();
  GrokWindow *window = window_with_folder (app, dir);
  GtkWidget *area = grok_window_get_curves_area (window);
  const GrokPlotGeometry *panels;
  double full_min, full_max, x_min, x_max, from, to, px, under;
  gboolean stop;

  assert_one_step_axis (area, &full_min, &full_max);
  g_assert_cmpfloat (full_max, >=, 120);
  grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);
  /* the pointer over the second panel, at step 30 */
  px = grok_plot_geometry_x_to_px (&panels[1], 30);
  pointer_at (area, px, panels[1].top + panels[1].height / 2);
  g_signal_emit_by_name (find_controller (area, GTK_TYPE_EVENT_CONTROLLER_SCROLL, G_MAXUINT),
                         "scroll", 0.0, -2.0, &stop);
  spin_until_drawn (area);
  grok_curves_view_get_step_range (GROK_CURVES_VIEW (area), &from, &to);
  g_test_message ("zoomed: %g .. %g", from, to);
  g_assert_true (from > 0 && to < 120 && from < 30 && to > 30);
  assert_one_step_axis (area, &x_min, &x_max);
  g_assert_cmpfloat (x_min, ==, from);
  g_assert_cmpfloat (x_max, ==, to);
  /* the step under the pointer stayed under it, but for the slot of step 0 that a zoomed axis
   * no longer has (a few percent of the axis) */
  grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);
  under = grok_plot_geometry_px_to_x (&panels[1], px);
  g_assert_cmpfloat (fabs (under - 30), <, 0.05 * 30);

  /* dragged left by a tenth of the axis: later steps come into view */
  {
    GtkEventController *drag = find_controller (area, GTK_TYPE_GESTURE_DRAG, G_MAXUINT);
    double x0 = panels[0].left + panels[0].width / 2, y0 = panels[0].top + 10;
    double f_from, f_to;
    g_signal_emit_by_name (drag, "drag-begin", x0, y0);
    g_signal_emit_by_name (drag, "drag-update", -panels[0].width / 10, 0.0);
    spin_until_drawn (area);
    grok_curves_view_get_step_range (GROK_CURVES_VIEW (area), &f_from, &f_to);
    g_test_message ("panned: %g .. %g", f_from, f_to);
    g_assert_cmpfloat (f_from, >, from);
    g_assert_cmpfloat (f_to, >, to);
    assert_one_step_axis (area, &x_min, &x_max);
    g_assert_cmpfloat (x_min, ==, f_from);
  }

  /* a double-click: every step again */
  grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);
  g_signal_emit_by_name (find_controller (area, GTK_TYPE_GESTURE_CLICK, GDK_BUTTON_PRIMARY),
                         "pressed", 2, panels[0].left + 20, panels[0].top + 20);
  spin_until_drawn (area);
  grok_curves_view_get_step_range (GROK_CURVES_VIEW (area), &from, &to);
  g_assert_true (isnan (from) && isnan (to));
  assert_one_step_axis (area, &x_min, &x_max);
  g_assert_cmpfloat (x_min, ==, full_min);
  g_assert_cmpfloat (x_max, ==, full_max);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (dir);
}

/* the debiased moving average of a column, written out here on its own */
static double
ema_at (const GrokMetrics *m, const char *column, guint row, double w)
{
  int c = grok_metrics_column_index (m, column);
  double s = 0, wt = 1;

  for (guint r = 0; r <= row; r++)
    {
      s = w * s + (1 - w) * grok_metrics_get (m, r, c);
      wt *= w;
    }
  return s / (1 - wt);
}

/* The readout beside the pointer lists every series drawn, with its value at the step nearest
 * the pointer; with smoothing from the series menu, the smoothed value too, which is the
 * debiased moving average of the rows */
static void
test_curves_readout_and_smoothing (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTestReadout", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ();
  GrokWindow *window = window_with_folder (app, dir);
  GtkWidget *area = grok_window_get_curves_area (window);
  const GrokMetrics *m = grok_window_get_snapshot (window)->metrics;
  const char *columns[] = { "train_loss", "test_loss", "train_acc", "test_acc" };
  const char *names[] = { "Loss train", "Loss test", "Accuracy train", "Accuracy test" };
  const GrokPlotGeometry *panels;
  GtkWidget *menu, *scale;
  int row = 2, sc = grok_metrics_column_index (m, "step");  /* left of the middle: the readout fits on the right */
  double step = grok_metrics_get (m, row, sc);

  uncheck (GTK_WIDGET (window), "Measures (complexity, LMN, ...)");
  spin_until_drawn (area);
  grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);
  /* a little right of the row's step: the nearest row is still that one */
  pointer_at (area, grok_plot_geometry_x_to_px (&panels[0], step) + 2,
              panels[0].top + panels[0].height / 2);
  /* the readout is made when the view is next drawn */
  SPIN_UNTIL (grok_curves_view_get_readout (GROK_CURVES_VIEW (area)) != NULL, "the readout");
  {
    const char *readout = grok_curves_view_get_readout (GROK_CURVES_VIEW (area));
    g_autofree char *head = g_strdup_printf ("step %.0f\n", step);
    g_assert_nonnull (readout);
    g_test_message ("%s", readout);
    g_assert_true (g_str_has_prefix (readout, head));
    for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
      {
        g_autofree char *line = g_strdup_printf ("\n%s  %.4g", names[i],
                                                 grok_metrics_get (m, row, grok_metrics_column_index (m, columns[i])));
        g_assert_nonnull (strstr (readout, line));
      }
    g_assert_null (strstr (readout, "smoothed"));
    /* and it is drawn beside the pointer: the train colour's swatch right of it */
    {
      g_autoptr (GdkTexture) texture = render_widget (area);
      g_autofree guchar *pixels = NULL;
      GrokFigureStyle style;
      int w, h, px = (int) grok_plot_geometry_x_to_px (&panels[0], step) + 2;
      gsize stride;
      pixels = download (texture, &w, &h, &stride);
      grok_figure_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                        ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
      save_texture (texture, "gui-curves-readout.png");
      g_assert_cmpint (count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 0),
                                     px + 16, MIN (px + 40, w)), >, 50);
    }
  }

  /* smoothing from the series menu's scale */
  /* the series menu (⋮), last of the page's buttons */
  menu = gtk_widget_get_last_child (gtk_widget_get_next_sibling (gtk_widget_get_ancestor (area, GTK_TYPE_STACK)));
  g_assert_true (GTK_IS_MENU_BUTTON (menu));
  scale = find_type (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu))), GTK_TYPE_SCALE);
  g_assert_nonnull (scale);
  gtk_range_set_value (GTK_RANGE (scale), 0.6);
  spin_until_drawn (area);
  g_assert_cmpfloat (grok_curves_view_get_options (GROK_CURVES_VIEW (area))->smoothing, ==, 0.6);
  pointer_at (area, grok_plot_geometry_x_to_px (&panels[0], step) + 1,
              panels[0].top + panels[0].height / 2);
  SPIN_UNTIL (grok_curves_view_get_readout (GROK_CURVES_VIEW (area)) != NULL &&
                  strstr (grok_curves_view_get_readout (GROK_CURVES_VIEW (area)), "(smoothed") != NULL,
              "the smoothed readout");
  {
    const char *readout = grok_curves_view_get_readout (GROK_CURVES_VIEW (area));
    g_test_message ("%s", readout);
    for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
      {
        g_autofree char *line = g_strdup_printf ("\n%s  %.4g  (smoothed %.4g)", names[i],
                                                 grok_metrics_get (m, row, grok_metrics_column_index (m, columns[i])),
                                                 ema_at (m, columns[i], row, 0.6));
        g_assert_nonnull (strstr (readout, line));
      }
  }
  pointer_leaves (area);
  SPIN_UNTIL (grok_curves_view_get_readout (GROK_CURVES_VIEW (area)) == NULL, "the readout gone");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (dir);
}

/* A stored checkpoint browsed with the step scale: the curves still draw the whole run, over
 * the same steps, with a line at the browsed step in every panel */
static void
test_curves_browsed_checkpoint (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTestBrowse", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ();
  GrokWindow *window = window_with_folder (app, dir);
  GtkWidget *area = grok_window_get_curves_area (window);
  GtkAdjustment *adj = gtk_range_get_adjustment (GTK_RANGE (find_type (GTK_WIDGET (window), GTK_TYPE_SCALE)));
  const GrokPlotGeometry *panels;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  GrokFigureStyle style;
  GrokPalette palette;
  double full_min, full_max, x_min, x_max;
  gint64 browsed;
  int w, h;
  gsize stride;
  guint n;

  uncheck (GTK_WIDGET (window), "Measures (complexity, LMN, ...)");
  spin_until_drawn (area);
  assert_one_step_axis (area, &full_min, &full_max);
  gtk_adjustment_set_value (adj, 50);
  SPIN_UNTIL (grok_window_get_snapshot (window)->train_step < 120, "the browsed checkpoint");
  browsed = grok_window_get_snapshot (window)->train_step;
  g_assert_cmpint (browsed, <, 120);
  g_assert_cmpint (browsed, >, 10);
  spin_until_drawn (area);
  g_assert_true (grok_curves_view_get_options (GROK_CURVES_VIEW (area))->show_cursor);
  g_assert_cmpfloat (grok_curves_view_get_options (GROK_CURVES_VIEW (area))->cursor_step, ==, browsed);
  /* the whole run's steps, not those up to the checkpoint */
  assert_one_step_axis (area, &x_min, &x_max);
  g_assert_cmpfloat (x_min, ==, full_min);
  g_assert_cmpfloat (x_max, ==, full_max);

  pointer_leaves (area);
  texture = render_widget (area);
  save_texture (texture, "gui-curves-browsed.png");
  pixels = download (texture, &w, &h, &stride);
  grok_figure_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                    ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
  grok_figure_style_palette (&style, &palette);
  n = grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);
  for (guint p = 0; p < n; p++)
    {
      int px = (int) round (grok_plot_geometry_x_to_px (&panels[p], browsed));
      int hits = 0, rows = 0;
      /* the cursor: a grey line of the text's colour (antialiased, so lighter at its edges)
       * down the column at the browsed step, well away from the background's */
      for (int y = (int) (panels[p].top + 0.3 * panels[p].height); y < panels[p].top + panels[p].height - 2; y++, rows++)
        for (int dx = -1; dx <= 1; dx++)
          {
            const guchar *q = pixels + y * stride + 4 * (px + dx);
            int hi = MAX (q[0], MAX (q[1], q[2])), lo = MIN (q[0], MIN (q[1], q[2]));
            if (hi - lo < 30 && abs (hi - (int) (255 * palette.foreground.r)) < 110 &&
                abs (hi - (int) (255 * palette.background.r)) > 100)
              {
                hits++;
                break;
              }
          }
      g_test_message ("panel %u: cursor in %d of %d rows", p, hits, rows);
      g_assert_cmpint (hits, >, rows * 0.8);
      /* the curves go on after it: train-coloured pixels right of the cursor */
      g_assert_cmpint (count_colour (pixels, w, (int) (panels[p].top + panels[p].height), stride,
                                     grok_figure_style_series_color (&style, 0), px + 10,
                                     (int) (panels[p].left + panels[p].width)), >, 30);
    }

  /* back at the scale's end, no cursor */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  spin_until_drawn (area);
  g_assert_false (grok_curves_view_get_options (GROK_CURVES_VIEW (area))->show_cursor);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (dir);
}

/* the widget GTK shows a toast in */
static GtkWidget *
find_type_named (GtkWidget *root, const char *name)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), name))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type_named (child, name);
      if (found)
        return found;
    }
  return NULL;
}

/* a toast is shown below the curves, never over a panel */
static void
test_curves_toast_clear_of_plots (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.GuiTestToast", G_APPLICATION_NON_UNIQUE);
  g_autofree char *dir = make_run_folder ();
  GrokWindow *window = window_with_folder (app, dir);
  GtkWidget *area = grok_window_get_curves_area (window);
  AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (find_type (GTK_WIDGET (window), ADW_TYPE_TOAST_OVERLAY));
  const GrokPlotGeometry *panels;
  GtkWidget *toast = NULL;
  graphene_rect_t t, a;
  guint n;

  adw_toast_overlay_add_toast (overlay, adw_toast_new ("Generalised at step 880: test accuracy 0.99"));
  SPIN_UNTIL ((toast = find_type_named (GTK_WIDGET (overlay), "AdwToastWidget")) != NULL &&
              gtk_widget_get_height (toast) > 0, "the toast to be shown");
  spin (50);
  g_assert_true (gtk_widget_compute_bounds (toast, GTK_WIDGET (window), &t));
  g_assert_true (gtk_widget_compute_bounds (area, GTK_WIDGET (window), &a));
  n = grok_curves_view_get_panels (GROK_CURVES_VIEW (area), &panels);
  g_test_message ("toast %g..%g, curves %g..%g", t.origin.y, t.origin.y + t.size.height,
                  a.origin.y, a.origin.y + a.size.height);
  g_assert_cmpuint (n, >, 0);
  /* below the whole view, axis labels included */
  g_assert_cmpfloat (t.origin.y, >=, a.origin.y + a.size.height);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window/train-quick-draws-curves", test_train_quick_draws_curves);
  g_test_add_func ("/ui/window/xor2d-weights-and-regions", test_xor2d_weights_and_regions);
  g_test_add_func ("/ui/window/open-then-train", test_open_then_train);
  g_test_add_func ("/ui/window/recent-then-ctrl-return", test_recent_then_ctrl_return);
  g_test_add_func ("/ui/app/launch-with-folder", test_launch_with_folder);
  g_test_add_func ("/ui/window/follows-cli-run", test_follows_cli_run);
  g_test_add_func ("/ui/sweep/table-live-and-phase", test_sweep_window);
  g_test_add_func ("/ui/curves/zoom-pan-reset", test_curves_zoom_pan_reset);
  g_test_add_func ("/ui/curves/readout-and-smoothing", test_curves_readout_and_smoothing);
  g_test_add_func ("/ui/curves/browsed-checkpoint", test_curves_browsed_checkpoint);
  g_test_add_func ("/ui/curves/toast-clear-of-plots", test_curves_toast_clear_of_plots);
  g_test_add_func ("/ui/computed-view/reads-views-file", test_computed_view_reads_views_file);
  return g_test_run ();
}
