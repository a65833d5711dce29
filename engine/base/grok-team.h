/* The engine's threads: one pool of worker threads for the whole process, shared by every
 * call that splits work into tasks (an MLP's row blocks, the LMN's pairs, the penalty's
 * matrices, the complexity search's compressions).
 *
 * A team is a handle on the pool that says how many threads one call may use. The calling
 * thread is the call's member 0 and takes tasks itself; pool workers that are free join it as
 * members 1, 2, ... up to the team's size. The workers sleep on a condition variable when no
 * call is open, so an idle pool, or a caller waiting for a member the machine has descheduled,
 * costs no processor time (a spinning barrier on a busy machine holds the very core the other
 * thread needs). The pool has as many workers as the largest team asked for, less its caller,
 * so two calls at once (training beside the measures) share those workers instead of each
 * bringing threads of its own. Tasks are handed out one at a time in order; which member takes
 * which task varies from call to call, so a task's result must not depend on the member, only
 * its scratch. A call whose tasks nobody has joined runs them all on its caller, so a call
 * never waits for a busy pool.
 *
 * A background team's calls (the measures beside training: the LMN, the complexity search)
 * give way: a worker that finishes a task of one while a call of an ordinary team (training's
 * row blocks, its penalty) is waiting for workers leaves it for that call, and the background
 * call's caller takes what it left. So the measures use a core only while training does not
 * want it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct GrokTeam GrokTeam;

/* runs task `task` (0 <= task < n_tasks) on member `member` (0 <= member < threads) */
typedef void (*GrokTeamFunc) (gpointer data, int task, int member);

/* a call posted to the pool that its caller joins later (grok_team_post, grok_team_join):
 * work that runs while the caller does something else. Lives in the caller's own struct;
 * its fields are the pool's. */
typedef struct GrokTeamCall GrokTeamCall;
struct GrokTeamCall
{
  GrokTeamFunc  func;
  gpointer      data;
  int           n_tasks;
  int           members;   /* at most this many members, the caller's place included */
  int           next;      /* the next task to hand out */
  int           finished;
  int           joined;    /* members that have taken a place, the caller's included */
  gboolean      listed;    /* open for workers to join */
  gboolean      background;
  gboolean      posted;    /* posted and not yet joined */
  GrokTeamCall *link;      /* the next open call */
};

/* a team of `threads` members (the pool grows to threads - 1 workers if it has fewer); NULL
 * for 1 or fewer, which runs every task on the caller */
GrokTeam *grok_team_new     (int threads);
/* the same for work that gives way to the ordinary teams' calls */
GrokTeam *grok_team_new_background (int threads);
void      grok_team_free    (GrokTeam *team);
int       grok_team_threads (const GrokTeam *team);
/* runs tasks 0 .. n_tasks - 1 over the team and returns when all have returned */
void      grok_team_run     (GrokTeam *team, int n_tasks, GrokTeamFunc func, gpointer data);
/* opens tasks 0 .. n_tasks - 1 to the pool's free workers and returns at once; the caller
 * takes part when it joins. With a NULL team nothing runs before the join. */
void      grok_team_post    (GrokTeam *team, GrokTeamCall *call, int n_tasks,
                             GrokTeamFunc func, gpointer data);
/* takes, as member 0, the posted call's tasks that no worker has taken, and returns when all
 * have returned; joining a call that is not posted (or joined already) does nothing */
void      grok_team_join    (GrokTeamCall *call);
/* the pool's workers now */
int       grok_team_pool_workers (void);

G_END_DECLS
