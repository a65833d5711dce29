/* Spectra of weight matrices (SPEC section 4.1) and the spectral-entropy penalty of section 3.
 * Spectra go through one thin SVD (LAPACKE dgesdd, in double), the penalty through the
 * eigenvectors of the smaller Gram matrix (dsyevd, in double); their buffers live in a
 * workspace sized once for the largest matrix, so the training step allocates nothing. */
#pragma once

#include <glib.h>

#include "grok-params.h"

G_BEGIN_DECLS

/* the epsilon inside the logarithm of the SPEC's H = -sum p_i ln(p_i + eps) */
#define GROK_SPECTRAL_ENTROPY_EPS 1e-10

typedef struct _GrokSpectrumWorkspace GrokSpectrumWorkspace;

/* buffers for any matrix with min(m, n) <= min(max_rows, max_cols) and
 * max(m, n) <= max(max_rows, max_cols) */
GrokSpectrumWorkspace *grok_spectrum_workspace_new            (int max_rows, int max_cols);
/* buffers for every 2-D tensor of params (a 1 x 1 workspace when there is none) */
GrokSpectrumWorkspace *grok_spectrum_workspace_new_for_params (const GrokParams *params);
void                   grok_spectrum_workspace_free           (GrokSpectrumWorkspace *ws);
/* TRUE when an m x n matrix fits the workspace */
gboolean               grok_spectrum_workspace_fits           (const GrokSpectrumWorkspace *ws,
                                                               int m, int n);

/* Thin SVD of w (m x n, row-major float): W = U diag(s) V^T with r = min(m, n). On success
 * *u (m x r, row-major), *s (r, descending) and *vt (r x n, row-major) point into the
 * workspace and stay valid until its next use; with vectors FALSE only *s is set (u and vt may
 * be NULL). FALSE when w holds NaN or Inf, or LAPACK does not converge. */
gboolean grok_spectrum_svd          (GrokSpectrumWorkspace *ws, const float *w, int m, int n,
                                     gboolean vectors, double **u, double **s, double **vt);
/* s (min(m, n)) receives the singular values, descending; FALSE as for grok_spectrum_svd */
gboolean grok_singular_values       (GrokSpectrumWorkspace *ws, const float *w, int m, int n,
                                     double *s);
/* H = -sum p_i ln(p_i + 1e-10), p_i = s_i / sum(s); 0 for the zero matrix */
double   grok_spectral_entropy      (const double *s, int r);
/* ||W||_F^2 / s_max^2 = sum s_i^2 / s_1^2; 0 for the zero matrix */
double   grok_stable_rank           (const double *s, int r);

typedef struct
{
  int     tensor;        /* index into params->tensors */
  int     rows, cols;
  int     rank;          /* min(rows, cols): the length of s */
  double *s;             /* descending */
  double  entropy;       /* H */
  double  eff_rank;      /* exp(H) */
  double  stable_rank;
} GrokMatrixSpectrum;

typedef struct
{
  GrokMatrixSpectrum *matrices;   /* one per 2-D tensor, in params->tensors order */
  int                 n_matrices;
  double              spectral_entropy_mean;  /* NAN when there is no matrix */
  double              eff_rank_mean;
} GrokSpectrumSummary;

/* ws may be NULL (one is made for the call). NULL when a matrix holds NaN or Inf. */
GrokSpectrumSummary *grok_spectrum_summary_new  (const GrokParams *params,
                                                 GrokSpectrumWorkspace *ws);
void                 grok_spectrum_summary_free (GrokSpectrumSummary *summary);

/* The spectral-entropy penalty: returns the mean of H over the 2-D tensors (0 when there is
 * none) and adds lambda * d(penalty)/dW into params->grad for each of them. Singular values
 * below 2^-20 of a matrix's largest count as zero, and a zero one adds nothing to H or to the
 * gradient (H has no derivative there; central differences see none). NAN when a matrix
 * holds NaN or Inf (the gradient is then left partly updated: the step has diverged anyway). */
double   grok_spectral_penalty      (GrokParams *params, double lambda,
                                     GrokSpectrumWorkspace *ws);
/* The penalty one matrix at a time, for sharing it among threads: the number of 2-D tensors,
 * and the part of tensor `tensor` (2-D) out of `count`: returns its H and adds
 * lambda / count * dH/dW into its own slice of params->grad. grok_spectral_penalty is the sum
 * of these parts' H in tensor order, divided by count; a part's result depends only on its
 * matrix, so threads with a workspace each may compute any of them. */
int      grok_spectral_penalty_count  (const GrokParams *params);
double   grok_spectral_penalty_matrix (GrokParams *params, int tensor, double lambda, int count,
                                       GrokSpectrumWorkspace *ws);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSpectrumWorkspace, grok_spectrum_workspace_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSpectrumSummary, grok_spectrum_summary_free)

G_END_DECLS
