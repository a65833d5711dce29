/* Where the penalty of a step is computed: on the engine's pool (grok-team.h), concurrently
 * with the cross-entropy's forward and backward passes, when the trainer has more than one
 * thread; inline after them otherwise. It depends only on the (noisy) parameters, not on the
 * batch. The default penalty (the spectral entropy) comes in one task per matrix, handed out
 * in order: a pool worker takes them one by one while the passes run, and the training thread,
 * once its passes are done, joins and takes those still left, so the two share it instead of
 * the step waiting for the penalty alone (and on a busy pool the training thread computes it
 * all). Each matrix writes its gradient into its own slice of a buffer of the penalty's, and
 * its H into its own slot; the slots are summed in tensor order and the buffer added to the
 * model's gradient in one pass, so every schedule and every split makes the same sums in the
 * same order and trains bit-identically. */
#include "grok-trainer.h"
#include "grok-team.h"

#include <string.h>

struct _GrokPenaltyWorker
{
  GrokTeam       *team;      /* two members: the training thread and one pool worker */
  GrokTeamCall    call;      /* this step's penalty */
  GrokPenaltyFunc func;      /* the job: func (&view, lambda, data) */
  gpointer        data;
  GrokParams      view;      /* the model's parameters with the penalty's own gradient */
  double          lambda;
  double          value;
  /* the default penalty by matrix: one task per part, part i on tensor tensor[i] */
  gboolean        by_matrix;
  int             n_parts;
  int            *tensor;    /* (n_parts) the part's tensor */
  double         *h;         /* (n_parts) the part's H */
  GrokSpectrumWorkspace *ws[2];  /* by member: the training thread's (the trainer's
                                  * spectrum_ws), the pool worker's */
  gint            caller_parts;  /* parts the training thread took, over the trainer's life */
};

/* one task of the step's penalty, on member 0 (the training thread) or 1 (a pool worker) */
static void
penalty_task (gpointer data, int task, int member)
{
  GrokPenaltyWorker *w = data;

  if (!w->by_matrix)
    {
      w->value = w->func (&w->view, w->lambda, w->data);
      return;
    }
  if (member == 0)
    g_atomic_int_inc (&w->caller_parts);
  w->h[task] = grok_spectral_penalty_matrix (&w->view, w->tensor[task], w->lambda, w->n_parts,
                                             w->ws[member]);
}

/* lambda times the mean of the parts' H, summed in tensor order as grok_spectral_penalty
 * sums them */
static double
parts_value (GrokPenaltyWorker *w)
{
  double total = 0.0;

  if (w->n_parts == 0)
    return 0.0;
  for (int i = 0; i < w->n_parts; i++)
    total += w->h[i];
  return w->lambda * (total / w->n_parts);
}

void
grok_trainer_penalty_setup (GrokTrainer *trainer, int cores)
{
  GrokPenaltyWorker *w;

  trainer->penalty_grad = g_new (float, trainer->model->params->numel);
  if (cores < 2)
    return;
  w = g_new0 (GrokPenaltyWorker, 1);
  /* without a pool worker the penalty is computed on the training thread: slower, the same
   * result */
  w->team = grok_team_new (2);
  if (w->team == NULL || grok_team_threads (w->team) < 2)
    {
      grok_team_free (w->team);
      g_free (w);
      return;
    }
  if (trainer->spectrum_ws != NULL)
    {
      GrokParams *params = trainer->model->params;

      w->ws[0] = trainer->spectrum_ws;
      w->ws[1] = grok_spectrum_workspace_new_for_params (params);
      w->tensor = g_new (int, MAX (params->n_tensors, 1));
      w->h = g_new (double, MAX (params->n_tensors, 1));
      for (int i = 0; i < params->n_tensors; i++)
        if (params->tensors[i].ndim == 2)
          w->tensor[w->n_parts++] = i;
    }
  trainer->penalty_worker = w;
}

void
grok_trainer_penalty_free (GrokTrainer *trainer)
{
  GrokPenaltyWorker *w = trainer->penalty_worker;

  /* a call still open writes penalty_grad and reads the model's parameters: end it first */
  if (w != NULL)
    grok_team_join (&w->call);
  g_free (trainer->penalty_grad);
  if (w == NULL)
    return;
  grok_team_free (w->team);
  grok_spectrum_workspace_free (w->ws[1]);
  g_free (w->tensor);
  g_free (w->h);
  g_free (w);
}

/* opens the penalty at the current parameters to the pool, if the trainer has a share of it */
void
grok_trainer_penalty_start (GrokTrainer *trainer, double lambda)
{
  GrokPenaltyWorker *w = trainer->penalty_worker;
  GrokParams *params = trainer->model->params;

  memset (trainer->penalty_grad, 0, sizeof (float) * params->numel);
  if (w == NULL)
    return;
  w->func = trainer->penalty;
  w->data = trainer->penalty_data;
  w->view = *params;
  w->view.grad = trainer->penalty_grad;
  w->lambda = lambda;
  w->value = 0.0;
  w->by_matrix = trainer->penalty_by_matrix && w->ws[1] != NULL;
  grok_team_post (w->team, &w->call, w->by_matrix ? w->n_parts : 1, penalty_task, w);
}

/* joins the penalty on the pool (or computes the penalty here when there is none, or nothing
 * when use is FALSE) and, when use is TRUE, adds the penalty's gradient to the model's;
 * returns lambda times the penalty */
double
grok_trainer_penalty_finish (GrokTrainer *trainer, double lambda, gboolean use)
{
  GrokPenaltyWorker *w = trainer->penalty_worker;
  GrokParams *params = trainer->model->params;
  GrokParams view = *params;
  double value = 0.0;

  if (w != NULL)
    {
      /* the tasks no worker has started are taken here, whether or not the step is used:
       * the buffers are not free until the call has ended */
      grok_team_join (&w->call);
      value = w->by_matrix ? parts_value (w) : w->value;
    }
  else if (use)
    {
      view.grad = trainer->penalty_grad;
      value = trainer->penalty (&view, lambda, trainer->penalty_data);
    }
  if (use)
    for (gsize i = 0; i < params->numel; i++)
      params->grad[i] += trainer->penalty_grad[i];
  return value;
}

int
grok_trainer_penalty_caller_parts (GrokTrainer *trainer)
{
  GrokPenaltyWorker *w = trainer->penalty_worker;

  return w != NULL ? g_atomic_int_get (&w->caller_parts) : 0;
}
