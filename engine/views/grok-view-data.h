/* What each view draws at one step, as data: the one function every front end (the window, the
 * app's export, grokscope-cli figure) asks for a view's data, so that the same step shows the
 * same numbers everywhere. It works from what the caller already holds: the net at the step,
 * and what was stored about it (the step's views file, the earlier checkpoints the spectrum
 * overlays), which a reader of a run folder gathers beforehand (grok-run-views.h). Nothing here
 * opens a file or draws. */
#pragma once

#include <glib.h>

#include "grok-params.h"
#include "grok-spectrum.h"
#include "grok-task.h"
#include "grok-view-fourier.h"
#include "grok-views.h"

G_BEGIN_DECLS

/* a step before the one shown, which the spectrum overlays */
typedef struct
{
  gint64      step;
  GrokParams *params;   /* its weights (a reference) */
  GrokViews  *views;    /* its views file when one was made from those weights, or NULL */
  char       *id;       /* what tells its stored file from any other (the step's file
                         * replaced on disk has another), or NULL */
} GrokViewEarlier;

/* a value of the run's metrics at a step */
typedef struct
{
  gint64 step;
  double value;
} GrokViewStepValue;

/* What a view's data is made from: the net at one step and what was stored about it, with what
 * the views know of the run (run/ fills them from its config: grok_config_view_input_init).
 * params is borrowed; views and earlier belong to the input (grok_view_input_clear frees them),
 * and grok_view_data_new takes from them what it uses. */
typedef struct
{
  GrokViewSettings  settings;
  int               lmn_points; /* the points of the run's lmn column (the curves state it) */
  const GrokParams *params;   /* the weights at step; NULL is enough for the curves */
  gint64            step;
  GrokViews        *views;    /* the step's views file when it was made from params under
                               * settings (grok_views_match), or NULL: the data is computed */
  GPtrArray        *earlier;  /* GrokViewEarlier, ascending: the weights the spectrum overlays
                               * (those before step, up to the recipe's earlier), or for a
                               * recipe with every_checkpoint, every stored checkpoint's */
  gint64            budget;   /* the run's step budget (train.steps); 0 when unknown */
  GArray           *test_loss; /* GrokViewStepValue, ascending: the metrics' test_loss, for
                                * the Fourier view's progress measures; NULL for none */
  GrokFourierCache *fourier_cache; /* borrowed, or NULL: what the Fourier view computed of the
                                    * earlier weights with an id, kept by the reader of the
                                    * run folder between requests */
} GrokViewInput;

void grok_view_input_init        (GrokViewInput *input, const GrokViewSettings *settings,
                                  int lmn_points, const GrokParams *params, gint64 step);
/* weights at an earlier step for the spectrum to overlay, after those added before: params is
 * referenced, views (NULL for none) taken */
void grok_view_input_add_earlier (GrokViewInput *input, gint64 step, const GrokParams *params,
                                  GrokViews *views);
/* the same for weights read from a stored file that id (copied) tells from any other */
void grok_view_input_add_stored  (GrokViewInput *input, gint64 step, const GrokParams *params,
                                  GrokViews *views, const char *id);
/* the metrics' test_loss at step, after those added before (steps ascending) */
void grok_view_input_add_test_loss (GrokViewInput *input, gint64 step, double value);
void grok_view_input_clear       (GrokViewInput *input);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GrokViewInput, grok_view_input_clear)

/* the steps of checkpoints (gint64, ascending) before step that the spectrum overlays when the
 * recipe's earlier is max: the first checkpoint, then up to max - 1 more spread evenly in
 * log(1 + step) between that and step */
GArray *grok_view_earlier_steps (const GArray *checkpoints, gint64 step, guint max);

/* what the regions view shows of an MLP on xor2d: the exact partition when every activation is
 * piecewise linear, otherwise a raster pattern map, and the task's data points on top */
typedef struct
{
  GrokViewRegions *regions;
  GrokDataset     *dataset;
} GrokRegionsData;

void grok_regions_data_free (GrokRegionsData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokRegionsData, grok_regions_data_free)

/* what the connectivity view shows: LMN's matrix L of an MLP, its points reordered so that
 * points on the same linear map sit together */
typedef struct
{
  GrokViewConnectivity *view;
} GrokConnectivityData;

void                        grok_connectivity_data_free     (GrokConnectivityData *data);
const GrokViewConnectivity *grok_connectivity_data_get_view (const GrokConnectivityData *data);
double                      grok_connectivity_data_lmn      (const GrokConnectivityData *data);
int                         grok_connectivity_data_points   (const GrokConnectivityData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokConnectivityData, grok_connectivity_data_free)

/* what the spectrum view shows: the singular values of every matrix at one or several steps,
 * matrices in canonical order (names sorted bytewise) */
typedef struct
{
  GPtrArray *summaries;   /* GrokSpectrumSummary, one per step */
  GArray    *steps;       /* gint64, earliest first */
  GPtrArray *names;       /* char *, one per matrix */
} GrokSpectraData;

void          grok_spectra_data_free      (GrokSpectraData *data);
/* the steps shown, earliest first */
const gint64 *grok_spectra_data_get_steps (const GrokSpectraData *data, guint *n_steps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSpectraData, grok_spectra_data_free)

/* What a view draws at one step: immutable once made, shared by reference. Exactly one of
 * regions, connectivity, spectra, fourier, neurons and attention is set for a view drawn from
 * views files or computed; curves and the heatmap draw the metrics and weights themselves and have
 * none. */
typedef struct
{
  GrokView              view;
  gint64                step;
  GrokViewRecipe        recipe;        /* the recipe it was made with */
  GrokRegionsData      *regions;
  GrokConnectivityData *connectivity;
  GrokSpectraData      *spectra;
  GrokFourierData      *fourier;
  GrokViewNeurons      *neurons;
  GrokViewAttention    *attention;
  int                   lmn_points;    /* curves: the points of the lmn column */
} GrokViewData;

/* The one way every front end gets a view's data: from input's views file when that was made
 * with this recipe, else computed; the spectrum overlays input's earlier weights before the
 * step, up to the recipe's earlier, each from its own views file when there is one. recipe NULL:
 * the screen's (grok_view_recipe_init). The stored parts used are taken from input. NULL with
 * an error when the view does not apply to the run or the weights are not finite. */
GrokViewData *grok_view_data_new   (GrokView view, GrokViewInput *input,
                                    const GrokViewRecipe *recipe, GError **error);
GrokViewData *grok_view_data_ref   (GrokViewData *data);
void          grok_view_data_unref (GrokViewData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewData, grok_view_data_unref)

G_END_DECLS
