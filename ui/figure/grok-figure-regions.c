/* Drawing a region map. */
#include "grok-figure-regions.h"

#include <math.h>

#include "grok-colormap.h"
#include "grok-figure-layout.h"

GrokRgba
grok_regions_color (guint index)
{
  /* hues spread by the golden angle; two lightness levels alternate so neighbours differ */
  double h = fmod (index * 0.6180339887498949, 1.0) * 6.0;
  double l = index % 2 ? 0.80 : 0.88, c = 0.22;
  double x = c * (1 - fabs (fmod (h, 2.0) - 1));
  double r = 0, g = 0, b = 0, m;

  if (h < 1) r = c, g = x;
  else if (h < 2) r = x, g = c;
  else if (h < 3) g = c, b = x;
  else if (h < 4) g = x, b = c;
  else if (h < 5) r = x, b = c;
  else r = c, b = x;
  m = l - c / 2;
  return (GrokRgba) { r + m, g + m, b + m, 1.0 };
}

static void
draw_polygons (cairo_t *cr, const GrokRegionMap *map, const GrokPlotGeometry *g)
{
  for (int i = 0; i < map->n_regions; i++)
    {
      const GrokRegion *r = &map->regions[i];
      if (r->n_vertices < 3)
        continue;
      cairo_move_to (cr, grok_plot_geometry_x_to_px (g, r->xy[0]), grok_plot_geometry_y_to_px (g, r->xy[1]));
      for (int v = 1; v < r->n_vertices; v++)
        cairo_line_to (cr, grok_plot_geometry_x_to_px (g, r->xy[2 * v]),
                       grok_plot_geometry_y_to_px (g, r->xy[2 * v + 1]));
      cairo_close_path (cr);
      grok_figure_set_color (cr, grok_regions_color (i));
      /* fill and outline in the same colour so that no hairline gaps show between polygons */
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 0.5);
      cairo_stroke (cr);
    }
}

static void
draw_boundary (cairo_t *cr, const GrokRegionMap *map, const GrokPlotGeometry *g, double width)
{
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < map->n_regions; i++)
    {
      const GrokRegion *r = &map->regions[i];
      for (int s = 0; s < r->n_segments; s++)
        {
          const double *seg = r->segments + 4 * s;
          cairo_move_to (cr, grok_plot_geometry_x_to_px (g, seg[0]), grok_plot_geometry_y_to_px (g, seg[1]));
          cairo_line_to (cr, grok_plot_geometry_x_to_px (g, seg[2]), grok_plot_geometry_y_to_px (g, seg[3]));
        }
    }
  cairo_stroke (cr);
}

static void
draw_raster (cairo_t *cr, const GrokRegionsFigure *f, const GrokPlotGeometry *g)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, f->raster_w, f->raster_h);
  guchar *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  cairo_pattern_t *pattern;

  cairo_surface_flush (image);
  /* image row 0 is the top of the picture: the raster's last row (y1) */
  for (int y = 0; y < f->raster_h; y++)
    for (int x = 0; x < f->raster_w; x++)
      ((guint32 *) (data + (gsize) y * stride))[x] =
        grok_rgba_to_argb32 (grok_regions_color (f->raster[(gsize) (f->raster_h - 1 - y) * f->raster_w + x]));
  cairo_surface_mark_dirty (image);

  cairo_save (cr);
  cairo_rectangle (cr, g->left, g->top, g->width, g->height);
  cairo_clip (cr);
  cairo_translate (cr, g->left, g->top);
  cairo_scale (cr, g->width / f->raster_w, g->height / f->raster_h);
  cairo_set_source_surface (cr, image, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

static void
draw_points (cairo_t *cr, const float *xy, const int *labels, int n, gboolean hollow,
             const GrokPlotGeometry *g, const GrokFigureStyle *style)
{
  double radius = 2.2 * style->scale * style->font_size / 9.0;

  cairo_set_line_width (cr, 0.8 * style->scale);
  for (int i = 0; i < n; i++)
    {
      double px = grok_plot_geometry_x_to_px (g, xy[2 * i]);
      double py = grok_plot_geometry_y_to_px (g, xy[2 * i + 1]);
      GrokRgba c = grok_figure_style_series_color (style, labels[i] ? 1 : 0);

      if (!grok_plot_geometry_contains (g, px, py))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
      if (hollow)
        {
          grok_figure_set_color (cr, c);
          cairo_stroke (cr);
        }
      else
        {
          grok_figure_set_color (cr, c);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_stroke (cr);
        }
    }
}

void
grok_figure_regions_draw (cairo_t *cr, double x, double y, double width, double height,
                          const GrokRegionsFigure *f, const GrokFigureStyle *style,
                          GrokPlotGeometry *geometry_out)
{
  GrokPlot plot;
  GrokPlotGeometry g;
  g_autofree char *title = NULL;
  double side = MIN (width, height);

  grok_plot_init (&plot);
  if (f->title != NULL)
    title = g_strdup (f->title);
  else if (f->exact != NULL)
    title = g_strdup_printf ("%d linear region%s", f->exact->n_regions, f->exact->n_regions == 1 ? "" : "s");
  else
    title = g_strdup_printf ("%d activation patterns on a %d x %d raster (smooth activation: "
                             "no linear regions)", f->n_patterns, f->raster_w, f->raster_h);
  plot.title = title;
  plot.x_label = "x";
  plot.y_label = "y";
  plot.x_min = f->x0;
  plot.x_max = f->x1;
  plot.y_min = f->y0;
  plot.y_max = f->y1;
  plot.hide_legend = TRUE;
  /* square data area: the input space has equal units on both axes */
  grok_plot_draw (cr, x + (width - side) / 2, y + (height - side) / 2, side, side, &plot, style, &g);

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  if (f->exact != NULL)
    draw_polygons (cr, f->exact, &g);
  else if (f->raster != NULL)
    draw_raster (cr, f, &g);
  if (f->exact != NULL)
    draw_boundary (cr, f->exact, &g, 1.6 * style->scale * style->line_width);
  draw_points (cr, f->test_x, f->test_y, f->n_test, TRUE, &g, style);
  draw_points (cr, f->train_x, f->train_y, f->n_train, FALSE, &g, style);
  cairo_restore (cr);
  grok_figure_layout_add_area (cr, g.left, g.top, g.width, g.height);
  if (geometry_out != NULL)
    *geometry_out = g;
}
