/* The weights view: draws through the GTK-free weights figure, adds a hover readout. */
#include "grok-weights-view.h"

#include <adwaita.h>
#include <math.h>

#include "grok-figure-weights.h"
#include "grok-view-common.h"

struct _GrokWeightsView
{
  GtkWidget            parent_instance;

  GrokParams          *params;       /* references to what the cache was made from */
  GrokParams          *reference;
  GrokWeightsCache    *cache;
  GrokHeatmapGeometry *geometries;   /* one per matrix, from the last draw */
  GrokPointer          pointer;
  char                *readout;
};

G_DEFINE_FINAL_TYPE (GrokWeightsView, grok_weights_view, GTK_TYPE_WIDGET)

static void
update_readout (GrokWeightsView *self)
{
  g_clear_pointer (&self->readout, g_free);
  if (!self->pointer.inside || self->cache == NULL || self->geometries == NULL)
    return;
  for (guint i = 0; i < grok_weights_cache_count (self->cache); i++)
    {
      guint row, col;
      if (grok_heatmap_geometry_cell_at (&self->geometries[i], self->pointer.x, self->pointer.y,
                                         &row, &col))
        {
          self->readout = g_strdup_printf ("%s[%u, %u] = %.5g", grok_weights_cache_name (self->cache, i),
                                           row, col, grok_weights_cache_value (self->cache, i, row, col));
          return;
        }
    }
}

static void
grok_weights_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  GrokWeightsView *self = GROK_WEIGHTS_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;
  GrokFigureStyle style;

  if (self->cache == NULL || w <= 0 || h <= 0)
    return;
  grok_screen_style_init (&style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_free (self->geometries);
  self->geometries = g_new0 (GrokHeatmapGeometry, MAX (grok_weights_cache_count (self->cache), 1));
  grok_figure_weights_draw (cr, w, h, self->cache, &style, self->geometries);
  update_readout (self);
  if (self->readout != NULL)
    grok_readout_draw (cr, &style, self->readout, self->pointer.x + 14, self->pointer.y - 24, w);
  cairo_destroy (cr);
}

void
grok_weights_view_set_params (GrokWeightsView *self, const GrokParams *params,
                              const GrokParams *reference)
{
  g_return_if_fail (GROK_IS_WEIGHTS_VIEW (self));
  /* shared parameters are immutable: the same pointers show the same picture */
  if (params == self->params && reference == self->reference)
    return;
  g_clear_pointer (&self->cache, grok_weights_cache_free);
  g_clear_pointer (&self->geometries, g_free);
  g_clear_pointer (&self->params, grok_params_unref);
  g_clear_pointer (&self->reference, grok_params_unref);
  self->params = params ? grok_params_ref (params) : NULL;
  self->reference = reference ? grok_params_ref (reference) : NULL;
  if (params != NULL)
    self->cache = grok_weights_cache_new (params, reference);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
grok_weights_view_get_readout (GrokWeightsView *self)
{
  g_return_val_if_fail (GROK_IS_WEIGHTS_VIEW (self), NULL);
  return self->readout;
}

static void
grok_weights_view_finalize (GObject *object)
{
  GrokWeightsView *self = GROK_WEIGHTS_VIEW (object);

  grok_weights_cache_free (self->cache);
  grok_params_unref (self->params);
  grok_params_unref (self->reference);
  g_free (self->geometries);
  g_free (self->readout);
  G_OBJECT_CLASS (grok_weights_view_parent_class)->finalize (object);
}

static void
grok_weights_view_class_init (GrokWeightsViewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grok_weights_view_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = grok_weights_view_snapshot;
}

static void
grok_weights_view_init (GrokWeightsView *self)
{
  grok_pointer_track (GTK_WIDGET (self), &self->pointer);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
grok_weights_view_new (void)
{
  return g_object_new (GROK_TYPE_WEIGHTS_VIEW, NULL);
}
