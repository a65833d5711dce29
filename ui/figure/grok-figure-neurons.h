/* The neurons and attention views as figures, and the CSV behind them. */
#pragma once

#include "grok-figure-heatmap.h"
#include "grok-neuron-view.h"

G_BEGIN_DECLS

/* a heading line, then for each unit its activation over (a, b) and beside it its 2-D power;
 * geometries (2 per unit: activation, power; may be NULL) get where each image went */
void  grok_figure_neurons_draw       (cairo_t *cr, double x, double y, double width,
                                      double height, const GrokViewNeurons *neurons,
                                      gint64 step, const GrokFigureStyle *style,
                                      GrokHeatmapGeometry *geometries);
/* a heading line, then one image per block, head and position: the attention weight from the
 * last position to that position over (a, b), all on one scale [0, 1] whose colour bar ends
 * each row; geometries (one per image, may be NULL) */
void  grok_figure_attention_draw     (cairo_t *cr, double x, double y, double width,
                                      double height, const GrokViewAttention *attention,
                                      gint64 step, const GrokFigureStyle *style,
                                      GrokHeatmapGeometry *geometries);

/* "# step=", "# layer=", "# units=", "# basis=" lines, the block unit,a,b,activation, a blank
 * line, then the block unit,k_a,k_b,power (Fourier: frequencies from -floor (p/2); Walsh-
 * Hadamard: s_a,s_b bit subsets as numbers) */
void  grok_figure_neurons_append_csv   (GString *out, const GrokViewNeurons *neurons, gint64 step);
/* "# step=", "# heads=", "# positions=" lines, then block,head,position,a,b,weight */
void  grok_figure_attention_append_csv (GString *out, const GrokViewAttention *attention,
                                        gint64 step);

/* the name of a position of the sequence the task's inputs are ("a", "op", "b", "=") */
const char *grok_figure_attention_position_name (int n_positions, int position);

G_END_DECLS
