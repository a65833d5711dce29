/* The engine's pool and its teams: every task of a call runs once, on a member inside the
 * team; calls from two threads at once share one pool; a posted call runs on the pool while
 * its caller does other work; a call finds the pool busy and runs on its caller alone; a task
 * that splits its own work over a team finishes. Waits are for states, never for a time. */
#include "grok-team.h"

#include <pthread.h>
#include <string.h>

enum { N_TASKS = 997 };

typedef struct
{
  gint ran[N_TASKS];      /* times each task ran */
  gint member_max;        /* the largest member seen */
  gint by_caller;         /* tasks member 0 ran */
  int  threads;
} Count;

static void
count_task (gpointer data, int task, int member)
{
  Count *c = data;
  int seen;

  g_atomic_int_inc (&c->ran[task]);
  if (member == 0)
    g_atomic_int_inc (&c->by_caller);
  do
    seen = g_atomic_int_get (&c->member_max);
  while (member > seen && !g_atomic_int_compare_and_exchange (&c->member_max, seen, member));
  g_assert_cmpint (member, >=, 0);
  g_assert_cmpint (member, <, c->threads);
}

static void
check_once (Count *c, int n_tasks)
{
  for (int i = 0; i < n_tasks; i++)
    g_assert_cmpint (g_atomic_int_get (&c->ran[i]), ==, 1);
  for (int i = n_tasks; i < N_TASKS; i++)
    g_assert_cmpint (g_atomic_int_get (&c->ran[i]), ==, 0);
}

static void
test_run_once (void)
{
  for (int threads = 1; threads <= 4; threads++)
    for (int n = 0; n <= N_TASKS; n += n < 8 ? 1 : 331)
      {
        GrokTeam *team = grok_team_new (threads);
        Count c = { .threads = grok_team_threads (team) };

        g_assert_cmpint (c.threads, ==, threads);
        grok_team_run (team, n, count_task, &c);
        check_once (&c, n);
        grok_team_free (team);
      }
}

/* teams come and go (the LMN makes one per call); the pool keeps one set of workers, as many
 * as the largest team less its caller */
static void
test_one_pool (void)
{
  GrokTeam *big = grok_team_new (4);
  int workers = grok_team_pool_workers ();

  g_assert_cmpint (workers, >=, 3);
  for (int i = 0; i < 50; i++)
    {
      GrokTeam *team = grok_team_new (2 + i % 3);
      Count c = { .threads = grok_team_threads (team) };

      grok_team_run (team, 64, count_task, &c);
      check_once (&c, 64);
      grok_team_free (team);
      g_assert_cmpint (grok_team_pool_workers (), ==, workers);
    }
  grok_team_free (big);
}

static gpointer
caller_thread (gpointer data)
{
  Count *c = data;
  GrokTeam *team = grok_team_new (c->threads);

  for (int round = 0; round < 20; round++)
    {
      memset (c->ran, 0, sizeof c->ran);
      grok_team_run (team, N_TASKS, count_task, c);
      check_once (c, N_TASKS);
    }
  grok_team_free (team);
  return NULL;
}

/* two threads (training beside the measures) calling at once */
static void
test_two_callers (void)
{
  Count a = { .threads = 3 }, b = { .threads = 2 };
  GThread *ta = g_thread_new ("caller-a", caller_thread, &a);
  GThread *tb = g_thread_new ("caller-b", caller_thread, &b);

  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_cmpint (a.member_max, <, 3);
  g_assert_cmpint (b.member_max, <, 2);
}

/* a task that holds its worker until released */
typedef struct
{
  pthread_mutex_t lock;
  pthread_cond_t  cond;
  gboolean        started, released;
  int             member;
} Hold;

static void
hold_task (gpointer data, int task, int member)
{
  Hold *h = data;

  pthread_mutex_lock (&h->lock);
  h->started = TRUE;
  h->member = member;
  pthread_cond_broadcast (&h->cond);
  while (!h->released)
    pthread_cond_wait (&h->cond, &h->lock);
  pthread_mutex_unlock (&h->lock);
}

/* waits until a worker holds h's task */
static void
hold_wait_started (Hold *h)
{
  pthread_mutex_lock (&h->lock);
  while (!h->started)
    pthread_cond_wait (&h->cond, &h->lock);
  pthread_mutex_unlock (&h->lock);
}

static void
hold_release (Hold *h)
{
  pthread_mutex_lock (&h->lock);
  h->released = TRUE;
  pthread_cond_broadcast (&h->cond);
  pthread_mutex_unlock (&h->lock);
}

/* a posted call runs on a pool worker while its caller goes on; with every worker held, a
 * new call runs on its caller alone and returns */
static void
test_post_and_busy_pool (void)
{
  GrokTeam *team = grok_team_new (2);   /* first: run alone (-p), the pool starts empty */
  int workers = grok_team_pool_workers ();
  Hold *holds = g_new0 (Hold, workers);
  GrokTeamCall *calls = g_new0 (GrokTeamCall, workers);
  Count c = { .threads = 2 };

  g_assert_cmpint (workers, >=, 1);
  for (int i = 0; i < workers; i++)
    {
      pthread_mutex_init (&holds[i].lock, NULL);
      pthread_cond_init (&holds[i].cond, NULL);
      holds[i].member = -1;
      grok_team_post (team, &calls[i], 1, hold_task, &holds[i]);
    }
  /* the caller never took part, so each task started on a worker of the pool */
  for (int i = 0; i < workers; i++)
    {
      hold_wait_started (&holds[i]);
      g_assert_cmpint (holds[i].member, ==, 1);
    }
  grok_team_run (team, N_TASKS, count_task, &c);
  check_once (&c, N_TASKS);
  g_assert_cmpint (c.by_caller, ==, N_TASKS);
  for (int i = 0; i < workers; i++)
    {
      hold_release (&holds[i]);
      grok_team_join (&calls[i]);
      grok_team_join (&calls[i]);   /* a second join does nothing */
      pthread_cond_destroy (&holds[i].cond);
      pthread_mutex_destroy (&holds[i].lock);
    }
  g_free (calls);
  g_free (holds);
  grok_team_free (team);
}

/* a posted call that no worker took runs on its caller at the join; with a NULL team, only
 * there */
static void
test_join_runs_the_rest (void)
{
  GrokTeamCall call;
  Count c = { .threads = 1 };

  grok_team_post (NULL, &call, 5, count_task, &c);
  check_once (&c, 0);
  grok_team_join (&call);
  check_once (&c, 5);
  g_assert_cmpint (c.by_caller, ==, 5);
}

static void
nested_task (gpointer data, int task, int member)
{
  Count *inner = data;
  GrokTeam *team = grok_team_new (2);

  grok_team_run (team, 16, count_task, &inner[task]);
  grok_team_free (team);
}

/* tasks that split their own work over the same pool */
static void
test_nested (void)
{
  GrokTeam *team = grok_team_new (3);
  Count *inner = g_new0 (Count, 8);

  for (int i = 0; i < 8; i++)
    inner[i].threads = 2;
  grok_team_run (team, 8, nested_task, inner);
  for (int i = 0; i < 8; i++)
    check_once (&inner[i], 16);
  g_free (inner);
  grok_team_free (team);
}

/* a background call and an ordinary one with one pool worker */
typedef struct
{
  Hold     hold;      /* the worker's first background task */
  gboolean ordinary_ran;
  int      ordinary_member;
  gint     background_by_worker;
} GiveWay;

static void
background_task (gpointer data, int task, int member)
{
  GiveWay *g = data;

  if (member == 0)
    return;
  if (g_atomic_int_add (&g->background_by_worker, 1) > 0)
    return;
  /* the worker's first task: hold it until the ordinary call is open */
  hold_task (&g->hold, task, member);
}

static void
ordinary_task (gpointer data, int task, int member)
{
  GiveWay *g = data;

  pthread_mutex_lock (&g->hold.lock);
  g->ordinary_member = member;
  g->ordinary_ran = TRUE;
  pthread_cond_broadcast (&g->hold.cond);
  pthread_mutex_unlock (&g->hold.lock);
}

/* the pool's one worker, inside a background call, leaves it for an ordinary call opened
 * meanwhile, after the task it holds; the background call's caller takes the rest. Runs first,
 * while the pool has one worker. */
static void
test_background_gives_way (void)
{
  GrokTeam *background = grok_team_new_background (2), *ordinary = grok_team_new (2);
  GrokTeamCall b, o;
  GiveWay g = { .ordinary_member = -1 };

  g_assert_cmpint (grok_team_pool_workers (), ==, 1);
  pthread_mutex_init (&g.hold.lock, NULL);
  pthread_cond_init (&g.hold.cond, NULL);
  grok_team_post (background, &b, 200, background_task, &g);
  hold_wait_started (&g.hold);
  grok_team_post (ordinary, &o, 1, ordinary_task, &g);
  hold_release (&g.hold);
  pthread_mutex_lock (&g.hold.lock);
  while (!g.ordinary_ran)
    pthread_cond_wait (&g.hold.cond, &g.hold.lock);
  pthread_mutex_unlock (&g.hold.lock);
  /* the worker ran the ordinary call, having taken one background task only */
  g_assert_cmpint (g.ordinary_member, ==, 1);
  g_assert_cmpint (g_atomic_int_get (&g.background_by_worker), ==, 1);
  grok_team_join (&b);
  grok_team_join (&o);
  pthread_cond_destroy (&g.hold.cond);
  pthread_mutex_destroy (&g.hold.lock);
  grok_team_free (ordinary);
  grok_team_free (background);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/base/team/background-gives-way", test_background_gives_way);
  g_test_add_func ("/base/team/run-once", test_run_once);
  g_test_add_func ("/base/team/one-pool", test_one_pool);
  g_test_add_func ("/base/team/two-callers", test_two_callers);
  g_test_add_func ("/base/team/post-and-busy-pool", test_post_and_busy_pool);
  g_test_add_func ("/base/team/join-runs-the-rest", test_join_runs_the_rest);
  g_test_add_func ("/base/team/nested", test_nested);
  return g_test_run ();
}
