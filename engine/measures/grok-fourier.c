/* Fourier norms, their concentration, and the restricted and excluded losses. */
#include "grok-fourier.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-kernels.h"

void
grok_fourier_norms (const float *rows, int p, int d, double *norms)
{
  int nf = grok_fourier_n_freq (p);
  g_autofree double *basis = g_new (double, (gsize) 2 * nf * p);
  g_autofree double *e = g_new (double, (gsize) p * d);
  g_autofree double *coef = g_new (double, (gsize) 2 * nf * d);

  g_return_if_fail (rows != NULL && p > 0 && d > 0 && norms != NULL);
  for (gsize i = 0; i < (gsize) p * d; i++)
    e[i] = rows[i];
  /* row 2k is cos(2 pi k a / p) over a, row 2k + 1 its sin; k a taken mod p keeps the angle
   * small, so large k lose no accuracy */
  for (int k = 0; k < nf; k++)
    for (int a = 0; a < p; a++)
      {
        double w = 2 * G_PI * (double) (((gint64) k * a) % p) / p;
        basis[(gsize) 2 * k * p + a] = cos (w);
        basis[(gsize) (2 * k + 1) * p + a] = sin (w);
      }
  /* coef (2 nf, d) = basis (2 nf, p) @ E (p, d) */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 2 * nf, d, p, 1.0, basis, p, e, d,
               0.0, coef, d);
  for (int k = 0; k < nf; k++)
    {
      double sum = 0;
      for (gsize i = 0; i < (gsize) 2 * d; i++)
        sum += coef[(gsize) 2 * k * d + i] * coef[(gsize) 2 * k * d + i];
      norms[k] = sqrt (sum);
    }
}

static int
compare_double (gconstpointer pa, gconstpointer pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;

  return (a > b) - (a < b);
}

double
grok_fourier_gini (const double *norms, int n_freq)
{
  int n = n_freq - 1;
  g_autofree double *x = NULL;
  double total = 0, weighted = 0;

  if (n < 1)
    return 0;
  x = g_memdup2 (norms + 1, (gsize) n * sizeof (double));
  qsort (x, n, sizeof (double), compare_double);
  for (int i = 0; i < n; i++)
    {
      total += x[i];
      weighted += (double) (i + 1) * x[i];
    }
  if (!(total > 0))
    return 0;
  /* G = sum_i sum_j |x_i - x_j| / (2 n sum x), in its sorted form */
  return 2 * weighted / (n * total) - (double) (n + 1) / n;
}

double
grok_fourier_top_share (const double *norms, int n_freq, int top)
{
  int n = n_freq - 1;
  g_autofree double *sq = NULL;
  double total = 0, kept = 0;

  if (n < 1)
    return NAN;
  sq = g_new (double, n);
  for (int i = 0; i < n; i++)
    total += sq[i] = norms[i + 1] * norms[i + 1];
  if (!(total > 0))
    return NAN;
  qsort (sq, n, sizeof (double), compare_double);
  for (int i = 0; i < MIN (top, n); i++)
    kept += sq[n - 1 - i];
  return kept / total;
}

int
grok_fourier_key_frequencies (const double *norms, int n_freq, int max, int *keys)
{
  int count = 0;
  g_autofree gboolean *taken = g_new0 (gboolean, MAX (n_freq, 1));

  while (count < max && count < n_freq - 1)
    {
      int best = -1;
      for (int k = 1; k < n_freq; k++)
        if (!taken[k] && (best < 0 || norms[k] > norms[best]))
          best = k;
      taken[best] = TRUE;
      count++;
    }
  count = 0;
  for (int k = 1; k < n_freq; k++)
    if (taken[k])
      keys[count++] = k;
  return count;
}

/* the least-squares fit g(r) = x_0 + sum_k (x_cos cos(w_k r) + x_sin sin(w_k r)) to the
 * logits of classes c < p, grouped by r = (a + b - c) mod p: every basis function depends on r
 * alone, so the normal equations need only the count and the sum of logits at each r. fit (p)
 * receives g, key (p) receives g - x_0. */
/* (a + b) mod p in 0 .. p - 1: the residue of class c = 0, whose (a + b - c) mod p then steps
 * down by one per class, wrapping at 0, without a division per class */
static inline int
residue (int a, int b, int p)
{
  return (int) ((((gint64) a + b) % p + p) % p);
}

static void
fit_by_residue (const float *logits, int n, int n_classes, const int *a, const int *b, int p,
                const int *keys, int n_keys, double *fit, double *key)
{
  int m_max = 1 + 2 * n_keys, m = 0;
  g_autofree double *count = g_new0 (double, p);
  g_autofree double *sum = g_new0 (double, p);
  g_autofree double *f = g_new (double, (gsize) m_max * p);
  g_autofree double *gram = g_new0 (double, (gsize) m_max * m_max);
  g_autofree double *rhs = g_new0 (double, m_max);

  for (int i = 0; i < n; i++)
    {
      int r = residue (a[i], b[i], p);
      for (int c = 0; c < p; c++, r = r > 0 ? r - 1 : p - 1)
        {
          count[r] += 1;
          sum[r] += logits[(gsize) i * n_classes + c];
        }
    }
  for (int r = 0; r < p; r++)
    f[r] = 1;
  m = 1;
  for (int j = 0; j < n_keys; j++)
    for (int s = 0; s < 2; s++)
      {
        double *col = f + (gsize) m * p, norm = 0;
        for (int r = 0; r < p; r++)
          {
            double w = 2 * G_PI * (double) (((gint64) keys[j] * r) % p) / p;
            col[r] = s == 0 ? cos (w) : sin (w);
            norm += col[r] * col[r];
          }
        /* sin (pi r) is zero at every r: k = p/2 of an even p has its cosine only */
        if (norm > 1e-9 * p)
          m++;
      }
  for (int i = 0; i < m; i++)
    {
      for (int r = 0; r < p; r++)
        rhs[i] += sum[r] * f[(gsize) i * p + r];
      for (int j = 0; j < m; j++)
        for (int r = 0; r < p; r++)
          gram[i * m + j] += count[r] * f[(gsize) i * p + r] * f[(gsize) j * p + r];
    }
  if (LAPACKE_dposv (LAPACK_ROW_MAJOR, 'U', m, 1, gram, m, rhs, 1) != 0)
    {
      /* no examples: nothing to fit */
      memset (rhs, 0, m * sizeof (double));
    }
  for (int r = 0; r < p; r++)
    {
      double g = 0;
      for (int i = 0; i < m; i++)
        g += rhs[i] * f[(gsize) i * p + r];
      fit[r] = g;
      key[r] = g - rhs[0];
    }
}

void
grok_fourier_losses (const float *logits, int n, int n_classes, const int *a, const int *b,
                     const int *y, const gboolean *train, int p, const int *keys, int n_keys,
                     double clip, double *restricted, double *excluded)
{
  g_autofree double *fit = g_new (double, p);
  g_autofree double *key = g_new (double, p);
  g_autofree float *row = g_new (float, n_classes);
  g_autofree float *probs = g_new (float, n_classes);
  double total_r = 0, total_e = 0;
  int n_train = 0;

  g_return_if_fail (logits != NULL && n_classes >= p && p > 0);
  fit_by_residue (logits, n, n_classes, a, b, p, keys, n_keys, fit, key);
  for (int i = 0; i < n; i++)
    {
      const float *l = logits + (gsize) i * n_classes;
      int r0 = residue (a[i], b[i], p);

      memcpy (row, l, n_classes * sizeof (float));
      for (int c = 0, r = r0; c < p; c++, r = r > 0 ? r - 1 : p - 1)
        row[c] = (float) fit[r];
      total_r += grok_cross_entropy_forward (probs, row, &y[i], 1, n_classes, clip, NULL);
      if (!train[i])
        continue;
      memcpy (row, l, n_classes * sizeof (float));
      for (int c = 0, r = r0; c < p; c++, r = r > 0 ? r - 1 : p - 1)
        row[c] = (float) (l[c] - key[r]);
      total_e += grok_cross_entropy_forward (probs, row, &y[i], 1, n_classes, clip, NULL);
      n_train++;
    }
  *restricted = n > 0 ? total_r / n : NAN;
  *excluded = n_train > 0 ? total_e / n_train : NAN;
}

void
grok_fourier_norms_free (GrokFourierNorms *norms)
{
  if (norms == NULL)
    return;
  g_free (norms->embedding);
  g_free (norms->unembedding);
  g_free (norms);
}

/* rows 0 .. p-1 of the 2-D tensor name, NULL with an error when it is missing or too small */
static const float *
tensor_rows (const GrokParams *params, const char *name, int p, int *d, GError **error)
{
  int t = grok_params_find (params, name);

  if (t < 0 || params->tensors[t].ndim != 2 || params->tensors[t].shape[0] < p)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT,
                   "the Fourier measures need the 2-D tensor '%s' with at least %d rows (one per "
                   "number mod p)", name, p);
      return NULL;
    }
  *d = (int) params->tensors[t].shape[1];
  return params->data + params->tensors[t].offset;
}

GrokFourierNorms *
grok_fourier_norms_from_params (const GrokModelSettings *model, const GrokParams *params, int p,
                                GError **error)
{
  g_autoptr (GrokFourierNorms) norms = g_new0 (GrokFourierNorms, 1);
  gboolean mlp = model->kind == GROK_MODEL_MLP;
  g_autofree char *output = mlp ? g_strdup_printf ("layers.%d.weight", (int) model->depth)
                                : g_strdup ("unembed.weight");
  const float *e, *u;
  int de, du;

  g_return_val_if_fail (p > 0, NULL);
  e = tensor_rows (params, mlp ? "embed.weight" : "tok_embed.weight", p, &de, error);
  if (e == NULL)
    return NULL;
  u = tensor_rows (params, output, p, &du, error);
  if (u == NULL)
    return NULL;
  norms->p = p;
  norms->n_freq = grok_fourier_n_freq (p);
  norms->embedding = g_new (double, norms->n_freq);
  norms->unembedding = g_new (double, norms->n_freq);
  grok_fourier_norms (e, p, de, norms->embedding);
  grok_fourier_norms (u, p, du, norms->unembedding);
  return g_steal_pointer (&norms);
}
