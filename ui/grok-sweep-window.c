/* The sweep window: a GtkColumnView over the summary's cells (each column sorted by its number,
 * or its text), the phase diagram drawn by the figure code grokscope-cli figure uses, and a poll
 * that reads the folder again on a worker thread. */
#define G_LOG_DOMAIN "grok-sweep-window"

#include "grok-sweep-window.h"

#include <math.h>
#include <string.h>

#include "grok-measures.h"
#include "grok-window.h"
#include "grok-worker.h"

#define REREAD_INTERVAL_S 2

/* ---- one cell of the table: the fields of the shown columns ---- */

#define GROK_TYPE_SWEEP_ROW (grok_sweep_row_get_type ())
G_DECLARE_FINAL_TYPE (GrokSweepRow, grok_sweep_row, GROK, SWEEP_ROW, GObject)

struct _GrokSweepRow
{
  GObject  parent_instance;
  guint    cell;
  GPtrArray *texts;   /* char *, one per shown column */
  GArray    *values;  /* double, NAN for text */
};

G_DEFINE_FINAL_TYPE (GrokSweepRow, grok_sweep_row, G_TYPE_OBJECT)

static void
grok_sweep_row_finalize (GObject *object)
{
  GrokSweepRow *self = GROK_SWEEP_ROW (object);

  g_ptr_array_unref (self->texts);
  g_array_unref (self->values);
  G_OBJECT_CLASS (grok_sweep_row_parent_class)->finalize (object);
}

static void
grok_sweep_row_class_init (GrokSweepRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grok_sweep_row_finalize;
}

static void
grok_sweep_row_init (GrokSweepRow *self)
{
  self->texts = g_ptr_array_new_with_free_func (g_free);
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
}

/* ---- the window ---- */

struct _GrokSweepWindow
{
  AdwWindow        parent_instance;

  /* borrowed (children of the window) */
  AdwToastOverlay *toasts;
  AdwViewSwitcherTitle *title;
  GtkColumnView   *table;
  GtkWidget       *diagram;
  GtkDropDown     *x_drop, *y_drop, *colour_drop;

  /* owned */
  GrokSweep       *sweep;
  GPtrArray       *columns;   /* char *: the summary columns shown */
  GListStore      *rows;
  GrokSweepTable  *cells;
  char            *cells_csv;
  GrokSweepFigure *figure;
  GPtrArray       *colourings; /* char *: the outcome of each choice of colour_drop after the first */
  guint            poll_id;
  gboolean         reading, read_again;
};

G_DEFINE_FINAL_TYPE (GrokSweepWindow, grok_sweep_window, ADW_TYPE_WINDOW)

/* the outcomes a phase diagram may be coloured by, with their names on screen */
static const struct { const char *column, *label; } outcomes[] = {
  { "generalised_step", "Steps to generalise" },
  { "final_test_acc", "Final test accuracy" },
  { "grokking_delay", "Grokking delay" },
};

static void
toast (GrokSweepWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static const char *
column_title (const char *column)
{
  static const struct { const char *name, *title; } titles[] = {
    { "cell", "Cell" }, { "status", "Status" }, { "seed", "Seed" },
    { "memorised_step", "Memorised at" }, { "generalised_step", "Generalised at" },
    { "final_step", "Step" }, { "final_test_acc", "Final test acc." }, { "phase", "Phase" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].name, column))
      return titles[i].title;
  return column;
}

/* ---- reading the folder on a worker ---- */

typedef struct
{
  GrokSweep       *sweep;
  guint            x_axis, y_axis;
  char            *outcome;
  gboolean         by_outcome;
  GrokSweepTable  *cells;
  GrokSweepFigure *figure;
} Reading;

static void
reading_free (Reading *r)
{
  grok_sweep_unref (r->sweep);
  g_free (r->outcome);
  g_clear_pointer (&r->cells, grok_sweep_table_free);
  g_clear_pointer (&r->figure, grok_sweep_figure_free);
  g_free (r);
}

static void
reading_thread (gpointer data)
{
  Reading *r = data;

  r->cells = grok_sweep_summary (r->sweep);
  if (grok_sweep_n_axes (r->sweep) >= 2 && r->x_axis != r->y_axis)
    {
      r->figure = grok_sweep_figure_new (GROK_SWEEP_FIGURE_PHASE, r->sweep, r->x_axis, r->y_axis,
                                         r->outcome, NULL, FALSE, NULL);
      if (r->figure != NULL)
        r->figure->by_outcome = r->by_outcome;
    }
}

static void
fill_rows (GrokSweepWindow *self)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GrokSweepTable *t = self->cells;
  int cell_col = grok_sweep_table_column (t, "cell");

  for (guint r = 0; r < t->rows->len; r++)
    {
      GrokSweepField *fields = t->rows->pdata[r];
      GrokSweepRow *row = g_object_new (GROK_TYPE_SWEEP_ROW, NULL);

      row->cell = (guint) fields[cell_col].value;
      for (guint c = 0; c < self->columns->len; c++)
        {
          int at = grok_sweep_table_column (t, self->columns->pdata[c]);
          double v = at >= 0 ? fields[at].value : NAN;
          /* accuracies to four places, as a person compares them */
          if (g_str_has_suffix (self->columns->pdata[c], "_acc") && isfinite (v))
            g_ptr_array_add (row->texts, g_strdup_printf ("%.4f", v));
          else
            g_ptr_array_add (row->texts, g_strdup (at >= 0 ? fields[at].text : ""));
          g_array_append_val (row->values, v);
        }
      g_ptr_array_add (items, row);
    }
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
}

static void
update_subtitle (GrokSweepWindow *self)
{
  guint count[GROK_SWEEP_N_STATUS] = { 0 };
  int status = grok_sweep_table_column (self->cells, "status");
  g_autofree char *text = NULL;

  for (guint r = 0; r < self->cells->rows->len; r++)
    {
      GrokSweepField *fields = self->cells->rows->pdata[r];
      for (guint s = 0; s < GROK_SWEEP_N_STATUS; s++)
        if (g_str_equal (fields[status].text, grok_sweep_status_name (s)))
          count[s]++;
    }
  text = g_strdup_printf ("%u cells: %u finished, %u running, %u stopped, %u failed, %u planned",
                          self->cells->rows->len, count[GROK_SWEEP_FINISHED],
                          count[GROK_SWEEP_RUNNING], count[GROK_SWEEP_STOPPED],
                          count[GROK_SWEEP_FAILED], count[GROK_SWEEP_PLANNED]);
  adw_view_switcher_title_set_subtitle (self->title, text);
}

/* every measure's peak in the summary (a NAME_peak beside its NAME_final), added to the
 * colourings of the diagram once a cell holds it */
static void
add_peak_colourings (GrokSweepWindow *self)
{
  GtkStringList *names = GTK_STRING_LIST (gtk_drop_down_get_model (self->colour_drop));

  for (guint c = 0; c < self->cells->columns->len; c++)
    {
      const char *column = self->cells->columns->pdata[c];
      g_autofree char *measure = NULL;
      g_autofree char *final = NULL;
      g_autofree char *label = NULL;
      gboolean known = FALSE;

      if (!g_str_has_suffix (column, "_peak"))
        continue;
      measure = g_strndup (column, strlen (column) - strlen ("_peak"));
      final = g_strconcat (measure, "_final", NULL);
      if (grok_sweep_table_column (self->cells, final) < 0)
        continue;
      for (guint i = 0; i < self->colourings->len && !known; i++)
        known = g_str_equal (self->colourings->pdata[i], column);
      if (known)
        continue;
      label = g_strdup_printf ("Peak of %s", grok_column_title (measure));
      g_ptr_array_add (self->colourings, g_strdup (column));
      gtk_string_list_append (names, label);
    }
}

static void read_folder (GrokSweepWindow *self);

static void
on_read (GObject *owner, gpointer data)
{
  GrokSweepWindow *self = GROK_SWEEP_WINDOW (owner);
  Reading *r = data;
  g_autofree char *csv = grok_sweep_table_to_csv (r->cells);

  self->reading = FALSE;
  if (self->sweep == NULL)
    {
      reading_free (r);
      return;
    }
  if (g_strcmp0 (csv, self->cells_csv) != 0)
    {
      g_clear_pointer (&self->cells, grok_sweep_table_free);
      self->cells = g_steal_pointer (&r->cells);
      g_free (self->cells_csv);
      self->cells_csv = g_steal_pointer (&csv);
      fill_rows (self);
      update_subtitle (self);
      add_peak_colourings (self);
    }
  g_clear_pointer (&self->figure, grok_sweep_figure_free);
  self->figure = g_steal_pointer (&r->figure);
  gtk_widget_queue_draw (self->diagram);
  reading_free (r);
  if (self->read_again)
    read_folder (self);
}

/* the summary and the phase diagram again, as the chosen axes and colouring say */
static void
read_folder (GrokSweepWindow *self)
{
  Reading *r;
  guint colour;

  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }
  self->read_again = FALSE;
  self->reading = TRUE;
  r = g_new0 (Reading, 1);
  r->sweep = grok_sweep_ref (self->sweep);
  r->x_axis = gtk_drop_down_get_selected (self->x_drop);
  r->y_axis = gtk_drop_down_get_selected (self->y_drop);
  colour = gtk_drop_down_get_selected (self->colour_drop);
  r->by_outcome = colour > 0 && colour != GTK_INVALID_LIST_POSITION;
  r->outcome = g_strdup (r->by_outcome ? self->colourings->pdata[colour - 1] : "generalised_step");
  grok_worker_start ("grok-sweep-read", reading_thread, on_read, G_OBJECT (self), r);
}

static gboolean
poll_tick (gpointer data)
{
  read_folder (data);
  return G_SOURCE_CONTINUE;
}

/* ---- opening a cell ---- */

gboolean
grok_sweep_window_open_cell (GrokSweepWindow *self, guint cell)
{
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GrokWindow *window;

  g_return_val_if_fail (GROK_IS_SWEEP_WINDOW (self), FALSE);
  g_return_val_if_fail (cell < grok_sweep_n_cells (self->sweep), FALSE);
  label = grok_sweep_cell_label (self->sweep, cell);
  if (grok_sweep_cell_status (self->sweep, cell, NULL) == GROK_SWEEP_PLANNED)
    {
      text = g_strdup_printf ("Cell %u (%s) has not trained yet", cell, label);
      toast (self, text);
      return FALSE;
    }
  path = grok_sweep_cell_path (self->sweep, cell);
  window = grok_window_new (ADW_APPLICATION (app));
  if (!grok_window_open (window, path))
    {
      gtk_window_destroy (GTK_WINDOW (window));
      text = g_strdup_printf ("Cell %u (%s) has no checkpoint to show yet", cell, label);
      toast (self, text);
      return FALSE;
    }
  gtk_window_present (GTK_WINDOW (window));
  return TRUE;
}

static void
on_table_activate (GtkColumnView *table, guint position, GrokSweepWindow *self)
{
  g_autoptr (GrokSweepRow) row = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (table)),
                                                        position);
  if (row != NULL)
    grok_sweep_window_open_cell (self, row->cell);
}

/* a click on a point of the diagram: its first cell that has trained (the first seed) */
static void
on_diagram_released (GtkGestureClick *click, int n_press, double x, double y,
                     GrokSweepWindow *self)
{
  guint xi, yi, first = G_MAXUINT;

  if (self->figure == NULL ||
      !grok_sweep_figure_point_at (self->figure, gtk_widget_get_width (self->diagram),
                                   gtk_widget_get_height (self->diagram), x, y, &xi, &yi))
    return;
  for (guint c = 0; c < grok_sweep_n_cells (self->sweep); c++)
    if (grok_sweep_cell_value (self->sweep, c, self->figure->grid->x_axis) == xi &&
        grok_sweep_cell_value (self->sweep, c, self->figure->grid->y_axis) == yi)
      {
        if (first == G_MAXUINT)
          first = c;
        if (grok_sweep_cell_status (self->sweep, c, NULL) != GROK_SWEEP_PLANNED)
          {
            grok_sweep_window_open_cell (self, c);
            return;
          }
      }
  if (first != G_MAXUINT)
    grok_sweep_window_open_cell (self, first);
}

static void
draw_diagram (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  GrokSweepWindow *self = data;

  if (self->figure != NULL)
    grok_sweep_figure_draw (cr, width, height, self->figure);
}

static void
on_choice (GObject *drop, GParamSpec *pspec, GrokSweepWindow *self)
{
  if (self->sweep != NULL)
    read_folder (self);
}

/* ---- the table's columns ---- */

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_UINT (data) == 1 ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GrokSweepRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), row->texts->pdata[column]);
}

/* by number where both are numbers (an empty field last), else by text */
static int
compare_rows (gconstpointer a, gconstpointer b, gpointer data)
{
  const GrokSweepRow *ra = a, *rb = b;
  guint column = GPOINTER_TO_UINT (data);
  double va = g_array_index (ra->values, double, column);
  double vb = g_array_index (rb->values, double, column);

  if (isnan (va) != isnan (vb))
    return isnan (va) ? GTK_ORDERING_LARGER : GTK_ORDERING_SMALLER;
  if (!isnan (va))
    return va < vb ? GTK_ORDERING_SMALLER : va > vb ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
  return gtk_ordering_from_cmpfunc (g_strcmp0 (ra->texts->pdata[column], rb->texts->pdata[column]));
}

static void
add_columns (GrokSweepWindow *self)
{
  const char *before[] = { "cell", "status" };
  const char *after[] = { "seed", "memorised_step", "generalised_step", "final_step",
                          "final_test_acc", "phase" };

  for (guint i = 0; i < G_N_ELEMENTS (before); i++)
    g_ptr_array_add (self->columns, g_strdup (before[i]));
  for (guint a = 0; a < grok_sweep_n_axes (self->sweep); a++)
    g_ptr_array_add (self->columns, g_strdup (grok_sweep_get_axis (self->sweep, a)->key));
  for (guint i = 0; i < G_N_ELEMENTS (after); i++)
    g_ptr_array_add (self->columns, g_strdup (after[i]));

  for (guint c = 0; c < self->columns->len; c++)
    {
      const char *name = self->columns->pdata[c];
      gboolean text = g_str_equal (name, "status") || g_str_equal (name, "phase");
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (text));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
      column = gtk_column_view_column_new (column_title (name), factory);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (gtk_custom_sorter_new (compare_rows,
                                                             GUINT_TO_POINTER (c), NULL)));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->table, column);
      g_object_unref (column);
    }
}

/* ---- building ---- */

static GtkWidget *
build_table_page (GrokSweepWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;

  self->table = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->table, TRUE);
  gtk_column_view_set_single_click_activate (self->table, FALSE);
  add_columns (self);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                    g_object_ref (gtk_column_view_get_sorter (self->table)));
  selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_signal_connect (self->table, "activate", G_CALLBACK (on_table_activate), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->table));
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static GtkDropDown *
new_drop (GtkWidget *bar, const char *label, const char * const *names, guint selected)
{
  GtkWidget *drop = gtk_drop_down_new_from_strings (names);
  GtkWidget *caption = gtk_label_new (label);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), selected);
  gtk_box_append (GTK_BOX (bar), caption);
  gtk_box_append (GTK_BOX (bar), drop);
  return GTK_DROP_DOWN (drop);
}

static GtkWidget *
build_diagram_page (GrokSweepWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autoptr (GPtrArray) axes = g_ptr_array_new ();
  g_autoptr (GPtrArray) colours = g_ptr_array_new ();
  guint n = grok_sweep_n_axes (self->sweep);
  GtkGesture *click;

  for (guint a = 0; a < n; a++)
    g_ptr_array_add (axes, grok_sweep_get_axis (self->sweep, a)->key);
  g_ptr_array_add (axes, NULL);
  g_ptr_array_add (colours, "Phase");
  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      g_ptr_array_add (colours, (gpointer) outcomes[i].label);
      g_ptr_array_add (self->colourings, g_strdup (outcomes[i].column));
    }
  g_ptr_array_add (colours, NULL);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 6);
  self->x_drop = new_drop (bar, "Across", (const char * const *) axes->pdata, 0);
  self->y_drop = new_drop (bar, "Up", (const char * const *) axes->pdata, MIN (1, n - 1));
  self->colour_drop = new_drop (bar, "Coloured by", (const char * const *) colours->pdata, 0);
  g_signal_connect (self->x_drop, "notify::selected", G_CALLBACK (on_choice), self);
  g_signal_connect (self->y_drop, "notify::selected", G_CALLBACK (on_choice), self);
  g_signal_connect (self->colour_drop, "notify::selected", G_CALLBACK (on_choice), self);

  self->diagram = gtk_drawing_area_new ();
  gtk_widget_set_vexpand (self->diagram, TRUE);
  gtk_widget_set_hexpand (self->diagram, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->diagram), draw_diagram, self, NULL);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_diagram_released), self);
  gtk_widget_add_controller (self->diagram, GTK_EVENT_CONTROLLER (click));
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), self->diagram);
  return box;
}

static void
build (GrokSweepWindow *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  AdwViewStack *stack = ADW_VIEW_STACK (adw_view_stack_new ());
  GtkWidget *switcher = adw_view_switcher_title_new ();
  AdwViewStackPage *page;

  self->title = ADW_VIEW_SWITCHER_TITLE (switcher);
  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (switcher), stack);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (switcher),
                                     grok_sweep_get_name (self->sweep));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), switcher);
  page = adw_view_stack_add_titled (stack, build_table_page (self), "cells", "Cells");
  adw_view_stack_page_set_icon_name (page, "view-list-symbolic");
  page = adw_view_stack_add_titled (stack, build_diagram_page (self), "phase", "Phase Diagram");
  adw_view_stack_page_set_icon_name (page, "view-grid-symbolic");
  adw_view_stack_page_set_visible (page, grok_sweep_n_axes (self->sweep) >= 2);
  gtk_box_append (GTK_BOX (content), header);
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (stack));
  gtk_widget_set_vexpand (GTK_WIDGET (self->toasts), TRUE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->toasts));
  adw_window_set_content (ADW_WINDOW (self), content);
  gtk_window_set_default_size (GTK_WINDOW (self), 1100, 720);
  gtk_window_set_title (GTK_WINDOW (self), grok_sweep_get_name (self->sweep));
}

static void
grok_sweep_window_dispose (GObject *object)
{
  GrokSweepWindow *self = GROK_SWEEP_WINDOW (object);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->sweep, grok_sweep_unref);
  g_clear_pointer (&self->figure, grok_sweep_figure_free);
  g_clear_pointer (&self->cells, grok_sweep_table_free);
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (grok_sweep_window_parent_class)->dispose (object);
}

static void
grok_sweep_window_finalize (GObject *object)
{
  GrokSweepWindow *self = GROK_SWEEP_WINDOW (object);

  g_ptr_array_unref (self->columns);
  g_ptr_array_unref (self->colourings);
  g_free (self->cells_csv);
  G_OBJECT_CLASS (grok_sweep_window_parent_class)->finalize (object);
}

static void
grok_sweep_window_class_init (GrokSweepWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = grok_sweep_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = grok_sweep_window_finalize;
}

static void
grok_sweep_window_init (GrokSweepWindow *self)
{
  self->columns = g_ptr_array_new_with_free_func (g_free);
  self->colourings = g_ptr_array_new_with_free_func (g_free);
  self->rows = g_list_store_new (GROK_TYPE_SWEEP_ROW);
}

GrokSweepWindow *
grok_sweep_window_new (GtkApplication *application, GrokSweep *sweep)
{
  GrokSweepWindow *self = g_object_new (GROK_TYPE_SWEEP_WINDOW, "application", application, NULL);

  self->sweep = grok_sweep_ref (sweep);
  build (self);
  read_folder (self);
  self->poll_id = g_timeout_add_seconds (REREAD_INTERVAL_S, poll_tick, self);
  return self;
}

GrokSweep *
grok_sweep_window_get_sweep (GrokSweepWindow *self)
{
  return self->sweep;
}

GtkColumnView *
grok_sweep_window_get_table (GrokSweepWindow *self)
{
  return self->table;
}

GtkWidget *
grok_sweep_window_get_diagram (GrokSweepWindow *self)
{
  return self->diagram;
}

GrokSweepFigure *
grok_sweep_window_get_figure (GrokSweepWindow *self)
{
  return self->figure;
}

const char *
grok_sweep_window_cell_text (GrokSweepWindow *self, guint cell, const char *column)
{
  int at, cell_col;

  if (self->cells == NULL || (at = grok_sweep_table_column (self->cells, column)) < 0)
    return NULL;
  cell_col = grok_sweep_table_column (self->cells, "cell");
  for (guint r = 0; r < self->cells->rows->len; r++)
    {
      GrokSweepField *fields = self->cells->rows->pdata[r];
      if ((guint) fields[cell_col].value == cell)
        return fields[at].text;
    }
  return NULL;
}
