/* Optimisers over a parameter table's flat buffer: AdamW with decoupled weight decay (optax
 * semantics, which equal PyTorch's AdamW) and SGD with momentum (PyTorch semantics: weight decay
 * added to the gradient). */
#pragma once

#include <glib.h>

#include "grok-team.h"

G_BEGIN_DECLS

typedef enum { GROK_OPTIM_ADAMW, GROK_OPTIM_SGD } GrokOptimKind;

/* An optimiser's settings: a config's optim section is one of these (the optim.* keys document
 * each field). */
typedef struct
{
  GrokOptimKind kind;
  double        lr;
  double        beta1;
  double        beta2;
  double        eps;
  double        weight_decay;
  double        momentum;
} GrokOptimSettings;

typedef struct
{
  GrokOptimKind kind;
  double        lr;
  double        beta1;
  double        beta2;
  double        eps;
  double        weight_decay;
  double        momentum;
  gint64        t;       /* steps taken */
  gsize         numel;
  float        *m;       /* AdamW first moment, or the SGD momentum buffer */
  float        *v;       /* AdamW second moment */
  GrokTeam     *team;    /* borrowed: threads that share the update, a slice each (NULL) */
} GrokOptimizer;

GrokOptimizer *grok_optimizer_new  (const GrokOptimSettings *settings, gsize numel);
void           grok_optimizer_free (GrokOptimizer *optim);
/* theta -= update (grad); both numel floats */
void           grok_optimizer_step (GrokOptimizer *optim, float *theta, const float *grad);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokOptimizer, grok_optimizer_free)

G_END_DECLS
