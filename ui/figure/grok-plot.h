/* The shared plotting module every figure uses: a style (fonts, line widths, colour scheme,
 * scale), axes with ticks and labels on linear or log scales, line series with optional
 * min-max bands, vertical markers, a legend, and the data <-> pixel mapping that hover
 * readouts need. Pure Cairo: the same call draws on screen, into a PNG, an SVG or a PDF. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "grok-colormap.h"

G_BEGIN_DECLS

typedef enum
{
  GROK_SCHEME_LIGHT,   /* white background, for the screen */
  GROK_SCHEME_DARK,    /* dark background, for a dark desktop */
  GROK_SCHEME_PRINT,   /* white, black text, heavier lines: for papers */
} GrokColorScheme;

typedef struct
{
  const char     *font_family;   /* e.g. "DejaVu Sans"; NULL means "sans-serif" */
  double          font_size;     /* points */
  double          line_width;    /* points, for data lines; axes use half of it */
  double          scale;         /* device units per point: 1 in a PDF, SVG or PNG export
                                  * (grok-export scales to the DPI), about 1.33 on screen */
  GrokColorScheme scheme;
} GrokFigureStyle;

typedef struct
{
  GrokRgba background;
  GrokRgba foreground;   /* axes, ticks, text */
  GrokRgba grid;
  GrokRgba muted;        /* marker lines and their labels */
} GrokPalette;

void     grok_figure_style_init   (GrokFigureStyle *style, GrokColorScheme scheme);
void     grok_figure_style_palette (const GrokFigureStyle *style, GrokPalette *palette);
/* a colour cycle that colour-blind readers can tell apart (Okabe and Ito's set) */
GrokRgba grok_figure_style_series_color (const GrokFigureStyle *style, guint index);

typedef struct
{
  const double *x, *y;
  const double *y_lo, *y_hi;     /* both NULL, or a band drawn translucent under the line */
  gsize         n;
  const char   *label;           /* NULL: not in the legend */
  GrokRgba      color;
  gboolean      dashed;
  gboolean      points;          /* a dot at each point instead of a line through them */
  const GrokRgba *point_colors;  /* points: NULL, or n colours, one per dot */
  gboolean      hollow;          /* points: rings, not dots */
} GrokSeries;

typedef struct
{
  const char   *title, *x_label, *y_label;   /* each may be NULL */
  gboolean      x_log, y_log;
  gboolean      x_zero;                      /* a log x axis shows 0 too: in a slot at its left
                                              * end, a tenth of its width, behind an axis break */
  gboolean      x_integer;                   /* x is whole numbers: no ticks between them */
  double        x_min, x_max, y_min, y_max;  /* NAN: from the data */
  const GrokSeries *series;
  guint         n_series;
  const double *markers_x;                   /* vertical lines at these x */
  const char * const *marker_labels;         /* n_markers strings, NULL entries allowed */
  guint         n_markers;
  gboolean      hide_legend;
  gboolean      legend_outside;              /* right of the data area, when the panel is wide
                                              * enough for both; inside it otherwise */
  gboolean      show_cursor;                 /* a solid line at cursor_x, labelled */
  double        cursor_x;
  const char   *cursor_label;                /* may be NULL */
  const char   *empty_text;                  /* shown when no series has a drawable point */
  double        min_left;                    /* device units of room left of the data area at
                                              * least: lines up panels stacked in a column */
  gboolean      square;                      /* a square data area (x and y in one unit), at
                                              * the left of the room the margins leave */
  double        min_data_share;              /* 0, or the share of the panel's height the data
                                              * area keeps: text is made smaller for it first
                                              * (the legend is kept) */
  const char   *note;                        /* NULL, or a remark on the data (why a line has
                                              * gaps): in small type inside the data area where
                                              * it crosses no data, else in a line above it */
} GrokPlot;

/* the data area and the mapping of the last drawn plot; device coordinates of cr */
typedef struct
{
  double   left, top, width, height;
  double   x_min, x_max, y_min, y_max;
  gboolean x_log, y_log;
  gboolean x_zero;       /* x_log with a slot for 0: x_min .. x_max fill the width right of it */
} GrokPlotGeometry;

void     grok_plot_init   (GrokPlot *plot);   /* zeroes it, limits NAN */
/* the room the plot needs left of its data area when drawn `height` high (for min_left) */
double   grok_plot_left_margin (cairo_t *cr, const GrokPlot *plot, const GrokFigureStyle *style,
                                double height);
void     grok_plot_draw   (cairo_t *cr, double x, double y, double width, double height,
                           const GrokPlot *plot, const GrokFigureStyle *style,
                           GrokPlotGeometry *geometry_out);

/* NAN for a value a log axis cannot show. With x_zero, 0 maps into the slot left of the break
 * and a pixel left of the break maps back to 0 */
double   grok_plot_geometry_x_to_px (const GrokPlotGeometry *geometry, double x);
double   grok_plot_geometry_y_to_px (const GrokPlotGeometry *geometry, double y);
double   grok_plot_geometry_px_to_x (const GrokPlotGeometry *geometry, double px);
double   grok_plot_geometry_px_to_y (const GrokPlotGeometry *geometry, double py);
gboolean grok_plot_geometry_contains (const GrokPlotGeometry *geometry, double px, double py);
/* for hover readouts: the drawn point closest to (px, py) within max_distance device units;
 * FALSE when there is none */
gboolean grok_plot_find_nearest (const GrokPlot *plot, const GrokPlotGeometry *geometry,
                                 double px, double py, double max_distance,
                                 guint *series_out, gsize *index_out);

/* ticks: linear ones are k * step with step 1, 2 or 5 times a power of ten, inside [lo, hi];
 * returns how many were written (at most max) */
guint    grok_plot_linear_ticks (double lo, double hi, guint target, double *ticks, guint max,
                                 double *step_out);
/* log ticks: the powers of ten inside [lo, hi] (every `stride`-th when there are many) as
 * major ticks and 2..9 times them as minor ticks */
void     grok_plot_log_ticks    (double lo, double hi, guint target,
                                 GArray *major, GArray *minor);

/* the room a plot leaves around its data's range: 4% of the span (of its decades on a log
 * scale), a unit span around a single value */
void     grok_plot_pad_range    (double *lo, double *hi, gboolean log_scale);

/* the number of columns of a grid of n panels in width x height that gives each panel the most
 * room, for panels best `aspect` times as wide as high */
guint    grok_figure_grid_columns (guint n, double width, double height, double aspect);

/* the cell of panel i of n in a grid of cols columns over (x, y, width, height): the panels of
 * a last row that is not full share its whole width, so no cell is left empty */
void     grok_figure_grid_cell (guint n, guint cols, guint i, double x, double y, double width,
                                double height, double *cx, double *cy, double *cw, double *ch);

/* the room a title keeps from its panel's left and right edges, in font sizes */
#define GROK_TITLE_MARGIN 1.2

/* the drawing primitives the figures share */
void     grok_figure_set_color  (cairo_t *cr, GrokRgba color);
void     grok_figure_set_font   (cairo_t *cr, const GrokFigureStyle *style, double size_pt,
                                 gboolean bold);
/* draws text with its anchor at (x, y): ax, ay in [0, 1] pick the point of the text's box
 * (0, 0 top left; 0.5, 0.5 centre); angle in radians, counter-clockwise */
void     grok_figure_text       (cairo_t *cr, const char *text, double x, double y,
                                 double ax, double ay, double angle);
double   grok_figure_text_width (cairo_t *cr, const char *text);
/* a whole number with its thousands apart: 30000 as "30,000" */
char    *grok_figure_format_count (gint64 value);
double   grok_figure_text_height (cairo_t *cr);

G_END_DECLS
