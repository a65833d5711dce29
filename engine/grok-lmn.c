/* The linear mapping number (SPEC section 4.3). For every pair of points the sub-network f is
 * evaluated at 21 points of the segment between them and each output is scored by how well a
 * straight line in lambda explains it (squared Pearson correlation); the matrix of mean scores L
 * is then summarised by the exponential of the entropy of its normalised spectrum.
 *
 * Cost: f's first layer is affine, so the first pre-activations along a segment are mixtures of
 * two per-point vectors; the lambda = 0 and lambda = 1 outputs are per point too. Only the 19
 * interior points of each segment go through the remaining layers, many pairs at a time in one
 * cblas_sgemm per layer, the batches spread over OpenMP threads. */
#include "grok-lmn.h"

#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "grok-error.h"
#include "grok-rng.h"

#define N_INTERIOR   (GROK_LMN_STEPS - 2)
/* rows per sgemm: large enough for the BLAS kernel to run at full speed, small enough that a
 * thread's buffers stay in the second-level cache */
#define BATCH_ROWS   2432

/* hot loops are compiled per instruction set and picked at load time: the baseline x86-64
 * build would run them 4x to 16x narrower. Not under the sanitizers, whose run-time is not
 * ready when the loader calls the picking functions. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define GROK_CLONES __attribute__ ((target_clones ("avx512f", "arch=haswell", "default")))
#else
#define GROK_CLONES
#endif

void
grok_lmn_free (GrokLmn *lmn)
{
  if (lmn == NULL)
    return;
  g_free (lmn->L);
  g_free (lmn->eig);
  g_free (lmn->order);
  g_free (lmn);
}

static int
compare_int (gconstpointer a, gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

int
grok_lmn_sample_indices (int n_total, int max_points, guint64 seed, int *indices)
{
  g_autofree int *all = NULL;
  GrokRng rng;
  int n;

  g_return_val_if_fail (n_total >= 0 && max_points > 0 && indices != NULL, 0);
  n = MIN (n_total, max_points);
  all = g_new (int, MAX (n_total, 1));
  for (int i = 0; i < n_total; i++)
    all[i] = i;
  if (n < n_total)
    {
      grok_rng_init (&rng, seed);
      grok_rng_shuffle_int (&rng, all, n_total);
    }
  memcpy (indices, all, sizeof (int) * n);
  qsort (indices, n, sizeof (int), compare_int);
  return n;
}

/* e^x in float to within about 2 ulp, written so the compiler can vectorise the loops that call
 * it: x = n ln2 + r with |r| <= ln2 / 2, e^r by its degree-7 Taylor polynomial (truncation error
 * below 5e-9 relative), 2^n put in the exponent bits. Inputs are clamped to [-87, 88], where the
 * result is still a normal float. */
static inline float
fast_expf (float x)
{
  const float shift = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
  union { float f; gint32 i; } t, s;
  float n, r, p;

  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  t.f = x * 1.44269504088896341f + shift;
  n = t.f - shift;
  r = x - n * 0.693145751953125f;          /* ln2 split: the high part is exact in float */
  r = r - n * 1.428606765330187e-06f;
  p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  s.i = (t.i - 0x4B400000 + 127) << 23;
  return p * s.f;
}

GROK_CLONES void
grok_lmn_activate (float *x, gsize n, GrokActivation act)
{
  switch (act)
    {
    case GROK_ACT_RELU:
#pragma omp simd
      for (gsize i = 0; i < n; i++)
        x[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case GROK_ACT_LEAKY_RELU:
#pragma omp simd
      for (gsize i = 0; i < n; i++)
        x[i] = x[i] > 0.0f ? x[i] : (float) GROK_LEAKY_RELU_SLOPE * x[i];
      break;
    case GROK_ACT_SILU:
#pragma omp simd
      for (gsize i = 0; i < n; i++)
        x[i] = x[i] / (1.0f + fast_expf (-x[i]));
      break;
    case GROK_ACT_GELU:
      for (gsize i = 0; i < n; i++)
        x[i] = 0.5f * x[i] * (1.0f + tanhf (0.7978845608028654f *
                                            (x[i] + 0.044715f * x[i] * x[i] * x[i])));
      break;
    case GROK_ACT_TANH:
      for (gsize i = 0; i < n; i++)
        x[i] = tanhf (x[i]);
      break;
    case GROK_ACT_LINEAR:
    case GROK_N_ACTIVATIONS:
    default:
      break;
    }
}

double
grok_lmn_r2 (const double *y, double scale)
{
  double mean = 0, lo = y[0], hi = y[0], syy = 0, sty = 0, stt = 0;

  for (int m = 0; m < GROK_LMN_STEPS; m++)
    {
      mean += y[m];
      lo = MIN (lo, y[m]);
      hi = MAX (hi, y[m]);
    }
  mean /= GROK_LMN_STEPS;
  if (hi - lo <= GROK_LMN_CONSTANT_RTOL * scale)
    return 1.0;
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    {
      double t = (double) m / (GROK_LMN_STEPS - 1) - 0.5;
      syy += (y[m] - mean) * (y[m] - mean);
      sty += t * (y[m] - mean);
      stt += t * t;
    }
  return CLAMP (sty * sty / (stt * syy), 0.0, 1.0);
}

/* Everything the pair loop reads: the first pre-activations, the outputs at every point and the
 * layers after the first activation. */
typedef struct
{
  int                  n;
  int                  units;       /* width of the first pre-activation */
  GrokActivation       act_first;
  const GrokLayerView *rest;
  int                  n_rest;
  int                  n_out;
  int                  max_width;
  const float         *z;           /* (n, units) */
  const float         *y_end;       /* (n, n_out) f at each point */
  const gint64        *row_start;   /* (n + 1) linear index of pair (i, i + 1) */
  double              *L;
} LmnJob;

/* x (rows, cols) += bias on every row, then the activation, row by row while it is in cache */
GROK_CLONES static void
bias_activate (float *x, int rows, int cols, const float *bias, GrokActivation act)
{
  for (int r = 0; r < rows; r++)
    {
      float *row = x + (gsize) r * cols;
      for (int c = 0; c < cols; c++)
        row[c] += bias[c];
      grok_lmn_activate (row, cols, act);
    }
}

/* rows (rows, layer->out) = act (in (rows, layer->in) @ W^T + b) */
static void
layer_forward (const GrokLayerView *layer, const float *in, float *out, int rows)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, layer->out, layer->in, 1.0f, in,
               layer->in, layer->weight, layer->in, 0.0f, out, layer->out);
  bias_activate (out, rows, layer->out, layer->bias, layer->act);
}

/* runs the rest of the network on rows held in a; returns the buffer (a or b) with the outputs */
static float *
rest_forward (const LmnJob *job, float *a, float *b, int rows)
{
  for (int l = 0; l < job->n_rest; l++)
    {
      float *tmp;
      layer_forward (&job->rest[l], a, b, rows);
      tmp = a;
      a = b;
      b = tmp;
    }
  return a;
}

/* the pair index p as (i, j), i < j */
static void
pair_of_index (const LmnJob *job, gint64 p, int *i, int *j)
{
  int lo = 0, hi = job->n - 1;

  while (lo < hi)
    {
      int mid = (lo + hi + 1) / 2;
      if (job->row_start[mid] <= p)
        lo = mid;
      else
        hi = mid - 1;
    }
  *i = lo;
  *j = lo + 1 + (int) (p - job->row_start[lo]);
}

/* mean r2 over the outputs of one pair, from the endpoint outputs and the 19 interior rows; the
 * same arithmetic as grok_lmn_r2, run across the outputs at once. acc holds 4 * n_out doubles. */
GROK_CLONES static double
pair_score (const LmnJob *job, const float *y0, const float *mid, const float *y1, double *acc)
{
  const int K = job->n_out;
  double *mean = acc, *lo = acc + K, *hi = acc + 2 * K, *sty = acc + 3 * K;
  double scale = 0, stt = 0, sum = 0;

  for (int k = 0; k < K; k++)
    {
      mean[k] = (double) y0[k] + y1[k];
      lo[k] = MIN (y0[k], y1[k]);
      hi[k] = MAX (y0[k], y1[k]);
      sty[k] = 0.5 * ((double) y1[k] - y0[k]);
    }
  for (int m = 0; m < N_INTERIOR; m++)
    {
      const float *row = mid + (gsize) m * K;
      double t = (double) (m + 1) / (GROK_LMN_STEPS - 1) - 0.5;
      for (int k = 0; k < K; k++)
        {
          mean[k] += row[k];
          lo[k] = MIN (lo[k], (double) row[k]);
          hi[k] = MAX (hi[k], (double) row[k]);
          sty[k] += t * row[k];
        }
    }
  for (int k = 0; k < K; k++)
    {
      mean[k] /= GROK_LMN_STEPS;
      scale = MAX (scale, MAX (fabs (lo[k]), fabs (hi[k])));
    }
  for (int m = 0; m < GROK_LMN_STEPS; m++)
    {
      double t = (double) m / (GROK_LMN_STEPS - 1) - 0.5;
      stt += t * t;
    }
  /* the centred sum of squares: a second pass, as in grok_lmn_r2, for accuracy */
  for (int k = 0; k < K; k++)
    lo[k] = hi[k] - lo[k] <= GROK_LMN_CONSTANT_RTOL * scale ? -1.0 : 0.0;
  for (int k = 0; k < K; k++)
    hi[k] = ((double) y0[k] - mean[k]) * (y0[k] - mean[k]) +
            ((double) y1[k] - mean[k]) * (y1[k] - mean[k]);
  for (int m = 0; m < N_INTERIOR; m++)
    {
      const float *row = mid + (gsize) m * K;
      for (int k = 0; k < K; k++)
        hi[k] += (row[k] - mean[k]) * (row[k] - mean[k]);
    }
  for (int k = 0; k < K; k++)
    sum += lo[k] < 0 ? 1.0 : CLAMP (sty[k] * sty[k] / (stt * hi[k]), 0.0, 1.0);
  return sum / K;
}

/* rows (count * 19, U): the interior points of the segments z_i -> z_j of count pairs */
GROK_CLONES static void
segment_rows (const LmnJob *job, int i, int j, int count, float *a)
{
  const int U = job->units;

  for (int q = 0; q < count; q++)
    {
      const float *zi = job->z + (gsize) i * U, *zj = job->z + (gsize) j * U;
      for (int m = 0; m < N_INTERIOR; m++)
        {
          float lam = (float) (m + 1) / (GROK_LMN_STEPS - 1);
          float *row = a + ((gsize) q * N_INTERIOR + m) * U;
          for (int u = 0; u < U; u++)
            row[u] = (1.0f - lam) * zi[u] + lam * zj[u];
        }
      if (++j == job->n)
        j = ++i + 1;
    }
}

/* the pairs [p0, p0 + count) with the thread's buffers a and b (BATCH_ROWS x max_width each)
 * and acc (4 x n_out) */
static void
lmn_batch (const LmnJob *job, gint64 p0, int count, float *a, float *b, double *acc)
{
  int i, j;
  float *out;

  pair_of_index (job, p0, &i, &j);
  segment_rows (job, i, j, count, a);
  grok_lmn_activate (a, (gsize) count * N_INTERIOR * job->units, job->act_first);
  out = rest_forward (job, a, b, count * N_INTERIOR);
  for (int q = 0; q < count; q++)
    {
      double s = pair_score (job, job->y_end + (gsize) i * job->n_out,
                             out + (gsize) q * N_INTERIOR * job->n_out,
                             job->y_end + (gsize) j * job->n_out, acc);
      job->L[(gsize) i * job->n + j] = s;
      job->L[(gsize) j * job->n + i] = s;
      if (++j == job->n)
        j = ++i + 1;
    }
}

/* The pair loop runs one batch per OpenMP thread, each calling sgemm on its own batch; BLAS's
 * own threads would only add wake-up overhead there (measured: +3 s of system time on the
 * add-mod-31 benchmark), so while the loop runs BLAS is told to use one thread, and its
 * previous setting is restored afterwards. */
static void
lmn_all_pairs (const LmnJob *job)
{
  gint64 n_pairs = (gint64) job->n * (job->n - 1) / 2;
  int per_batch = BATCH_ROWS / N_INTERIOR;
  gint64 n_batches = (n_pairs + per_batch - 1) / per_batch;
  int blas_threads = openblas_get_num_threads ();
  gboolean own_threads = FALSE;

#ifdef _OPENMP
  own_threads = omp_get_max_threads () > 1 && n_batches > 1;
#endif
  if (own_threads)
    openblas_set_num_threads (1);

#pragma omp parallel
  {
    gsize len = (gsize) BATCH_ROWS * job->max_width;
    float *a = g_new (float, len), *b = g_new (float, len);
    double *acc = g_new (double, 4 * job->n_out);

#pragma omp for schedule(dynamic, 4)
    for (gint64 t = 0; t < n_batches; t++)
      {
        gint64 p0 = t * per_batch;
        lmn_batch (job, p0, (int) MIN ((gint64) per_batch, n_pairs - p0), a, b, acc);
      }
    g_free (a);
    g_free (b);
    g_free (acc);
  }
  if (own_threads)
    openblas_set_num_threads (blas_threads);
}

double
grok_lmn_from_matrix (const double *L, int n, double *eig, double *entropy, GError **error)
{
  g_autofree double *a = NULL;
  g_autofree double *w = NULL;
  double total = 0, S = 0;
  lapack_int info;

  g_return_val_if_fail (L != NULL && n > 0, -1.0);

  a = g_memdup2 (L, sizeof (double) * n * n);
  w = g_new (double, n);
  info = LAPACKE_dsyevd (LAPACK_ROW_MAJOR, 'N', 'U', n, a, n, w);
  if (info != 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "LMN: the eigenvalues of the %d x %d linearity matrix did not converge "
                   "(LAPACKE_dsyevd info %d)", n, n, (int) info);
      return -1.0;
    }
  for (int i = 0; i < n; i++)
    total += fabs (w[i]);
  for (int i = 0; total > 0 && i < n; i++)
    {
      double q = fabs (w[i]) / total;
      if (q > 0)
        S -= q * log2 (q);
    }
  if (eig != NULL)
    memcpy (eig, w, sizeof (double) * n);
  if (entropy != NULL)
    *entropy = S;
  return exp2 (S);
}

void
grok_lmn_order (const double *L, int n, int *order)
{
  g_autofree gboolean *used = g_new0 (gboolean, n);
  int start = 0;
  double best_sum = -G_MAXDOUBLE;

  g_return_if_fail (L != NULL && order != NULL && n > 0);

  for (int i = 0; i < n; i++)
    {
      double s = 0;
      for (int j = 0; j < n; j++)
        s += L[(gsize) i * n + j];
      if (s > best_sum)
        {
          best_sum = s;
          start = i;
        }
    }
  order[0] = start;
  used[start] = TRUE;
  for (int k = 1; k < n; k++)
    {
      const double *row = L + (gsize) order[k - 1] * n;
      int next = -1;
      for (int j = 0; j < n; j++)
        if (!used[j] && (next < 0 || row[j] > row[next]))
          next = j;
      order[k] = next;
      used[next] = TRUE;
    }
}

static int
max_width (int units, const GrokLayerView *rest, int n_rest)
{
  int w = units;
  for (int l = 0; l < n_rest; l++)
    w = MAX (w, rest[l].out);
  return w;
}

GrokLmn *
grok_lmn_compute_preact (const float *z, int n_points, int units, GrokActivation act_first,
                         const GrokLayerView *rest, int n_rest, GError **error)
{
  g_autoptr (GrokLmn) lmn = NULL;
  g_autofree gint64 *row_start = NULL;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  LmnJob job = { 0 };
  int width;

  g_return_val_if_fail (z != NULL && n_points > 0 && units > 0, NULL);
  g_return_val_if_fail (n_rest == 0 || rest != NULL, NULL);
  if (n_rest > 0 && (!grok_layers_are_chained (rest, n_rest) || rest[0].in != units))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "LMN: the layers after the first pre-activation (%d units) do not chain: "
                   "check each layer's input size against the previous output size", units);
      return NULL;
    }

  width = max_width (units, rest, n_rest);
  lmn = g_new0 (GrokLmn, 1);
  lmn->n = n_points;
  lmn->L = g_new (double, (gsize) n_points * n_points);
  lmn->eig = g_new (double, n_points);
  lmn->order = g_new (int, n_points);

  /* f at every point: the lambda = 0 and lambda = 1 ends of every segment */
  a = g_new (float, (gsize) n_points * width);
  b = g_new (float, (gsize) n_points * width);
  memcpy (a, z, sizeof (float) * n_points * units);
  grok_lmn_activate (a, (gsize) n_points * units, act_first);

  row_start = g_new (gint64, n_points + 1);
  for (int i = 0; i <= n_points; i++)
    row_start[i] = (gint64) i * n_points - (gint64) i * (i + 1) / 2;

  job = (LmnJob) { .n = n_points, .units = units, .act_first = act_first, .rest = rest,
                   .n_rest = n_rest, .n_out = n_rest > 0 ? rest[n_rest - 1].out : units,
                   .max_width = width, .z = z, .row_start = row_start, .L = lmn->L };
  job.y_end = rest_forward (&job, a, b, n_points);

  for (int i = 0; i < n_points; i++)
    lmn->L[(gsize) i * n_points + i] = 1.0;
  lmn_all_pairs (&job);

  lmn->lmn = grok_lmn_from_matrix (lmn->L, n_points, lmn->eig, &lmn->entropy, error);
  if (lmn->lmn < 0)
    return NULL;
  grok_lmn_order (lmn->L, n_points, lmn->order);
  return g_steal_pointer (&lmn);
}

GrokLmn *
grok_lmn_compute (const float *points, int n_points, const GrokLayerView *f, int n_layers,
                  GError **error)
{
  g_autofree float *z = NULL;

  g_return_val_if_fail (points != NULL && n_points > 0 && f != NULL && n_layers > 0, NULL);
  if (!grok_layers_are_chained (f, n_layers))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "LMN: the %d layers of f do not chain: check each layer's input size "
                   "against the previous output size", n_layers);
      return NULL;
    }
  /* the first layer's pre-activations, once per point */
  z = g_new (float, (gsize) n_points * f[0].out);
  for (int i = 0; i < n_points; i++)
    memcpy (z + (gsize) i * f[0].out, f[0].bias, sizeof (float) * f[0].out);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n_points, f[0].out, f[0].in, 1.0f,
               points, f[0].in, f[0].weight, f[0].in, 1.0f, z, f[0].out);
  return grok_lmn_compute_preact (z, n_points, f[0].out, f[0].act, f + 1, n_layers - 1, error);
}
