/* Singular values, spectral entropy, effective and stable rank, and the spectral-entropy
 * penalty with its gradient. One LAPACK dgesdd per matrix, in double, on buffers sized once. */
#include "grok-spectrum.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

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
  double     *work;
  lapack_int  lwork;
  lapack_int *iwork;      /* 8 * max_mn */
};

/* The size of dgesdd's work array: LAPACK's own query for the largest shape in both
 * orientations, and never less than the documented minimum for JOBZ = 'S', which grows
 * with both dimensions and so covers every smaller matrix too. */
static lapack_int
query_lwork (int mn, int mx)
{
  double best = 4.0 * mn * mn + 7.0 * mn + mx;
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

  for (gsize i = 0; i < numel; i++)
    {
      if (!isfinite (w[i]))
        return FALSE;
      ws->a[i] = w[i];
    }
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

/* H of one matrix, and grad += scale * dH/dW with dH/dW = U diag(dH/ds) V^T: the derivative
 * of a simple singular value is u_j v_j^T */
static double
matrix_penalty (GrokSpectrumWorkspace *ws, const float *w, float *grad, int m, int n,
                double scale)
{
  double *u, *s, *vt, *c = ws->c;
  double h;
  int r = MIN (m, n);

  if (!grok_spectrum_svd (ws, w, m, n, TRUE, &u, &s, &vt))
    return NAN;
  h = entropy_grad_s (s, r, c);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < r; j++)
      u[(gsize) i * r + j] *= c[j];
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, r, 1.0, u, r, vt, n,
               0.0, ws->g, n);
  for (gsize i = 0; i < (gsize) m * n; i++)
    grad[i] += (float) (scale * ws->g[i]);
  return h;
}

double
grok_spectral_penalty (GrokParams *params, double lambda, GrokSpectrumWorkspace *ws)
{
  int count = 0;
  double total = 0.0;

  g_return_val_if_fail (params != NULL && ws != NULL, NAN);

  for (int i = 0; i < params->n_tensors; i++)
    count += params->tensors[i].ndim == 2;
  if (count == 0)
    return 0.0;

  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      if (t->ndim != 2)
        continue;
      total += matrix_penalty (ws, params->data + t->offset, params->grad + t->offset,
                               t->shape[0], t->shape[1], lambda / count);
    }
  return total / count;
}
