/* The measures of SPEC §4 applied to a stored model state (a snapshot or a checkpoint): the
 * glue between a run's config, its parameters and dataset, and the measure modules. Each
 * measure gives named values (the metrics.csv columns it fills) and a JSON object with its
 * value and the parameters it used. */
#pragma once

#include <gio/gio.h>

#include "grok-config.h"
#include "grok-lmn.h"
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
  GROK_N_MEASURES
} GrokMeasure;

/* run predicates the measures and views tables share */
gboolean    grok_config_any_run       (const GrokConfig *config);
gboolean    grok_config_is_mlp        (const GrokConfig *config);
gboolean    grok_config_is_xor2d_mlp  (const GrokConfig *config);

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
/* the defaults with the config's measures.* settings applied */
void        grok_measure_options_from_config (GrokMeasureOptions *options, const GrokConfig *config);

typedef struct
{
  GrokMeasure measure;
  GPtrArray  *columns;   /* char *: metrics.csv column names */
  GArray     *values;    /* double, one per column */
  char       *json;      /* {"measure": ..., "value": ..., "parameters": {...}, ...} */
} GrokMeasureResult;

/* One row per measure: everything about it. The trainer's columns, the run's schedule, the CLI's
 * names and the curves' panels all read it, so adding a measure is one row here plus its
 * evaluate function. */
typedef struct
{
  const char         *name;            /* --measure NAME and the JSON "measure" */
  const char * const *columns;         /* the metrics.csv columns it fills, NULL-terminated */
  const char * const *panels;          /* those of its columns the curves draw in a panel of
                                        * their own, NULL-terminated */
  gboolean          (*applies) (const GrokConfig *config);
  const char         *needs;           /* what a run needs for it to apply, for messages */
  const char         *per_decade_key;  /* its schedule: config keys of log-spaced points ... */
  const char         *every_key;       /* ... and of a fixed period in steps */
  GrokMeasureResult *(*evaluate) (const GrokConfig *config, const GrokParams *params,
                                  const GrokMeasureOptions *options, GCancellable *cancellable,
                                  GError **error);
} GrokMeasureKind;

const GrokMeasureKind *grok_measure_kind (GrokMeasure measure);

const char *grok_measure_name      (GrokMeasure measure);
gboolean    grok_measure_from_name (const char *name, GrokMeasure *measure, GError **error);
/* every measure's name, joined by separator */
char       *grok_measure_names     (const char *separator);
/* FALSE when the measure has no meaning for the run (its row's applies) */
gboolean    grok_measure_applies   (GrokMeasure measure, const GrokConfig *config);

/* the name a figure gives a metrics column, with its unit ("Complexity (bytes)", "Local
 * complexity, r = 0.1"); the column's own name when the table has no row for it */
const char *grok_column_title      (const char *column);
/* why a measure evaluated at a step can leave the column without a value there, for the
 * figure to say; NULL when it always gives one */
const char *grok_column_gap        (const char *column);
/* the measure that fills column, or -1 */
int         grok_measure_of_column (const char *column);

/* TRUE when the config schedules measure at some step in (prev_step, step]: log-spaced
 * (measures.NAME_per_decade points per decade) or every measures.NAME_every steps, and the
 * measure applies to the run. Step 0 counts as scheduled for an enabled measure. */
gboolean    grok_measure_due       (GrokMeasure measure, const GrokConfig *config,
                                    gint64 prev_step, gint64 step);
/* the measure is on in config and applies to its run */
gboolean    grok_measure_enabled   (GrokMeasure measure, const GrokConfig *config);

void               grok_measure_result_free (GrokMeasureResult *result);
/* the value of a column, NAN when absent */
double             grok_measure_result_get  (const GrokMeasureResult *result, const char *column);
GrokMeasureResult *grok_measure_evaluate    (GrokMeasure measure, const GrokConfig *config,
                                             const GrokParams *params,
                                             const GrokMeasureOptions *options,
                                             GCancellable *cancellable, GError **error);

/* the first layer's inputs of an MLP for n examples (the concatenated embeddings of their
 * tokens, or the continuous inputs): out has n * input width floats; returns the width, or -1
 * with an error */
int      grok_mlp_inputs_from_params (const GrokConfig *config, const GrokParams *params,
                                      const GrokDataset *dataset, const int *indices, int n,
                                      float *out, GError **error);

/* LMN of an MLP on at most max_points training inputs (drawn with seed), f = the whole net:
 * the SPEC default (points are the first hidden layer's pre-activations) */
GrokLmn *grok_measure_lmn            (const GrokConfig *config, const GrokParams *params,
                                      const GrokDataset *dataset, int max_points, guint64 seed,
                                      GError **error);

/* the points the run's lmn column is measured on: measures.lmn_points, or the whole training
 * set when that is smaller */
int      grok_measure_lmn_points     (const GrokConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokMeasureResult, grok_measure_result_free)

G_END_DECLS
