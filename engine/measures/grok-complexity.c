/* Coarse-grained complexity (SPEC section 4.2) at one point: coarse-graining with bin size
 * Delta and rank threshold tau, the bzip2 size of what is stored, the naive size, and the
 * Occam bound. The search over (Delta, tau) is in grok-complexity-search.c. */
#include "grok-complexity.h"
#include "grok-complexity-private.h"

#include "grok-error.h"
#include "grok-spectrum.h"

#include <bzlib.h>
#include <cblas.h>
#include <math.h>
#include <string.h>

float
grok_quantize (float x, float delta)
{
  /* rintf rounds to nearest with ties to even under the default rounding mode, which the
   * engine never changes; adding +0 turns a -0 result into +0 */
  float q = rintf (x / delta) * delta;
  return q + 0.0f;
}

int
grok_complexity_rank (const double *s, int r, double tau)
{
  double total = 0.0, running = 0.0;
  int k = 0;

  /* a share 1 of the spectrum is all of it: without this the last value (whose running sum
   * equals the total) would never be kept, no tau would leave a matrix whole, and a matrix
   * with a short side (xor2d's 2-wide input layer: rank 2, truncated to rank 1 because
   * 1 (m + n) < 2 m) would be cut at every setting, so no coarse-graining was feasible */
  if (tau >= 1.0)
    return r;
  for (int i = 0; i < r; i++)
    total += s[i];
  for (int i = 0; i < r; i++)
    {
      running += s[i];
      if (!(running < tau * total))
        break;
      k++;
    }
  return k;
}

void
grok_grainer_free (GrokGrainer *g)
{
  if (g == NULL)
    return;
  for (int i = 0; g->owns_factors && i < g->params->n_tensors; i++)
    {
      g_free (g->factors[i].us);
      g_free (g->factors[i].vt);
      g_free (g->factors[i].s);
    }
  if (g->owns_factors)
    g_free (g->factors);
  grok_params_unref (g->coarse);
  g_free (g->stored);
  g_free (g->bz);
  g_free (g);
}

void
grok_factors_canonical_signs (GrokFactors *f)
{
  for (int j = 0; j < f->r; j++)
    {
      float largest = 0.0f;
      int at = 0;

      for (int i = 0; i < f->m; i++)
        if (fabsf (f->us[(gsize) i * f->r + j]) > largest)
          largest = fabsf (f->us[(gsize) i * f->r + j]), at = i;
      if (f->us[(gsize) at * f->r + j] >= 0.0f)
        continue;
      for (int i = 0; i < f->m; i++)
        f->us[(gsize) i * f->r + j] = -f->us[(gsize) i * f->r + j];
      for (int i = 0; i < f->n; i++)
        f->vt[(gsize) j * f->n + i] = -f->vt[(gsize) j * f->n + i];
    }
}

static gboolean
factor_matrix (GrokFactors *f, GrokSpectrumWorkspace *ws, const float *w, int m, int n)
{
  double *u, *s, *vt;

  if (!grok_spectrum_svd (ws, w, m, n, TRUE, &u, &s, &vt))
    return FALSE;
  f->m = m;
  f->n = n;
  f->r = MIN (m, n);
  f->us = g_new (float, (gsize) m * f->r);
  f->vt = g_new (float, (gsize) f->r * n);
  f->s = g_memdup2 (s, sizeof (double) * f->r);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < f->r; j++)
      f->us[(gsize) i * f->r + j] = (float) (u[(gsize) i * f->r + j] * s[j]);
  for (gsize i = 0; i < (gsize) f->r * n; i++)
    f->vt[i] = (float) vt[i];
  grok_factors_canonical_signs (f);
  return TRUE;
}

static void
grainer_buffers (GrokGrainer *g)
{
  const GrokParams *params = g->params;

  g->coarse = grok_params_copy (params);
  g->stored = g_new (float, MAX (params->numel, 1));
  /* bzip2 never grows its input by more than 1% plus 600 bytes */
  g->bz_capacity = (unsigned int) (params->numel * sizeof (float) * 1.01 + 1024);
  g->bz = g_malloc (g->bz_capacity);
}

GrokGrainer *
grok_grainer_new (const GrokParams *params, GError **error)
{
  g_autoptr (GrokGrainer) g = g_new0 (GrokGrainer, 1);
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new_for_params (params);

  g->params = params;
  g->factors = g_new0 (GrokFactors, MAX (params->n_tensors, 1));
  g->owns_factors = TRUE;
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      if (t->ndim != 2)
        continue;
      if (!factor_matrix (&g->factors[i], ws, params->data + t->offset, t->shape[0],
                          t->shape[1]))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                       "Cannot coarse-grain tensor “%s”: it holds NaN or Inf, or its SVD "
                       "did not converge", t->name);
          return NULL;
        }
    }
  grainer_buffers (g);
  return g_steal_pointer (&g);
}

GrokGrainer *
grok_grainer_new_sharing (GrokGrainer *g)
{
  GrokGrainer *sibling = g_new0 (GrokGrainer, 1);

  sibling->params = g->params;
  sibling->factors = g->factors;
  grainer_buffers (sibling);
  return sibling;
}

char *
grok_grainer_profile (const GrokGrainer *g, double tau)
{
  GString *profile = g_string_new (NULL);

  for (int i = 0; i < g->params->n_tensors; i++)
    {
      const GrokFactors *f = &g->factors[i];
      int k;

      if (f->us == NULL)
        continue;
      k = grok_complexity_rank (f->s, f->r, tau);
      if ((gint64) k * (f->m + f->n) >= (gint64) f->m * f->n)
        k = -1;
      g_string_append_printf (profile, "%d,", k);
    }
  return g_string_free (profile, FALSE);
}

/* Q(src) into both the stored arrays and theta' */
static void
grain_quantized (GrokGrainer *g, const float *src, float *dst, gsize numel, float delta)
{
  float *out = g->stored + g->n_stored;

  for (gsize i = 0; i < numel; i++)
    out[i] = dst[i] = grok_quantize (src[i], delta);
  g->n_stored += numel;
}

/* store A = Q(U_k diag(s_k)) (m x k) and B = Q(V_k^T) (k x n), and use W' = A B */
static void
grain_low_rank (GrokGrainer *g, const GrokFactors *f, int k, float *dst, float delta)
{
  float *a = g->stored + g->n_stored;
  float *b = a + (gsize) f->m * k;

  for (int i = 0; i < f->m; i++)
    for (int j = 0; j < k; j++)
      a[(gsize) i * k + j] = grok_quantize (f->us[(gsize) i * f->r + j], delta);
  for (gsize i = 0; i < (gsize) k * f->n; i++)
    b[i] = grok_quantize (f->vt[i], delta);
  g->n_stored += (gsize) k * (f->m + f->n);
  if (k == 0)
    memset (dst, 0, sizeof (float) * f->m * f->n);
  else
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, f->m, f->n, k, 1.0f, a, k, b,
                 f->n, 0.0f, dst, f->n);
}

/* theta' and the stored arrays at (delta, tau), in canonical tensor order. Tensors that are
 * not matrices (vectors; the engine has nothing of higher rank) are quantised only. */
void
grok_grainer_run (GrokGrainer *g, double delta, double tau)
{
  const GrokParams *params = g->params;
  float fdelta = (float) delta;

  g->n_stored = 0;
  for (int c = 0; c < params->n_tensors; c++)
    {
      int i = params->canonical[c];
      const GrokTensor *t = &params->tensors[i];
      const GrokFactors *f = &g->factors[i];
      float *dst = g->coarse->data + t->offset;
      int k;

      if (f->us == NULL)
        {
          grain_quantized (g, params->data + t->offset, dst, t->numel, fdelta);
          continue;
        }
      k = grok_complexity_rank (f->s, f->r, tau);
      if ((gint64) k * (f->m + f->n) < (gint64) f->m * f->n)
        grain_low_rank (g, f, k, dst, fdelta);
      else
        grain_quantized (g, params->data + t->offset, dst, t->numel, fdelta);
    }
}

/* float32 as little-endian bytes: a no-op on little-endian hosts, an in-place swap elsewhere */
static void
stored_to_little_endian (float *x, gsize n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  guint32 *w = (guint32 *) x;
  for (gsize i = 0; i < n; i++)
    w[i] = GUINT32_SWAP_LE_BE (w[i]);
#endif
}

static gsize
bzip2_length (char *out, unsigned int capacity, const void *bytes, gsize len)
{
  unsigned int out_len = capacity;
  int rc;

  /* block size 9 (level 9), no progress output, work factor 0: bzip2's default (30) */
  rc = BZ2_bzBuffToBuffCompress (out, &out_len, (char *) bytes, (unsigned int) len, 9, 0, 0);
  /* the output buffer is sized for bzip2's worst case, so the only failure left is running
   * out of memory, which GLib treats as fatal everywhere else too */
  if (rc != BZ_OK)
    g_error ("bzip2 failed (%d) on %" G_GSIZE_FORMAT " bytes", rc, len);
  return out_len;
}

gsize
grok_grainer_compress (GrokGrainer *g)
{
  gsize size;

  stored_to_little_endian (g->stored, g->n_stored);
  size = bzip2_length (g->bz, g->bz_capacity, g->stored, g->n_stored * sizeof (float));
  stored_to_little_endian (g->stored, g->n_stored);
  return size;
}

GrokParams *
grok_complexity_coarse_grain (const GrokParams *params, double delta, double tau,
                              GByteArray **stored, GError **error)
{
  g_autoptr (GrokGrainer) g = NULL;

  g_return_val_if_fail (params != NULL && params->data != NULL, NULL);
  g_return_val_if_fail (delta > 0.0, NULL);

  g = grok_grainer_new (params, error);
  if (g == NULL)
    return NULL;
  grok_grainer_run (g, delta, tau);
  if (stored != NULL)
    {
      stored_to_little_endian (g->stored, g->n_stored);
      *stored = g_byte_array_sized_new (g->n_stored * sizeof (float));
      g_byte_array_append (*stored, (const guint8 *) g->stored, g->n_stored * sizeof (float));
    }
  return g_steal_pointer (&g->coarse);
}

gsize
grok_complexity_size (const GrokParams *params, double delta, double tau, GError **error)
{
  g_autoptr (GrokGrainer) g = NULL;

  g_return_val_if_fail (params != NULL && params->data != NULL, 0);
  g_return_val_if_fail (delta > 0.0, 0);

  g = grok_grainer_new (params, error);
  if (g == NULL)
    return 0;
  grok_grainer_run (g, delta, tau);
  return grok_grainer_compress (g);
}

gsize
grok_naive_size (const GrokParams *params)
{
  gsize total = 0, largest = 0;
  g_autofree float *le = NULL;
  g_autofree char *out = NULL;
  unsigned int capacity;

  g_return_val_if_fail (params != NULL && params->data != NULL, 0);

  for (int i = 0; i < params->n_tensors; i++)
    largest = MAX (largest, params->tensors[i].numel);
  capacity = (unsigned int) (largest * sizeof (float) * 1.01 + 1024);
  out = g_malloc (capacity);
  le = g_new (float, MAX (largest, 1));
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      memcpy (le, params->data + t->offset, t->numel * sizeof (float));
      stored_to_little_endian (le, t->numel);
      total += bzip2_length (out, capacity, le, t->numel * sizeof (float));
    }
  return total;
}

double
grok_complexity_occam_bound (gsize size_bytes, double train_error, gsize n_train,
                             double delta)
{
  double k = MAX (8.0 * (double) size_bytes, 1.0);

  g_return_val_if_fail (n_train > 0 && delta > 0.0 && delta < 1.0, NAN);
  return train_error + sqrt ((k * G_LN2 + 2.0 * log (k) + log (1.0 / delta)) / (2.0 * n_train));
}
