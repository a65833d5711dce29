/* The layout record: what a figure drew where, kept on the surface it drew on. */
#include "grok-figure-layout.h"

#include <math.h>

static const cairo_user_data_key_t layout_key;

/* touching is not crossing: boxes are shrunk by this much before they are compared */
#define GROK_LAYOUT_SLACK 0.01

static void
layout_text_clear (gpointer data)
{
  g_free (((GrokLayoutText *) data)->text);
}

GrokFigureLayout *
grok_figure_layout_new (void)
{
  GrokFigureLayout *layout = g_new0 (GrokFigureLayout, 1);

  layout->texts = g_array_new (FALSE, FALSE, sizeof (GrokLayoutText));
  g_array_set_clear_func (layout->texts, layout_text_clear);
  layout->segments = g_array_new (FALSE, FALSE, sizeof (GrokBox));
  layout->areas = g_array_new (FALSE, FALSE, sizeof (GrokBox));
  layout->ticks = g_array_new (FALSE, FALSE, sizeof (GrokLayoutTick));
  layout->plots = g_array_new (FALSE, FALSE, sizeof (GrokLayoutPlot));
  return layout;
}

void
grok_figure_layout_free (GrokFigureLayout *layout)
{
  if (layout == NULL)
    return;
  g_array_unref (layout->texts);
  g_array_unref (layout->segments);
  g_array_unref (layout->areas);
  g_array_unref (layout->ticks);
  g_array_unref (layout->plots);
  g_free (layout);
}

void
grok_figure_layout_attach (GrokFigureLayout *layout, cairo_surface_t *surface)
{
  cairo_surface_set_user_data (surface, &layout_key, layout, NULL);
}

void
grok_figure_layout_detach (cairo_surface_t *surface)
{
  cairo_surface_set_user_data (surface, &layout_key, NULL, NULL);
}

static GrokFigureLayout *
layout_of (cairo_t *cr)
{
  return cairo_surface_get_user_data (cairo_get_target (cr), &layout_key);
}

/* the device box around the user rectangle (x, y, w, h) */
static GrokBox
device_box (cairo_t *cr, double x, double y, double w, double h)
{
  double xs[4] = { x, x + w, x, x + w }, ys[4] = { y, y, y + h, y + h };
  GrokBox b = { INFINITY, INFINITY, -INFINITY, -INFINITY };

  for (int i = 0; i < 4; i++)
    {
      cairo_user_to_device (cr, &xs[i], &ys[i]);
      b.x0 = MIN (b.x0, xs[i]), b.y0 = MIN (b.y0, ys[i]);
      b.x1 = MAX (b.x1, xs[i]), b.y1 = MAX (b.y1, ys[i]);
    }
  return b;
}

void
grok_figure_layout_add_text (cairo_t *cr, const char *text)
{
  GrokFigureLayout *layout = layout_of (cr);
  cairo_text_extents_t ext;
  GrokLayoutText t;

  if (layout == NULL)
    return;
  cairo_text_extents (cr, text, &ext);
  if (ext.width <= 0 || ext.height <= 0)
    return;   /* blank text has no ink to collide */
  t.box = device_box (cr, ext.x_bearing, ext.y_bearing, ext.width, ext.height);
  t.text = g_strdup (text);
  t.title = FALSE;
  t.role = GROK_TEXT_OTHER;
  {
    cairo_matrix_t fm;
    double dx, dy;
    cairo_get_font_matrix (cr, &fm);
    dx = fm.xy, dy = fm.yy;
    cairo_user_to_device_distance (cr, &dx, &dy);
    t.size = hypot (dx, dy);
  }
  g_array_append_val (layout->texts, t);
}

void
grok_figure_layout_add_segment (cairo_t *cr, double x0, double y0, double x1, double y1)
{
  GrokFigureLayout *layout = layout_of (cr);
  GrokBox s = { x0, y0, x1, y1 };

  if (layout == NULL)
    return;
  cairo_user_to_device (cr, &s.x0, &s.y0);
  cairo_user_to_device (cr, &s.x1, &s.y1);
  g_array_append_val (layout->segments, s);
}

void
grok_figure_layout_add_area (cairo_t *cr, double x, double y, double width, double height)
{
  GrokFigureLayout *layout = layout_of (cr);
  GrokBox b;

  if (layout == NULL)
    return;
  b = device_box (cr, x, y, width, height);
  g_array_append_val (layout->areas, b);
}

/* the direction of the current axis, kept on the cairo_t that draws it */
static const cairo_user_data_key_t axis_dir_key;

void
grok_figure_layout_mark_title (cairo_t *cr)
{
  GrokFigureLayout *layout = layout_of (cr);

  if (layout != NULL && layout->texts->len > 0)
    {
      g_array_index (layout->texts, GrokLayoutText, layout->texts->len - 1).title = TRUE;
      g_array_index (layout->texts, GrokLayoutText, layout->texts->len - 1).role = GROK_TEXT_TITLE;
    }
}

void
grok_figure_layout_mark_role (cairo_t *cr, GrokTextRole role)
{
  GrokFigureLayout *layout = layout_of (cr);

  if (layout == NULL || layout->texts->len == 0)
    return;
  if (role == GROK_TEXT_TITLE)
    grok_figure_layout_mark_title (cr);
  else
    g_array_index (layout->texts, GrokLayoutText, layout->texts->len - 1).role = role;
}

char *
grok_figure_layout_size_problems (const GrokFigureLayout *layout, double tolerance)
{
  static const char *const names[] = { NULL, "title", "tick label", "legend entry" };
  GString *out = g_string_new (NULL);

  for (int role = GROK_TEXT_TITLE; role <= GROK_TEXT_LEGEND; role++)
    {
      const GrokLayoutText *lo = NULL, *hi = NULL;
      for (guint i = 0; i < layout->texts->len; i++)
        {
          const GrokLayoutText *t = &g_array_index (layout->texts, GrokLayoutText, i);
          if ((int) t->role != role)
            continue;
          if (lo == NULL || t->size < lo->size)
            lo = t;
          if (hi == NULL || t->size > hi->size)
            hi = t;
        }
      if (lo != NULL && hi->size - lo->size > tolerance * hi->size)
        g_string_append_printf (out, "%s sizes differ: '%s' at %.2f, '%s' at %.2f\n",
                                names[role], lo->text, lo->size, hi->text, hi->size);
    }
  return g_string_free (out, out->len == 0);
}

void
grok_figure_layout_begin_axis (cairo_t *cr, gboolean x_axis)
{
  GrokFigureLayout *layout = layout_of (cr);

  if (layout == NULL)
    return;
  layout->n_axes++;
  cairo_set_user_data (cr, &axis_dir_key, GINT_TO_POINTER (x_axis ? 1 : 2), NULL);
}

void
grok_figure_layout_add_tick (cairo_t *cr, double x, double y)
{
  GrokFigureLayout *layout = layout_of (cr);
  GrokLayoutTick t;

  if (layout == NULL)
    return;
  cairo_user_to_device (cr, &x, &y);
  t.axis = layout->n_axes;
  t.at = GPOINTER_TO_INT (cairo_get_user_data (cr, &axis_dir_key)) == 1 ? x : y;
  g_array_append_val (layout->ticks, t);
}

void
grok_figure_layout_add_plot (cairo_t *cr, double x, double y, double width, double height,
                             double data_x, double data_y, double data_width, double data_height)
{
  GrokFigureLayout *layout = layout_of (cr);
  GrokLayoutPlot p;

  if (layout == NULL)
    return;
  p.panel = device_box (cr, x, y, width, height);
  p.data = device_box (cr, data_x, data_y, data_width, data_height);
  g_array_append_val (layout->plots, p);
}

static int
compare_ticks (gconstpointer a, gconstpointer b)
{
  const GrokLayoutTick *s = a, *t = b;

  if (s->axis != t->axis)
    return s->axis < t->axis ? -1 : 1;
  return (s->at > t->at) - (s->at < t->at);
}

char *
grok_figure_layout_tick_problems (const GrokFigureLayout *layout, double min_gap)
{
  g_autoptr (GArray) ticks = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (layout != NULL, NULL);

  ticks = g_array_copy (layout->ticks);
  g_array_sort (ticks, compare_ticks);
  for (guint i = 1; i < ticks->len; i++)
    {
      const GrokLayoutTick *a = &g_array_index (ticks, GrokLayoutTick, i - 1);
      const GrokLayoutTick *b = &g_array_index (ticks, GrokLayoutTick, i);
      double d = b->at - a->at;
      /* a minor and a major mark at one place are one mark */
      if (a->axis == b->axis && d > 1e-6 && d < min_gap)
        {
          g_string_append_printf (out, "ticks of axis %u at %.2f and %.2f are %.2f apart, "
                                  "closer than %.2f\n", a->axis, a->at, b->at, d, min_gap);
          /* one line per axis */
          while (i + 1 < ticks->len && g_array_index (ticks, GrokLayoutTick, i + 1).axis == a->axis)
            i++;
        }
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

gboolean
grok_box_overlaps (const GrokBox *a, const GrokBox *b)
{
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Liang and Barsky's clipping: the segment's parameter range inside each slab */
gboolean
grok_box_clip_segment (const GrokBox *box, double *x0, double *y0, double *x1, double *y1)
{
  double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { *x0 - box->x0, box->x1 - *x0, *y0 - box->y0, box->y1 - *y0 };

  for (int i = 0; i < 4; i++)
    {
      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      {
        double r = q[i] / p[i];
        if (p[i] < 0)
          t0 = MAX (t0, r);
        else
          t1 = MIN (t1, r);
      }
      if (t0 > t1)
        return FALSE;
    }
  {
    double ax = *x0 + t0 * dx, ay = *y0 + t0 * dy, bx = *x0 + t1 * dx, by = *y0 + t1 * dy;
    *x0 = ax, *y0 = ay, *x1 = bx, *y1 = by;
  }
  return TRUE;
}

gboolean
grok_box_crosses_segment (const GrokBox *box, double x0, double y0, double x1, double y1)
{
  GrokBox inner = { box->x0 + GROK_LAYOUT_SLACK, box->y0 + GROK_LAYOUT_SLACK,
                    box->x1 - GROK_LAYOUT_SLACK, box->y1 - GROK_LAYOUT_SLACK };

  if (inner.x1 <= inner.x0 || inner.y1 <= inner.y0)
    return FALSE;
  return grok_box_clip_segment (&inner, &x0, &y0, &x1, &y1);
}

static GrokBox
shrunk (const GrokBox *b)
{
  return (GrokBox) { b->x0 + GROK_LAYOUT_SLACK, b->y0 + GROK_LAYOUT_SLACK,
                     b->x1 - GROK_LAYOUT_SLACK, b->y1 - GROK_LAYOUT_SLACK };
}

char *
grok_figure_layout_problems (const GrokFigureLayout *layout, double width, double height)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (layout != NULL, NULL);

  for (guint i = 0; i < layout->texts->len; i++)
    {
      const GrokLayoutText *t = &g_array_index (layout->texts, GrokLayoutText, i);
      GrokBox a = shrunk (&t->box);

      if (a.x0 < 0 || a.y0 < 0 || a.x1 > width || a.y1 > height)
        g_string_append_printf (out, "'%s' (%.1f, %.1f .. %.1f, %.1f) leaves the %.0f x %.0f "
                                "canvas\n", t->text, t->box.x0, t->box.y0, t->box.x1, t->box.y1,
                                width, height);
      for (guint j = i + 1; j < layout->texts->len; j++)
        {
          const GrokLayoutText *u = &g_array_index (layout->texts, GrokLayoutText, j);
          GrokBox b = shrunk (&u->box);
          if (grok_box_overlaps (&a, &b))
            g_string_append_printf (out, "'%s' (%.1f, %.1f .. %.1f, %.1f) overlaps '%s' (%.1f, "
                                    "%.1f .. %.1f, %.1f)\n", t->text, t->box.x0, t->box.y0,
                                    t->box.x1, t->box.y1, u->text, u->box.x0, u->box.y0,
                                    u->box.x1, u->box.y1);
        }
      for (guint j = 0; j < layout->segments->len; j++)
        {
          const GrokBox *s = &g_array_index (layout->segments, GrokBox, j);
          if (grok_box_crosses_segment (&t->box, s->x0, s->y0, s->x1, s->y1))
            {
              g_string_append_printf (out, "'%s' (%.1f, %.1f .. %.1f, %.1f) crosses a data line "
                                      "from (%.1f, %.1f) to (%.1f, %.1f)\n", t->text, t->box.x0,
                                      t->box.y0, t->box.x1, t->box.y1, s->x0, s->y0, s->x1, s->y1);
              break;
            }
        }
      for (guint j = 0; j < layout->areas->len; j++)
        {
          GrokBox b = shrunk (&g_array_index (layout->areas, GrokBox, j));
          if (grok_box_overlaps (&a, &b))
            g_string_append_printf (out, "'%s' (%.1f, %.1f .. %.1f, %.1f) covers data drawn over "
                                    "(%.1f, %.1f .. %.1f, %.1f)\n", t->text, t->box.x0, t->box.y0,
                                    t->box.x1, t->box.y1, b.x0, b.y0, b.x1, b.y1);
        }
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}
