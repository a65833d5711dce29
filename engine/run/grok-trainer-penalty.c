/* Where the penalty of a step is computed: on the trainer's penalty thread, concurrently with
 * the cross-entropy's forward and backward passes, when the trainer has more than one thread;
 * inline after them otherwise. It depends only on the (noisy) parameters, not on the batch.
 * Either way it writes its gradient into a buffer of its own, which is then added to the
 * model's gradient in one pass, so both schedules make the same sums in the same order and
 * train bit-identically. pthread primitives, not GLib's, so that ThreadSanitizer sees the
 * hand-over. */
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
  gboolean        quit;
  GrokPenaltyFunc func;      /* the job: func (&view, lambda, data) */
  gpointer        data;
  GrokParams      view;      /* the model's parameters with the penalty's own gradient */
  double          lambda;
  double          value;
};

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
      pthread_mutex_unlock (&w->lock);
      value = w->func (&w->view, w->lambda, w->data);
      pthread_mutex_lock (&w->lock);
      w->value = value;
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
      pthread_mutex_lock (&w->lock);
      while (w->pending)
        pthread_cond_wait (&w->cond, &w->lock);
      value = w->value;
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
