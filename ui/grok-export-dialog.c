/* Figure export from the app. */
#include "grok-export-dialog.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "grok-fileio.h"
#include "grok-config-settings.h"
#include "grok-run-views.h"
#include "grok-curves-view.h"
#include "grok-measures.h"

/* what an export draws besides the view: the size, the text and style, and the curves' panels */
typedef struct
{
  double          width_in, height_in, dpi, font_size;
  GrokColorScheme scheme;
  guint           max_panels;   /* the curves' panel limit (a venue's); 0: every panel */
  char          **panels;       /* the curves' panels chosen, or NULL: the screen's */
  gboolean        svg_text;     /* SVG: text as <text> elements, not glyph outlines */
  char           *scatter_x;    /* the curves' view as a scatter of these columns, or NULL; */
  char           *scatter_end;  /* always NULL: ends scatter_x as a list of x columns */
  char           *scatter_y;
  gboolean        shared_scale; /* one colour scale for every panel with a colour bar */
} Drawing;

static gboolean
export_view (GrokSnapshot *snapshot, GrokView view, const char *run_name, GrokRunDir *dir,
             const GrokViewRecipe *recipe, const char *path, const Drawing *d, GError **error)
{
  GrokFigureRequest request;
  g_auto (GrokViewInput) input = { 0 };
  g_autoptr (GrokViewData) data = NULL;
  g_autofree char *step = g_strdup_printf ("%" G_GINT64_FORMAT, snapshot->train_step);
  g_autofree char *config = grok_config_to_string (snapshot->config);
  const char *pairs[] = { "Title", grok_view_name (view), "Run", run_name, "Step", step,
                          "Config", config, NULL };

  grok_config_view_input_init (&input, snapshot->config, snapshot->params, snapshot->train_step);
  if (dir != NULL)
    grok_run_dir_fill_view_input (dir, view, recipe, &input);
  data = grok_view_data_new (view, &input, recipe, error);
  if (data == NULL)
    return FALSE;
  grok_figure_request_init (&request, view);
  grok_figure_style_init (&request.style, d->scheme);
  request.style.font_size = d->font_size;
  request.curves.max_panels = d->max_panels;
  request.svg_text = d->svg_text;
  request.shared_scale = d->shared_scale;
  request.curves.panels = (const char * const *) d->panels;
  if (view == GROK_VIEW_CURVES && d->scatter_x != NULL && d->scatter_y != NULL)
    {
      request.scatter.x_columns = (const char * const *) &d->scatter_x;
      request.scatter.y_column = d->scatter_y;
    }
  request.metrics = snapshot->metrics;
  request.params = snapshot->params;
  grok_figure_request_set_data (&request, data);
  return grok_figure_export (path, &request, d->width_in, d->height_in, d->dpi, pairs, error);
}

static gboolean
export_all (GrokSnapshot *snapshot, const char *run_name, GrokRunDir *dir,
            const GrokViewRecipe *recipe, const char *folder, const Drawing *d,
            GPtrArray *written, GError **error)
{
  static const char * const formats[] = { "png", "svg", "pdf", "csv" };
  g_autofree char *config = grok_config_to_string (snapshot->config);
  /* named as in a run folder, so that the export reads like one */
  g_autofree char *config_path = grok_run_file_path (folder, GROK_RUN_FILE_CONFIG, 0);

  if (!grok_mkdir_p (folder, error))
    return FALSE;
  for (guint v = 0; v < GROK_N_VIEWS; v++)
    {
      if (!grok_config_view_applies (snapshot->config, v))
        continue;
      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          g_autofree char *name = g_strdup_printf ("%s-step%" G_GINT64_FORMAT ".%s",
                                                   grok_view_name (v), snapshot->train_step,
                                                   formats[f]);
          g_autofree char *path = g_build_filename (folder, name, NULL);
          if (!export_view (snapshot, v, run_name, dir, recipe, path, d, error))
            return FALSE;
          if (written != NULL)
            g_ptr_array_add (written, g_steal_pointer (&name));
        }
    }
  if (!grok_file_write_atomic (config_path, config, strlen (config), error))
    return FALSE;
  if (written != NULL)
    g_ptr_array_add (written, g_path_get_basename (config_path));
  return TRUE;
}

gboolean
grok_export_snapshot_view (GrokSnapshot *snapshot, GrokView view, const char *run_name,
                           GrokRunDir *dir, const GrokViewRecipe *recipe, const char *path,
                           double width_in, double height_in, double dpi, double font_size,
                           GrokColorScheme scheme, GError **error)
{
  Drawing d = { width_in, height_in, dpi, font_size, scheme, 0, NULL };

  return export_view (snapshot, view, run_name, dir, recipe, path, &d, error);
}

gboolean
grok_export_snapshot_all (GrokSnapshot *snapshot, const char *run_name, GrokRunDir *dir,
                          const GrokViewRecipe *recipe, const char *folder,
                          double width_in, double height_in, double dpi, double font_size,
                          GrokColorScheme scheme, GPtrArray *written, GError **error)
{
  Drawing d = { width_in, height_in, dpi, font_size, scheme, 0, NULL };

  return export_all (snapshot, run_name, dir, recipe, folder, &d, written, error);
}

/* ---- the interactive path ---- */

typedef struct
{
  GrokSnapshot   *snapshot;
  GrokView        view;
  gboolean        all;
  char           *run_name;
  char           *run_dir;
  GrokViewRecipe  recipe;
  char           *path;
  Drawing         drawing;
  AdwToastOverlay *toasts;   /* weak: may go away with its window */
} Job;

static void
job_free (Job *job)
{
  grok_snapshot_unref (job->snapshot);
  g_free (job->run_name);
  g_free (job->run_dir);
  g_free (job->path);
  g_strfreev (job->drawing.panels);
  g_free (job->drawing.scatter_x);
  g_free (job->drawing.scatter_y);
  g_clear_weak_pointer (&job->toasts);
  g_free (job);
}

/* the job's file (or folder), written now */
static gboolean
job_write (Job *job, GError **error)
{
  g_autoptr (GrokRunDir) dir = NULL;

  /* the run's folder, opened once for every view the job writes */
  if (job->run_dir != NULL && (dir = grok_run_dir_open (job->run_dir, error)) == NULL)
    return FALSE;
  return job->all
    ? export_all (job->snapshot, job->run_name, dir, &job->recipe, job->path, &job->drawing,
                  NULL, error)
    : export_view (job->snapshot, job->view, job->run_name, dir, &job->recipe, job->path,
                   &job->drawing, error);
}

static void
run_job (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (job_write (data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *base = g_path_get_basename (job->path);
      text = g_strdup_printf (job->all ? "Exported every view into %s" : "Exported %s", base);
    }
  else
    text = g_strdup (error->message);
  if (job->toasts != NULL)
    adw_toast_overlay_add_toast (job->toasts, adw_toast_new (text));
}

static GrokColorScheme
scheme_from_settings (GSettings *settings)
{
  g_autofree char *style = g_settings_get_string (settings, "export-style");
  return g_str_equal (style, "dark") ? GROK_SCHEME_DARK
         : g_str_equal (style, "light") ? GROK_SCHEME_LIGHT : GROK_SCHEME_PRINT;
}

static Job *
job_new (GSettings *settings, AdwToastOverlay *toasts, GrokSnapshot *snapshot, GrokView view,
         const char *run_name, const char *run_dir, const GrokViewRecipe *recipe, GError **error)
{
  Job *job = g_new0 (Job, 1);
  g_autofree char *size = g_settings_get_string (settings, "export-size");
  const GrokFigureSize *venue = grok_figure_size_lookup (size);

  job->drawing.dpi = g_settings_get_double (settings, "export-dpi");
  if (!grok_figure_parse_size (size, job->drawing.dpi, &job->drawing.width_in,
                               &job->drawing.height_in, error))
    {
      g_free (job);
      return NULL;
    }
  job->snapshot = grok_snapshot_ref (snapshot);
  job->view = view;
  job->run_name = g_strdup (run_name);
  job->run_dir = g_strdup (run_dir);
  job->recipe = *recipe;
  job->drawing.font_size = g_settings_get_double (settings, "export-font-size");
  job->drawing.scheme = scheme_from_settings (settings);
  job->drawing.svg_text = g_settings_get_boolean (settings, "export-svg-text");
  job->drawing.shared_scale = g_settings_get_boolean (settings, "export-shared-scale");
  job->drawing.max_panels = venue != NULL ? venue->max_panels : 0;
  g_set_weak_pointer (&job->toasts, toasts);
  return job;
}

static void
start_job (Job *job)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, job_done, NULL);

  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_name (task, "[grokscope] export");
  g_task_run_in_thread (task, run_job);
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, Job *job)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      job->path = g_file_get_path (file);
      start_job (job);
    }
  else
    job_free (job);
  g_object_unref (chooser);
}

static void
choose_and_export (GtkWindow *parent, Job *job, gboolean folder)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (folder ? "Export Every View Into a Folder" : "Export Figure",
                                 parent,
                                 folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                        : GTK_FILE_CHOOSER_ACTION_SAVE,
                                 "_Export", "_Cancel");

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (!folder)
    {
      g_autofree char *name = g_strdup_printf ("%s-%s-step%" G_GINT64_FORMAT ".pdf", job->run_name,
                                               job->drawing.scatter_y != NULL ? "scatter"
                                               : grok_view_name (job->view),
                                               job->snapshot->train_step);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* the options, their preview, then the chooser. Shared (a reference each) by the dialog and
 * the previews being drawn, which may finish after the dialog is gone. */
typedef struct
{
  GtkWindow       *parent;
  GSettings       *settings;
  AdwToastOverlay *toasts;
  GrokSnapshot    *snapshot;
  GrokView         view;
  gboolean         all;
  char            *run_name;
  char            *run_dir;
  char            *scatter_x, *scatter_y;  /* the screen's scatter, or NULL */
  GrokViewRecipe   recipe;    /* the screen's unless a person asks for more resolution */
  GtkWidget       *size_row;
  GtkWidget       *venue_row;   /* 0: a size of one's own, then the venues' sizes */
  GtkSpinButton   *points_spin, *raster_spin;  /* NULL when the export has no such view */
  GPtrArray       *panel_checks;  /* the curves' panels' check buttons; empty without curves */
  char           **screen_panels; /* the panels the screen shows, or NULL: every one */
  gboolean         panels_touched; /* a person checked or unchecked a panel */
  gboolean         setting_checks; /* the checks are being set by code */
  GtkWidget       *dialog;         /* weak */
  GtkPicture      *preview;
  GtkLabel        *caption;
  char            *preview_dir;  /* where previews are written before they are shown */
  guint            preview_timeout;
  guint            preview_asked, preview_shown, preview_files;
  gulong           settings_handler;
  gboolean         closed;
} Options;

static void
options_clear (Options *o)
{
  g_object_unref (o->settings);
  grok_snapshot_unref (o->snapshot);
  g_free (o->run_name);
  g_free (o->run_dir);
  g_free (o->scatter_x);
  g_free (o->scatter_y);
  g_ptr_array_unref (o->panel_checks);
  g_strfreev (o->screen_panels);
  g_clear_weak_pointer (&o->dialog);
  if (o->preview_dir != NULL)
    g_rmdir (o->preview_dir);
  g_free (o->preview_dir);
}

static Options *
options_ref (Options *o)
{
  return g_rc_box_acquire (o);
}

static void
options_unref (Options *o)
{
  g_rc_box_release_full (o, (GDestroyNotify) options_clear);
}

/* the spin buttons' values, text typed but not yet committed included */
static void
read_recipe (Options *o)
{
  if (o->points_spin != NULL)
    {
      gtk_spin_button_update (o->points_spin);
      o->recipe.lmn_points = gtk_spin_button_get_value_as_int (o->points_spin);
    }
  if (o->raster_spin != NULL)
    {
      gtk_spin_button_update (o->raster_spin);
      o->recipe.raster = gtk_spin_button_get_value_as_int (o->raster_spin);
    }
}

/* the panels checked, in their order (NULL: none is, and the figure draws the screen's) */
static char **
checked_panels (Options *o)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  char **panels;

  for (guint i = 0; i < o->panel_checks->len; i++)
    if (gtk_check_button_get_active (o->panel_checks->pdata[i]))
      g_strv_builder_add (builder, g_object_get_data (o->panel_checks->pdata[i], "panel"));
  panels = g_strv_builder_end (builder);
  if (panels[0] == NULL)
    g_clear_pointer (&panels, g_strfreev);
  return panels;
}

/* the job the options stand for, without its path */
static Job *
options_job (Options *o, GError **error)
{
  Job *job;

  read_recipe (o);
  job = job_new (o->settings, o->toasts, o->snapshot, o->view, o->run_name, o->run_dir,
                 &o->recipe, error);
  if (job == NULL)
    return NULL;
  job->all = o->all;
  job->drawing.panels = checked_panels (o);
  if (o->scatter_x != NULL && !o->all)
    {
      job->drawing.scatter_x = g_strdup (o->scatter_x);
      job->drawing.scatter_y = g_strdup (o->scatter_y);
    }
  return job;
}

/* ---- the preview: the file Export writes, as a PNG at the size and DPI chosen ---- */

/* 40 megapixels: a 10 x 6 inch figure at 800 DPI */
#define PREVIEW_MAX_PIXELS 4e7

typedef struct
{
  Options *options;   /* a reference */
  guint    serial;
} PreviewAsk;

static void
preview_ask_free (PreviewAsk *ask)
{
  options_unref (ask->options);
  g_free (ask);
}

static void
on_preview_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PreviewAsk *ask = data;
  Options *o = ask->options;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    texture = gdk_texture_new_from_filename (job->path, &error);
  g_unlink (job->path);
  /* only the newest asked for is shown */
  if (!o->closed && o->dialog != NULL && ask->serial == o->preview_asked)
    {
      o->preview_shown = ask->serial;
      if (texture != NULL)
        {
          const Drawing *d = &job->drawing;
          g_autofree char *text =
            g_strdup_printf ("%d × %d px at %g DPI: %.2f × %.2f in (%.1f × %.1f cm)",
                             gdk_texture_get_width (texture), gdk_texture_get_height (texture),
                             d->dpi, d->width_in, d->height_in, d->width_in * 2.54,
                             d->height_in * 2.54);
          gtk_picture_set_paintable (o->preview, GDK_PAINTABLE (texture));
          gtk_label_set_text (o->caption, text);
        }
      else
        {
          gtk_picture_set_paintable (o->preview, NULL);
          gtk_label_set_text (o->caption, error->message);
        }
    }
  preview_ask_free (ask);
}

static gboolean
start_preview (gpointer data)
{
  Options *o = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  PreviewAsk *ask;
  Job *job;

  o->preview_timeout = 0;
  /* the dialog gone (its rows with it): nothing to draw for */
  if (o->closed || o->dialog == NULL)
    return G_SOURCE_REMOVE;
  o->preview_asked++;
  job = options_job (o, &error);
  if (job == NULL)
    {
      o->preview_shown = o->preview_asked;
      gtk_label_set_text (o->caption, error->message);
      return G_SOURCE_REMOVE;
    }
  /* a poster at print resolution is written, but not drawn twice to be looked at here */
  if (job->drawing.width_in * job->drawing.dpi * job->drawing.height_in * job->drawing.dpi
      > PREVIEW_MAX_PIXELS)
    {
      g_autofree char *text =
        g_strdup_printf ("%.0f × %.0f px at %g DPI: %.2f × %.2f in, too large to preview",
                         round (job->drawing.width_in * job->drawing.dpi),
                         round (job->drawing.height_in * job->drawing.dpi), job->drawing.dpi,
                         job->drawing.width_in, job->drawing.height_in);
      o->preview_shown = o->preview_asked;
      gtk_picture_set_paintable (o->preview, NULL);
      gtk_label_set_text (o->caption, text);
      job_free (job);
      return G_SOURCE_REMOVE;
    }
  /* every view of "export all" is in the folder; the preview shows the first, the curves */
  job->all = FALSE;
  job->path = g_strdup_printf ("%s/preview-%u.png", o->preview_dir, ++o->preview_files);
  ask = g_new0 (PreviewAsk, 1);
  ask->options = options_ref (o);
  ask->serial = o->preview_asked;
  task = g_task_new (NULL, NULL, on_preview_done, ask);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_name (task, "[grokscope] export preview");
  g_task_run_in_thread (task, run_job);
  return G_SOURCE_REMOVE;
}

/* a row changed: a new preview once the rows are still for a moment */
static void
schedule_preview (Options *o)
{
  if (o->closed || o->preview_dir == NULL)
    return;
  if (o->preview_timeout != 0)
    g_source_remove (o->preview_timeout);
  o->preview_timeout = g_timeout_add_full (G_PRIORITY_DEFAULT, 150, start_preview,
                                           options_ref (o), (GDestroyNotify) options_unref);
}

static void
on_setting_changed (GSettings *settings, const char *key, Options *o)
{
  if (g_str_has_prefix (key, "export-"))
    schedule_preview (o);
}

/* ---- the rows ---- */

static void
close_options (Options *o)
{
  o->closed = TRUE;
  if (o->preview_timeout != 0)
    g_source_remove (o->preview_timeout);
  o->preview_timeout = 0;
  g_clear_signal_handler (&o->settings_handler, o->settings);
}

/* the dialog disposed of, however it went: no more previews, nor settings followed */
static void
on_dialog_gone (gpointer data, GObject *where_it_was)
{
  close_options (data);
}

static void
on_options_response (AdwMessageDialog *dialog, const char *response, Options *o)
{
  g_autoptr (GError) error = NULL;
  Job *job;

  if (g_str_equal (response, "export"))
    {
      job = options_job (o, &error);
      if (job == NULL)
        adw_toast_overlay_add_toast (o->toasts, adw_toast_new (error->message));
      else
        choose_and_export (o->parent, job, o->all);
    }
  close_options (o);
}

/* the panels checked when nobody chose: the screen's, the first of them a venue has room for */
static void
default_panels (Options *o)
{
  g_autofree char *size = g_settings_get_string (o->settings, "export-size");
  const GrokFigureSize *venue = grok_figure_size_lookup (size);
  guint limit = venue != NULL && venue->max_panels > 0 ? venue->max_panels : G_MAXUINT, n = 0;

  o->setting_checks = TRUE;
  for (guint i = 0; i < o->panel_checks->len; i++)
    {
      const char *name = g_object_get_data (o->panel_checks->pdata[i], "panel");
      gboolean shown = o->screen_panels == NULL
                       || g_strv_contains ((const char * const *) o->screen_panels, name);
      gtk_check_button_set_active (o->panel_checks->pdata[i], shown && n < limit);
      n += shown && n < limit;
    }
  o->setting_checks = FALSE;
}

static void
on_size_changed (GtkEditable *editable, Options *o)
{
  double w, h;
  const char *text = gtk_editable_get_text (editable);

  if (grok_figure_parse_size (text, g_settings_get_double (o->settings, "export-dpi"), &w, &h, NULL))
    {
      const GrokFigureSize *venue = grok_figure_size_lookup (text);
      gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
      g_settings_set_string (o->settings, "export-size", text);
      if (o->venue_row != NULL)
        adw_combo_row_set_selected (ADW_COMBO_ROW (o->venue_row),
                                    venue != NULL ? (guint) (venue - grok_figure_size (0)) + 1 : 0);
      if (!o->panels_touched)
        default_panels (o);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
}

/* a venue's size brings its text size; its name stands in the size row */
static void
on_venue_selected (AdwComboRow *row, GParamSpec *pspec, Options *o)
{
  guint i = adw_combo_row_get_selected (row);
  const GrokFigureSize *venue;

  if (i == 0 || i == GTK_INVALID_LIST_POSITION || i > GROK_N_SIZES)
    return;
  venue = grok_figure_size (i - 1);
  g_settings_set_double (o->settings, "export-font-size", venue->font_size);
  if (grok_figure_size_lookup (gtk_editable_get_text (GTK_EDITABLE (o->size_row))) != venue)
    gtk_editable_set_text (GTK_EDITABLE (o->size_row), venue->name);
}

static GtkWidget *
venue_row_new (const char *size)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  const GrokFigureSize *venue = grok_figure_size_lookup (size);
  GtkWidget *row = adw_combo_row_new ();

  gtk_string_list_append (model, "Size of my own");
  for (guint i = 0; i < GROK_N_SIZES; i++)
    gtk_string_list_append (model, grok_figure_size (i)->title);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "For");
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row),
                              venue != NULL ? (guint) (venue - grok_figure_size (0)) + 1 : 0);
  return row;
}

static void
on_style_selected (AdwComboRow *row, GParamSpec *pspec, Options *o)
{
  static const char * const values[] = { "print", "light", "dark" };
  guint i = adw_combo_row_get_selected (row);

  if (i < G_N_ELEMENTS (values))
    g_settings_set_string (o->settings, "export-style", values[i]);
}

static GtkWidget *
number_row (GSettings *settings, const char *key, const char *title, double lo, double hi,
            double step)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lo, hi, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  return row;
}

static GtkWidget *
check_row_with (const char *title, const char *subtitle, GtkWidget **check_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  *check_out = check;
  return row;
}

static GtkWidget *
check_row (GSettings *settings, const char *key, const char *title, const char *subtitle)
{
  GtkWidget *check;
  GtkWidget *row = check_row_with (title, subtitle, &check);

  g_settings_bind (settings, key, check, "active", G_SETTINGS_BIND_DEFAULT);
  return row;
}

/* the figure has room for GROK_CURVES_MAX_PANELS: with that many checked, no more can be */
static void
limit_panel_checks (Options *o)
{
  guint n = 0;

  for (guint i = 0; i < o->panel_checks->len; i++)
    n += gtk_check_button_get_active (o->panel_checks->pdata[i]);
  for (guint i = 0; i < o->panel_checks->len; i++)
    gtk_widget_set_sensitive (gtk_widget_get_ancestor (o->panel_checks->pdata[i], ADW_TYPE_ACTION_ROW),
                              gtk_check_button_get_active (o->panel_checks->pdata[i])
                              || n < GROK_CURVES_MAX_PANELS);
}

static void
on_panel_toggled (GtkCheckButton *check, Options *o)
{
  if (!o->setting_checks)
    o->panels_touched = TRUE;
  limit_panel_checks (o);
  schedule_preview (o);
}

/* a check row per panel the run's curves can show, named as the panels are titled */
static GtkWidget *
panels_row (Options *o)
{
  GtkWidget *row = adw_expander_row_new ();
  g_autoptr (GPtrArray) choices = grok_curves_panel_choices (o->snapshot->metrics);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Curves: panels");
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row),
                                 "As on screen; a one-column size keeps the first four");
  for (guint c = 0; c < choices->len; c++)
    {
      GtkWidget *check;
      GtkWidget *check_row = check_row_with (grok_curves_panel_title (choices->pdata[c]), NULL,
                                             &check);
      g_object_set_data_full (G_OBJECT (check), "panel", g_strdup (choices->pdata[c]), g_free);
      g_ptr_array_add (o->panel_checks, check);
      g_signal_connect (check, "toggled", G_CALLBACK (on_panel_toggled), o);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), check_row);
    }
  default_panels (o);
  return row;
}

/* a resolution of the data recipe, starting at the screen's; the figure states the value used
 * (points in the connectivity title, the raster in the regions title) */
static GtkWidget *
recipe_row (Options *o, const char *title, const char *subtitle, int value, int lo, int hi,
            GtkSpinButton **spin_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lo, hi, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (schedule_preview), o);
  *spin_out = GTK_SPIN_BUTTON (spin);
  return row;
}

static void
add_recipe_rows (GtkListBox *list, Options *o)
{
  g_autofree char *points = g_strdup_printf ("The screen uses %d", o->recipe.lmn_points);
  g_autofree char *raster = g_strdup_printf ("Smooth activations; the screen uses %d",
                                             o->recipe.raster);

  if ((o->all || o->view == GROK_VIEW_CONNECTIVITY) &&
      grok_config_view_applies (o->snapshot->config, GROK_VIEW_CONNECTIVITY))
    gtk_list_box_append (list, recipe_row (o, "Connectivity: LMN points", points,
                                           o->recipe.lmn_points, 2, 4096, &o->points_spin));
  if ((o->all || o->view == GROK_VIEW_REGIONS) &&
      grok_config_view_applies (o->snapshot->config, GROK_VIEW_REGIONS))
    gtk_list_box_append (list, recipe_row (o, "Regions: raster side", raster, o->recipe.raster,
                                           16, 2048, &o->raster_spin));
}

/* the preview above its caption */
static GtkWidget *
preview_box (Options *o)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);

  o->preview = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (o->preview, TRUE);
  gtk_picture_set_content_fit (o->preview, GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (GTK_WIDGET (o->preview), 420, 260);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (o->preview));
  o->caption = GTK_LABEL (gtk_label_new ("Drawing the preview…"));
  gtk_label_set_wrap (o->caption, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (o->caption), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (o->caption), "caption");
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (o->caption));
  return box;
}

static GtkWidget *
show_options (GtkWindow *parent, GSettings *settings, AdwToastOverlay *toasts,
              GrokSnapshot *snapshot, GrokView view, gboolean all,
              const GrokExportScreen *screen, const char *run_name, const char *run_dir)
{
  Options *o = g_rc_box_new0 (Options);
  GtkWidget *dialog, *list, *style_row, *content, *scroll;
  g_autofree char *size = g_settings_get_string (settings, "export-size");
  const char *heading = all ? "Export Every View" : "Export Figure";
  gboolean scatter = !all && view == GROK_VIEW_CURVES && screen != NULL
                     && screen->scatter_x != NULL && screen->scatter_y != NULL;
  g_autofree char *body = NULL;
  const char *styles[] = { "print", "light", "dark", NULL };
  g_autoptr (GtkStringList) style_model = gtk_string_list_new (styles);
  g_autofree char *style = g_settings_get_string (settings, "export-style");

  if (all)
    body = g_strdup ("Every view as PNG, SVG and PDF, with the data behind each as CSV and the "
                     "run's config.json. The preview shows the curves.");
  else if (scatter)
    body = g_strdup_printf ("%s against %s over the run's rows. The format follows the file "
                            "name: .png, .svg, .pdf, or .csv for the data behind the figure.",
                            grok_column_title (screen->scatter_y),
                            grok_column_title (screen->scatter_x));
  else
    body = g_strdup_printf ("The %s view at step %" G_GINT64_FORMAT ". The format follows the "
                            "file name: .png, .svg, .pdf, or .csv for the data behind the "
                            "figure.", grok_view_name (view), snapshot->train_step);
  o->parent = parent;
  o->settings = g_object_ref (settings);
  o->toasts = toasts;
  o->snapshot = grok_snapshot_ref (snapshot);
  o->view = view;
  o->all = all;
  o->run_name = g_strdup (run_name);
  o->run_dir = g_strdup (run_dir);
  o->panel_checks = g_ptr_array_new ();
  if (screen != NULL && screen->panels != NULL)
    o->screen_panels = g_strdupv ((char **) screen->panels);
  if (scatter)
    {
      o->scatter_x = g_strdup (screen->scatter_x);
      o->scatter_y = g_strdup (screen->scatter_y);
    }
  o->preview_dir = g_dir_make_tmp ("grokscope-preview-XXXXXX", NULL);
  grok_view_recipe_init (&o->recipe);

  dialog = adw_message_dialog_new (parent, heading, body);
  g_set_weak_pointer (&o->dialog, dialog);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  o->venue_row = venue_row_new (size);
  gtk_list_box_append (GTK_LIST_BOX (list), o->venue_row);
  o->size_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (o->size_row), "Size (e.g. 6x4in, 9x6cm, 1200x800px)");
  gtk_widget_set_tooltip_text (o->size_row,
                               "Width x height in in, cm or px (6x4in, 9x6cm, 1200x800px), "
                               "or a venue's column with a height of your own (icml-column:2.5in)");
  gtk_editable_set_text (GTK_EDITABLE (o->size_row), size);
  g_signal_connect (o->size_row, "changed", G_CALLBACK (on_size_changed), o);
  g_signal_connect (o->venue_row, "notify::selected", G_CALLBACK (on_venue_selected), o);
  gtk_list_box_append (GTK_LIST_BOX (list), o->size_row);
  gtk_list_box_append (GTK_LIST_BOX (list), number_row (settings, "export-dpi", "Resolution (DPI, for PNG)", 10, 2400, 50));
  gtk_list_box_append (GTK_LIST_BOX (list), number_row (settings, "export-font-size", "Text size (points)", 2, 72, 0.5));
  gtk_list_box_append (GTK_LIST_BOX (list), check_row (settings, "export-svg-text", "SVG text as text",
                                                       "Editable in a drawing program; glyph outlines otherwise"));
  gtk_list_box_append (GTK_LIST_BOX (list), check_row (settings, "export-shared-scale", "Shared colour scale",
                                                       "Every heatmap on one scale; each its own otherwise"));
  style_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (style_row), "Style");
  adw_combo_row_set_model (ADW_COMBO_ROW (style_row), G_LIST_MODEL (style_model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (style_row), g_str_equal (style, "light") ? 1 : g_str_equal (style, "dark") ? 2 : 0);
  g_signal_connect (style_row, "notify::selected", G_CALLBACK (on_style_selected), o);
  gtk_list_box_append (GTK_LIST_BOX (list), style_row);
  if ((all || view == GROK_VIEW_CURVES) && !scatter)
    gtk_list_box_append (GTK_LIST_BOX (list), panels_row (o));
  add_recipe_rows (GTK_LIST_BOX (list), o);

  /* the preview beside the rows, which scroll when the screen is short */
  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroll), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroll), 460);
  gtk_widget_set_size_request (scroll, 380, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), list);
  gtk_box_append (GTK_BOX (content), scroll);
  gtk_box_append (GTK_BOX (content), preview_box (o));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), content);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel",
                                    "export", "_Choose File…", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  g_signal_connect (dialog, "response", G_CALLBACK (on_options_response), o);
  o->settings_handler = g_signal_connect (settings, "changed", G_CALLBACK (on_setting_changed), o);
  /* the dialog's reference, given back when it goes */
  g_object_set_data_full (G_OBJECT (dialog), "grok-export-options", o,
                          (GDestroyNotify) options_unref);
  g_object_weak_ref (G_OBJECT (dialog), on_dialog_gone, o);
  gtk_window_present (GTK_WINDOW (dialog));
  /* the first preview now, without waiting for a change */
  start_preview (o);
  return dialog;
}

GtkWidget *
grok_export_figure_interactive (GtkWindow *parent, GSettings *settings, AdwToastOverlay *toasts,
                                GrokSnapshot *snapshot, GrokView view,
                                const GrokExportScreen *screen, const char *run_name,
                                const char *run_dir)
{
  return show_options (parent, settings, toasts, snapshot, view, FALSE, screen, run_name, run_dir);
}

GtkWidget *
grok_export_all_interactive (GtkWindow *parent, GSettings *settings, AdwToastOverlay *toasts,
                             GrokSnapshot *snapshot, const GrokExportScreen *screen,
                             const char *run_name, const char *run_dir)
{
  return show_options (parent, settings, toasts, snapshot, GROK_VIEW_CURVES, TRUE, screen,
                       run_name, run_dir);
}

static Options *
dialog_options (GtkWidget *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "grok-export-options");
}

gboolean
grok_export_dialog_write (GtkWidget *dialog, const char *path, GError **error)
{
  Options *o = dialog_options (dialog);
  Job *job;
  gboolean ok;

  g_return_val_if_fail (o != NULL, FALSE);
  if ((job = options_job (o, error)) == NULL)
    return FALSE;
  job->path = g_strdup (path);
  ok = job_write (job, error);
  job_free (job);
  return ok;
}

GdkTexture *
grok_export_dialog_get_preview (GtkWidget *dialog)
{
  Options *o = dialog_options (dialog);
  GdkPaintable *paintable;

  g_return_val_if_fail (o != NULL, NULL);
  paintable = gtk_picture_get_paintable (o->preview);
  return GDK_IS_TEXTURE (paintable) ? GDK_TEXTURE (paintable) : NULL;
}

gboolean
grok_export_dialog_preview_pending (GtkWidget *dialog)
{
  Options *o = dialog_options (dialog);

  g_return_val_if_fail (o != NULL, FALSE);
  return o->preview_timeout != 0 || o->preview_shown != o->preview_asked;
}

const char *
grok_export_dialog_get_caption (GtkWidget *dialog)
{
  Options *o = dialog_options (dialog);

  g_return_val_if_fail (o != NULL, NULL);
  return gtk_label_get_text (o->caption);
}
