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

/* what an export needs from the window: the snapshot (immutable, referenced) and the view */
typedef struct
{
  GrokSnapshot *snapshot;
  GrokView      view;
  char         *run_name;
} GrokExportSource;

/* open the options and then the file chooser for one view */
void     grok_export_figure_interactive (GtkWindow *parent, GSettings *settings,
                                         AdwToastOverlay *toasts, GrokSnapshot *snapshot,
                                         GrokView view, const char *run_name,
                                         const char *run_dir);
/* choose a folder and write every view of snapshot into it */
void     grok_export_all_interactive    (GtkWindow *parent, GSettings *settings,
                                         AdwToastOverlay *toasts, GrokSnapshot *snapshot,
                                         const char *run_name, const char *run_dir);
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
