/* Coarse-grained complexity: the quantiser and the rank rule by hand, the stored stream built
 * by hand, sizes against an independent bzip2, and the search against a seeded 62-point random
 * search over the same box (feasibility of its answer re-checked here). */
#include "complexity-grid.h"
#include "grok-error.h"
#include "grok-presets.h"
#include "grok-rng.h"
#include "grok-team.h"
#include "grok-trainer.h"
#include "transformer-table.h"

#include <bzlib.h>
#include <math.h>
#include <string.h>

/* round half to even written out with floor, independently of rintf */
static float
hand_quantize (float x, float delta)
{
  float y = x / delta;
  float f = floorf (y);
  float q = (y - f > 0.5f) ? f + 1 : (y - f < 0.5f) ? f : (fmodf (f, 2.0f) == 0 ? f : f + 1);
  float out = q * delta;
  return out == 0.0f ? 0.0f : out;
}

static void
test_quantize (void)
{
  struct { float x, delta, want; } cases[] = {
    { 0.5f, 1.0f, 0.0f }, { 1.5f, 1.0f, 2.0f }, { 2.5f, 1.0f, 2.0f }, { -2.5f, 1.0f, -2.0f },
    { -3.5f, 1.0f, -4.0f }, { 0.3f, 0.25f, 0.25f }, { 0.375f, 0.25f, 0.5f },
    { 0.625f, 0.25f, 0.5f }, { -0.125f, 0.25f, 0.0f }, { 0.7f, 1.0f, 1.0f },
  };
  float minus_zero[] = { -0.0f, -0.4f, -0.5f, -1e-6f };
  GrokRng rng;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpfloat (grok_quantize (cases[i].x, cases[i].delta), ==, cases[i].want);
  for (guint i = 0; i < G_N_ELEMENTS (minus_zero); i++)
    {
      float q = grok_quantize (minus_zero[i], 1.0f);
      g_assert_cmpfloat (q, ==, 0.0f);
      g_assert_false (signbit (q));
    }
  grok_rng_init (&rng, 3);
  for (int i = 0; i < 10000; i++)
    {
      float x = (float) (4 * grok_rng_normal (&rng));
      float delta = (float) pow (10.0, -3 * grok_rng_uniform (&rng));
      g_assert_cmpfloat (grok_quantize (x, delta), ==, hand_quantize (x, delta));
    }
}

static void
test_rank_by_hand (void)
{
  /* running sums 4, 6, 7, 8 of a total of 8; "strictly below" excludes ties, and tau = 1
   * keeps the whole spectrum */
  double s[] = { 4, 2, 1, 1 };
  struct { double tau; int k; } cases[] = {
    { 0.0, 0 }, { 0.5, 0 }, { 0.51, 1 }, { 0.75, 1 }, { 0.76, 2 }, { 0.875, 2 }, { 0.9, 3 },
    { 0.999, 3 }, { 1.0, 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (grok_complexity_rank (s, 4, cases[i].tau), ==, cases[i].k);
}

/* a 4 x 6 matrix with singular values 5, 3, 1.5, 0.5 (signed, permuted diagonal) */
static GrokParams *
make_diagonal (void)
{
  GrokParams *params = grok_params_new ();
  float *w;

  grok_params_add (params, "w", 2, (int[]) { 4, 6 });
  grok_params_allocate (params);
  w = params->data;
  w[0 * 6 + 4] = 5.0f;
  w[1 * 6 + 0] = -3.0f;
  w[2 * 6 + 5] = 1.5f;
  w[3 * 6 + 2] = -0.5f;
  return params;
}

static void
test_diagonal_rank (void)
{
  g_autoptr (GrokParams) params = make_diagonal ();
  /* sum 10, running sums 5, 8, 9.5, 10; truncated storage needs k (4 + 6) < 24, so k <= 2 */
  struct { double tau; int n_floats; } cases[] = {
    { 0.3, 0 }, { 0.5, 0 }, { 0.6, 10 }, { 0.85, 20 }, { 0.96, 24 }, { 1.0, 24 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) stored = NULL;
      g_autoptr (GrokParams) coarse =
        grok_complexity_coarse_grain (params, 0.5, cases[i].tau, &stored, NULL);
      g_assert_cmpuint (stored->len, ==, 4 * cases[i].n_floats);
      if (cases[i].n_floats == 10)
        {
          /* k = 1 keeps only the 5: A B is 5 at (0, 4), exactly, after Q at Delta 0.5 */
          for (int j = 0; j < 24; j++)
            g_assert_cmpfloat (coarse->data[j], ==, j == 4 ? 5.0f : 0.0f);
        }
      if (cases[i].n_floats == 24)
        g_assert_cmpmem (coarse->data, 24 * 4, params->data, 24 * 4);
    }
}

static void
test_break_even_rank (void)
{
  /* 4 x 4 with singular values 4, 3, 2, 1: tau = 0.8 gives k = 2 and k (m + n) = 16 = m n,
   * not below it, so W itself is stored (and kept: its entries are multiples of 0.5), not the
   * rank-2 product, although both would store 16 floats */
  g_autoptr (GrokParams) params = grok_params_new ();
  g_autoptr (GrokParams) coarse = NULL;
  g_autoptr (GByteArray) stored = NULL;

  grok_params_add (params, "w", 2, (int[]) { 4, 4 });
  grok_params_allocate (params);
  params->data[0 * 4 + 1] = 3.0f;
  params->data[1 * 4 + 3] = -4.0f;
  params->data[2 * 4 + 0] = 1.0f;
  params->data[3 * 4 + 2] = 2.0f;
  coarse = grok_complexity_coarse_grain (params, 0.5, 0.8, &stored, NULL);
  g_assert_cmpuint (stored->len, ==, 16 * 4);
  g_assert_cmpmem (coarse->data, 16 * 4, params->data, 16 * 4);
  g_assert_cmpmem (stored->data, 16 * 4, params->data, 16 * 4);
}

static void
append_le (GByteArray *bytes, float x)
{
  guint32 w;
  guint8 b[4];

  memcpy (&w, &x, 4);
  for (int i = 0; i < 4; i++)
    b[i] = (guint8) (w >> (8 * i));
  g_byte_array_append (bytes, b, 4);
}

static GrokParams *
make_tiny (void)
{
  GrokParams *params = grok_params_new ();
  const float w[9] = { 0.9f, -0.31f, 0.12f, 0.2f, 1.1f, -0.62f, -0.05f, 0.4f, 0.7f };
  const float b[3] = { 0.125f, -0.374f, 2.0f };
  const float a[2] = { -0.06f, 0.3f };

  /* added out of order: the stream must follow the names sorted bytewise */
  grok_params_add (params, "w", 2, (int[]) { 3, 3 });
  grok_params_add (params, "b", 1, (int[]) { 3 });
  grok_params_add (params, "a.bias", 1, (int[]) { 2 });
  grok_params_allocate (params);
  memcpy (grok_params_tensor_data (params, 0), w, sizeof w);
  memcpy (grok_params_tensor_data (params, 1), b, sizeof b);
  memcpy (grok_params_tensor_data (params, 2), a, sizeof a);
  return params;
}

static void
test_stream_by_hand (void)
{
  g_autoptr (GrokParams) params = make_tiny ();
  g_autoptr (GByteArray) stored = NULL;
  g_autoptr (GByteArray) want = g_byte_array_new ();
  g_autoptr (GrokParams) coarse = NULL;
  const char *order[] = { "a.bias", "b", "w" };
  const float delta = 0.25f;

  /* tau = 1 keeps all 3 singular values of the 3 x 3 matrix: Q(W) is stored */
  coarse = grok_complexity_coarse_grain (params, delta, 1.0, &stored, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      int t = grok_params_find (params, order[i]);
      const float *x = grok_params_tensor_data (params, t);
      for (gsize j = 0; j < params->tensors[t].numel; j++)
        {
          append_le (want, hand_quantize (x[j], delta));
          g_assert_cmpfloat (grok_params_tensor_data (coarse, t)[j], ==,
                             hand_quantize (x[j], delta));
        }
    }
  g_assert_cmpmem (stored->data, stored->len, want->data, want->len);
}

static gsize
independent_bzip2 (const void *bytes, gsize len)
{
  unsigned int out_len = (unsigned int) (len * 1.01 + 600);
  g_autofree char *out = g_malloc (out_len);

  g_assert_cmpint (BZ2_bzBuffToBuffCompress (out, &out_len, (char *) bytes, len, 9, 0, 30), ==,
                   BZ_OK);
  return out_len;
}

static GrokParams *
make_random (guint64 seed, const char **names, const int (*shapes)[2], int n)
{
  GrokParams *params = grok_params_new ();
  GrokRng rng;

  for (int i = 0; i < n; i++)
    grok_params_add (params, names[i], shapes[i][1] ? 2 : 1, shapes[i]);
  grok_params_allocate (params);
  grok_rng_init (&rng, seed);
  for (gsize i = 0; i < params->numel; i++)
    params->data[i] = (float) (0.3 * grok_rng_normal (&rng));
  return params;
}

static void
test_sizes (void)
{
  const char *names[] = { "z.weight", "z.bias", "m.weight", "e.weight" };
  const int shapes[][2] = { { 30, 20 }, { 30, 0 }, { 20, 50 }, { 7, 20 } };
  g_autoptr (GrokParams) params = make_random (11, names, shapes, 4);
  double points[][2] = { { 1e-3, 1.0 }, { 0.02, 0.9 }, { 0.3, 0.5 }, { 1.0, 0.0 } };
  gsize naive = 0;

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr (GByteArray) stored = NULL;
      g_autoptr (GrokParams) coarse =
        grok_complexity_coarse_grain (params, points[i][0], points[i][1], &stored, NULL);
      g_assert_cmpuint (grok_complexity_size (params, points[i][0], points[i][1], NULL), ==,
                        independent_bzip2 (stored->data, stored->len));
    }
  for (int t = 0; t < params->n_tensors; t++)
    naive += independent_bzip2 (grok_params_tensor_data (params, t),
                                params->tensors[t].numel * 4);
  g_assert_cmpuint (grok_naive_size (params), ==, naive);
}

/* LAPACK's sign for each singular-vector pair is arbitrary: flipping the signs of some pairs of
 * a factorisation (u and v together, so W is unchanged) and making the signs canonical again
 * must give byte-identical stored arrays and sizes at every (Delta, tau) */
static void
test_sign_independent (void)
{
  const char *names[] = { "w1", "w2", "b" };
  const int shapes[][2] = { { 12, 7 }, { 5, 16 }, { 5, 0 } };
  g_autoptr (GrokParams) params = make_random (17, names, shapes, 3);
  g_autoptr (GrokGrainer) g = grok_grainer_new (params, NULL);
  g_autoptr (GrokGrainer) flipped = grok_grainer_new (params, NULL);
  double points[][2] = { { 1e-3, 1.0 }, { 0.01, 0.9 }, { 0.05, 0.7 }, { 0.2, 0.4 } };
  int n_flipped = 0;

  for (int t = 0; t < params->n_tensors; t++)
    {
      GrokFactors *f = &flipped->factors[t];
      for (int j = 0; f->us != NULL && j < f->r; j++)
        {
          if ((j * 7 + t) % 3 == 0)
            continue;
          for (int i = 0; i < f->m; i++)
            f->us[i * f->r + j] = -f->us[i * f->r + j];
          for (int i = 0; i < f->n; i++)
            f->vt[j * f->n + i] = -f->vt[j * f->n + i];
          n_flipped++;
        }
      if (f->us != NULL)
        grok_factors_canonical_signs (f);
    }
  g_assert_cmpint (n_flipped, >, 4);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      gsize size;
      grok_grainer_run (g, points[i][0], points[i][1]);
      grok_grainer_run (flipped, points[i][0], points[i][1]);
      g_assert_cmpuint (g->n_stored, ==, flipped->n_stored);
      g_assert_cmpmem (g->stored, g->n_stored * 4, flipped->stored, flipped->n_stored * 4);
      size = grok_grainer_compress (g);
      g_assert_cmpuint (size, ==, grok_grainer_compress (flipped));
      g_assert_cmpuint (size, ==, grok_complexity_size (params, points[i][0], points[i][1], NULL));
    }
}

/* A small classifier: logits = X W^T + b on fixed data, labels from the same W. */
typedef struct
{
  int    n, d, c;
  float *x;
  int   *y;
} Linear;

static double
linear_loss (const GrokParams *p, int worker, gpointer user_data)
{
  const Linear *lin = user_data;
  const float *w = p->data + p->tensors[0].offset, *b = p->data + p->tensors[1].offset;
  double total = 0;

  for (int i = 0; i < lin->n; i++)
    {
      double logits[16], max = -INFINITY, z = 0;
      for (int k = 0; k < lin->c; k++)
        {
          logits[k] = b[k];
          for (int j = 0; j < lin->d; j++)
            logits[k] += (double) w[k * lin->d + j] * lin->x[i * lin->d + j];
          max = MAX (max, logits[k]);
        }
      for (int k = 0; k < lin->c; k++)
        z += exp (logits[k] - max);
      total += max + log (z) - logits[lin->y[i]];
    }
  return total / lin->n;
}

static void
test_multiples_keep_loss (void)
{
  const char *names[] = { "layer.weight", "layer.bias" };
  const int shapes[][2] = { { 5, 8 }, { 5, 0 } };
  g_autoptr (GrokParams) params = make_random (4, names, shapes, 2);
  g_autoptr (GrokParams) coarse = NULL;
  Linear lin = { 64, 8, 5, NULL, NULL };
  g_autofree float *x = g_new (float, 64 * 8);
  g_autofree int *y = g_new (int, 64);
  GrokRng rng;

  /* multiples of 1/8 are exact in float, and 5 x 8 at tau = 1 keeps all k = 5 >= 40 / 13 */
  grok_rng_init (&rng, 9);
  for (gsize i = 0; i < params->numel; i++)
    params->data[i] = 0.125f * (float) ((int) grok_rng_below (&rng, 33) - 16);
  for (int i = 0; i < 64 * 8; i++)
    x[i] = (float) grok_rng_normal (&rng);
  for (int i = 0; i < 64; i++)
    y[i] = (int) grok_rng_below (&rng, 5);
  lin.x = x;
  lin.y = y;
  coarse = grok_complexity_coarse_grain (params, 0.125, 1.0, NULL, NULL);
  g_assert_cmpmem (coarse->data, params->numel * 4, params->data, params->numel * 4);
  g_assert_cmpfloat (linear_loss (coarse, 0, &lin), ==, linear_loss (params, 0, &lin));
}

/* The seeded 62-point random search the search must beat: uniform in log10 Delta in [-3, 0]
 * and tau in [0, 1]; only feasible points are compressed. */
static void
random_search (const GrokParams *params, GrokLossFunc loss, gpointer data, double epsilon,
               guint64 seed, gsize *best, guint *n_compressions)
{
  double limit = loss (params, 0, data) + epsilon;
  GrokRng rng;

  *best = G_MAXSIZE;
  *n_compressions = 0;
  grok_rng_init (&rng, seed);
  for (int i = 0; i < 62; i++)
    {
      double delta = pow (10.0, -3.0 + 3.0 * grok_rng_uniform (&rng));
      double tau = grok_rng_uniform (&rng);
      g_autoptr (GrokParams) coarse = grok_complexity_coarse_grain (params, delta, tau, NULL,
                                                                    NULL);
      double l = loss (coarse, 0, data);

      if (!isfinite (l) || l > limit)
        continue;
      *best = MIN (*best, grok_complexity_size (params, delta, tau, NULL));
      (*n_compressions)++;
    }
}

/* run the search, re-check its answer independently, and compare with random search */
static void
check_search (const GrokParams *params, GrokLossFunc loss, gpointer data, double epsilon,
              guint64 seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokComplexityResult) res = NULL;
  g_autoptr (GrokParams) coarse = NULL;
  double base = loss (params, 0, data);
  gsize best_random;
  guint random_compressions;

  res = grok_complexity_search (params, loss, data, epsilon, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (res->found);
  coarse = grok_complexity_coarse_grain (params, res->delta, res->tau, NULL, NULL);
  g_assert_cmpfloat (loss (coarse, 0, data), <=, base + epsilon);
  g_assert_cmpfloat (loss (coarse, 0, data), ==, res->loss);
  g_assert_cmpmem (coarse->data, params->numel * 4, res->coarse->data, params->numel * 4);
  g_assert_cmpuint (grok_complexity_size (params, res->delta, res->tau, NULL), ==, res->size);

  random_search (params, loss, data, epsilon, seed, &best_random, &random_compressions);
  g_test_message ("epsilon %g: search %" G_GSIZE_FORMAT " bytes at (%g, %g) with %u losses, "
                  "%u compressions; random %" G_GINT64_FORMAT " bytes with %u compressions",
                  epsilon, res->size, res->delta, res->tau, res->n_loss_evals,
                  res->n_compressions, best_random == G_MAXSIZE ? -1 : (gint64) best_random,
                  random_compressions);
  g_assert_cmpuint (res->size, <=, best_random);
  /* the reference compresses at each of its 62 points; a random search that only compresses
   * feasible points may spend fewer when epsilon is tight, and then finds far less */
  g_assert_cmpuint (res->n_compressions, <, 62);
}

static void
test_search_small (void)
{
  const char *names[] = { "layer.weight", "layer.bias" };
  const int shapes[][2] = { { 10, 16 }, { 10, 0 } };
  g_autoptr (GrokParams) params = make_random (21, names, shapes, 2);
  g_autofree float *x = g_new (float, 400 * 16);
  g_autofree int *y = g_new (int, 400);
  Linear lin = { 400, 16, 10, x, y };
  double epsilons[] = { 0.5, 0.1, 0.02 };
  GrokRng rng;

  /* a trained-looking classifier: a rank-3 teacher plus small noise, scaled up so the labels
   * it assigns are confidently right; labels are its own argmax */
  grok_rng_init (&rng, 22);
  for (int k = 0; k < 10 * 16; k++)
    params->data[k] *= 0.1f;
  for (int r = 0; r < 3; r++)
    {
      double u[10], v[16];
      for (int k = 0; k < 10; k++)
        u[k] = grok_rng_normal (&rng);
      for (int j = 0; j < 16; j++)
        v[j] = grok_rng_normal (&rng);
      for (int k = 0; k < 10; k++)
        for (int j = 0; j < 16; j++)
          params->data[k * 16 + j] += (float) (u[k] * v[j] * (1.0 - 0.3 * r));
    }
  for (int i = 0; i < 400 * 16; i++)
    x[i] = (float) grok_rng_normal (&rng);
  for (int i = 0; i < 400; i++)
    {
      double best = -INFINITY;
      for (int k = 0; k < 10; k++)
        {
          double z = 0;
          for (int j = 0; j < 16; j++)
            z += params->data[k * 16 + j] * x[i * 16 + j];
          if (z > best)
            best = z, y[i] = k;
        }
    }
  for (guint e = 0; e < G_N_ELEMENTS (epsilons); e++)
    check_search (params, linear_loss, &lin, epsilons[e], 100 + e);
}

/* a smooth loss of the weights alone: the mean over tensors of the relative squared change */
static double
relative_change_loss (const GrokParams *p, int worker, gpointer user_data)
{
  const GrokParams *orig = user_data;
  double total = 0;

  for (int t = 0; t < p->n_tensors; t++)
    {
      const GrokTensor *tensor = &p->tensors[t];
      const float *a = p->data + tensor->offset, *b = orig->data + tensor->offset;
      double diff = 0, norm = 0;

      for (gsize i = 0; i < tensor->numel; i++)
        {
          diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
          norm += (double) b[i] * b[i];
        }
      total += diff / norm;
    }
  return total / p->n_tensors;
}

static void
test_search_large (void)
{
  g_autoptr (GrokParams) params = transformer_table_new (31);
  double epsilons[] = { 0.003, 0.03 };

  if (!g_test_slow ())
    {
      g_test_skip ("the transformer-sized search runs in the slow suite");
      return;
    }
  g_assert_cmpuint (transformer_table_count (params), ==, TRANSFORMER_TABLE_NUMEL);
  for (guint e = 0; e < G_N_ELEMENTS (epsilons); e++)
    check_search (params, relative_change_loss, params, epsilons[e], 200 + e);
}

static void
test_search_medium (void)
{
  const char *names[] = { "b.weight", "b.bias", "a.weight", "c.weight" };
  const int shapes[][2] = { { 40, 30 }, { 40, 0 }, { 30, 60 }, { 10, 40 } };
  g_autoptr (GrokParams) params = make_random (41, names, shapes, 4);
  GrokRng rng;

  grok_rng_init (&rng, 42);
  for (int t = 0; t < params->n_tensors; t++)
    if (params->tensors[t].ndim == 2)
      transformer_table_fill_matrix (&rng, grok_params_tensor_data (params, t),
                                     params->tensors[t].shape[0], params->tensors[t].shape[1]);
  check_search (params, relative_change_loss, params, 0.01, 300);
  check_search (params, relative_change_loss, params, 0.1, 301);
}

/* The search against the dense 40 x 20 grid on real checkpoints: small nets trained here with
 * the real trainer, measured at points through training with the real model's loss. The
 * search must come within 1% of the grid's size (an upper bound: smaller is better), spend
 * fewer evaluations, and give the same answer on one thread and on two. */
static void
check_against_grid (const char *what, const GrokConfig *config, const GrokParams *params,
                    double epsilon)
{
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&config->task);
  g_autoptr (GrokComplexityResult) one = NULL, two = NULL, crowded = NULL;
  g_autoptr (GError) error = NULL;
  GrokComplexityOptions opts;
  ModelLoss ml = { { NULL } };
  GrokTeam *wide;
  GridResult grid;

  model_loss_init (&ml, config, dataset, 0);
  grid = complexity_grid (params, model_loss, &ml, epsilon, 1);
  grok_complexity_options_init (&opts);
  opts.n_workers = 1;
  one = grok_complexity_search (params, model_loss, &ml, epsilon, &opts, NULL, &error);
  g_assert_no_error (error);
  opts.n_workers = 2;
  two = grok_complexity_search (params, model_loss, &ml, epsilon, &opts, NULL, &error);
  g_assert_no_error (error);
  /* with more pool workers than the search has buffer sets (some leave their job to the
   * search's thread) */
  wide = grok_team_new (5);
  crowded = grok_complexity_search (params, model_loss, &ml, epsilon, &opts, NULL, &error);
  g_assert_no_error (error);
  grok_team_free (wide);
  g_test_message ("%s: grid %" G_GSIZE_FORMAT " bytes at (%g, %g); search %" G_GSIZE_FORMAT
                  " bytes at (%g, %g) with %u losses and %u compressions", what, grid.size,
                  grid.delta, grid.tau, one->size, one->delta, one->tau, one->n_loss_evals,
                  one->n_compressions);
  g_assert_true (grid.found);
  g_assert_true (one->found);
  g_assert_cmpfloat ((double) one->size, <=, 1.01 * grid.size);
  g_assert_cmpuint (one->n_loss_evals + one->n_compressions, <,
                    GRID_DELTAS * GRID_TAUS + grid.n_compressions);
  g_assert_cmpuint (one->size, ==, two->size);
  g_assert_cmpfloat (one->delta, ==, two->delta);
  g_assert_cmpfloat (one->tau, ==, two->tau);
  g_assert_cmpfloat (one->loss, ==, two->loss);
  g_assert_cmpuint (one->n_loss_evals, ==, two->n_loss_evals);
  g_assert_cmpuint (one->size, ==, crowded->size);
  g_assert_cmpfloat (one->delta, ==, crowded->delta);
  g_assert_cmpfloat (one->tau, ==, crowded->tau);
  g_assert_cmpfloat (one->loss, ==, crowded->loss);
  g_assert_cmpuint (one->n_loss_evals, ==, crowded->n_loss_evals);
  model_loss_clear (&ml);
}

static void
test_search_vs_grid (void)
{
  const struct { const char *preset; const char *sets[8]; int steps[4]; } runs[] = {
    { "quick", { "task.p=23", "model.d_embed=8", "model.width=48", "optim.lr=0.01", NULL },
      { 0, 40, 150, 400 } },
    { "demoss-add-ours", { "task.p=17", "model.d_model=32", "model.n_heads=4",
                           "model.d_mlp=64", "train.batch_size=0", "optim.lr=0.003", NULL },
      { 30, 100, 300, -1 } },
  };

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autoptr (GrokConfig) config = grok_preset_load (runs[r].preset, NULL);
      g_autoptr (GrokTrainer) trainer = NULL;

      for (int i = 0; runs[r].sets[i] != NULL; i++)
        g_assert_true (grok_config_set (config, runs[r].sets[i], NULL));
      config->train.steps = 1000;
      trainer = grok_trainer_new (config, NULL);
      g_assert_nonnull (trainer);
      for (int k = 0; k < 4 && runs[r].steps[k] >= 0; k++)
        {
          g_autofree char *what = g_strdup_printf ("%s step %d", runs[r].preset,
                                                   runs[r].steps[k]);
          while (trainer->step < runs[r].steps[k])
            g_assert_true (grok_trainer_step (trainer, NULL));
          check_against_grid (what, config, trainer->model->params, 0.25);
        }
    }
}

static double
nan_loss (const GrokParams *p, int worker, gpointer user_data)
{
  return NAN;
}

static double
zero_loss (const GrokParams *p, int worker, gpointer user_data)
{
  return 0.0;
}

static void
test_search_errors (void)
{
  g_autoptr (GrokParams) params = make_tiny ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  GrokComplexityResult *res;

  res = grok_complexity_search (params, nan_loss, NULL, 0.1, NULL, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_DIVERGED);
  g_clear_error (&error);

  {
    GrokComplexityOptions opts;

    grok_complexity_options_init (&opts);
    opts.n_workers = GROK_COMPLEXITY_MAX_WORKERS + 1;
    res = grok_complexity_search (params, zero_loss, NULL, 0.1, &opts, NULL, &error);
    g_assert_null (res);
    g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
    g_clear_error (&error);
  }

  g_cancellable_cancel (cancellable);
  res = grok_complexity_search (params, zero_loss, NULL, 0.1, NULL, cancellable, &error);
  g_assert_null (res);
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CANCELLED);
  g_clear_error (&error);

  /* a loss that ignores the weights: the coarsest corner (Delta 1, tau 0) is feasible and
   * stores only the vectors, quantised to 0 */
  res = grok_complexity_search (params, zero_loss, NULL, 0.0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (res->delta, ==, 1.0);
  g_assert_cmpuint (res->size, ==, grok_complexity_size (params, 1.0, 0.0, NULL));
  g_assert_cmpuint (res->size, ==, grok_complexity_size (params, 1.0, res->tau, NULL));
  grok_complexity_result_free (res);
}

static void
test_occam_bound (void)
{
  /* 10 bytes: K = 80 bits; (80 ln 2 + 2 ln 80 + ln 20) / 2000 = 67.2115 / 2000, worked by hand */
  g_assert_cmpfloat (fabs (grok_complexity_occam_bound (10, 0.1, 1000, 0.05) - 0.2833187), <,
                     1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/complexity/quantize", test_quantize);
  g_test_add_func ("/engine/complexity/rank-by-hand", test_rank_by_hand);
  g_test_add_func ("/engine/complexity/diagonal-rank", test_diagonal_rank);
  g_test_add_func ("/engine/complexity/break-even-rank", test_break_even_rank);
  g_test_add_func ("/engine/complexity/stream-by-hand", test_stream_by_hand);
  g_test_add_func ("/engine/complexity/sizes", test_sizes);
  g_test_add_func ("/engine/complexity/sign-independent", test_sign_independent);
  g_test_add_func ("/engine/complexity/multiples-keep-loss", test_multiples_keep_loss);
  g_test_add_func ("/engine/complexity/search-small", test_search_small);
  g_test_add_func ("/engine/complexity/search-medium", test_search_medium);
  g_test_add_func ("/engine/complexity/search-large", test_search_large);
  g_test_add_func ("/engine/complexity/search-vs-grid", test_search_vs_grid);
  g_test_add_func ("/engine/complexity/search-errors", test_search_errors);
  g_test_add_func ("/engine/complexity/occam-bound", test_occam_bound);
  return g_test_run ();
}
