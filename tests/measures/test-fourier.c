/* The Fourier measures against closed forms and hand-built tables. */
#include <math.h>

#include "grok-fourier.h"

#define P 31

static double
vec_norm (const double *v, int d)
{
  double s = 0;
  for (int i = 0; i < d; i++)
    s += v[i] * v[i];
  return sqrt (s);
}

/* E[a] = w0 + sum_j (u_j cos(w_kj a) + v_j sin(w_kj a)) for three chosen k: for 0 < k < p/2,
 * sum_a cos^2 = sum_a sin^2 = p/2 and the cross sums vanish, so norm_kj = (p/2) |(u_j, v_j)|,
 * norm_0 = p |w0| and every other norm is 0 */
static void
test_three_frequencies (void)
{
  enum { D = 5 };
  static const int ks[3] = { 3, 7, 12 };
  double u[3][D], v[3][D], w0[D], norms[P / 2 + 1];
  float e[P * D];

  for (int i = 0; i < D; i++)
    {
      w0[i] = 0.1 * (i + 1);
      for (int j = 0; j < 3; j++)
        {
          u[j][i] = sin (1.3 * i + j) * (j + 1);
          v[j][i] = cos (0.7 * i - 2 * j) * (j + 0.5);
        }
    }
  for (int a = 0; a < P; a++)
    for (int i = 0; i < D; i++)
      {
        double x = w0[i];
        for (int j = 0; j < 3; j++)
          x += u[j][i] * cos (2 * G_PI * ks[j] * a / P) + v[j][i] * sin (2 * G_PI * ks[j] * a / P);
        e[a * D + i] = (float) x;
      }
  grok_fourier_norms (e, P, D, norms);
  g_assert_cmpfloat_with_epsilon (norms[0], P * vec_norm (w0, D), 1e-4);
  for (int k = 1; k <= P / 2; k++)
    {
      double expected = 0;
      for (int j = 0; j < 3; j++)
        if (ks[j] == k)
          {
            double uv[2 * D];
            for (int i = 0; i < D; i++)
              uv[i] = u[j][i], uv[D + i] = v[j][i];
            expected = P / 2.0 * vec_norm (uv, 2 * D);
          }
      /* float32 rows: the others are zero to rounding */
      g_assert_cmpfloat_with_epsilon (norms[k], expected, 1e-4 * MAX (expected, 1));
      if (expected == 0)
        g_assert_cmpfloat (norms[k], <, 1e-4);
    }
  {
    int keys[5], n = grok_fourier_key_frequencies (norms, P / 2 + 1, 3, keys);
    g_assert_cmpint (n, ==, 3);
    for (int j = 0; j < 3; j++)
      g_assert_cmpint (keys[j], ==, ks[j]);
  }
}

/* the Gini coefficient from its definition, sum_i sum_j |x_i - x_j| / (2 n^2 mean) */
static double
gini_by_pairs (const double *x, int n)
{
  double diff = 0, sum = 0;
  for (int i = 0; i < n; i++)
    {
      sum += x[i];
      for (int j = 0; j < n; j++)
        diff += fabs (x[i] - x[j]);
    }
  return diff / (2.0 * n * sum);
}

static void
test_gini_top5 (void)
{
  /* index 0 is frequency 0, which neither counts */
  const double one[] = { 100, 3, 0, 0, 0 };
  const double equal[] = { 100, 2, 2, 2, 2, 2, 2 };
  const double ramp[] = { 9, 1, 2, 3, 4 };
  const double eight[] = { 50, 1, 1, 1, 2, 1, 1, 1, 1 };
  const double mixed[] = { 0, 0.3, 1.7, 0.2, 0.9, 2.5, 0.1, 0.4 };

  g_assert_cmpfloat_with_epsilon (grok_fourier_gini (one, 5), 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (grok_fourier_gini (equal, 7), 0, 1e-12);
  /* 1, 2, 3, 4: sum |x_i - x_j| = 20, n^2 mean = 40, G = 0.25 */
  g_assert_cmpfloat_with_epsilon (grok_fourier_gini (ramp, 5), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (grok_fourier_gini (mixed, 8), gini_by_pairs (mixed + 1, 7),
                                  1e-12);
  /* squares 1 x 7 and 4: the five largest hold 4 + 4 = 8 of 11 */
  g_assert_cmpfloat_with_epsilon (grok_fourier_top_share (eight, 9, 5), 8.0 / 11, 1e-12);
  g_assert_cmpfloat_with_epsilon (grok_fourier_top_share (one, 5, 5), 1, 1e-12);
  /* 2.5, 1.7, 0.9, 0.4, 0.3 of all seven */
  g_assert_cmpfloat_with_epsilon (grok_fourier_top_share (mixed, 8, 5),
                                  (6.25 + 2.89 + 0.81 + 0.16 + 0.09) /
                                  (6.25 + 2.89 + 0.81 + 0.16 + 0.09 + 0.04 + 0.01), 1e-12);
  {
    int keys[5], n = grok_fourier_key_frequencies (mixed, 8, 5, keys);
    const int expected[] = { 1, 2, 4, 5, 7 };
    g_assert_cmpint (n, ==, 5);
    for (int i = 0; i < 5; i++)
      g_assert_cmpint (keys[i], ==, expected[i]);
  }
}

/* mean cross-entropy in double of a logit function over the examples that `use` */
static double
ce (double (*logit) (int a, int b, int c), int p, const int *a, const int *b, const int *y,
    const gboolean *use, int n)
{
  double total = 0;
  int count = 0;

  for (int i = 0; i < n; i++)
    {
      double m = -INFINITY, s = 0;
      if (use != NULL && !use[i])
        continue;
      for (int c = 0; c < p; c++)
        m = MAX (m, logit (a[i], b[i], c));
      for (int c = 0; c < p; c++)
        s += exp (logit (a[i], b[i], c) - m);
      total += -(logit (a[i], b[i], y[i]) - m - log (s));
      count++;
    }
  return total / count;
}

#define Q 13
static double
wr (int k, int a, int b, int c)
{
  return 2 * G_PI * k * (double) (((a + b - c) % Q + Q) % Q) / Q;
}

/* key part: frequencies 2 and 5; the rest: frequency 4 and a constant per pair */
static double key_part (int a, int b, int c) { return 3 * cos (wr (2, a, b, c)) - 2 * sin (wr (5, a, b, c)) + 1.5 * cos (wr (5, a, b, c)); }
static double rest_part (int a, int b, int c) { return 2.5 * sin (wr (4, a, b, c)) + 0.3 * ((a * 7 + b * 3) % 5); }
static double both (int a, int b, int c) { return key_part (a, b, c) + rest_part (a, b, c); }
static double zero (int a, int b, int c) { return 0; }

static void
fill (double (*logit) (int, int, int), float *logits, const int *a, const int *b, int n)
{
  for (int i = 0; i < n; i++)
    for (int c = 0; c < Q; c++)
      logits[i * Q + c] = (float) logit (a[i], b[i], c);
}

static void
test_losses (void)
{
  int a[Q * Q], b[Q * Q], y[Q * Q], n = 0;
  gboolean train[Q * Q];
  float logits[Q * Q * Q];
  const int keys[] = { 2, 5 };
  double restricted, excluded;

  for (int i = 0; i < Q; i++)
    for (int j = 0; j < Q; j++, n++)
      {
        a[n] = i;
        b[n] = j;
        y[n] = (i + j) % Q;
        train[n] = (i * 5 + j * 3) % 4 != 0;
      }

  /* a table of key components only: excluded leaves the constant, uniform over c: ln p;
   * restricted keeps all of it */
  fill (key_part, logits, a, b, n);
  grok_fourier_losses (logits, n, Q, a, b, y, train, Q, keys, 2, 0, &restricted, &excluded);
  g_assert_cmpfloat_with_epsilon (excluded, log (Q), 1e-5);
  g_assert_cmpfloat_with_epsilon (excluded, ce (zero, Q, a, b, y, train, n), 1e-5);
  g_assert_cmpfloat_with_epsilon (restricted, ce (key_part, Q, a, b, y, NULL, n), 1e-5);

  /* key part plus parts orthogonal to it (another frequency, a constant per pair): restricted
   * is the key part's loss on all pairs, excluded the rest's on the training pairs */
  fill (both, logits, a, b, n);
  grok_fourier_losses (logits, n, Q, a, b, y, train, Q, keys, 2, 0, &restricted, &excluded);
  g_assert_cmpfloat_with_epsilon (restricted, ce (key_part, Q, a, b, y, NULL, n), 1e-5);
  g_assert_cmpfloat_with_epsilon (excluded, ce (rest_part, Q, a, b, y, train, n), 1e-5);
  g_assert_cmpfloat (fabs (excluded - ce (both, Q, a, b, y, train, n)), >, 0.1);

  /* no key frequencies: restricted is the constant alone (ln p), excluded the whole table's
   * training loss */
  grok_fourier_losses (logits, n, Q, a, b, y, train, Q, keys, 0, 0, &restricted, &excluded);
  g_assert_cmpfloat_with_epsilon (restricted, log (Q), 1e-5);
  g_assert_cmpfloat_with_epsilon (excluded, ce (both, Q, a, b, y, train, n), 1e-5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/measures/fourier/three-frequencies", test_three_frequencies);
  g_test_add_func ("/measures/fourier/gini-top5", test_gini_top5);
  g_test_add_func ("/measures/fourier/restricted-excluded", test_losses);
  return g_test_run ();
}
