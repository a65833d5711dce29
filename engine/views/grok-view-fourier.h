/* What the Fourier view shows of a modular task's net (SPEC §4.5): norm_k of the embedding and
 * of the unembedding at the step shown, with their key frequencies, and at every stored
 * checkpoint, so that the key frequencies are seen to emerge. */
#pragma once

#include <glib.h>

#include "grok-fourier.h"
#include "grok-params.h"

G_BEGIN_DECLS

typedef enum
{
  GROK_FOURIER_EMBEDDING,
  GROK_FOURIER_UNEMBEDDING,
  GROK_FOURIER_N_MATRICES
} GrokFourierMatrix;

/* "embedding" or "unembedding", as the CSV names them */
const char *grok_fourier_matrix_name (GrokFourierMatrix matrix);

typedef struct
{
  int     p;
  int     n_freq;                   /* floor(p/2) + 1 */
  gint64  step;                     /* the step shown */
  guint   shown;                    /* its index in steps */
  GArray *steps;                    /* gint64, ascending: every stored checkpoint and the step
                                     * shown */
  double *norms[GROK_FOURIER_N_MATRICES];  /* (steps->len, n_freq) each */
  /* the key frequencies at the step shown, each matrix its own (grok_fourier_key_frequencies) */
  int     keys[GROK_FOURIER_N_MATRICES][GROK_FOURIER_KEYS];
  int     n_keys[GROK_FOURIER_N_MATRICES];
} GrokFourierData;

/* a step's norms: row i of norms[m] */
static inline const double *
grok_fourier_data_norms (const GrokFourierData *data, GrokFourierMatrix m, guint i)
{
  return data->norms[m] + (gsize) i * data->n_freq;
}

typedef struct
{
  gint64            step;
  const GrokParams *params;
} GrokFourierStep;

/* from the weights at the step shown and at other steps (any order; the step shown's own among
 * them is left out); NULL with an error naming the step when a matrix is missing or not finite */
GrokFourierData *grok_fourier_data_new  (const GrokModelSettings *model, int p,
                                         const GrokParams *params, gint64 step,
                                         const GrokFourierStep *others, guint n_others,
                                         GError **error);
void             grok_fourier_data_free (GrokFourierData *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokFourierData, grok_fourier_data_free)

G_END_DECLS
