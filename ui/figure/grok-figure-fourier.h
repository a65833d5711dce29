/* The Fourier figure (SPEC §4.5): for the embedding and the unembedding, norm_k at the step
 * shown as bars with the key frequencies labelled, and norm_k over every stored checkpoint as
 * a frequency-by-step heatmap; and the CSV behind it. */
#pragma once

#include "grok-plot.h"
#include "grok-view-fourier.h"

G_BEGIN_DECLS

/* the least room between two key frequencies' labels over the bars, in font sizes */
#define GROK_FOURIER_LABEL_GAP 0.3

void grok_figure_fourier_draw       (cairo_t *cr, double x, double y, double width,
                                     double height, const GrokFourierData *data,
                                     const GrokFigureStyle *style);
/* "# step=", "# key_frequencies.embedding=", "# key_frequencies.unembedding=",
 * "# key_frequencies.rule=" and "# heatmap=" lines, then step,matrix,frequency,norm: one row
 * per step, matrix and frequency */
void grok_figure_fourier_append_csv (GString *out, const GrokFourierData *data);

G_END_DECLS
