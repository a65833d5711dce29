/* The layout of every view at every size a figure is made at, from one column up: from the
 * layout record the drawing leaves (not from pixels), no text leaves the canvas, and none
 * crosses other text, a data line or data drawn as an area. */
#include "grok-figure-layout.h"
#include "grok-figure-neurons.h"
#include "grok-figure-curves.h"
#include "figure-cases.h"
#include "figure-test-main.h"

/* points between any text and the canvas' left and right edges, at the least */
#define EDGE_MARGIN 1.0

static void
test_layout (gconstpointer user_data)
{
  const Case *c = ((const gpointer *) user_data)[0];
  const Size *size = ((const gpointer *) user_data)[1];
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  g_autofree char *problems = NULL, *ticks = NULL, *sizes_differ = NULL;
  double w, h;
  guint n_titles = 0;
  GrokFigureRequest request = case_at_size (c, size, &w, &h);
  cairo_surface_t *surface;
  cairo_t *cr;

  /* one device unit per point, as the PDF and SVG are drawn */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (w * 72), (int) ceil (h * 72));
  cr = cairo_create (surface);
  grok_figure_layout_attach (layout, surface);
  grok_figure_request_draw (cr, w * 72, h * 72, &request);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  /* a figure without text or data would pass whatever its layout */
  g_assert_cmpuint (layout->texts->len, >, 3);
  g_assert_cmpuint (layout->segments->len + layout->areas->len, >, 0);
  /* what a case is there for is drawn at every size, not left out to keep clear */
  if (c->expect != NULL)
    {
      guint found = 0;
      for (guint i = 0; i < layout->texts->len; i++)
        found += strstr (g_array_index (layout->texts, GrokLayoutText, i).text, c->expect) != NULL;
      g_assert_cmpuint (found, >=, c->expect_count);
    }
  problems = grok_figure_layout_problems (layout, w * 72, h * 72);
  if (problems != NULL)
    g_test_message ("%s at %s:\n%s", c->name, size->name, problems);
  g_assert_null (problems);
  /* text keeps a margin from the canvas' sides, a title a wider one: a title wider than its
   * panel is made smaller or broken, not run up to the edge */
  for (guint i = 0; i < layout->texts->len; i++)
    n_titles += g_array_index (layout->texts, GrokLayoutText, i).title;
  g_assert_cmpuint (n_titles, >, 0);
  for (guint i = 0; i < layout->texts->len; i++)
    {
      const GrokLayoutText *t = &g_array_index (layout->texts, GrokLayoutText, i);
      double margin = MIN (t->box.x0, w * 72 - t->box.x1);
      /* a title, as far as its line is high: a title at a smaller size for a smaller panel
       * keeps a smaller margin */
      double least = t->title ? t->box.y1 - t->box.y0 : EDGE_MARGIN;
      if (margin < least)
        g_test_message ("%s at %s: '%s' is %.2f points from the edge", c->name, size->name,
                        t->text, margin);
      g_assert_cmpfloat (margin, >=, least);
    }
  /* a legend leaves its plot most of the panel's height (but in one column, where room is
   * short): what the figure is for stays the largest part of it */
  for (guint i = 0; i < layout->plots->len && c->min_data_share > 0 && size->venue != GROK_SIZE_ICML_COLUMN; i++)
    {
      const GrokLayoutPlot *p = &g_array_index (layout->plots, GrokLayoutPlot, i);
      double share = (p->data.y1 - p->data.y0) / (p->panel.y1 - p->panel.y0);
      if (share < c->min_data_share)
        g_test_message ("%s at %s: plot %u's data area is %.0f%% of its panel's height", c->name,
                        size->name, i, 100 * share);
      g_assert_cmpfloat (share, >=, c->min_data_share);
    }
  /* each matrix's entropy and effective rank at each step is stated in the figure, in its
   * panel's legend or elsewhere, at every size: a legend left out for room is not lost */
  if (c->request.data != NULL && c->request.data->spectra != NULL)
    {
      const GrokSpectraData *sp = c->request.data->spectra;
      for (guint k = 0; k < sp->summaries->len; k++)
        for (int m = 0; m < ((const GrokSpectrumSummary *) sp->summaries->pdata[k])->n_matrices; m++)
          {
            const GrokMatrixSpectrum *ms = &((const GrokSpectrumSummary *) sp->summaries->pdata[k])->matrices[m];
            g_autofree char *h = g_strdup_printf ("%.2f", ms->entropy);
            g_autofree char *r = g_strdup_printf ("%.1f", ms->eff_rank);
            gboolean stated = FALSE;
            for (guint i = 0; i < layout->texts->len && !stated; i++)
              {
                const GrokLayoutText *t = &g_array_index (layout->texts, GrokLayoutText, i);
                stated = t->role == GROK_TEXT_LEGEND && strstr (t->text, h) != NULL
                         && strstr (t->text, r) != NULL;
              }
            if (!stated)
              g_test_message ("%s at %s: H %s, eff. rank %s of %s at step %u is nowhere",
                              c->name, size->name, h, r, (char *) sp->names->pdata[m], k);
            g_assert_true (stated);
          }
    }
  /* a curves grid leaves no whole cell empty where a grid without one gives panels of at
   * least GROK_CURVES_FULL_GRID of the size (1.4 : 1 panels) of the one drawn */
  if (g_str_has_prefix (c->name, "curves") && layout->plots->len > 1)
    {
      guint n = layout->plots->len, rows = 0, cols = 0;
      double W = w * 72, H = h * 72, drawn;
      for (guint i = 0; i < n; i++)
        {
          const GrokLayoutPlot *p = &g_array_index (layout->plots, GrokLayoutPlot, i);
          gboolean new_row = TRUE, new_col = TRUE;
          for (guint j = 0; j < i; j++)
            {
              const GrokLayoutPlot *q = &g_array_index (layout->plots, GrokLayoutPlot, j);
              new_row = new_row && fabs (q->panel.y0 - p->panel.y0) > 0.5;
              new_col = new_col && fabs (q->panel.x0 - p->panel.x0) > 0.5;
            }
          rows += new_row, cols += new_col;
        }
      drawn = MIN (W / cols / 1.4, H / rows);
      for (guint k = 1; k <= n && rows * cols > n; k++)
        if (n % k == 0)
          {
            double full = MIN (W / k / 1.4, H / (n / k));
            if (full >= GROK_CURVES_FULL_GRID * drawn)
              g_test_message ("%s at %s: %u x %u grid of %u panels, %u x %u has none empty",
                              c->name, size->name, cols, rows, n, k, n / k);
            g_assert_cmpfloat (full, <, GROK_CURVES_FULL_GRID * drawn);
          }
    }
  /* the neurons' and attention's images each have their title directly above them: no
   * more than a line of the title's height between them */
  if (g_str_has_prefix (c->name, "neurons") || g_str_has_prefix (c->name, "attention"))
    for (guint a = 0; a < layout->areas->len; a++)
      {
        const GrokBox *img = &g_array_index (layout->areas, GrokBox, a);
        const GrokLayoutText *above = NULL;
        if (fabs ((img->x1 - img->x0) - (img->y1 - img->y0)) > 0.02 * (img->x1 - img->x0))
          continue;   /* not a square image: a colour bar */
        for (guint i = 0; i < layout->texts->len; i++)
          {
            const GrokLayoutText *t = &g_array_index (layout->texts, GrokLayoutText, i);
            if (t->role == GROK_TEXT_TITLE && t->box.y1 <= img->y0 + 0.01
                && t->box.x1 > img->x0 && t->box.x0 < img->x1
                && (above == NULL || t->box.y1 > above->box.y1))
              above = t;
          }
        g_assert_nonnull (above);
        if (img->y0 - above->box.y1 > above->box.y1 - above->box.y0)
          g_test_message ("%s at %s: '%s' is %.1f above its image", c->name, size->name,
                          above->text, img->y0 - above->box.y1);
        g_assert_cmpfloat (img->y0 - above->box.y1, <=, above->box.y1 - above->box.y0);
      }
  /* the Fourier bars' key labels (level numbers, not tick labels) keep apart: "40" and "44"
   * never run together into "4044" */
  if (g_str_has_prefix (c->name, "fourier"))
    for (guint i = 0; i < layout->texts->len; i++)
      for (guint j = i + 1; j < layout->texts->len; j++)
        {
          const GrokLayoutText *a = &g_array_index (layout->texts, GrokLayoutText, i);
          const GrokLayoutText *b = &g_array_index (layout->texts, GrokLayoutText, j);
          double gap;
          if (a->role != GROK_TEXT_OTHER || b->role != GROK_TEXT_OTHER
              || strspn (a->text, "0123456789") != strlen (a->text)
              || strspn (b->text, "0123456789") != strlen (b->text)
              || a->box.y1 <= b->box.y0 || b->box.y1 <= a->box.y0)
            continue;
          gap = MAX (a->box.x0, b->box.x0) - MIN (a->box.x1, b->box.x1);
          if (gap < 0.25 * MIN (a->size, b->size))
            g_test_message ("%s at %s: key labels '%s' and '%s' %.2f apart", c->name,
                            size->name, a->text, b->text, gap);
          g_assert_cmpfloat (gap, >=, 0.25 * MIN (a->size, b->size));
        }
  /* one figure, one size of title, one of tick label, one of legend entry */
  sizes_differ = grok_figure_layout_size_problems (layout, 1e-3);
  if (sizes_differ != NULL)
    g_test_message ("%s at %s:\n%s", c->name, size->name, sizes_differ);
  g_assert_null (sizes_differ);
  /* tick marks a reader can tell apart: 2 points at least (a device unit is a point here) */
  if (g_str_has_prefix (c->name, "curves") || g_str_has_prefix (c->name, "spectrum"))
    g_assert_cmpuint (layout->ticks->len, >, 4);
  ticks = grok_figure_layout_tick_problems (layout, 2.0 - 1e-6);
  if (ticks != NULL)
    g_test_message ("%s at %s:\n%s", c->name, size->name, ticks);
  g_assert_null (ticks);
}

/* the checker itself: a text over a line, two texts over each other and a text past the edge
 * are each found, and boxes that only touch are not */
static void
test_checker (void)
{
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
  cairo_t *cr = cairo_create (surface);
  GrokFigureStyle style;
  g_autofree char *clean = NULL, *crossed = NULL;

  grok_figure_style_init (&style, GROK_SCHEME_PRINT);
  grok_figure_layout_attach (layout, surface);
  grok_figure_set_font (cr, &style, 10, FALSE);
  grok_figure_text (cr, "left", 10, 10, 0, 0, 0);
  grok_figure_text (cr, "right", 100, 10, 0, 0, 0);
  grok_figure_layout_add_segment (cr, 0, 60, 200, 60);
  clean = grok_figure_layout_problems (layout, 200, 100);
  g_assert_null (clean);
  grok_figure_text (cr, "over the line", 20, 60, 0, 0.5, 0);
  grok_figure_text (cr, "lefter", 12, 12, 0, 0, 0);
  grok_figure_text (cr, "gone", 196, 90, 0, 0, G_PI / 2);
  crossed = grok_figure_layout_problems (layout, 200, 100);
  g_assert_nonnull (crossed);
  g_assert_nonnull (strstr (crossed, "'over the line'"));
  g_assert_nonnull (strstr (crossed, "crosses a data line"));
  g_assert_nonnull (strstr (crossed, "'left' (") );
  g_assert_nonnull (strstr (crossed, "overlaps 'lefter'"));
  g_assert_nonnull (strstr (crossed, "'gone'"));
  g_assert_nonnull (strstr (crossed, "leaves the"));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* the tick checker: marks 3 apart pass at 2, marks 1.5 apart do not, two marks at one place
 * count once, and marks of different axes are not compared */
static void
test_tick_checker (void)
{
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *clean = NULL, *close = NULL;

  grok_figure_layout_attach (layout, surface);
  grok_figure_layout_begin_axis (cr, TRUE);
  grok_figure_layout_add_tick (cr, 10, 90);
  grok_figure_layout_add_tick (cr, 13, 90);
  grok_figure_layout_add_tick (cr, 13, 90);
  grok_figure_layout_begin_axis (cr, FALSE);
  grok_figure_layout_add_tick (cr, 11, 50);
  grok_figure_layout_add_tick (cr, 11, 53);
  clean = grok_figure_layout_tick_problems (layout, 2);
  g_assert_null (clean);
  grok_figure_layout_add_tick (cr, 11, 54.5);
  close = grok_figure_layout_tick_problems (layout, 2);
  g_assert_nonnull (close);
  g_assert_nonnull (strstr (close, "1.50 apart"));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* the neurons' and attention's (a, b) images keep square cells at every size, the figure
 * drawn as test_layout draws it */
static void
test_square_cells (gconstpointer user_data)
{
  const Case *c = ((const gpointer *) user_data)[0];
  const Size *size = ((const gpointer *) user_data)[1];
  const GrokViewData *data = c->request.data;
  guint n = data->neurons ? 2 * (guint) data->neurons->n_units
                          : (guint) (data->attention->n_blocks * data->attention->n_heads *
                                     data->attention->n_positions);
  g_autofree GrokHeatmapGeometry *g = g_new0 (GrokHeatmapGeometry, n);
  double w, h;
  GrokFigureRequest request = case_at_size (c, size, &w, &h);
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (w * 72), (int) ceil (h * 72));
  cr = cairo_create (surface);
  if (data->neurons != NULL)
    grok_figure_neurons_draw (cr, 0, 0, w * 72, h * 72, data->neurons, data->step,
                              &request.style, g);
  else
    grok_figure_attention_draw (cr, 0, 0, w * 72, h * 72, data->attention, data->step,
                                &request.style, g);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (g[i].rows, ==, g[i].cols);
      g_assert_cmpfloat (g[i].width, >, 0);
      g_assert_cmpfloat (fabs (g[i].width / g[i].cols - g[i].height / g[i].rows), <,
                         1e-9 * g[i].width);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  Cases k = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  cases_init (&k);
  g_test_add_func ("/ui/figure/layout/checker", test_checker);
  g_test_add_func ("/ui/figure/layout/tick-checker", test_tick_checker);
  for (guint i = 0; i < k.cases->len; i++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        gpointer *pair = g_new (gpointer, 2);
        g_autofree char *path = NULL;
        const Case *c = k.cases->pdata[i];
        pair[0] = k.cases->pdata[i];
        pair[1] = (gpointer) &sizes[s];
        g_ptr_array_add (pairs, pair);
        path = g_strdup_printf ("/ui/figure/layout/%s/%s", c->name, sizes[s].name);
        g_test_add_data_func (path, pair, test_layout);
        if (c->request.data != NULL && (c->request.data->neurons || c->request.data->attention))
          {
            g_autofree char *square = g_strdup_printf ("/ui/figure/square-cells/%s/%s", c->name,
                                                       sizes[s].name);
            g_test_add_data_func (square, pair, test_square_cells);
          }
      }
  status = g_test_run ();
  cases_clear (&k);
  return grok_figure_test_finish (status);
}
