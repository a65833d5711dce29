/* A model the engine can train: its parameter table, its forward pass to logits and its
 * backward pass from d(loss)/d(logits). Each family (the MLP, later the transformer) fills in a
 * GrokModelClass; the trainer, the measures and the checkpoints only see this interface. */
#pragma once

#include <glib.h>

#include "grok-activation.h"
#include "grok-params.h"
#include "grok-team.h"
#include "grok-task.h"

G_BEGIN_DECLS

typedef enum { GROK_MODEL_MLP, GROK_MODEL_TRANSFORMER } GrokModelKind;

/* What a model is built from: its family and sizes (a config's model.* keys, which document each
 * field; only those of its kind are read) and how it is trained (train.threads and
 * train.batch_size). run/ fills it from a config (grok_config_model_settings). */
typedef struct
{
  GrokModelKind  kind;
  gint64         d_embed;
  gint64         width;
  gint64         depth;
  GrokActivation activation;
  double         init_scale;
  gint64         d_model;
  gint64         n_heads;
  gint64         d_mlp;
  gint64         n_blocks;
  double         ln_eps;
  gint64         threads;     /* an MLP's row split: that many threads, 0 every core */
  gint64         batch_size;  /* a training batch as set (grok_task_batch_size) */
} GrokModelSettings;

/* one batch of examples: tokens (n, n_positions) for discrete tasks, x (n, d_in) for
 * continuous ones, and the targets */
typedef struct
{
  int          n;
  const int   *tokens;
  const float *x;
  const int   *targets;
} GrokBatch;

typedef struct _GrokModel GrokModel;

typedef struct
{
  const char *name;
  void (*finalize) (GrokModel *model);
  /* draw the initial parameters from rng, then scale them by init_scale */
  void (*init_params) (GrokModel *model, guint64 seed);
  /* logits (n, n_classes) for batch->n <= max_batch; keeps what backward needs */
  void (*forward) (GrokModel *model, const GrokBatch *batch);
  /* from model->dlogits, accumulate d(loss)/d(params) into params->grad */
  void (*backward) (GrokModel *model, const GrokBatch *batch);
} GrokModelClass;

struct _GrokModel
{
  const GrokModelClass *klass;
  GrokModelSettings settings;
  GrokParams *params;
  int         max_batch;
  int         n_classes;   /* logits per example (digits for the digit head) */
  GrokHead    head;        /* how the logits meet the targets in the loss */
  int         n_positions; /* tokens per example, or 0 */
  int         d_in;        /* continuous input width, or 0 */
  float      *logits;      /* (max_batch, n_classes) */
  float      *probs;       /* (max_batch, n_classes) */
  float      *dlogits;     /* (max_batch, n_classes) */
  int         threads;     /* threads that share a batch by rows, the loss's included; a family
                            * that splits its own passes sets it above 1 */
  GrokTeam   *team;        /* those threads (NULL for one), owned */
};

/* the model settings->kind names, for dataset's input and output sizes, with activation
 * buffers for batches of up to max_batch examples. Parameters are zero until init. */
GrokModel *grok_model_new        (const GrokModelSettings *settings, const GrokDataset *dataset,
                                  int max_batch);
void       grok_model_free       (GrokModel *model);
void       grok_model_init_params (GrokModel *model, guint64 seed);
/* forward pass and the mean loss of one batch: cross-entropy of the softmax, or for the digit
 * head the mean over digits of each digit's binary cross-entropy (an example is correct when
 * every digit is); n_correct may be NULL */
double     grok_model_forward_loss (GrokModel *model, const GrokBatch *batch, double clip,
                                    int *n_correct);
/* after grok_model_forward_loss on the same batch: zero the gradients, then fill them */
void       grok_model_backward    (GrokModel *model, const GrokBatch *batch, double clip);
/* mean loss and accuracy over n examples, in chunks of max_batch; accuracy may be NULL, which
 * spares the argmax of every row. The softmax is not left in probs. */
void       grok_model_evaluate    (GrokModel *model, const int *tokens, const float *x,
                                   const int *targets, int n, double clip,
                                   double *loss, double *accuracy);

/* what grok_model_new allocates for a dataset of shape (grok_dataset_shape) and batches of
 * max_batch, worked out without allocating; each family's constructor has its twin beside it */
typedef struct
{
  gsize n_params;     /* parameters, each with a value and a gradient */
  gsize largest;      /* elements of the largest 2-D parameter */
  gsize activations;  /* floats of the forward and backward buffers */
} GrokModelFootprint;

void       grok_model_footprint (const GrokModelSettings *settings, const GrokDataset *shape,
                                 int max_batch, GrokModelFootprint *footprint);
void       grok_mlp_footprint   (const GrokModelSettings *settings, const GrokDataset *shape,
                                 int max_batch, GrokModelFootprint *footprint);

/* The row blocks of a batch: n rows make one block for every GROK_MODEL_BLOCK_ROWS of them, at
 * most GROK_MODEL_MAX_BLOCKS, a number fixed by n alone. Whatever sums over rows (the loss,
 * the weight gradients) is summed within each block and the blocks' sums are added in block
 * order, on one thread or many: the threads take whole blocks, so the result is the same
 * bit for bit at any thread count. */
#define GROK_MODEL_BLOCK_ROWS 128
#define GROK_MODEL_MAX_BLOCKS 8
int        grok_model_blocks    (int n);
/* the first row of block b of n rows in `blocks` blocks */
static inline int
grok_model_block_start (int n, int b, int blocks)
{
  return (int) ((gint64) n * b / blocks);
}
/* the family constructors, used by grok_model_new */
GrokModel *grok_mlp_new (const GrokModelSettings *settings, const GrokDataset *dataset,
                         int max_batch);
/* common set-up for the families: fills the shared fields and output buffers */
void       grok_model_init_base (GrokModel *model, const GrokModelClass *klass,
                                 const GrokModelSettings *settings,
                                 const GrokDataset *dataset,
                                 int max_batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokModel, grok_model_free)

G_END_DECLS
