/* The neurons and attention views against closed forms and hand computations: the 2-D Fourier
 * power of cos (w (a + b)) sits at (k, k) and (-k, -k) alone; the Walsh-Hadamard power of a
 * parity of chosen bits sits at those bits; a transformer with zero queries attends uniformly
 * and one whose query picks a position's key gives the softmax's closed form; an MLP's
 * activation images equal its first layer computed by hand, and the units shown by default are
 * those whose activation varies most. */
#include <math.h>
#include <string.h>

#include "grok-config-settings.h"
#include "grok-model.h"
#include "grok-neuron-view.h"
#include "grok-presets.h"
#include "grok-view-data.h"

/* cell (k_a, k_b) of the centred grid */
static double
at (const double *power, int p, int ka, int kb)
{
  return power[(gsize) (ka + p / 2) * p + (kb + p / 2)];
}

static void
check_single_frequency (int p, int k, int sign)
{
  g_autofree double *f = g_new (double, (gsize) p * p);
  g_autofree double *power = g_new (double, (gsize) p * p);
  double w = 2 * G_PI * k / p, total = 0;

  for (int a = 0; a < p; a++)
    for (int b = 0; b < p; b++)
      f[(gsize) a * p + b] = 3.0 + cos (w * (a + sign * b));
  grok_fourier_power_2d (f, p, power);
  /* cos x = (e^ix + e^-ix) / 2: a quarter of the unit amplitude's square at each end; the
   * constant 3 is the mean, left out */
  g_assert_cmpfloat_with_epsilon (at (power, p, k, sign * k), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (at (power, p, -k, -sign * k), 0.25, 1e-12);
  for (int ka = -(p / 2); ka < p - p / 2; ka++)
    for (int kb = -(p / 2); kb < p - p / 2; kb++)
      {
        double v = at (power, p, ka, kb);
        total += v;
        if (!((ka == k && kb == sign * k) || (ka == -k && kb == -sign * k)))
          g_assert_cmpfloat (v, <, 1e-20);
      }
  /* Parseval: the cells add up to the variance, 1/2 for a unit cosine */
  g_assert_cmpfloat_with_epsilon (total, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (grok_fourier_power_share (power, p, k), 1.0, 1e-12);
  if (k + 1 <= p / 2)
    g_assert_cmpfloat (grok_fourier_power_share (power, p, k + 1), <, 1e-18);
}

static void
test_fourier_single (void)
{
  check_single_frequency (13, 4, 1);
  check_single_frequency (13, 4, -1);
  check_single_frequency (97, 17, 1);
  /* an even p: the grid runs from -p/2 to p/2 - 1 */
  check_single_frequency (16, 3, 1);
}

/* a product of a cosine in a and one in b: power at the four corners (±k_a, ±k_b) */
static void
test_fourier_product (void)
{
  int p = 11, ka = 2, kb = 5;
  double f[11 * 11], power[11 * 11];

  for (int a = 0; a < p; a++)
    for (int b = 0; b < p; b++)
      f[a * p + b] = cos (2 * G_PI * ka * a / p) * cos (2 * G_PI * kb * b / p);
  grok_fourier_power_2d (f, p, power);
  for (int i = -1; i <= 1; i += 2)
    for (int j = -1; j <= 1; j += 2)
      g_assert_cmpfloat_with_epsilon (at (power, p, i * ka, j * kb), 1.0 / 16, 1e-13);
  g_assert_cmpfloat (at (power, p, ka, 0), <, 1e-20);
  g_assert_cmpfloat (at (power, p, 0, kb), <, 1e-20);
}

static int
popcount (int x)
{
  return __builtin_popcount ((unsigned) x);
}

static void
test_walsh_parity (void)
{
  int n_bits = 4, n = 1 << n_bits, sa = 0x5, sb = 0x2, ta = 0x8, tb = 0;
  g_autofree double *f = g_new (double, n * n);
  g_autofree double *power = g_new (double, n * n);
  double total = 0;

  /* the parity of bits 0 and 2 of a and bit 1 of b, plus half the parity of bit 3 of a alone */
  for (int a = 0; a < n; a++)
    for (int b = 0; b < n; b++)
      f[a * n + b] = 7 + ((popcount (a & sa) + popcount (b & sb)) % 2 ? -1.0 : 1.0)
                     + 0.5 * ((popcount (a & ta) + popcount (b & tb)) % 2 ? -1.0 : 1.0);
  grok_walsh_power_2d (f, n_bits, power);
  g_assert_cmpfloat_with_epsilon (power[sa * n + sb], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (power[ta * n + tb], 0.25, 1e-12);
  for (int i = 0; i < n * n; i++)
    {
      total += power[i];
      if (i != sa * n + sb && i != ta * n + tb)
        g_assert_cmpfloat (power[i], <, 1e-24);
    }
  g_assert_cmpfloat_with_epsilon (total, 1.25, 1e-12);
}

/* a small transformer on addition mod 7 with every parameter 0 */
static GrokConfig *
small_transformer (int n_blocks, GrokParams **params)
{
  GrokConfig *config = grok_preset_load ("demoss-add-ours", NULL);
  g_autoptr (GrokDataset) dataset = NULL;
  GrokModel *model;

  config->task.p = 7;
  config->model.n_blocks = n_blocks;
  dataset = grok_dataset_new (&config->task);
  model = grok_config_new_model (config, dataset, 1);
  grok_model_init_params (model, 1);
  *params = grok_params_copy (model->params);
  grok_model_free (model);
  return config;
}

static float *
tensor (GrokParams *params, const char *name)
{
  int i = grok_params_find (params, name);

  g_assert_cmpint (i, >=, 0);
  return params->data + params->tensors[i].offset;
}

static void
zero_tensor (GrokParams *params, const char *name)
{
  int i = grok_params_find (params, name);

  g_assert_cmpint (i, >=, 0);
  memset (params->data + params->tensors[i].offset, 0, params->tensors[i].numel * sizeof (float));
}

/* zero queries: every score is 0 and every weight 1 / T, in every block and head */
static void
test_attention_uniform (void)
{
  for (int n_blocks = 1; n_blocks <= 2; n_blocks++)
    {
      g_autoptr (GrokParams) params = NULL;
      g_autoptr (GrokConfig) config = small_transformer (n_blocks, &params);
      GrokMeasureSettings settings = grok_config_measure_settings (config);
      g_autoptr (GrokViewAttention) av = NULL;
      g_autoptr (GError) error = NULL;

      for (int b = 0; b < n_blocks; b++)
        {
          g_autofree char *qw = g_strdup_printf ("blocks.%d.attn.q.weight", b);
          g_autofree char *qb = g_strdup_printf ("blocks.%d.attn.q.bias", b);
          zero_tensor (params, qw);
          zero_tensor (params, qb);
        }
      av = grok_view_attention_compute (&settings, params, &error);
      g_assert_no_error (error);
      g_assert_cmpint (av->side, ==, 7);
      g_assert_cmpint (av->n_blocks, ==, n_blocks);
      g_assert_cmpint (av->n_positions, ==, 4);
      for (gsize i = 0; i < (gsize) n_blocks * av->n_heads * 4 * 49; i++)
        g_assert_cmpfloat_with_epsilon (av->weight[i], 0.25, 1e-6);
    }
}

/* one block; the tokens' embeddings are 0 and position t's is the unit vector e_t, the keys
 * are the input times s and the query is c e_2 (its bias): head 0's score at position 2 is
 * z = s c / sqrt (head_dim) and 0 elsewhere, the other heads' all 0 */
static void
test_attention_picks_position (void)
{
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokConfig) config = small_transformer (1, &params);
  GrokMeasureSettings settings = grok_config_measure_settings (config);
  g_autoptr (GrokViewAttention) av = NULL;
  g_autoptr (GError) error = NULL;
  int C = (int) config->model.d_model, hd = C / (int) config->model.n_heads;
  double s = 2, c = 3, z = s * c / sqrt (hd), picked, other;
  float *pos, *kw, *qb;

  g_assert_cmpint (hd, >=, 4);
  zero_tensor (params, "tok_embed.weight");
  zero_tensor (params, "pos_embed.weight");
  zero_tensor (params, "blocks.0.attn.q.weight");
  zero_tensor (params, "blocks.0.attn.q.bias");
  zero_tensor (params, "blocks.0.attn.k.weight");
  zero_tensor (params, "blocks.0.attn.k.bias");
  pos = tensor (params, "pos_embed.weight");
  kw = tensor (params, "blocks.0.attn.k.weight");
  qb = tensor (params, "blocks.0.attn.q.bias");
  for (int t = 0; t < 4; t++)
    pos[t * C + t] = 1;
  for (int i = 0; i < C; i++)
    kw[i * C + i] = (float) s;
  qb[2] = (float) c;
  av = grok_view_attention_compute (&settings, params, &error);
  g_assert_no_error (error);
  picked = exp (z) / (exp (z) + 3);
  other = 1 / (exp (z) + 3);
  for (int h = 0; h < av->n_heads; h++)
    for (int t = 0; t < 4; t++)
      for (int i = 0; i < 49; i++)
        {
          double want = h > 0 ? 0.25 : t == 2 ? picked : other;
          g_assert_cmpfloat_with_epsilon (av->weight[((gsize) h * 4 + t) * 49 + i], want, 1e-6);
        }
}

static double
silu (double x)
{
  return x / (1 + exp (-x));
}

/* liu-add31's MLP (SiLU, embeddings concatenated) on addition mod 11: the activation of
 * layers.0's unit u at (a, b) is silu (W[u] . [E[a]; E[b]] + bias[u]), by hand */
static void
test_mlp_by_hand (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("liu-add31", NULL);
  g_autoptr (GrokDataset) dataset = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokViewNeurons) chosen = NULL, most = NULL;
  g_autoptr (GError) error = NULL;
  GrokMeasureSettings settings;
  GrokModel *model;
  const int units[] = { 3, 0, 57 }, p = 11;
  const float *E, *W, *bias;
  int d, in, width;
  g_autofree double *var = NULL;

  config->task.p = p;
  settings = grok_config_measure_settings (config);
  dataset = grok_dataset_new (&config->task);
  model = grok_config_new_model (config, dataset, 1);
  grok_model_init_params (model, 5);
  params = grok_params_copy (model->params);
  grok_model_free (model);
  E = tensor (params, "embed.weight");
  W = tensor (params, "layers.0.weight");
  bias = tensor (params, "layers.0.bias");
  d = (int) config->model.d_embed;
  in = 2 * d;
  width = (int) config->model.width;

  chosen = grok_view_neurons_compute (&settings, params, units, 3, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chosen->side, ==, p);
  g_assert_cmpint (chosen->n_units, ==, 3);
  g_assert_true (chosen->chosen);
  g_assert_cmpint (chosen->basis, ==, GROK_NEURON_BASIS_FOURIER);
  for (int k = 0; k < 3; k++)
    for (int a = 0; a < p; a++)
      for (int b = 0; b < p; b += 3)
        {
          double z = bias[units[k]];
          for (int i = 0; i < d; i++)
            z += (double) W[units[k] * in + i] * E[a * d + i] +
                 (double) W[units[k] * in + d + i] * E[b * d + i];
          g_assert_cmpfloat_with_epsilon (chosen->activation[k * p * p + a * p + b], silu (z),
                                          1e-6);
        }

  /* by default, the units whose activation varies most, largest first */
  var = g_new0 (double, width);
  for (int u = 0; u < width; u++)
    {
      double s = 0, s2 = 0;
      for (int a = 0; a < p; a++)
        for (int b = 0; b < p; b++)
          {
            double z = bias[u], v;
            for (int i = 0; i < d; i++)
              z += (double) W[u * in + i] * E[a * d + i] +
                   (double) W[u * in + d + i] * E[b * d + i];
            v = silu (z);
            s += v, s2 += v * v;
          }
      var[u] = s2 / (p * p) - (s / (p * p)) * (s / (p * p));
    }
  most = grok_view_neurons_compute (&settings, params, NULL, 0, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (most->n_units, ==, 4);
  g_assert_false (most->chosen);
  for (int k = 0; k < 4; k++)
    {
      int beaten = 0;
      for (int u = 0; u < width; u++)
        beaten += var[u] > var[most->units[k]] + 1e-9;
      g_assert_cmpint (beaten, ==, k);
      g_assert_cmpfloat_with_epsilon (most->variance[k], var[most->units[k]], 1e-6);
    }

  /* a unit the layer does not have is named */
  {
    const int bad[] = { width };
    g_autoptr (GrokViewNeurons) none = grok_view_neurons_compute (&settings, params, bad, 1, 4,
                                                                  &error);
    g_assert_null (none);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "unit 100"));
  }
}

/* xor_bits at the digit level: the input of (a, b) is their bits, least significant first, and
 * the spectrum is Walsh-Hadamard */
static void
test_mlp_digits (void)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("liu-xor5-digits", NULL);
  g_autoptr (GrokDataset) dataset = NULL;
  g_autoptr (GrokParams) params = NULL;
  g_autoptr (GrokViewNeurons) nv = NULL;
  g_autoptr (GError) error = NULL;
  GrokMeasureSettings settings;
  GrokModel *model;
  const int units[] = { 7 }, nb = 5, n = 32;
  const float *W, *bias;

  settings = grok_config_measure_settings (config);
  dataset = grok_dataset_new (&config->task);
  model = grok_config_new_model (config, dataset, 1);
  grok_model_init_params (model, 2);
  params = grok_params_copy (model->params);
  grok_model_free (model);
  W = tensor (params, "layers.0.weight");
  bias = tensor (params, "layers.0.bias");
  nv = grok_view_neurons_compute (&settings, params, units, 1, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nv->side, ==, n);
  g_assert_cmpint (nv->basis, ==, GROK_NEURON_BASIS_WALSH);
  for (int a = 0; a < n; a += 5)
    for (int b = 0; b < n; b += 3)
      {
        double z = bias[7];
        for (int i = 0; i < nb; i++)
          z += W[7 * 2 * nb + i] * ((a >> i) & 1) + W[7 * 2 * nb + nb + i] * ((b >> i) & 1);
        g_assert_cmpfloat_with_epsilon (nv->activation[a * n + b], silu (z), 1e-6);
      }
}

/* the views apply where the table says: neurons to modular and xor_bits tasks, attention to
 * transformers on them */
static void
test_applies (void)
{
  g_autoptr (GrokConfig) mlp = grok_preset_load ("quick", NULL);
  g_autoptr (GrokConfig) tf = grok_preset_load ("demoss-add-ours", NULL);
  g_autoptr (GrokConfig) xor2d = grok_preset_load ("xor2d-relu", NULL);
  g_autoptr (GrokConfig) s4 = grok_preset_load ("liu-s4", NULL);
  GrokViewSettings m = grok_config_view_settings (mlp), t = grok_config_view_settings (tf);
  GrokViewSettings x = grok_config_view_settings (xor2d), s = grok_config_view_settings (s4);

  g_assert_true (grok_view_check (GROK_VIEW_NEURONS, &m, NULL));
  g_assert_false (grok_view_check (GROK_VIEW_ATTENTION, &m, NULL));
  g_assert_true (grok_view_check (GROK_VIEW_NEURONS, &t, NULL));
  g_assert_true (grok_view_check (GROK_VIEW_ATTENTION, &t, NULL));
  g_assert_false (grok_view_check (GROK_VIEW_NEURONS, &x, NULL));
  g_assert_false (grok_view_check (GROK_VIEW_NEURONS, &s, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/neurons/fourier-single", test_fourier_single);
  g_test_add_func ("/engine/neurons/fourier-product", test_fourier_product);
  g_test_add_func ("/engine/neurons/walsh-parity", test_walsh_parity);
  g_test_add_func ("/engine/neurons/attention-uniform", test_attention_uniform);
  g_test_add_func ("/engine/neurons/attention-picks-position", test_attention_picks_position);
  g_test_add_func ("/engine/neurons/mlp-by-hand", test_mlp_by_hand);
  g_test_add_func ("/engine/neurons/mlp-digits", test_mlp_digits);
  g_test_add_func ("/engine/neurons/applies", test_applies);
  return g_test_run ();
}
