/* Where the penalty of a step is computed: on the trainer's penalty thread, concurrently with
 * the cross-entropy's forward and backward passes, when the trainer has more than one thread;
 * inline after them otherwise. It depends only on the (noisy) parameters, not on the batch.
 * The default penalty (the spectral entropy) comes in one part per matrix, handed out in
 * order: the penalty thread takes them one by one, and the training thread, once its passes
 * are done, takes those still left, so the two share it instead of the step waiting for the
 * penalty alone. Each part writes its gradient into its own slice of a buffer of the
 * penalty's, and its H into its own slot; the slots are summed in tensor order and the buffer
 * added to the model's gradient in one pass, so every schedule and every split makes the same
 * sums in the same order and trains bit-identically. pthread primitives, not GLib's, so that
 * ThreadSanitizer sees the hand-over. */
#include "grok-trainer.h"

#include <cblas.h>
#include <pthread.h>
#include <string.h>

struct _GrokPenaltyWorker
{
  pthread_t       thread;
  pthread_mutex_t lock;
  pthread_cond_t  cond;
  gboolean        pending;   /* a penalty posted and not yet computed */
  gboolean        running;   /* the thread has taken up the posted penalty */
  gboolean        quit;
  GrokPenaltyFunc func;      /* the job: func (&view, lambda, data) */
  gpointer        data;
  GrokParams      view;      /* the model's parameters with the penalty's own gradient */
  double          lambda;
  double          value;
  /* the default penalty by matrix: parts 0 .. n_parts - 1 of this step, parts < next taken */
  gboolean        by_matrix;
  int             n_parts;
  int             next;
  int            *tensor;    /* (n_parts) the part's tensor */
  double         *h;         /* (n_parts) the part's H */
  GrokSpectrumWorkspace *thread_ws;  /* the penalty thread's */
  GrokSpectrumWorkspace *caller_ws;  /* the training thread's: the trainer's spectrum_ws */
  int             caller_parts;      /* parts the training thread took, over the trainer's life */
};

/* takes parts until none is left, with this thread's workspace */
static void
take_parts (GrokPenaltyWorker *w, GrokSpectrumWorkspace *ws, gboolean caller)
{
  for (;;)
    {
      int part;

      pthread_mutex_lock (&w->lock);
      part = w->next < w->n_parts ? w->next++ : -1;
      if (part >= 0 && caller)
        w->caller_parts++;
      pthread_mutex_unlock (&w->lock);
      if (part < 0)
        return;
      w->h[part] = grok_spectral_penalty_matrix (&w->view, w->tensor[part], w->lambda,
                                                 w->n_parts, ws);
    }
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

static void *
penalty_worker_main (void *data)
{
  GrokPenaltyWorker *w = data;

  pthread_mutex_lock (&w->lock);
  for (;;)
    {
      double value;

      while (!w->pending && !w->quit)
        pthread_cond_wait (&w->cond, &w->lock);
      if (w->quit)
        break;
      w->running = TRUE;
      pthread_mutex_unlock (&w->lock);
      if (w->by_matrix)
        {
          take_parts (w, w->thread_ws, FALSE);
          value = 0.0;   /* the training thread sums the parts */
        }
      else
        value = w->func (&w->view, w->lambda, w->data);
      pthread_mutex_lock (&w->lock);
      w->value = value;
      w->running = FALSE;
      w->pending = FALSE;
      pthread_cond_broadcast (&w->cond);
    }
  pthread_mutex_unlock (&w->lock);
  return NULL;
}

void
grok_trainer_penalty_setup (GrokTrainer *trainer, int cores)
{
  GrokPenaltyWorker *w;

  trainer->penalty_grad = g_new (float, trainer->model->params->numel);
  if (cores < 2)
    return;
  w = g_new0 (GrokPenaltyWorker, 1);
  pthread_mutex_init (&w->lock, NULL);
  pthread_cond_init (&w->cond, NULL);
  /* without a thread the penalty is computed inline: slower, the same result */
  if (pthread_create (&w->thread, NULL, penalty_worker_main, w) != 0)
    {
      pthread_cond_destroy (&w->cond);
      pthread_mutex_destroy (&w->lock);
      g_free (w);
      return;
    }
  if (trainer->spectrum_ws != NULL)
    {
      GrokParams *params = trainer->model->params;

      w->thread_ws = grok_spectrum_workspace_new_for_params (params);
      w->caller_ws = trainer->spectrum_ws;
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

  g_free (trainer->penalty_grad);
  if (w == NULL)
    return;
  pthread_mutex_lock (&w->lock);
  w->quit = TRUE;
  pthread_cond_broadcast (&w->cond);
  pthread_mutex_unlock (&w->lock);
  pthread_join (w->thread, NULL);
  pthread_cond_destroy (&w->cond);
  pthread_mutex_destroy (&w->lock);
  grok_spectrum_workspace_free (w->thread_ws);
  g_free (w->tensor);
  g_free (w->h);
  g_free (w);
}

/* hands the penalty thread (if any) the penalty at the current parameters */
void
grok_trainer_penalty_start (GrokTrainer *trainer, double lambda)
{
  GrokPenaltyWorker *w = trainer->penalty_worker;
  GrokParams *params = trainer->model->params;

  memset (trainer->penalty_grad, 0, sizeof (float) * params->numel);
  if (w == NULL)
    return;
  pthread_mutex_lock (&w->lock);
  w->func = trainer->penalty;
  w->data = trainer->penalty_data;
  w->view = *params;
  w->view.grad = trainer->penalty_grad;
  w->lambda = lambda;
  w->by_matrix = trainer->penalty_by_matrix && w->thread_ws != NULL;
  w->next = 0;
  w->pending = TRUE;
  pthread_cond_broadcast (&w->cond);
  pthread_mutex_unlock (&w->lock);
}

/* waits for the penalty thread (or computes the penalty here when there is none, or nothing
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
      /* the parts the penalty thread has not started, unless the loss failed (the step is
       * thrown away then, and the thread may as well finish alone) */
      if (w->by_matrix && use)
        take_parts (w, w->caller_ws, TRUE);
      pthread_mutex_lock (&w->lock);
      /* every part taken here and the thread not yet woken (a busy machine): it has nothing
       * left to do, and need not be waited for */
      if (w->by_matrix && use && !w->running)
        w->pending = FALSE;
      while (w->pending)
        pthread_cond_wait (&w->cond, &w->lock);
      value = w->by_matrix ? parts_value (w) : w->value;
      pthread_mutex_unlock (&w->lock);
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
  int parts;

  if (w == NULL)
    return 0;
  pthread_mutex_lock (&w->lock);
  parts = w->caller_parts;
  pthread_mutex_unlock (&w->lock);
  return parts;
}
