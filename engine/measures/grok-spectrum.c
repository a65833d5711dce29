/* Singular values, spectral entropy, effective and stable rank, and the spectral-entropy
 * penalty with its gradient. Spectra come from one LAPACK dgesdd per matrix, the penalty from
 * one symmetric eigensolver call on the smaller Gram matrix, both in double, on buffers sized
 * once. */
#include "grok-spectrum.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "grok-blas.h"

struct _GrokSpectrumWorkspace
{
  int         max_mn;     /* largest min(m, n) accepted */
  int         max_mx;     /* largest max(m, n) accepted */
  double     *a;          /* max_mn * max_mx: the copy dgesdd destroys */
  double     *s;          /* max_mn */
  double     *u;          /* max_mx * max_mn */
  double     *vt;         /* max_mn * max_mx */
  double     *g;          /* max_mn * max_mx: a matrix gradient */
  double     *c;          /* max_mn: dH/ds */
  double     *gram;       /* max_mn^2: the Gram matrix, then its eigenvectors */
  double     *scaled;     /* max_mn^2: the eigenvectors, each scaled by its weight */
  double     *inner;      /* max_mn^2: V diag(dH/ds / s) V^T */
  double     *work;
  lapack_int  lwork;      /* enough for dgesdd and for dsyevd */
  lapack_int *iwork;      /* 8 * max_mn, enough for both too */
};

/* The size of dgesdd's work array: LAPACK's own query for the largest shape in both
 * orientations, and never less than the documented minimum for JOBZ = 'S', which grows
 * with both dimensions and so covers every smaller matrix too. */
static lapack_int
query_lwork (int mn, int mx)
{
  /* dsyevd with eigenvectors documents 1 + 6 n + 2 n^2, below dgesdd's minimum; kept
   * explicit so that the penalty's eigensolver never depends on that comparison */
  double best = MAX (4.0 * mn * mn + 7.0 * mn + mx, 1.0 + 6.0 * mn + 2.0 * mn * mn);
  int shapes[2][2] = { { mx, mn }, { mn, mx } };

  for (int i = 0; i < 2; i++)
    {
      double opt = 0.0;
      lapack_int iw = 0;
      int m = shapes[i][0], n = shapes[i][1];

      if (LAPACKE_dgesdd_work (LAPACK_COL_MAJOR, 'S', m, n, NULL, m, NULL, NULL, m, NULL, mn,
                               &opt, -1, &iw) == 0)
        best = MAX (best, opt);
    }
  return (lapack_int) best + 1;
}

GrokSpectrumWorkspace *
grok_spectrum_workspace_new (int max_rows, int max_cols)
{
  GrokSpectrumWorkspace *ws;
  gsize block;

  grok_blas_init ();
  g_return_val_if_fail (max_rows > 0 && max_cols > 0, NULL);

  ws = g_new0 (GrokSpectrumWorkspace, 1);
  ws->max_mn = MIN (max_rows, max_cols);
  ws->max_mx = MAX (max_rows, max_cols);
  block = (gsize) ws->max_mn * ws->max_mx;
  ws->a = g_new (double, block);
  ws->s = g_new (double, ws->max_mn);
  ws->u = g_new (double, block);
  ws->vt = g_new (double, block);
  ws->g = g_new (double, block);
  ws->c = g_new (double, ws->max_mn);
  ws->gram = g_new (double, (gsize) ws->max_mn * ws->max_mn);
  ws->scaled = g_new (double, (gsize) ws->max_mn * ws->max_mn);
  ws->inner = g_new (double, (gsize) ws->max_mn * ws->max_mn);
  ws->lwork = query_lwork (ws->max_mn, ws->max_mx);
  ws->work = g_new (double, ws->lwork);
  ws->iwork = g_new (lapack_int, 8 * (gsize) ws->max_mn);
  return ws;
}

GrokSpectrumWorkspace *
grok_spectrum_workspace_new_for_params (const GrokParams *params)
{
  int mn = 1, mx = 1;

  g_return_val_if_fail (params != NULL, NULL);

  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      if (t->ndim != 2)
        continue;
      mn = MAX (mn, MIN (t->shape[0], t->shape[1]));
      mx = MAX (mx, MAX (t->shape[0], t->shape[1]));
    }
  return grok_spectrum_workspace_new (mn, mx);
}

void
grok_spectrum_workspace_free (GrokSpectrumWorkspace *ws)
{
  if (ws == NULL)
    return;
  g_free (ws->a);
  g_free (ws->s);
  g_free (ws->u);
  g_free (ws->vt);
  g_free (ws->g);
  g_free (ws->c);
  g_free (ws->gram);
  g_free (ws->scaled);
  g_free (ws->inner);
  g_free (ws->work);
  g_free (ws->iwork);
  g_free (ws);
}

gboolean
grok_spectrum_workspace_fits (const GrokSpectrumWorkspace *ws, int m, int n)
{
  g_return_val_if_fail (ws != NULL, FALSE);
  return m > 0 && n > 0 && MIN (m, n) <= ws->max_mn && MAX (m, n) <= ws->max_mx;
}

/* to = from in double; FALSE at the first NaN or Inf */
static gboolean
copy_finite (double *to, const float *from, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (from[i]))
        return FALSE;
      to[i] = from[i];
    }
  return TRUE;
}

/* A row-major m x n matrix is, read column-major, its transpose: an n x m matrix with leading
 * dimension n. LAPACK's thin SVD of that transpose, W^T = V diag(s) U^T, then leaves in its
 * "U" output (n x r, column-major) exactly V^T as a row-major r x n array, and in its "VT"
 * output (r x m, column-major) exactly U as a row-major m x r array. Calling the column-major
 * driver this way needs no transposition and no allocation inside LAPACKE. */
gboolean
grok_spectrum_svd (GrokSpectrumWorkspace *ws, const float *w, int m, int n,
                   gboolean vectors, double **u, double **s, double **vt)
{
  gsize numel = (gsize) m * n;
  int r = MIN (m, n);
  lapack_int info;

  g_return_val_if_fail (ws != NULL && w != NULL && s != NULL, FALSE);
  g_return_val_if_fail (grok_spectrum_workspace_fits (ws, m, n), FALSE);

  if (!copy_finite (ws->a, w, numel))
    return FALSE;
  info = LAPACKE_dgesdd_work (LAPACK_COL_MAJOR, vectors ? 'S' : 'N', n, m, ws->a, n, ws->s,
                              ws->vt, n, ws->u, r, ws->work, ws->lwork, ws->iwork);
  if (info != 0)
    return FALSE;
  *s = ws->s;
  if (vectors)
    {
      *u = ws->u;
      *vt = ws->vt;
    }
  return TRUE;
}

gboolean
grok_singular_values (GrokSpectrumWorkspace *ws, const float *w, int m, int n, double *s)
{
  double *sv;

  g_return_val_if_fail (s != NULL, FALSE);
  if (!grok_spectrum_svd (ws, w, m, n, FALSE, NULL, &sv, NULL))
    return FALSE;
  memcpy (s, sv, sizeof (double) * MIN (m, n));
  return TRUE;
}

static double
sum_of (const double *s, int r)
{
  double total = 0.0;

  for (int i = 0; i < r; i++)
    total += s[i];
  return total;
}

double
grok_spectral_entropy (const double *s, int r)
{
  double total = sum_of (s, r), h = 0.0;

  if (!(total > 0.0))
    return 0.0;
  for (int i = 0; i < r; i++)
    {
      double p = s[i] / total;
      h -= p * log (p + GROK_SPECTRAL_ENTROPY_EPS);
    }
  return h;
}

double
grok_stable_rank (const double *s, int r)
{
  double frob2 = 0.0;

  if (r < 1 || !(s[0] > 0.0))
    return 0.0;
  for (int i = 0; i < r; i++)
    frob2 += s[i] * s[i];
  return frob2 / (s[0] * s[0]);
}

GrokSpectrumSummary *
grok_spectrum_summary_new (const GrokParams *params, GrokSpectrumWorkspace *ws)
{
  g_autoptr (GrokSpectrumWorkspace) own_ws = NULL;
  g_autoptr (GrokSpectrumSummary) summary = g_new0 (GrokSpectrumSummary, 1);
  double h_sum = 0.0, eff_sum = 0.0;

  g_return_val_if_fail (params != NULL, NULL);
  if (ws == NULL)
    ws = own_ws = grok_spectrum_workspace_new_for_params (params);

  summary->matrices = g_new0 (GrokMatrixSpectrum, MAX (params->n_tensors, 1));
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      GrokMatrixSpectrum *ms;

      if (t->ndim != 2)
        continue;
      ms = &summary->matrices[summary->n_matrices++];
      ms->tensor = i;
      ms->rows = t->shape[0];
      ms->cols = t->shape[1];
      ms->rank = MIN (ms->rows, ms->cols);
      ms->s = g_new (double, ms->rank);
      if (!grok_singular_values (ws, params->data + t->offset, ms->rows, ms->cols, ms->s))
        return NULL;
      ms->entropy = grok_spectral_entropy (ms->s, ms->rank);
      ms->eff_rank = exp (ms->entropy);
      ms->stable_rank = grok_stable_rank (ms->s, ms->rank);
      h_sum += ms->entropy;
      eff_sum += ms->eff_rank;
    }
  summary->spectral_entropy_mean = summary->n_matrices ? h_sum / summary->n_matrices : NAN;
  summary->eff_rank_mean = summary->n_matrices ? eff_sum / summary->n_matrices : NAN;
  return g_steal_pointer (&summary);
}

void
grok_spectrum_summary_free (GrokSpectrumSummary *summary)
{
  if (summary == NULL)
    return;
  for (int i = 0; i < summary->n_matrices; i++)
    g_free (summary->matrices[i].s);
  g_free (summary->matrices);
  g_free (summary);
}

/* dH/ds_j for the SPEC's exact H = -sum p_i ln(p_i + eps), p_i = s_i / S, S = sum s, written
 * into c (r). With g_i = dH/dp_i = -(ln(p_i + eps) + p_i / (p_i + eps)) and
 * dp_i/ds_j = (delta_ij - p_i) / S, the chain rule gives dH/ds_j = (g_j - sum_i p_i g_i) / S.
 * With eps = 0 this is the SPEC's -(ln p_j + H) / S; we keep eps because it is the gradient of
 * the value we report (the two differ by O(eps / p_j), below float resolution unless a singular
 * value is itself tiny), and because it stays finite when a singular value is exactly zero,
 * where the eps-free formula has ln 0. */
static double
entropy_grad_s (const double *s, int r, double *c)
{
  double total = sum_of (s, r), h = 0.0, mean_g = 0.0;

  if (!(total > 0.0))
    {
      memset (c, 0, sizeof (double) * r);
      return 0.0;
    }
  for (int i = 0; i < r; i++)
    {
      double p = s[i] / total;
      c[i] = -(log (p + GROK_SPECTRAL_ENTROPY_EPS) + p / (p + GROK_SPECTRAL_ENTROPY_EPS));
      h -= p * log (p + GROK_SPECTRAL_ENTROPY_EPS);
      mean_g += p * c[i];
    }
  for (int i = 0; i < r; i++)
    c[i] = (c[i] - mean_g) / total;
  return h;
}

/* Below this fraction of the largest, a singular value is taken as zero: the float32 weights
 * carry rounding of 2^-24 of their size, so smaller values are indistinguishable from it, and
 * the Gram matrix's eigenvalues (s^2) have an absolute error of about 1e-16 s_max^2 in double,
 * so s near 1e-8 s_max is no longer resolved. H is not differentiable at a zero singular value
 * (its new singular values under a perturbation E of W are the same for E and -E): a zero
 * value contributes neither to H nor to the gradient, which is then the one central
 * differences see. */
#define ZERO_SINGULAR_FRACTION 0x1p-20

/* The singular values and right singular vectors of the smaller side of w (m x n, in ws->a as
 * double): the eigenvalues s_i^2 of G = W^T W (n <= m) or W W^T (m < n), one dsyrk and one
 * dsyevd, in r = min(m, n). ws->s receives s (ascending), ws->gram the eigenvectors as the
 * rows of a row-major r x r array. Half the time of dgesdd for a square matrix, a third for
 * 512 x 128, and no left singular vectors needed. */
static gboolean
gram_eigen (GrokSpectrumWorkspace *ws, int m, int n)
{
  int r = MIN (m, n);
  double floor;

  /* row-major upper triangle = column-major lower triangle of the same symmetric matrix */
  cblas_dsyrk (CblasRowMajor, CblasUpper, m >= n ? CblasTrans : CblasNoTrans, r, MAX (m, n),
               1.0, ws->a, n, 0.0, ws->gram, r);
  if (LAPACKE_dsyevd_work (LAPACK_COL_MAJOR, 'V', 'L', r, ws->gram, r, ws->s, ws->work,
                           ws->lwork, ws->iwork, 8 * ws->max_mn) != 0)
    return FALSE;
  floor = ws->s[r - 1] * ZERO_SINGULAR_FRACTION * ZERO_SINGULAR_FRACTION;
  for (int i = 0; i < r; i++)
    ws->s[i] = ws->s[i] > floor ? sqrt (ws->s[i]) : 0.0;
  return TRUE;
}

/* H of one matrix, and grad += scale * dH/dW. With W = U diag(s) V^T, dH/dW = U diag(c) V^T
 * (c = dH/ds: the derivative of a simple singular value is u_j v_j^T), and U = W V diag(1/s)
 * on the non-zero values, so dH/dW = W M with M = V diag(c / s) V^T (n <= m), or M W with U in
 * place of V (m < n): the smaller Gram matrix's eigenvectors are all it needs. */
static double
matrix_penalty (GrokSpectrumWorkspace *ws, const float *w, float *grad, int m, int n,
                double scale)
{
  int r = MIN (m, n);
  double *z = ws->gram, *c = ws->c;
  double h;

  if (!copy_finite (ws->a, w, (gsize) m * n) || !gram_eigen (ws, m, n))
    return NAN;
  h = entropy_grad_s (ws->s, r, c);
  for (int j = 0; j < r; j++)
    {
      double weight = ws->s[j] > 0.0 ? c[j] / ws->s[j] : 0.0;
      for (int i = 0; i < r; i++)
        ws->scaled[(gsize) j * r + i] = weight * z[(gsize) j * r + i];
    }
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, r, r, r, 1.0, z, r, ws->scaled, r,
               0.0, ws->inner, r);
  if (m >= n)
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, n, 1.0, ws->a, n, ws->inner,
                 n, 0.0, ws->g, n);
  else
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, m, 1.0, ws->inner, m, ws->a,
                 n, 0.0, ws->g, n);
  for (gsize i = 0; i < (gsize) m * n; i++)
    grad[i] += (float) (scale * ws->g[i]);
  return h;
}

int
grok_spectral_penalty_count (const GrokParams *params)
{
  int count = 0;

  g_return_val_if_fail (params != NULL, 0);
  for (int i = 0; i < params->n_tensors; i++)
    count += params->tensors[i].ndim == 2;
  return count;
}

double
grok_spectral_penalty_matrix (GrokParams *params, int tensor, double lambda, int count,
                              GrokSpectrumWorkspace *ws)
{
  const GrokTensor *t;

  g_return_val_if_fail (params != NULL && ws != NULL, NAN);
  g_return_val_if_fail (tensor >= 0 && tensor < params->n_tensors, NAN);
  t = &params->tensors[tensor];
  g_return_val_if_fail (t->ndim == 2 && count > 0, NAN);
  return matrix_penalty (ws, params->data + t->offset, params->grad + t->offset, t->shape[0],
                         t->shape[1], lambda / count);
}

double
grok_spectral_penalty (GrokParams *params, double lambda, GrokSpectrumWorkspace *ws)
{
  int count;
  double total = 0.0;

  g_return_val_if_fail (params != NULL && ws != NULL, NAN);

  count = grok_spectral_penalty_count (params);
  if (count == 0)
    return 0.0;
  for (int i = 0; i < params->n_tensors; i++)
    if (params->tensors[i].ndim == 2)
      total += grok_spectral_penalty_matrix (params, i, lambda, count, ws);
  return total / count;
}
