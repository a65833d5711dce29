/* A sweep folder's window: its cells as a sortable table and its phase diagram, read again every
 * couple of seconds (off the main thread) while the cells train elsewhere; activating a cell, in
 * the table or on the diagram, opens its run in a window of its own. */
#pragma once

#include <adwaita.h>

#include "grok-figure-sweep.h"
#include "grok-sweep.h"

G_BEGIN_DECLS

#define GROK_TYPE_SWEEP_WINDOW (grok_sweep_window_get_type ())
G_DECLARE_FINAL_TYPE (GrokSweepWindow, grok_sweep_window, GROK, SWEEP_WINDOW, AdwWindow)

/* the window of the sweep opened (taken a reference of) */
GrokSweepWindow *grok_sweep_window_new         (GtkApplication *application, GrokSweep *sweep);
GrokSweep       *grok_sweep_window_get_sweep   (GrokSweepWindow *self);
/* for the tests: the table, the phase diagram's area and the figure it draws (NULL before the
 * first reading, or for a sweep of fewer than two axes) */
GtkColumnView   *grok_sweep_window_get_table   (GrokSweepWindow *self);
GtkWidget       *grok_sweep_window_get_diagram (GrokSweepWindow *self);
GrokSweepFigure *grok_sweep_window_get_figure  (GrokSweepWindow *self);
/* the summary's text of cell's column (as the table shows it), or NULL before the first reading */
const char      *grok_sweep_window_cell_text   (GrokSweepWindow *self, guint cell,
                                                const char *column);
/* the run of cell in a main window; FALSE, said in a toast, when it has nothing to show yet */
gboolean         grok_sweep_window_open_cell   (GrokSweepWindow *self, guint cell);

G_END_DECLS
