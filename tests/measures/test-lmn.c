/* The linear mapping number: closed-form cases (affine f, block connectivity matrices, a ReLU
 * net with two clusters in two linear regions) and an independent double-precision check of
 * the pairwise scores. */
#include "grok-lmn.h"
#include "grok-rng.h"

#include <math.h>
#include <string.h>

/* a layer with PyTorch-like uniform init, owning its arrays */
typedef struct
{
  float *w, *b;
} OwnedLayer;

static GrokLayerView
make_layer (GrokRng *rng, OwnedLayer *own, int in, int out, GrokActivation act, double scale)
{
  double bound = scale / sqrt (in);

  own->w = g_new (float, in * out);
  own->b = g_new (float, out);
  for (int i = 0; i < in * out; i++)
    own->w[i] = (float) ((2 * grok_rng_uniform (rng) - 1) * bound);
  for (int i = 0; i < out; i++)
    own->b[i] = (float) ((2 * grok_rng_uniform (rng) - 1) * bound);
  return (GrokLayerView) { own->w, own->b, in, out, act };
}

static void
free_layers (OwnedLayer *own, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_free (own[i].w);
      g_free (own[i].b);
    }
}

static float *
random_points (GrokRng *rng, int n, int d, double spread)
{
  float *x = g_new (float, n * d);
  for (int i = 0; i < n * d; i++)
    x[i] = (float) (spread * grok_rng_normal (rng));
  return x;
}

/* r2 of y against lambda by the textbook "sum of products" formula, in double */
static double
reference_r2 (const double *y)
{
  double n = GROK_LMN_STEPS, st = 0, sy = 0, stt = 0, syy = 0, sty = 0, vt, vy;

  for (int m = 0; m < GROK_LMN_STEPS; m++)
    {
      double t = m * 0.05;
      st += t;
      sy += y[m];
      stt += t * t;
      syy += y[m] * y[m];
      sty += t * y[m];
    }
  vt = stt - st * st / n;
  vy = syy - sy * sy / n;
  return (sty - st * sy / n) * (sty - st * sy / n) / (vt * vy);
}

static void
test_r2_closed_forms (void)
{
  double y[GROK_LMN_STEPS];

  /* a straight line scores 1 */
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    y[m] = 3.0 - 2.0 * m * 0.05;
  g_assert_cmpfloat (fabs (grok_lmn_r2 (y, 3.0) - 1.0), <, 1e-12);
  /* a V symmetric about lambda = 1/2 has zero covariance with lambda */
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    y[m] = fabs (m * 0.05 - 0.5);
  g_assert_cmpfloat (grok_lmn_r2 (y, 0.5), <, 1e-12);
  /* a constant scores 1, and so does a variation below the relative threshold */
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    y[m] = 7.0 + ((m % 2) ? 1e-7 : 0);
  g_assert_cmpfloat (grok_lmn_r2 (y, 7.0), ==, 1.0);
  /* the same wiggle on an output of scale 1e-7 is real variation: r2 near 0 */
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    y[m] = (m % 2) ? 1e-7 : 0;
  g_assert_cmpfloat (grok_lmn_r2 (y, 1e-7), <, 0.05);
  /* a parabola: compare with the textbook formula */
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    y[m] = (m * 0.05) * (m * 0.05) + 0.3 * m * 0.05;
  g_assert_cmpfloat (fabs (grok_lmn_r2 (y, 2.0) - reference_r2 (y)), <, 1e-12);
}

static void
test_activate_matches_double (void)
{
  const int n = 20001;
  g_autofree float *x = g_new (float, n);

  for (int a = 0; a < GROK_N_ACTIVATIONS; a++)
    {
      const GrokActivationInfo *act = grok_activation_info (a);
      for (int i = 0; i < n; i++)
        x[i] = (float) (-100.0 + 200.0 * i / (n - 1));
      grok_lmn_activate (x, n, a);
      for (int i = 0; i < n; i++)
        {
          double in = (float) (-100.0 + 200.0 * i / (n - 1));
          double ref = act->value_d (in);
          /* a few float32 ulp relative, or an absolute 1e-30 where the value underflows; the
           * smooth forms built on tanh lose relative accuracy near zero, hence the absolute 1e-7
           * for them */
          double tol = 8 * FLT_EPSILON * fabs (ref) + 1e-30 + (act->piecewise_linear ? 0 : 1e-7);
          g_assert_cmpfloat (fabs (x[i] - ref), <=, tol);
        }
    }
}

/* SiLU as the pair loop evaluates it (on this machine the AVX-512 path: a reciprocal estimate and
 * a Newton step instead of a division), against x / (1 + e^-x) in double on every 64th float in
 * [-87, 87] and a dense grid around 0. The error budget: e^-x to about one ulp (argument reduction
 * and a polynomial good to a seventh of one), the reciprocal to about one ulp after its Newton
 * step, and the product with x to half an ulp: 4 ulp relative leaves a margin of one. Beyond
 * -87 the result must stay tiny: below 1e-30 in size, as the exact value is. */
static void
test_silu_accuracy (void)
{
  const int chunk = 4096;
  g_autofree float *x = g_new (float, chunk);
  double worst = 0;
  union { float f; guint32 u; } v;
  guint32 hi = 0x42ae0000; /* 87.0f */
  int n = 0;

  for (int sign = 0; sign < 2; sign++)
    for (guint32 u = 0; u <= hi; u += 64)
      {
        v.u = u | (sign ? 0x80000000u : 0);
        x[n++] = v.f;
        if (n == chunk || u + 64 > hi)
          {
            g_autofree float *y = g_memdup2 (x, sizeof (float) * n);
            grok_lmn_activate (y, n, GROK_ACT_SILU);
            for (int i = 0; i < n; i++)
              {
                double ref = x[i] / (1.0 + exp (-(double) x[i]));
                double err = fabs (y[i] - ref);
                if (fabs (ref) > 1e-30)
                  worst = MAX (worst, err / fabs (ref));
                else
                  g_assert_cmpfloat (err, <=, 1e-30);
              }
            n = 0;
          }
      }
  g_test_message ("largest SiLU error: %.2f ulp (relative / FLT_EPSILON)", worst / FLT_EPSILON);
  g_assert_cmpfloat (worst, <=, 4 * FLT_EPSILON);
  for (int i = 0; i < 100; i++)
    x[i] = (float) (-87.0 - i * 10.0);
  grok_lmn_activate (x, 100, GROK_ACT_SILU);
  for (int i = 0; i < 100; i++)
    {
      g_assert_cmpfloat (x[i], <=, 0.0f);
      g_assert_cmpfloat (x[i], >, -1e-30f);
    }
}

/* every length from 0 to 40 (the vector loop's tails): the n values change, the next does not */
static void
test_activate_lengths (void)
{
  float x[41];

  for (int n = 0; n <= 40; n++)
    {
      for (int i = 0; i <= 40; i++)
        x[i] = (float) (i - 20) / 4;
      grok_lmn_activate (x, n, GROK_ACT_SILU);
      for (int i = 0; i < n; i++)
        {
          double in = (double) (i - 20) / 4;
          g_assert_cmpfloat (fabs (x[i] - in / (1 + exp (-in))), <=, 4 * FLT_EPSILON * fabs (in));
        }
      for (int i = n; i <= 40; i++)
        g_assert_cmpfloat (x[i], ==, (float) (i - 20) / 4);
    }
}

/* an affine f maps every segment to a straight line: every r2 is 1, L is all ones, LMN = 1 */
static void
test_affine_is_one (void)
{
  GrokRng rng;
  OwnedLayer own[3];
  GrokLayerView f[3];
  g_autofree float *x = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokLmn) lmn = NULL;

  grok_rng_init (&rng, 11);
  f[0] = make_layer (&rng, &own[0], 8, 20, GROK_ACT_LINEAR, 1.0);
  f[1] = make_layer (&rng, &own[1], 20, 20, GROK_ACT_LINEAR, 1.0);
  f[2] = make_layer (&rng, &own[2], 20, 5, GROK_ACT_LINEAR, 1.0);
  x = random_points (&rng, 60, 8, 2.0);
  lmn = grok_lmn_compute (x, 60, f, 3, &error);
  g_assert_no_error (error);
  /* float32 outputs on an exactly straight line: r2 deviates from 1 by ~1e-12 at most */
  for (int i = 0; i < 60 * 60; i++)
    g_assert_cmpfloat (fabs (lmn->L[i] - 1.0), <, 1e-6);
  /* spectrum (60, 0, ..., 0) up to 1e-6 * 60 per eigenvalue: 2^S within 1e-3 of 1 */
  g_assert_cmpfloat (fabs (lmn->lmn - 1.0), <, 1e-3);
  free_layers (own, 3);
}

/* the same with outputs far from 0: a bias of 1000 on outputs that move by about 1 along a
 * segment. The forward pass rounds each output to 1000 * 2^-24 = 6e-5 absolute, so r2 can fall
 * below 1 by about 21 * (6e-5)^2 / 2 relative to the output's spread; the pair scores are summed
 * relative to the output at lambda = 0, so their own rounding does not grow with the offset (sums
 * of the raw outputs in float are off by up to 2e-2 here). */
static void
test_affine_offset_is_one (void)
{
  GrokRng rng;
  OwnedLayer own[2];
  GrokLayerView f[2];
  g_autofree float *x = NULL;
  g_autoptr (GrokLmn) lmn = NULL;
  double worst = 0;

  grok_rng_init (&rng, 21);
  f[0] = make_layer (&rng, &own[0], 8, 20, GROK_ACT_LINEAR, 1.0);
  f[1] = make_layer (&rng, &own[1], 20, 31, GROK_ACT_LINEAR, 1.0);
  for (int o = 0; o < 31; o++)
    own[1].b[o] += 1000.0f;
  x = random_points (&rng, 60, 8, 1.0);
  lmn = grok_lmn_compute (x, 60, f, 2, NULL);
  g_assert_nonnull (lmn);
  for (int i = 0; i < 60 * 60; i++)
    worst = MAX (worst, fabs (lmn->L[i] - 1.0));
  g_test_message ("largest 1 - r2 with outputs near 1000: %.3g", worst);
  g_assert_cmpfloat (worst, <, 1e-5);
  free_layers (own, 2);
}

/* c all-ones blocks of equal size: eigenvalues (m, ..., m, 0, ...), q uniform over c, LMN = c */
static void
test_blocks_give_c (void)
{
  for (int c = 1; c <= 6; c++)
    {
      int m = 7, n = c * m;
      g_autofree double *L = g_new0 (double, n * n);
      g_autofree int *perm = g_new (int, n);
      g_autofree int *order = g_new (int, n);
      GrokRng rng;
      double S, lmn;

      /* the blocks are scattered by a random permutation of the points */
      grok_rng_init (&rng, 100 + c);
      for (int i = 0; i < n; i++)
        perm[i] = i;
      grok_rng_shuffle_int (&rng, perm, n);
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
          L[perm[i] * n + perm[j]] = (i / m == j / m) ? 1.0 : 0.0;
      lmn = grok_lmn_from_matrix (L, n, NULL, &S, NULL);
      /* eigenvalues of a 0/1 matrix to ~1e-14; log2 c to the same */
      g_assert_cmpfloat (fabs (lmn - c), <, 1e-9);
      g_assert_cmpfloat (fabs (S - log2 (c)), <, 1e-9);

      /* the ordering puts each block in one contiguous run */
      grok_lmn_order (L, n, order);
      for (int k = 0; k < n; k += m)
        for (int q = 1; q < m; q++)
          g_assert_cmpfloat (L[order[k] * n + order[k + q]], ==, 1.0);
    }
}

/* first coordinate through relu(x) and relu(-x): points with x0 in [-6, -4] all sit where both
 * units are fixed (one off, one linear), points with x0 in [4, 6] in the other region. Within a
 * cluster f is affine on the segment (r2 = 1); across, each output is max(0, affine) with the kink
 * inside, and its r2 is computed here independently. */
static void
test_relu_two_regions (void)
{
  float w0[] = { 1, 0, -1, 0 }, b0[] = { 0, 0 };
  float w1[] = { 1, 0, 0, 1 }, b1[] = { 0, 0 };
  GrokLayerView f[] = { { w0, b0, 2, 2, GROK_ACT_RELU }, { w1, b1, 2, 2, GROK_ACT_LINEAR } };
  const int m = 10, n = 2 * m;
  float x[2 * 20];
  g_autoptr (GrokLmn) lmn = NULL;
  GrokRng rng;
  double l_ab = 0, expect_lmn, qa, qb;
  int n_ab = 0;

  grok_rng_init (&rng, 5);
  for (int i = 0; i < n; i++)
    {
      x[2 * i] = (float) ((i < m ? -5.0 : 5.0) + 2 * grok_rng_uniform (&rng) - 1);
      x[2 * i + 1] = (float) grok_rng_normal (&rng);
    }
  lmn = grok_lmn_compute (x, n, f, 2, NULL);
  g_assert_nonnull (lmn);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        double y[2][GROK_LMN_STEPS], expect;
        if ((i < m) == (j < m))
          {
            /* affine in lambda within a region (the off unit is exactly 0); float32 rounding of
             * the live unit, ~1e-7 of its range, lowers r2 by its square times a few tens */
            g_assert_cmpfloat (fabs (lmn->L[i * n + j] - 1.0), <, 1e-6);
            continue;
          }
        for (int s = 0; s < GROK_LMN_STEPS; s++)
          {
            double t = s * 0.05, u = (1 - t) * x[2 * i] + t * x[2 * j];
            y[0][s] = MAX (u, 0.0);
            y[1][s] = MAX (-u, 0.0);
          }
        expect = 0.5 * (reference_r2 (y[0]) + reference_r2 (y[1]));
        /* float32 evaluation of the same piecewise-linear values: 1e-5 */
        g_assert_cmpfloat (fabs (lmn->L[i * n + j] - expect), <, 1e-5);
        g_assert_cmpfloat (expect, <, 0.9);
        l_ab += lmn->L[i * n + j];
        n_ab++;
      }
  /* L is close to [[1, c], [c, 1]] blocks with c the mean cross score: eigenvalues m (1 +- c) */
  l_ab /= n_ab;
  qa = (1 + l_ab) / 2;
  qb = (1 - l_ab) / 2;
  expect_lmn = exp2 (-(qa * log2 (qa) + qb * log2 (qb)));
  /* the cross scores vary with the points (spread +-1 around +-5), so only roughly */
  g_assert_cmpfloat (fabs (lmn->lmn - expect_lmn), <, 0.1);
  g_assert_cmpfloat (lmn->lmn, >, 1.2);
}

static void
test_symmetric_unit_diagonal (void)
{
  GrokRng rng;
  OwnedLayer own[3];
  GrokLayerView f[3];
  g_autofree float *x = NULL;
  g_autoptr (GrokLmn) lmn = NULL;
  const int n = 150;
  double trace = 0;

  grok_rng_init (&rng, 12);
  f[0] = make_layer (&rng, &own[0], 16, 40, GROK_ACT_SILU, 3.0);
  f[1] = make_layer (&rng, &own[1], 40, 40, GROK_ACT_SILU, 3.0);
  f[2] = make_layer (&rng, &own[2], 40, 9, GROK_ACT_LINEAR, 3.0);
  x = random_points (&rng, n, 16, 2.0);
  lmn = grok_lmn_compute (x, n, f, 3, NULL);
  g_assert_nonnull (lmn);
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpfloat (lmn->L[i * n + i], ==, 1.0);
      for (int j = 0; j < n; j++)
        {
          g_assert_cmpfloat (lmn->L[i * n + j], ==, lmn->L[j * n + i]);
          g_assert_cmpfloat (lmn->L[i * n + j], >=, 0.0);
          g_assert_cmpfloat (lmn->L[i * n + j], <=, 1.0);
        }
    }
  /* the eigenvalues sum to the trace, n */
  for (int i = 0; i < n; i++)
    trace += lmn->eig[i];
  g_assert_cmpfloat (fabs (trace - n), <, 1e-8 * n);
  g_assert_cmpfloat (lmn->lmn, >, 1.0);
  g_assert_cmpfloat (lmn->lmn, <=, n);
  free_layers (own, 3);
}

/* a few pairs recomputed from scratch in double: forward pass at the 21 points, textbook r2.
 * The net is d -> h (act) -> [h (act) ->] K, with depth 1 or 2 hidden layers. */
static void
check_r2_matches_double (int h, int K, int depth, GrokActivation act, guint64 seed)
{
  GrokRng rng;
  OwnedLayer own[3];
  GrokLayerView f[3];
  g_autofree float *x = NULL;
  g_autoptr (GrokLmn) lmn = NULL;
  const int n = 40, d = 6;

  grok_rng_init (&rng, seed);
  f[0] = make_layer (&rng, &own[0], d, h, act, 4.0);
  for (int l = 1; l < depth; l++)
    f[l] = make_layer (&rng, &own[l], h, h, act, 4.0);
  f[depth] = make_layer (&rng, &own[depth], h, K, GROK_ACT_LINEAR, 4.0);
  x = random_points (&rng, n, d, 3.0);
  lmn = grok_lmn_compute (x, n, f, depth + 1, NULL);
  g_assert_nonnull (lmn);
  for (int p = 0; p < 25; p++)
    {
      int i = (int) grok_rng_below (&rng, n), j = (int) grok_rng_below (&rng, n);
      g_autofree double *y = g_new (double, K * GROK_LMN_STEPS);
      g_autofree double *h1 = g_new (double, h);
      g_autofree double *h2 = g_new (double, h);
      g_autofree double *out = g_new (double, K);
      double sum = 0;
      if (i == j)
        continue;
      for (int s = 0; s < GROK_LMN_STEPS; s++)
        {
          double in[6], t = s * 0.05;
          for (int c = 0; c < d; c++)
            in[c] = (1 - t) * x[i * d + c] + t * x[j * d + c];
          grok_layer_eval (&f[0], in, h1);
          if (depth == 2)
            grok_layer_eval (&f[1], h1, h2);
          grok_layer_eval (&f[depth], depth == 2 ? h2 : h1, out);
          for (int k = 0; k < K; k++)
            y[k * GROK_LMN_STEPS + s] = out[k];
        }
      for (int k = 0; k < K; k++)
        sum += reference_r2 (y + k * GROK_LMN_STEPS);
      /* float32 forward with O(1) variation along the segment: r2 agrees to ~1e-5 */
      g_assert_cmpfloat (fabs (lmn->L[i * n + j] - sum / K), <, 1e-4);
    }
  free_layers (own, depth + 1);
}

static void
test_r2_matches_double (void)
{
  check_r2_matches_double (30, 7, 2, GROK_ACT_SILU, 13);
}

/* widths the pair loop pads for the BLAS kernel (47 -> 48 hidden, 31 -> 32 outputs): the extra
 * units must change nothing */
static void
test_r2_matches_double_padded (void)
{
  check_r2_matches_double (47, 31, 2, GROK_ACT_SILU, 15);
}

/* smooth first activations run the pair batches unit-major: one hidden layer (the first
 * activation goes straight to the output layer), two, and the activations without a
 * hand-written vector loop */
static void
test_r2_matches_double_smooth (void)
{
  check_r2_matches_double (30, 7, 1, GROK_ACT_SILU, 31);
  check_r2_matches_double (47, 31, 1, GROK_ACT_SILU, 32);
  check_r2_matches_double (30, 5, 2, GROK_ACT_GELU, 33);
  check_r2_matches_double (20, 33, 2, GROK_ACT_TANH, 34);
}

/* piecewise-linear first activations take the path that follows each unit's change of piece
 * along the segment instead of multiplying every interior point: one hidden layer (the sums it
 * makes are the outputs), two (they go on through the next activation), padded widths, and a
 * leaky ReLU, whose lower piece is not zero */
static void
test_r2_matches_double_kinked (void)
{
  check_r2_matches_double (30, 7, 1, GROK_ACT_RELU, 21);
  check_r2_matches_double (47, 31, 2, GROK_ACT_RELU, 22);
  check_r2_matches_double (40, 5, 2, GROK_ACT_LEAKY_RELU, 23);
}

/* output counts that are not a multiple of 16 end in a partial block of the pair sums: 2
 * (xor2d-relu's), 12 (eight lanes taken 8 at a time in the compiled loop, four alone), 24 and
 * 40 (a block of 16 or two, then 8); hidden widths of 40 and 20 end the kinked lines in the
 * same way, with rest[0]'s bias and ReLU applied as each row is stored */
static void
test_r2_matches_double_outputs (void)
{
  const int outputs[] = { 2, 12, 24, 40 };

  for (int k = 0; k < 4; k++)
    {
      check_r2_matches_double (40, outputs[k], 2, GROK_ACT_RELU, 40 + k);
      check_r2_matches_double (20, outputs[k], 2, GROK_ACT_LEAKY_RELU, 50 + k);
      check_r2_matches_double (30, outputs[k], 1, GROK_ACT_RELU, 60 + k);
      check_r2_matches_double (40, outputs[k], 2, GROK_ACT_SILU, 70 + k);
    }
}

/* points given as inputs with the whole network, or as first pre-activations with the rest:
 * the segments map onto each other through the affine first layer, so L agrees */
static void
test_preact_matches_inputs (void)
{
  GrokRng rng;
  OwnedLayer own[3];
  GrokLayerView f[3];
  g_autofree float *x = NULL;
  g_autofree float *z = NULL;
  g_autoptr (GrokLmn) a = NULL;
  g_autoptr (GrokLmn) b = NULL;
  const int n = 50, d = 5, h = 20;

  grok_rng_init (&rng, 14);
  f[0] = make_layer (&rng, &own[0], d, h, GROK_ACT_SILU, 3.0);
  f[1] = make_layer (&rng, &own[1], h, h, GROK_ACT_SILU, 3.0);
  f[2] = make_layer (&rng, &own[2], h, 4, GROK_ACT_LINEAR, 3.0);
  x = random_points (&rng, n, d, 2.0);
  z = g_new (float, n * h);
  for (int i = 0; i < n; i++)
    for (int o = 0; o < h; o++)
      {
        double acc = f[0].bias[o];
        for (int c = 0; c < d; c++)
          acc += (double) f[0].weight[o * d + c] * x[i * d + c];
        z[i * h + o] = (float) acc;
      }
  a = grok_lmn_compute (x, n, f, 3, NULL);
  b = grok_lmn_compute_preact (z, n, h, GROK_ACT_SILU, f + 1, 2, NULL);
  /* the two differ only in float32 rounding of z (~1e-7 relative): r2 within 1e-4 */
  for (int i = 0; i < n * n; i++)
    g_assert_cmpfloat (fabs (a->L[i] - b->L[i]), <, 1e-4);
  g_assert_cmpfloat (fabs (a->lmn - b->lmn), <, 1e-2);
  free_layers (own, 3);
}

static void
test_sample_indices (void)
{
  g_autofree int *a = g_new (int, GROK_LMN_MAX_POINTS);
  g_autofree int *b = g_new (int, GROK_LMN_MAX_POINTS);
  g_autofree int *c = g_new (int, GROK_LMN_MAX_POINTS);
  g_autofree gboolean *seen = g_new0 (gboolean, 5000);

  /* fewer inputs than the limit: every input, in order */
  g_assert_cmpint (grok_lmn_sample_indices (961, GROK_LMN_MAX_POINTS, 1, a), ==, 961);
  for (int i = 0; i < 961; i++)
    g_assert_cmpint (a[i], ==, i);
  /* more: max distinct indices in range, ascending, the same for the same seed */
  g_assert_cmpint (grok_lmn_sample_indices (5000, GROK_LMN_MAX_POINTS, 1, a), ==, 1024);
  g_assert_cmpint (grok_lmn_sample_indices (5000, GROK_LMN_MAX_POINTS, 1, b), ==, 1024);
  g_assert_cmpint (grok_lmn_sample_indices (5000, GROK_LMN_MAX_POINTS, 2, c), ==, 1024);
  g_assert_cmpmem (a, sizeof (int) * 1024, b, sizeof (int) * 1024);
  g_assert_true (memcmp (a, c, sizeof (int) * 1024) != 0);
  for (int i = 0; i < 1024; i++)
    {
      g_assert_cmpint (a[i], >=, 0);
      g_assert_cmpint (a[i], <, 5000);
      g_assert_false (seen[a[i]]);
      seen[a[i]] = TRUE;
      if (i > 0)
        g_assert_cmpint (a[i - 1], <, a[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/lmn/r2-closed-forms", test_r2_closed_forms);
  g_test_add_func ("/engine/lmn/activate-matches-double", test_activate_matches_double);
  g_test_add_func ("/engine/lmn/silu-accuracy", test_silu_accuracy);
  g_test_add_func ("/engine/lmn/activate-lengths", test_activate_lengths);
  g_test_add_func ("/engine/lmn/affine-is-one", test_affine_is_one);
  g_test_add_func ("/engine/lmn/affine-offset-is-one", test_affine_offset_is_one);
  g_test_add_func ("/engine/lmn/blocks-give-c", test_blocks_give_c);
  g_test_add_func ("/engine/lmn/relu-two-regions", test_relu_two_regions);
  g_test_add_func ("/engine/lmn/symmetric-unit-diagonal", test_symmetric_unit_diagonal);
  g_test_add_func ("/engine/lmn/r2-matches-double", test_r2_matches_double);
  g_test_add_func ("/engine/lmn/r2-matches-double-padded", test_r2_matches_double_padded);
  g_test_add_func ("/engine/lmn/r2-matches-double-smooth", test_r2_matches_double_smooth);
  g_test_add_func ("/engine/lmn/r2-matches-double-kinked", test_r2_matches_double_kinked);
  g_test_add_func ("/engine/lmn/r2-matches-double-outputs", test_r2_matches_double_outputs);
  g_test_add_func ("/engine/lmn/preact-matches-inputs", test_preact_matches_inputs);
  g_test_add_func ("/engine/lmn/sample-indices", test_sample_indices);
  return g_test_run ();
}
