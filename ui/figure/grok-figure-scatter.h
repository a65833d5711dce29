/* The scatter figure: one metrics column against another over a run's rows, each row a dot
 * coloured by its step (dark early, light late), with Pearson's r over the rows in the legend;
 * several x columns give panels side by side against the same y, as Liu et al. set LMN against
 * test loss beside the L2 norm against it. */
#pragma once

#include "grok-metrics.h"
#include "grok-plot.h"

G_BEGIN_DECLS

typedef struct
{
  const char * const *x_columns;   /* NULL-terminated, one panel each */
  const char         *y_column;
  int                 lmn_points;  /* the points of the lmn column, for its name; 0: unknown */
} GrokScatterOptions;

/* Pearson's r over the rows where both columns have a value: NAN when there are fewer than
 * two or a column is constant over them; their count goes to n_out (may be NULL) */
double   grok_scatter_pearson     (const GrokMetrics *metrics, const char *x, const char *y,
                                   guint *n_out);
/* FALSE with an error naming a column metrics lacks */
gboolean grok_scatter_check       (const GrokMetrics *metrics, const GrokScatterOptions *options,
                                   GError **error);
void     grok_figure_scatter_draw (cairo_t *cr, double width, double height,
                                   const GrokMetrics *metrics, const GrokScatterOptions *options,
                                   const GrokFigureStyle *style);
/* step,X,Y with the columns' names as headers, the rows where X and Y both have a value, after
 * a comment line "# pearson_r=VALUE" (one per x column, naming both, when there are several) */
char    *grok_figure_scatter_format_csv (const GrokMetrics *metrics,
                                         const GrokScatterOptions *options);

G_END_DECLS
