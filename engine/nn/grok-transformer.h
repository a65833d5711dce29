/* The transformer of DeMoss et al. (SPEC §2.2): learned token and position embeddings,
 * post-LayerNorm blocks of 4-head self-attention without a causal mask and a GELU MLP, biases
 * everywhere, and a linear read-out at the last position. Its tensors carry the PyTorch-style
 * names of SPEC §2.3, so a checkpoint loads into an equivalent torch module as it is. */
#pragma once

#include "grok-model.h"

G_BEGIN_DECLS

GrokModel *grok_transformer_new      (const GrokModelSettings *settings, const GrokDataset *dataset,
                                      int max_batch);
/* grok_transformer_new's allocations, counted without allocating (see grok_model_footprint) */
void       grok_transformer_footprint (const GrokModelSettings *settings, const GrokDataset *shape,
                                       int max_batch, GrokModelFootprint *footprint);
/* TRUE when model is a transformer */
gboolean   grok_model_is_transformer (GrokModel *model);

/* After a forward pass of n examples: what block `block` computed at the last position (the
 * one read out). act (n, d_mlp): its MLP's hidden units after the GELU; att (n, n_heads, T):
 * the attention weights of its last-position query over the T positions. Either may be NULL. */
void       grok_transformer_read_last (GrokModel *model, int block, int n, float *act,
                                       float *att);

G_END_DECLS
