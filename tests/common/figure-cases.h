/* The figures every view makes, for the layout test and the gallery: a measured metrics
 * table, the weights at rest of an MLP, a transformer and an xor2d net, and the views computed
 * from them; and the sizes a figure is made at, from one column up. */
#pragma once

#include <math.h>

#include "grok-figure-view.h"
#include "grok-config-settings.h"
#include "grok-model.h"
#include "grok-presets.h"
#include "grok-run-views.h"
#include "figure-synthetic.h"

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
  const char       *expect;         /* NULL, or a text the figure must show at every size */
  guint             expect_count;   /* in at least this many places */
  double            min_data_share; /* 0, or the share of each plot's panel height its data
                                     * area takes at least (but in one column) */
} Case;


/* the weights at rest of config's model */
static GrokParams *
params_of (const GrokConfig *config, guint64 seed)
{
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&config->task);
  GrokModel *model = grok_config_new_model (config, dataset, 1);
  GrokParams *params;

  grok_model_init_params (model, seed);
  params = grok_params_copy (model->params);
  grok_model_free (model);
  return params;
}

static void
add_case (GPtrArray *cases, const char *name, GrokView view, const GrokMetrics *metrics, const GrokParams *params,
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
  grok_config_view_input_init (&input, config, params, 20000);
  for (guint k = 0; k < n_earlier; k++)
    {
      g_autoptr (GrokParams) earlier = params_of (config, 11 + k);
      grok_view_input_add_earlier (&input, (gint64) pow (10, k + 1) / 2, earlier, NULL);
    }
  data = grok_view_data_new (view, &input, &recipe, &error);
  g_assert_no_error (error);
  return data;
}


/* what the cases draw from, alive as long as they are */
typedef struct
{
  GrokMetrics  *metrics, *gapped;
  GrokConfig   *mlp, *transformer, *xor2d, *xor5;
  GrokParams   *mlp_params, *transformer_params, *xor2d_params, *xor5_params;
  GrokViewData *spectrum, *mlp_spectrum, *connectivity, *regions, *fourier, *mlp_fourier;
  GrokViewData *neurons_mlp, *neurons_transformer, *neurons_xor5, *attention;
  GPtrArray    *cases;   /* Case, one per view (and per model, for the weights) */
} Cases;

static const char * const scatter_x[] = { "lmn", "l2_norm", NULL };
static const char * const gap_panels[] = { "accuracy", "complexity", "occam_bound", "loss", NULL };

static void
cases_init (Cases *k)
{
  k->metrics = grok_synthetic_measured_metrics (300);
  k->gapped = grok_synthetic_measured_metrics_gaps (300, 4);
  k->mlp = grok_preset_load ("liu-add31", NULL);
  k->transformer = grok_preset_load ("demoss-add-ours", NULL);
  k->xor2d = grok_preset_load ("xor2d-relu", NULL);
  k->xor5 = grok_preset_load ("liu-xor5-digits", NULL);
  k->transformer->task.p = 23;
  k->mlp_params = params_of (k->mlp, 1);
  k->transformer_params = params_of (k->transformer, 1);
  k->xor2d_params = params_of (k->xor2d, 1);
  k->xor5_params = params_of (k->xor5, 1);
  k->spectrum = data_of (GROK_VIEW_SPECTRUM, k->transformer, k->transformer_params, 3);
  k->mlp_spectrum = data_of (GROK_VIEW_SPECTRUM, k->mlp, k->mlp_params, 5);
  k->connectivity = data_of (GROK_VIEW_CONNECTIVITY, k->mlp, k->mlp_params, 0);
  k->regions = data_of (GROK_VIEW_REGIONS, k->xor2d, k->xor2d_params, 0);
  k->fourier = data_of (GROK_VIEW_FOURIER, k->transformer, k->transformer_params, 3);
  k->mlp_fourier = data_of (GROK_VIEW_FOURIER, k->mlp, k->mlp_params, 5);
  k->neurons_mlp = data_of (GROK_VIEW_NEURONS, k->mlp, k->mlp_params, 0);
  k->neurons_transformer = data_of (GROK_VIEW_NEURONS, k->transformer, k->transformer_params, 0);
  k->neurons_xor5 = data_of (GROK_VIEW_NEURONS, k->xor5, k->xor5_params, 0);
  k->attention = data_of (GROK_VIEW_ATTENTION, k->transformer, k->transformer_params, 0);
  k->cases = g_ptr_array_new_with_free_func (g_free);
  add_case (k->cases, "curves", GROK_VIEW_CURVES, k->metrics, NULL, NULL);
  add_case (k->cases, "scatter", GROK_VIEW_CURVES, k->metrics, NULL, NULL);
  ((Case *) k->cases->pdata[k->cases->len - 1])->request.scatter =
    (GrokScatterOptions) { scatter_x, "test_loss", 256 };
  /* a measure with gaps, noted inside its panel */
  add_case (k->cases, "curves-gaps", GROK_VIEW_CURVES, k->gapped, NULL, NULL);
  ((Case *) k->cases->pdata[k->cases->len - 1])->request.curves.panels = gap_panels;
  /* the complexity's and the Occam bound's panels */
  ((Case *) k->cases->pdata[k->cases->len - 1])->expect = "no feasible coarse-graining";
  ((Case *) k->cases->pdata[k->cases->len - 1])->expect_count = 2;
  add_case (k->cases, "heatmap-mlp", GROK_VIEW_HEATMAP, NULL, k->mlp_params, NULL);
  add_case (k->cases, "heatmap-transformer", GROK_VIEW_HEATMAP, NULL, k->transformer_params, NULL);
  /* one colour scale for every matrix, each bar saying so */
  add_case (k->cases, "heatmap-mlp-shared", GROK_VIEW_HEATMAP, NULL, k->mlp_params, NULL);
  ((Case *) k->cases->pdata[k->cases->len - 1])->request.shared_scale = TRUE;
  ((Case *) k->cases->pdata[k->cases->len - 1])->expect = "(shared\u00a0scale)";
  ((Case *) k->cases->pdata[k->cases->len - 1])->expect_count = 2;
  add_case (k->cases, "heatmap-transformer-shared", GROK_VIEW_HEATMAP, NULL, k->transformer_params, NULL);
  ((Case *) k->cases->pdata[k->cases->len - 1])->request.shared_scale = TRUE;
  ((Case *) k->cases->pdata[k->cases->len - 1])->expect = "(shared\u00a0scale)";
  ((Case *) k->cases->pdata[k->cases->len - 1])->expect_count = 2;
  /* nine matrices at four steps: in a page's width, rows of panels too short for a legend of
   * legible size beside the curves everywhere */
  add_case (k->cases, "spectrum-transformer", GROK_VIEW_SPECTRUM, NULL, NULL, k->spectrum);
  ((Case *) k->cases->pdata[k->cases->len - 1])->min_data_share = 0.25;
  /* four matrices at six steps */
  add_case (k->cases, "spectrum-mlp", GROK_VIEW_SPECTRUM, NULL, NULL, k->mlp_spectrum);
  ((Case *) k->cases->pdata[k->cases->len - 1])->min_data_share = 0.55;
  add_case (k->cases, "connectivity", GROK_VIEW_CONNECTIVITY, NULL, NULL, k->connectivity);
  add_case (k->cases, "regions", GROK_VIEW_REGIONS, NULL, NULL, k->regions);
  add_case (k->cases, "fourier-transformer", GROK_VIEW_FOURIER, NULL, NULL, k->fourier);
  add_case (k->cases, "fourier-mlp", GROK_VIEW_FOURIER, NULL, NULL, k->mlp_fourier);
  add_case (k->cases, "neurons-mlp", GROK_VIEW_NEURONS, NULL, NULL, k->neurons_mlp);
  add_case (k->cases, "neurons-transformer", GROK_VIEW_NEURONS, NULL, NULL, k->neurons_transformer);
  add_case (k->cases, "neurons-xor-bits", GROK_VIEW_NEURONS, NULL, NULL, k->neurons_xor5);
  add_case (k->cases, "attention", GROK_VIEW_ATTENTION, NULL, NULL, k->attention);
}

static void
cases_clear (Cases *k)
{
  g_ptr_array_unref (k->cases);
  grok_view_data_unref (k->spectrum);
  grok_view_data_unref (k->mlp_spectrum);
  grok_view_data_unref (k->connectivity);
  grok_view_data_unref (k->regions);
  grok_view_data_unref (k->fourier);
  grok_view_data_unref (k->mlp_fourier);
  grok_view_data_unref (k->neurons_mlp);
  grok_view_data_unref (k->neurons_transformer);
  grok_view_data_unref (k->neurons_xor5);
  grok_view_data_unref (k->attention);
  g_clear_pointer (&k->mlp_params, grok_params_unref);
  g_clear_pointer (&k->transformer_params, grok_params_unref);
  g_clear_pointer (&k->xor2d_params, grok_params_unref);
  g_clear_pointer (&k->xor5_params, grok_params_unref);
  g_clear_pointer (&k->mlp, grok_config_unref);
  g_clear_pointer (&k->transformer, grok_config_unref);
  g_clear_pointer (&k->xor2d, grok_config_unref);
  g_clear_pointer (&k->xor5, grok_config_unref);
  g_clear_pointer (&k->metrics, grok_metrics_unref);
  g_clear_pointer (&k->gapped, grok_metrics_unref);
}

/* the request of a case drawn at a size, and the size in inches */
static GrokFigureRequest
case_at_size (const Case *c, const Size *size, double *w, double *h)
{
  GrokFigureRequest request = c->request;

  *w = size->width_in, *h = size->height_in;
  if (size->venue >= 0)
    {
      g_assert_true (grok_figure_parse_size (size->name, 300, w, h, NULL));
      grok_figure_request_set_size (&request, grok_figure_size (size->venue));
    }
  return request;
}
