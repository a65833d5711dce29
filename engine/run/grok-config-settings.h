/* What run/ hands down to the layers below it, each filled from a GrokConfig: a model's
 * settings, what the measures and the views know of a run, and the measures' options. A
 * config's task and optim sections are the dataset's and the optimiser's settings as they are
 * (&config->task, &config->optim). Also the measures' schedule, which is config keys. */
#pragma once

#include "grok-config.h"
#include "grok-measures.h"
#include "grok-model.h"
#include "grok-views.h"

G_BEGIN_DECLS

/* the model.* keys, train.threads and train.batch_size */
GrokModelSettings   grok_config_model_settings   (const GrokConfig *config);
/* grok_model_new with config's model settings */
GrokModel          *grok_config_new_model        (const GrokConfig *config,
                                                  const GrokDataset *dataset, int max_batch);
/* the task, the model and train.prob_clip */
GrokMeasureSettings grok_config_measure_settings (const GrokConfig *config);
/* the same with the digest of the task.* and model.* keys */
GrokViewSettings    grok_config_view_settings    (const GrokConfig *config);
/* the measures' defaults with the config's measures.* keys and seed applied */
void                grok_config_measure_options  (const GrokConfig *config,
                                                  GrokMeasureOptions *options);

/* the measure's or the view's row applies to config's run */
gboolean    grok_config_measure_applies (const GrokConfig *config, GrokMeasure measure);
gboolean    grok_config_view_applies    (const GrokConfig *config, GrokView view);

/* TRUE when the config schedules measure at some step in (prev_step, step]: log-spaced
 * (measures.NAME_per_decade points per decade) or every measures.NAME_every steps, and the
 * measure applies to the run. Step 0 counts as scheduled for an enabled measure. */
gboolean    grok_config_measure_due     (const GrokConfig *config, GrokMeasure measure,
                                         gint64 prev_step, gint64 step);
/* the measure is on in config and applies to its run */
gboolean    grok_config_measure_enabled (const GrokConfig *config, GrokMeasure measure);
/* the points the run's lmn column is measured on: measures.lmn_points, or the whole training
 * set when that is smaller */
int         grok_config_lmn_points      (const GrokConfig *config);

G_END_DECLS
