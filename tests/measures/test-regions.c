/* Linear regions on 2-D inputs: the k-lines arrangement count, tiling, patterns and affine maps
 * checked against the network evaluated directly, raster counts bounded by the exact count. */
#include "grok-regions.h"
#include "grok-error.h"
#include "grok-rng.h"

#include <math.h>
#include <string.h>

typedef struct
{
  GrokLayerView layers[8];
  float        *w[8], *b[8];
  int           n;
} Net;

static void
net_clear (Net *net)
{
  for (int l = 0; l < net->n; l++)
    {
      g_free (net->w[l]);
      g_free (net->b[l]);
    }
}

/* 2 inputs, depth hidden layers of width units, n_out outputs, PyTorch-like uniform init */
static void
random_net (Net *net, GrokRng *rng, int depth, int width, int n_out, GrokActivation act)
{
  int in = 2;
  net->n = depth + 1;
  for (int l = 0; l <= depth; l++)
    {
      int out = l == depth ? n_out : width;
      double bound = 1.0 / sqrt (in);
      net->w[l] = g_new (float, in * out);
      net->b[l] = g_new (float, out);
      for (int i = 0; i < in * out; i++)
        net->w[l][i] = (float) ((2 * grok_rng_uniform (rng) - 1) * bound);
      for (int i = 0; i < out; i++)
        net->b[l][i] = (float) ((2 * grok_rng_uniform (rng) - 1) * bound);
      net->layers[l] = (GrokLayerView) { net->w[l], net->b[l], in, out,
                                         l == depth ? GROK_ACT_LINEAR : act };
      in = out;
    }
}

/* k ReLU units whose zero lines pass within 0.05 of the origin at angles pi i / k (+- 0.02):
 * any two meet at an angle of at least pi / k - 0.04, so within 0.1 / sin (pi / k - 0.04) of
 * the origin, inside [-1, 1]^2 for k <= 10 */
static void
lines_net (Net *net, GrokRng *rng, int k)
{
  net->n = 2;
  net->w[0] = g_new (float, 2 * k);
  net->b[0] = g_new (float, k);
  net->w[1] = g_new (float, 2 * k);
  net->b[1] = g_new0 (float, 2);
  for (int i = 0; i < k; i++)
    {
      double th = G_PI * i / k + 0.04 * (grok_rng_uniform (rng) - 0.5);
      double cx = 0.1 * (grok_rng_uniform (rng) - 0.5), cy = 0.1 * (grok_rng_uniform (rng) - 0.5);
      double nx = -sin (th), ny = cos (th);
      net->w[0][2 * i] = (float) nx;
      net->w[0][2 * i + 1] = (float) ny;
      net->b[0][i] = (float) -(nx * cx + ny * cy);
      net->w[1][i] = (float) (grok_rng_uniform (rng) + 0.5);
      net->w[1][k + i] = (float) (grok_rng_uniform (rng) - 0.5);
    }
  net->layers[0] = (GrokLayerView) { net->w[0], net->b[0], 2, k, GROK_ACT_RELU };
  net->layers[1] = (GrokLayerView) { net->w[1], net->b[1], k, 2, GROK_ACT_LINEAR };
}

/* checks the construction independently: every crossing inside the window and no three lines
 * through one point (each crossing at least 1e-4 from every third line) */
static void
assert_general_position (const Net *net, int k)
{
  const float *w = net->w[0], *b = net->b[0];
  for (int i = 0; i < k; i++)
    for (int j = i + 1; j < k; j++)
      {
        double det = (double) w[2 * i] * w[2 * j + 1] - (double) w[2 * i + 1] * w[2 * j];
        double x = (-(double) b[i] * w[2 * j + 1] + (double) b[j] * w[2 * i + 1]) / det;
        double y = (-(double) w[2 * i] * b[j] + (double) w[2 * j] * b[i]) / det;
        g_assert_cmpfloat (fabs (x), <, 1.0);
        g_assert_cmpfloat (fabs (y), <, 1.0);
        for (int m = 0; m < k; m++)
          if (m != i && m != j)
            g_assert_cmpfloat (fabs (w[2 * m] * x + w[2 * m + 1] * y + b[m]) /
                               hypot (w[2 * m], w[2 * m + 1]), >, 1e-4);
      }
}

static void
test_lines_count (void)
{
  for (int k = 1; k <= 10; k++)
    {
      Net net;
      GrokRng rng;
      g_autoptr (GrokRegionMap) map = NULL;
      g_autoptr (GError) error = NULL;

      grok_rng_init (&rng, 200 + k);
      lines_net (&net, &rng, k);
      assert_general_position (&net, k);
      map = grok_regions_exact (net.layers, net.n, -1, -1, 1, 1, &error);
      g_assert_no_error (error);
      /* k lines in general position with every crossing inside a convex window */
      g_assert_cmpint (map->n_regions, ==, 1 + k + k * (k - 1) / 2);
      g_assert_cmpint (grok_regions_count (net.layers, net.n, -1, -1, 1, 1, NULL), ==,
                       1 + k + k * (k - 1) / 2);
      net_clear (&net);
    }
}

/* every region: convex and counter-clockwise, positive area, its pattern and logits those of the
 * network at its centroid; together they tile the window */
static void
assert_partition_consistent (const Net *net, const GrokRegionMap *map)
{
  double total = 0, window = (map->x1 - map->x0) * (map->y1 - map->y0);
  g_autofree guint64 *pat = g_new (guint64, map->n_words + 1);
  g_autofree double *logits = g_new (double, map->n_out);

  for (int i = 0; i < map->n_regions; i++)
    {
      const GrokRegion *r = &map->regions[i];
      double cx, cy, area = grok_region_area (r);
      g_assert_cmpfloat (area, >, 0);
      total += area;
      for (int v = 0; v < r->n_vertices; v++)
        {
          const double *p0 = r->xy + 2 * v, *p1 = r->xy + 2 * ((v + 1) % r->n_vertices);
          const double *p2 = r->xy + 2 * ((v + 2) % r->n_vertices);
          double cross = (p1[0] - p0[0]) * (p2[1] - p1[1]) - (p1[1] - p0[1]) * (p2[0] - p1[0]);
          /* convex up to rounding of the cut points (coordinates ~1, products ~1e-15) */
          g_assert_cmpfloat (cross, >=, -1e-12);
        }
      grok_region_centroid (r, &cx, &cy);
      grok_regions_pattern_at (net->layers, net->n, cx, cy, pat, logits);
      g_assert_cmpmem (pat, sizeof (guint64) * map->n_words, r->pattern,
                       sizeof (guint64) * map->n_words);
      for (int k = 0; k < map->n_out; k++)
        {
          double aff = r->logits[3 * k] * cx + r->logits[3 * k + 1] * cy + r->logits[3 * k + 2];
          /* the same products in a different order, in double: 1e-9 of the logit's scale */
          g_assert_cmpfloat (fabs (aff - logits[k]), <=, 1e-9 * (1 + fabs (logits[k])));
        }
    }
  /* the pieces share their cut points exactly, so only summation rounding remains */
  g_assert_cmpfloat (fabs (total - window), <=, 1e-9 * window);
}

static void
test_partition_consistent (void)
{
  const GrokActivation acts[] = { GROK_ACT_RELU, GROK_ACT_LEAKY_RELU };
  for (int depth = 1; depth <= 3; depth++)
    for (int a = 0; a < 2; a++)
      for (int seed = 0; seed < 3; seed++)
        {
          Net net;
          GrokRng rng;
          g_autoptr (GrokRegionMap) map = NULL;

          grok_rng_init (&rng, 1000 * depth + 10 * a + seed);
          random_net (&net, &rng, depth, 12, 3, acts[a]);
          map = grok_regions_exact (net.layers, net.n, -3, -2, 3, 2, NULL);
          g_assert_nonnull (map);
          g_assert_cmpint (map->n_regions, >, 1);
          assert_partition_consistent (&net, map);
          net_clear (&net);
        }
}

static void
test_raster_bounded_by_exact (void)
{
  const int res[] = { 8, 37, 128, 300 };
  for (int depth = 1; depth <= 3; depth++)
    for (int seed = 0; seed < 3; seed++)
      {
        Net net;
        GrokRng rng;
        g_autoptr (GrokRegionMap) map = NULL;

        grok_rng_init (&rng, 7000 + 10 * depth + seed);
        random_net (&net, &rng, depth, 10, 2, GROK_ACT_RELU);
        map = grok_regions_exact (net.layers, net.n, -2, -2, 2, 2, NULL);
        g_assert_nonnull (map);
        for (guint i = 0; i < G_N_ELEMENTS (res); i++)
          {
            int n_pat = 0;
            g_autofree guint32 *ids = grok_regions_raster (net.layers, net.n, -2, -2, 2, 2,
                                                           res[i], res[i], &n_pat, NULL);
            g_assert_nonnull (ids);
            g_assert_cmpint (n_pat, >=, 1);
            g_assert_cmpint (n_pat, <=, map->n_regions);
            for (int p = 0; p < res[i] * res[i]; p++)
              g_assert_cmpuint (ids[p], <, (guint) n_pat);
          }
        net_clear (&net);
      }
}

static guint
pattern_hash (gconstpointer p)
{
  const guint64 *w = p;
  return (guint) (w[0] ^ (w[0] >> 32) ^ w[1] ^ (w[1] >> 32));
}

static gboolean
pattern_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 2 * sizeof (guint64)) == 0;
}

/* Every cut separates two sides of a unit, so the regions' patterns are distinct; the patterns
 * of a grid of points, evaluated directly, must each be one of them, and the count without
 * regions must equal the regions'. A cut the exact partition missed merges two patterns and
 * leaves a grid pattern no region has. Wide layers, where most units miss a small polygon, and
 * an affine first layer. */
static void
test_count_matches_patterns (void)
{
  const GrokActivation acts[] = { GROK_ACT_RELU, GROK_ACT_LEAKY_RELU, GROK_ACT_LINEAR };
  for (int depth = 1; depth <= 3; depth++)
    for (int a = 0; a < 3; a++)
      {
        Net net;
        GrokRng rng;
        g_autoptr (GrokRegionMap) map = NULL;
        g_autoptr (GHashTable) seen = g_hash_table_new (pattern_hash, pattern_equal);
        g_autoptr (GHashTable) hit = g_hash_table_new (pattern_hash, pattern_equal);
        guint64 pat[2];
        const int res = 150;

        grok_rng_init (&rng, 500 + 10 * depth + a);
        random_net (&net, &rng, depth, 40, 2, acts[a == 2 ? 0 : a]);
        if (a == 2)
          net.layers[0].act = GROK_ACT_LINEAR;
        map = grok_regions_exact (net.layers, net.n, -2, -1.5, 2, 2.5, NULL);
        g_assert_cmpint (map->n_words, <=, 2);
        g_assert_cmpint (grok_regions_count (net.layers, net.n, -2, -1.5, 2, 2.5, NULL), ==,
                         map->n_regions);
        for (int i = 0; i < map->n_regions; i++)
          {
            guint64 *p = g_new0 (guint64, 2);
            memcpy (p, map->regions[i].pattern, sizeof (guint64) * map->n_words);
            g_assert_true (g_hash_table_add (seen, p));
          }
        for (int r = 0; r < res; r++)
          for (int c = 0; c < res; c++)
            {
              memset (pat, 0, sizeof pat);
              grok_regions_pattern_at (net.layers, net.n, -2 + 4 * (c + 0.5) / res,
                                       -1.5 + 4 * (r + 0.5) / res, pat, NULL);
              g_assert_true (g_hash_table_contains (seen, pat));
              if (!g_hash_table_contains (hit, pat))
                g_hash_table_add (hit, g_memdup2 (pat, sizeof pat));
            }
        /* the grid is fine enough to see most regions: a count far above what it sees is
         * suspect too */
        g_assert_cmpuint (g_hash_table_size (hit), >=, (guint) (map->n_regions / 2));
        g_hash_table_foreach (seen, (GHFunc) (void (*) (void)) g_free, NULL);
        g_hash_table_foreach (hit, (GHFunc) (void (*) (void)) g_free, NULL);
        net_clear (&net);
      }
}

static void
test_linear_one_region (void)
{
  Net net;
  GrokRng rng;
  g_autoptr (GrokRegionMap) map = NULL;
  int n_pat = 0;
  g_autofree guint32 *ids = NULL;

  grok_rng_init (&rng, 9);
  random_net (&net, &rng, 3, 16, 2, GROK_ACT_LINEAR);
  map = grok_regions_exact (net.layers, net.n, -1, -1, 1, 1, NULL);
  g_assert_cmpint (map->n_regions, ==, 1);
  g_assert_cmpint (grok_regions_count (net.layers, net.n, -1, -1, 1, 1, NULL), ==, 1);
  g_assert_cmpint (map->regions[0].n_vertices, ==, 4);
  assert_partition_consistent (&net, map);
  ids = grok_regions_raster (net.layers, net.n, -1, -1, 1, 1, 50, 50, &n_pat, NULL);
  g_assert_cmpint (n_pat, ==, 1);
  net_clear (&net);
}

/* two classes: a region has a boundary segment iff logit0 - logit1 changes sign over its
 * vertices, and the segment's ends tie and lie on the region */
static void
test_decision_boundary (void)
{
  Net net;
  GrokRng rng;
  g_autoptr (GrokRegionMap) map = NULL;
  int with_segment = 0;

  grok_rng_init (&rng, 31);
  random_net (&net, &rng, 2, 12, 2, GROK_ACT_RELU);
  map = grok_regions_exact (net.layers, net.n, -3, -3, 3, 3, NULL);
  for (int i = 0; i < map->n_regions; i++)
    {
      const GrokRegion *r = &map->regions[i];
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, scale = 0;
      for (int v = 0; v < r->n_vertices; v++)
        {
          double l[2];
          g_autofree guint64 *pat = g_new (guint64, map->n_words);
          grok_regions_pattern_at (net.layers, net.n, r->xy[2 * v], r->xy[2 * v + 1], pat, l);
          lo = MIN (lo, l[0] - l[1]);
          hi = MAX (hi, l[0] - l[1]);
          scale = MAX (scale, fabs (l[0]) + fabs (l[1]));
        }
      /* segments shorter than 1e-12 of the window are dropped: skip near-touching cases */
      if (lo * hi < 0 && MIN (-lo, hi) > 1e-9 * scale)
        g_assert_cmpint (r->n_segments, ==, 1);
      else if (lo * hi > 0)
        g_assert_cmpint (r->n_segments, ==, 0);
      for (int s = 0; s < r->n_segments; s++)
        for (int e = 0; e < 2; e++)
          {
            double x = r->segments[4 * s + 2 * e], y = r->segments[4 * s + 2 * e + 1], l[2];
            g_autofree guint64 *pat = g_new (guint64, map->n_words);
            grok_regions_pattern_at (net.layers, net.n, x, y, pat, l);
            g_assert_cmpfloat (fabs (l[0] - l[1]), <, 1e-9 * (1 + scale));
            g_assert_cmpfloat (fabs (x), <=, 3 + 1e-12);
            g_assert_cmpfloat (fabs (y), <=, 3 + 1e-12);
          }
      with_segment += r->n_segments > 0;
    }
  g_assert_cmpint (with_segment, >, 0);
  net_clear (&net);
}

static void
test_smooth_raster_only (void)
{
  Net net;
  GrokRng rng;
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRegionMap) map = NULL;
  g_autofree guint32 *ids = NULL;
  int n_pat = 0;

  grok_rng_init (&rng, 41);
  random_net (&net, &rng, 2, 8, 2, GROK_ACT_SILU);
  map = grok_regions_exact (net.layers, net.n, -1, -1, 1, 1, &error);
  g_assert_null (map);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_FAILED);
  ids = grok_regions_raster (net.layers, net.n, -4, -4, 4, 4, 64, 64, &n_pat, NULL);
  g_assert_cmpint (n_pat, >, 1);
  g_assert_cmpint (n_pat, <=, 64 * 64);
  net_clear (&net);
}

/* lines x = 0, y = 0 and x = y meet in one point, and x = y runs through two window corners;
 * 2x = 0 repeats x = 0 and x + y = 2 only touches the corner (1, 1): 6 regions, none of them a
 * sliver, tiling the window */
static void
test_degenerate_cuts (void)
{
  float w0[] = { 1, 0, 0, 1, 1, -1, 2, 0, 1, 1 }, b0[] = { 0, 0, 0, 0, -2 };
  float w1[] = { 1, -1, 0.5f, 2, 1, 0, 1, 1, -1, 3 }, b1[] = { 0, 0 };
  Net net = { .n = 2 };
  g_autoptr (GrokRegionMap) map = NULL;

  net.layers[0] = (GrokLayerView) { w0, b0, 2, 5, GROK_ACT_RELU };
  net.layers[1] = (GrokLayerView) { w1, b1, 5, 2, GROK_ACT_LINEAR };
  map = grok_regions_exact (net.layers, net.n, -1, -1, 1, 1, NULL);
  g_assert_cmpint (map->n_regions, ==, 6);
  for (int i = 0; i < map->n_regions; i++)
    g_assert_cmpfloat (grok_region_area (&map->regions[i]), >, 0.2);
  assert_partition_consistent (&net, map);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/regions/lines-count", test_lines_count);
  g_test_add_func ("/engine/regions/partition-consistent", test_partition_consistent);
  g_test_add_func ("/engine/regions/raster-bounded-by-exact", test_raster_bounded_by_exact);
  g_test_add_func ("/engine/regions/count-matches-patterns", test_count_matches_patterns);
  g_test_add_func ("/engine/regions/linear-one-region", test_linear_one_region);
  g_test_add_func ("/engine/regions/degenerate-cuts", test_degenerate_cuts);
  g_test_add_func ("/engine/regions/decision-boundary", test_decision_boundary);
  g_test_add_func ("/engine/regions/smooth-raster-only", test_smooth_raster_only);
  return g_test_run ();
}
