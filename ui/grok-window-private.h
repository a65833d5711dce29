/* What the window's two files share (the widget and its bindings in grok-window.c, its actions
 * and shortcuts in grok-window-actions.c), and what the application and tests may see of it. */
#pragma once

#include "grok-config-editor.h"
#include "grok-computed-view.h"
#include "grok-curves-view.h"
#include "grok-preset-chooser.h"
#include "grok-run.h"
#include "grok-scatter-view.h"
#include "grok-session.h"
#include "grok-views.h"
#include "grok-weights-view.h"
#include "grok-window.h"

G_BEGIN_DECLS

struct _GrokWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwWindowTitle   *window_title;
  GrokPresetChooser *preset_chooser;
  GtkWidget        *train_button;
  GtkStack         *content_stack;
  AdwStatusPage    *empty_page;
  GtkWidget        *step_scale;
  GtkWidget        *pause_button;
  AdwToastOverlay  *toast_overlay;
  GtkProgressBar   *progress_bar;
  GrokConfigEditor *config_editor;
  GtkRevealer      *problem_revealer;
  GtkLabel         *problem_label;
  GrokCurvesView   *curves_view;
  GtkStack         *curves_mode;    /* the curves, or the scatter of one column against another */
  GrokScatterView  *scatter_view;
  GtkPopover       *panels_popover; /* a check row per panel the curves can show */
  GtkWidget        *panels_button;
  GtkCheckButton   *show_train, *show_test, *show_loss, *show_accuracy, *show_markers, *show_measures;
  GtkAdjustment    *smoothing_adjustment;
  GrokWeightsView  *weights_view;
  GtkToggleButton  *weights_change;
  AdwViewStack     *view_stack;
  GtkToggleButton  *play_button;
  GtkAdjustment    *step_adjustment;
  GtkLabel         *step_label;
  GtkMenuButton    *menu_button;
  GMenu            *group_by_menu;  /* Group By: the keys that differ among the compared runs */

  /* borrowed */
  GrokComputedView *computed[GROK_N_VIEWS]; /* the pages of views drawn from views files */
  GtkWidget        *asking;         /* the question before closing, while it is shown */

  /* owned */
  GSettings        *settings;
  GrokSession      *session;
  GrokConfig       *curves_config;  /* the run the curves' panel notes were made for */
  char             *idle_subtitle;  /* said while nothing is shown: the experiment's description */
  gboolean          moving_scale;   /* the scale is being set by code, not by a person */
  gboolean          ending;         /* the run is stopping before the window closes */
  gboolean          compare_grouped; /* compared runs drawn as groups' mean and band */
};

/* grok-window.c */
void          _grok_window_toast             (GrokWindow *self, const char *text);
void          _grok_window_set_compare_grouped (GrokWindow *self, gboolean grouped);
GrokView      _grok_window_visible_view      (GrokWindow *self);
/* the folder new runs go in (a new string) */
char         *_grok_window_runs_folder       (GrokWindow *self);
/* the preset's settings in the editor, its name on the chooser */
void          _grok_window_load_preset       (GrokWindow *self, const char *name);

/* grok-window-actions.c */
/* the export options for the view shown (all: every view), starting from what the screen
 * shows; returns the dialog */
GtkWidget    *_grok_window_export             (GrokWindow *self, gboolean all);
/* a modal file chooser that opens in the runs folder */
GtkFileChooserNative *_grok_window_new_chooser (GrokWindow *self, const char *title,
                                                const char *accept, GtkFileChooserAction action);
void          _grok_window_class_actions_init (GtkWidgetClass *widget_class);
void          _grok_window_actions_init       (GrokWindow *self);
/* the accelerators of the window's own shortcuts, NULL-terminated (for the tests) */
const char * const *_grok_window_list_shortcuts (void);

/* the run shown, which the window's widgets are bound to */
GrokSession  *grok_window_get_session     (GrokWindow *self);
/* the snapshot the views draw now (may be NULL before the first run) */
GrokSnapshot *grok_window_get_snapshot    (GrokWindow *self);
GtkWidget    *grok_window_get_curves_area (GrokWindow *self);
/* the folder of the run shown, or NULL */
const char   *grok_window_get_run_dir     (GrokWindow *self);

G_END_DECLS
