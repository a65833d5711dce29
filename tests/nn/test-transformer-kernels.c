/* Gradient checks of the transformer kernels (LayerNorm and multi-head self-attention).
 * Each kernel is compared with an independent double-precision forward written here from the
 * definitions, and its float backward with central finite differences of that double forward
 * on the scalar L = sum (out * R) for a fixed random R (so dout = R). */
#include "grok-attention.h"
#include "grok-layernorm.h"
#include "grok-rng.h"

#include <math.h>
#include <string.h>

/* Central differences of the double forward with step 1e-4: truncation error ~ h^2 |f'''| ~ 1e-8
 * relative and rounding ~ 1e-16 / h ~ 1e-12, so the finite differences are exact to ~1e-8 and
 * every disagreement measures the float backward. That one rounds each product and sum at
 * 2^-24 ~ 6e-8; summed over up to a few hundred terms (C = 128 channels, 8 tokens, the chain
 * through the softmax) the error grows like sqrt(terms) to a few 1e-6 of the terms' size;
 * the largest measured here is 2.5e-5 (v.weight at the model's shape). Gradient elements much
 * smaller than their terms (cancellation; the key bias's gradient is exactly zero) are held to
 * an absolute floor instead: FLOOR_FRACTION of the kernel's largest gradient. TOL = 1e-4
 * leaves a margin of 4 over the worst measured, while a transposed or swapped gradient is off
 * by order one (test check-detects-errors shows it). */
#define FD_STEP 1e-4
#define TOL 1e-4
#define FLOOR_FRACTION 1e-2
/* tensors larger than this are checked on this many random elements */
#define MAX_CHECKED 96

typedef double (*LossFunc) (gpointer ctx);

static void
fill_normal (GrokRng *rng, float *a, gsize n, double scale, double offset)
{
  for (gsize i = 0; i < n; i++)
    a[i] = (float) (offset + scale * grok_rng_normal (rng));
}

static double *
to_double (const float *a, gsize n)
{
  double *d = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    d[i] = a[i];
  return d;
}

static double
fd_gradient (LossFunc loss, gpointer ctx, double *p)
{
  double save = *p, plus, minus;

  *p = save + FD_STEP;
  plus = loss (ctx);
  *p = save - FD_STEP;
  minus = loss (ctx);
  *p = save;
  return (plus - minus) / (2 * FD_STEP);
}

/* One tensor's gradient to check: the double parameter the loss reads, the float gradient
 * from backward, and the finite differences on the checked elements */
typedef struct
{
  const char  *what;
  double      *param;
  const float *analytic;
  gsize        n, n_checked;
  gsize       *index;
  double      *fd;
} GradCheck;

static void
grad_check_sample (GradCheck *g, LossFunc loss, gpointer ctx, GrokRng *rng)
{
  g->n_checked = g->n > MAX_CHECKED ? MAX_CHECKED : g->n;
  g->index = g_new (gsize, g->n_checked);
  g->fd = g_new (double, g->n_checked);
  for (gsize i = 0; i < g->n_checked; i++)
    {
      g->index[i] = g->n > MAX_CHECKED ? grok_rng_below (rng, g->n) : i;
      g->fd[i] = fd_gradient (loss, ctx, g->param + g->index[i]);
    }
}

static double
grad_check_largest (const GradCheck *g)
{
  double largest = 0;

  for (gsize i = 0; i < g->n_checked; i++)
    largest = fmax (largest, fabs (g->fd[i]));
  return largest;
}

/* max over checked elements of |analytic - fd| / max (|fd|, floor) */
static double
grad_check_error (const GradCheck *g, const float *analytic, double floor)
{
  double worst = 0;

  for (gsize i = 0; i < g->n_checked; i++)
    worst = fmax (worst, fabs (analytic[g->index[i]] - g->fd[i]) / fmax (fabs (g->fd[i]), floor));
  return worst;
}

static void
grad_check_clear (GradCheck *g)
{
  g_clear_pointer (&g->index, g_free);
  g_clear_pointer (&g->fd, g_free);
}

/* Checks every tensor of one kernel; the floor is FLOOR_FRACTION of the largest gradient of
 * any of them, since a tensor's own largest gradient may be zero (the key bias's is: softmax
 * ignores a shift shared by all keys). */
static void
check_gradients (GradCheck *checks, int n_checks, LossFunc loss, gpointer ctx, GrokRng *rng)
{
  double largest = 0;

  for (int i = 0; i < n_checks; i++)
    {
      grad_check_sample (&checks[i], loss, ctx, rng);
      largest = fmax (largest, grad_check_largest (&checks[i]));
    }
  double floor = fmax (FLOOR_FRACTION * largest, 1e-300);
  for (int i = 0; i < n_checks; i++)
    {
      double err = grad_check_error (&checks[i], checks[i].analytic, floor);
      g_test_message ("%s: max relative error %.2e (largest gradient %.2e of %.2e)",
                      checks[i].what, err, grad_check_largest (&checks[i]), largest);
      if (!(err <= TOL))
        g_error ("gradient of %s: max relative error %.3e > %.0e", checks[i].what, err, TOL);
      grad_check_clear (&checks[i]);
    }
}

static double
max_relative_error (const float *a, const double *ref, gsize n)
{
  double largest = 0, worst = 0;

  for (gsize i = 0; i < n; i++)
    largest = fmax (largest, fabs (ref[i]));
  for (gsize i = 0; i < n; i++)
    worst = fmax (worst, fabs (a[i] - ref[i]) / fmax (fabs (ref[i]), FLOOR_FRACTION * largest));
  return worst;
}

/* Gradients that backward adds into start from these values, and input gradients from NaN, so
 * that "+=" and "=" are checked too. */
static void
fill_garbage (float *a, gsize n, float value)
{
  for (gsize i = 0; i < n; i++)
    a[i] = value;
}

static void
subtract (float *a, float value, gsize n)
{
  for (gsize i = 0; i < n; i++)
    a[i] -= value;
}

/* LayerNorm */

typedef struct
{
  int N, C;
  double eps;
  double *x, *w, *b, *r, *out;
} LnRef;

static void
ln_reference (LnRef *s)
{
  for (int n = 0; n < s->N; n++)
    {
      const double *x = s->x + (gsize) n * s->C;
      double mean = 0, var = 0;

      for (int c = 0; c < s->C; c++)
        mean += x[c];
      mean /= s->C;
      for (int c = 0; c < s->C; c++)
        var += (x[c] - mean) * (x[c] - mean);
      var /= s->C;
      for (int c = 0; c < s->C; c++)
        s->out[(gsize) n * s->C + c] = (x[c] - mean) / sqrt (var + s->eps) * s->w[c] + s->b[c];
    }
}

static double
ln_loss (gpointer ctx)
{
  LnRef *s = ctx;
  double sum = 0;

  ln_reference (s);
  for (gsize i = 0; i < (gsize) s->N * s->C; i++)
    sum += s->out[i] * s->r[i];
  return sum;
}

static void
check_layernorm (int N, int C, double offset, guint64 seed)
{
  GrokRng rng;
  gsize NC = (gsize) N * C;
  g_autofree float *x = g_new (float, NC), *r = g_new (float, NC), *out = g_new (float, NC);
  g_autofree float *dx = g_new (float, NC);
  g_autofree float *w = g_new (float, C), *b = g_new (float, C);
  g_autofree float *dw = g_new (float, C), *db = g_new (float, C);
  g_autofree float *mean = g_new (float, N), *rstd = g_new (float, N);

  g_test_message ("layernorm N = %d, C = %d, offset %g", N, C, offset);
  grok_rng_init (&rng, seed);
  fill_normal (&rng, x, NC, 1.0, offset);
  fill_normal (&rng, r, NC, 1.0, 0.0);
  fill_normal (&rng, w, C, 0.3, 1.0);
  fill_normal (&rng, b, C, 0.3, 0.0);

  g_autofree double *xd = to_double (x, NC), *rd = to_double (r, NC);
  g_autofree double *wd = to_double (w, C), *bd = to_double (b, C);
  g_autofree double *outd = g_new (double, NC);
  LnRef ref = { N, C, 1e-6, xd, wd, bd, rd, outd };

  grok_layernorm_forward (out, mean, rstd, x, w, b, N, C, 1e-6f);
  ln_reference (&ref);
  double err = max_relative_error (out, outd, NC);
  g_test_message ("forward: max relative error %.2e", err);
  g_assert_cmpfloat (err, <=, TOL);

  fill_garbage (dx, NC, NAN);
  fill_garbage (dw, C, 0.25f);
  fill_garbage (db, C, -0.5f);
  grok_layernorm_backward (dx, dw, db, r, x, mean, rstd, w, N, C);
  subtract (dw, 0.25f, C);
  subtract (db, -0.5f, C);
  GradCheck checks[] = { { "layernorm inp", xd, dx, NC },
                         { "layernorm weight", wd, dw, C },
                         { "layernorm bias", bd, db, C } };
  check_gradients (checks, G_N_ELEMENTS (checks), ln_loss, &ref, &rng);
}

static void
test_layernorm_gradient (void)
{
  check_layernorm (1, 1, 0.0, 1);
  check_layernorm (3, 3, 0.5, 2);
  check_layernorm (7, 5, -0.3, 3);
  check_layernorm (13, 17, 0.5, 4);
  check_layernorm (11, 128, 0.2, 5);
}

/* backward may write the input gradient over dout: same numbers as into a separate buffer */
static void
test_layernorm_in_place (void)
{
  const int N = 5, C = 9;
  GrokRng rng;
  g_autofree float *x = g_new (float, N * C), *out = g_new (float, N * C);
  g_autofree float *dout = g_new (float, N * C), *dx = g_new (float, N * C);
  g_autofree float *w = g_new (float, C), *b = g_new (float, C);
  g_autofree float *dw = g_new0 (float, C), *db = g_new0 (float, C);
  float mean[5], rstd[5];

  grok_rng_init (&rng, 7);
  fill_normal (&rng, x, N * C, 1.0, 0.0);
  fill_normal (&rng, dout, N * C, 1.0, 0.0);
  fill_normal (&rng, w, C, 0.3, 1.0);
  fill_normal (&rng, b, C, 0.3, 0.0);
  grok_layernorm_forward (out, mean, rstd, x, w, b, N, C, 1e-6f);
  grok_layernorm_backward (dx, dw, db, dout, x, mean, rstd, w, N, C);
  grok_layernorm_backward (dout, dw, db, dout, x, mean, rstd, w, N, C);
  for (int i = 0; i < N * C; i++)
    g_assert_cmpfloat (dout[i], ==, dx[i]);
}

/* Rows whose mean is 100 times their spread. Float holds such inputs to ~4e-6 of the spread
 * and the float mean of 128 of them is off by ~2.5e-5 of it (rounding of a running sum near
 * 1.28e4, random-walk estimate; 4e-5 measured), so the output is compared in absolute terms,
 * at 4e-4. The one-pass variance E[x^2] - E[x]^2 cancels 1e4 against 1e4 and was measured at
 * 1.3e-2 on these rows: this test is what keeps the statistics two-pass. */
static void
test_layernorm_large_mean (void)
{
  const int N = 16, C = 128;
  GrokRng rng;
  g_autofree float *x = g_new (float, N * C), *out = g_new (float, N * C);
  g_autofree float *w = g_new (float, C), *b = g_new (float, C);
  g_autofree float *mean = g_new (float, N), *rstd = g_new (float, N);

  grok_rng_init (&rng, 6);
  fill_normal (&rng, x, N * C, 1.0, 100.0);
  fill_normal (&rng, w, C, 0.3, 1.0);
  fill_normal (&rng, b, C, 0.3, 0.0);
  grok_layernorm_forward (out, mean, rstd, x, w, b, N, C, 1e-6f);

  g_autofree double *xd = to_double (x, N * C), *wd = to_double (w, C), *bd = to_double (b, C);
  g_autofree double *outd = g_new (double, N * C);
  LnRef ref = { N, C, 1e-6, xd, wd, bd, NULL, outd };
  double worst = 0;

  ln_reference (&ref);
  for (int i = 0; i < N * C; i++)
    worst = fmax (worst, fabs (out[i] - outd[i]));
  g_test_message ("forward: max absolute error %.2e", worst);
  g_assert_cmpfloat (worst, <=, 4e-4);
}

/* Attention */

enum { WQ, BQ, WK, BK, WV, BV, WO, BO, N_TENSORS };
static const char *tensor_names[N_TENSORS] = { "q.weight", "q.bias", "k.weight", "k.bias",
                                               "v.weight", "v.bias", "o.weight", "o.bias" };

static gsize
tensor_numel (int i, int C)
{
  return i % 2 == 0 ? (gsize) C * C : (gsize) C;
}

typedef struct
{
  int B, T, C, H;
  double *x, *r, *p[N_TENSORS];
  double *q, *k, *v, *att, *heads, *out;
} AttnRef;

/* dst (N, C)[n, o] = b[o] + sum_c src[n, c] w[o, c] */
static void
ref_linear (double *dst, const double *src, const double *w, const double *b, int N, int C)
{
  for (int n = 0; n < N; n++)
    for (int o = 0; o < C; o++)
      {
        double sum = b[o];
        for (int c = 0; c < C; c++)
          sum += src[(gsize) n * C + c] * w[(gsize) o * C + c];
        dst[(gsize) n * C + o] = sum;
      }
}

/* softmax (q k^T / sqrt (D)) v for sequence b and head h, written from the definition */
static void
ref_head (AttnRef *s, int b, int h)
{
  int T = s->T, C = s->C, D = C / s->H;

  for (int t = 0; t < T; t++)
    {
      double *p = s->att + (((gsize) b * s->H + h) * T + t) * T;
      double max = -INFINITY, sum = 0;

      for (int u = 0; u < T; u++)
        {
          double dot = 0;
          for (int d = 0; d < D; d++)
            dot += s->q[(gsize) (b * T + t) * C + h * D + d] * s->k[(gsize) (b * T + u) * C + h * D + d];
          p[u] = dot / sqrt ((double) D);
          max = fmax (max, p[u]);
        }
      for (int u = 0; u < T; u++)
        sum += (p[u] = exp (p[u] - max));
      for (int u = 0; u < T; u++)
        p[u] /= sum;
      for (int d = 0; d < D; d++)
        {
          double acc = 0;
          for (int u = 0; u < T; u++)
            acc += p[u] * s->v[(gsize) (b * T + u) * C + h * D + d];
          s->heads[(gsize) (b * T + t) * C + h * D + d] = acc;
        }
    }
}

static void
attn_reference (AttnRef *s)
{
  int N = s->B * s->T;

  ref_linear (s->q, s->x, s->p[WQ], s->p[BQ], N, s->C);
  ref_linear (s->k, s->x, s->p[WK], s->p[BK], N, s->C);
  ref_linear (s->v, s->x, s->p[WV], s->p[BV], N, s->C);
  for (int b = 0; b < s->B; b++)
    for (int h = 0; h < s->H; h++)
      ref_head (s, b, h);
  ref_linear (s->out, s->heads, s->p[WO], s->p[BO], N, s->C);
}

static double
attn_loss (gpointer ctx)
{
  AttnRef *s = ctx;
  double sum = 0;

  attn_reference (s);
  for (gsize i = 0; i < (gsize) s->B * s->T * s->C; i++)
    sum += s->out[i] * s->r[i];
  return sum;
}

/* Everything one attention check needs, float side and double side */
typedef struct
{
  int B, T, C, H;
  float *x, *r, *p[N_TENSORS], *g[N_TENSORS];
  float *out, *q, *k, *v, *att, *heads, *dx, *scratch;
  AttnRef ref;
} AttnCase;

static AttnCase *
attn_case_new (int B, int T, int H, int D, guint64 seed)
{
  AttnCase *c = g_new0 (AttnCase, 1);
  int C = H * D;
  gsize NC = (gsize) B * T * C, NA = (gsize) B * H * T * T;
  GrokRng rng;

  *c = (AttnCase) { B, T, C, H };
  grok_rng_init (&rng, seed);
  c->x = g_new (float, NC);
  c->r = g_new (float, NC);
  fill_normal (&rng, c->x, NC, 1.0, 0.0);
  fill_normal (&rng, c->r, NC, 1.0, 0.0);
  /* weights of scale 1.5 / sqrt (C) make scores of order one: attention neither uniform nor
   * one-hot, so the softmax's gradient is exercised */
  for (int i = 0; i < N_TENSORS; i++)
    {
      c->p[i] = g_new (float, tensor_numel (i, C));
      c->g[i] = g_new (float, tensor_numel (i, C));
      fill_normal (&rng, c->p[i], tensor_numel (i, C), i % 2 == 0 ? 1.5 / sqrt (C) : 0.2, 0.0);
      c->ref.p[i] = to_double (c->p[i], tensor_numel (i, C));
    }
  c->out = g_new (float, NC);
  c->q = g_new (float, NC);
  c->k = g_new (float, NC);
  c->v = g_new (float, NC);
  c->heads = g_new (float, NC);
  c->dx = g_new (float, NC);
  c->att = g_new (float, NA);
  c->scratch = g_new (float, grok_attention_scratch_floats (B, T, C, H));

  c->ref.B = B, c->ref.T = T, c->ref.C = C, c->ref.H = H;
  c->ref.x = to_double (c->x, NC);
  c->ref.r = to_double (c->r, NC);
  c->ref.q = g_new (double, NC);
  c->ref.k = g_new (double, NC);
  c->ref.v = g_new (double, NC);
  c->ref.heads = g_new (double, NC);
  c->ref.out = g_new (double, NC);
  c->ref.att = g_new (double, NA);
  return c;
}

static void
attn_case_free (AttnCase *c)
{
  float *fl[] = { c->x, c->r, c->out, c->q, c->k, c->v, c->att, c->heads, c->dx, c->scratch };
  double *db[] = { c->ref.x, c->ref.r, c->ref.q, c->ref.k, c->ref.v, c->ref.att,
                   c->ref.heads, c->ref.out };

  for (gsize i = 0; i < G_N_ELEMENTS (fl); i++)
    g_free (fl[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (db); i++)
    g_free (db[i]);
  for (int i = 0; i < N_TENSORS; i++)
    {
      g_free (c->p[i]);
      g_free (c->g[i]);
      g_free (c->ref.p[i]);
    }
  g_free (c);
}

/* forward then backward with dout = R; parameter gradients start at 0.125 and dx at NaN, and
 * the 0.125 is taken off again, so a kernel that overwrites or forgets to overwrite fails */
static void
attn_case_run (AttnCase *c, const float *wq_for_backward)
{
  GrokAttentionWeights w = { c->p[WQ], c->p[BQ], c->p[WK], c->p[BK],
                             c->p[WV], c->p[BV], c->p[WO], c->p[BO] };
  GrokAttentionGrads g = { c->g[WQ], c->g[BQ], c->g[WK], c->g[BK],
                           c->g[WV], c->g[BV], c->g[WO], c->g[BO] };
  GrokAttentionCache cache = { c->q, c->k, c->v, c->att, c->heads };
  gsize NC = (gsize) c->B * c->T * c->C;

  grok_attention_forward (c->out, &cache, c->x, &w, c->B, c->T, c->C, c->H);
  for (int i = 0; i < N_TENSORS; i++)
    fill_garbage (c->g[i], tensor_numel (i, c->C), 0.125f);
  fill_garbage (c->dx, NC, NAN);
  if (wq_for_backward != NULL)
    w.wq = wq_for_backward;
  grok_attention_backward (c->dx, &g, c->scratch, c->r, c->x, &cache, &w,
                           c->B, c->T, c->C, c->H);
  for (int i = 0; i < N_TENSORS; i++)
    subtract (c->g[i], 0.125f, tensor_numel (i, c->C));
}

static void
check_attention (int B, int T, int H, int D, guint64 seed)
{
  AttnCase *c = attn_case_new (B, T, H, D, seed);
  gsize NC = (gsize) B * T * c->C;
  GrokRng rng;

  g_test_message ("attention B = %d, T = %d, heads = %d, head_dim = %d", B, T, H, D);
  attn_case_run (c, NULL);
  attn_reference (&c->ref);
  double err_out = max_relative_error (c->out, c->ref.out, NC);
  double err_att = max_relative_error (c->att, c->ref.att, (gsize) B * H * T * T);
  g_test_message ("forward: max relative error %.2e (out), %.2e (probabilities)", err_out, err_att);
  g_assert_cmpfloat (err_out, <=, TOL);
  g_assert_cmpfloat (err_att, <=, TOL);

  grok_rng_init (&rng, seed + 1000);
  GradCheck checks[N_TENSORS + 1] = { { "attention x", c->ref.x, c->dx, NC } };
  for (int i = 0; i < N_TENSORS; i++)
    checks[i + 1] = (GradCheck) { tensor_names[i], c->ref.p[i], c->g[i], tensor_numel (i, c->C) };
  check_gradients (checks, G_N_ELEMENTS (checks), attn_loss, &c->ref, &rng);
  attn_case_free (c);
}

static void
test_attention_gradient (void)
{
  check_attention (1, 1, 1, 1, 11);
  check_attention (2, 3, 2, 3, 12);
  check_attention (3, 5, 3, 4, 13);
  check_attention (1, 7, 1, 5, 14);
  check_attention (2, 4, 4, 2, 15);
}

/* backward may write dx over dout: same numbers as into a separate buffer */
static void
test_attention_in_place (void)
{
  AttnCase *c = attn_case_new (2, 3, 2, 3, 31);
  gsize NC = (gsize) c->B * c->T * c->C;
  g_autofree float *separate = g_new (float, NC);

  attn_case_run (c, NULL);
  memcpy (separate, c->dx, sizeof (float) * NC);

  GrokAttentionWeights w = { c->p[WQ], c->p[BQ], c->p[WK], c->p[BK],
                             c->p[WV], c->p[BV], c->p[WO], c->p[BO] };
  GrokAttentionGrads g = { c->g[WQ], c->g[BQ], c->g[WK], c->g[BK],
                           c->g[WV], c->g[BV], c->g[WO], c->g[BO] };
  GrokAttentionCache cache = { c->q, c->k, c->v, c->att, c->heads };
  grok_attention_backward (c->r, &g, c->scratch, c->r, c->x, &cache, &w,
                           c->B, c->T, c->C, c->H);
  for (gsize i = 0; i < NC; i++)
    g_assert_cmpfloat (c->r[i], ==, separate[i]);
  attn_case_free (c);
}

/* the model's shape (4 heads of 32, T = 4), on random elements of each tensor */
static void
test_attention_model_shape (void)
{
  check_attention (2, 4, 4, 32, 16);
  check_attention (3, 4, 4, 32, 17);
}

static void
transpose (float *dst, const float *src, int C)
{
  for (int i = 0; i < C; i++)
    for (int j = 0; j < C; j++)
      dst[(gsize) j * C + i] = src[(gsize) i * C + j];
}

/* error of a gradient against finite differences on its own, floored at FLOOR_FRACTION of
 * its largest element */
static double
single_error (AttnCase *c, double *param, const float *analytic, gsize n, GrokRng *rng)
{
  GradCheck g = { "", param, analytic, n };
  double err;

  grad_check_sample (&g, attn_loss, &c->ref, rng);
  err = grad_check_error (&g, analytic, FLOOR_FRACTION * grad_check_largest (&g));
  grad_check_clear (&g);
  g_test_message ("max relative error %.2e", err);
  return err;
}

/* The check must reject the mistakes it is there for: a transposed weight gradient, the q and
 * k gradients swapped, and a backward pass that multiplies by the transposed Wq. */
static void
test_attention_detects_errors (void)
{
  AttnCase *c = attn_case_new (2, 3, 2, 3, 21);
  int C = c->C;
  gsize CC = (gsize) C * C;
  g_autofree float *wrong = g_new (float, CC);
  GrokRng rng;

  grok_rng_init (&rng, 22);
  attn_case_run (c, NULL);
  g_assert_cmpfloat (single_error (c, c->ref.p[WQ], c->g[WQ], CC, &rng), <=, TOL);
  transpose (wrong, c->g[WQ], C);
  g_assert_cmpfloat (single_error (c, c->ref.p[WQ], wrong, CC, &rng), >, 100 * TOL);
  transpose (wrong, c->g[WO], C);
  g_assert_cmpfloat (single_error (c, c->ref.p[WO], wrong, CC, &rng), >, 100 * TOL);
  g_assert_cmpfloat (single_error (c, c->ref.p[WQ], c->g[WK], CC, &rng), >, 100 * TOL);

  transpose (wrong, c->p[WQ], C);
  attn_case_run (c, wrong);
  g_assert_cmpfloat (single_error (c, c->ref.x, c->dx, (gsize) c->B * c->T * C, &rng), >,
                     100 * TOL);
  attn_case_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/layernorm/gradient", test_layernorm_gradient);
  g_test_add_func ("/engine/layernorm/large-mean", test_layernorm_large_mean);
  g_test_add_func ("/engine/layernorm/backward-in-place", test_layernorm_in_place);
  g_test_add_func ("/engine/attention/gradient", test_attention_gradient);
  g_test_add_func ("/engine/attention/model-shape", test_attention_model_shape);
  g_test_add_func ("/engine/attention/backward-in-place", test_attention_in_place);
  g_test_add_func ("/engine/attention/check-detects-errors", test_attention_detects_errors);
  return g_test_run ();
}
