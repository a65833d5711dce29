/* One view of a run as a figure, drawn the same way on the screen and in every export: which
 * view, the data it shows, and the style. Also the export of such a figure to a file whose
 * format follows its name (.png, .svg, .pdf) at a size given in inches, cm or pixels. */
#pragma once

#include "grok-export.h"
#include "grok-config.h"
#include "grok-figure-curves.h"
#include "grok-figure-regions.h"
#include "grok-metrics.h"
#include "grok-params.h"
#include "grok-run-dir.h"
#include "grok-views.h"

G_BEGIN_DECLS

/* what the regions view shows of an MLP on xor2d: the exact partition when every activation is
 * piecewise linear, otherwise a raster pattern map, and the data points */
typedef struct _GrokRegionsData GrokRegionsData;

void                     grok_regions_data_free   (GrokRegionsData *data);
const GrokRegionsFigure *grok_regions_data_figure (const GrokRegionsData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokRegionsData, grok_regions_data_free)

/* what the connectivity view shows: LMN's matrix L of an MLP, its points reordered so that
 * points on the same linear map sit together */
typedef struct _GrokConnectivityData GrokConnectivityData;

void                  grok_connectivity_data_free (GrokConnectivityData *data);
const GrokViewConnectivity *grok_connectivity_data_get_view (const GrokConnectivityData *data);
double                grok_connectivity_data_lmn  (const GrokConnectivityData *data);
int                   grok_connectivity_data_points (const GrokConnectivityData *data);
/* draw it over (x, y, width, height) */
void                  grok_figure_connectivity_draw (cairo_t *cr, double x, double y,
                                                     double width, double height,
                                                     const GrokConnectivityData *data,
                                                     const GrokFigureStyle *style);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokConnectivityData, grok_connectivity_data_free)

/* what the spectrum view shows: the singular values of every matrix at one or several steps,
 * matrices in canonical order (names sorted bytewise) */
typedef struct _GrokSpectraData GrokSpectraData;

void             grok_spectra_data_free (GrokSpectraData *data);
/* the steps shown, earliest first */
const gint64    *grok_spectra_data_get_steps (const GrokSpectraData *data, guint *n_steps);
/* one panel per matrix, in a grid */
void             grok_figure_spectra_draw (cairo_t *cr, double x, double y, double width,
                                           double height, const GrokSpectraData *data,
                                           const GrokFigureStyle *style);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSpectraData, grok_spectra_data_free)

/* a run at one step, as the views are drawn from it */
typedef struct
{
  GrokRunDir       *dir;         /* the run's folder (views files, earlier checkpoints), or NULL;
                                  * the damaged files met go to its problems */
  const GrokConfig *config;
  const GrokParams *params;      /* the weights at step */
  gint64            step;
  const GrokParams *first;       /* without dir: the run's first weights, which the spectrum
                                  * overlays; NULL for none */
  gint64            first_step;
} GrokViewInput;

/* What a view draws at one step: immutable once made, shared by reference. Exactly one of
 * regions, connectivity and spectra is set for a view drawn from views files; curves and the
 * heatmap draw the metrics and weights themselves and have none. */
typedef struct
{
  GrokView              view;
  gint64                step;
  GrokViewRecipe        recipe;        /* the recipe it was made with */
  GrokRegionsData      *regions;
  GrokConnectivityData *connectivity;
  GrokSpectraData      *spectra;
  int                   lmn_points;    /* curves: the points of the lmn column */
} GrokViewData;

/* The one way every front end gets a view's data: from the step's views file when that was
 * made from these weights with this recipe, else computed. recipe NULL: the screen's
 * (grok_view_recipe_init). A damaged views file or checkpoint only means computing or leaving
 * a step out; it adds a problem naming it to input->dir. NULL with an error when the view does
 * not apply to the run or the weights are not finite. */
GrokViewData *grok_view_data_new   (GrokView view, const GrokViewInput *input,
                                    const GrokViewRecipe *recipe, GError **error);
GrokViewData *grok_view_data_ref   (GrokViewData *data);
void          grok_view_data_unref (GrokViewData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewData, grok_view_data_unref)

typedef struct
{
  GrokView           view;
  const GrokMetrics *metrics;    /* curves */
  const GrokParams  *params;     /* heatmap: the parameters at the chosen step */
  const GrokParams  *reference;  /* heatmap: NULL, or show the change since these */
  const GrokRegionsData *regions; /* regions */
  const GrokConnectivityData *connectivity; /* connectivity */
  const GrokSpectraData *spectra; /* spectrum */
  GrokCurvesOptions  curves;
  GrokFigureStyle    style;
} GrokFigureRequest;

/* defaults: print style at font size 8 pt, every curve panel, log step axis */
void     grok_figure_request_init (GrokFigureRequest *request, GrokView view);
/* draw data (which must stay alive while the request is used) */
void     grok_figure_request_set_data (GrokFigureRequest *request, const GrokViewData *data);
/* a GrokFigureDrawFunc: user_data is the request */
void     grok_figure_request_draw (cairo_t *cr, double width, double height, gpointer user_data);

/* the data behind the figure as CSV text: the metrics for curves; name,row,col,value for the
 * heatmaps; region,vertex,x,y for the regions (pattern,row,col for a raster map) */
char    *grok_figure_request_format_csv (const GrokFigureRequest *request);

/* "3.5x2.5in", "9x6cm", "1050x750px"; pixels become inches at dpi */
gboolean grok_figure_parse_size  (const char *text, double dpi, double *width_in,
                                  double *height_in, GError **error);
/* writes path as PNG, SVG, PDF or CSV (the data) by its suffix; text_pairs go into the PNG's
 * tEXt chunks */
gboolean grok_figure_export      (const char *path, const GrokFigureRequest *request,
                                  double width_in, double height_in, double dpi,
                                  const char * const *text_pairs, GError **error);

G_END_DECLS
