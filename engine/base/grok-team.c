/* A team of sleeping threads that share the tasks of one call: see grok-team.h. Plain pthread
 * locks and condition variables, which ThreadSanitizer sees. */
#include "grok-team.h"

#include <pthread.h>

struct GrokTeam
{
  int              threads;
  pthread_t       *members;   /* threads - 1 of them; member m is members[m - 1] */
  pthread_mutex_t  lock;
  pthread_cond_t   wake;      /* a new call, or quit */
  pthread_cond_t   done;      /* the call's last task returned */
  guint64          call;      /* counts calls, so that a member knows a new one */
  gboolean         quit;
  /* the call in progress */
  GrokTeamFunc     func;
  gpointer         data;
  int              n_tasks;
  int              next;      /* the next task to hand out */
  int              finished;
};

typedef struct
{
  GrokTeam *team;
  int       member;
} MemberStart;

/* takes tasks of the current call until none is left; called and returns with the lock held */
static void
take_tasks (GrokTeam *team, int member)
{
  while (team->next < team->n_tasks)
    {
      int task = team->next++;
      GrokTeamFunc func = team->func;
      gpointer data = team->data;

      pthread_mutex_unlock (&team->lock);
      func (data, task, member);
      pthread_mutex_lock (&team->lock);
      if (++team->finished == team->n_tasks)
        pthread_cond_broadcast (&team->done);
    }
}

static void *
member_main (gpointer p)
{
  MemberStart *start = p;
  GrokTeam *team = start->team;
  int member = start->member;
  guint64 seen = 0;

  g_free (start);
  pthread_mutex_lock (&team->lock);
  for (;;)
    {
      while (!team->quit && team->call == seen)
        pthread_cond_wait (&team->wake, &team->lock);
      if (team->quit)
        break;
      seen = team->call;
      take_tasks (team, member);
    }
  pthread_mutex_unlock (&team->lock);
  return NULL;
}

GrokTeam *
grok_team_new (int threads)
{
  GrokTeam *team;

  if (threads <= 1)
    return NULL;
  team = g_new0 (GrokTeam, 1);
  pthread_mutex_init (&team->lock, NULL);
  pthread_cond_init (&team->wake, NULL);
  pthread_cond_init (&team->done, NULL);
  team->members = g_new0 (pthread_t, threads - 1);
  team->threads = 1;
  for (int m = 1; m < threads; m++)
    {
      MemberStart *start = g_new (MemberStart, 1);

      *start = (MemberStart) { team, m };
      /* a team with fewer members than asked for still runs every task, only on fewer threads */
      if (pthread_create (&team->members[m - 1], NULL, member_main, start) != 0)
        {
          g_free (start);
          break;
        }
      team->threads++;
    }
  return team;
}

void
grok_team_free (GrokTeam *team)
{
  if (team == NULL)
    return;
  pthread_mutex_lock (&team->lock);
  team->quit = TRUE;
  pthread_cond_broadcast (&team->wake);
  pthread_mutex_unlock (&team->lock);
  for (int m = 1; m < team->threads; m++)
    pthread_join (team->members[m - 1], NULL);
  pthread_cond_destroy (&team->done);
  pthread_cond_destroy (&team->wake);
  pthread_mutex_destroy (&team->lock);
  g_free (team->members);
  g_free (team);
}

int
grok_team_threads (const GrokTeam *team)
{
  return team != NULL ? team->threads : 1;
}

void
grok_team_run (GrokTeam *team, int n_tasks, GrokTeamFunc func, gpointer data)
{
  if (team == NULL || team->threads == 1 || n_tasks <= 1)
    {
      for (int task = 0; task < n_tasks; task++)
        func (data, task, 0);
      return;
    }
  pthread_mutex_lock (&team->lock);
  team->func = func;
  team->data = data;
  team->n_tasks = n_tasks;
  team->next = 0;
  team->finished = 0;
  team->call++;
  pthread_cond_broadcast (&team->wake);
  take_tasks (team, 0);
  while (team->finished < team->n_tasks)
    pthread_cond_wait (&team->done, &team->lock);
  pthread_mutex_unlock (&team->lock);
}
