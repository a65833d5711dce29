/* The worker thread that writes a run's views files. Computing one can take half a second (LMN's
 * matrix), which the training thread must not wait for at every checkpoint; and when
 * checkpoints come faster than that, only the newest one waiting is taken up, so the cost stays
 * bounded and the checkpoints in between get no views file (a reader computes them). pthread
 * primitives, as in grok-run.c, so that ThreadSanitizer sees every hand-over. */
#include "grok-views.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

typedef struct
{
  GrokViewSettings settings;
  GrokParams *params;
  gint64      step;
  int         views_fd;          /* the views folder, duplicated for the job */
  char       *name;
  char       *shown;
  int         checkpoints_fd;    /* the checkpoint's folder, duplicated */
  char       *checkpoint_name;
} Job;

struct _GrokViewsWriter
{
  pthread_mutex_t lock;     /* guards next and quit */
  pthread_cond_t  cond;
  Job            *next;     /* the newest job not yet begun, or NULL */
  gboolean        quit;     /* the worker ends once nothing is waiting */
  GThread        *thread;   /* NULL when no worker runs */
};

static void
job_free (Job *job)
{
  if (job == NULL)
    return;
  grok_params_unref (job->params);
  if (job->views_fd >= 0)
    close (job->views_fd);
  if (job->checkpoints_fd >= 0)
    close (job->checkpoints_fd);
  g_free (job->name);
  g_free (job->shown);
  g_free (job->checkpoint_name);
  g_free (job);
}

/* Weights the views cannot be computed from (not finite) get no file: a reader then computes
 * and reports the problem itself. A file that cannot be written is only a missing cache, so it
 * is logged rather than failing the run (the checkpoint beside it has been written). */
static void
run_job (Job *job)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokViews) views = grok_views_compute (&job->settings, job->params, job->step, &error);

  GrokFileAt at = { job->views_fd, job->name, job->shown };
  struct stat st;

  if (views == NULL || job->views_fd < 0 || job->checkpoints_fd < 0 ||
      !grok_views_write_at (views, &at, &error))
    g_debug ("no views file for step %" G_GINT64_FORMAT ": %s", job->step,
             error != NULL ? error->message : "its folders could not be duplicated");
  /* the checkpoint may have been thinned while this ran; its views go with it */
  else if (fstatat (job->checkpoints_fd, job->checkpoint_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    unlinkat (job->views_fd, job->name, 0);
}

static gpointer
worker (gpointer data)
{
  GrokViewsWriter *writer = data;
  Job *job;

#ifdef __linux__
  /* views files are a cache: on a busy machine training and the window come first. Linux keeps
   * a nice value per thread, and the threads this one starts (the LMN's team) inherit it. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10) != 0)
    g_debug ("views writer: could not lower its priority: %s", g_strerror (errno));
#endif
  pthread_mutex_lock (&writer->lock);
  for (;;)
    {
      while (writer->next == NULL && !writer->quit)
        pthread_cond_wait (&writer->cond, &writer->lock);
      if (writer->next == NULL)
        break;
      job = g_steal_pointer (&writer->next);
      pthread_mutex_unlock (&writer->lock);
      run_job (job);
      job_free (job);
      pthread_mutex_lock (&writer->lock);
    }
  pthread_mutex_unlock (&writer->lock);
  return NULL;
}

GrokViewsWriter *
grok_views_writer_new (void)
{
  GrokViewsWriter *writer = g_new0 (GrokViewsWriter, 1);

  pthread_mutex_init (&writer->lock, NULL);
  pthread_cond_init (&writer->cond, NULL);
  return writer;
}

void
grok_views_writer_push (GrokViewsWriter *writer, const GrokViewSettings *settings,
                        const GrokParams *params, gint64 step, const GrokFileAt *views,
                        const GrokFileAt *checkpoint)
{
  Job *job;
  Job *dropped;

  g_return_if_fail (writer != NULL && settings != NULL && params != NULL && views != NULL &&
                    checkpoint != NULL);
  job = g_new0 (Job, 1);
  job->settings = *settings;
  job->params = grok_params_copy_values (params);
  job->step = step;
  /* the job may outlive the caller's descriptors only if it owns copies of them */
  job->views_fd = fcntl (views->dfd, F_DUPFD_CLOEXEC, 0);
  job->name = g_strdup (views->name);
  job->shown = g_strdup (views->shown);
  job->checkpoints_fd = fcntl (checkpoint->dfd, F_DUPFD_CLOEXEC, 0);
  job->checkpoint_name = g_strdup (checkpoint->name);
  pthread_mutex_lock (&writer->lock);
  dropped = writer->next;
  writer->next = job;
  if (writer->thread == NULL)
    writer->thread = g_thread_new ("grok-views", worker, writer);
  pthread_cond_signal (&writer->cond);
  pthread_mutex_unlock (&writer->lock);
  job_free (dropped);
}

void
grok_views_writer_finish (GrokViewsWriter *writer, gboolean skip_pending)
{
  Job *dropped = NULL;
  GThread *thread;

  g_return_if_fail (writer != NULL);
  pthread_mutex_lock (&writer->lock);
  if (skip_pending)
    dropped = g_steal_pointer (&writer->next);
  writer->quit = TRUE;
  thread = g_steal_pointer (&writer->thread);
  pthread_cond_signal (&writer->cond);
  pthread_mutex_unlock (&writer->lock);
  job_free (dropped);
  if (thread != NULL)
    g_thread_join (thread);
  pthread_mutex_lock (&writer->lock);
  writer->quit = FALSE;
  pthread_mutex_unlock (&writer->lock);
}

void
grok_views_writer_free (GrokViewsWriter *writer)
{
  if (writer == NULL)
    return;
  grok_views_writer_finish (writer, TRUE);
  pthread_mutex_destroy (&writer->lock);
  pthread_cond_destroy (&writer->cond);
  g_free (writer);
}
