/* The dense reference the complexity search is held to (SPEC section 4.2): a 40 x 20 grid over
 * (Delta, tau), Delta log-spaced in [1e-3, 1] and tau evenly in [0, 1], every feasible point
 * compressed, the smallest size kept; and the loss of a real model on training examples, with a
 * model per worker. Shared by the complexity test and its benchmark. */
#pragma once

#include <math.h>
#include <string.h>

#include "grok-complexity.h"
#include "grok-complexity-private.h"
#include "grok-config-settings.h"
#include "grok-model.h"
#include "grok-task.h"

#define GRID_DELTAS 40
#define GRID_TAUS   20

/* the SPEC's L on the first n training examples (the split is shuffled already) */
typedef struct
{
  GrokModel   *models[GROK_COMPLEXITY_MAX_WORKERS];
  const int   *tokens;
  const float *x;
  const int   *y;
  int          n;
  double       clip;
} ModelLoss;

static inline void
model_loss_init (ModelLoss *ml, const GrokConfig *config, const GrokDataset *dataset, int n)
{
  ml->n = n > 0 ? MIN (n, dataset->n_train) : dataset->n_train;
  for (int w = 0; w < GROK_COMPLEXITY_MAX_WORKERS; w++)
    ml->models[w] = grok_config_new_model (config, dataset, MIN (ml->n, 2048));
  ml->tokens = dataset->train_tokens;
  ml->x = dataset->train_x;
  ml->y = dataset->train_y;
  ml->clip = config->train.prob_clip;
}

static inline void
model_loss_clear (ModelLoss *ml)
{
  for (int w = 0; w < GROK_COMPLEXITY_MAX_WORKERS; w++)
    g_clear_pointer (&ml->models[w], grok_model_free);
}

static inline double
model_loss (const GrokParams *coarse, int worker, gpointer data)
{
  ModelLoss *ml = data;
  GrokParams *dst = ml->models[worker]->params;
  double loss, accuracy;

  for (int i = 0; i < dst->n_tensors; i++)
    {
      int j = grok_params_find (coarse, dst->tensors[i].name);
      g_assert (j >= 0 && coarse->tensors[j].numel == dst->tensors[i].numel);
      memcpy (dst->data + dst->tensors[i].offset, coarse->data + coarse->tensors[j].offset,
              dst->tensors[i].numel * sizeof (float));
    }
  grok_model_evaluate (ml->models[worker], ml->tokens, ml->x, ml->y, ml->n, ml->clip, &loss,
                       &accuracy);
  return loss;
}

typedef struct
{
  gboolean found;
  gsize    size;
  double   delta, tau;
  guint    n_compressions;
} GridResult;

typedef struct
{
  GrokGrainer     *grainer;
  GrokLossFunc     loss;
  gpointer         data;
  double           limit;
  int              worker, n_workers;
  GridResult       best;   /* of this worker's rows; ties to the finer Delta, then higher tau */
} GridRows;

static inline double
grid_tau (int j)
{
  return (double) j / (GRID_TAUS - 1);
}

static inline double
grid_delta (int i)
{
  return pow (10.0, -3.0 + 3.0 * i / (GRID_DELTAS - 1));
}

/* the rows j = worker, worker + n_workers, ... of the grid */
static inline gpointer
grid_rows (gpointer data)
{
  GridRows *g = data;

  for (int j = g->worker; j < GRID_TAUS; j += g->n_workers)
    for (int i = 0; i < GRID_DELTAS; i++)
      {
        double l;
        gsize size;

        grok_grainer_run (g->grainer, grid_delta (i), grid_tau (j));
        l = g->loss (g->grainer->coarse, g->worker, g->data);
        if (!isfinite (l) || l > g->limit)
          continue;
        size = grok_grainer_compress (g->grainer);
        g->best.n_compressions++;
        if (!g->best.found || size < g->best.size)
          g->best = (GridResult) { TRUE, size, grid_delta (i), grid_tau (j),
                                   g->best.n_compressions };
      }
  return NULL;
}

/* the grid on n_workers threads (the rows shared out); the smallest size over all rows */
static inline GridResult
complexity_grid (const GrokParams *params, GrokLossFunc loss, gpointer data, double epsilon,
                 int n_workers)
{
  g_autoptr (GrokGrainer) grainer = grok_grainer_new (params, NULL);
  GridRows rows[GROK_COMPLEXITY_MAX_WORKERS] = { { 0 } };
  GThread *threads[GROK_COMPLEXITY_MAX_WORKERS] = { NULL };
  double limit = loss (params, 0, data) + epsilon;
  GridResult best = { 0 };

  g_assert_nonnull (grainer);
  for (int w = 0; w < n_workers; w++)
    {
      rows[w] = (GridRows) { w ? grok_grainer_new_sharing (grainer) : grainer, loss, data, limit,
                             w, n_workers, { 0 } };
      threads[w] = w ? g_thread_new ("grid", grid_rows, &rows[w]) : NULL;
    }
  grid_rows (&rows[0]);
  for (int w = 0; w < n_workers; w++)
    {
      if (w > 0)
        {
          g_thread_join (threads[w]);
          grok_grainer_free (rows[w].grainer);
        }
      best.n_compressions += rows[w].best.n_compressions;
      if (rows[w].best.found && (!best.found || rows[w].best.size < best.size))
        best = (GridResult) { TRUE, rows[w].best.size, rows[w].best.delta, rows[w].best.tau,
                              best.n_compressions };
    }
  return best;
}
