/* Spectra of weight matrices and the spectral-entropy penalty, checked against closed forms,
 * matrices built from known orthogonal factors, central finite differences of H computed
 * here from LAPACK's dgesvd, and the penalty's gradient written with a full SVD. */
#include "grok-rng.h"
#include "grok-spectrum.h"
#include "penalty-reference.h"

#include <lapacke.h>
#include <math.h>
#include <string.h>

static void
test_identity (void)
{
  int sizes[] = { 1, 2, 3, 7, 64, 128 };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      int n = sizes[k];
      g_autofree float *w = g_new0 (float, n * n);
      g_autofree double *s = g_new (double, n);
      g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new (n, n);
      double h;

      for (int i = 0; i < n; i++)
        w[i * n + i] = 1.0f;
      g_assert_true (grok_singular_values (ws, w, n, n, s));
      h = grok_spectral_entropy (s, n);
      /* p_i = 1/n exactly up to dgesdd's rounding (1e-15); the SPEC's eps lowers H by
       * ln(1 + n eps) <= 1.3e-8 for n = 128, so 1e-7 separates ln n from any other value */
      g_assert_cmpfloat (fabs (h - log (n)), <, 1e-7);
      g_assert_cmpfloat (fabs (exp (h) - n), <, 1e-7 * n);
      g_assert_cmpfloat (fabs (grok_stable_rank (s, n) - n), <, 1e-9 * n);
    }
}

static void
test_rank_one (void)
{
  /* integer vectors make u v^T exact in float, so the matrix is exactly rank one */
  const int m = 6, n = 9;
  float w[6 * 9];
  double s[6];
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new (m, n);
  double h, norm_u = 0, norm_v = 0;

  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      w[i * n + j] = (float) ((i + 1) * (j % 3 == 0 ? -(j + 1) : (j + 2)));
  for (int i = 0; i < m; i++)
    norm_u += (i + 1) * (i + 1);
  for (int j = 0; j < n; j++)
    norm_v += (j % 3 == 0 ? (j + 1) * (j + 1) : (j + 2) * (j + 2));

  g_assert_true (grok_singular_values (ws, w, m, n, s));
  g_assert_cmpfloat (fabs (s[0] - sqrt (norm_u * norm_v)), <, 1e-12 * s[0]);
  h = grok_spectral_entropy (s, m);
  /* the other singular values are ~1e-15 s_1: their share of H is below 1e-12 */
  g_assert_cmpfloat (h, <, 1e-9);
  g_assert_cmpfloat (fabs (exp (h) - 1.0), <, 1e-9);
  g_assert_cmpfloat (fabs (grok_stable_rank (s, m) - 1.0), <, 1e-12);
}

static void
test_zero_matrix (void)
{
  float w[12] = { 0 };
  double s[3];
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new (4, 3);

  g_assert_true (grok_singular_values (ws, w, 4, 3, s));
  g_assert_cmpfloat (grok_spectral_entropy (s, 3), ==, 0.0);
  g_assert_cmpfloat (grok_stable_rank (s, 3), ==, 0.0);
}

/* the first r columns of a product of Householder reflections (q is d x d, row-major) */
static void
random_orthogonal (GrokRng *rng, double *q, int d)
{
  g_autofree double *v = g_new (double, d);
  g_autofree double *row = g_new (double, d);

  memset (q, 0, sizeof (double) * d * d);
  for (int i = 0; i < d; i++)
    q[i * d + i] = 1.0;
  for (int h = 0; h < 3; h++)
    {
      double vv = 0;
      for (int i = 0; i < d; i++)
        {
          v[i] = grok_rng_normal (rng);
          vv += v[i] * v[i];
        }
      /* q = q (I - 2 v v^T / v^T v) */
      for (int i = 0; i < d; i++)
        {
          double dot = 0;
          for (int j = 0; j < d; j++)
            dot += q[i * d + j] * v[j];
          for (int j = 0; j < d; j++)
            row[j] = q[i * d + j] - 2.0 * dot * v[j] / vv;
          memcpy (q + i * d, row, sizeof (double) * d);
        }
    }
}

static void
check_known_factors (int m, int n)
{
  GrokRng rng;
  int r = MIN (m, n);
  g_autofree double *qu = g_new (double, m * m);
  g_autofree double *qv = g_new (double, n * n);
  g_autofree double *want = g_new (double, r);
  g_autofree double *got = g_new (double, r);
  g_autofree float *w = g_new (float, m * n);
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new (m, n);
  double rounding2 = 0;

  grok_rng_init (&rng, 1000 + m * 31 + n);
  random_orthogonal (&rng, qu, m);
  random_orthogonal (&rng, qv, n);
  for (int i = 0; i < r; i++)
    want[i] = 5.0 * pow (0.7, i) + (i == 2 ? 0.0 : 0.01);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        double x = 0;
        for (int k = 0; k < r; k++)
          x += qu[i * m + k] * want[k] * qv[j * n + k];
        w[i * n + j] = (float) x;
        rounding2 += (x - w[i * n + j]) * (x - w[i * n + j]);
      }
  g_assert_true (grok_singular_values (ws, w, m, n, got));
  /* Weyl: storing W in float moves each singular value by at most ||W - float(W)||_2, which
   * the Frobenius norm of the rounding bounds; dgesdd's own error is ~1e-15 s_1 */
  for (int i = 0; i < r; i++)
    g_assert_cmpfloat (fabs (got[i] - want[i]), <=, sqrt (rounding2) + 1e-13 * want[0]);
}

static void
test_known_factors (void)
{
  check_known_factors (5, 5);
  check_known_factors (7, 4);
  check_known_factors (4, 9);
  check_known_factors (40, 25);
}

static void
test_stable_rank_closed_form (void)
{
  /* a signed, permuted diag(3, 2, 1) in a 3 x 4 matrix: ||W||_F^2 = 14, s_max = 3 */
  float w[12] = { 0, 0, -2, 0,
                  3, 0, 0, 0,
                  0, 0, 0, -1 };
  double s[3];
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new (3, 4);
  double p[3] = { 0.5, 1.0 / 3.0, 1.0 / 6.0 }, h = 0;

  g_assert_true (grok_singular_values (ws, w, 3, 4, s));
  g_assert_cmpfloat (fabs (grok_stable_rank (s, 3) - 14.0 / 9.0), <, 1e-13);
  for (int i = 0; i < 3; i++)
    h -= p[i] * log (p[i] + 1e-10);
  g_assert_cmpfloat (fabs (grok_spectral_entropy (s, 3) - h), <, 1e-13);
}

static GrokParams *
make_params (void)
{
  GrokParams *params = grok_params_new ();

  grok_params_add (params, "b.weight", 2, (int[]) { 4, 4 });
  grok_params_add (params, "b.bias", 1, (int[]) { 4 });
  grok_params_add (params, "a.weight", 2, (int[]) { 3, 5 });
  grok_params_allocate (params);
  return params;
}

static void
test_summary (void)
{
  g_autoptr (GrokParams) params = make_params ();
  g_autoptr (GrokSpectrumSummary) summary = NULL;
  float *id = grok_params_tensor_data (params, 0);
  float *r1 = grok_params_tensor_data (params, 2);

  for (int i = 0; i < 4; i++)
    id[i * 4 + i] = 2.0f;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 5; j++)
      r1[i * 5 + j] = (float) ((i + 1) * (j - 2));
  summary = grok_spectrum_summary_new (params, NULL);
  g_assert_nonnull (summary);
  g_assert_cmpint (summary->n_matrices, ==, 2);
  g_assert_cmpint (summary->matrices[0].tensor, ==, 0);
  g_assert_cmpint (summary->matrices[1].tensor, ==, 2);
  g_assert_cmpint (summary->matrices[1].rank, ==, 3);
  g_assert_cmpfloat (fabs (summary->matrices[0].s[3] - 2.0), <, 1e-12);
  /* the scaled identity has H = ln 4 (less 4e-10 from eps); the rank-one matrix H ~ 0 */
  g_assert_cmpfloat (fabs (summary->spectral_entropy_mean - log (4.0) / 2), <, 1e-8);
  g_assert_cmpfloat (fabs (summary->eff_rank_mean - 2.5), <, 1e-8);
  g_assert_cmpfloat (fabs (summary->matrices[1].stable_rank - 1.0), <, 1e-12);
}

/* H of a double matrix, from LAPACK's other SVD driver, with the SPEC's formula written out */
static double
reference_entropy (const double *w, int m, int n)
{
  int r = MIN (m, n);
  g_autofree double *a = g_memdup2 (w, sizeof (double) * m * n);
  g_autofree double *s = g_new (double, r);
  g_autofree double *superb = g_new (double, r);
  double total = 0, h = 0;

  g_assert_cmpint (LAPACKE_dgesvd (LAPACK_ROW_MAJOR, 'N', 'N', m, n, a, n, s, NULL, 1, NULL, 1,
                                   superb), ==, 0);
  for (int i = 0; i < r; i++)
    total += s[i];
  for (int i = 0; i < r; i++)
    h -= s[i] / total * log (s[i] / total + 1e-10);
  return h;
}

static void
test_penalty_gradient (void)
{
  g_autoptr (GrokParams) params = make_params ();
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new_for_params (params);
  const double lambda = 0.3, h_step = 1e-6;
  double penalty, want_penalty = 0;
  GrokRng rng;

  grok_rng_init (&rng, 5);
  for (gsize i = 0; i < params->numel; i++)
    {
      params->data[i] = (float) grok_rng_normal (&rng);
      params->grad[i] = 0.25f;   /* the penalty must add to what is there */
    }
  penalty = grok_spectral_penalty (params, lambda, ws);

  for (int t = 0; t < params->n_tensors; t++)
    {
      const GrokTensor *tensor = &params->tensors[t];
      const float *grad = params->grad + tensor->offset;
      int m = tensor->shape[0], n = tensor->shape[1];
      g_autofree double *w = NULL;

      if (tensor->ndim != 2)
        {
          for (gsize i = 0; i < tensor->numel; i++)
            g_assert_cmpfloat (grad[i], ==, 0.25f);
          continue;
        }
      w = g_new (double, m * n);
      for (int i = 0; i < m * n; i++)
        w[i] = params->data[tensor->offset + i];
      want_penalty += reference_entropy (w, m, n) / 2;
      for (int i = 0; i < m * n; i++)
        {
          double keep = w[i], hp, hm, fd;
          w[i] = keep + h_step;
          hp = reference_entropy (w, m, n);
          w[i] = keep - h_step;
          hm = reference_entropy (w, m, n);
          w[i] = keep;
          /* penalty = mean of H over the two matrices, scaled by lambda */
          fd = lambda * (hp - hm) / (2 * h_step) / 2;
          /* central differences with h = 1e-6 carry O(h^2) ~ 1e-12 truncation and ~1e-10
           * cancellation error; the float gradient buffer holds 0.25 + g to ~3e-8, so 1e-6
           * fails any real mistake (a wrong sign, scale or missing term is >= 1e-2 here) */
          g_assert_cmpfloat (fabs (grad[i] - 0.25f - fd), <, 1e-6);
        }
    }
  g_assert_cmpfloat (fabs (penalty - want_penalty), <, 1e-12);
}

/* H of one float matrix and its gradient (double) from grok_spectral_penalty: with lambda 1 and
 * a single matrix, the penalty is H and the gradient dH/dW */
static double
penalty_of (const float *w, int m, int n, double *grad)
{
  g_autoptr (GrokParams) params = grok_params_new ();
  g_autoptr (GrokSpectrumWorkspace) ws = NULL;
  double h;

  grok_params_add (params, "w.weight", 2, (int[]) { m, n });
  grok_params_allocate (params);
  memcpy (params->data, w, sizeof (float) * m * n);
  ws = grok_spectrum_workspace_new_for_params (params);
  h = grok_spectral_penalty (params, 1.0, ws);
  for (int i = 0; i < m * n; i++)
    grad[i] = params->grad[i];
  return h;
}

/* w (m x n) = a (m x k) b (k x n) with small integer factors: exact in float, so rank k */
static void
fill_low_rank (GrokRng *rng, float *w, int m, int n, int k)
{
  g_autofree int *a = g_new (int, m * k), *b = g_new (int, k * n);

  for (int i = 0; i < m * k; i++)
    a[i] = (int) (grok_rng_next (rng) % 9) - 4;
  for (int i = 0; i < k * n; i++)
    b[i] = (int) (grok_rng_next (rng) % 9) - 4;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        int sum = 0;
        for (int c = 0; c < k; c++)
          sum += a[i * k + c] * b[c * n + j];
        w[i * n + j] = (float) sum;
      }
}

static double
max_abs (const double *x, int n)
{
  double best = 0;

  for (int i = 0; i < n; i++)
    best = MAX (best, fabs (x[i]));
  return best;
}

typedef struct { int m, n, rank; } Shape;

/* random matrices (rank min(m, n)) and exactly rank-deficient ones, in both orientations */
static const Shape penalty_shapes[] = {
  { 40, 25, 25 }, { 25, 40, 25 }, { 32, 32, 32 }, { 4, 128, 4 }, { 128, 4, 4 },
  { 30, 12, 3 }, { 12, 30, 3 }, { 16, 16, 5 }, { 9, 7, 1 },
};

/* a matrix of the shape's rank, in double (returned) and in float (w) */
static double *
fill_shape (GrokRng *rng, const Shape *shape, float *w)
{
  double *wd = g_new (double, shape->m * shape->n);

  if (shape->rank == MIN (shape->m, shape->n))
    for (int i = 0; i < shape->m * shape->n; i++)
      w[i] = (float) grok_rng_normal (rng);
  else
    fill_low_rank (rng, w, shape->m, shape->n, shape->rank);
  for (int i = 0; i < shape->m * shape->n; i++)
    wd[i] = w[i];
  return wd;
}

typedef void (*PenaltyCheck) (const Shape *shape, double *wd, const double *ours);

/* check every shape's matrix, in double, against the penalty's gradient ours (double) */
static void
for_each_penalty_shape (guint64 seed, PenaltyCheck check)
{
  GrokRng rng;

  grok_rng_init (&rng, seed);
  for (guint k = 0; k < G_N_ELEMENTS (penalty_shapes); k++)
    {
      const Shape *shape = &penalty_shapes[k];
      g_autofree float *w = g_new (float, shape->m * shape->n);
      g_autofree double *wd = fill_shape (&rng, shape, w);
      g_autofree double *ours = g_new (double, shape->m * shape->n);
      double h = penalty_of (w, shape->m, shape->n, ours);

      /* H from the Gram matrix's eigenvalues and from dgesvd's singular values */
      g_assert_cmpfloat (fabs (h - reference_entropy (wd, shape->m, shape->n)), <, 1e-12);
      check (shape, wd, ours);
    }
}

/* Against the full-SVD formula: the same gradient on the terms of the non-zero singular
 * values. For a rank-deficient matrix the formula as written adds dH/ds at s = 0 times
 * U_0 V_0^T for the SVD's arbitrary bases of the two null spaces (one may turn them
 * independently), which is no derivative of H; the penalty leaves that term out. */
static void
check_full_svd (const Shape *shape, double *wd, const double *ours)
{
  int m = shape->m, n = shape->n;
  g_autoptr (PenaltyReference) ref = penalty_reference_new (m, n);
  g_autofree double *want = g_new (double, m * n);
  double scale;

  penalty_reference (ref, wd, m, n, shape->rank, want);
  scale = max_abs (want, m * n);
  /* the gradient is handed over in float (6e-8 relative); double rounding in both methods
   * is far below that, a wrong term is of the gradient's own size. The rank-one matrix's
   * gradient is zero (p = 1 is a stationary point), hence the absolute floor. */
  for (int i = 0; i < m * n; i++)
    g_assert_cmpfloat (fabs (ours[i] - want[i]), <, 1e-6 * scale + 1e-14);
}

static void
test_penalty_matches_full_svd (void)
{
  for_each_penalty_shape (11, check_full_svd);
}

/* Against central differences of H in double. At a zero singular value, W + hE and W - hE
 * grow the same new singular values to first order, so these differences see exactly the
 * non-zero singular values' terms. */
static void
check_finite_differences (const Shape *shape, double *wd, const double *ours)
{
  const double h_step = 1e-6;
  int m = shape->m, n = shape->n;
  double worst = 0;

  for (int i = 0; i < m * n; i++)
    {
      double keep = wd[i], hp, hm;
      wd[i] = keep + h_step;
      hp = reference_entropy (wd, m, n);
      wd[i] = keep - h_step;
      hm = reference_entropy (wd, m, n);
      wd[i] = keep;
      worst = MAX (worst, fabs (ours[i] - (hp - hm) / (2 * h_step)));
    }
  g_test_message ("%d x %d rank %d: largest difference %.2e of %.2e", m, n, shape->rank,
                  worst, max_abs (ours, m * n));
  /* h = 1e-6 leaves O(h^2) truncation and 1e-10 cancellation on a gradient of 1e-4 or more
   * (the rank-one matrix's is zero: second-order terms of the new singular values leave
   * ~1e-8 there), while a wrong or an extra term is of order 1 / sum(s) >= 1e-3 */
  g_assert_cmpfloat (worst, <, 1e-5 * max_abs (ours, m * n) + 1e-7);
}

static void
test_penalty_finite_differences (void)
{
  for_each_penalty_shape (12, check_finite_differences);
}

static void
test_nan_is_refused (void)
{
  float w[4] = { 1, NAN, 0, 1 };
  double s[2];
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new (2, 2);

  g_assert_false (grok_singular_values (ws, w, 2, 2, s));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/spectrum/identity", test_identity);
  g_test_add_func ("/engine/spectrum/rank-one", test_rank_one);
  g_test_add_func ("/engine/spectrum/zero-matrix", test_zero_matrix);
  g_test_add_func ("/engine/spectrum/known-factors", test_known_factors);
  g_test_add_func ("/engine/spectrum/stable-rank-closed-form", test_stable_rank_closed_form);
  g_test_add_func ("/engine/spectrum/summary", test_summary);
  g_test_add_func ("/engine/spectrum/penalty-gradient", test_penalty_gradient);
  g_test_add_func ("/engine/spectrum/penalty-matches-full-svd", test_penalty_matches_full_svd);
  g_test_add_func ("/engine/spectrum/penalty-finite-differences",
                   test_penalty_finite_differences);
  g_test_add_func ("/engine/spectrum/nan-is-refused", test_nan_is_refused);
  return g_test_run ();
}
