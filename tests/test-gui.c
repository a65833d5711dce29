/* The real app under a display: press Train on the default preset, wait for training steps,
 * then render the curves view through GTK and check what a person would see. */
#include <adwaita.h>
#include <math.h>

#include "grok-figure-curves.h"
#include "grok-trainer.h"
#include "grok-window-private.h"

/* the first button whose action is action_name, searching the widget tree */
static GtkWidget *
find_button (GtkWidget *root, const char *action_name)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action_name);
      if (found)
        return found;
    }
  return NULL;
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

/* render a widget as GTK draws it on screen */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
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
  const char *out_dir = g_getenv ("GROK_TEST_OUTPUT");

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));

  train = find_button (GTK_WIDGET (window), "win.train");
  g_assert_nonnull (train);
  gtk_widget_activate (train);
  spin_until_step (window, 300, 120);

  /* let GTK lay out and draw the latest snapshot */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  area = grok_window_get_curves_area (window);
  texture = render_widget (area);
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  g_assert_cmpint (w, >, 400);
  g_assert_cmpint (h, >, 300);
  if (out_dir != NULL)
    {
      g_autofree char *path = g_build_filename (out_dir, "gui-curves.png", NULL);
      gdk_texture_save_to_png (texture, path);
    }
  stride = 4 * (gsize) w;
  pixels = g_malloc (stride * h);
  gdk_texture_download (texture, pixels, stride);

  /* the loss panel is the left half: the train series (colour 0) and the test series
   * (colour 1) are both drawn there, as lines of many pixels */
  grok_figure_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                    ? GROK_SCHEME_DARK : GROK_SCHEME_LIGHT);
  train_px = count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 0), 0, w / 2);
  test_px = count_colour (pixels, w, h, stride, grok_figure_style_series_color (&style, 1), 0, w / 2);
  g_test_message ("train-colour pixels %d, test-colour pixels %d", train_px, test_px);
  g_assert_cmpint (train_px, >, 200);
  g_assert_cmpint (test_px, >, 200);

  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window/train-quick-draws-curves", test_train_quick_draws_curves);
  return g_test_run ();
}
