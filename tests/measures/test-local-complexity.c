/* Local complexity: zero for a linear net, a unit counted exactly when the neighbourhood reaches
 * its zero hyperplane (with the directions checked to be orthonormal), and a brute-force count
 * for a deeper net. */
#include "grok-local-complexity.h"
#include "grok-rng.h"

#include <math.h>
#include <string.h>

static void
test_directions_orthonormal (void)
{
  const int dims[] = { 2, 3, 7 }, Ps[] = { 1, 2, 5, 13 };
  for (guint a = 0; a < G_N_ELEMENTS (dims); a++)
    for (guint c = 0; c < G_N_ELEMENTS (Ps); c++)
      {
        int d = dims[a], P = Ps[c];
        g_autofree double *v = g_new (double, P * d);
        g_autofree double *w = g_new (double, P * d);
        grok_local_complexity_directions (99, 3, d, P, v);
        grok_local_complexity_directions (99, 4, d, P, w);
        /* each block of d consecutive directions is orthonormal (Gram-Schmidt in double) */
        for (int p = 0; p < P; p++)
          for (int q = p - p % d; q < MIN (P, p - p % d + d); q++)
            {
              double dot = 0;
              for (int i = 0; i < d; i++)
                dot += v[p * d + i] * v[q * d + i];
              g_assert_cmpfloat (fabs (dot - (p == q ? 1.0 : 0.0)), <, 1e-12);
            }
        /* another sample gets other directions */
        g_assert_true (memcmp (v, w, sizeof (double) * P * d) != 0);
      }
}

static void
test_linear_is_zero (void)
{
  float w0[] = { 1, 2, -1, 0.5f, 3, -2 }, b0[] = { 0.1f, -0.2f, 0.3f };
  float w1[] = { 1, 1, 1 }, b1[] = { 0 };
  GrokLayerView layers[] = { { w0, b0, 2, 3, GROK_ACT_LINEAR }, { w1, b1, 3, 1, GROK_ACT_LINEAR } };
  float x[] = { 0, 0, 0.1f, -0.05f, 1, 1 };
  double radii[] = { 0.05, 0.5, 5 };
  g_autoptr (GrokLocalComplexity) lc = NULL;

  lc = grok_local_complexity (layers, 2, x, 3, radii, 3, 25, 1, NULL);
  g_assert_cmpint (lc->n_layers, ==, 0);
  for (int r = 0; r < 3; r++)
    g_assert_cmpfloat (lc->lc[r], ==, 0.0);
}

/* the units of one ReLU layer on dim inputs; sample s's count at radius r is, by construction,
 * the number of units u with r max_p |w_u . v_p| > |w_u . x_s + b_u| */
static void
check_one_layer (int dim, int units, int P, int n_points, guint64 seed)
{
  GrokRng rng;
  g_autofree float *w = g_new (float, dim * units);
  g_autofree float *b = g_new (float, units);
  g_autofree float *wo = g_new0 (float, units);
  float bo[] = { 0 };
  g_autofree float *x = g_new (float, dim * n_points);
  g_autofree double *dirs = g_new (double, P * dim);
  GrokLayerView layers[2];
  double radii[] = { 0.01, 0.1, 0.3, 0.7, 1.0, 3.0 };
  double expect[6] = { 0 };
  g_autoptr (GrokLocalComplexity) lc = NULL;

  grok_rng_init (&rng, seed);
  for (int i = 0; i < dim * units; i++)
    w[i] = (float) grok_rng_normal (&rng);
  for (int i = 0; i < units; i++)
    b[i] = (float) grok_rng_normal (&rng);
  for (int i = 0; i < dim * n_points; i++)
    x[i] = (float) grok_rng_normal (&rng);
  layers[0] = (GrokLayerView) { w, b, dim, units, GROK_ACT_RELU };
  layers[1] = (GrokLayerView) { wo, bo, units, 1, GROK_ACT_LINEAR };
  lc = grok_local_complexity (layers, 2, x, n_points, radii, 6, P, seed, NULL);
  g_assert_nonnull (lc);
  g_assert_cmpint (lc->n_layers, ==, 1);

  for (int s = 0; s < n_points; s++)
    {
      grok_local_complexity_directions (seed, s, dim, P, dirs);
      for (int u = 0; u < units; u++)
        {
          double z0 = b[u], reach = 0;
          for (int i = 0; i < dim; i++)
            z0 += (double) w[u * dim + i] * x[s * dim + i];
          for (int p = 0; p < P; p++)
            {
              double dot = 0;
              for (int i = 0; i < dim; i++)
                dot += (double) w[u * dim + i] * dirs[p * dim + i];
              reach = MAX (reach, fabs (dot));
            }
          for (int r = 0; r < 6; r++)
            expect[r] += radii[r] * reach > fabs (z0);
        }
    }
  for (int r = 0; r < 6; r++)
    g_assert_cmpfloat (fabs (lc->lc[r] - expect[r] / n_points), <, 1e-12);
}

static void
test_one_layer_matches_geometry (void)
{
  check_one_layer (2, 1, 2, 200, 5);
  check_one_layer (2, 6, 2, 100, 6);
  check_one_layer (2, 6, 25, 50, 7);
  check_one_layer (5, 8, 5, 50, 8);
  check_one_layer (5, 8, 12, 50, 9);
}

/* The directions are kept from one call to the next: calls that may take the last call's set
 * (fewer samples of the same seed and sizes) or must not (another seed, dimension, P, or more
 * samples), each checked against directions drawn here */
static void
test_kept_directions (void)
{
  check_one_layer (5, 8, 5, 60, 11);
  check_one_layer (5, 8, 5, 40, 11);
  check_one_layer (5, 8, 6, 40, 11);
  check_one_layer (4, 8, 6, 40, 11);
  check_one_layer (4, 8, 6, 40, 12);
  check_one_layer (4, 8, 6, 80, 12);
  check_one_layer (4, 8, 6, 80, 12);
}

/* a single unit whose zero line is at distance d from each sample, 2-D, P = 2: counted never
 * for r < d and always for r > sqrt(2) d, whatever the directions (v_1, v_2 orthonormal give
 * max |n . v_p| in [1/sqrt 2, 1]). Between d and sqrt(2) d the answer depends on the directions
 * drawn; one-layer-matches-geometry checks that range exactly against the drawn directions. */
static void
test_distance_rule_2d (void)
{
  GrokRng rng;
  const int n = 300;
  double radii[] = { 0.5, 0.99, 1.415, 3.0 }; /* in units of d: d = 1 for every sample */
  float x[2 * 300];
  float w[2], b[1], wo[1] = { 1 }, bo[1] = { 0 };
  GrokLayerView layers[] = { { w, b, 2, 1, GROK_ACT_RELU }, { wo, bo, 1, 1, GROK_ACT_LINEAR } };
  g_autoptr (GrokLocalComplexity) lc = NULL;
  double th = 0.3;

  /* the line n . x = 0 with n = (cos th, sin th); samples at signed distance +-1 */
  w[0] = (float) cos (th);
  w[1] = (float) sin (th);
  b[0] = 0;
  grok_rng_init (&rng, 77);
  for (int s = 0; s < n; s++)
    {
      double t = 10 * grok_rng_normal (&rng), side = s % 2 ? 1.0 : -1.0;
      x[2 * s] = (float) (side * cos (th) - t * sin (th));
      x[2 * s + 1] = (float) (side * sin (th) + t * cos (th));
    }
  lc = grok_local_complexity (layers, 2, x, n, radii, 4, 2, 3, NULL);
  /* distances are 1 up to float rounding (~1e-6), far from the radii tested */
  g_assert_cmpfloat (lc->lc[0], ==, 0.0);
  g_assert_cmpfloat (lc->lc[1], ==, 0.0);
  g_assert_cmpfloat (lc->lc[2], ==, 1.0);
  g_assert_cmpfloat (lc->lc[3], ==, 1.0);
}

/* two ReLU layers: per-layer counts against a brute-force evaluation of every vertex */
static void
test_deep_brute_force (void)
{
  const int dim = 3, h = 10, P = 4, n = 30;
  GrokRng rng;
  float w0[30], b0[10], w1[100], b1[10], w2[10], b2[1];
  GrokLayerView layers[] = { { w0, b0, dim, h, GROK_ACT_RELU }, { w1, b1, h, h, GROK_ACT_LEAKY_RELU },
                             { w2, b2, h, 1, GROK_ACT_LINEAR } };
  float x[3 * 30];
  double radii[] = { 0.05, 0.5, 2.0 }, expect[3][2] = { { 0 } };
  double dirs[4 * 3];
  g_autoptr (GrokLocalComplexity) lc = NULL;

  grok_rng_init (&rng, 21);
  for (int i = 0; i < 30; i++)
    w0[i] = (float) grok_rng_normal (&rng);
  for (int i = 0; i < 100; i++)
    w1[i] = (float) (grok_rng_normal (&rng) / 3);
  for (int i = 0; i < 10; i++)
    b0[i] = (float) grok_rng_normal (&rng), b1[i] = (float) grok_rng_normal (&rng), w2[i] = 1;
  b2[0] = 0;
  for (int i = 0; i < 3 * n; i++)
    x[i] = (float) grok_rng_normal (&rng);
  lc = grok_local_complexity (layers, 3, x, n, radii, 3, P, 4, NULL);
  g_assert_cmpint (lc->n_layers, ==, 2);
  for (int s = 0; s < n; s++)
    {
      grok_local_complexity_directions (4, s, dim, P, dirs);
      for (int r = 0; r < 3; r++)
        {
          gboolean pos[8][2][10];
          for (int v = 0; v < 2 * P; v++)
            {
              double in[3], z1[10], a1[10], z2[10];
              for (int i = 0; i < dim; i++)
                in[i] = x[s * dim + i] + (v % 2 ? -1 : 1) * radii[r] * dirs[(v / 2) * dim + i];
              for (int o = 0; o < h; o++)
                {
                  z1[o] = b0[o];
                  for (int i = 0; i < dim; i++)
                    z1[o] += (double) w0[o * dim + i] * in[i];
                  a1[o] = MAX (z1[o], 0.0);
                  pos[v][0][o] = z1[o] > 0;
                }
              for (int o = 0; o < h; o++)
                {
                  z2[o] = b1[o];
                  for (int i = 0; i < h; i++)
                    z2[o] += (double) w1[o * h + i] * a1[i];
                  pos[v][1][o] = z2[o] > 0;
                }
            }
          for (int l = 0; l < 2; l++)
            for (int o = 0; o < h; o++)
              {
                gboolean differs = FALSE;
                for (int v = 1; v < 2 * P; v++)
                  differs |= pos[v][l][o] != pos[0][l][o];
                expect[r][l] += differs;
              }
        }
    }
  for (int r = 0; r < 3; r++)
    {
      for (int l = 0; l < 2; l++)
        g_assert_cmpfloat (fabs (lc->per_layer[r * 2 + l] - expect[r][l] / n), <, 1e-12);
      g_assert_cmpfloat (fabs (lc->lc[r] - (expect[r][0] + expect[r][1]) / n), <, 1e-12);
    }
  /* larger neighbourhoods reach more boundaries in this net */
  g_assert_cmpfloat (lc->lc[2], >, lc->lc[0]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/local-complexity/directions-orthonormal", test_directions_orthonormal);
  g_test_add_func ("/engine/local-complexity/linear-is-zero", test_linear_is_zero);
  g_test_add_func ("/engine/local-complexity/one-layer-matches-geometry",
                   test_one_layer_matches_geometry);
  g_test_add_func ("/engine/local-complexity/kept-directions", test_kept_directions);
  g_test_add_func ("/engine/local-complexity/distance-rule-2d", test_distance_rule_2d);
  g_test_add_func ("/engine/local-complexity/deep-brute-force", test_deep_brute_force);
  return g_test_run ();
}
