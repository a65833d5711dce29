/* Gradient checks of every MLP kernel, every activation and the whole MLP loss.
 *
 * Each check evaluates an independent double-precision reference written here (plain loops),
 * takes central finite differences of it, and compares them with the float analytic gradient of
 * the engine. With h = 1e-4 in double the finite-difference error is about h^2 * f''' ~ 1e-8,
 * far below float32 rounding, so the comparison measures the float kernels: their relative
 * rounding is ~1e-6 per operation and a few dozen operations deep, so a relative error of 1e-3
 * (with an absolute floor of 1e-3 times the largest gradient, for entries that are nearly zero)
 * passes correct code, while a wrong index, transpose or factor gives errors of order 1. */
#include <math.h>
#include <string.h>

#include "grok-config-settings.h"
#include "grok-kernels.h"
#include "grok-logistic.h"
#include "grok-model.h"
#include "grok-rng.h"
#include "grok-vmath.h"

#define H 1e-4
#define REL_TOL 1e-3

static void
fill_uniform (GrokRng *rng, float *x, int n, double lo, double hi)
{
  for (int i = 0; i < n; i++)
    x[i] = (float) (lo + (hi - lo) * grok_rng_uniform (rng));
}

/* max over i of |a - b| / (|b| + floor), floor = 1e-3 * max |b| */
static double
max_rel_error (const float *analytic, const double *numeric, int n)
{
  double scale = 0, worst = 0;

  for (int i = 0; i < n; i++)
    scale = MAX (scale, fabs (numeric[i]));
  for (int i = 0; i < n; i++)
    worst = MAX (worst, fabs (analytic[i] - numeric[i]) / (fabs (numeric[i]) + 1e-3 * scale + 1e-12));
  return worst;
}

/* ---- linear ---- */

typedef struct { int N, C, OC; const double *x, *w, *b, *r; } LinearRef;

static double
linear_ref_loss (const LinearRef *p)
{
  double L = 0;
  for (int n = 0; n < p->N; n++)
    for (int o = 0; o < p->OC; o++)
      {
        double y = p->b[o];
        for (int c = 0; c < p->C; c++)
          y += p->x[n * p->C + c] * p->w[o * p->C + c];
        L += y * p->r[n * p->OC + o];
      }
  return L;
}

/* central difference of f with respect to every entry of v (n doubles) */
static void
numeric_grad (double (*f) (const void *), const void *ctx, double *v, int n, double *out)
{
  for (int i = 0; i < n; i++)
    {
      double keep = v[i];
      v[i] = keep + H;
      double up = f (ctx);
      v[i] = keep - H;
      double down = f (ctx);
      v[i] = keep;
      out[i] = (up - down) / (2 * H);
    }
}

static double
linear_ref_loss_v (const void *p)
{
  return linear_ref_loss (p);
}

static double *
to_double (const float *x, int n)
{
  double *d = g_new (double, n);
  for (int i = 0; i < n; i++)
    d[i] = x[i];
  return d;
}

static void
test_linear (void)
{
  const int N = 5, C = 7, OC = 3;
  GrokRng rng;
  float x[35], w[21], b[3], r[15], out[15], dx[35], dw[21], db[3];
  g_autofree double *xd = NULL, *wd = NULL, *bd = NULL, *rd = NULL;
  double nx[35], nw[21], nb[3];
  LinearRef ref;

  grok_rng_init (&rng, 1);
  fill_uniform (&rng, x, N * C, -1, 1);
  fill_uniform (&rng, w, OC * C, -1, 1);
  fill_uniform (&rng, b, OC, -1, 1);
  fill_uniform (&rng, r, N * OC, -1, 1);
  xd = to_double (x, N * C);
  wd = to_double (w, OC * C);
  bd = to_double (b, OC);
  rd = to_double (r, N * OC);
  ref = (LinearRef) { N, C, OC, xd, wd, bd, rd };

  grok_linear_forward (out, x, w, b, N, C, OC);
  {
    double L = 0;
    for (int i = 0; i < N * OC; i++)
      L += out[i] * rd[i];
    g_assert_cmpfloat (fabs (L - linear_ref_loss (&ref)), <, 1e-5 * (1 + fabs (L)));
  }
  /* parameter gradients accumulate: start from a known value and subtract it afterwards */
  for (int i = 0; i < OC * C; i++)
    dw[i] = 1.0f;
  memset (db, 0, sizeof db);
  grok_linear_backward (dx, dw, db, r, x, w, N, C, OC);
  for (int i = 0; i < OC * C; i++)
    dw[i] -= 1.0f;

  numeric_grad (linear_ref_loss_v, &ref, xd, N * C, nx);
  numeric_grad (linear_ref_loss_v, &ref, wd, OC * C, nw);
  numeric_grad (linear_ref_loss_v, &ref, bd, OC, nb);
  g_assert_cmpfloat (max_rel_error (dx, nx, N * C), <, REL_TOL);
  g_assert_cmpfloat (max_rel_error (dw, nw, OC * C), <, REL_TOL);
  g_assert_cmpfloat (max_rel_error (db, nb, OC), <, REL_TOL);
}

/* ---- activations ---- */

/* independent double-precision references, one per activation */
static double ref_relu (double x) { return x > 0 ? x : 0; }
static double ref_leaky_relu (double x) { return x > 0 ? x : 0.01 * x; }
static double ref_gelu (double x) { return 0.5 * x * (1 + tanh (sqrt (2 / G_PI) * (x + 0.044715 * x * x * x))); }
static double ref_silu (double x) { return x / (1 + exp (-x)); }
static double ref_tanh (double x) { return tanh (x); }
static double ref_linear (double x) { return x; }

static double (*const act_refs[]) (double) = {
  [GROK_ACT_RELU] = ref_relu,
  [GROK_ACT_LEAKY_RELU] = ref_leaky_relu,
  [GROK_ACT_GELU] = ref_gelu,
  [GROK_ACT_SILU] = ref_silu,
  [GROK_ACT_TANH] = ref_tanh,
  [GROK_ACT_LINEAR] = ref_linear,
};
G_STATIC_ASSERT (G_N_ELEMENTS (act_refs) == GROK_N_ACTIVATIONS);

static double
act_ref (GrokActivation act, double x)
{
  g_assert_nonnull (act_refs[act]);
  return act_refs[act] (x);
}

static void
test_activation (gconstpointer data)
{
  GrokActivation act = GPOINTER_TO_INT (data);
  enum { n = 400 };
  GrokRng rng;
  float x[n], y[n], r[n], dx[n];
  double num[n];

  grok_rng_init (&rng, 2 + act);
  fill_uniform (&rng, x, n, -4, 4);
  fill_uniform (&rng, r, n, -1, 1);
  for (int i = 0; i < n; i++)
    if (fabsf (x[i]) < 1e-2f)  /* keep finite differences off the kinks of relu */
      x[i] = 0.5f;
  grok_activation_forward (act, y, x, n);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (y[i] - act_ref (act, x[i])), <, 1e-6 * (1 + fabs (y[i])));
  grok_activation_backward (act, dx, r, x, n);
  for (int i = 0; i < n; i++)
    num[i] = r[i] * (act_ref (act, (double) x[i] + H) - act_ref (act, (double) x[i] - H)) / (2 * H);
  g_assert_cmpfloat (max_rel_error (dx, num, n), <, REL_TOL);

  /* in place, as the MLP uses it */
  memcpy (dx, r, sizeof r);
  grok_activation_backward (act, dx, dx, x, n);
  g_assert_cmpfloat (max_rel_error (dx, num, n), <, REL_TOL);
}

/* ---- embedding ---- */

static void
test_embedding (void)
{
  const int V = 6, D = 3, N = 4, T = 3;
  int tokens[12] = { 0, 5, 0, 2, 2, 2, 5, 1, 3, 4, 0, 1 };
  GrokRng rng;
  float table[18], out[36], r[36], dtable[18] = { 0 };

  grok_rng_init (&rng, 3);
  fill_uniform (&rng, table, V * D, -1, 1);
  fill_uniform (&rng, r, N * T * D, -1, 1);
  grok_embedding_forward (out, tokens, table, N, T, D);
  for (int n = 0; n < N; n++)
    for (int t = 0; t < T; t++)
      for (int d = 0; d < D; d++)
        g_assert_cmpfloat (out[(n * T + t) * D + d], ==, table[tokens[n * T + t] * D + d]);
  grok_embedding_backward (dtable, r, tokens, N, T, D);
  /* the loss sum(out * r) is linear in the table: its gradient is the sum of r over the
   * positions holding each token */
  for (int v = 0; v < V; v++)
    for (int d = 0; d < D; d++)
      {
        double expect = 0;
        for (int i = 0; i < N * T; i++)
          if (tokens[i] == v)
            expect += r[i * D + d];
        g_assert_cmpfloat (fabs (dtable[v * D + d] - expect), <, 1e-6);
      }
}

/* ---- the loss heads: a softmax over classes, one logistic output per digit ---- */

/* N examples of V logits each against integer targets y */
typedef struct { int N, V; const double *logits; const int *y; double clip; } LossRef;

static double
ce_ref (const void *data)
{
  const LossRef *p = data;
  double L = 0;

  for (int n = 0; n < p->N; n++)
    {
      const double *row = p->logits + n * p->V;
      double m = row[0], s = 0, prob;
      for (int v = 1; v < p->V; v++)
        m = MAX (m, row[v]);
      for (int v = 0; v < p->V; v++)
        s += exp (row[v] - m);
      prob = exp (row[p->y[n]] - m) / s;
      if (p->clip > 0)
        prob = CLAMP (prob, p->clip, 1 - p->clip);
      L -= log (prob);
    }
  return L / p->N;
}

/* the textbook form, -t ln p - (1 - t) ln (1 - p) with p = 1 / (1 + e^-z) and t digit v of y,
 * averaged over the V digits */
static double
bce_ref (const void *data)
{
  const LossRef *p = data;
  double L = 0;

  for (int n = 0; n < p->N; n++)
    for (int v = 0; v < p->V; v++)
      {
        int t = (p->y[n] >> v) & 1;
        double prob = 1 / (1 + exp (-p->logits[n * p->V + v]));
        double p_target = t ? prob : 1 - prob;
        if (p->clip > 0)
          p_target = CLAMP (p_target, p->clip, 1 - p->clip);
        L -= log (p_target) / p->V;
      }
  return L / p->N;
}

/* the argmax (ties to the lowest index) is the target */
static gboolean
ce_ref_correct (const double *row, int y, int V)
{
  int best = 0;
  for (int v = 1; v < V; v++)
    if (row[v] > row[best])
      best = v;
  return best == y;
}

/* every digit's logit has the sign of its target digit (> 0 reads 1) */
static gboolean
bce_ref_correct (const double *row, int y, int V)
{
  for (int v = 0; v < V; v++)
    if ((row[v] > 0) != ((y >> v) & 1))
      return FALSE;
  return TRUE;
}

/* a loss head, its reference, and a batch of 6 examples with a few logits set by hand: the
 * first `n_set` of set_at/set_to; the logits of clipped_at, of an example confidently wrong,
 * have no gradient under a 1e-3 clip */
typedef struct
{
  double (*forward) (float *probs, const float *logits, const int *targets, int N, int V,
                     double clip, int *n_correct);
  void (*backward) (float *dlogits, const float *probs, const int *targets, int N, int V,
                    double clip);
  double (*ref) (const void *data);
  gboolean (*ref_correct) (const double *row, int y, int V);
  int V;
  int y[6];
  int n_set, set_at[5];
  float set_to[5];
  int clipped_from, clipped_to;
} LossHead;

/* the softmax's gradient for a mean over the N rows themselves */
static void
ce_backward_whole (float *dlogits, const float *probs, const int *y, int N, int V, double clip)
{
  grok_cross_entropy_backward (dlogits, probs, y, N, V, clip, N);
}

static const LossHead softmax_head = {
  grok_cross_entropy_forward, ce_backward_whole, ce_ref, ce_ref_correct, 5,
  { 0, 4, 2, 2, 1, 3 },
  /* example 1's target probability is below a 1e-3 clip; example 0 is right */
  3, { 1 * 5 + 4, 1 * 5 + 0, 0 }, { -9.0f, 4.0f, 5.0f }, 1 * 5, 2 * 5,
};

static const LossHead digits_head = {
  grok_digits_bce_forward, grok_digits_bce_backward, bce_ref, bce_ref_correct, 3,
  { 0, 7, 5, 2, 6, 3 },
  /* example 1 wants 1 on every digit and its digit 2 is confidently 0; example 3 (y = 2, digits
   * 0, 1, 0) is right on every digit */
  4, { 1 * 3 + 2, 3 * 3 + 0, 3 * 3 + 1, 3 * 3 + 2 }, { -9.0f, -1.0f, 2.0f, -0.5f }, 1 * 3 + 2,
  1 * 3 + 3,
};

static void
check_loss_head (const LossHead *head, double clip)
{
  const int N = 6, V = head->V;
  GrokRng rng;
  float logits[30], probs[30], dlogits[30];
  g_autofree double *ld = NULL;
  double num[30], L;
  int correct, expect_correct = 0;
  LossRef ref;

  grok_rng_init (&rng, 4);
  fill_uniform (&rng, logits, N * V, -3, 3);
  for (int i = 0; i < head->n_set; i++)
    logits[head->set_at[i]] = head->set_to[i];
  ld = to_double (logits, N * V);
  ref = (LossRef) { N, V, ld, head->y, clip };

  L = head->forward (probs, logits, head->y, N, V, clip, &correct);
  g_assert_cmpfloat (fabs (L - head->ref (&ref)), <, 1e-5);
  for (int n = 0; n < N; n++)
    expect_correct += head->ref_correct (ld + n * V, head->y[n], V);
  g_assert_cmpint (expect_correct, >=, 1);
  g_assert_cmpint (correct, ==, expect_correct);

  head->backward (dlogits, probs, head->y, N, V, clip);
  numeric_grad (head->ref, &ref, ld, N * V, num);
  g_assert_cmpfloat (max_rel_error (dlogits, num, N * V), <, REL_TOL);
  if (clip > 0)
    for (int i = head->clipped_from; i < head->clipped_to; i++)
      g_assert_cmpfloat (dlogits[i], ==, 0.0f);
}

static void
test_cross_entropy (void)
{
  check_loss_head (&softmax_head, 0.0);
}

static void
test_cross_entropy_clipped (void)
{
  check_loss_head (&softmax_head, 1e-3);
}

/* the loss of one row by the definition: the shift is the value at the first index of the
 * largest logit, the normaliser summed in double in order */
static double
row_loss (const float *row, int y, int V, double clip, float *e)
{
  int argmax = 0;
  double sum = 0.0, log_p;

  for (int v = 1; v < V; v++)
    if (row[v] > row[argmax])
      argmax = v;
  grok_vmath_exp_shifted (e, row, row[argmax], V);
  for (int v = 0; v < V; v++)
    sum += e[v];
  log_p = (double) row[y] - row[argmax] - log (sum);
  if (clip > 0.0)
    log_p = log (CLAMP (exp (log_p), clip, 1.0 - clip));
  return -log_p;
}

/* The loss without the argmax (n_correct NULL) and without the softmax
 * (grok_cross_entropy_loss) is the loss with them, to the bit: on the whole block (L), and row by
 * row against the definition, where a row with no NaN must give its own loss exactly. The loss
 * without the softmax leaves the unnormalised exponentials in its scratch. */
static void
check_loss_only (const float *logits, const int *y, int N, int V, double clip, double L,
                 int expect_correct)
{
  g_autofree float *scratch = g_new (float, N * V);
  g_autofree float *probs = g_new (float, N * V);
  g_autofree float *e = g_new (float, V);
  double got[3];
  int correct = -1;

  got[0] = grok_cross_entropy_forward (probs, logits, y, N, V, clip, NULL);
  got[1] = grok_cross_entropy_loss (scratch, logits, y, N, V, clip, NULL);
  got[2] = grok_cross_entropy_loss (scratch, logits, y, N, V, clip, &correct);
  g_assert_cmpint (correct, ==, expect_correct);
  for (int i = 0; i < 3; i++)
    g_assert_true (memcmp (&got[i], &L, sizeof L) == 0);
  for (int n = 0; n < N; n++)
    {
      const float *row = logits + n * V;
      double expect = row_loss (row, y[n], V, clip, e);
      double one = grok_cross_entropy_loss (scratch, row, &y[n], 1, V, clip, NULL);

      if (isnan (expect))
        g_assert_true (isnan (one));
      else
        g_assert_cmpfloat (one, ==, expect);
      g_assert_true (memcmp (scratch, e, sizeof (float) * V) == 0);
    }
}

/* The forward pass of the softmax cross-entropy on rows of every width, against the plain
 * definition written out here: the argmax is the first index of the largest logit, as the scan
 * `if (row[v] > row[argmax]) argmax = v` finds it (whatever the row holds, NaN included), and
 * each row's normaliser is its probabilities summed in double one after another, so the loss and
 * the probabilities must come out bit for bit. Rows are made with the largest logit twice, with
 * zeros of both signs, with a NaN first, later or nowhere, and with an infinity; 19 rows leave a
 * part block at the end. The clip is 1e-3 or none. */
static void
test_cross_entropy_rows (void)
{
  const int widths[] = { 2, 5, 16, 31, 32, 33, 97, 113 }, N = 19;

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (int pass = 0; pass < 2; pass++)
      {
        int V = widths[w], y[19], correct, expect_correct = 0;
        double clip = pass ? 1e-3 : 0.0, total = 0.0, L;
        g_autofree float *logits = g_new (float, N * V);
        g_autofree float *probs = g_new (float, N * V);
        g_autofree float *expect = g_new (float, N * V);
        GrokRng rng;

        grok_rng_init (&rng, 17 + V);
        /* logits far below the largest, so that the order of a sum changes its rounding */
        fill_uniform (&rng, logits, N * V, -60, 6);
        for (int n = 0; n < N; n++)
          {
            float *row = logits + n * V;
            int a = (n * 7) % V, b = (n * 13 + V / 2) % V;

            switch (n % 6)
              {
              case 1:   /* the largest twice: the first counts */
                row[a] = row[b] = 9.0f;
                break;
              case 2:   /* all zero, of either sign */
                for (int v = 0; v < V; v++)
                  row[v] = v % 3 == 1 ? 0.0f : -0.0f;
                break;
              case 3:   /* a NaN somewhere after the start */
                if (V > 1)
                  row[1 + (n % (V - 1))] = NAN;
                break;
              case 4:   /* a NaN at the start */
                row[0] = NAN;
                break;
              case 5:   /* an infinity */
                row[b] = (n & 1) ? -INFINITY : INFINITY;
                break;
              }
          }
        for (int n = 0; n < N; n++)
          {
            const float *row = logits + n * V;
            float *prow = expect + n * V;
            int argmax = 0;
            double sum = 0.0, log_p;

            for (int v = 1; v < V; v++)
              if (row[v] > row[argmax])
                argmax = v;
            /* half the targets are the argmax, so that counting right answers is tested (every
             * kind of row gets both) */
            y[n] = (n / 6) % 2 ? argmax : (argmax + 1) % V;
            expect_correct += argmax == y[n];
            grok_vmath_exp_shifted (prow, row, row[argmax], V);
            for (int v = 0; v < V; v++)
              sum += prow[v];
            for (int v = 0; v < V; v++)
              prow[v] *= (float) (1.0 / sum);
            log_p = (double) row[y[n]] - row[argmax] - log (sum);
            if (clip > 0.0)
              log_p = log (CLAMP (exp (log_p), clip, 1.0 - clip));
            total -= log_p;
          }
        L = grok_cross_entropy_forward (probs, logits, y, N, V, clip, &correct);
        g_assert_cmpint (correct, ==, expect_correct);
        /* memcmp: the bits, NaN included */
        g_assert_true (memcmp (probs, expect, sizeof (float) * N * V) == 0);
        check_loss_only (logits, y, N, V, clip, L, expect_correct);

        /* The loss, on steep rows (one logit 0, the others -38, whose e^-38 fall below the last
         * bit of 1 in double: the sum depends on the order), each right: the loss is the mean
         * of the logs of the sums alone. */
        total = 0.0;
        for (int n = 0; n < N; n++)
          {
            float *row = logits + n * V;
            double sum = 0.0, log_p;

            for (int v = 0; v < V; v++)
              row[v] = -38.0f;
            y[n] = (n * 11) % V;
            row[y[n]] = 0.0f;
            grok_vmath_exp_shifted (expect, row, 0.0f, V);
            for (int v = 0; v < V; v++)
              sum += expect[v];
            log_p = -log (sum);
            if (clip > 0.0)
              log_p = log (CLAMP (exp (log_p), clip, 1.0 - clip));
            total -= log_p;
          }
        L = grok_cross_entropy_forward (probs, logits, y, N, V, clip, NULL);
        g_assert_cmpfloat (L, ==, total / N);
      }
}

static void
test_digits_bce (void)
{
  check_loss_head (&digits_head, 0.0);
}

static void
test_digits_bce_clipped (void)
{
  check_loss_head (&digits_head, 1e-3);
}

/* logits far out on either side give a finite loss equal to |z| for the wrong digit, and a
 * gradient of +-1 / (N K) */
static void
test_digits_bce_extremes (void)
{
  float logits[4] = { 200, 200, -200, -200 }, probs[4], dlogits[4];
  int y[1] = { 0xA };  /* digits 0, 1, 0, 1: logits 0 and 3 are wrong, 1 and 2 are right */
  double L = grok_digits_bce_forward (probs, logits, y, 1, 4, 0.0, NULL);

  g_assert_cmpfloat (fabs (L - (200 + 0 + 0 + 200) / 4.0), <, 1e-9);
  grok_digits_bce_backward (dlogits, probs, y, 1, 4, 0.0);
  g_assert_cmpfloat (dlogits[0], ==, 0.25f);
  g_assert_cmpfloat (dlogits[3], ==, -0.25f);
}

/* ---- the whole MLP ---- */

typedef struct
{
  GrokModel *model;
  const GrokBatch *batch;
  double *theta;   /* every parameter in double, in the table's layout */
} MlpRef;

/* an independent double forward of the MLP from the parameter table's named tensors */
static double
mlp_ref_loss (const void *data)
{
  const MlpRef *p = data;
  GrokModel *model = p->model;
  GrokParams *params = model->params;
  const GrokBatch *batch = p->batch;
  int depth = model->settings.depth;
  GrokActivation act = model->settings.activation;
  double L = 0;

  for (int n = 0; n < batch->n; n++)
    {
      double h[256] = { 0 }, next[256] = { 0 };
      int width;
      int e = grok_params_find (params, "embed.weight");

      if (e >= 0)
        {
          int D = params->tensors[e].shape[1];
          const double *table = p->theta + params->tensors[e].offset;
          width = model->n_positions * D;
          for (int t = 0; t < model->n_positions; t++)
            for (int d = 0; d < D; d++)
              h[t * D + d] = table[batch->tokens[n * model->n_positions + t] * D + d];
        }
      else
        {
          width = model->d_in;
          for (int i = 0; i < width; i++)
            h[i] = batch->x[n * width + i];
        }
      for (int l = 0; l <= depth; l++)
        {
          g_autofree char *wn = g_strdup_printf ("layers.%d.weight", l);
          g_autofree char *bn = g_strdup_printf ("layers.%d.bias", l);
          const GrokTensor *wt = &params->tensors[grok_params_find (params, wn)];
          const double *w = p->theta + wt->offset;
          const double *b = p->theta + params->tensors[grok_params_find (params, bn)].offset;
          int out = wt->shape[0];
          g_assert_cmpint (wt->shape[1], ==, width);
          for (int o = 0; o < out; o++)
            {
              double s = b[o];
              for (int i = 0; i < width; i++)
                s += w[o * width + i] * h[i];
              next[o] = l < depth ? act_ref (act, s) : s;
            }
          width = out;
          memcpy (h, next, width * sizeof (double));
        }
      if (model->head == GROK_HEAD_DIGITS)
        for (int k = 0; k < width; k++)
          {
            double prob = 1 / (1 + exp (-h[k]));
            L -= log ((batch->targets[n] >> k) & 1 ? prob : 1 - prob) / width;
          }
      else
        {
          double m = h[0], s = 0;
          for (int v = 1; v < width; v++)
            m = MAX (m, h[v]);
          for (int v = 0; v < width; v++)
            s += exp (h[v] - m);
          L -= h[batch->targets[n]] - m - log (s);
        }
    }
  return L / batch->n;
}

/* the input an MLP check feeds: tokens, continuous 2-D points, or the 0/1 digits of two 2-bit
 * numbers with one logistic output per digit of the target */
typedef enum { INPUT_TOKENS, INPUT_CONTINUOUS, INPUT_DIGITS } InputKind;

static void
check_mlp_batch (GrokActivation act, InputKind input, int depth, int n, int threads)
{
  static const int first_tokens[12] = { 0, 3, 4, 1, 2, 2, 5, 0, 1, 1, 3, 6 };
  static const int first_targets[6] = { 3, 0, 4, 1, 2, 0 };
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  GrokDataset ds = { 0 };
  g_autoptr (GrokModel) model = NULL;
  g_autofree int *tokens = g_new (int, 2 * n);
  g_autofree int *targets = g_new (int, n);
  g_autofree float *x = g_new (float, MAX (4 * n, 24));
  GrokBatch batch = { n, NULL, NULL, targets };
  g_autofree double *theta = NULL, *num = NULL;
  GrokParams *params;
  MlpRef ref;
  GrokRng rng;

  config->model.activation = act;
  config->model.depth = depth;
  config->model.width = 6;
  config->model.d_embed = 3;
  config->model.init_scale = 1.5;
  config->train.threads = threads;
  ds.n_classes = 5;
  /* past the first 6 examples, tokens and targets in a pattern that mixes them */
  for (int i = 0; i < 2 * n; i++)
    tokens[i] = i < 12 ? first_tokens[i] : (i * 5 + i / 7) % 7;
  for (int i = 0; i < n; i++)
    targets[i] = i < 6 ? first_targets[i] : (i * 3 + i / 4) % 5;
  if (input == INPUT_CONTINUOUS)
    {
      ds.d_in = 2;
      grok_rng_init (&rng, 5);
      fill_uniform (&rng, x, 2 * n, -1, 1);
      batch.x = x;
    }
  else if (input == INPUT_DIGITS)
    {
      /* 6 examples of 2 + 2 digits; targets 0..3 read as two digits each */
      for (int i = 0; i < 24; i++)
        x[i] = (float) ((i * 7 + i / 5) % 3 == 0);
      for (int n = 0; n < 6; n++)
        targets[n] &= 3;
      ds.d_in = 4;
      ds.n_classes = 2;
      ds.head = GROK_HEAD_DIGITS;
      batch.x = x;
    }
  else
    {
      ds.n_positions = 2;
      ds.vocab = 7;
      batch.tokens = tokens;
    }
  model = grok_config_new_model (config, &ds, MAX (n, 8));
  grok_model_init_params (model, 17);
  params = model->params;
  /* biases start non-zero in PyTorch's init too; make sure the check covers them */
  theta = g_new0 (double, params->numel);
  for (gsize i = 0; i < params->numel; i++)
    theta[i] = params->data[i];

  ref = (MlpRef) { model, &batch, theta };
  {
    double L = grok_model_forward_loss (model, &batch, 0.0, NULL);
    g_assert_cmpfloat (fabs (L - mlp_ref_loss (&ref)), <, 1e-5 * (1 + L));
  }
  grok_model_backward (model, &batch, 0.0);
  num = g_new0 (double, params->numel);
  numeric_grad (mlp_ref_loss, &ref, theta, params->numel, num);
  for (int t = 0; t < params->n_tensors; t++)
    {
      const GrokTensor *tensor = &params->tensors[t];
      double err = max_rel_error (params->grad + tensor->offset, num + tensor->offset,
                                  tensor->numel);
      if (err >= REL_TOL)
        g_test_message ("%s %s: relative error %g", grok_activation_name (act), tensor->name, err);
      g_assert_cmpfloat (err, <, REL_TOL);
    }
}

static void
check_mlp (GrokActivation act, InputKind input, int depth)
{
  check_mlp_batch (act, input, depth, 6, 1);
}

/* batches with more rows than twice the vocabulary of 7 take the folded first layer, and
 * batches of more than 128 rows are cut into row blocks, shared by the threads or taken in
 * turn by one (300 rows: three blocks, so the gradients of blocks 1 and 2 are added to block
 * 0's, in both ways) */
static void
test_mlp_large_batches (void)
{
  check_mlp_batch (GROK_ACT_RELU, INPUT_TOKENS, 2, 300, 1);
  check_mlp_batch (GROK_ACT_RELU, INPUT_TOKENS, 2, 300, 2);
  check_mlp_batch (GROK_ACT_SILU, INPUT_TOKENS, 1, 300, 3);
  check_mlp_batch (GROK_ACT_TANH, INPUT_CONTINUOUS, 2, 300, 1);
  check_mlp_batch (GROK_ACT_TANH, INPUT_CONTINUOUS, 2, 300, 2);
  check_mlp_batch (GROK_ACT_SILU, INPUT_TOKENS, 1, 20, 1);
  check_mlp_batch (GROK_ACT_RELU, INPUT_TOKENS, 2, 150, 2);
  check_mlp_batch (GROK_ACT_TANH, INPUT_TOKENS, 0, 150, 2);
  check_mlp_batch (GROK_ACT_TANH, INPUT_CONTINUOUS, 2, 150, 2);
}

static void
test_mlp_tokens (gconstpointer data)
{
  check_mlp (GPOINTER_TO_INT (data), INPUT_TOKENS, 2);
}

static void
test_mlp_continuous (void)
{
  check_mlp (GROK_ACT_TANH, INPUT_CONTINUOUS, 3);
  check_mlp (GROK_ACT_RELU, INPUT_CONTINUOUS, 1);
}

static void
test_mlp_linear_model (void)
{
  check_mlp (GROK_ACT_RELU, INPUT_TOKENS, 0);
}

/* Liu et al.'s XOR at the digit level: raw 0/1 inputs, a logistic output per digit */
static void
test_mlp_digits (void)
{
  check_mlp (GROK_ACT_SILU, INPUT_DIGITS, 2);
  check_mlp (GROK_ACT_TANH, INPUT_DIGITS, 0);
}

/* far out on either side every activation is a straight line, slope x + offset */
typedef struct
{
  double slope_below, offset_below, slope_above, offset_above;
} Tails;

static const Tails act_tails[] = {
  [GROK_ACT_RELU] = { .slope_below = 0, .slope_above = 1 },
  [GROK_ACT_LEAKY_RELU] = { .slope_below = 0.01, .slope_above = 1 },
  [GROK_ACT_GELU] = { .slope_below = 0, .slope_above = 1 },
  [GROK_ACT_SILU] = { .slope_below = 0, .slope_above = 1 },
  [GROK_ACT_TANH] = { .offset_below = -1, .offset_above = 1 },
  [GROK_ACT_LINEAR] = { .slope_below = 1, .slope_above = 1 },
};
G_STATIC_ASSERT (G_N_ELEMENTS (act_tails) == GROK_N_ACTIVATIONS);

/* every activation stays finite, with a finite gradient, far out on both sides, where the
 * exponentials inside them overflow, and has the values of its tails there */
static void
test_activation_extremes (gconstpointer data)
{
  GrokActivation act = GPOINTER_TO_INT (data);
  const Tails *t = &act_tails[act];
  float x[] = { -1e4f, -500, -150, -100, -90, -88, 88, 90, 100, 150, 500, 1e4f };
  float y[G_N_ELEMENTS (x)], d[G_N_ELEMENTS (x)];

  grok_activation_forward (act, y, x, G_N_ELEMENTS (x));
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    {
      double want = x[i] > 0 ? t->slope_above * x[i] + t->offset_above
                             : t->slope_below * x[i] + t->offset_below;
      g_assert_true (isfinite (y[i]));
      /* 1e-6 relative: the tails are exact to float precision */
      g_assert_cmpfloat (fabs (y[i] - want), <=, 1e-6 * fabs (want) + 1e-30);
      d[i] = 1.0f;
    }
  /* the slopes there to 1e-3: the fast-math SiLU loop is 6e-4 off at x = 1e4 (1e-5 at 100) */
  grok_activation_backward (act, d, d, x, G_N_ELEMENTS (x));
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    {
      g_assert_true (isfinite (d[i]));
      g_assert_cmpfloat (fabs (d[i] - (x[i] > 0 ? t->slope_above : t->slope_below)), <=, 1e-3);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (int a = 0; a < GROK_N_ACTIVATIONS; a++)
    {
      g_autofree char *p = g_strdup_printf ("/engine/gradients/activation-extremes/%s",
                                            grok_activation_name (a));
      g_test_add_data_func (p, GINT_TO_POINTER (a), test_activation_extremes);
    }
  g_test_add_func ("/engine/gradients/linear", test_linear);
  for (int a = 0; a < GROK_N_ACTIVATIONS; a++)
    {
      g_autofree char *p1 = g_strdup_printf ("/engine/gradients/activation/%s", grok_activation_name (a));
      g_autofree char *p2 = g_strdup_printf ("/engine/gradients/mlp/%s", grok_activation_name (a));
      g_test_add_data_func (p1, GINT_TO_POINTER (a), test_activation);
      g_test_add_data_func (p2, GINT_TO_POINTER (a), test_mlp_tokens);
    }
  g_test_add_func ("/engine/gradients/embedding", test_embedding);
  g_test_add_func ("/engine/gradients/cross-entropy", test_cross_entropy);
  g_test_add_func ("/engine/gradients/cross-entropy-clipped", test_cross_entropy_clipped);
  g_test_add_func ("/engine/gradients/cross-entropy-rows", test_cross_entropy_rows);
  g_test_add_func ("/engine/gradients/digits-bce", test_digits_bce);
  g_test_add_func ("/engine/gradients/digits-bce-clipped", test_digits_bce_clipped);
  g_test_add_func ("/engine/gradients/digits-bce-extremes", test_digits_bce_extremes);
  g_test_add_func ("/engine/gradients/mlp/continuous-input", test_mlp_continuous);
  g_test_add_func ("/engine/gradients/mlp/no-hidden-layer", test_mlp_linear_model);
  g_test_add_func ("/engine/gradients/mlp/large-batches", test_mlp_large_batches);
  g_test_add_func ("/engine/gradients/mlp/digits", test_mlp_digits);
  return g_test_run ();
}
