/* The search for the coarse-grained complexity: the smallest bzip2 size over the feasible
 * (Delta, tau). tau acts only through the rank profile it gives (the k of every matrix; the
 * profiles cut [0, 1] into intervals), so the search works on profiles. For each it finds the
 * feasibility frontier in Delta, the largest feasible Delta (coarser bins cost more loss, and
 * the size falls as Delta grows, so a profile's best point is on its frontier), with loss
 * evaluations only, and compresses that one point. It scans tau from 1 down to 0, each
 * frontier started from the ones found beside it, then halves the tau intervals on either side
 * of the best profile until no other profile lies between. Last it walks across the frontiers
 * of the two best profiles, compressing every feasible point met: feasibility need not be
 * monotone past a frontier (which weights round up or down changes at once, and a small net
 * has few weights to average it out), nor the size just below it (bzip2 on a small stream).
 *
 * Two frontiers advance at once in lock step, and compressions run behind them on the
 * engine's pool (grok-team.h), as many at a time as there are buffer sets (n_workers). Every decision reads results in a fixed order after waiting for them, and the loss
 * is the same on every worker, so the answer does not depend on the number of threads. */
#include "grok-complexity.h"
#include "grok-complexity-private.h"

#include "grok-error.h"
#include "grok-team.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

/* frontiers advancing at once: fixed, so the path of the search does not depend on threads */
#define WIDTH 2

/* a frontier whose feasible end has used this share of epsilon is close enough: with the
 * excess loss growing like Delta^2 the remaining distance is log10(1 / 0.98) / 2 = 0.0044
 * decades, below the default resolution */
#define FRONTIER_CLOSE 0.98

/* loss evaluations one frontier may spend: a safety net, never reached on smooth losses */
#define FRONTIER_MAX_STEPS 16

/* the largest step up from a feasible point, in decades: past it the loss of a trained
 * network is mostly far out of range */
#define MAX_UP_STEP 0.5

/* rounds of halving the tau intervals beside the best profile, counting only those with no
 * new profile: a bound for intervals that never close */
#define MAX_EMPTY_ROUNDS 40

/* A walk across a frontier starts WALK_BELOW steps of WALK_STEP decades (a quarter of the
 * spacing of a 40-point grid over three decades) below it, steps half that across it, then
 * WALK_STEP at a time, and stops at the coarsest Delta, after WALK_OUT points in a row whose
 * loss exceeds the limit by more than epsilon (past a trained net's frontier the loss soon
 * climbs away), or after WALK_MAX_STEPS. Where the loss hovers about the limit, feasible
 * points come and go from one Delta to the next. */
#define WALK_STEP      0.02
#define WALK_BELOW     3
#define WALK_OUT       3
#define WALK_MAX_STEPS 24

void
grok_complexity_options_init (GrokComplexityOptions *opts)
{
  g_return_if_fail (opts != NULL);
  opts->min_log_delta = -3.0;
  opts->max_log_delta = 0.0;
  opts->resolution = 0.005;
  opts->tau_step = 0.05;
  opts->refine_rounds = 8;
  opts->n_workers = GROK_COMPLEXITY_MAX_WORKERS;
}

void
grok_complexity_result_free (GrokComplexityResult *result)
{
  if (result == NULL)
    return;
  grok_params_unref (result->coarse);
  g_free (result);
}

typedef enum
{
  JOB_LOSS,
  JOB_SIZE
} JobKind;

/* one coarse-graining to evaluate or compress, on whichever worker is free */
typedef struct
{
  JobKind       kind;
  double        x, tau;     /* x = log10 Delta */
  double        value;      /* the loss or the size; NAN when cancelled */
  double        loss;       /* a compression's: the loss at its point, known feasible */
  gpointer      search;
  GrokTeamCall  call;       /* on the engine's pool, until waited for */
  gboolean      deferred;   /* a pool worker found every buffer set taken and left the job
                             * to the search's own thread */
} Job;

typedef struct
{
  GrokGrainer *grainer;  /* buffers of its own, the factors shared */
  int          index;
} Worker;

/* One evaluated point: x = log10 Delta, the loss, and the loss minus the limit
 * L(theta) + epsilon (+Inf when the loss is not finite): feasible when gap <= 0. */
typedef struct
{
  double x, loss, gap;
} Point;

/* a rank profile, visited at the taus in [tau_lo, tau_hi] (all coarse-grain alike) and
 * evaluated at tau; and its frontier search */
typedef struct
{
  double   tau, tau_lo, tau_hi;
  char    *profile;
  Point    lo[2], hi[2];  /* the largest feasible x first, the smallest infeasible x first */
  int      n_lo, n_hi, steps;
  double   last_width;    /* the bracket when the last point inside it was chosen */
  gboolean walk;          /* a walk across the frontier at origin, not a search */
  double   origin;
  int      out;           /* the walk's points in a row far out of range */
  gboolean done;
  Job     *pending;       /* the loss in flight */
  Job     *size;          /* the compression at lo[0]; NULL when nothing was feasible, and for
                           * a walk (its compressions are only in Search.sizes) */
} Frontier;

typedef struct
{
  GrokLossFunc          loss;
  gpointer              user_data;
  double                base;       /* L(theta) */
  double                epsilon;
  GrokComplexityOptions opts;
  GCancellable         *cancellable;
  gboolean              cancelled;
  GrokComplexityResult *result;
  Worker                workers[GROK_COMPLEXITY_MAX_WORKERS];
  GrokTeam             *team;       /* NULL with one worker: jobs run as they are submitted */
  /* the workers free to take a job; pthread's lock, which ThreadSanitizer sees hand a
   * worker's buffers from one thread to the next */
  pthread_mutex_t       idle_lock;
  pthread_cond_t        idle_cond;
  Worker               *idle[GROK_COMPLEXITY_MAX_WORKERS];
  int                   n_idle;
  GPtrArray            *jobs;       /* every job submitted, owned */
  GPtrArray            *sizes;      /* the compressions, in the order submitted */
  GPtrArray            *visits;     /* Frontier *, by tau, descending, owned */
} Search;

static void
job_run (Search *s, Worker *w, Job *job)
{
  job->value = NAN;
  if (g_cancellable_is_cancelled (s->cancellable))
    return;
  grok_grainer_run (w->grainer, pow (10.0, job->x), job->tau);
  if (job->kind == JOB_LOSS)
    job->value = s->loss (w->grainer->coarse, w->index, s->user_data);
  else
    job->value = (double) grok_grainer_compress (w->grainer);
}

/* a job on the engine's pool, or on the search's own thread (member 0) when it waits for the
 * job before a pool worker took it: take a free worker (a buffer set), run, hand it back. Each
 * job is a call of its own, so more pool workers than buffer sets can hold jobs at once; a
 * pool worker that finds every set taken leaves the job to the search's thread rather than
 * sleep on it, and goes back to the pool, where training may want it. */
static void
job_task (gpointer data, int task, int member)
{
  Job *job = data;
  Search *s = job->search;
  Worker *w;

  pthread_mutex_lock (&s->idle_lock);
  if (member != 0 && s->n_idle == 0)
    {
      job->deferred = TRUE;
      pthread_mutex_unlock (&s->idle_lock);
      return;
    }
  while (s->n_idle == 0)
    pthread_cond_wait (&s->idle_cond, &s->idle_lock);
  w = s->idle[--s->n_idle];
  pthread_mutex_unlock (&s->idle_lock);
  job_run (s, w, job);
  pthread_mutex_lock (&s->idle_lock);
  s->idle[s->n_idle++] = w;
  pthread_cond_signal (&s->idle_cond);
  pthread_mutex_unlock (&s->idle_lock);
}

static Job *
job_submit (Search *s, JobKind kind, double x, double tau, double loss)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->x = x;
  job->tau = tau;
  job->loss = loss;
  g_ptr_array_add (s->jobs, job);
  if (kind == JOB_SIZE)
    g_ptr_array_add (s->sizes, job);
  if (kind == JOB_LOSS)
    s->result->n_loss_evals++;
  else
    s->result->n_compressions++;
  g_debug ("complexity: %s at log10 Delta %.4f, tau %.4f", kind == JOB_LOSS ? "loss" : "size",
           x, tau);
  job->search = s;
  if (s->team == NULL)
    job_run (s, &s->workers[0], job);
  else
    grok_team_post (s->team, &job->call, 1, job_task, job);
  return job;
}

/* joins the job on the pool, and runs it here if a pool worker left it */
static void
job_end (Job *job)
{
  grok_team_join (&job->call);
  if (job->deferred)
    {
      job->deferred = FALSE;
      job_task (job, 0, 0);
    }
}

static double
job_wait (Search *s, Job *job)
{
  job_end (job);
  if (g_cancellable_is_cancelled (s->cancellable))
    s->cancelled = TRUE;
  return job->value;
}

static Point
job_point (Search *s, Job *job)
{
  Point p = { job->x, job_wait (s, job), INFINITY };

  if (isfinite (p.loss))
    p.gap = p.loss - (s->base + s->epsilon);
  return p;
}

/* log of the excess loss L(theta') - L(theta), floored so a coarse-graining that happens not
 * to raise the loss still gives a usable number */
static double
log_excess (const Search *s, const Point *p)
{
  double floor = 1e-3 * MAX (s->epsilon, 1e-12);
  return log (MAX (p->gap + s->epsilon, floor));
}

/* the slope of log excess loss per decade of Delta between two points, or the slope of an
 * excess growing like Delta^2 when there is only one; never below a tenth of a decade per
 * decade, so a flat stretch is left in large steps */
static double
excess_slope (const Search *s, const Point *a, const Point *b)
{
  double slope = 2.0 * G_LN10;

  if (b != NULL && isfinite (a->gap) && isfinite (b->gap) && a->x != b->x)
    slope = (log_excess (s, a) - log_excess (s, b)) / (a->x - b->x);
  return MAX (slope, 0.1 * G_LN10);
}

/* With points on one side of the frontier only, extrapolate the log excess loss to log
 * epsilon along the slope of the last two, overshooting by 20% so the next point tends to
 * cross; at least two resolutions, at most MAX_UP_STEP up. */
static double
frontier_extrapolate (const Search *s, const Frontier *f)
{
  const GrokComplexityOptions *o = &s->opts;
  double target = log (MAX (s->epsilon, 1e-12)), step;

  if (f->n_hi == 0)
    {
      step = 1.2 * (target - log_excess (s, &f->lo[0])) /
             excess_slope (s, &f->lo[0], f->n_lo > 1 ? &f->lo[1] : NULL);
      return MIN (f->lo[0].x + CLAMP (step, 2.0 * o->resolution, MAX_UP_STEP), o->max_log_delta);
    }
  if (!isfinite (f->hi[0].gap))
    return MAX (f->hi[0].x - MAX_UP_STEP, o->min_log_delta);
  step = 1.2 * (log_excess (s, &f->hi[0]) - target) /
         excess_slope (s, &f->hi[0], f->n_hi > 1 ? &f->hi[1] : NULL);
  return MAX (f->hi[0].x - CLAMP (step, 2.0 * o->resolution, 1.0), o->min_log_delta);
}

/* the k-th point of a walk */
static double
walk_x (const Frontier *f, int k)
{
  return f->origin + WALK_STEP * (k < WALK_BELOW ? k - WALK_BELOW
                                  : k == WALK_BELOW ? 0.5 : k - WALK_BELOW);
}

/* The next x of a frontier. Inside a bracket it interpolates the log excess loss between the
 * ends, staying a tenth of the bracket away from either, and bisects instead when the last
 * choice did not halve the bracket (so it takes at most two steps per halving), when the
 * infeasible end is not finite or the feasible end did not raise the loss (no log to take). */
static double
frontier_next (const Search *s, Frontier *f)
{
  double target = log (MAX (s->epsilon, 1e-12)), w, x, lo_e, hi_e;
  gboolean bisect;

  if (f->walk)
    return walk_x (f, f->steps);
  if (f->n_lo == 0 || f->n_hi == 0)
    return frontier_extrapolate (s, f);
  w = f->hi[0].x - f->lo[0].x;
  bisect = !isfinite (f->hi[0].gap) || f->lo[0].gap + s->epsilon <= 0.0 ||
           (f->last_width > 0.0 && w > 0.5 * f->last_width);
  f->last_width = w;
  if (bisect)
    return f->lo[0].x + 0.5 * w;
  lo_e = log_excess (s, &f->lo[0]);
  hi_e = log_excess (s, &f->hi[0]);
  x = f->lo[0].x + w * (target - lo_e) / (hi_e - lo_e);
  if (!isfinite (x))
    x = f->lo[0].x + 0.5 * w;
  return CLAMP (x, f->lo[0].x + 0.1 * w, f->hi[0].x - 0.1 * w);
}

/* a walk compresses each feasible point it meets at once (its origin is compressed already) */
static void
frontier_add (Search *s, Frontier *f, Point p)
{
  if (f->walk && p.x > f->origin)
    f->out = p.gap > s->epsilon ? f->out + 1 : 0;
  if (f->walk && p.gap <= 0.0)
    job_submit (s, JOB_SIZE, p.x, f->tau, p.loss);
  if (p.gap <= 0.0 && (f->n_lo == 0 || p.x > f->lo[0].x))
    f->lo[1] = f->lo[0], f->lo[0] = p, f->n_lo++;
  else if (p.gap > 0.0 && (f->n_hi == 0 || p.x < f->hi[0].x))
    f->hi[1] = f->hi[0], f->hi[0] = p, f->n_hi++;
  f->steps++;
}

/* done when the feasible end is the coarsest Delta allowed, has used most of epsilon, or is
 * within the resolution of the infeasible end; or when even the finest Delta is infeasible */
static gboolean
frontier_final (const Search *s, const Frontier *f)
{
  const GrokComplexityOptions *o = &s->opts;

  if (f->walk)
    return f->out >= WALK_OUT || f->steps >= WALK_MAX_STEPS ||
           walk_x (f, f->steps) > o->max_log_delta;
  if (f->steps >= FRONTIER_MAX_STEPS)
    return TRUE;
  if (f->n_lo == 0)
    return f->hi[0].x <= o->min_log_delta;
  return f->lo[0].x >= o->max_log_delta ||
         (f->n_hi > 0 && f->hi[0].x - f->lo[0].x <= o->resolution) ||
         (s->epsilon > 0.0 && f->lo[0].gap >= -(1.0 - FRONTIER_CLOSE) * s->epsilon);
}

static Frontier *
frontier_new (double tau, char *profile)
{
  Frontier *f = g_new0 (Frontier, 1);

  f->tau = f->tau_lo = f->tau_hi = tau;
  f->profile = profile;
  return f;
}

static void
frontier_free (gpointer data)
{
  Frontier *f = data;

  g_free (f->profile);
  g_free (f);
}

/* the first x of a frontier, from the finished frontiers nearest in tau on either side (the
 * frontier moves to coarser Delta as tau grows): between theirs, in proportion to tau; at the
 * finest Delta below a profile with no feasible Delta; mid-box with nothing to go by */
static double
search_guess (const Search *s, const Frontier *f)
{
  const GrokComplexityOptions *o = &s->opts;
  const Frontier *above = NULL, *below = NULL;

  for (guint i = 0; i < s->visits->len; i++)
    {
      const Frontier *v = g_ptr_array_index (s->visits, i);
      if (!v->done)
        continue;
      if (v->tau_lo > f->tau_hi && (above == NULL || v->tau_lo < above->tau_lo))
        above = v;
      if (v->tau_hi < f->tau_lo && (below == NULL || v->tau_hi > below->tau_hi))
        below = v;
    }
  if (above != NULL && above->n_lo == 0)
    return o->min_log_delta;
  if (above != NULL && below != NULL && below->n_lo > 0)
    return below->lo[0].x + (above->lo[0].x - below->lo[0].x) *
                            (f->tau - below->tau_hi) / (above->tau_lo - below->tau_hi);
  if (above != NULL)
    return above->lo[0].x;
  if (below != NULL && below->n_lo > 0)
    return below->lo[0].x;
  return 0.5 * (o->min_log_delta + o->max_log_delta);
}

/* the frontier's feasible end is final: compress it, behind the searches still running */
static void
frontier_finish (Search *s, Frontier *f)
{
  f->done = TRUE;
  if (f->n_lo > 0 && !f->walk)
    f->size = job_submit (s, JOB_SIZE, f->lo[0].x, f->tau, f->lo[0].loss);
}

/* Advance the frontiers of todo, in its order, WIDTH at a time in lock step: each round
 * submits the next loss of every active frontier, then reads them all in slot order. A
 * frontier starts when a slot frees, from the frontiers finished by then. */
static void
search_frontiers (Search *s, GPtrArray *todo)
{
  Frontier *active[WIDTH] = { NULL };
  guint next = 0;

  while (!s->cancelled)
    {
      gboolean any = FALSE;

      for (int i = 0; i < WIDTH; i++)
        {
          double x;
          if (active[i] == NULL && next < todo->len)
            {
              active[i] = g_ptr_array_index (todo, next++);
              x = active[i]->walk ? frontier_next (s, active[i]) : search_guess (s, active[i]);
            }
          else if (active[i] != NULL)
            x = frontier_next (s, active[i]);
          else
            continue;
          active[i]->pending = job_submit (s, JOB_LOSS, x, active[i]->tau, NAN);
          any = TRUE;
        }
      if (!any)
        break;
      for (int i = 0; i < WIDTH; i++)
        if (active[i] != NULL)
          {
            frontier_add (s, active[i], job_point (s, active[i]->pending));
            if (frontier_final (s, active[i]))
              frontier_finish (s, active[i]), active[i] = NULL;
          }
    }
}

/* the finished visit with the smallest size (the first on ties), reading every compression
 * in tau order; G_MAXUINT when nothing was feasible */
static guint
search_best_visit (Search *s)
{
  guint best = G_MAXUINT;
  double best_size = INFINITY;

  for (guint i = 0; i < s->visits->len; i++)
    {
      Frontier *v = g_ptr_array_index (s->visits, i);
      double size;

      if (v->size == NULL)
        continue;
      size = job_wait (s, v->size);
      if (size < best_size)
        best = i, best_size = size;
    }
  return best;
}

/* Scan tau from 1 down to 0 in steps of tau_step; neighbouring taus with one profile make one
 * visit. */
static void
search_scan (Search *s, GrokGrainer *g)
{
  g_autoptr (GPtrArray) todo = g_ptr_array_new ();
  int n = (int) ceil (1.0 / s->opts.tau_step - 1e-9);

  for (int i = 0; i <= n; i++)
    {
      double tau = MAX (1.0 - i * s->opts.tau_step, 0.0);
      char *profile = grok_grainer_profile (g, tau);
      Frontier *last = todo->len ? g_ptr_array_index (todo, todo->len - 1) : NULL;

      if (last != NULL && strcmp (last->profile, profile) == 0)
        {
          last->tau_lo = tau;
          g_free (profile);
          continue;
        }
      last = frontier_new (tau, profile);
      g_ptr_array_add (todo, last);
      g_ptr_array_add (s->visits, last);
    }
  search_frontiers (s, todo);
}

static void
visit_extend (Frontier *v, double tau)
{
  v->tau_lo = MIN (v->tau_lo, tau);
  v->tau_hi = MAX (v->tau_hi, tau);
}

/* The tau halfway between the best visit and its neighbour on one side (0: towards 1): a new
 * visit, added to todo, when its profile is new; else it widens the visit whose profile it
 * has. FALSE when there is no neighbour or no gap left on that side. */
static gboolean
search_split (Search *s, GrokGrainer *g, Frontier *best, int side, GPtrArray *todo)
{
  guint b;
  Frontier *nb, *f;
  double edge, tau;
  char *profile;

  g_ptr_array_find (s->visits, best, &b);
  if ((side == 0 && b == 0) || (side == 1 && b + 1 >= s->visits->len))
    return FALSE;
  nb = g_ptr_array_index (s->visits, side == 0 ? b - 1 : b + 1);
  edge = side == 0 ? best->tau_hi : best->tau_lo;
  tau = 0.5 * (edge + (side == 0 ? nb->tau_lo : nb->tau_hi));
  if (tau == edge || tau == (side == 0 ? nb->tau_lo : nb->tau_hi))
    return FALSE;
  profile = grok_grainer_profile (g, tau);
  if (strcmp (profile, best->profile) == 0)
    visit_extend (best, tau);
  else if (strcmp (profile, nb->profile) == 0)
    visit_extend (nb, tau);
  else
    {
      f = frontier_new (tau, g_steal_pointer (&profile));
      g_ptr_array_insert (s->visits, side == 0 ? (int) b : (int) b + 1, f);
      g_ptr_array_add (todo, f);
    }
  g_free (profile);
  return TRUE;
}

/* Halve the tau intervals on both sides of the best visit until no profile lies between it
 * and its neighbours, or refine_rounds rounds found new profiles. The two new frontiers of a
 * round advance together. */
static void
search_refine (Search *s, GrokGrainer *g)
{
  int rounds = 0, empty = 0;

  while (rounds < s->opts.refine_rounds && empty < MAX_EMPTY_ROUNDS && !s->cancelled)
    {
      g_autoptr (GPtrArray) todo = g_ptr_array_new ();
      guint b = search_best_visit (s);
      Frontier *best;
      gboolean open = FALSE;

      if (b == G_MAXUINT)
        return;
      /* by pointer: the split above moves the best visit down the array */
      best = g_ptr_array_index (s->visits, b);
      for (int side = 0; side < 2; side++)
        open |= search_split (s, g, best, side, todo);
      if (!open)
        return;
      if (todo->len == 0)
        {
          empty++;
          continue;
        }
      rounds++;
      search_frontiers (s, todo);
    }
}

/* a walk across a visit's frontier, as a frontier of its own (not a visit), starting inside
 * the box */
static Frontier *
walk_new (const Search *s, const Frontier *v)
{
  Frontier *w = frontier_new (v->tau, g_strdup (v->profile));

  w->walk = TRUE;
  w->origin = v->lo[0].x;
  w->lo[0] = v->lo[0];
  w->n_lo = 1;
  while (walk_x (w, w->steps) < s->opts.min_log_delta)
    w->steps++;
  return w;
}

/* the two visits with the smallest sizes (the first on ties), in that order */
static void
search_two_best (Search *s, Frontier *two[2])
{
  double size[2] = { INFINITY, INFINITY };

  two[0] = two[1] = NULL;
  for (guint i = 0; i < s->visits->len; i++)
    {
      Frontier *v = g_ptr_array_index (s->visits, i);
      double bytes = v->size != NULL ? job_wait (s, v->size) : NAN;

      if (!(bytes < size[1]))
        continue;
      if (bytes < size[0])
        two[1] = two[0], size[1] = size[0], two[0] = v, size[0] = bytes;
      else
        two[1] = v, size[1] = bytes;
    }
}

/* walk across the frontiers of the two best visits together, then take the smallest size
 * compressed (the first on ties) */
static void
search_finish (Search *s, GPtrArray *walks)
{
  GrokComplexityResult *r = s->result;
  Frontier *two[2];
  const Job *winner = NULL;

  search_two_best (s, two);
  for (int i = 0; i < 2; i++)
    if (two[i] != NULL)
      g_ptr_array_add (walks, walk_new (s, two[i]));
  search_frontiers (s, walks);
  for (guint i = 0; i < s->visits->len; i++)
    {
      const Frontier *v = g_ptr_array_index (s->visits, i);
      g_debug ("complexity: tau %.4f to %.4f, profile %s: frontier %.4f, %g bytes", v->tau_lo,
               v->tau_hi, v->profile, v->n_lo ? v->lo[0].x : NAN,
               v->size ? job_wait (s, v->size) : NAN);
    }
  for (guint i = 0; i < s->sizes->len && !s->cancelled; i++)
    {
      const Job *size = g_ptr_array_index (s->sizes, i);
      if (!isnan (job_wait (s, (Job *) size)) && (winner == NULL || size->value < winner->value))
        winner = size;
    }
  if (winner == NULL || s->cancelled)
    return;
  r->found = TRUE;
  r->size = (gsize) winner->value;
  r->delta = pow (10.0, winner->x);
  r->tau = winner->tau;
  r->loss = winner->loss;
}

static gboolean
options_valid (const GrokComplexityOptions *o, GError **error)
{
  if (!(o->min_log_delta < o->max_log_delta) || !(o->resolution > 0.0) ||
      !(o->tau_step > 0.0 && o->tau_step <= 1.0) || o->refine_rounds < 0 ||
      o->n_workers < 1 || o->n_workers > GROK_COMPLEXITY_MAX_WORKERS)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "Complexity search: the options are out of range (Delta from 10^%g to 10^%g "
                   "must not be empty, resolution %g decades and tau step %g must be positive, "
                   "the tau step at most 1, refine rounds %d not negative, workers %d from 1 "
                   "to %d)", o->min_log_delta, o->max_log_delta, o->resolution, o->tau_step,
                   o->refine_rounds, o->n_workers, GROK_COMPLEXITY_MAX_WORKERS);
      return FALSE;
    }
  return TRUE;
}

/* the lists, and one worker per thread, each with buffers of its own; a background team on
 * the engine's pool (training's calls come first) only with two or more */
static void
search_start (Search *s, GrokGrainer *g)
{
  s->jobs = g_ptr_array_new_with_free_func (g_free);
  s->sizes = g_ptr_array_new ();
  s->visits = g_ptr_array_new_with_free_func (frontier_free);
  s->workers[0].grainer = g;
  pthread_mutex_init (&s->idle_lock, NULL);
  pthread_cond_init (&s->idle_cond, NULL);
  for (int i = 0; i < s->opts.n_workers; i++)
    {
      s->workers[i].index = i;
      if (i > 0)
        s->workers[i].grainer = grok_grainer_new_sharing (g);
      s->idle[s->n_idle++] = &s->workers[i];
    }
  if (s->opts.n_workers > 1)
    s->team = grok_team_new_background (s->opts.n_workers);
}

/* wait for every job still queued (compressions nobody read after a cancel), then free */
static void
search_clear (Search *s)
{
  for (guint i = 0; i < s->jobs->len; i++)
    job_end (g_ptr_array_index (s->jobs, i));
  grok_team_free (s->team);
  for (int i = 1; i < s->opts.n_workers; i++)
    grok_grainer_free (s->workers[i].grainer);
  pthread_cond_destroy (&s->idle_cond);
  pthread_mutex_destroy (&s->idle_lock);
  g_ptr_array_unref (s->sizes);
  g_ptr_array_unref (s->jobs);
  g_ptr_array_unref (s->visits);
}

/* L(theta), on worker 0 before any thread starts; FALSE with an error when not finite */
static gboolean
base_loss (GrokComplexityResult *result, const GrokParams *params, GrokLossFunc loss,
           gpointer user_data, GError **error)
{
  result->base_loss = loss (params, 0, user_data);
  result->n_loss_evals = 1;
  if (isfinite (result->base_loss))
    return TRUE;
  g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
               "Cannot measure complexity: the loss of the checkpoint itself is %g",
               result->base_loss);
  return FALSE;
}

GrokComplexityResult *
grok_complexity_search (const GrokParams *params, GrokLossFunc loss, gpointer user_data,
                        double epsilon, const GrokComplexityOptions *opts,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokGrainer) grainer = NULL;
  g_autoptr (GrokComplexityResult) result = NULL;
  g_autoptr (GPtrArray) walks = g_ptr_array_new_with_free_func (frontier_free);
  Search s = { 0 };

  g_return_val_if_fail (params != NULL && params->data != NULL && loss != NULL, NULL);
  g_return_val_if_fail (epsilon >= 0.0, NULL);

  if (opts != NULL)
    s.opts = *opts;
  else
    grok_complexity_options_init (&s.opts);
  if (!options_valid (&s.opts, error))
    return NULL;
  grainer = grok_grainer_new (params, error);
  if (grainer == NULL)
    return NULL;
  result = g_new0 (GrokComplexityResult, 1);
  if (!base_loss (result, params, loss, user_data, error))
    return NULL;
  s.loss = loss;
  s.user_data = user_data;
  s.base = result->base_loss;
  s.epsilon = epsilon;
  s.cancellable = cancellable;
  s.result = result;
  search_start (&s, grainer);

  search_scan (&s, grainer);
  search_refine (&s, grainer);
  search_finish (&s, walks);
  search_clear (&s);
  if (s.cancelled || g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, GROK_ERROR, GROK_ERROR_CANCELLED,
                           "The complexity search was cancelled");
      return NULL;
    }
  if (result->found)
    {
      grok_grainer_run (grainer, result->delta, result->tau);
      result->coarse = grok_params_copy (grainer->coarse);
    }
  return g_steal_pointer (&result);
}
