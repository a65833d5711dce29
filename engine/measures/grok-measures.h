/* The measures of SPEC §4 applied to a stored model state (a snapshot or a checkpoint): the
 * glue between a run's settings, its parameters and dataset, and the measure modules. Each
 * measure gives named values (the metrics.csv columns it fills) and a JSON object with its
 * value and the parameters it used. */
#pragma once

#include <gio/gio.h>

#include "grok-lmn.h"
#include "grok-model.h"
#include "grok-params.h"
#include "grok-task.h"

G_BEGIN_DECLS

typedef enum
{
  GROK_MEASURE_SPECTRUM,          /* spectral_entropy_mean, eff_rank_mean, stable_rank_mean */
  GROK_MEASURE_COMPLEXITY,        /* complexity_bytes, complexity_delta, complexity_tau,
                                   * naive_bytes, occam_bound */
  GROK_MEASURE_LMN,               /* lmn */
  GROK_MEASURE_REGIONS,           /* region_count */
  GROK_MEASURE_LOCAL_COMPLEXITY,  /* lc_r0.05, lc_r0.1, lc_r0.5, lc_r1, lc_r5 */
  GROK_MEASURE_FOURIER,           /* fourier_gini, fourier_top5, restricted_loss, excluded_loss */
  GROK_N_MEASURES
} GrokMeasure;

/* What a measure knows of a run: its task and model (to rebuild the dataset and read the
 * parameters) and the loss's probability clip. run/ fills it from a config
 * (grok_config_measure_settings). */
typedef struct
{
  GrokTaskSettings  task;
  GrokModelSettings model;
  double            prob_clip;
} GrokMeasureSettings;

/* run predicates the measures and views tables share */
gboolean    grok_measure_settings_any_run      (const GrokMeasureSettings *settings);
gboolean    grok_measure_settings_is_mlp       (const GrokMeasureSettings *settings);
gboolean    grok_measure_settings_is_xor2d_mlp (const GrokMeasureSettings *settings);
/* a modular task on tokens with one softmax over the classes (the Fourier measures and view) */
gboolean    grok_measure_settings_is_modular   (const GrokMeasureSettings *settings);

typedef struct
{
  double epsilon;       /* complexity: nats of loss the coarse-graining may cost (0.25) */
  int    eval_examples; /* complexity: training examples the loss is taken on; 0 for all */
  int    lmn_points;    /* LMN: training inputs used (1024) */
  int    lc_samples;    /* local complexity: training inputs sampled (256) */
  int    lc_directions; /* local complexity: P, giving 2P vertices (25) */
  guint64 seed;         /* sampling */
} GrokMeasureOptions;

void        grok_measure_options_init (GrokMeasureOptions *options);

typedef struct
{
  GrokMeasure measure;
  GPtrArray  *columns;   /* char *: metrics.csv column names */
  GArray     *values;    /* double, one per column */
  char       *json;      /* {"measure": ..., "value": ..., "parameters": {...}, ...} */
} GrokMeasureResult;

/* One row per measure: everything about it. The trainer's columns, the run's schedule, the CLI's
 * names and the curves' panels all read it, so adding a measure is one row here plus its
 * evaluate function (and its schedule keys in the config key table, which run/ reads). */
typedef struct
{
  const char         *name;            /* --measure NAME and the JSON "measure" */
  const char * const *columns;         /* the metrics.csv columns it fills, NULL-terminated */
  const char * const *panels;          /* those of its columns the curves draw in a panel of
                                        * their own, NULL-terminated */
  gboolean          (*applies) (const GrokMeasureSettings *settings);
  const char         *needs;           /* what a run needs for it to apply, for messages */
  const char         *per_decade_key;  /* its schedule (run/): config keys of log-spaced points */
  const char         *every_key;       /* ... and of a fixed period in steps */
  GrokMeasureResult *(*evaluate) (const GrokMeasureSettings *settings,
                                  const GrokParams *params, const GrokMeasureOptions *options,
                                  GCancellable *cancellable, GError **error);
} GrokMeasureKind;

const GrokMeasureKind *grok_measure_kind (GrokMeasure measure);

const char *grok_measure_name      (GrokMeasure measure);
gboolean    grok_measure_from_name (const char *name, GrokMeasure *measure, GError **error);
/* every measure's name, joined by separator */
char       *grok_measure_names     (const char *separator);
/* FALSE when the measure has no meaning for the run (its row's applies) */
gboolean    grok_measure_applies   (GrokMeasure measure, const GrokMeasureSettings *settings);

/* the name a figure gives a metrics column, with its unit ("Complexity (bytes)", "Local
 * complexity, r = 0.1"); the column's own name when the table has no row for it */
const char *grok_column_title      (const char *column);
/* why a measure evaluated at a step can leave the column without a value there, for the
 * figure to say; NULL when it always gives one */
const char *grok_column_gap        (const char *column);
/* the measure that fills column, or -1 */
int         grok_measure_of_column (const char *column);


void               grok_measure_result_free (GrokMeasureResult *result);
/* the value of a column, NAN when absent */
double             grok_measure_result_get  (const GrokMeasureResult *result, const char *column);
GrokMeasureResult *grok_measure_evaluate    (GrokMeasure measure,
                                             const GrokMeasureSettings *settings,
                                             const GrokParams *params,
                                             const GrokMeasureOptions *options,
                                             GCancellable *cancellable, GError **error);

/* the first layer's inputs of an MLP for n examples (the concatenated embeddings of their
 * tokens, or the continuous inputs): out has n * input width floats; returns the width, or -1
 * with an error */
int      grok_mlp_inputs_from_params (const GrokParams *params, const GrokDataset *dataset,
                                      const int *indices, int n, float *out, GError **error);

/* LMN of an MLP on at most max_points training inputs (drawn with seed), f = the whole net:
 * the SPEC default (points are the first hidden layer's pre-activations) */
GrokLmn *grok_measure_lmn            (const GrokModelSettings *model, const GrokParams *params,
                                      const GrokDataset *dataset, int max_points, guint64 seed,
                                      GError **error);

/* restricted_loss and excluded_loss (grok_fourier_losses) of a modular task's net with the given
 * key frequencies (each 1 .. floor(p/2)), over the task's pairs as the fourier measure takes
 * them; FALSE with an error for another task or a key out of range */
gboolean grok_measure_fourier_losses (const GrokMeasureSettings *settings,
                                      const GrokParams *params, const int *keys, int n_keys,
                                      double *restricted, double *excluded, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokMeasureResult, grok_measure_result_free)

G_END_DECLS
