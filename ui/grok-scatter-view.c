/* The scatter view: two drop-downs over the figure, which is drawn by ui/figure's scatter
 * code as grokscope-cli figure --view scatter draws it. */
#include "grok-scatter-view.h"
#include "grok-view-common.h"

#include <math.h>

#include "grok-figure-scatter.h"
#include "grok-measures.h"

struct _GrokScatterView
{
  GtkWidget      parent_instance;

  GtkWidget     *bar;        /* the two drop-downs */
  GtkDropDown   *x_drop, *y_drop;
  GtkWidget     *area;
  GrokMetrics   *metrics;    /* a reference, or NULL */
  int            lmn_points;
  GPtrArray     *columns;    /* the columns offered, in the drop-downs' order */
  char          *x, *y;      /* the columns shown */
  gboolean       chosen;     /* a person chose them */
  gboolean       filling;    /* the drop-downs are being set by code */
};

G_DEFINE_FINAL_TYPE (GrokScatterView, grok_scatter_view, GTK_TYPE_WIDGET)

static void
draw_area (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  GrokScatterView *self = data;
  const char *x_columns[] = { self->x, NULL };
  GrokScatterOptions options = { x_columns, self->y, self->lmn_points };
  GrokFigureStyle style;

  if (self->metrics == NULL || self->x == NULL || self->y == NULL)
    return;
  grok_screen_style_init (&style);
  grok_figure_scatter_draw (cr, width, height, self->metrics, &options, &style);
}

static int
column_position (GrokScatterView *self, const char *name)
{
  for (guint i = 0; name != NULL && i < self->columns->len; i++)
    if (g_str_equal (self->columns->pdata[i], name))
      return (int) i;
  return -1;
}

/* LMN, else the first complexity measure's first column the rows have */
static const char *
default_x (GrokScatterView *self)
{
  if (column_position (self, "lmn") >= 0)
    return "lmn";
  for (guint m = 0; m < GROK_N_MEASURES; m++)
    for (const char * const *c = grok_measure_kind (m)->panels; *c != NULL; c++)
      if (column_position (self, *c) >= 0)
        return *c;
  return self->columns->len > 0 ? self->columns->pdata[0] : NULL;
}

static const char *
default_y (GrokScatterView *self, const char *x)
{
  if (column_position (self, "test_loss") >= 0)
    return "test_loss";
  for (guint i = 0; i < self->columns->len; i++)
    if (g_strcmp0 (self->columns->pdata[i], x) != 0)
      return self->columns->pdata[i];
  return x;
}

static void
set_shown (GrokScatterView *self, const char *x, const char *y)
{
  char *nx = g_strdup (x), *ny = g_strdup (y);

  g_free (self->x);
  g_free (self->y);
  self->x = nx;
  self->y = ny;
  self->filling = TRUE;
  gtk_drop_down_set_selected (self->x_drop, x ? (guint) column_position (self, x) : GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (self->y_drop, y ? (guint) column_position (self, y) : GTK_INVALID_LIST_POSITION);
  self->filling = FALSE;
  gtk_widget_queue_draw (self->area);
}

/* the columns of the rows, every one but the step (the dots' colour) */
static gboolean
same_columns (GrokScatterView *self, const GrokMetrics *metrics)
{
  guint n = 0;

  for (guint c = 0; c < metrics->columns->len; c++)
    {
      const char *name = metrics->columns->pdata[c];
      if (g_str_equal (name, "step"))
        continue;
      if (n >= self->columns->len || !g_str_equal (self->columns->pdata[n], name))
        return FALSE;
      n++;
    }
  return n == self->columns->len;
}

static void
fill_columns (GrokScatterView *self)
{
  g_autoptr (GtkStringList) titles = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->columns, 0);
  for (guint c = 0; self->metrics != NULL && c < self->metrics->columns->len; c++)
    {
      const char *name = self->metrics->columns->pdata[c];
      if (g_str_equal (name, "step"))
        continue;
      g_ptr_array_add (self->columns, g_strdup (name));
      gtk_string_list_append (titles, grok_column_title (name));
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->x_drop, G_LIST_MODEL (titles));
  gtk_drop_down_set_model (self->y_drop, G_LIST_MODEL (titles));
  self->filling = FALSE;
}

void
grok_scatter_view_set_metrics (GrokScatterView *self, const GrokMetrics *metrics, int lmn_points)
{
  const char *x, *y;

  g_return_if_fail (GROK_IS_SCATTER_VIEW (self));
  self->lmn_points = lmn_points;
  if (metrics == self->metrics)
    {
      gtk_widget_queue_draw (self->area);
      return;
    }
  g_clear_pointer (&self->metrics, grok_metrics_unref);
  self->metrics = metrics ? grok_metrics_ref (metrics) : NULL;
  if (metrics != NULL && same_columns (self, metrics))
    {
      /* new rows of the same run: the same choice, drawn again */
      gtk_widget_queue_draw (self->area);
      return;
    }
  fill_columns (self);
  x = self->chosen && column_position (self, self->x) >= 0 ? self->x : default_x (self);
  y = self->chosen && column_position (self, self->y) >= 0 ? self->y : default_y (self, x);
  {
    g_autofree char *kx = g_strdup (x), *ky = g_strdup (y);
    set_shown (self, kx, ky);
  }
}

gboolean
grok_scatter_view_set_columns (GrokScatterView *self, const char *x, const char *y)
{
  g_return_val_if_fail (GROK_IS_SCATTER_VIEW (self), FALSE);
  if (column_position (self, x) < 0 || column_position (self, y) < 0)
    return FALSE;
  self->chosen = TRUE;
  set_shown (self, x, y);
  return TRUE;
}

static void
on_selected (GtkDropDown *drop, GParamSpec *pspec, GrokScatterView *self)
{
  guint xi = gtk_drop_down_get_selected (self->x_drop), yi = gtk_drop_down_get_selected (self->y_drop);
  g_autofree char *x = NULL, *y = NULL;

  if (self->filling || xi >= self->columns->len || yi >= self->columns->len)
    return;
  x = g_strdup (self->columns->pdata[xi]);
  y = g_strdup (self->columns->pdata[yi]);
  self->chosen = TRUE;
  set_shown (self, x, y);
}

const char *
grok_scatter_view_get_x (GrokScatterView *self)
{
  g_return_val_if_fail (GROK_IS_SCATTER_VIEW (self), NULL);
  return self->x;
}

const char *
grok_scatter_view_get_y (GrokScatterView *self)
{
  g_return_val_if_fail (GROK_IS_SCATTER_VIEW (self), NULL);
  return self->y;
}

double
grok_scatter_view_get_pearson (GrokScatterView *self, guint *n_out)
{
  g_return_val_if_fail (GROK_IS_SCATTER_VIEW (self), NAN);
  if (self->metrics == NULL || self->x == NULL || self->y == NULL)
    {
      if (n_out != NULL)
        *n_out = 0;
      return NAN;
    }
  return grok_scatter_pearson (self->metrics, self->x, self->y, n_out);
}

const GrokMetrics *
grok_scatter_view_get_metrics (GrokScatterView *self)
{
  g_return_val_if_fail (GROK_IS_SCATTER_VIEW (self), NULL);
  return self->metrics;
}

static GtkWidget *
labelled (const char *text, GtkWidget *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static void
grok_scatter_view_dispose (GObject *object)
{
  GrokScatterView *self = GROK_SCATTER_VIEW (object);

  g_clear_pointer (&self->bar, gtk_widget_unparent);
  g_clear_pointer (&self->area, gtk_widget_unparent);
  g_clear_pointer (&self->metrics, grok_metrics_unref);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->y, g_free);
  G_OBJECT_CLASS (grok_scatter_view_parent_class)->dispose (object);
}

static void
grok_scatter_view_class_init (GrokScatterViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = grok_scatter_view_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
grok_scatter_view_init (GrokScatterView *self)
{
  self->columns = g_ptr_array_new_with_free_func (g_free);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  self->x_drop = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  self->y_drop = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_drop_down_set_enable_search (self->x_drop, FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->x_drop), "The column along x");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->y_drop), "The column along y");
  self->bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_set_halign (self->bar, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (self->bar, 4);
  gtk_box_append (GTK_BOX (self->bar), labelled ("_x", GTK_WIDGET (self->x_drop)));
  gtk_box_append (GTK_BOX (self->bar), labelled ("_y", GTK_WIDGET (self->y_drop)));
  gtk_widget_set_parent (self->bar, GTK_WIDGET (self));
  self->area = gtk_drawing_area_new ();
  gtk_widget_set_vexpand (self->area, TRUE);
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_area, self, NULL);
  gtk_widget_set_parent (self->area, GTK_WIDGET (self));
  g_signal_connect (self->x_drop, "notify::selected", G_CALLBACK (on_selected), self);
  g_signal_connect (self->y_drop, "notify::selected", G_CALLBACK (on_selected), self);
}

GtkWidget *
grok_scatter_view_new (void)
{
  return g_object_new (GROK_TYPE_SCATTER_VIEW, NULL);
}
