/* The MLP of SPEC §2.1: token embeddings concatenated (or the raw continuous input), depth
 * hidden layers of width units with an activation, and a linear layer to the classes. */
#pragma once

#include "grok-layer-view.h"
#include "grok-model.h"

G_BEGIN_DECLS

/* the layers of an MLP in order, the output layer last; n_layers = depth + 1. The views point
 * into model->params. Embeddings are not a layer: use grok_mlp_embed for the input. */
GrokLayerView *grok_mlp_layers (GrokModel *model, int *n_layers);
/* the first layer's input for n examples: the concatenated embeddings of tokens, or x */
void           grok_mlp_embed  (GrokModel *model, const int *tokens, const float *x, int n,
                                float *out);
/* width of the first layer's input */
int            grok_mlp_input_width (GrokModel *model);
/* the layers of an MLP stored in a parameter table (a snapshot, a checkpoint), pointing into
 * params; NULL with an error naming the tensor when the table is not the settings' MLP */
GrokLayerView *grok_mlp_views_from_params (const GrokModelSettings *settings,
                                           const GrokParams *params, int *n_layers,
                                           GError **error);
/* TRUE when model is an MLP */
gboolean       grok_model_is_mlp (GrokModel *model);

G_END_DECLS
