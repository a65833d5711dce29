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

typedef enum
{
  GROK_VIEW_CURVES,
  GROK_VIEW_HEATMAP,
  GROK_VIEW_REGIONS,
  GROK_VIEW_CONNECTIVITY,
  GROK_VIEW_SPECTRUM,
  GROK_N_VIEWS
} GrokView;

const char *grok_view_name      (GrokView view);
/* FALSE with a GError listing the views for an unknown name */
gboolean    grok_view_from_name (const char *name, GrokView *view, GError **error);

/* what the regions view shows of an MLP on xor2d: the exact partition when every activation is
 * piecewise linear, otherwise a raster pattern map, and the data points */
typedef struct _GrokRegionsData GrokRegionsData;

/* window x0, y0, x1, y1; raster: the side of the pattern map for smooth activations */
GrokRegionsData         *grok_regions_data_new    (const GrokConfig *config,
                                                   const GrokParams *params, double x0,
                                                   double y0, double x1, double y1, int raster,
                                                   GError **error);
/* the regions stored in views (taken from it) when they show that window as computing with
 * raster would; NULL otherwise */
GrokRegionsData         *grok_regions_data_new_from_views (const GrokConfig *config,
                                                           GrokViews *views, double x0,
                                                           double y0, double x1, double y1,
                                                           int raster);
void                     grok_regions_data_free   (GrokRegionsData *data);
const GrokRegionsFigure *grok_regions_data_figure (const GrokRegionsData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokRegionsData, grok_regions_data_free)

/* what the connectivity view shows: LMN's matrix L of an MLP, its points reordered so that
 * points on the same linear map sit together */
typedef struct _GrokConnectivityData GrokConnectivityData;

GrokConnectivityData *grok_connectivity_data_new  (const GrokConfig *config,
                                                   const GrokParams *params, int max_points,
                                                   GError **error);
/* the matrix stored in views (taken from it) when computing with max_points would give the
 * same points; NULL otherwise */
GrokConnectivityData *grok_connectivity_data_new_from_views (GrokViews *views, int max_points);
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

/* what the spectrum view shows: the singular values of every matrix at one or several steps */
typedef struct _GrokSpectraData GrokSpectraData;

/* params[i] at steps[i], earliest first; NULL with an error when a matrix is not finite.
 * Matrices come in canonical order (names sorted bytewise). */
GrokSpectraData *grok_spectra_data_new  (const GrokParams * const *params, const gint64 *steps,
                                         guint n, GError **error);
/* one more step: the spectrum stored in views (taken from it) when views is not NULL and has
 * one, else computed from params. FALSE with an error when a matrix is not finite or the step
 * has another number of matrices than those before. */
gboolean         grok_spectra_data_append (GrokSpectraData *data, const GrokParams *params,
                                           GrokViews *views, gint64 step, GError **error);
/* what a run's spectrum figure shows at step: params (the weights at step) with up to
 * max_earlier stored checkpoints of the run folder dir before it overlaid (its first checkpoint
 * and log-spaced ones between), each from its views file when one matches, else computed from
 * its checkpoint. dir NULL: params alone. A damaged checkpoint is left out and a damaged views
 * file only means computing; both add a problem naming the file to dir's problems. */
GrokSpectraData *grok_spectra_data_new_for_run (GrokRunDir *dir, const GrokConfig *config,
                                                const GrokParams *params, gint64 step,
                                                guint max_earlier, GError **error);
void             grok_spectra_data_free (GrokSpectraData *data);
/* one panel per matrix, in a grid */
void             grok_figure_spectra_draw (cairo_t *cr, double x, double y, double width,
                                           double height, const GrokSpectraData *data,
                                           const GrokFigureStyle *style);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSpectraData, grok_spectra_data_free)

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
