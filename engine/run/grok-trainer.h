/* One training run in memory: the dataset, the model, the optimiser and the batch order, stepped
 * one optimiser step at a time. Evaluations produce the rows of metrics.csv. It owns no thread
 * and no files: the CLI and the run object drive it. */
#pragma once

#include <glib.h>

#include "grok-config-settings.h"
#include "grok-fileio.h"
#include "grok-metrics.h"
#include "grok-model.h"
#include "grok-optim.h"
#include "grok-rng.h"
#include "grok-spectrum.h"
#include "grok-task.h"

G_BEGIN_DECLS

/* the columns every run writes, in this order */
#define GROK_METRICS_BASE_COLUMNS \
  "step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc", "l2_norm", "wall_seconds"
enum
{
  GROK_COL_STEP, GROK_COL_EPOCH, GROK_COL_TRAIN_LOSS, GROK_COL_TRAIN_ACC, GROK_COL_TEST_LOSS,
  GROK_COL_TEST_ACC, GROK_COL_L2_NORM, GROK_COL_WALL_SECONDS, GROK_N_BASE_COLUMNS
};

/* A regulariser added to the loss (the spectral-entropy penalty): returns lambda times its value
 * at params->data and adds lambda times its gradient into params->grad */
typedef double (*GrokPenaltyFunc) (GrokParams *params, double lambda, gpointer user_data);

typedef struct _GrokPenaltyWorker GrokPenaltyWorker;

typedef struct
{
  GrokConfig    *config;
  GrokDataset   *dataset;
  GrokModel     *model;
  GrokOptimizer *optim;
  gint64         step;            /* optimiser steps taken */
  int            batch_size;      /* examples per full minibatch */
  int            steps_per_epoch;
  GrokRng        batch_rng;
  int           *order;           /* (n_train) the current epoch's order */
  int           *batch_tokens;    /* gathered minibatch inputs */
  float         *batch_x;
  int           *batch_y;
  double         last_loss;       /* the loss of the last step's batch (cross-entropy) */
  double         last_penalty;    /* lambda * penalty at the last step's parameters, or 0 */
  GrokPenaltyFunc penalty;        /* used when reg.spectral_entropy > 0 */
  gpointer       penalty_data;
  gboolean       penalty_by_matrix; /* the default penalty: shared among threads by matrix */
  GrokSpectrumWorkspace *spectrum_ws; /* the default penalty's SVD buffers, or NULL */
  float         *penalty_grad;    /* (numel) the penalty's gradient, added to the model's */
  GrokPenaltyWorker *penalty_worker; /* the penalty's share of the pool, or NULL: inline */
  GrokRng        noise_rng;       /* weight noise, on its own stream of the run seed */
  float         *clean;           /* (numel) the parameters without noise, during a step */
  float         *noise;           /* uniforms, then normals: (numel + 1) / 2 * 2 floats each */
  double         wall_seconds;    /* time spent in steps and evaluations */
} GrokTrainer;

/* validates config, builds the dataset and the model, initialises the parameters and sets the
 * OpenBLAS thread count (one: the engine's threads are its pool's) */
GrokTrainer *grok_trainer_new      (const GrokConfig *config, GError **error);
/* the bytes grok_trainer_new and a checkpoint save take for config (valid), worked out without
 * allocating; footprint receives the model's part */
gsize        grok_trainer_estimate_bytes (const GrokConfig *config, GrokModelFootprint *footprint);
void         grok_trainer_free     (GrokTrainer *trainer);
/* replace the penalty that reg.spectral_entropy weighs (the default is the spectral entropy).
 * With more than one thread (train.threads 0 on a multi-core machine, or >= 2) it runs on the
 * engine's pool while the model's forward and backward passes run: it may read
 * params->data and write params->grad (a buffer of its own, zeroed) and user_data, nothing
 * else the trainer owns */
void         grok_trainer_set_penalty (GrokTrainer *trainer, GrokPenaltyFunc penalty,
                                       gpointer user_data);
/* one optimiser step: with reg.weight_noise = sigma > 0 the gradient (of the cross-entropy
 * plus reg.spectral_entropy times the penalty) is taken at theta + N(0, sigma^2) and the
 * update applied to theta. Fails with GROK_ERROR_DIVERGED naming the step when the loss or the
 * gradient is not finite (the parameters are then left as they were before the step), or when
 * the update made a weight not finite (the message names the tensor; the step is counted) */
gboolean     grok_trainer_step     (GrokTrainer *trainer, GError **error);
/* one metrics row (GROK_N_BASE_COLUMNS values) for the current parameters */
void         grok_trainer_evaluate (GrokTrainer *trainer, double *row);
/* TRUE when an evaluation is due after the current step (step 0, every eval_every steps,
 * and the last step) */
gboolean     grok_trainer_eval_due (GrokTrainer *trainer);
/* the fractional epoch of the current step */
double       grok_trainer_epoch    (GrokTrainer *trainer);
/* a new metrics table: the base columns, then the columns of every measure config turns on
 * (config NULL: the base columns only) */
GrokMetrics *grok_trainer_new_metrics (const GrokConfig *config);

/* Checkpoints (grok-trainer-state.c). One safetensors file holds everything needed to continue
 * bit-identically: the parameters under their SPEC names, the optimiser moments under
 * "optim.m.<name>" and "optim.v.<name>", this epoch's example order under "train.order", and in
 * __metadata__ the step, the epoch, the config (JSON), the optimiser step count "optim.t", the
 * batch RNG state "rng" (hex) and "wall_seconds". Written atomically. */
gboolean     grok_trainer_save     (GrokTrainer *trainer, const char *path, GError **error);
/* restore what grok_trainer_save wrote. The trainer's config must build the same tensors and
 * the same training set size; anything missing, misshapen or out of range is a
 * GROK_ERROR_CORRUPT naming the file and the tensor or key, and leaves the trainer untouched.
 * The optimiser's settings (lr, weight decay...) stay those of the trainer's config. */
gboolean     grok_trainer_load     (GrokTrainer *trainer, const char *path, GError **error);
/* the same for a file in an open folder (grok-fileio.h), never through a link */
gboolean     grok_trainer_save_at  (GrokTrainer *trainer, const GrokFileAt *at, GError **error);
gboolean     grok_trainer_load_at  (GrokTrainer *trainer, const GrokFileAt *at, GError **error);

/* The penalty's schedule (grok-trainer-penalty.c), used by grok-trainer.c: setup sizes its
 * gradient buffer and, with cores >= 2, gives it a team of two on the engine's pool; start
 * opens the penalty at the current parameters to the pool; finish joins it, taking the default
 * penalty's matrices no worker has started (or computes the penalty inline when it has no team
 * and use is TRUE) and, when use is TRUE, adds its gradient to the model's, returning
 * lambda times the penalty. */
void         grok_trainer_penalty_setup  (GrokTrainer *trainer, int cores);
void         grok_trainer_penalty_free   (GrokTrainer *trainer);
void         grok_trainer_penalty_start  (GrokTrainer *trainer, double lambda);
double       grok_trainer_penalty_finish (GrokTrainer *trainer, double lambda, gboolean use);
/* the matrices of the default penalty that the training thread computed itself, beside the
 * pool worker, since the trainer was made (0 when the penalty has no share of the pool) */
int          grok_trainer_penalty_caller_parts (GrokTrainer *trainer);

/* the cores a trainer of this config may use: train.threads, or all of them for 0 */
int          grok_trainer_cores    (const GrokConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokTrainer, grok_trainer_free)

G_END_DECLS
