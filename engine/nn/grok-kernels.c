/* MLP kernels: linear layers through OpenBLAS, element-wise activations, token embeddings and
 * the softmax cross-entropy. */
#include "grok-kernels.h"
#include "grok-vmath.h"
#include "grok-vmath-avx512.h"

#include <cblas.h>
#ifdef GROK_VMATH_AVX512
#include <immintrin.h>
#endif
#include <math.h>
#include <string.h>

/* loops compiled per instruction set and picked at load time, as in grok-lmn.c (not under the
 * sanitizers, whose run-time is not ready when the loader picks). Each of their values is one
 * rounding, no product added to fuse, so it is the same at every width. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define KERNEL_CLONES __attribute__ ((target_clones ("avx512f", "arch=haswell", "default")))
#else
#define KERNEL_CLONES
#endif

void
grok_linear_forward (float *out, const float *inp, const float *weight, const float *bias,
                     int N, int C, int OC)
{
  float beta = 0.0f;

  if (bias != NULL)
    {
      for (int n = 0; n < N; n++)
        memcpy (out + (gsize) n * OC, bias, OC * sizeof (float));
      beta = 1.0f;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C,
               1.0f, inp, C, weight, C, beta, out, OC);
}

/* the bias and the activation in one pass over each row while it is in the cache, not two
 * passes over the whole (N, OC) output after a copy of the bias into it */
KERNEL_CLONES void
grok_linear_act_forward (float *pre, float *post, const float *inp, const float *weight,
                         const float *bias, int N, int C, int OC, GrokActivation act)
{
  void (*forward) (float *, const float *, gsize) = grok_activation_info (act)->forward;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C,
               1.0f, inp, C, weight, C, 0.0f, pre, OC);
  for (int n = 0; n < N; n++)
    {
      float *row = pre + (gsize) n * OC;
#pragma omp simd
      for (int o = 0; o < OC; o++)
        row[o] += bias[o];
      forward (post + (gsize) n * OC, row, OC);
    }
}

void
grok_linear_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                      const float *inp, const float *weight, int N, int C, int OC)
{
  if (dinp != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, C, OC,
                 1.0f, dout, OC, weight, C, 0.0f, dinp, C);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, N,
               1.0f, dout, OC, inp, C, 1.0f, dweight, C);
  if (dbias != NULL)
    grok_bias_backward (dbias, dout, N, OC);
}

KERNEL_CLONES void
grok_bias_backward (float *dbias, const float *dout, int N, int OC)
{
  for (int n = 0; n < N; n++)
    {
      const float *row = dout + (gsize) n * OC;
#pragma omp simd
      for (int o = 0; o < OC; o++)
        dbias[o] += row[o];
    }
}

void
grok_activation_forward (GrokActivation act, float *out, const float *inp, gsize n)
{
  grok_activation_info (act)->forward (out, inp, n);
}

void
grok_activation_backward (GrokActivation act, float *dinp, const float *dout, const float *inp,
                          gsize n)
{
  g_assert (dinp != inp);
  if (dinp != dout)
    memcpy (dinp, dout, n * sizeof (float));
  grok_activation_info (act)->backward (dinp, inp, n);
}

KERNEL_CLONES void
grok_add_rows (float *out, const float *a, const float *b, int n)
{
#pragma omp simd
  for (int i = 0; i < n; i++)
    out[i] = a[i] + b[i];
}

void
grok_embedding_forward (float *out, const int *tokens, const float *table, int N, int T, int D)
{
  for (gsize i = 0; i < (gsize) N * T; i++)
    memcpy (out + i * D, table + (gsize) tokens[i] * D, D * sizeof (float));
}

void
grok_embedding_backward (float *dtable, const float *dout, const int *tokens, int N, int T, int D)
{
  for (gsize i = 0; i < (gsize) N * T; i++)
    {
      float *dst = dtable + (gsize) tokens[i] * D;
      const float *src = dout + i * D;
#pragma omp simd
      for (int d = 0; d < D; d++)
        dst[d] += src[d];
    }
}

/* TRUE when the target probability of a row was clipped (and so passes no gradient) */
static inline gboolean
is_clipped (double p_target, double clip)
{
  return clip > 0.0 && (p_target < clip || p_target > 1.0 - clip);
}


/* The index of a row's largest logit, the first of equals: the scan
 * `if (row[v] > row[argmax]) argmax = v` from argmax = 0, which stops at the first value equal
 * to the largest. */
static inline int
row_argmax_scan (const float *row, int V)
{
  int argmax = 0;

  for (int v = 1; v < V; v++)
    if (row[v] > row[argmax])
      argmax = v;
  return argmax;
}

#ifdef GROK_VMATH_AVX512
/* the largest value of a row into *largest; FALSE when the row holds a value that is not
 * finite */
__attribute__ ((target ("avx512f"))) static gboolean
row_max_avx512 (const float *row, int V, float *largest)
{
  const __m512 low = _mm512_set1_ps (-INFINITY), zero = _mm512_setzero_ps ();
  __m512 best = low;
  __mmask16 bad = 0;

  for (int v = 0; v < V; v += 16)
    {
      __mmask16 in = V - v >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (V - v)) - 1);
      __m512 x = _mm512_mask_loadu_ps (low, in, row + v);

      /* x - x is 0 for a finite x, NaN otherwise */
      bad |= _mm512_mask_cmp_ps_mask (in, _mm512_sub_ps (x, x), zero, _CMP_NEQ_UQ);
      best = _mm512_max_ps (best, x);
    }
  *largest = _mm512_reduce_max_ps (best);
  return bad == 0;
}

/* The same index with AVX-512, or -1 when the row holds a value that is not finite (with a NaN
 * the scan's answer depends on where it is): the largest value in one pass, then the first
 * index holding it. */
__attribute__ ((target ("avx512f"))) static int
row_argmax_avx512 (const float *row, int V)
{
  const __m512 low = _mm512_set1_ps (-INFINITY);
  __m512 largest;
  float top;

  if (!row_max_avx512 (row, V, &top))
    return -1;
  largest = _mm512_set1_ps (top);
  for (int v = 0; v < V; v += 16)
    {
      __mmask16 in = V - v >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (V - v)) - 1);
      __mmask16 hit = _mm512_mask_cmp_ps_mask (in, _mm512_mask_loadu_ps (low, in, row + v),
                                               largest, _CMP_EQ_OQ);
      if (hit)
        return v + __builtin_ctz (hit);
    }
  g_assert_not_reached ();
}
#endif

static int
row_argmax (const float *row, int V)
{
#ifdef GROK_VMATH_AVX512
  /* the vector passes pay off on rows wider than a couple of vectors */
  if (V >= 32 && grok_vmath_have_avx512 ())
    {
      int argmax = row_argmax_avx512 (row, V);
      if (argmax >= 0)
        return argmax;
    }
#endif
  return row_argmax_scan (row, V);
}

/* rows taken together for their sums: each row's sum stays one chain of additions in order
 * (the same double as alone), and the chains of ROWS rows overlap in the processor */
#define ROWS 8

#ifdef GROK_VMATH_AVX512
/* block_sums of ROWS = 8 rows with AVX-512: the 8 rows' sums in one vector, one lane per row,
 * each lane adding its row's values one after another in the order of v as the scan does (the
 * same doubles to the bit). The values come 8 x 8 at a time by rows and are transposed, where
 * the compiled scan gathered each v's 8 values with a shuffle per value; the last V % 8 are
 * gathered so. */
__attribute__ ((target ("avx512f"))) static void
block_sums_avx512 (double *sum, const float *p, int V)
{
  const __m512i pairs_lo = _mm512_set_epi64 (13, 12, 5, 4, 9, 8, 1, 0);
  const __m512i pairs_hi = _mm512_set_epi64 (15, 14, 7, 6, 11, 10, 3, 2);
  const __m512i halves_lo = _mm512_set_epi64 (11, 10, 9, 8, 3, 2, 1, 0);
  const __m512i halves_hi = _mm512_set_epi64 (15, 14, 13, 12, 7, 6, 5, 4);
  __m512d acc = _mm512_loadu_pd (sum);
  int v = 0;

  for (; v + 8 <= V; v += 8)
    {
      __m512d c[8], a[8], b[8], t[8];

      for (int r = 0; r < 8; r++)
        c[r] = _mm512_cvtps_pd (_mm256_loadu_ps (p + (gsize) r * V + v));
      /* a[2i] holds rows 2i, 2i + 1 at v + 0, 2, 4, 6; a[2i + 1] at v + 1, 3, 5, 7 */
      for (int i = 0; i < 4; i++)
        {
          a[2 * i] = _mm512_unpacklo_pd (c[2 * i], c[2 * i + 1]);
          a[2 * i + 1] = _mm512_unpackhi_pd (c[2 * i], c[2 * i + 1]);
        }
      /* b: rows 4h .. 4h + 3 (h = 0, 1) at v + j and v + j + 4: b[4h + j] for j = 0 .. 3 */
      for (int h = 0; h < 2; h++)
        for (int odd = 0; odd < 2; odd++)
          {
            __m512d x = a[4 * h + odd], y = a[4 * h + 2 + odd];
            b[4 * h + odd] = _mm512_permutex2var_pd (x, pairs_lo, y);
            b[4 * h + 2 + odd] = _mm512_permutex2var_pd (x, pairs_hi, y);
          }
      /* t[j]: the 8 rows at v + j */
      for (int j = 0; j < 4; j++)
        {
          t[j] = _mm512_permutex2var_pd (b[j], halves_lo, b[4 + j]);
          t[j + 4] = _mm512_permutex2var_pd (b[j], halves_hi, b[4 + j]);
        }
      for (int j = 0; j < 8; j++)
        acc = _mm512_add_pd (acc, t[j]);
    }
  for (; v < V; v++)
    {
      double x[8];
      for (int r = 0; r < 8; r++)
        x[r] = p[(gsize) r * V + v];
      acc = _mm512_add_pd (acc, _mm512_loadu_pd (x));
    }
  _mm512_storeu_pd (sum, acc);
}
#endif

/* sum[r] = the sum in double of row r of p (rows, V), rows <= ROWS, each in the order of v */
KERNEL_CLONES static void
block_sums (double *sum, const float *p, int rows, int V)
{
#ifdef GROK_VMATH_AVX512
  if (rows == ROWS && V >= 8 && grok_vmath_have_avx512 ())
    {
      block_sums_avx512 (sum, p, V);
      return;
    }
#endif
  if (rows == ROWS)
    for (int v = 0; v < V; v++)
      for (int r = 0; r < ROWS; r++)
        sum[r] += p[(gsize) r * V + v];
  else
    for (int r = 0; r < rows; r++)
      for (int v = 0; v < V; v++)
        sum[r] += p[(gsize) r * V + v];
}

/* The largest value of a row: the very float at row_argmax's index. Only a row of finite values
 * whose largest is not zero is settled by the vector pass alone (+0 and -0 compare equal, and the
 * scan keeps the first of them). */
static float
row_max (const float *row, int V)
{
#ifdef GROK_VMATH_AVX512
  if (V >= 32 && grok_vmath_have_avx512 ())
    {
      float largest;
      if (row_max_avx512 (row, V, &largest) && largest != 0.0f)
        return largest;
    }
#endif
  return row[row_argmax (row, V)];
}

/* The mean cross-entropy of the rows, with exp (logit - largest) of every logit into probs,
 * normalised to the softmax when normalise; the argmax of each row, and n_correct, only when
 * n_correct is not NULL (the shift needs the largest value alone, which is the same float). */
static inline double
cross_entropy (float *probs, const float *logits, const int *targets, int N, int V,
               double clip, int *n_correct, gboolean normalise)
{
  double total = 0.0;
  int correct = 0;

  for (int n0 = 0; n0 < N; n0 += ROWS)
    {
      int rows = MIN (ROWS, N - n0), argmax[ROWS];
      float largest[ROWS];
      double sum[ROWS] = { 0 };

      for (int r = 0; r < rows; r++)
        {
          const float *row = logits + (gsize) (n0 + r) * V;

          if (n_correct != NULL)
            {
              argmax[r] = row_argmax (row, V);
              largest[r] = row[argmax[r]];
            }
          else
            largest[r] = row_max (row, V);
          /* one expf per logit; the sum in double keeps the normaliser exact to float
           * precision */
          grok_vmath_exp_shifted (probs + (gsize) (n0 + r) * V, row, largest[r], V);
        }
      block_sums (sum, probs + (gsize) n0 * V, rows, V);
      for (int r = 0; r < rows; r++)
        {
          int n = n0 + r;
          const float *row = logits + (gsize) n * V;
          double log_p;

          if (normalise)
            {
              float *prow = probs + (gsize) n * V;
              float inv = (float) (1.0 / sum[r]);
              for (int v = 0; v < V; v++)
                prow[v] *= inv;
            }
          log_p = (double) row[targets[n]] - largest[r] - log (sum[r]);
          if (clip > 0.0)
            log_p = log (CLAMP (exp (log_p), clip, 1.0 - clip));
          total -= log_p;
          if (n_correct != NULL)
            correct += argmax[r] == targets[n];
        }
    }
  if (n_correct != NULL)
    *n_correct = correct;
  return total / N;
}

double
grok_cross_entropy_forward (float *probs, const float *logits, const int *targets, int N, int V,
                            double clip, int *n_correct)
{
  return cross_entropy (probs, logits, targets, N, V, clip, n_correct, TRUE);
}

double
grok_cross_entropy_loss (float *scratch, const float *logits, const int *targets, int N, int V,
                         double clip, int *n_correct)
{
  return cross_entropy (scratch, logits, targets, N, V, clip, n_correct, FALSE);
}

#undef ROWS

KERNEL_CLONES void
grok_cross_entropy_backward (float *dlogits, const float *probs, const int *targets, int N,
                             int V, double clip, int n_mean)
{
  const float scale = 1.0f / n_mean;

  for (int n = 0; n < N; n++)
    {
      const float *prow = probs + (gsize) n * V;
      float *drow = dlogits + (gsize) n * V;

      if (is_clipped (prow[targets[n]], clip))
        {
          memset (drow, 0, V * sizeof (float));
          continue;
        }
#pragma omp simd
      for (int v = 0; v < V; v++)
        drow[v] = prow[v] * scale;
      drow[targets[n]] -= scale;
    }
}
