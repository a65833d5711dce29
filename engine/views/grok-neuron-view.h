/* What the neuron and attention views draw: hidden units' activations over every input pair
 * (a, b) of a modular or xor_bits task with their 2-D spectra, and a transformer's attention
 * from the last position over the same pairs (SPEC §4.5). */
#pragma once

#include <glib.h>

#include "grok-measures.h"
#include "grok-params.h"

G_BEGIN_DECLS

/* the most units a view shows (chosen, or by default the most varying) */
#define GROK_VIEW_MAX_UNITS 16

/* The 2-D Fourier power of f (p, p), f[a * p + b], less its mean, on the centred grid:
 * power[(k_a + h) * p + (k_b + h)] = |sum_{a,b} (f - mean) e^{-2 pi i (k_a a + k_b b) / p}|^2 / p^4
 * for k_a, k_b = -h .. p - 1 - h, h = floor (p / 2). The cells add up to the variance of f
 * (Parseval), and cos (w (a + b)), w = 2 pi k / p, puts 1/4 at (k, k) and 1/4 at (-k, -k). */
void grok_fourier_power_2d (const double *f, int p, double *power);

/* The 2-D Walsh-Hadamard power of f (n, n), n = 2^n_bits, f[a * n + b], less its mean:
 * power[s_a * n + s_b] = (sum_{a,b} (f - mean) (-1)^{|a & s_a| + |b & s_b|} / n^2)^2, the
 * bit subsets s_a of a and s_b of b. The cells add up to the variance of f; the parity of the
 * bits S_a of a and S_b of b puts 1 at (S_a, S_b). */
void grok_walsh_power_2d   (const double *f, int n_bits, double *power);

/* the share of power (side, side) on the centred Fourier grid held by frequency k: the cells
 * with |k_a|, |k_b| in {0, k}, (0, 0) left out; 0 when the power is all 0 */
double grok_fourier_power_share (const double *power, int p, int k);

typedef enum
{
  GROK_NEURON_BASIS_FOURIER,  /* modular tasks: frequencies (k_a, k_b), centred */
  GROK_NEURON_BASIS_WALSH,    /* xor_bits: bit subsets (s_a, s_b) */
} GrokNeuronBasis;

/* The neurons view's data: for each unit shown, its activation at every pair as a (side, side)
 * image (row a, column b) and its 2-D power in the task's basis (side, side). */
typedef struct
{
  int             side;        /* p, or 2^n_bits */
  GrokNeuronBasis basis;
  int             freq_origin; /* Fourier: the frequency of row and column 0 (-floor (p/2)) */
  int             n_hidden;    /* units in the layer */
  char           *layer;       /* the layer's tensor ("layers.0", "blocks.0.mlp.fc1") */
  gboolean        chosen;      /* the units were asked for, not the most varying */
  int             n_units;
  int            *units;       /* (n_units) unit indices */
  double         *variance;    /* (n_units) over every pair */
  /* (n_units) where each unit's power is: Fourier, the frequency k >= 1 whose cells
   * (k_a, k_b) with |k_a|, |k_b| in {0, k} hold the largest share of it; Walsh-Hadamard, the
   * cell s_a * side + s_b holding the largest share. key_share: that share (0 for a constant) */
  int            *key;
  double         *key_share;
  float          *activation;  /* (n_units, side, side) */
  float          *power;       /* (n_units, side, side) */
} GrokViewNeurons;

/* TRUE when the views apply: a modular or xor_bits task, an MLP or a transformer */
gboolean         grok_view_neurons_applies  (const GrokMeasureSettings *settings);
/* the activations of the hidden units `units` (n_units of them), or when n_units is 0 of the
 * `most` units varying most over the pairs, at the MLP's first hidden layer (after its
 * activation) or the transformer's last block's MLP (after the GELU, at the last position).
 * NULL with an error naming the unit when one is out of range. */
GrokViewNeurons *grok_view_neurons_compute  (const GrokMeasureSettings *settings,
                                             const GrokParams *params, const int *units,
                                             int n_units, int most, GError **error);
void             grok_view_neurons_free     (GrokViewNeurons *neurons);

/* The attention view's data: weight[((block * n_heads + head) * n_positions + position) * side^2
 * + a * side + b], the attention of block's head from the last position to position for the
 * input (a, b). */
typedef struct
{
  int    side;
  int    n_blocks, n_heads, n_positions;
  float *weight;
} GrokViewAttention;

gboolean           grok_view_attention_applies (const GrokMeasureSettings *settings);
GrokViewAttention *grok_view_attention_compute (const GrokMeasureSettings *settings,
                                                const GrokParams *params, GError **error);
void               grok_view_attention_free    (GrokViewAttention *attention);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewNeurons, grok_view_neurons_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewAttention, grok_view_attention_free)

G_END_DECLS
