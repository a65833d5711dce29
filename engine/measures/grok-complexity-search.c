/* The search for the coarse-grained complexity: the smallest bzip2 size over the feasible
 * (Delta, tau). It walks a grid of tau values and finds, for each, the feasibility frontier in
 * Delta with loss evaluations only (the size falls as Delta grows, so the best Delta of a tau
 * is the largest feasible one); it compresses only those frontier points, refines tau around
 * the best, and spends a few loss-only probes on the rest of the box in case the loss is not
 * monotone in Delta. */
#include "grok-complexity.h"
#include "grok-complexity-private.h"

#include "grok-error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the two fixed first probes of the reference's Bayesian optimisation */
#define PROBE1_LOG_DELTA -3.0
#define PROBE1_TAU        1.0
#define PROBE2_LOG_DELTA -2.7
#define PROBE2_TAU        0.98

/* rounds of halving the tau interval around the best tau after the grid */
#define REFINE_ROUNDS 2

static const double default_taus[] = { 1.0, 0.98, 0.95, 0.9, 0.8, 0.65, 0.5, 0.3, 0.0 };

void
grok_complexity_options_init (GrokComplexityOptions *opts)
{
  g_return_if_fail (opts != NULL);
  opts->min_log_delta = -3.0;
  opts->max_log_delta = 0.0;
  opts->resolution = 0.04;
  opts->taus = NULL;
  opts->n_taus = 0;
  opts->n_explore = 16;
}

void
grok_complexity_result_free (GrokComplexityResult *result)
{
  if (result == NULL)
    return;
  grok_params_free (result->coarse);
  g_free (result);
}

typedef struct
{
  GrokGrainer              *grainer;
  GrokLossFunc          loss;
  gpointer              user_data;
  double                base;         /* L(theta) */
  double                epsilon;
  GrokComplexityOptions opts;
  GCancellable         *cancellable;
  GrokComplexityResult *result;
  gboolean              cancelled;
} Search;

/* One evaluated point of a frontier search: x = log10 Delta, and the loss minus the limit
 * L(theta) + epsilon (+Inf when the loss is not finite): feasible when gap <= 0. */
typedef struct
{
  double x;
  double gap;
} Point;

/* a frontier whose feasible end has used this share of epsilon is close enough: with the
 * excess loss growing like Delta^2 (rounding errors are zero-mean, so the first-order term
 * averages out) the remaining distance is log10(1 / 0.85) / 2 = 0.035 decades */
#define FRONTIER_CLOSE 0.85

/* loss evaluations one frontier may spend after its start: near the coarse end the loss can
 * be rough in Delta (which weights round up or down changes a lot at once), and there further
 * steps would mostly refine noise */
#define FRONTIER_MAX_STEPS 6

/* the loss at (10^x, tau), as a gap to the limit; one loss evaluation, no compression */
static Point
search_eval (Search *s, double x, double tau)
{
  Point p = { x, INFINITY };
  double l;

  if (s->cancelled || g_cancellable_is_cancelled (s->cancellable))
    {
      s->cancelled = TRUE;
      return p;
    }
  grok_grainer_run (s->grainer, pow (10.0, x), tau);
  l = s->loss (s->grainer->coarse, s->user_data);
  s->result->n_loss_evals++;
  if (isfinite (l))
    p.gap = l - (s->base + s->epsilon);
  g_debug ("complexity: log10 Delta %.4f, tau %.4f, loss - limit %g", x, tau, p.gap);
  return p;
}

/* compress a point known to be feasible and keep it when it is the smallest so far; returns
 * its size */
static gsize
search_offer (Search *s, double log_delta, double tau)
{
  GrokComplexityResult *r = s->result;
  gsize size;

  if (s->cancelled)
    return G_MAXSIZE;
  grok_grainer_run (s->grainer, pow (10.0, log_delta), tau);
  size = grok_grainer_compress (s->grainer);
  r->n_compressions++;
  if (!r->found || size < r->size)
    {
      r->found = TRUE;
      r->size = size;
      r->delta = pow (10.0, log_delta);
      r->tau = tau;
    }
  return size;
}

/* log of the excess loss L(theta') - L(theta), floored so a coarse-graining that happens not
 * to raise the loss still gives a usable number */
static double
log_excess (const Search *s, const Point *p)
{
  double floor = 1e-3 * MAX (s->epsilon, 1e-12);
  return log (MAX (p->gap + s->epsilon, floor));
}

#define MAX_UP_STEP 0.5

/* the slope of log excess loss per decade of Delta between two points, or the slope 2 of
 * an excess growing like Delta^2 when there is only one */
static double
excess_slope (const Search *s, const Point *a, const Point *b)
{
  if (b == NULL || !isfinite (a->gap) || !isfinite (b->gap) || a->x == b->x)
    return 2.0 * G_LN10;
  return (log_excess (s, a) - log_excess (s, b)) / (a->x - b->x);
}

/* The next x to evaluate. On one side of the frontier only (lo2, hi2: the previous point on
 * that side, or NULL) it extrapolates the log excess loss to log epsilon along the slope of
 * the last two points, overshooting by 20% so the next point tends to cross the frontier;
 * when the excess barely moves with Delta (a truncation floor) it goes straight to the end of
 * the box; it never steps up by more than half a decade, past which the loss of a real
 * network is mostly far out of range. With both ends known it interpolates between them in
 * the same log space, staying 15% of the bracket away from either end so every step shrinks
 * it, and bisects when the feasible end did not raise the loss at all (no log to take). */
static double
search_next (const Search *s, const Point *lo, const Point *lo2, const Point *hi,
             const Point *hi2)
{
  double target = log (MAX (s->epsilon, 1e-12)), x, w, slope;
  const double flat = 0.1 * G_LN10;

  if (hi == NULL)
    {
      slope = excess_slope (s, lo, lo2);
      if (slope < flat)
        return MIN (lo->x + MAX_UP_STEP, s->opts.max_log_delta);
      x = lo->x + CLAMP (1.2 * (target - log_excess (s, lo)) / slope, s->opts.resolution,
                         MAX_UP_STEP);
      return MIN (x, s->opts.max_log_delta);
    }
  if (lo == NULL)
    {
      slope = excess_slope (s, hi, hi2);
      if (!isfinite (hi->gap) || slope < flat)
        return MAX (hi->x - (isfinite (hi->gap) ? 3.0 : 0.5), s->opts.min_log_delta);
      x = hi->x - MAX (1.2 * (log_excess (s, hi) - target) / slope, s->opts.resolution);
      return MAX (x, s->opts.min_log_delta);
    }
  w = hi->x - lo->x;
  if (!isfinite (hi->gap) || lo->gap + s->epsilon <= 0.0)
    return lo->x + 0.5 * w;
  x = lo->x + w * (target - log_excess (s, lo)) / (log_excess (s, hi) - log_excess (s, lo));
  if (!isfinite (x))
    x = lo->x + 0.5 * w;
  return CLAMP (x, lo->x + 0.15 * w, hi->x - 0.15 * w);
}

/* The largest feasible log10 Delta at this tau. Starts from start (a point already evaluated
 * at this tau: a probe, or a guess from a neighbouring tau) and steps with search_next,
 * keeping the best feasible point and the smallest infeasible one, until the feasible point
 * has used most of epsilon, the bracket is narrower than the resolution, or the feasible point
 * is the coarsest Delta allowed. FALSE when even the finest Delta is infeasible. */
static gboolean
search_frontier (Search *s, double tau, Point start, double *frontier)
{
  Point lo[2], hi[2], p = start;
  int n_lo = 0, n_hi = 0;

  for (int step = 0;; step++)
    {
      if (p.gap <= 0.0 && (n_lo == 0 || p.x > lo[0].x))
        lo[1] = lo[0], lo[0] = p, n_lo++;
      else if (p.gap > 0.0 && (n_hi == 0 || p.x < hi[0].x))
        hi[1] = hi[0], hi[0] = p, n_hi++;
      if (s->cancelled)
        return FALSE;
      if (n_lo > 0 && (lo[0].x >= s->opts.max_log_delta ||
                       (s->epsilon > 0.0 && lo[0].gap >= -(1.0 - FRONTIER_CLOSE) * s->epsilon) ||
                       (n_hi > 0 && hi[0].x - lo[0].x <= s->opts.resolution) ||
                       step >= FRONTIER_MAX_STEPS))
        break;
      if (n_lo == 0 && (hi[0].x <= s->opts.min_log_delta || step >= 2 * FRONTIER_MAX_STEPS))
        return FALSE;
      p = search_eval (s, search_next (s, n_lo ? &lo[0] : NULL, n_lo > 1 ? &lo[1] : NULL,
                                       n_hi ? &hi[0] : NULL, n_hi > 1 ? &hi[1] : NULL), tau);
    }
  *frontier = lo[0].x;
  return TRUE;
}

/* the k of every matrix at this tau, -1 where it is stored whole: two taus with the same
 * signature coarse-grain identically */
static char *
tau_signature (GrokGrainer *g, double tau)
{
  GString *sig = g_string_new (NULL);

  for (int i = 0; i < g->params->n_tensors; i++)
    {
      const GrokFactors *f = &g->factors[i];
      int k;

      if (f->us == NULL)
        continue;
      k = grok_complexity_rank (f->s, f->r, tau);
      if ((gint64) k * (f->m + f->n) >= (gint64) f->m * f->n)
        k = -1;
      g_string_append_printf (sig, "%d,", k);
    }
  return g_string_free (sig, FALSE);
}

/* the frontier and compressed size of each tau visited, in the order visited */
typedef struct
{
  double tau;
  double frontier;
  gsize  size;
} Visit;

/* find, compress and record the frontier of one tau, starting from an evaluated point;
 * FALSE when it has none (recorded too, with no size, as a bound for the refinement) */
static gboolean
search_visit (Search *s, GArray *visits, double tau, Point start)
{
  Visit v = { tau, NAN, G_MAXSIZE };
  gboolean found = search_frontier (s, tau, start, &v.frontier);

  if (found)
    v.size = search_offer (s, v.frontier, tau);
  g_array_append_val (visits, v);
  return found;
}

/* Walk the tau grid downwards. Each tau starts from the frontier of the one before
 * (truncating more rarely tolerates coarser bins), or from the reference's probe at that tau;
 * a tau that coarse-grains exactly like the one before is skipped. The walk goes on past one
 * tau where even the finest Delta is infeasible (a network away from a minimum of its loss
 * can do better truncated further) but stops at the second in a row; it goes on past taus
 * whose sizes grow (a matrix truncated to just below its break-even rank costs more than
 * storing it whole; the saving only comes at smaller taus). */
static void
search_grid (Search *s, GArray *visits, const Point probes[2])
{
  g_autofree char *prev_sig = NULL;
  double guess = 0.5 * (s->opts.min_log_delta + s->opts.max_log_delta);
  const double probe_taus[2] = { PROBE1_TAU, PROBE2_TAU };
  int infeasible = 0;

  for (int i = 0; i < s->opts.n_taus && !s->cancelled; i++)
    {
      double tau = s->opts.taus[i];
      char *sig = tau_signature (s->grainer, tau);
      Point start = { NAN, NAN };

      if (prev_sig != NULL && strcmp (sig, prev_sig) == 0)
        {
          g_free (sig);
          continue;
        }
      g_free (prev_sig);
      prev_sig = sig;
      for (int j = 0; j < 2; j++)
        if (tau == probe_taus[j] && isnan (start.x))
          start = probes[j];
      if (isnan (start.x))
        start = search_eval (s, guess, tau);
      if (search_visit (s, visits, tau, start))
        {
          guess = g_array_index (visits, Visit, visits->len - 1).frontier;
          infeasible = 0;
        }
      else if (++infeasible == 2)
        break;
    }
}

/* One round of refinement in tau: the midpoints between the best tau visited and the nearest
 * taus visited on either side (feasible or not), each started from the best frontier. */
static void
search_refine (Search *s, GArray *visits)
{
  Visit best = { 0 };
  double neighbours[2] = { NAN, NAN };
  g_autofree char *best_sig = NULL;

  best.size = G_MAXSIZE;
  for (guint i = 0; i < visits->len; i++)
    if (g_array_index (visits, Visit, i).size < best.size)
      best = g_array_index (visits, Visit, i);
  if (best.size == G_MAXSIZE)
    return;
  for (guint i = 0; i < visits->len; i++)
    {
      double t = g_array_index (visits, Visit, i).tau;
      if (t > best.tau && (isnan (neighbours[0]) || t < neighbours[0]))
        neighbours[0] = t;
      if (t < best.tau && (isnan (neighbours[1]) || t > neighbours[1]))
        neighbours[1] = t;
    }
  best_sig = tau_signature (s->grainer, best.tau);
  for (int i = 0; i < 2 && !s->cancelled; i++)
    {
      double tau = 0.5 * (best.tau + neighbours[i]);
      g_autofree char *sig = NULL;

      if (isnan (neighbours[i]))
        continue;
      sig = tau_signature (s->grainer, tau);
      if (strcmp (sig, best_sig) != 0)
        search_visit (s, visits, tau, search_eval (s, best.frontier, tau));
    }
}

/* the i-th element of the van der Corput sequence in this base: evenly spread in [0, 1) */
static double
halton (int i, int base)
{
  double f = 1.0, x = 0.0;

  for (; i > 0; i /= base)
    {
      f /= base;
      x += f * (i % base);
    }
  return x;
}

static int
compare_int (gconstpointer a, gconstpointer b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;
  return (x > y) - (x < y);
}

/* A stand-in for the compressed size that costs no compression: the number of stored values
 * times the empirical entropy (bits) of their bin indices, for the stored arrays of the last
 * grok_grainer_run. It ranks candidates; only bzip2 decides. */
static double
grainer_entropy_bits (const GrokGrainer *g, float delta)
{
  gsize n = g->n_stored;
  g_autofree gint32 *codes = g_new (gint32, MAX (n, 1));
  double bits = 0.0;
  gsize run = 1;

  if (n == 0)
    return 0.0;
  for (gsize i = 0; i < n; i++)
    codes[i] = (gint32) CLAMP (rintf (g->stored[i] / delta), -1e9f, 1e9f);
  qsort (codes, n, sizeof (gint32), compare_int);
  for (gsize i = 1; i <= n; i++)
    {
      if (i < n && codes[i] == codes[i - 1])
        {
          run++;
          continue;
        }
      bits += run * log2 ((double) n / run);
      run = 1;
    }
  return bits;
}

/* The frontier search trusts feasibility to be monotone in Delta, which a network that is
 * not at a minimum of its loss can break: some coarse settings lower the loss. So spread
 * n_explore loss-only points over the box (a Halton sequence in log Delta and tau); rank the
 * feasible ones by their entropy estimate, and push the two best that could beat the best so
 * far to their own frontier before compressing them. */
static void
search_explore (Search *s, GArray *visits)
{
  GrokComplexityResult *r = s->result;
  double best_bits = INFINITY, cand_bits[2] = { INFINITY, INFINITY };
  Point cand[2];
  double cand_tau[2] = { 0, 0 };

  if (r->found)
    {
      grok_grainer_run (s->grainer, r->delta, r->tau);
      best_bits = grainer_entropy_bits (s->grainer, (float) r->delta);
    }
  for (int i = 1; i <= s->opts.n_explore && !s->cancelled; i++)
    {
      double x = s->opts.min_log_delta +
                 (s->opts.max_log_delta - s->opts.min_log_delta) * halton (i, 2);
      double tau = halton (i, 3), bits;
      Point p = search_eval (s, x, tau);

      if (p.gap > 0.0)
        continue;
      bits = grainer_entropy_bits (s->grainer, (float) pow (10.0, x));
      if (bits >= 1.05 * best_bits)
        continue;
      for (int j = 0; j < 2; j++)
        if (bits < cand_bits[j])
          {
            if (j == 0)
              cand[1] = cand[0], cand_bits[1] = cand_bits[0], cand_tau[1] = cand_tau[0];
            cand[j] = p, cand_bits[j] = bits, cand_tau[j] = tau;
            break;
          }
    }
  for (int j = 0; j < 2 && !s->cancelled; j++)
    if (isfinite (cand_bits[j]))
      search_visit (s, visits, cand_tau[j], cand[j]);
}

/* the probes of the reference, when nothing else was feasible */
static void
search_offer_probes (Search *s, const Point probes[2])
{
  if (s->result->found)
    return;
  if (probes[0].gap <= 0.0)
    search_offer (s, probes[0].x, PROBE1_TAU);
  if (probes[1].gap <= 0.0)
    search_offer (s, probes[1].x, PROBE2_TAU);
}

static gboolean
search_finish (Search *s, GError **error)
{
  GrokComplexityResult *r = s->result;

  if (s->cancelled)
    {
      g_set_error_literal (error, GROK_ERROR, GROK_ERROR_CANCELLED,
                           "The complexity search was cancelled");
      return FALSE;
    }
  if (!r->found)
    return TRUE;
  grok_grainer_run (s->grainer, r->delta, r->tau);
  r->coarse = grok_params_copy (s->grainer->coarse);
  r->loss = s->loss (r->coarse, s->user_data);
  r->n_loss_evals++;
  return TRUE;
}

static gboolean
options_valid (const GrokComplexityOptions *opts, GError **error)
{
  if (!(opts->min_log_delta < opts->max_log_delta) || !(opts->resolution > 0.0))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "Complexity search: the Delta range 10^%g to 10^%g with resolution %g "
                   "decades is empty", opts->min_log_delta, opts->max_log_delta,
                   opts->resolution);
      return FALSE;
    }
  if (opts->n_taus < 1)
    {
      g_set_error_literal (error, GROK_ERROR, GROK_ERROR_CONFIG,
                           "Complexity search: the tau grid is empty");
      return FALSE;
    }
  for (int i = 0; i < opts->n_taus; i++)
    if (!(opts->taus[i] >= 0.0 && opts->taus[i] <= 1.0) ||
        (i > 0 && !(opts->taus[i] < opts->taus[i - 1])))
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                     "Complexity search: tau %d (%g) must lie in [0, 1] and below the one "
                     "before it", i, opts->taus[i]);
        return FALSE;
      }
  return TRUE;
}

GrokComplexityResult *
grok_complexity_search (const GrokParams *params, GrokLossFunc loss, gpointer user_data,
                        double epsilon, const GrokComplexityOptions *opts,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (GrokGrainer) grainer = NULL;
  g_autoptr (GrokComplexityResult) result = NULL;
  g_autoptr (GArray) visits = g_array_new (FALSE, FALSE, sizeof (Visit));
  Search s = { 0 };
  Point probes[2];

  g_return_val_if_fail (params != NULL && params->data != NULL && loss != NULL, NULL);
  g_return_val_if_fail (epsilon >= 0.0, NULL);

  if (opts != NULL)
    s.opts = *opts;
  else
    grok_complexity_options_init (&s.opts);
  if (s.opts.taus == NULL)
    {
      s.opts.taus = default_taus;
      s.opts.n_taus = G_N_ELEMENTS (default_taus);
    }
  if (!options_valid (&s.opts, error))
    return NULL;
  grainer = grok_grainer_new (params, error);
  if (grainer == NULL)
    return NULL;
  result = g_new0 (GrokComplexityResult, 1);
  s.grainer = grainer;
  s.loss = loss;
  s.user_data = user_data;
  s.cancellable = cancellable;
  s.result = result;

  result->base_loss = loss (params, user_data);
  result->n_loss_evals = 1;
  if (!isfinite (result->base_loss))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                   "Cannot measure complexity: the loss of the checkpoint itself is %g",
                   result->base_loss);
      return NULL;
    }
  s.base = result->base_loss;
  s.epsilon = epsilon;

  probes[0] = search_eval (&s, PROBE1_LOG_DELTA, PROBE1_TAU);
  probes[1] = search_eval (&s, PROBE2_LOG_DELTA, PROBE2_TAU);
  search_grid (&s, visits, probes);
  for (int round = 0; round < REFINE_ROUNDS; round++)
    search_refine (&s, visits);
  search_explore (&s, visits);
  search_offer_probes (&s, probes);
  if (!search_finish (&s, error))
    return NULL;
  return g_steal_pointer (&result);
}
