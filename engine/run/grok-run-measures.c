/* The measures thread of a run: rows in, rows out, in the same order. POSIX threads rather than
 * GThread/GMutex, as for the run itself, so that ThreadSanitizer sees every wait. */
#include "grok-run-measures.h"

#include <pthread.h>
#include <string.h>

#include "grok-config-settings.h"
#include "grok-error.h"

typedef struct
{
  gint64      step;
  double     *row;
  GrokParams *params;
  gboolean    due[GROK_N_MEASURES];
  gboolean    done;       /* under the lock */
  GError     *error;
} Job;

struct _GrokMeasureQueue
{
  GrokMeasureSettings settings;
  GrokMeasureOptions  options;
  GPtrArray          *columns;    /* char *, owned */
  gboolean            threaded;
  guint               delay_ms;

  pthread_mutex_t     lock;       /* guards what follows */
  pthread_cond_t      work;       /* a row came, or the end */
  pthread_cond_t      finished;   /* a row's measures are done */
  GQueue              rows;       /* Job *: every row handed over and not taken back */
  GQueue              todo;       /* Job *: the rows the thread has not started */
  gsize               bytes;      /* of the parameter copies in rows */
  gboolean            quit;
  gboolean            started;
  pthread_t           thread;
};

static gsize
params_bytes (const GrokParams *params)
{
  return params != NULL ? params->numel * sizeof (float) : 0;
}

static void
job_free (Job *job)
{
  g_free (job->row);
  g_clear_pointer (&job->params, grok_params_unref);
  g_clear_error (&job->error);
  g_free (job);
}

/* the measures due at the job's step, into its row; touches nothing else */
static void
measure (GrokMeasureQueue *queue, Job *job)
{
  gboolean any = FALSE;

  for (guint m = 0; m < GROK_N_MEASURES && job->error == NULL; m++)
    {
      g_autoptr (GrokMeasureResult) r = NULL;

      if (!job->due[m])
        continue;
      any = TRUE;
      r = grok_measure_evaluate (m, &queue->settings, job->params, &queue->options, NULL,
                                 &job->error);
      if (r == NULL)
        {
          g_prefix_error (&job->error, "step %" G_GINT64_FORMAT ", measure %s: ", job->step,
                          grok_measure_name (m));
          break;
        }
      for (guint c = 0; c < r->columns->len; c++)
        for (guint i = 0; i < queue->columns->len; i++)
          if (g_str_equal (queue->columns->pdata[i], r->columns->pdata[c]))
            job->row[i] = g_array_index (r->values, double, c);
    }
  if (any && queue->delay_ms > 0)
    g_usleep (queue->delay_ms * (gulong) 1000);
}

static void *
measure_thread (void *data)
{
  GrokMeasureQueue *queue = data;

  pthread_mutex_lock (&queue->lock);
  for (;;)
    {
      Job *job;

      while (!queue->quit && g_queue_is_empty (&queue->todo))
        pthread_cond_wait (&queue->work, &queue->lock);
      if (queue->quit)
        break;
      job = g_queue_pop_head (&queue->todo);
      pthread_mutex_unlock (&queue->lock);
      measure (queue, job);
      pthread_mutex_lock (&queue->lock);
      job->done = TRUE;
      pthread_cond_broadcast (&queue->finished);
    }
  pthread_mutex_unlock (&queue->lock);
  return NULL;
}

GrokMeasureQueue *
grok_measure_queue_new (const GrokConfig *config, const GPtrArray *columns, gboolean threaded)
{
  GrokMeasureQueue *queue = g_new0 (GrokMeasureQueue, 1);

  g_return_val_if_fail (config != NULL && columns != NULL, NULL);

  queue->settings = grok_config_measure_settings (config);
  /* beside training, which keeps every core busy, a model of the measures' own (the complexity
   * search's two, Fourier's) splitting its rows over threads only adds hand-overs: one thread
   * each gives the same values (the row split does not depend on the threads) in less CPU time */
  if (threaded)
    queue->settings.model.threads = 1;
  grok_config_measure_options (config, &queue->options);
  queue->columns = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < columns->len; i++)
    g_ptr_array_add (queue->columns, g_strdup (columns->pdata[i]));
  queue->threaded = threaded;
  pthread_mutex_init (&queue->lock, NULL);
  pthread_cond_init (&queue->work, NULL);
  pthread_cond_init (&queue->finished, NULL);
  g_queue_init (&queue->rows);
  g_queue_init (&queue->todo);
  return queue;
}

void
grok_measure_queue_free (GrokMeasureQueue *queue)
{
  if (queue == NULL)
    return;
  pthread_mutex_lock (&queue->lock);
  queue->quit = TRUE;
  pthread_cond_broadcast (&queue->work);
  pthread_mutex_unlock (&queue->lock);
  if (queue->started)
    pthread_join (queue->thread, NULL);
  g_queue_clear (&queue->todo);
  g_queue_clear_full (&queue->rows, (GDestroyNotify) job_free);
  g_ptr_array_unref (queue->columns);
  pthread_mutex_destroy (&queue->lock);
  pthread_cond_destroy (&queue->work);
  pthread_cond_destroy (&queue->finished);
  g_free (queue);
}

guint
grok_measure_queue_pending (GrokMeasureQueue *queue)
{
  guint n;

  pthread_mutex_lock (&queue->lock);
  n = queue->rows.length;
  pthread_mutex_unlock (&queue->lock);
  return n;
}

gboolean
grok_measure_queue_full (GrokMeasureQueue *queue, const GrokParams *params)
{
  gboolean full;

  pthread_mutex_lock (&queue->lock);
  full = queue->rows.length > 0 &&
         (queue->rows.length >= GROK_MEASURE_QUEUE_DEPTH ||
          queue->bytes + params_bytes (params) > GROK_MEASURE_QUEUE_BYTES);
  pthread_mutex_unlock (&queue->lock);
  return full;
}

void
grok_measure_queue_push (GrokMeasureQueue *queue, gint64 step, double *row, GrokParams *params,
                         const gboolean *due)
{
  Job *job = g_new0 (Job, 1);
  gboolean any = FALSE, queued;

  for (guint m = 0; m < GROK_N_MEASURES; m++)
    any |= due[m];
  g_return_if_fail (params != NULL || !any);

  job->step = step;
  job->row = row;
  job->params = params != NULL ? grok_params_ref (params) : NULL;
  memcpy (job->due, due, sizeof job->due);
  /* a row without measures is done as it comes, and waits only for the rows before it */
  if (!queue->threaded || !any)
    {
      measure (queue, job);
      job->done = TRUE;
    }
  pthread_mutex_lock (&queue->lock);
  g_queue_push_tail (&queue->rows, job);
  queue->bytes += params_bytes (job->params);
  /* read under the lock: once queued, the job is the measures thread's to mark done */
  queued = !job->done;
  if (queued)
    {
      g_queue_push_tail (&queue->todo, job);
      pthread_cond_signal (&queue->work);
    }
  pthread_mutex_unlock (&queue->lock);
  /* the thread starts with the first row it is given: a run without measures has none */
  if (queued && !queue->started)
    {
      int err = pthread_create (&queue->thread, NULL, measure_thread, queue);
      if (err != 0)
        g_error ("cannot start the measures thread: %s", g_strerror (err));
      queue->started = TRUE;
    }
}

double *
grok_measure_queue_pop (GrokMeasureQueue *queue, gboolean wait, GError **error)
{
  Job *job;
  double *row;

  pthread_mutex_lock (&queue->lock);
  job = g_queue_peek_head (&queue->rows);
  while (job != NULL && !job->done && wait)
    pthread_cond_wait (&queue->finished, &queue->lock);
  if (job == NULL || !job->done)
    {
      pthread_mutex_unlock (&queue->lock);
      return NULL;
    }
  g_queue_pop_head (&queue->rows);
  queue->bytes -= params_bytes (job->params);
  pthread_mutex_unlock (&queue->lock);
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      job_free (job);
      return NULL;
    }
  row = g_steal_pointer (&job->row);
  job_free (job);
  return row;
}

void
grok_measure_queue_set_delay (GrokMeasureQueue *queue, guint delay_ms)
{
  pthread_mutex_lock (&queue->lock);
  queue->delay_ms = delay_ms;
  pthread_mutex_unlock (&queue->lock);
}
