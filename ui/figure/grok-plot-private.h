/* Internal pieces of grok-plot shared between its axis arithmetic, its layout and its drawing. */
#pragma once

#include "grok-plot.h"
#include "grok-figure-layout.h"

G_BEGIN_DECLS

char    *grok_plot_format_decade    (double value);
char    *grok_plot_format_linear    (double value, double step);
char    *grok_plot_format_log_minor (double value);
/* fills the limits and scales of g from the plot; FALSE when no point is drawable */
gboolean grok_plot_compute_limits   (const GrokPlot *plot, GrokPlotGeometry *g);
/* the device x of the axis break between the slot for 0 and the decades (x_zero) */
double   grok_plot_geometry_zero_break (const GrokPlotGeometry *g);

/* the box of text drawn by grok_figure_text with the same arguments, in user coordinates: the
 * ink of its glyphs, as the layout record takes it */
GrokBox  grok_figure_text_box       (cairo_t *cr, const char *text, double x, double y,
                                     double ax, double ay, double angle);

/* text fitted into a width: at size, else smaller (to 85%), else in two lines broken at the
 * space that balances them, else smaller still; never cut. lines[1] is NULL for one line (both
 * to be freed). Returns the size in points */
double   grok_figure_fit_text       (cairo_t *cr, const GrokFigureStyle *style, const char *text,
                                     double size, gboolean bold, double width, char *lines[2]);

/* One figure, one size of each kind of text. A figure is drawn twice: first with `apply`
 * FALSE on a recording surface, where every panel lays itself out alone and the smallest
 * sizes it took are gathered; then with `apply` TRUE, where every panel takes those sizes and
 * shrinks no further on its own. Titles wrap before they shrink while these are attached. */
typedef struct
{
  gboolean apply;
  double   font;     /* points: body text and tick labels */
  double   title;    /* points: a panel's title */
  double   legend;   /* points: legend entries */
  gboolean legend_dropped;   /* a panel left its legend out for want of room */
  gboolean legends_elsewhere;   /* the figure states its panels' legends outside them */
} GrokFigureSizes;

void             grok_figure_sizes_init   (GrokFigureSizes *sizes);
void             grok_figure_sizes_attach (cairo_t *cr, GrokFigureSizes *sizes);
GrokFigureSizes *grok_figure_sizes_of     (cairo_t *cr);
/* a cairo_t on a recording surface like cr (its matrix and font options) with sizes, fresh,
 * attached to gather: for the first drawing; grok_figure_sizes_measured destroys it and
 * sets sizes to apply */
cairo_t         *grok_figure_sizes_measure (cairo_t *cr, GrokFigureSizes *sizes);
void             grok_figure_sizes_measured (cairo_t *measure, GrokFigureSizes *sizes);

/* the first lines of a figure's public draw function, which calls itself (call) on the
 * measuring cairo_t, then on cr with the sizes applied, when cr has none attached */
#define GROK_FIGURE_UNIFORM_SIZES(cr, call, ...)                               \
  G_STMT_START {                                                               \
    if (grok_figure_sizes_of (cr) == NULL)                                     \
      {                                                                        \
        GrokFigureSizes uniform_sizes_;                                        \
        cairo_t *measure_ = grok_figure_sizes_measure (cr, &uniform_sizes_);   \
        call (measure_, __VA_ARGS__);                                          \
        grok_figure_sizes_measured (measure_, &uniform_sizes_);                \
        grok_figure_sizes_attach (cr, &uniform_sizes_);                        \
        call (cr, __VA_ARGS__);                                                \
        grok_figure_sizes_attach (cr, NULL);                                   \
        return;                                                                \
      }                                                                        \
  } G_STMT_END

typedef struct
{
  GArray    *major;    /* double: labelled ticks, with grid lines */
  GPtrArray *labels;   /* char *, one per major tick */
  GArray    *minor;    /* double: short unlabelled ticks */
} GrokTicks;

typedef enum
{
  GROK_LEGEND_NONE,
  GROK_LEGEND_INSIDE,   /* over the data area, where it crosses no line */
  GROK_LEGEND_RIGHT,    /* one column right of the data area */
  GROK_LEGEND_TOP,      /* rows of entries between the title and the data area */
} GrokLegendPlace;

#define GROK_PLOT_MAX_STRIP 16

/* no two tick marks of an axis come closer than this, in points: minor ticks are thinned */
#define GROK_PLOT_MIN_TICK_GAP 2.0

/* a label of the strip above the data area: a marker's or the cursor's */
typedef struct
{
  const char *text;
  gboolean    bold;
  double      at;       /* the device x of its line */
  double      x, y;     /* where it is drawn: its left end and its top */
  GrokBox     box;
} GrokStripLabel;

/* everything the layout decided for one plot, which the drawing then follows */
typedef struct
{
  const GrokFigureStyle *style;    /* the figure's, or `fitted` in a panel too small for it */
  GrokFigureStyle fitted;
  gboolean    no_x_label;          /* left out: the panel is too short for it */
  gboolean    no_legend;           /* left out: the panel is too small for it */
  GrokPalette palette;
  double      u;           /* one point in device units */
  double      fs;          /* the font size in device units */
  double      panel_x, panel_y, panel_w, panel_h;
  GrokTicks   xt, yt;
  /* the title in one or two lines at title_size points; its box */
  char       *title_lines[2];
  guint       n_title_lines;
  double      title_size;
  double      title_cx[2];   /* the centre of each line */
  GrokBox     title_box;
  double      y_label_size;   /* points; 0: the y label is left out (it does not fit) */
  double      x_label_size;
  /* the strip of marker and cursor labels between the title and the data area */
  guint       strip_rows;
  double      strip_top, strip_row_h, strip_size;
  GrokStripLabel strip[GROK_PLOT_MAX_STRIP];
  guint       n_strip;
  /* the legend */
  GrokLegendPlace legend;
  double      legend_size;    /* points */
  guint       legend_cols, legend_rows, n_legend;
  double      legend_x, legend_y, legend_w, legend_h, legend_col_w, legend_text_w;
  /* the note: inside the data area, or (note_above) in a line of its own above it; left out
   * (note_size 0) where even small type does not fit the panel's width */
  gboolean    note_above;
  double      note_size;      /* points */
  double      note_x, note_y, note_w, note_h;
  gsize       note_split;     /* 0: one line; else the second line starts after this byte */
  /* the boxes of text placed so far, which later text keeps clear of */
  GArray     *placed;        /* GrokBox */
} GrokPlotCtx;

/* lays the plot out in (x, y, width, height): margins, title, strip, legend, ticks thinned so
 * their labels neither overlap nor leave the panel; fills the data area of g */
void     grok_plot_layout           (cairo_t *cr, GrokPlotCtx *c, const GrokPlot *plot,
                                     double x, double y, double width, double height,
                                     GrokPlotGeometry *g);
void     grok_plot_ctx_clear        (GrokPlotCtx *c);
/* the legend's geometry at its size: sample, padding and row height in device units */
void     grok_plot_legend_metrics   (cairo_t *cr, const GrokPlotCtx *c, double *sample,
                                     double *pad, double *row_h);
/* the device coordinates of point i; FALSE when undrawable (NAN, or a log axis) */
gboolean grok_plot_point            (const GrokPlotGeometry *g, const double *xs,
                                     const double *ys, gsize i, double *px, double *py);
gboolean grok_plot_x_drawable       (const GrokPlotGeometry *g, double x);
/* the radius of a series' dots in device units */
double   grok_plot_dot_radius       (const GrokPlotCtx *c);

G_END_DECLS
