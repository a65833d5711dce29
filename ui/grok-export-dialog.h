/* Exporting figures from the window: the options (size, DPI, text size, style, kept in
 * GSettings), a file chooser, and the writing itself on a worker thread. One view goes to one
 * file (PNG, SVG, PDF or the CSV data, by its name); "export all" writes every view and its data
 * into a folder. */
#pragma once

#include <adwaita.h>

#include "grok-figure-view.h"
#include "grok-run.h"
#include "grok-run-dir.h"

G_BEGIN_DECLS

/* what the screen shows of the curves, which an export starts from */
typedef struct
{
  const char * const *panels;     /* the curves' panels shown, by name; NULL: every one */
  const char         *scatter_x;  /* the scatter shown in place of the curves, or NULL */
  const char         *scatter_y;
} GrokExportScreen;

/* open the options (with a preview of the file) and then the file chooser for one view;
 * screen may be NULL. Returns the options dialog (owned by GTK) */
GtkWidget *grok_export_figure_interactive (GtkWindow *parent, GSettings *settings,
                                           AdwToastOverlay *toasts, GrokSnapshot *snapshot,
                                           GrokView view, const GrokExportScreen *screen,
                                           const char *run_name, const char *run_dir);
/* choose a folder and write every view of snapshot into it */
GtkWidget *grok_export_all_interactive    (GtkWindow *parent, GSettings *settings,
                                           AdwToastOverlay *toasts, GrokSnapshot *snapshot,
                                           const GrokExportScreen *screen,
                                           const char *run_name, const char *run_dir);

/* The options dialog as the tests see it: the file its Export writes, written to path with
 * the options as they stand (no file chooser); the preview shown (NULL before the first) and
 * whether a newer one is being made; the words under it (pixel and physical size) */
gboolean    grok_export_dialog_write           (GtkWidget *dialog, const char *path,
                                                GError **error);
GdkTexture *grok_export_dialog_get_preview     (GtkWidget *dialog);
gboolean    grok_export_dialog_preview_pending (GtkWidget *dialog);
const char *grok_export_dialog_get_caption     (GtkWidget *dialog);
/* the work itself, without dialogs (tests and the CLI-equivalent path): one file. dir (may be
 * NULL) is the run's folder, open: its views files are used when they match, and the spectrum
 * overlays its earlier checkpoints, as on screen. recipe NULL: the screen's
 * (grok_view_recipe_init). */
gboolean grok_export_snapshot_view      (GrokSnapshot *snapshot, GrokView view,
                                         const char *run_name, GrokRunDir *dir,
                                         const GrokViewRecipe *recipe, const char *path,
                                         double width_in, double height_in, double dpi,
                                         double font_size, GrokColorScheme scheme,
                                         GError **error);
/* every view that applies to the snapshot, in PNG, SVG, PDF and CSV, plus config.json, into
 * folder; the names written go to written (may be NULL) */
gboolean grok_export_snapshot_all       (GrokSnapshot *snapshot, const char *run_name,
                                         GrokRunDir *dir, const GrokViewRecipe *recipe,
                                         const char *folder, double width_in, double height_in,
                                         double dpi, double font_size, GrokColorScheme scheme,
                                         GPtrArray *written, GError **error);

G_END_DECLS
