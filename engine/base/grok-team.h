/* A team of threads that share the tasks of one call, for the row blocks of a batch.
 *
 * The calling thread is the team's member 0 and takes tasks itself; the other members are
 * threads of the team's own that sleep on a condition variable between calls, so a team that
 * is idle, or whose caller waits for a member that the machine has descheduled, costs no
 * processor time (a spinning barrier on a busy machine holds the very core the other thread
 * needs). Tasks are handed out one at a time in order; which member takes which task varies
 * from call to call, so a task's result must not depend on the member, only its scratch. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct GrokTeam GrokTeam;

/* runs task `task` (0 <= task < n_tasks) on member `member` (0 <= member < threads) */
typedef void (*GrokTeamFunc) (gpointer data, int task, int member);

/* a team of `threads` members (threads - 1 of its own); NULL for 1 or fewer, which runs every
 * task on the caller */
GrokTeam *grok_team_new     (int threads);
void      grok_team_free    (GrokTeam *team);
int       grok_team_threads (const GrokTeam *team);
/* runs tasks 0 .. n_tasks - 1 over the team and returns when all have returned */
void      grok_team_run     (GrokTeam *team, int n_tasks, GrokTeamFunc func, gpointer data);

G_END_DECLS
