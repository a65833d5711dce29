/* One view of a run as a figure, drawn the same way on the screen and in every export: which
 * view, the data it shows (made in engine/views: grok-view-data.h), and the style; the data as
 * CSV. Also the export of such a figure to a file whose format follows its name (.png, .svg,
 * .pdf, .csv) at a size given in inches, cm or pixels. */
#pragma once

#include "grok-export.h"
#include "grok-config.h"
#include "grok-figure-curves.h"
#include "grok-figure-regions.h"
#include "grok-figure-scatter.h"
#include "grok-metrics.h"
#include "grok-params.h"
#include "grok-view-data.h"

G_BEGIN_DECLS

/* the regions figure of data (which must stay alive while figure is used) */
void grok_figure_regions_from_data (GrokRegionsFigure *figure, const GrokRegionsData *data);
/* the connectivity's matrix over (x, y, width, height) */
void grok_figure_connectivity_draw (cairo_t *cr, double x, double y, double width, double height,
                                    const GrokConnectivityData *data,
                                    const GrokFigureStyle *style);
/* the spectra, one panel per matrix, in a grid */
void grok_figure_spectra_draw      (cairo_t *cr, double x, double y, double width, double height,
                                    const GrokSpectraData *data, const GrokFigureStyle *style);

/* the data of a view drawn from views files (regions, connectivity, spectrum) over (x, y,
 * width, height); geometry_out (may be NULL) gets the plot's, where it has one */
void grok_figure_view_data_draw    (cairo_t *cr, double x, double y, double width, double height,
                                    const GrokViewData *data, const GrokFigureStyle *style,
                                    GrokPlotGeometry *geometry_out);

typedef struct
{
  GrokView           view;
  const GrokMetrics *metrics;    /* curves */
  const GrokParams  *params;     /* heatmap: the parameters at the chosen step */
  const GrokParams  *reference;  /* heatmap: NULL, or show the change since these */
  const GrokViewData *data;      /* the views drawn from views files */
  GrokCurvesOptions  curves;
  GrokScatterOptions scatter;    /* curves: with a y column, the metrics as a scatter instead */
  GrokFigureStyle    style;
  gboolean           svg_text;   /* SVG: the text as <text> elements, not glyph outlines */
  gboolean           shared_scale;  /* panels with colour bars: one symmetric scale for all,
                                     * not one each */
} GrokFigureRequest;

/* defaults: print style at font size 8 pt, every curve panel, log step axis */
void     grok_figure_request_init (GrokFigureRequest *request, GrokView view);
/* draw data (which must stay alive while the request is used) */
void     grok_figure_request_set_data (GrokFigureRequest *request, const GrokViewData *data);
/* a GrokFigureDrawFunc: user_data is the request */
void     grok_figure_request_draw (cairo_t *cr, double width, double height, gpointer user_data);

/* the data behind the figure as CSV text, after '#' comment lines stating what its titles,
 * legends and colour bars do: the metrics for curves after "# steps=FIRST..LAST", a
 * "# panel=TITLE" per panel and "# gap_steps.COLUMN=N (why)" where a measure left steps
 * without a value (for a scatter, step,X,Y after "# pearson_r=VALUE"); tensor,row,col,value
 * for the heatmaps after "# step=", "# scale=" and a "# tensor=NAME,rows=R,cols=C,limit=L" per
 * matrix (its colour bar spans -L .. L); step,tensor,index,singular_value for the spectra after
 * "# steps=" and a "# step=S,tensor=NAME,entropy=H,eff_rank=R" per step and matrix;
 * region,vertex,x,y for the regions (pattern,row,col for a raster map) after "# step=" and
 * "# regions=" lines; row,col,L for the connectivity after "# lmn=", "# points=" and "# step="
 * lines; step,matrix,frequency,norm for the Fourier norms after "# step=",
 * "# key_frequencies.MATRIX=K1 K2 ..." per matrix, "# key_frequencies.rule=" and "# heatmap=" */
char    *grok_figure_request_format_csv (const GrokFigureRequest *request);

/* The sizes of the venues figures are made for, one row each: the width of their column or
 * page, the text size their figures are read at, and how many curve panels stay readable */
typedef enum
{
  GROK_SIZE_ICML_COLUMN,
  GROK_SIZE_ICML_PAGE,
  GROK_SIZE_NEURIPS,
  GROK_SIZE_SLIDE,
  GROK_N_SIZES
} GrokSizeName;

typedef struct
{
  const char *name;          /* --size NAME, and the export dialog's choice */
  const char *title;         /* the export dialog's label */
  double      width_in;
  double      height_in;     /* 0: width over the golden ratio, unless a height is given */
  double      font_size;     /* points */
  guint       max_panels;    /* the curves' panels unless chosen; 0: every one */
} GrokFigureSize;

const GrokFigureSize *grok_figure_size        (GrokSizeName size);
/* the venue that text ("icml-column", or "icml-column:2.5in" with a height) names, or NULL */
const GrokFigureSize *grok_figure_size_lookup (const char *text);
/* every venue's name, joined by separator */
char                 *grok_figure_size_names  (const char *separator);

/* "3.5x2.5in", "9x6cm", "1050x750px"; pixels become inches at dpi. Or a venue's name, at its
 * width and the golden ratio's height, or "NAME:HEIGHT" with a height such as 2.5in, 6cm */
gboolean grok_figure_parse_size  (const char *text, double dpi, double *width_in,
                                  double *height_in, GError **error);
/* the request drawn for a venue: its text size, and its panel limit for the curves unless
 * panels were chosen */
void     grok_figure_request_set_size (GrokFigureRequest *request, const GrokFigureSize *size);
/* writes path as PNG, SVG, PDF or CSV (the data) by its suffix; text_pairs go into the PNG's
 * tEXt chunks */
gboolean grok_figure_export      (const char *path, const GrokFigureRequest *request,
                                  double width_in, double height_in, double dpi,
                                  const char * const *text_pairs, GError **error);

G_END_DECLS
