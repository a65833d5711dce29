/* The layout of every view at every size a figure is made at, from one column up: from the
 * layout record the drawing leaves (not from pixels), no text leaves the canvas, and none
 * crosses other text, a data line or data drawn as an area. */
#include <math.h>

#include "grok-figure-layout.h"
#include "grok-figure-view.h"
#include "grok-model.h"
#include "grok-presets.h"
#include "figure-synthetic.h"
#include "figure-test-main.h"

typedef struct
{
  const char *name;
  double      width_in, height_in;   /* 0: the venue's */
  int         venue;                 /* a GrokSizeName, or -1 */
} Size;

static const Size sizes[] = {
  { "icml-column", 0, 0, GROK_SIZE_ICML_COLUMN },
  { "icml-page", 0, 0, GROK_SIZE_ICML_PAGE },
  { "neurips", 0, 0, GROK_SIZE_NEURIPS },
  { "slide", 0, 0, GROK_SIZE_SLIDE },
  { "6x4in", 6, 4, -1 },
};

typedef struct
{
  const char       *name;
  GrokFigureRequest request;
} Case;

static GPtrArray *cases;   /* Case, one per view (and per model, for the weights) */

/* the weights at rest of config's model */
static GrokParams *
params_of (const GrokConfig *config, guint64 seed)
{
  g_autoptr (GrokDataset) dataset = grok_dataset_new (config);
  GrokModel *model = grok_model_new (config, dataset, 1);
  GrokParams *params;

  grok_model_init_params (model, seed);
  params = grok_params_copy (model->params);
  grok_model_free (model);
  return params;
}

static void
add_case (const char *name, GrokView view, const GrokMetrics *metrics, const GrokParams *params,
          GrokViewData *data)
{
  Case *c = g_new0 (Case, 1);

  c->name = name;
  grok_figure_request_init (&c->request, view);
  c->request.metrics = metrics;
  c->request.params = params;
  if (data != NULL)
    grok_figure_request_set_data (&c->request, data);
  g_ptr_array_add (cases, c);
}

/* view's data for config at params, with the earlier weights the spectrum overlays */
static GrokViewData *
data_of (GrokView view, const GrokConfig *config, const GrokParams *params, guint n_earlier)
{
  g_auto (GrokViewInput) input = { 0 };
  g_autoptr (GError) error = NULL;
  GrokViewRecipe recipe;
  GrokViewData *data;

  grok_view_recipe_init (&recipe);
  recipe.lmn_points = 96;
  grok_view_input_init (&input, config, params, 20000);
  for (guint k = 0; k < n_earlier; k++)
    {
      g_autoptr (GrokParams) earlier = params_of (config, 11 + k);
      grok_view_input_add_earlier (&input, (gint64) pow (10, k + 1) / 2, earlier, NULL);
    }
  data = grok_view_data_new (view, &input, &recipe, &error);
  g_assert_no_error (error);
  return data;
}

static void
test_layout (gconstpointer user_data)
{
  const Case *c = ((const gpointer *) user_data)[0];
  const Size *size = ((const gpointer *) user_data)[1];
  GrokFigureRequest request = c->request;
  g_autoptr (GrokFigureLayout) layout = grok_figure_layout_new ();
  g_autofree char *problems = NULL;
  double w = size->width_in, h = size->height_in;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (size->venue >= 0)
    {
      g_assert_true (grok_figure_parse_size (size->name, 300, &w, &h, NULL));
      grok_figure_request_set_size (&request, grok_figure_size (size->venue));
    }
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
  problems = grok_figure_layout_problems (layout, w * 72, h * 72);
  if (problems != NULL)
    g_test_message ("%s at %s:\n%s", c->name, size->name, problems);
  g_assert_null (problems);
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

int
main (int argc, char **argv)
{
  g_autoptr (GrokMetrics) metrics = grok_synthetic_measured_metrics (300);
  g_autoptr (GrokConfig) mlp = grok_preset_load ("liu-add31", NULL);
  g_autoptr (GrokConfig) transformer = grok_preset_load ("demoss-add-ours", NULL);
  g_autoptr (GrokConfig) xor2d = grok_preset_load ("xor2d-relu", NULL);
  g_autoptr (GrokParams) mlp_params = NULL, transformer_params = NULL, xor2d_params = NULL;
  g_autoptr (GrokViewData) spectrum = NULL, mlp_spectrum = NULL, connectivity = NULL;
  g_autoptr (GrokViewData) regions = NULL;
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  int status;

  g_test_init (&argc, &argv, NULL);
  cases = g_ptr_array_new_with_free_func (g_free);
  transformer->task.p = 23;
  mlp_params = params_of (mlp, 1);
  transformer_params = params_of (transformer, 1);
  xor2d_params = params_of (xor2d, 1);
  spectrum = data_of (GROK_VIEW_SPECTRUM, transformer, transformer_params, 3);
  mlp_spectrum = data_of (GROK_VIEW_SPECTRUM, mlp, mlp_params, 5);
  connectivity = data_of (GROK_VIEW_CONNECTIVITY, mlp, mlp_params, 0);
  regions = data_of (GROK_VIEW_REGIONS, xor2d, xor2d_params, 0);

  add_case ("curves", GROK_VIEW_CURVES, metrics, NULL, NULL);
  add_case ("scatter", GROK_VIEW_CURVES, metrics, NULL, NULL);
  ((Case *) cases->pdata[cases->len - 1])->request.scatter =
    (GrokScatterOptions) { (const char * const[]) { "lmn", "l2_norm", NULL }, "test_loss", 256 };
  add_case ("heatmap-mlp", GROK_VIEW_HEATMAP, NULL, mlp_params, NULL);
  add_case ("heatmap-transformer", GROK_VIEW_HEATMAP, NULL, transformer_params, NULL);
  add_case ("spectrum-transformer", GROK_VIEW_SPECTRUM, NULL, NULL, spectrum);
  add_case ("spectrum-mlp", GROK_VIEW_SPECTRUM, NULL, NULL, mlp_spectrum);
  add_case ("connectivity", GROK_VIEW_CONNECTIVITY, NULL, NULL, connectivity);
  add_case ("regions", GROK_VIEW_REGIONS, NULL, NULL, regions);

  g_test_add_func ("/ui/figure/layout/checker", test_checker);
  for (guint i = 0; i < cases->len; i++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        gpointer *pair = g_new (gpointer, 2);
        g_autofree char *path = NULL;
        const Case *c = cases->pdata[i];
        pair[0] = cases->pdata[i];
        pair[1] = (gpointer) &sizes[s];
        g_ptr_array_add (pairs, pair);
        path = g_strdup_printf ("/ui/figure/layout/%s/%s", c->name, sizes[s].name);
        g_test_add_data_func (path, pair, test_layout);
      }
  status = g_test_run ();
  g_ptr_array_unref (cases);
  return grok_figure_test_finish (status);
}
