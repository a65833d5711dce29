/* The engine's pool of sleeping worker threads and the teams that use it: see grok-team.h.
 * Plain pthread locks and condition variables, which ThreadSanitizer sees. */
#include "grok-team.h"

#include <pthread.h>

struct GrokTeam
{
  int      threads;
  gboolean background;
};

/* the pool: one lock over its list of open calls and every call's counters */
static struct
{
  pthread_mutex_t lock;
  pthread_cond_t  wake;      /* a call was opened */
  pthread_cond_t  done;      /* some call's last task returned */
  int             workers;
  gboolean        full;      /* the system refused a thread: no more are asked for */
  int             foreground;    /* open calls of ordinary teams */
  GrokTeamCall   *head, *tail;   /* the open calls, oldest first */
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
           0, FALSE, 0, NULL, NULL };

/* takes the call off the open list; with the lock held */
static void
unlist (GrokTeamCall *call)
{
  GrokTeamCall **p = &pool.head, *prev = NULL;

  if (!call->listed)
    return;
  while (*p != call)
    {
      prev = *p;
      p = &(*p)->link;
    }
  *p = call->link;
  if (pool.tail == call)
    pool.tail = prev;
  call->link = NULL;
  call->listed = FALSE;
  if (!call->background)
    pool.foreground--;
}

/* the call a free worker joins: the oldest ordinary one, else the oldest; with the lock held */
static GrokTeamCall *
next_call (void)
{
  if (pool.foreground > 0)
    for (GrokTeamCall *call = pool.head; call != NULL; call = call->link)
      if (!call->background)
        return call;
  return pool.head;
}

/* takes the call's tasks until none is left, or, for a worker in a background call, until an
 * ordinary call waits for workers; called and returns with the lock held */
static void
take_tasks (GrokTeamCall *call, int member)
{
  while (call->next < call->n_tasks &&
         !(member != 0 && call->background && pool.foreground > 0))
    {
      int task = call->next++;
      GrokTeamFunc func = call->func;
      gpointer data = call->data;

      if (call->next == call->n_tasks)
        unlist (call);
      pthread_mutex_unlock (&pool.lock);
      func (data, task, member);
      pthread_mutex_lock (&pool.lock);
      if (++call->finished == call->n_tasks)
        pthread_cond_broadcast (&pool.done);
    }
}

static void *
worker_main (gpointer unused)
{
  pthread_mutex_lock (&pool.lock);
  for (;;)
    {
      GrokTeamCall *call;
      int member;

      while (pool.head == NULL)
        pthread_cond_wait (&pool.wake, &pool.lock);
      call = next_call ();
      member = call->joined++;
      if (call->joined == call->members)
        unlist (call);
      take_tasks (call, member);
    }
  pthread_mutex_unlock (&pool.lock);
  return NULL;
}

/* grows the pool to at least n workers, as far as the system lets it; returns the workers */
static int
pool_grow (int n)
{
  int workers;

  pthread_mutex_lock (&pool.lock);
  while (pool.workers < n && !pool.full)
    {
      pthread_t thread;
      pthread_attr_t attr;
      int failed;

      pthread_attr_init (&attr);
      pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
      failed = pthread_create (&thread, &attr, worker_main, NULL);
      pthread_attr_destroy (&attr);
      /* fewer workers than asked for still run every task, only on fewer threads */
      if (failed)
        {
          g_warning ("The engine's pool has %d worker threads of the %d asked for: the system "
                     "would start no more (error %d); work runs on fewer threads",
                     pool.workers, n, failed);
          pool.full = TRUE;
          break;
        }
      pool.workers++;
    }
  workers = pool.workers;
  pthread_mutex_unlock (&pool.lock);
  return workers;
}

int
grok_team_pool_workers (void)
{
  int workers;

  pthread_mutex_lock (&pool.lock);
  workers = pool.workers;
  pthread_mutex_unlock (&pool.lock);
  return workers;
}

GrokTeam *
grok_team_new (int threads)
{
  GrokTeam *team;

  if (threads <= 1)
    return NULL;
  team = g_new0 (GrokTeam, 1);
  team->threads = MIN (threads, pool_grow (threads - 1) + 1);
  return team;
}

GrokTeam *
grok_team_new_background (int threads)
{
  GrokTeam *team = grok_team_new (threads);

  if (team != NULL)
    team->background = TRUE;
  return team;
}

void
grok_team_free (GrokTeam *team)
{
  g_free (team);
}

int
grok_team_threads (const GrokTeam *team)
{
  return team != NULL ? team->threads : 1;
}

void
grok_team_post (GrokTeam *team, GrokTeamCall *call, int n_tasks, GrokTeamFunc func,
                gpointer data)
{
  *call = (GrokTeamCall) { func, data, MAX (n_tasks, 0), grok_team_threads (team), 0, 0, 1,
                           FALSE, team != NULL && team->background, TRUE, NULL };
  if (call->members < 2 || call->n_tasks == 0)
    return;
  pthread_mutex_lock (&pool.lock);
  call->listed = TRUE;
  if (!call->background)
    pool.foreground++;
  if (pool.tail != NULL)
    pool.tail->link = call;
  else
    pool.head = call;
  pool.tail = call;
  pthread_cond_broadcast (&pool.wake);
  pthread_mutex_unlock (&pool.lock);
}

void
grok_team_join (GrokTeamCall *call)
{
  if (!call->posted)
    return;
  call->posted = FALSE;
  if (call->members < 2)
    {
      for (int task = 0; task < call->n_tasks; task++)
        call->func (call->data, task, 0);
      return;
    }
  pthread_mutex_lock (&pool.lock);
  take_tasks (call, 0);
  while (call->finished < call->n_tasks)
    pthread_cond_wait (&pool.done, &pool.lock);
  unlist (call);
  pthread_mutex_unlock (&pool.lock);
}

void
grok_team_run (GrokTeam *team, int n_tasks, GrokTeamFunc func, gpointer data)
{
  GrokTeamCall call;

  if (team == NULL || team->threads == 1 || n_tasks <= 1)
    {
      for (int task = 0; task < n_tasks; task++)
        func (data, task, 0);
      return;
    }
  grok_team_post (team, &call, n_tasks, func, data);
  grok_team_join (&call);
}
