/* The measures of SPEC §4 applied to a stored model state (a snapshot or a checkpoint): the
 * glue between a run's config, its parameters and dataset, and the measure modules. */
#pragma once

#include "grok-config.h"
#include "grok-lmn.h"
#include "grok-params.h"
#include "grok-task.h"

G_BEGIN_DECLS

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

G_END_DECLS
