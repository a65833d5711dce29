/* The random number generator: reproducible streams and the moments of its distributions. */
#include "grok-rng.h"

#include <math.h>

static void
test_same_seed_same_stream (void)
{
  GrokRng a, b, c;

  grok_rng_init (&a, 42);
  grok_rng_init (&b, 42);
  grok_rng_init (&c, 43);
  for (int i = 0; i < 1000; i++)
    {
      guint64 x = grok_rng_next (&a);
      g_assert_cmpuint (x, ==, grok_rng_next (&b));
      g_assert_cmpuint (x, !=, grok_rng_next (&c));
    }
}

static void
test_normal_moments (void)
{
  GrokRng rng;
  double sum = 0, sum2 = 0;
  const int n = 200000;

  grok_rng_init (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      double z = grok_rng_normal (&rng);
      sum += z;
      sum2 += z * z;
    }
  /* standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance */
  g_assert_cmpfloat (fabs (sum / n), <, 0.011);
  g_assert_cmpfloat (fabs (sum2 / n - 1.0), <, 0.016);
}

static void
test_truncated_normal (void)
{
  GrokRng rng;
  double sum2 = 0;
  const int n = 200000;

  grok_rng_init (&rng, 8);
  for (int i = 0; i < n; i++)
    {
      double z = grok_rng_truncated_normal (&rng);
      /* truncated at two standard deviations of the untruncated normal, then rescaled */
      g_assert_cmpfloat (fabs (z), <=, 2.0 / 0.87962566103423978 + 1e-12);
      sum2 += z * z;
    }
  g_assert_cmpfloat (fabs (sum2 / n - 1.0), <, 0.016);
}

static void
test_shuffle_is_permutation (void)
{
  GrokRng rng;
  int a[100];
  gboolean seen[100] = { FALSE };
  int fixed = 0;

  grok_rng_init (&rng, 1);
  for (int i = 0; i < 100; i++)
    a[i] = i;
  grok_rng_shuffle_int (&rng, a, 100);
  for (int i = 0; i < 100; i++)
    {
      g_assert_false (seen[a[i]]);
      seen[a[i]] = TRUE;
      fixed += a[i] == i;
    }
  /* the expected number of fixed points is 1; 10 happens with probability below 1e-7 */
  g_assert_cmpint (fixed, <, 10);
}

static void
test_below_is_uniform (void)
{
  GrokRng rng;
  int counts[3] = { 0 };

  grok_rng_init (&rng, 3);
  for (int i = 0; i < 30000; i++)
    counts[grok_rng_below (&rng, 3)]++;
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (abs (counts[i] - 10000), <, 400);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/rng/same-seed-same-stream", test_same_seed_same_stream);
  g_test_add_func ("/engine/rng/normal-moments", test_normal_moments);
  g_test_add_func ("/engine/rng/truncated-normal", test_truncated_normal);
  g_test_add_func ("/engine/rng/shuffle-is-permutation", test_shuffle_is_permutation);
  g_test_add_func ("/engine/rng/below-is-uniform", test_below_is_uniform);
  return g_test_run ();
}
