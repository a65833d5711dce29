/* What the Fourier view shows of a modular task's net (SPEC §4.5): norm_k of the embedding and
 * of the unembedding at the step shown, with their key frequencies, and at every stored
 * checkpoint, so that the key frequencies are seen to emerge. */
#pragma once

#include <glib.h>

#include "grok-fourier.h"
#include "grok-measures.h"
#include "grok-params.h"
#include "grok-view-fourier-cache.h"

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
  /* Nanda et al.'s progress measures at every step with one key set: the embedding's key
   * frequencies at the final checkpoint when the run has ended (its newest step reached the
   * step budget), else at the newest step */
  int      progress_keys[GROK_FOURIER_KEYS];
  int      n_progress_keys;
  gint64   progress_step;     /* the step whose key frequencies they are */
  gboolean progress_final;    /* TRUE: the run has ended and progress_step is its last */
  double  *restricted;        /* (steps->len) restricted_loss with progress_keys */
  double  *excluded;          /* (steps->len) excluded_loss with progress_keys */
  double  *test_loss;         /* (steps->len) the metrics' test_loss, NAN where it has none */
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
  double            test_loss;  /* the metrics' test_loss at step, or NAN */
  const char       *id;         /* what the cache knows these weights by, or NULL: not kept */
} GrokFourierStep;

/* from the weights at the step shown and at other steps (any order; the step shown's own among
 * them is left out) of a run on a modular task with budget steps (0: unknown, taken as not
 * ended); NULL with an error naming the step when a matrix is missing or not finite. With a
 * cache (NULL for none), the norms and losses of a step with an id are taken from it when it
 * holds them, and put into it otherwise: the data is the same either way. */
GrokFourierData *grok_fourier_data_new  (const GrokMeasureSettings *settings,
                                         const GrokFourierStep *shown,
                                         const GrokFourierStep *others, guint n_others,
                                         gint64 budget, GrokFourierCache *cache,
                                         GError **error);
void             grok_fourier_data_free (GrokFourierData *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokFourierData, grok_fourier_data_free)

G_END_DECLS
