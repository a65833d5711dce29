/* Figures from the window: the scatter page (one metrics column against another, as
 * grokscope-cli figure --view scatter draws it), the curves' panels chosen in a popover, and
 * the export dialog: its preview against the file it writes, and what each of its rows changes
 * in that file. Driven through the real widgets under a virtual display. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "grok-export-dialog.h"
#include "grok-measures.h"
#include "grok-run-dir.h"
#include "grok-window-private.h"
#include "gui-helpers.h"
#include "wait-helpers.h"

static char *run_parent, *run_dir;   /* a finished run of the quick preset, made once */

static void
run_cli (const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) g_getenv ("GROK_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (argv->pdata[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("grokscope-cli %s failed: %s", args[0], err);
}

/* a finished run with every measure the quick preset takes */
static const char *
quick_run (void)
{
  if (run_dir == NULL)
    {
      run_parent = g_dir_make_tmp ("grok-figure-window-XXXXXX", NULL);
      run_dir = g_build_filename (run_parent, "run", NULL);
      run_cli ((const char *[]) { "train", "quick", "--out", run_dir, "--quiet", "--steps", "300",
                                  NULL });
    }
  return run_dir;
}

static GrokWindow *
open_window (AdwApplication *app, const char *dir)
{
  GrokWindow *window;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  SPIN_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), "the window to be shown");
  g_assert_true (grok_window_open (window, dir));
  SPIN_UNTIL (grok_window_get_snapshot (window) != NULL, "the run to be shown");
  spin (50);
  return window;
}

/* the button (a stack switcher's, a menu's) whose label reads text */
static GtkWidget *
find_button_labelled (GtkWidget *root, const char *text)
{
  GtkWidget *label = find_label (root, text);

  while (label != NULL && !GTK_IS_BUTTON (label))
    label = gtk_widget_get_parent (label);
  return label;
}

/* the preferences row titled title */
static GtkWidget *
find_row (GtkWidget *root, const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);
      if (found)
        return found;
    }
  return NULL;
}

static GtkCheckButton *
row_check (GtkWidget *dialog, const char *title)
{
  GtkWidget *row = find_row (dialog, title);

  if (row == NULL)
    g_error ("no row '%s' in the dialog", title);
  return GTK_CHECK_BUTTON (find_type (row, GTK_TYPE_CHECK_BUTTON));
}

/* the check button labelled label, anywhere under root */
static GtkCheckButton *
find_check (GtkWidget *root, const char *label)
{
  if (GTK_IS_CHECK_BUTTON (root) &&
      g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (root)), label) == 0)
    return GTK_CHECK_BUTTON (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *found = find_check (child, label);
      if (found)
        return found;
    }
  return NULL;
}

/* the position of text in a drop-down's list of strings */
static guint
drop_position (GtkDropDown *drop, const char *text)
{
  GListModel *model = gtk_drop_down_get_model (drop);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text) == 0)
      return i;
  g_error ("no '%s' in the drop-down", text);
}

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* the width and height in a PNG's IHDR chunk, read from the bytes */
static void
png_size (const char *path, guint32 *width, guint32 *height)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  const guchar *p;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 24);
  p = (const guchar *) data;
  g_assert_cmpint (memcmp (p + 12, "IHDR", 4), ==, 0);
  *width = (guint32) p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
  *height = (guint32) p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23];
}

/* the svg element's width attribute */
static char *
svg_width (const char *path)
{
  g_autofree char *text = read_text (path);
  const char *svg = strstr (text, "<svg"), *w, *end;

  g_assert_nonnull (svg);
  w = strstr (svg, " width=\"");
  g_assert_nonnull (w);
  w += 8;
  end = strchr (w, '"');
  return g_strndup (w, end - w);
}

/* the bold <text> elements of an SVG, in order: the panels' titles */
static GPtrArray *
svg_titles (const char *path)
{
  g_autofree char *text = read_text (path);
  GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);

  for (const char *p = text; (p = strstr (p, "<text")) != NULL; p++)
    {
      const char *close = strchr (p, '>'), *end;
      g_autofree char *head = g_strndup (p, close - p);
      if (strstr (head, "font-weight=\"bold\"") == NULL)
        continue;
      end = strstr (close, "</text>");
      g_ptr_array_add (titles, g_strndup (close + 1, end - close - 1));
    }
  return titles;
}

/* whether an SVG's words are visible <text> elements: with glyph outlines for the words,
 * the text elements are only a transparent layer for search, and the glyphs are drawn */
static gboolean
has_text_elements (const char *path)
{
  g_autofree char *text = read_text (path);
  gboolean transparent = strstr (text, "<g id=\"grok-text\" fill-opacity=\"0\">") != NULL;
  gboolean glyphs = strstr (text, "id=\"glyph") != NULL;

  g_assert_nonnull (strstr (text, "<text"));
  g_assert_true (transparent == glyphs);
  return !transparent;
}

/* the titles drawn are those of the panels named, in order (a title may add to the name's:
 * "LMN (256 points)"; a title broken in two lines is joined) */
static void
assert_titles (const char *svg, const char * const *panels)
{
  g_autoptr (GPtrArray) lines = svg_titles (svg);
  g_autoptr (GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length ((char **) panels);

  for (guint i = 0; i < lines->len; i++)
    g_test_message ("%s: title line %s", svg, (char *) lines->pdata[i]);
  for (guint i = 0, j = 0; i < lines->len; i++)
    {
      const char *name = j < n ? grok_curves_panel_title (panels[j]) : "";
      g_autofree char *joined = g_strdup (lines->pdata[i]);
      /* the next line goes on while the name goes on past this one */
      while (i + 1 < lines->len && strlen (joined) < strlen (name)
             && g_str_has_prefix (name, joined))
        {
          char *longer = g_strdup_printf ("%s %s", joined, (char *) lines->pdata[++i]);
          g_free (joined);
          joined = longer;
        }
      g_ptr_array_add (titles, g_steal_pointer (&joined));
      j++;
    }
  g_assert_cmpuint (titles->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (g_str_has_prefix (titles->pdata[i], grok_curves_panel_title (panels[i])));
}

static void
wait_preview (GtkWidget *dialog)
{
  SPIN_UNTIL (!grok_export_dialog_preview_pending (dialog) &&
              grok_export_dialog_get_preview (dialog) != NULL, "the export preview");
}

/* the preview's pixels against those of the PNG the dialog writes at the same settings */
static void
assert_preview_is_file (GtkWidget *dialog, const char *png)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) file = NULL;
  GdkTexture *preview;
  int w, h;
  g_autofree guchar *a = NULL, *b = NULL;

  wait_preview (dialog);
  g_assert_true (grok_export_dialog_write (dialog, png, &error));
  g_assert_no_error (error);
  file = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  preview = grok_export_dialog_get_preview (dialog);
  w = gdk_texture_get_width (file);
  h = gdk_texture_get_height (file);
  g_assert_cmpint (gdk_texture_get_width (preview), ==, w);
  g_assert_cmpint (gdk_texture_get_height (preview), ==, h);
  a = g_malloc ((gsize) w * h * 4);
  b = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (preview, a, (gsize) w * 4);
  gdk_texture_download (file, b, (gsize) w * 4);
  g_assert_cmpint (memcmp (a, b, (gsize) w * h * 4), ==, 0);
}

/* Pearson's r of the CSV's rows (step,X,Y), two-pass, as a reader of the file computes it */
static double
csv_pearson (const char *csv, guint *n_out)
{
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_autoptr (GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ys = g_array_new (FALSE, FALSE, sizeof (double));
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = NULL;
      double x, y;
      if (lines[i][0] == '#' || lines[i][0] == '\0' || g_str_has_prefix (lines[i], "step,"))
        continue;
      f = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      x = g_ascii_strtod (f[1], NULL);
      y = g_ascii_strtod (f[2], NULL);
      g_array_append_val (xs, x);
      g_array_append_val (ys, y);
    }
  for (guint i = 0; i < xs->len; i++)
    mx += g_array_index (xs, double, i) / xs->len, my += g_array_index (ys, double, i) / ys->len;
  for (guint i = 0; i < xs->len; i++)
    {
      double dx = g_array_index (xs, double, i) - mx, dy = g_array_index (ys, double, i) - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
  *n_out = xs->len;
  return sxy / sqrt (sxx * syy);
}

/* the scatter page: by default LMN against the test loss; chosen columns in its drop-downs;
 * the same r and points as grokscope-cli's scatter of the same run; exported through the
 * dialog as the same CSV, and its preview as the PNG written */
static void
test_scatter_page (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.TestScatter", G_APPLICATION_NON_UNIQUE);
  const char *dir = quick_run ();
  g_autofree char *cli_csv = g_build_filename (run_parent, "cli-scatter.csv", NULL);
  g_autofree char *win_csv = g_build_filename (run_parent, "window-scatter.csv", NULL);
  g_autofree char *win_png = g_build_filename (run_parent, "window-scatter.png", NULL);
  g_autofree char *cli_text = NULL, *win_text = NULL;
  GrokWindow *window = open_window (app, dir);
  GtkWidget *button, *dialog;
  GtkDropDown *x_drop;
  const char *r_line;
  double r_window, r_file, r_rows;
  guint n_window, n_rows;

  g_settings_set_double (window->settings, "export-dpi", 100);
  g_settings_set_string (window->settings, "export-size", "6x4in");
  button = find_button_labelled (GTK_WIDGET (window), "Scatter");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  SPIN_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (window->curves_mode), "scatter") == 0,
              "the scatter page");
  g_assert_cmpstr (grok_scatter_view_get_x (window->scatter_view), ==, "lmn");
  g_assert_cmpstr (grok_scatter_view_get_y (window->scatter_view), ==, "test_loss");
  /* the panels are the curves' choice, not the scatter's */
  g_assert_false (gtk_widget_get_visible (window->panels_button));

  /* the L2 norm along x, chosen by its display name */
  x_drop = GTK_DROP_DOWN (find_type (GTK_WIDGET (window->scatter_view), GTK_TYPE_DROP_DOWN));
  gtk_drop_down_set_selected (x_drop, drop_position (x_drop, grok_column_title ("l2_norm")));
  g_assert_cmpstr (grok_scatter_view_get_x (window->scatter_view), ==, "l2_norm");
  g_assert_cmpstr (grok_scatter_view_get_y (window->scatter_view), ==, "test_loss");
  save_widget (GTK_WIDGET (window), "figure-window-scatter.png");

  run_cli ((const char *[]) { "figure", dir, "--view", "scatter", "--x", "l2_norm", "--y",
                              "test_loss", "--out", cli_csv, NULL });
  cli_text = read_text (cli_csv);
  r_line = strstr (cli_text, "# pearson_r=");
  g_assert_nonnull (r_line);
  r_file = g_ascii_strtod (r_line + strlen ("# pearson_r="), NULL);
  r_window = grok_scatter_view_get_pearson (window->scatter_view, &n_window);
  r_rows = csv_pearson (cli_text, &n_rows);
  g_test_message ("r: window %.12g, CLI's comment %.12g, its rows %.12g; %u points", r_window,
                  r_file, r_rows, n_window);
  g_assert_cmpuint (n_window, ==, n_rows);
  g_assert_cmpuint (n_rows, >=, 10);
  g_assert_cmpfloat (fabs (r_window - r_file), <=, 1e-8);
  g_assert_cmpfloat (fabs (r_window - r_rows), <=, 1e-8);

  /* exported from the window: the CLI's CSV, byte for byte, and a PNG that is its preview */
  dialog = _grok_window_export (window, FALSE);
  g_assert_true (grok_export_dialog_write (dialog, win_csv, NULL));
  win_text = read_text (win_csv);
  g_assert_cmpstr (win_text, ==, cli_text);
  assert_preview_is_file (dialog, win_png);
  g_assert_true (g_str_has_prefix (grok_export_dialog_get_caption (dialog), "600 × 400 px at 100 DPI"));
  save_widget (dialog, "figure-window-export-scatter.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

/* the panels chosen in the curves' popover are the panels drawn, and the export dialog's
 * panels start as the screen's; then each row of the dialog changes the file it writes: the
 * venue its size, the panels the titles drawn, SVG text its <text> elements. And the preview
 * is the PNG written at every step. */
static void
test_export_dialog_rows (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.TestExportRows", G_APPLICATION_NON_UNIQUE);
  const char *dir = quick_run ();
  g_autofree char *png = g_build_filename (run_parent, "rows.png", NULL);
  g_autofree char *svg = g_build_filename (run_parent, "rows.svg", NULL);
  GrokWindow *window = open_window (app, dir);
  g_autoptr (GPtrArray) choices = NULL;
  g_auto (GStrv) shown = NULL;
  GtkWidget *popover, *dialog;
  GtkCheckButton *check;
  guint32 w, h;
  guint n_checked;

  g_settings_set_double (window->settings, "export-dpi", 100);
  g_settings_set_string (window->settings, "export-size", "6x4in");
  g_settings_set_boolean (window->settings, "export-svg-text", FALSE);

  /* the curves without their accuracy panel, chosen in the panels popover */
  popover = GTK_WIDGET (window->panels_popover);
  gtk_popover_popup (GTK_POPOVER (popover));
  SPIN_UNTIL (gtk_widget_get_mapped (popover), "the panels popover");
  check = find_check (popover, "Accuracy");
  g_assert_nonnull (check);
  g_assert_true (gtk_check_button_get_active (check));
  gtk_check_button_set_active (check, FALSE);
  save_widget (popover, "figure-window-panels-popover.png");
  gtk_popover_popdown (GTK_POPOVER (popover));
  shown = grok_curves_view_dup_shown_panels (window->curves_view);
  g_assert_true (g_strv_contains ((const char * const *) shown, "loss"));
  g_assert_false (g_strv_contains ((const char * const *) shown, "accuracy"));
  g_assert_cmpuint (g_strv_length (shown), >=, 6);
  SPIN_UNTIL (!grok_curves_view_is_drawing (window->curves_view), "the curves' drawing");
  save_widget (GTK_WIDGET (window), "figure-window-curves.png");

  /* the dialog's panels: the screen's */
  dialog = _grok_window_export (window, FALSE);
  choices = grok_curves_panel_choices (grok_window_get_snapshot (window)->metrics);
  for (guint c = 0; c < choices->len; c++)
    g_assert_cmpint (gtk_check_button_get_active (row_check (dialog, grok_curves_panel_title (choices->pdata[c]))),
                     ==, g_strv_contains ((const char * const *) shown, choices->pdata[c]));
  assert_preview_is_file (dialog, png);
  png_size (png, &w, &h);
  g_assert_cmpuint (w, ==, 600);
  g_assert_cmpuint (h, ==, 400);

  /* For: ICML's column, 3.25 in at the golden ratio, the screen's first four panels */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (dialog, "For")), 1 + GROK_SIZE_ICML_COLUMN);
  n_checked = 0;
  for (guint c = 0; c < choices->len; c++)
    n_checked += gtk_check_button_get_active (row_check (dialog, grok_curves_panel_title (choices->pdata[c])));
  g_assert_cmpuint (n_checked, ==, 4);
  assert_preview_is_file (dialog, png);
  png_size (png, &w, &h);
  g_assert_cmpuint (w, ==, 325);
  g_assert_cmpuint (h, ==, (guint32) lround (3.25 / ((1 + sqrt (5)) / 2) * 100));
  g_assert_true (grok_export_dialog_write (dialog, svg, NULL));
  {
    g_autofree char *width = svg_width (svg);
    g_assert_cmpstr (width, ==, "234pt");
  }
  /* glyph outlines: no text elements */
  g_assert_false (has_text_elements (svg));

  /* ICML's two columns: 6.75 in; SVG text on: text elements, the four panels' titles */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (dialog, "For")), 1 + GROK_SIZE_ICML_PAGE);
  gtk_widget_activate (find_row (dialog, "SVG text as text"));
  g_assert_true (g_settings_get_boolean (window->settings, "export-svg-text"));
  g_assert_true (grok_export_dialog_write (dialog, svg, NULL));
  {
    g_autofree char *width = svg_width (svg);
    g_assert_cmpstr (width, ==, "486pt");
  }
  /* a size with room for every panel: the screen's again, nobody having chosen */
  g_assert_true (has_text_elements (svg));
  assert_titles (svg, (const char * const *) shown);
  /* the panels as checked: the loss off, the accuracy on */
  gtk_check_button_set_active (row_check (dialog, "Loss"), FALSE);
  gtk_check_button_set_active (row_check (dialog, "Accuracy"), TRUE);
  g_assert_true (grok_export_dialog_write (dialog, svg, NULL));
  {
    g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
    g_auto (GStrv) now = NULL;
    g_strv_builder_add (builder, "accuracy");
    g_strv_builder_addv (builder, (const char **) shown + 1);
    now = g_strv_builder_end (builder);
    assert_titles (svg, (const char * const *) now);
  }
  /* chosen panels stay chosen on another size */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (dialog, "For")), 1 + GROK_SIZE_ICML_COLUMN);
  g_assert_false (gtk_check_button_get_active (row_check (dialog, "Loss")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (dialog, "For")), 1 + GROK_SIZE_ICML_PAGE);
  assert_preview_is_file (dialog, png);
  png_size (png, &w, &h);
  g_assert_cmpuint (w, ==, 675);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (find_row (dialog, "Curves: panels")), TRUE);
  save_widget (dialog, "figure-window-export-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Export Every View: the same panels, its preview the curves' PNG of the folder */
  dialog = _grok_window_export (window, TRUE);
  g_assert_true (gtk_check_button_get_active (row_check (dialog, "Accuracy")) !=
                 gtk_check_button_get_active (row_check (dialog, "Loss")));
  wait_preview (dialog);
  {
    g_autofree char *folder = g_build_filename (run_parent, "every-view", NULL);
    g_autofree char *name = g_strdup_printf ("curves-step%" G_GINT64_FORMAT ".png",
                                             grok_window_get_snapshot (window)->train_step);
    g_autofree char *curves_png = g_build_filename (folder, name, NULL);
    g_autoptr (GdkTexture) file = NULL;
    g_assert_true (grok_export_dialog_write (dialog, folder, NULL));
    file = gdk_texture_new_from_filename (curves_png, NULL);
    g_assert_nonnull (file);
    g_assert_cmpint (gdk_texture_get_width (file), ==,
                     gdk_texture_get_width (grok_export_dialog_get_preview (dialog)));
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

/* a live run's new rows reach the scatter page */
static void
test_scatter_follows_live_run (void)
{
  g_autoptr (AdwApplication) app = adw_application_new ("org.grokscope.TestScatterLive", G_APPLICATION_NON_UNIQUE);
  GrokWindow *window;
  guint first;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = grok_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  SPIN_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), "the window to be shown");
  choose_preset (GTK_WIDGET (window), "quick");
  gtk_widget_activate (find_button_labelled (GTK_WIDGET (window), "Scatter"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  SPIN_UNTIL (grok_scatter_view_get_metrics (window->scatter_view) != NULL &&
              grok_scatter_view_get_metrics (window->scatter_view)->n_rows >= 2,
              "the scatter's first rows");
  first = grok_scatter_view_get_metrics (window->scatter_view)->n_rows;
  SPIN_UNTIL (grok_scatter_view_get_metrics (window->scatter_view)->n_rows > first,
              "rows past the first %u on the scatter page", first);
  g_assert_nonnull (grok_scatter_view_get_x (window->scatter_view));
  g_assert_cmpstr (grok_scatter_view_get_y (window->scatter_view), ==, "test_loss");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  SPIN_UNTIL (!grok_session_get_writing (grok_window_get_session (window)), "the run to stop");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/figure-window/scatter-page", test_scatter_page);
  g_test_add_func ("/ui/figure-window/export-dialog-rows", test_export_dialog_rows);
  g_test_add_func ("/ui/figure-window/scatter-follows-live-run", test_scatter_follows_live_run);
  status = g_test_run ();
  if (run_parent != NULL)
    remove_tree (run_parent);
  return status;
}
