/* The layout record of a drawn figure: the box of every piece of text, the segments of every
 * data line and the rectangles of data drawn as areas (images, region maps), in device
 * coordinates, as the figure code draws them. Attached to the surface a figure is drawn on, it
 * lets a test say from the layout itself, not from pixels, that no text leaves the canvas or
 * crosses other text or the data. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double x0, y0, x1, y1;
} GrokBox;

/* what a piece of text is, for the rule that one figure has one size of each */
typedef enum
{
  GROK_TEXT_OTHER,
  GROK_TEXT_TITLE,    /* a line of a panel's title */
  GROK_TEXT_TICK,     /* an axis' tick label */
  GROK_TEXT_LEGEND,   /* a legend's or a key's entry */
} GrokTextRole;

typedef struct
{
  GrokBox box;      /* the ink of the text, axis-aligned around it when it is turned */
  char   *text;
  gboolean title;   /* a line of a panel's title */
  GrokTextRole role;
  double  size;     /* the font's size in device units */
} GrokLayoutText;

typedef struct
{
  guint  axis;      /* which axis: ticks of one axis share the number */
  double at;        /* the device coordinate along the axis */
} GrokLayoutTick;

typedef struct
{
  GrokBox panel;    /* the room a plot was given */
  GrokBox data;     /* its data area */
} GrokLayoutPlot;

typedef struct
{
  GArray *texts;      /* GrokLayoutText */
  GArray *segments;   /* GrokBox read as a segment from (x0, y0) to (x1, y1) */
  GArray *areas;      /* GrokBox */
  GArray *ticks;      /* GrokLayoutTick: every tick mark drawn on an axis */
  GArray *plots;      /* GrokLayoutPlot */
  guint   n_axes;
} GrokFigureLayout;

GrokFigureLayout *grok_figure_layout_new    (void);
void              grok_figure_layout_free   (GrokFigureLayout *layout);
/* while attached, everything drawn on a cairo_t whose target is surface is recorded */
void              grok_figure_layout_attach (GrokFigureLayout *layout, cairo_surface_t *surface);
void              grok_figure_layout_detach (cairo_surface_t *surface);

/* what breaks the rules on a width x height canvas (device units): a text box outside it, two
 * text boxes that overlap, a text box over a data segment or area; one line each, NULL when
 * there is nothing. Boxes that touch (within 0.01) do not count. */
char             *grok_figure_layout_problems (const GrokFigureLayout *layout, double width,
                                               double height);

/* tick marks of one axis closer than min_gap device units to each other (marks at one
 * place count once); one line per axis, NULL when there are none */
char             *grok_figure_layout_tick_problems (const GrokFigureLayout *layout,
                                                    double min_gap);

/* for the figure code: record on cr's target, if a layout is attached. Coordinates are cr's
 * user coordinates; the text's box is that of its ink drawn at the current point's origin */
void              grok_figure_layout_add_text    (cairo_t *cr, const char *text);
void              grok_figure_layout_add_segment (cairo_t *cr, double x0, double y0, double x1,
                                                  double y1);
void              grok_figure_layout_add_area    (cairo_t *cr, double x, double y, double width,
                                                  double height);
/* the text recorded last is a line of a title */
void              grok_figure_layout_mark_title  (cairo_t *cr);
/* the text recorded last plays this role */
void              grok_figure_layout_mark_role   (cairo_t *cr, GrokTextRole role);
/* texts of one role at more than one size (relative difference above tolerance): one line
 * naming the sizes and a text of each, NULL when every role has one size */
char             *grok_figure_layout_size_problems (const GrokFigureLayout *layout,
                                                    double tolerance);
/* a new axis: the ticks added after it belong to it. x_axis: they are placed along x */
void              grok_figure_layout_begin_axis  (cairo_t *cr, gboolean x_axis);
/* a tick mark at (x, y) on the current axis */
void              grok_figure_layout_add_tick    (cairo_t *cr, double x, double y);
/* a plot drawn in the panel (x, y, width, height) with its data area */
void              grok_figure_layout_add_plot    (cairo_t *cr, double x, double y, double width,
                                                  double height, double data_x, double data_y,
                                                  double data_width, double data_height);

/* the part of the segment from (x0, y0) to (x1, y1) inside box, in place; FALSE when none */
gboolean          grok_box_clip_segment    (const GrokBox *box, double *x0, double *y0,
                                            double *x1, double *y1);
/* TRUE when the segment from (x0, y0) to (x1, y1) passes through the inside of box */
gboolean          grok_box_crosses_segment (const GrokBox *box, double x0, double y0, double x1,
                                            double y1);
gboolean          grok_box_overlaps        (const GrokBox *a, const GrokBox *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokFigureLayout, grok_figure_layout_free)

G_END_DECLS
