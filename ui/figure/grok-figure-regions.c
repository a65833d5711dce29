/* Drawing a region map. */
#include "grok-figure-regions.h"

#include <math.h>
#include <string.h>

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

GrokRgba
grok_regions_class_fill (const GrokFigureStyle *style, double d)
{
  GrokRgba c = grok_figure_style_series_color (style, d > 0 ? 1 : 0);
  GrokPalette palette;
  /* a margin of 4 nats is near certainty: the full colour, washed out towards none */
  double k = 0.12 + 0.6 * tanh (fabs (d) / 3.0);

  grok_figure_style_palette (style, &palette);
  return (GrokRgba) { palette.background.r + k * (c.r - palette.background.r),
                      palette.background.g + k * (c.g - palette.background.g),
                      palette.background.b + k * (c.b - palette.background.b), 1 };
}

/* the logit difference d = a x + b y + c of a region (class 1 minus class 0; the one logit of a
 * single output) */
static void
region_margin (const GrokRegionMap *map, const GrokRegion *r, double abc[3])
{
  for (int k = 0; k < 3; k++)
    abc[k] = map->n_out >= 2 ? r->logits[3 + k] - r->logits[k] : r->logits[k];
}

/* each region filled as its logits say: d is affine in a region, so its colour is a linear
 * gradient along d's direction, with stops close enough to follow the map from d to colour */
static void
draw_polygons (cairo_t *cr, const GrokRegionMap *map, const GrokPlotGeometry *g,
               const GrokFigureStyle *style)
{
  for (int i = 0; i < map->n_regions; i++)
    {
      const GrokRegion *r = &map->regions[i];
      double abc[3], lo = INFINITY, hi = -INFINITY, len2;
      cairo_pattern_t *ramp;

      if (r->n_vertices < 3)
        continue;
      region_margin (map, r, abc);
      cairo_move_to (cr, grok_plot_geometry_x_to_px (g, r->xy[0]), grok_plot_geometry_y_to_px (g, r->xy[1]));
      for (int v = 1; v < r->n_vertices; v++)
        cairo_line_to (cr, grok_plot_geometry_x_to_px (g, r->xy[2 * v]),
                       grok_plot_geometry_y_to_px (g, r->xy[2 * v + 1]));
      cairo_close_path (cr);
      for (int v = 0; v < r->n_vertices; v++)
        {
          double d = abc[0] * r->xy[2 * v] + abc[1] * r->xy[2 * v + 1] + abc[2];
          lo = MIN (lo, d), hi = MAX (hi, d);
        }
      /* the gradient runs in device space from where d = lo to where d = hi along grad d */
      len2 = abc[0] * abc[0] + abc[1] * abc[1];
      if (len2 > 0 && hi > lo)
        {
          double cx = -abc[2] * abc[0] / len2, cy = -abc[2] * abc[1] / len2;
          double x0 = cx + lo * abc[0] / len2, y0 = cy + lo * abc[1] / len2;
          double x1 = cx + hi * abc[0] / len2, y1 = cy + hi * abc[1] / len2;
          ramp = cairo_pattern_create_linear (grok_plot_geometry_x_to_px (g, x0), grok_plot_geometry_y_to_px (g, y0),
                                              grok_plot_geometry_x_to_px (g, x1), grok_plot_geometry_y_to_px (g, y1));
          for (int k = 0; k <= 24; k++)
            {
              double d = lo + (hi - lo) * k / 24.0;
              GrokRgba c = grok_regions_class_fill (style, d);
              cairo_pattern_add_color_stop_rgb (ramp, k / 24.0, c.r, c.g, c.b);
            }
          /* the class changes at d = 0: a stop each side of it keeps the change sharp */
          if (lo < 0 && hi > 0)
            {
              GrokRgba a = grok_regions_class_fill (style, -1e-9), b = grok_regions_class_fill (style, 1e-9);
              double at = -lo / (hi - lo);
              cairo_pattern_add_color_stop_rgb (ramp, at, a.r, a.g, a.b);
              cairo_pattern_add_color_stop_rgb (ramp, at, b.r, b.g, b.b);
            }
        }
      else
        {
          GrokRgba c = grok_regions_class_fill (style, lo);
          ramp = cairo_pattern_create_rgb (c.r, c.g, c.b);
        }
      cairo_set_source (cr, ramp);
      cairo_pattern_destroy (ramp);
      cairo_fill (cr);
    }
}

/* the regions' edges: thin, translucent lines over the fills */
static void
draw_edges (cairo_t *cr, const GrokRegionMap *map, const GrokPlotGeometry *g,
            const GrokFigureStyle *style)
{
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
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
    }
  cairo_set_source_rgba (cr, palette.foreground.r, palette.foreground.g, palette.foreground.b, 0.25);
  cairo_set_line_width (cr, 0.3 * style->scale);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
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
          /* the label's colour, ringed thinly so that it shows on a fill of its own class */
          grok_figure_set_color (cr, c);
          cairo_fill_preserve (cr);
          cairo_set_line_width (cr, 0.4 * style->scale);
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_stroke (cr);
          cairo_set_line_width (cr, 0.8 * style->scale);
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
  GrokSeries legend[4];
  g_autofree char *title = NULL, *count = NULL, *at = NULL;
  double nothing = NAN;
  guint n_legend = 0;
  GrokPalette palette;

  grok_figure_style_palette (style, &palette);
  grok_plot_init (&plot);
  if (f->exact != NULL)
    count = g_strdup_printf ("%d linear region%s%s", f->exact->n_regions,
                             f->exact->n_regions == 1 ? "" : "s", f->zoomed ? " in view" : "");
  else
    count = g_strdup_printf ("%d activation patterns on a %d x %d raster%s (smooth activation: "
                             "no linear regions)", f->n_patterns, f->raster_w, f->raster_h,
                             f->zoomed ? " in view" : "");
  if (f->step >= 0)
    {
      g_autofree char *step = grok_figure_format_count (f->step);
      at = g_strdup_printf ("step %s: ", step);
    }
  title = f->title != NULL ? g_strdup (f->title) : g_strconcat (at != NULL ? at : "", count, NULL);
  /* what the colours and the marks are: the classes' fills at a sure margin, and the points */
  if (f->exact != NULL)
    {
      legend[n_legend++] = (GrokSeries) { &nothing, &nothing, NULL, NULL, 1, "class 0 predicted",
                                          grok_regions_class_fill (style, -6), FALSE, TRUE };
      legend[n_legend++] = (GrokSeries) { &nothing, &nothing, NULL, NULL, 1, "class 1 predicted",
                                          grok_regions_class_fill (style, 6), FALSE, TRUE };
    }
  if (f->n_train > 0)
    legend[n_legend++] = (GrokSeries) { &nothing, &nothing, NULL, NULL, 1,
                                        "training point (filled)", palette.muted, FALSE, TRUE };
  if (f->n_test > 0)
    legend[n_legend++] = (GrokSeries) { &nothing, &nothing, NULL, NULL, 1, "test point (hollow)",
                                        palette.muted, FALSE, TRUE, NULL, TRUE };
  plot.title = title;
  plot.x_label = "x";
  plot.y_label = "y";
  plot.x_min = f->x0;
  plot.x_max = f->x1;
  plot.y_min = f->y0;
  plot.y_max = f->y1;
  plot.series = legend;
  plot.n_series = n_legend;
  plot.legend_outside = TRUE;
  /* the input space has equal units on both axes */
  plot.square = TRUE;
  grok_plot_draw (cr, x, y, width, height, &plot, style, &g);

  cairo_save (cr);
  cairo_rectangle (cr, g.left, g.top, g.width, g.height);
  cairo_clip (cr);
  if (f->exact != NULL)
    {
      draw_polygons (cr, f->exact, &g, style);
      draw_edges (cr, f->exact, &g, style);
    }
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
