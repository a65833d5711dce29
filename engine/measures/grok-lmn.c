/* The linear mapping number (SPEC section 4.3). For every pair of points the sub-network f is
 * evaluated at 21 points of the segment between them and each output is scored by how well a
 * straight line in lambda explains it (squared Pearson correlation); the matrix of mean scores L
 * is then summarised by the exponential of the entropy of its normalised spectrum.
 *
 * Cost: f's first layer is affine, so the first pre-activations along a segment are mixtures of
 * two per-point vectors; the lambda = 0 and lambda = 1 outputs are per point too. Only the 19
 * interior points of each segment go through the remaining layers, many pairs at a time in one
 * cblas_sgemm per layer, the batches spread over a team of threads; with a smooth first
 * activation the batches are held unit-major (see segment_columns). On the SPEC's add-mod-31
 * MLP (tests/bench-lmn) OpenBLAS's kernel is a little over half the time and runs at the
 * machine's sgemm peak; SiLU is a fifth, hence its hand-written vector loops, and OpenBLAS's
 * packing copies and the bias fills most of the rest. */
#include "grok-lmn.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grok-blas.h"
#include "grok-error.h"
#include "grok-rng.h"
#include "grok-team.h"
#include "grok-vmath-avx512.h"

#ifdef GROK_VMATH_AVX512
#include <immintrin.h>
#endif

#define N_INTERIOR   (GROK_LMN_STEPS - 2)
/* rows per sgemm: large enough for the BLAS kernel to run at full speed, small enough that a
 * thread's two buffers stay in its second-level cache (1 MB here). 608 to 4864 rows measured the
 * same within noise on add-mod-31 (one thread, CPU time); this is the cache-friendly middle. */
#define BATCH_ROWS   1216

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

GROK_CLONES static void
add_bias (float *x, const float *bias, int n)
{
#pragma omp simd
  for (int i = 0; i < n; i++)
    x[i] += bias[i];
}

/* act (x + bias) in place on one row of n floats; bias may be NULL */
static inline void
activate_row (float *x, const float *bias, int n, const GrokActivationInfo *act)
{
  if (act->bias_avx512 != NULL && grok_vmath_have_avx512 ())
    {
      act->bias_avx512 (x, bias, n);
      return;
    }
  if (bias != NULL)
    add_bias (x, bias, n);
  act->forward (x, x, n);
}

/* x (rows, n) += bias, row by row */
GROK_CLONES static void
add_bias_rows (float *x, const float *bias, int rows, int n)
{
  for (int r = 0; r < rows; r++)
    {
      float *row = x + (gsize) r * n;
#pragma omp simd
      for (int o = 0; o < n; o++)
        row[o] += bias[o];
    }
}

/* act (x + bias) in place on rows (rows, n). A piecewise-linear act maps each value alone and
 * exactly, so it runs once over the block after the biases, and the identity not at all: on
 * narrow layers (xor2d-relu's 32 and 2 units) the two calls per row cost more than the values. */
static void
activate_rows (float *x, const float *bias, int rows, int n, const GrokActivationInfo *act)
{
  if (!act->piecewise_linear || (act->bias_avx512 != NULL && grok_vmath_have_avx512 ()))
    {
      for (int r = 0; r < rows; r++)
        activate_row (x + (gsize) r * n, bias, n, act);
      return;
    }
  add_bias_rows (x, bias, rows, n);
  if (act->slope_below != 1.0 || act->slope_above != 1.0)
    act->forward (x, x, (gsize) rows * n);
}

void
grok_lmn_activate (float *x, gsize n, GrokActivation act)
{
  g_return_if_fail (x != NULL || n == 0);
  activate_row (x, NULL, n, grok_activation_info (act));
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
 * layers after the first activation, padded (see pad_layers). */
typedef struct
{
  int                       n;
  int                       units;       /* width of the first pre-activation */
  const GrokActivationInfo *act_first;
  GrokActivationMixLoop     mix_avx512;  /* act_first's, when this CPU runs it; else NULL */
  const GrokLayerView      *rest;        /* padded copies */
  int                       n_rest;
  int                       n_out;       /* outputs of f */
  int                       out_stride;  /* floats per output row: n_out, padded */
  int                       max_width;
  int                       batch_rows;
  const float              *z;           /* (n, units) */
  const float              *zt;          /* (units, n): z transposed, for the AVX-512 mixing */
  /* set when act_first is piecewise linear (see kinked_rows): rest[0]'s weights transposed
   * (units, rest[0].out) and rest[0]'s sums without bias at every point (n, rest[0].out) */
  const float              *wt;
  const float              *p_end;
  float                     slope_below; /* act_first's pieces, when it is piecewise linear */
  float                     slope_above;
  const float              *y_end;       /* (n, out_stride) f at each point */
  const gint64             *row_start;   /* (n + 1) linear index of pair (i, i + 1) */
  double                    stt;         /* sum of (t - mean t)^2 over the 21 values of lambda */
  double                   *L;
} LmnJob;

/* OpenBLAS's single-precision kernels work on blocks of 16 outputs and run a width just short of
 * a multiple of 16 at two thirds of their speed (measured on 100 -> 31: 63 GFLOP/s against 88
 * for 100 -> 32, one thread, 2432 rows). A layer is widened to the next multiple of 16 with zero
 * weights when that adds at most 1/16 of its width; 100 stays 100, where 112 did not pay. */
static int
padded_width (int out)
{
  int up = (out + 15) / 16 * 16;
  return (up - out) * 16 <= out ? up : out;
}

/* copies of the n_rest layers with padded widths: the extra outputs have zero weights and bias,
 * so they are exactly 0 (every activation maps 0 to 0), and the next layer's extra inputs have
 * zero weights, so the real outputs are the same sums. The arrays go to storage (free it). */
static GrokLayerView *
pad_layers (const GrokLayerView *rest, int n_rest, int units, float **storage)
{
  GrokLayerView *pad = g_new (GrokLayerView, MAX (n_rest, 1));
  gsize total = 0, at = 0;
  int in = units;

  for (int l = 0; l < n_rest; l++)
    {
      int out = padded_width (rest[l].out);
      total += (gsize) out * in + out;
      in = out;
    }
  *storage = g_new0 (float, MAX (total, 1));
  in = units;
  for (int l = 0; l < n_rest; l++)
    {
      int out = padded_width (rest[l].out);
      float *w = *storage + at, *b = w + (gsize) out * in;
      for (int o = 0; o < rest[l].out; o++)
        memcpy (w + (gsize) o * in, rest[l].weight + (gsize) o * rest[l].in,
                sizeof (float) * rest[l].in);
      memcpy (b, rest[l].bias, sizeof (float) * rest[l].out);
      pad[l] = (GrokLayerView) { w, b, in, out, rest[l].act };
      at += (gsize) out * in + out;
      in = out;
    }
  return pad;
}

/* rows (rows, layer->out) = act (in (rows, layer->in) @ W^T + b); a smooth activation goes on
 * row by row with the bias while the row is in the first-level cache */
static void
layer_forward (const GrokLayerView *layer, const float *in, float *out, int rows)
{
  const GrokActivationInfo *act = grok_activation_info (layer->act);

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, layer->out, layer->in, 1.0f, in,
               layer->in, layer->weight, layer->in, 0.0f, out, layer->out);
  activate_rows (out, layer->bias, rows, layer->out, act);
}

/* runs the layers from first on of the rest of the network on rows held in a; returns the
 * buffer (a or b) with the outputs */
static float *
rest_forward (const LmnJob *job, int first, float *a, float *b, int rows)
{
  for (int l = first; l < job->n_rest; l++)
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

/* The sums one pair's score needs, across the outputs at once in float: mean, least and greatest
 * value, sum of t y and centred sum of squares of every output over the 21 points. Every sum runs
 * over d = y - y(0), not y: |d| is at most the output's range R on the segment, so the sums'
 * rounding is relative to R, whatever the offset |y|. The mean of d is within 21 eps R of the
 * truth, and a shift of the mean by delta raises the centred sum of squares by 21 delta^2 only,
 * while that sum is at least R^2 / 2; t y's 21 terms are at most R / 2 each, and sty is near
 * 1.9 R for a straight output. So r2 = sty^2 / (stt syy) comes out within a few times
 * 21 * 2^-24 relative (~1e-5 at worst, ~1e-6 typically) of the same formula on the same floats
 * in double; the float32 forward pass already puts errors of about eps |y| / R on r2, the same
 * size or larger. sums holds 5 * out_stride floats. */
GROK_CLONES static void
pair_sums (int K, const float *y0, const float *mid, const float *y1, float *sums)
{
  float *mean = sums, *lo = sums + K, *hi = sums + 2 * K, *sty = sums + 3 * K, *syy = sums + 4 * K;

#pragma omp simd
  for (int k = 0; k < K; k++)
    {
      mean[k] = y1[k] - y0[k];
      lo[k] = MIN (y0[k], y1[k]);
      hi[k] = MAX (y0[k], y1[k]);
      sty[k] = 10.0f * mean[k];          /* (m - 10) d summed, m = 20; m = 0 has d = 0 */
    }
  for (int m = 0; m < N_INTERIOR; m++)
    {
      const float *row = mid + (gsize) m * K;
      const float tm = (float) (m + 1 - 10);
#pragma omp simd
      for (int k = 0; k < K; k++)
        {
          float d = row[k] - y0[k];
          mean[k] += d;
          lo[k] = MIN (lo[k], row[k]);
          hi[k] = MAX (hi[k], row[k]);
          sty[k] += tm * d;
        }
    }
#pragma omp simd
  for (int k = 0; k < K; k++)
    {
      float d1 = y1[k] - y0[k];
      mean[k] *= 1.0f / GROK_LMN_STEPS;
      sty[k] *= 1.0f / (GROK_LMN_STEPS - 1);
      syy[k] = mean[k] * mean[k] + (d1 - mean[k]) * (d1 - mean[k]);
    }
  for (int m = 0; m < N_INTERIOR; m++)
    {
      const float *row = mid + (gsize) m * K;
#pragma omp simd
      for (int k = 0; k < K; k++)
        {
          float e = row[k] - y0[k] - mean[k];
          syy[k] += e * e;
        }
    }
}

#ifdef GROK_VMATH_AVX512
/* the lanes of a block of n values (0 to 16) and, in split, those the compiled vector loops
 * (pair_sums, axpy2, line_row) take in their one 8-wide step: lanes 0 to 7 of a last block of 8
 * to 15, where those loops round each product before its sum */
static inline __mmask16
block_lanes (int n, __mmask16 *split)
{
  *split = n >= 8 && n < 16 ? (__mmask16) 0xff : 0;
  return n >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << n) - 1);
}

/* pair_sums with each block of 16 outputs held in registers through the 19 rows, the last block
 * masked when K is not a multiple of 16 (xor2d-relu's f has 2 outputs): the operations of
 * pair_sums as the compiler builds them, so the same sums to the bit. Its 16-wide steps and its
 * single values fuse sty's products and syy's squares with their sums; the one 8-wide step it
 * takes when 8 or more outputs are left after the 16-wide ones rounds each product first. */
__attribute__ ((target ("avx512f"))) static void
pair_sums_avx512 (int K, const float *y0, const float *mid, const float *y1, float *sums)
{
  for (int k = 0; k < K; k += 16)
    {
      __mmask16 split;
      const __mmask16 in = block_lanes (K - k, &split);
      const __m512 a = _mm512_maskz_loadu_ps (in, y0 + k), b = _mm512_maskz_loadu_ps (in, y1 + k);
      const __m512 d1 = _mm512_sub_ps (b, a);
      __m512 mean = d1, lo = _mm512_min_ps (a, b), hi = _mm512_max_ps (a, b);
      __m512 sty = _mm512_mul_ps (_mm512_set1_ps (10.0f), d1), syy, e;

      for (int m = 0; m < N_INTERIOR; m++)
        {
          const __m512 row = _mm512_maskz_loadu_ps (in, mid + (gsize) m * K + k);
          const __m512 d = _mm512_sub_ps (row, a);
          mean = _mm512_add_ps (mean, d);
          lo = _mm512_min_ps (lo, row);
          hi = _mm512_max_ps (hi, row);
          const __m512 tm = _mm512_set1_ps ((float) (m + 1 - 10));
          sty = split ? _mm512_mask_add_ps (_mm512_fmadd_ps (tm, d, sty), split,
                                            _mm512_mul_ps (tm, d), sty)
                      : _mm512_fmadd_ps (tm, d, sty);
        }
      mean = _mm512_mul_ps (mean, _mm512_set1_ps (1.0f / GROK_LMN_STEPS));
      sty = _mm512_mul_ps (sty, _mm512_set1_ps (1.0f / (GROK_LMN_STEPS - 1)));
      e = _mm512_sub_ps (d1, mean);
      syy = _mm512_fmadd_ps (mean, mean, _mm512_mul_ps (e, e));
      if (split)
        syy = _mm512_mask_add_ps (syy, split, _mm512_mul_ps (mean, mean), _mm512_mul_ps (e, e));
      for (int m = 0; m < N_INTERIOR; m++)
        {
          e = _mm512_sub_ps (_mm512_sub_ps (_mm512_maskz_loadu_ps (in, mid + (gsize) m * K + k),
                                            a), mean);
          syy = split ? _mm512_mask_add_ps (_mm512_fmadd_ps (e, e, syy), split,
                                            _mm512_mul_ps (e, e), syy)
                      : _mm512_fmadd_ps (e, e, syy);
        }
      _mm512_mask_storeu_ps (sums + k, in, mean);
      _mm512_mask_storeu_ps (sums + K + k, in, lo);
      _mm512_mask_storeu_ps (sums + 2 * K + k, in, hi);
      _mm512_mask_storeu_ps (sums + 3 * K + k, in, sty);
      _mm512_mask_storeu_ps (sums + 4 * K + k, in, syy);
    }
}
#endif

/* the largest |lo[k]|, |hi[k]| over k < n and 0, in double: the scan
 * scale = MAX (scale, MAX (fabs (lo[k]), fabs (hi[k]))) from scale = 0. Without a NaN the
 * largest is the same whatever the order, so it is taken in one vector pass; with one the scan's
 * answer depends on where it is, and the scan runs. */
GROK_CLONES static double
pair_scale (const float *lo, const float *hi, int n)
{
  float largest = 0.0f;
  int nan = 0;
  double scale = 0;

#pragma omp simd reduction(max:largest) reduction(|:nan)
  for (int k = 0; k < n; k++)
    {
      float a = fabsf (lo[k]), b = fabsf (hi[k]);
      nan |= isnan (a) | isnan (b);
      largest = MAX (largest, MAX (a, b));
    }
  if (!nan)
    return largest;
  for (int k = 0; k < n; k++)
    scale = MAX (scale, MAX (fabs (lo[k]), fabs (hi[k])));
  return scale;
}

/* r (n): grok_lmn_r2's test and formula on the float sums of each output, each output alone */
GROK_CLONES static void
pair_r2 (const float *lo, const float *hi, const float *sty, const float *syy, double stt,
         double limit, double *r, int n)
{
#pragma omp simd
  for (int k = 0; k < n; k++)
    {
      double v = CLAMP ((double) sty[k] * sty[k] / (stt * syy[k]), 0.0, 1.0);
      r[k] = (double) hi[k] - lo[k] <= limit ? 1.0 : v;
    }
}

/* the r2 of each of the n_out real outputs of one pair into r, from the endpoint outputs and the
 * 19 interior rows (stride out_stride) */
static void
pair_scores (const LmnJob *job, const float *y0, const float *mid, const float *y1, float *sums,
             double *r)
{
  const int K = job->out_stride;
  const float *lo = sums + K, *hi = sums + 2 * K, *sty = sums + 3 * K, *syy = sums + 4 * K;

#ifdef GROK_VMATH_AVX512
  if (grok_vmath_have_avx512 ())
    pair_sums_avx512 (K, y0, mid, y1, sums);
  else
#endif
    pair_sums (K, y0, mid, y1, sums);
  pair_r2 (lo, hi, sty, syy, job->stt,
           GROK_LMN_CONSTANT_RTOL * pair_scale (lo, hi, job->n_out), r, job->n_out);
}

/* mean[q] = the mean of row q of r (count, n): each row summed in order of k, 8 rows at a time
 * so that their chains of additions overlap (each row's sum the same double as alone) */
GROK_CLONES static void
pair_means (const double *r, int count, int n, double *mean)
{
  for (int q0 = 0; q0 < count; q0 += 8)
    {
      const double *rows = r + (gsize) q0 * n;
      double total[8] = { 0 };

      if (count - q0 >= 8)
        for (int k = 0; k < n; k++)
          for (int l = 0; l < 8; l++)
            total[l] += rows[(gsize) l * n + k];
      else
        for (int l = 0; l < count - q0; l++)
          for (int k = 0; k < n; k++)
            total[l] += rows[(gsize) l * n + k];
      for (int l = 0; l < 8 && q0 + l < count; l++)
        mean[q0 + l] = total[l] / n;
    }
}

GROK_CLONES static void
mix_row (float *row, const float *zi, const float *zj, float lam, int n)
{
#pragma omp simd
  for (int u = 0; u < n; u++)
    row[u] = (1.0f - lam) * zi[u] + lam * zj[u];
}

/* rows (count * 19, U): the first activation at the interior points of the segments z_i -> z_j
 * of count pairs, each row activated as soon as it is written */
static void
segment_rows (const LmnJob *job, int i, int j, int count, float *a)
{
  const int U = job->units;

  for (int q = 0; q < count; q++)
    {
      const float *zi = job->z + (gsize) i * U, *zj = job->z + (gsize) j * U;
      for (int m = 0; m < N_INTERIOR; m++)
        {
          float *row = a + ((gsize) q * N_INTERIOR + m) * U;
          float lam = (float) (m + 1) / (GROK_LMN_STEPS - 1);
          if (job->mix_avx512 != NULL)
            {
              job->mix_avx512 (row, zi, zj, lam, U);
              continue;
            }
          mix_row (row, zi, zj, lam, U);
          activate_row (row, NULL, U, job->act_first);
        }
      if (++j == job->n)
        j = ++i + 1;
    }
}

/* TRUE when act is the identity, which activating would only copy */
static gboolean
is_identity (const GrokActivationInfo *act)
{
  return act->piecewise_linear && act->slope_below == 1.0 && act->slope_above == 1.0;
}

/* act (x (n)) in place, nothing for the identity */
static void
activate_block (float *x, gsize n, const GrokActivationInfo *act)
{
  if (!is_identity (act))
    activate_row (x, NULL, n, act);
}

/* x (rows, n): row r set to value[r] throughout */
GROK_CLONES static void
fill_rows_each (float *x, const float *value, int rows, int n)
{
  for (int r = 0; r < rows; r++)
    {
      float *row = x + (gsize) r * n;
      const float v = value[r];
#pragma omp simd
      for (int k = 0; k < n; k++)
        row[k] = v;
    }
}

/* x (rows, n): every row set to value (n), by copies of doubling length rather than a call per
 * row (rows of 32 values) */
static void
fill_rows_same (float *x, const float *value, int rows, int n)
{
  const gsize total = (gsize) rows * n;

  if (rows <= 0 || n <= 0)
    return;
  memcpy (x, value, sizeof (float) * n);
  for (gsize have = n; have < total; have *= 2)
    memcpy (x + have, x, sizeof (float) * MIN (have, total - have));
}

/* out[u * ld + m] = (1 - lam_m) zi[u] + lam_m zj[u] for the 19 interior lam_m = wb[m], wa[m] =
 * 1 - wb[m]: the rounding of the AVX-512 mixing loops, (lam b) + ((1 - lam) a) in one fused step */
GROK_CLONES static void
mix_columns (float *restrict out, gsize ld, const float *restrict zi, const float *restrict zj,
             const float *restrict wa, const float *restrict wb, int n)
{
  for (int u = 0; u < n; u++)
    {
      float *o = out + (gsize) u * ld;
      const float x = zi[u], y = zj[u];
#pragma omp simd
      for (int m = 0; m < N_INTERIOR; m++)
        o[m] = fmaf (wb[m], y, wa[m] * x);
    }
}

/* Smooth act_first: the same values as segment_rows and rest_forward, unit-major. a (U, R),
 * R = count * 19: row u holds unit u's first activation at the interior points of the count
 * segments one after another. Every layer but the last is then out (O, R) = W (O, I) a (I, R),
 * whose large operand OpenBLAS packs with straight copies of contiguous runs, where the
 * point-major a (R, I) of rest_forward had it gather and interleave rows (a tenth of the
 * time); and each activation runs over whole rows of R values with no partial vectors (100 units
 * are six and a quarter vectors of 16). The sums start from the bias with beta = 1: OpenBLAS adds
 * its finished sum to C in one rounding, as rest_forward's bias add after beta = 0 does, when
 * the layer's inputs fit one of its blocks (a few hundred; wider layers add the bias to the
 * first block's sum, another rounding as good, still the same whoever computes the pair). With
 * AVX-512 the mixing reads 16 segments at a time from z transposed, and an activation with a
 * column loop (SiLU) is applied there, before each vector is stored. pi and pj hold count ints. */
static void
segment_columns (const LmnJob *job, int i, int j, int count, float *a, int *pi, int *pj)
{
  const int U = job->units;
  const gsize R = (gsize) count * N_INTERIOR;
  const gboolean fused = job->zt != NULL;
  float wa[N_INTERIOR], wb[N_INTERIOR];

  for (int m = 0; m < N_INTERIOR; m++)
    {
      wb[m] = (float) (m + 1) / (GROK_LMN_STEPS - 1);
      wa[m] = 1.0f - wb[m];
    }
  for (int q = 0; q < count; q++)
    {
      if (fused)
        {
          pi[q] = i;
          pj[q] = j;
        }
      else
        mix_columns (a + (gsize) q * N_INTERIOR, R, job->z + (gsize) i * U,
                     job->z + (gsize) j * U, wa, wb, U);
      if (++j == job->n)
        j = ++i + 1;
    }
#ifdef GROK_VMATH_AVX512
  if (fused && job->act_first->columns_avx512 != NULL)
    {
      job->act_first->columns_avx512 (a, R, job->z, job->zt, job->n, U, pi, pj, count, wb,
                                      N_INTERIOR);
      return;
    }
  if (fused)
    grok_vmath_mix_columns_avx512 (a, R, job->z, job->zt, job->n, U, pi, pj, count, wb,
                                   N_INTERIOR);
#endif
  activate_block (a, (gsize) U * R, job->act_first);
}

/* the layers of rest on the unit-major a (units, R); returns the buffer (a or b) with f's
 * outputs point-major (R, out_stride), as rest_forward's */
static float *
rest_columns (const LmnJob *job, float *a, float *b, int R)
{
  for (int l = 0; l < job->n_rest; l++)
    {
      const GrokLayerView *layer = &job->rest[l];
      const GrokActivationInfo *act = grok_activation_info (layer->act);
      float *tmp;

      if (l < job->n_rest - 1)
        {
          fill_rows_each (b, layer->bias, layer->out, R);
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, layer->out, R, layer->in, 1.0f,
                       layer->weight, layer->in, a, R, 1.0f, b, R);
        }
      else
        {
          fill_rows_same (b, layer->bias, R, layer->out);
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasTrans, R, layer->out, layer->in, 1.0f, a,
                       R, layer->weight, layer->in, 1.0f, b, layer->out);
        }
      activate_block (b, (gsize) layer->out * R, act);
      tmp = a;
      a = b;
      b = tmp;
    }
  return a;
}

/* Piecewise-linear act_first (ReLU, leaky ReLU): along a segment unit u's first activation is
 * s_u (z_i + lambda d), d = z_j - z_i, with s_u the slope of its piece, and its input is linear
 * in lambda, so s_u changes at most once. rest[0]'s sums at lambda are then P + lambda Q with
 * P = W D z_i and Q = W D d, D = diag (s): P at lambda = 0 is per point, Q one row of products
 * per pair, and a unit that changes piece adds its weight column times the change to both.
 * About two rows of rest[0]'s products per pair instead of 19, the same sums up to rounding. */
/* step[u]: the first interior step m (1 .. 19) at which unit u's input (1 - m / 20) z_i +
 * (m / 20) z_j, as segment_rows computes it, is on the other piece than at z_i, or 0 when it
 * stays on one. The input is linear in lambda, so the steps on z_i's side come first and
 * counting the steps on the positive side finds m; count holds n ints. */
GROK_CLONES static void
kink_steps (const float *restrict zi, const float *restrict zj, int *restrict step,
            int *restrict count, int n)
{
  memset (count, 0, sizeof (int) * n);
  for (int m = 1; m <= N_INTERIOR; m++)
    {
      const float lam = (float) m / (GROK_LMN_STEPS - 1);
#pragma omp simd
      for (int u = 0; u < n; u++)
        count[u] += (1.0f - lam) * zi[u] + lam * zj[u] > 0;
    }
#pragma omp simd
  for (int u = 0; u < n; u++)
    {
      int above = zi[u] > 0, m = above ? 1 + count[u] : N_INTERIOR + 1 - count[u];
      step[u] = above != (zj[u] > 0) && m <= N_INTERIOR ? m : 0;
    }
}

/* p += cp w, q += cq w over n floats */
GROK_CLONES static void
axpy2 (float *p, float *q, const float *w, float cp, float cq, int n)
{
#pragma omp simd
  for (int o = 0; o < n; o++)
    {
      p[o] += cp * w[o];
      q[o] += cq * w[o];
    }
}

GROK_CLONES static void
line_row (float *row, const float *p, const float *q, float lam, int n)
{
#pragma omp simd
  for (int o = 0; o < n; o++)
    row[o] = p[o] + lam * q[o];
}

/* what each unit adds to P and Q (times its column of rest[0]'s weights) where it changes piece:
 * cp[u] = c z_i[u], cq[u] = c (z_j[u] - z_i[u]) with c the change of slope, for every unit at
 * once in a vector loop (picking the kinked ones' c by a branch on the sign was mispredicted
 * half the time) */
GROK_CLONES static void
kink_changes (const float *restrict zi, const float *restrict zj, float down, float up,
              float *restrict cp, float *restrict cq, int n)
{
#pragma omp simd
  for (int u = 0; u < n; u++)
    {
      float change = zi[u] > 0 ? down : up;
      cp[u] = change * zi[u];
      cq[u] = change * (zj[u] - zi[u]);
    }
}

#ifdef GROK_VMATH_AVX512
/* rest[0]'s activation as kinked_lines_avx512 applies it, in the scalar forms of
 * engine/nn/grok-activation.c (ReLU, leaky ReLU and the identity); FUSED_NONE for any other,
 * which activate_rows applies afterwards */
typedef enum
{
  FUSED_NONE,
  FUSED_IDENTITY,
  FUSED_RELU,
  FUSED_LEAKY,
} FusedAct;

static FusedAct
fused_act (GrokActivation act)
{
  switch (act)
    {
    case GROK_ACT_LINEAR:
      return FUSED_IDENTITY;
    case GROK_ACT_RELU:
      return FUSED_RELU;
    case GROK_ACT_LEAKY_RELU:
      return FUSED_LEAKY;
    default:
      return FUSED_NONE;
    }
}

/* outputs kinked_lines_avx512 holds at once: four vectors of p and of q, so that each unit's
 * updates are eight independent chains */
#define LINE_VECTORS 4

/* kinked_segment's lines with AVX-512, 64 outputs at a time held in registers through the 19
 * steps, with the rounding of the compiled axpy2 and line_row: their 16-wide steps and their
 * single values fuse each multiply and add, the one 8-wide step they take when 8 or more
 * outputs are left after the 16-wide ones rounds the product first. So the same rows to the
 * bit. Unit u of by_step adds cp[u] and cq[u] times its column of wt (units, O); first as
 * kinked_segment leaves it. Each row then gets rest[0]'s bias and activation before it is stored
 * (see fused_act): the add and the compare-and-select of activate_rows' passes over the block,
 * on the same values. */
__attribute__ ((target ("avx512f"))) static void
kinked_lines_avx512 (float *rows, const float *p0, const float *q0, const float *wt,
                     const int *by_step, const int *first, const float *cp, const float *cq,
                     int O, const float *bias, FusedAct act, float slope_below)
{
  for (int o0 = 0; o0 < O; o0 += 16 * LINE_VECTORS)
    {
      __m512 p[LINE_VECTORS], q[LINE_VECTORS], b[LINE_VECTORS];
      __mmask16 in[LINE_VECTORS], split[LINE_VECTORS];

      for (int c = 0; c < LINE_VECTORS; c++)
        {
          in[c] = block_lanes (CLAMP (O - (o0 + 16 * c), 0, 16), &split[c]);
          p[c] = q[c] = b[c] = _mm512_setzero_ps ();
          if (in[c] != 0)
            {
              p[c] = _mm512_maskz_loadu_ps (in[c], p0 + o0 + 16 * c);
              q[c] = _mm512_maskz_loadu_ps (in[c], q0 + o0 + 16 * c);
              b[c] = _mm512_maskz_loadu_ps (in[c], bias + o0 + 16 * c);
            }
        }
      for (int m = 1, k = first[0]; m <= N_INTERIOR; m++)
        {
          const __m512 lam = _mm512_set1_ps ((float) m / (GROK_LMN_STEPS - 1));

          for (; k < first[m]; k++)
            {
              const int u = by_step[k];
              const float *w = wt + (gsize) u * O + o0;
              const __m512 a = _mm512_set1_ps (cp[u]), b = _mm512_set1_ps (cq[u]);
              /* a vector past the last output is left alone (no address past the column) */
              for (int c = 0; c < LINE_VECTORS && in[c] != 0; c++)
                {
                  const __m512 wc = _mm512_maskz_loadu_ps (in[c], w + 16 * c);
                  __m512 pf = _mm512_fmadd_ps (a, wc, p[c]), qf = _mm512_fmadd_ps (b, wc, q[c]);
                  if (split[c])
                    {
                      pf = _mm512_mask_add_ps (pf, split[c], _mm512_mul_ps (a, wc), p[c]);
                      qf = _mm512_mask_add_ps (qf, split[c], _mm512_mul_ps (b, wc), q[c]);
                    }
                  p[c] = pf;
                  q[c] = qf;
                }
            }
          for (int c = 0; c < LINE_VECTORS && in[c] != 0; c++)
            {
              __m512 row = _mm512_fmadd_ps (lam, q[c], p[c]), below;
              if (split[c])
                row = _mm512_mask_add_ps (row, split[c], _mm512_mul_ps (lam, q[c]), p[c]);
              row = _mm512_add_ps (row, b[c]);
              switch (act)
                {
                case FUSED_RELU:      /* x > 0 ? x : 0 */
                  row = _mm512_maskz_mov_ps (_mm512_cmp_ps_mask (row, _mm512_setzero_ps (),
                                                                 _CMP_GT_OQ), row);
                  break;
                case FUSED_LEAKY:     /* x > s x ? x : s x */
                  below = _mm512_mul_ps (_mm512_set1_ps (slope_below), row);
                  row = _mm512_mask_mov_ps (below, _mm512_cmp_ps_mask (row, below, _CMP_GT_OQ),
                                            row);
                  break;
                default:
                  break;
                }
              _mm512_mask_storeu_ps (rows + (gsize) (m - 1) * O + o0 + 16 * c, in[c], row);
            }
        }
    }
}
#endif

/* rest[0]'s sums without bias at the 19 interior points of z_i -> z_j, from P (the point's) and
 * Q (the pair's) at lambda = 0; work holds 2 O floats, then 2 U floats (the units'
 * coefficients), then 4 U + 21 ints. Returns TRUE when the rows also have rest[0]'s bias and
 * activation. */
static gboolean
kinked_segment (const LmnJob *job, const float *zi, const float *zj, const float *p0,
                const float *q0, float *rows, float *work)
{
  const int U = job->units, O = job->rest[0].out;
  float *p = work, *q = work + O, *cp = work + 2 * O, *cq = cp + U;
  int *step = (int *) (cq + U), *by_step = step + U, *kinked = by_step + U;
  int *first = kinked + U, *count = first + N_INTERIOR + 2;
  int n_kinked = 0;

  /* the units that change piece, ordered by the step at which they do and then by number (a
   * counting sort of those units alone: most units keep their piece, and counting them all
   * into the one bin of step 0 was a chain of dependent increments) */
  memset (first, 0, sizeof (int) * (N_INTERIOR + 2));
  kink_steps (zi, zj, step, count, U);
  for (int u = 0; u < U; u++)
    {
      kinked[n_kinked] = u;
      n_kinked += step[u] != 0;
    }
  for (int k = 0; k < n_kinked; k++)
    first[step[kinked[k]] + 1]++;
  for (int m = 1; m <= N_INTERIOR + 1; m++)
    first[m] += first[m - 1];
  for (int k = 0; k < n_kinked; k++)
    by_step[first[step[kinked[k]]]++] = kinked[k];
  /* first[m] is now the end of step m's units, which begin where step m - 1's end */
  kink_changes (zi, zj, job->slope_below - job->slope_above,
                job->slope_above - job->slope_below, cp, cq, U);
#ifdef GROK_VMATH_AVX512
  const FusedAct act = fused_act (job->rest[0].act);
  if (act != FUSED_NONE && grok_vmath_have_avx512 ())
    {
      kinked_lines_avx512 (rows, p0, q0, job->wt, by_step, first, cp, cq, O, job->rest[0].bias,
                           act, (float) grok_activation_info (job->rest[0].act)->slope_below);
      return TRUE;
    }
#endif
  memcpy (p, p0, sizeof (float) * O);
  memcpy (q, q0, sizeof (float) * O);
  for (int m = 1, k = first[0]; m <= N_INTERIOR; m++)
    {
      float lam = (float) m / (GROK_LMN_STEPS - 1);
      for (; k < first[m]; k++)
        axpy2 (p, q, job->wt + (gsize) by_step[k] * O, cp[by_step[k]], cq[by_step[k]], O);
      line_row (rows + (gsize) (m - 1) * O, p, q, lam, O);
    }
  return FALSE;
}

/* rows (count * 19, rest[0].out): rest[0]'s activations at the interior points of count pairs
 * from pair (i, j) on, with a as scratch (count * (U + O) floats) */
static void
kinked_rows (const LmnJob *job, int i, int j, int count, float *a, float *rows, float *work)
{
  const int U = job->units, O = job->rest[0].out;
  const GrokActivationInfo *act = grok_activation_info (job->rest[0].act);
  float *q = a + (gsize) count * U;
  gboolean activated = FALSE;

  for (int c = 0, ci = i, cj = j; c < count; c++)
    {
      const float *zi = job->z + (gsize) ci * U, *zj = job->z + (gsize) cj * U;
      for (int u = 0; u < U; u++)
        a[(gsize) c * U + u] = (zi[u] > 0 ? job->slope_above : job->slope_below) * (zj[u] - zi[u]);
      if (++cj == job->n)
        cj = ++ci + 1;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, count, O, U, 1.0f, a, U,
               job->rest[0].weight, U, 0.0f, q, O);
  for (int c = 0; c < count; c++)
    {
      activated = kinked_segment (job, job->z + (gsize) i * U, job->z + (gsize) j * U,
                                  job->p_end + (gsize) i * O, q + (gsize) c * O,
                                  rows + (gsize) c * N_INTERIOR * O, work);
      if (++j == job->n)
        j = ++i + 1;
    }
  if (!activated)
    activate_rows (rows, job->rest[0].bias, count * N_INTERIOR, O, act);
}

/* the pairs [p0, p0 + count) with the thread's buffers a and b (batch_rows x max_width each),
 * sums (5 x out_stride), work, pairs (2 count) and r (count x n_out doubles, then count) */
static void
lmn_batch (const LmnJob *job, gint64 p0, int count, float *a, float *b, float *sums,
           float *work, int *pairs, double *r)
{
  const int S = job->out_stride;
  int i, j;
  float *out;

  pair_of_index (job, p0, &i, &j);
  if (job->wt != NULL)
    {
      kinked_rows (job, i, j, count, a, b, work);
      out = rest_forward (job, 1, b, a, count * N_INTERIOR);
    }
  else if (job->n_rest > 0)
    {
      segment_columns (job, i, j, count, a, pairs, pairs + count);
      out = rest_columns (job, a, b, count * N_INTERIOR);
    }
  else
    {
      segment_rows (job, i, j, count, a);
      out = a;
    }
  double *mean = r + (gsize) count * job->n_out;

  for (int q = 0, pi = i, pj = j; q < count; q++)
    {
      pair_scores (job, job->y_end + (gsize) pi * S, out + (gsize) q * N_INTERIOR * S,
                   job->y_end + (gsize) pj * S, sums, r + (gsize) q * job->n_out);
      if (++pj == job->n)
        pj = ++pi + 1;
    }
  pair_means (r, count, job->n_out, mean);
  for (int q = 0; q < count; q++)
    {
      job->L[(gsize) i * job->n + j] = mean[q];
      if (++j == job->n)
        j = ++i + 1;
    }
}

/* One member's buffers for lmn_batch: a and b (batch_rows x max_width each), the sums, the
 * activation work and the batch's pairs. */
typedef struct
{
  float  *a, *b, *sums, *work;
  int    *pairs;
  double *r;
} PairBuffers;

typedef struct
{
  const LmnJob *job;
  gint64        n_pairs;
  int           per_batch;
  gint64        n_batches;
  PairBuffers  *buffers;  /* one per member of the team */
} PairsRun;

/* batches handed out together, so that a member's turn at the pool's lock is rare */
#define BATCHES_PER_TASK 4

static void
pairs_task (gpointer data, int task, int member)
{
  const PairsRun *run = data;
  PairBuffers *buf = &run->buffers[member];
  gint64 first = (gint64) task * BATCHES_PER_TASK;
  gint64 last = MIN (first + BATCHES_PER_TASK, run->n_batches);

  for (gint64 t = first; t < last; t++)
    {
      gint64 p0 = t * run->per_batch;
      lmn_batch (run->job, p0, (int) MIN ((gint64) run->per_batch, run->n_pairs - p0), buf->a,
                 buf->b, buf->sums, buf->work, buf->pairs, buf->r);
    }
}

/* L (n, n): the lower triangle set from the upper one, in tiles that stay in the first-level
 * cache (a pair's score written to both places at once missed the cache on every column
 * write) */
static void
mirror_upper (double *L, int n)
{
  const int T = 32;

  for (int i0 = 0; i0 < n; i0 += T)
    for (int j0 = i0; j0 < n; j0 += T)
      for (int i = i0; i < MIN (i0 + T, n); i++)
        for (int j = MAX (j0, i + 1); j < MIN (j0 + T, n); j++)
          L[(gsize) j * n + i] = L[(gsize) i * n + j];
}

/* The pair loop runs its batches over a team of one thread per core (engine/base/grok-team.h:
 * they sleep between calls, so beside training they take no core they do not use), each member
 * calling sgemm on its own batch with its own buffers; BLAS's own threads would only add wake-up
 * overhead there (measured: +3 s of system time on the add-mod-31 benchmark). Every pair's
 * entry is computed alone, so the matrix does not depend on which member took it. The caller
 * has BLAS on one thread while this runs. A background team: beside training, the pool's
 * workers go to training's calls first. */
static void
lmn_all_pairs (const LmnJob *job)
{
  PairsRun run = { job, (gint64) job->n * (job->n - 1) / 2, MAX (job->batch_rows / N_INTERIOR, 1) };
  gint64 n_tasks;
  int threads;
  GrokTeam *team;
  gsize len;

  run.n_batches = (run.n_pairs + run.per_batch - 1) / run.per_batch;
  n_tasks = (run.n_batches + BATCHES_PER_TASK - 1) / BATCHES_PER_TASK;
  threads = (int) MIN ((gint64) g_get_num_processors (), MAX (n_tasks, 1));
  team = grok_team_new_background (threads);
  threads = grok_team_threads (team);
  len = (gsize) run.per_batch * N_INTERIOR * job->max_width;
  run.buffers = g_new (PairBuffers, threads);
  for (int m = 0; m < threads; m++)
    run.buffers[m] = (PairBuffers) {
      g_new (float, len), g_new (float, len), g_new (float, 5 * job->out_stride),
      g_new (float, 2 * job->max_width + 6 * job->units + GROK_LMN_STEPS),
      g_new (int, 2 * run.per_batch),
      g_new (double, (gsize) run.per_batch * (job->n_out + 1)),
    };
  grok_team_run (team, (int) n_tasks, pairs_task, &run);
  grok_team_free (team);
  mirror_upper (job->L, job->n);
  for (int m = 0; m < threads; m++)
    {
      g_free (run.buffers[m].a);
      g_free (run.buffers[m].b);
      g_free (run.buffers[m].sums);
      g_free (run.buffers[m].work);
      g_free (run.buffers[m].pairs);
      g_free (run.buffers[m].r);
    }
  g_free (run.buffers);
}

double
grok_lmn_from_matrix (const double *L, int n, double *eig, double *entropy, GError **error)
{
  g_autofree double *a = NULL;
  g_autofree double *w = NULL;
  double total = 0, S = 0;
  lapack_int info;

  g_return_val_if_fail (L != NULL && n > 0, -1.0);

  /* L's upper triangle mirrored into the lower one: then a read column-major is the transposed
   * copy of the upper triangle that LAPACKE's row-major call would make, without LAPACKE's
   * strided copy (on 256 points it took longer than the eigenvalues) */
  a = g_memdup2 (L, sizeof (double) * n * n);
  mirror_upper (a, n);
  w = g_new (double, n);
  info = LAPACKE_dsyevd (LAPACK_COL_MAJOR, 'N', 'U', n, a, n, w);
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

/* for kinked_rows: rest[0]'s weights transposed into wt (units, O) and its sums without bias at
 * the activated points act (n, units) into p_end (n, O) */
static void
kinked_setup (const LmnJob *job, const float *act, float *wt, float *p_end)
{
  const GrokLayerView *layer = &job->rest[0];

  for (int o = 0; o < layer->out; o++)
    for (int u = 0; u < layer->in; u++)
      wt[(gsize) u * layer->out + o] = layer->weight[(gsize) o * layer->in + u];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, job->n, layer->out, layer->in, 1.0f, act,
               layer->in, layer->weight, layer->in, 0.0f, p_end, layer->out);
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
  g_autofree GrokLayerView *padded = NULL;
  g_autofree float *storage = NULL;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  g_autofree float *wt = NULL;
  g_autofree float *p_end = NULL;
  g_autofree float *zt = NULL;
  const GrokActivationInfo *first;
  LmnJob job = { 0 };
  int width;

  grok_blas_init ();
  g_return_val_if_fail (z != NULL && n_points > 0 && units > 0, NULL);
  g_return_val_if_fail (n_rest == 0 || rest != NULL, NULL);
  if (n_rest > 0 && (!grok_layers_are_chained (rest, n_rest) || rest[0].in != units))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "LMN: the layers after the first pre-activation (%d units) do not chain: "
                   "check each layer's input size against the previous output size", units);
      return NULL;
    }

  padded = pad_layers (rest, n_rest, units, &storage);
  width = max_width (units, padded, n_rest);
  lmn = g_new0 (GrokLmn, 1);
  lmn->n = n_points;
  lmn->L = g_new (double, (gsize) n_points * n_points);
  lmn->eig = g_new (double, n_points);
  lmn->order = g_new (int, n_points);

  row_start = g_new (gint64, n_points + 1);
  for (int i = 0; i <= n_points; i++)
    row_start[i] = (gint64) i * n_points - (gint64) i * (i + 1) / 2;
  first = grok_activation_info (act_first);
  job = (LmnJob) { .n = n_points, .units = units, .act_first = first,
                   .mix_avx512 = grok_vmath_have_avx512 () ? first->mix_avx512 : NULL,
                   .rest = padded, .n_rest = n_rest, .n_out = n_rest > 0 ? rest[n_rest - 1].out : units,
                   .out_stride = n_rest > 0 ? padded[n_rest - 1].out : units,
                   .max_width = width, .batch_rows = BATCH_ROWS,
                   .z = z, .row_start = row_start, .L = lmn->L };

  /* f at every point: the lambda = 0 and lambda = 1 ends of every segment */
  a = g_new (float, (gsize) n_points * width);
  b = g_new (float, (gsize) n_points * width);
  memcpy (a, z, sizeof (float) * n_points * units);
  grok_lmn_activate (a, (gsize) n_points * units, act_first);
  if (first->piecewise_linear && n_rest > 0)
    {
      wt = g_new (float, (gsize) units * padded[0].out);
      p_end = g_new (float, (gsize) n_points * padded[0].out);
      kinked_setup (&job, a, wt, p_end);
      job.wt = wt;
      job.p_end = p_end;
      job.slope_below = (float) first->slope_below;
      job.slope_above = (float) first->slope_above;
    }
  else if (n_rest > 0 && grok_vmath_have_avx512 ())
    {
      zt = g_new (float, (gsize) units * n_points);
      for (int i = 0; i < n_points; i++)
        for (int u = 0; u < units; u++)
          zt[(gsize) u * n_points + i] = z[(gsize) i * units + u];
      job.zt = zt;
    }
  job.y_end = rest_forward (&job, 0, a, b, n_points);

  for (int m = 0; m < GROK_LMN_STEPS; m++)
    {
      double t = (double) m / (GROK_LMN_STEPS - 1) - 0.5;
      job.stt += t * t;
    }
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

  grok_blas_init ();
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
