/* The transformer of SPEC §2.2: its parameter count and tensor names, its initialisation, and a
 * whole-model gradient check against an independent double-precision forward pass written here
 * with plain loops (full attention at every position, no shortcut for the read-out).
 *
 * Tolerances: central differences with h = 1e-4 in double have an error near h^2 ~ 1e-8, far
 * below float32 rounding, so the comparison measures the float model. Its rounding is ~1e-6
 * relative per operation and a few dozen operations deep (two LayerNorms and a softmax per
 * block), so 1e-3 relative (with a floor of 1e-3 times the tensor's largest gradient for
 * entries near zero) passes correct code; a wrong index, transpose or factor gives errors of
 * order 1. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "grok-attention.h"
#include "grok-config-settings.h"
#include "grok-error.h"
#include "grok-model.h"
#include "grok-rng.h"
#include "grok-safetensors.h"
#include "grok-task.h"
#include "grok-transformer.h"
#include "tmp-dir.h"

#define H 1e-4
#define REL_TOL 1e-3

static GrokConfig *
transformer_config (int p, int n_blocks)
{
  GrokConfig *config = grok_config_new_default ();

  config->task.p = p;
  config->task.format = GROK_FORMAT_SEQUENCE;
  config->task.train_fraction = 0.3;
  config->model.kind = GROK_MODEL_TRANSFORMER;
  config->model.n_blocks = n_blocks;
  return config;
}

/* ---- size and names ---- */

static void
check_count (int n_blocks, gsize expect)
{
  g_autoptr (GrokConfig) config = transformer_config (113, n_blocks);
  g_autoptr (GrokDataset) ds = NULL;
  g_autoptr (GrokModel) model = NULL;
  static const char * const per_block[] = {
    "attn.q.weight", "attn.q.bias", "attn.k.weight", "attn.k.bias", "attn.v.weight",
    "attn.v.bias", "attn.o.weight", "attn.o.bias", "ln1.weight", "ln1.bias",
    "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias", "ln2.weight", "ln2.bias",
  };

  g_assert_true (grok_config_validate (config, NULL));
  ds = grok_dataset_new (&config->task);
  model = grok_config_new_model (config, ds, 4);
  g_assert_true (grok_model_is_transformer (model));
  g_assert_cmpuint (model->params->numel, ==, expect);
  /* SPEC §2.3's names and nothing else */
  g_assert_cmpint (model->params->n_tensors, ==, 4 + 16 * n_blocks);
  for (int i = 0; i < n_blocks; i++)
    for (gsize k = 0; k < G_N_ELEMENTS (per_block); k++)
      {
        g_autofree char *name = g_strdup_printf ("blocks.%d.%s", i, per_block[k]);
        g_assert_cmpint (grok_params_find (model->params, name), >=, 0);
      }
  {
    int fc1 = grok_params_find (model->params, "blocks.0.mlp.fc1.weight");
    int un = grok_params_find (model->params, "unembed.weight");
    g_assert_cmpint (model->params->tensors[fc1].shape[0], ==, 512);
    g_assert_cmpint (model->params->tensors[fc1].shape[1], ==, 128);
    g_assert_cmpint (model->params->tensors[un].shape[0], ==, 115);
  }
  g_assert_cmpint (grok_params_find (model->params, "tok_embed.weight"), >=, 0);
  g_assert_cmpint (grok_params_find (model->params, "pos_embed.weight"), >=, 0);
  g_assert_cmpint (grok_params_find (model->params, "unembed.bias"), >=, 0);
}

static void
test_parameter_count (void)
{
  check_count (1, 242547);
  check_count (2, 440819);
}

/* Flax's defaults, then init_scale: LeCun-normal kernels truncated at 2 sigma, so every entry
 * is within 2 / 0.8796 / sqrt (fan_in) (the cut is at two standard deviations of the normal
 * before it is rescaled by 1 / 0.8796, the standard deviation of a normal truncated at +-2, to
 * unit variance) and the sample variance is near 1 / fan_in; zero biases; unit
 * LayerNorm weights; embeddings with variance 1 / d_model. With 65,536 draws the sample
 * variance is within a few percent of the truth, hence the 10% bands. */
static void
test_init (void)
{
  g_autoptr (GrokConfig) config = transformer_config (113, 1);
  g_autoptr (GrokDataset) ds = NULL;
  g_autoptr (GrokModel) model = NULL;
  GrokParams *params;
  const double scale = 2.0;
  const double cut = 2.0 / 0.87962566103423978;
  struct { const char *name; double var, bound; } cases[] = {
    { "blocks.0.mlp.fc1.weight", 1.0 / 128, cut / sqrt (128) },
    { "blocks.0.mlp.fc2.weight", 1.0 / 512, cut / sqrt (512) },
    { "blocks.0.attn.q.weight", 1.0 / 128, cut / sqrt (128) },
    { "tok_embed.weight", 1.0 / 128, INFINITY },
  };

  config->model.init_scale = scale;
  ds = grok_dataset_new (&config->task);
  model = grok_config_new_model (config, ds, 4);
  grok_model_init_params (model, 3);
  params = model->params;
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      int t = grok_params_find (params, cases[c].name);
      const float *w = grok_params_tensor_data (params, t);
      gsize n = params->tensors[t].numel;
      double sum = 0, sq = 0;
      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat (fabs (w[i]), <=, scale * cases[c].bound);
          sum += w[i];
          sq += (double) w[i] * w[i];
        }
      g_assert_cmpfloat (fabs (sum / n), <, 0.1 * scale * sqrt (cases[c].var));
      g_assert_cmpfloat (sq / n / (scale * scale * cases[c].var), >, 0.9);
      g_assert_cmpfloat (sq / n / (scale * scale * cases[c].var), <, 1.1);
    }
  g_assert_cmpfloat (grok_params_tensor_data (params, grok_params_find (params, "blocks.0.ln2.weight"))[5], ==, scale);
  g_assert_cmpfloat (grok_params_tensor_data (params, grok_params_find (params, "blocks.0.ln2.bias"))[5], ==, 0);
  g_assert_cmpfloat (grok_params_tensor_data (params, grok_params_find (params, "blocks.0.mlp.fc1.bias"))[7], ==, 0);
  g_assert_cmpfloat (grok_params_tensor_data (params, grok_params_find (params, "unembed.bias"))[0], ==, 0);
}

/* ---- the double reference ---- */

typedef struct
{
  GrokModel       *model;
  const GrokBatch *batch;
  double          *theta;  /* every parameter in double, in the table's layout */
  int              C, heads, F, blocks, V, T;
} Ref;

static const double *
tensor (const Ref *r, const char *fmt, int block)
{
  g_autofree char *name = g_strdup_printf (fmt, block);
  int t = grok_params_find (r->model->params, name);
  g_assert_cmpint (t, >=, 0);
  return r->theta + r->model->params->tensors[t].offset;
}

/* y (T, out) = x (T, in) @ w^T + b */
static void
ref_linear (double *y, const double *x, const double *w, const double *b, int T, int in, int out)
{
  for (int t = 0; t < T; t++)
    for (int o = 0; o < out; o++)
      {
        double s = b[o];
        for (int i = 0; i < in; i++)
          s += x[t * in + i] * w[o * in + i];
        y[t * out + o] = s;
      }
}

static void
ref_layernorm (double *x, const double *w, const double *b, int T, int C, double eps)
{
  for (int t = 0; t < T; t++)
    {
      double m = 0, v = 0;
      for (int c = 0; c < C; c++)
        m += x[t * C + c] / C;
      for (int c = 0; c < C; c++)
        v += (x[t * C + c] - m) * (x[t * C + c] - m) / C;
      for (int c = 0; c < C; c++)
        x[t * C + c] = (x[t * C + c] - m) / sqrt (v + eps) * w[c] + b[c];
    }
}

static double
gelu (double x)
{
  return 0.5 * x * (1 + tanh (sqrt (2 / G_PI) * (x + 0.044715 * x * x * x)));
}

/* x (T, C) = LN1 (x + attn (x)), every position attending to every position */
static void
ref_attention_sublayer (const Ref *r, int blk, double *x)
{
  int T = r->T, C = r->C, D = C / r->heads;
  double q[64 * 8], k[64 * 8], v[64 * 8], mix[64 * 8], a[64 * 8];

  ref_linear (q, x, tensor (r, "blocks.%d.attn.q.weight", blk), tensor (r, "blocks.%d.attn.q.bias", blk), T, C, C);
  ref_linear (k, x, tensor (r, "blocks.%d.attn.k.weight", blk), tensor (r, "blocks.%d.attn.k.bias", blk), T, C, C);
  ref_linear (v, x, tensor (r, "blocks.%d.attn.v.weight", blk), tensor (r, "blocks.%d.attn.v.bias", blk), T, C, C);
  for (int h = 0; h < r->heads; h++)
    for (int t = 0; t < T; t++)
      {
        double s[8], max = -INFINITY, sum = 0;
        for (int u = 0; u < T; u++)
          {
            s[u] = 0;
            for (int d = 0; d < D; d++)
              s[u] += q[t * C + h * D + d] * k[u * C + h * D + d];
            s[u] /= sqrt (D);
            max = MAX (max, s[u]);
          }
        for (int u = 0; u < T; u++)
          sum += (s[u] = exp (s[u] - max));
        for (int d = 0; d < D; d++)
          {
            double acc = 0;
            for (int u = 0; u < T; u++)
              acc += s[u] / sum * v[u * C + h * D + d];
            mix[t * C + h * D + d] = acc;
          }
      }
  ref_linear (a, mix, tensor (r, "blocks.%d.attn.o.weight", blk), tensor (r, "blocks.%d.attn.o.bias", blk), T, C, C);
  for (int i = 0; i < T * C; i++)
    x[i] += a[i];
  ref_layernorm (x, tensor (r, "blocks.%d.ln1.weight", blk), tensor (r, "blocks.%d.ln1.bias", blk), T, C, 1e-6);
}

/* x (T, C) = LN2 (x + fc2 (gelu (fc1 (x)))) */
static void
ref_mlp_sublayer (const Ref *r, int blk, double *x)
{
  int T = r->T, C = r->C, F = r->F;
  double hid[8 * 64], m[8 * 64];

  ref_linear (hid, x, tensor (r, "blocks.%d.mlp.fc1.weight", blk), tensor (r, "blocks.%d.mlp.fc1.bias", blk), T, C, F);
  for (int i = 0; i < T * F; i++)
    hid[i] = gelu (hid[i]);
  ref_linear (m, hid, tensor (r, "blocks.%d.mlp.fc2.weight", blk), tensor (r, "blocks.%d.mlp.fc2.bias", blk), T, F, C);
  for (int i = 0; i < T * C; i++)
    x[i] += m[i];
  ref_layernorm (x, tensor (r, "blocks.%d.ln2.weight", blk), tensor (r, "blocks.%d.ln2.bias", blk), T, C, 1e-6);
}

static double
ref_loss (const void *data)
{
  const Ref *r = data;
  const GrokBatch *batch = r->batch;
  int T = r->T, C = r->C;
  double L = 0;

  for (int n = 0; n < batch->n; n++)
    {
      double x[8 * 8], logits[16], max = -INFINITY, sum = 0;
      const double *tok = tensor (r, "tok_embed.weight", 0), *pos = tensor (r, "pos_embed.weight", 0);

      for (int t = 0; t < T; t++)
        for (int c = 0; c < C; c++)
          x[t * C + c] = tok[batch->tokens[n * T + t] * C + c] + pos[t * C + c];
      for (int b = 0; b < r->blocks; b++)
        {
          ref_attention_sublayer (r, b, x);
          ref_mlp_sublayer (r, b, x);
        }
      ref_linear (logits, x + (T - 1) * C, tensor (r, "unembed.weight", 0),
                  tensor (r, "unembed.bias", 0), 1, C, r->V);
      for (int v = 0; v < r->V; v++)
        max = MAX (max, logits[v]);
      for (int v = 0; v < r->V; v++)
        sum += exp (logits[v] - max);
      L -= logits[batch->targets[n]] - max - log (sum);
    }
  return L / batch->n;
}

/* ---- the gradient check ---- */

/* max over i of |a - b| / (|b| + floor), floor = 1e-3 * the tensor's largest |b| plus 1e-4 *
 * the model's largest (global). The second term is for attn.k.bias, whose true gradient is zero
 * (softmax ignores a shift shared by all keys): there the float result is rounding noise of
 * order 1e-7 to 1e-6 of the gradients around it. */
static double
max_rel_error (const float *analytic, const double *numeric, gsize n, double global)
{
  double scale = 0, worst = 0;

  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (numeric[i]));
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs (analytic[i] - numeric[i]) /
                        (fabs (numeric[i]) + 1e-3 * scale + 1e-4 * global));
  return worst;
}

static void
check_gradients (int n_blocks)
{
  /* p = 5: vocabulary 7 = classes, sequences [a, OP, b, EQ] */
  g_autoptr (GrokConfig) config = transformer_config (5, n_blocks);
  GrokDataset ds = { .n_positions = 4, .vocab = 7, .n_classes = 7 };
  g_autoptr (GrokModel) model = NULL;
  int tokens[12] = { 0, 5, 3, 6, 4, 5, 4, 6, 2, 5, 1, 6 };
  int targets[3] = { 3, 3, 1 };
  GrokBatch batch = { 3, tokens, NULL, targets };
  g_autofree double *theta = NULL, *num = NULL;
  double global = 0;
  GrokParams *params;
  GrokRng rng;
  Ref ref;

  config->model.d_model = 8;
  config->model.n_heads = 2;
  config->model.d_mlp = 16;
  model = grok_config_new_model (config, &ds, 4);
  params = model->params;
  /* random values everywhere, so that zero biases and unit LayerNorm weights hide nothing */
  grok_rng_init (&rng, 40 + n_blocks);
  for (gsize i = 0; i < params->numel; i++)
    params->data[i] = (float) (2.0 * grok_rng_uniform (&rng) - 1.0);
  theta = g_new (double, params->numel);
  for (gsize i = 0; i < params->numel; i++)
    theta[i] = params->data[i];
  ref = (Ref) { model, &batch, theta, 8, 2, 16, n_blocks, 7, 4 };

  {
    double L = grok_model_forward_loss (model, &batch, 0.0, NULL);
    g_assert_cmpfloat (fabs (L - ref_loss (&ref)), <, 1e-5 * (1 + L));
  }
  grok_model_backward (model, &batch, 0.0);
  num = g_new (double, params->numel);
  for (gsize i = 0; i < params->numel; i++)
    {
      double keep = theta[i], up, down;
      theta[i] = keep + H;
      up = ref_loss (&ref);
      theta[i] = keep - H;
      down = ref_loss (&ref);
      theta[i] = keep;
      num[i] = (up - down) / (2 * H);
    }
  for (gsize i = 0; i < params->numel; i++)
    global = MAX (global, fabs (num[i]));
  for (int t = 0; t < params->n_tensors; t++)
    {
      const GrokTensor *tn = &params->tensors[t];
      double err = max_rel_error (params->grad + tn->offset, num + tn->offset, tn->numel, global);
      g_test_message ("%s: relative error %g", tn->name, err);
      g_assert_cmpfloat (err, <, REL_TOL);
    }
  /* positions 4.. of pos_embed are never read: their gradient must be exactly zero */
  {
    const float *dpos = params->grad + params->tensors[grok_params_find (params, "pos_embed.weight")].offset;
    for (int i = 4 * 8; i < 7 * 8; i++)
      g_assert_cmpfloat (dpos[i], ==, 0.0f);
  }
}

static void
test_gradients_one_block (void)
{
  check_gradients (1);
}

/* two blocks: the first (table projections, all positions) and the last (last query only);
 * three add a middle block that runs the attention kernels as they are */
static void
test_gradients_two_blocks (void)
{
  check_gradients (2);
  check_gradients (3);
}

/* the tensors save under their names and load back into a fresh model bit for bit */
static void
test_checkpoint_round_trip (void)
{
  g_autoptr (GrokConfig) config = transformer_config (7, 2);
  g_autoptr (GrokDataset) ds = NULL;
  g_autoptr (GrokModel) a = NULL, b = NULL;
  g_autoptr (GError) error = NULL;
  const char *dir = test_tmp_dir ("grok-transformer-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "t.safetensors", NULL);

  config->model.d_model = 16;
  config->model.d_mlp = 32;
  ds = grok_dataset_new (&config->task);
  a = grok_config_new_model (config, ds, 2);
  b = grok_config_new_model (config, ds, 2);
  grok_model_init_params (a, 5);
  g_assert_true (grok_params_write (path, a->params, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (grok_params_load_into (path, b->params, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a->params->data, a->params->numel * sizeof (float),
                   b->params->data, b->params->numel * sizeof (float));
  g_unlink (path);
  g_rmdir (dir);
}

/* The last-query attention kernel against the full one (itself gradient-checked and compared
 * with PyTorch): its output is the full output's last-position rows, and with an upstream
 * gradient only at the last positions the two give the same dq (last rows), dk, dv and output
 * projection gradients. Both are float32 with sums of the same length in a different order,
 * hence 1e-5 relative to the largest value. */
static void
test_last_query_attention (void)
{
  enum { B = 3, T = 4, C = 16, HEADS = 4, N = B * T };
  float x[N * C], w[8][C * C], b[8][C], q[N * C], k[N * C], v[N * C], att[B * HEADS * T * T];
  float heads[N * C], out[N * C], dout[N * C], scratch[4 * N * C + T * T];
  float lq[B * C], latt[B * HEADS * T], lheads[B * C], lout[B * C], ldout[B * C];
  float dq[B * C], dk[N * C], dv[N * C], dheads[B * C];
  float gw_full[2][C * C] = { { 0 } }, gb_full[2][C] = { { 0 } };
  float gw_last[2][C * C] = { { 0 } }, gb_last[2][C] = { { 0 } };
  float unused_w[6][C * C] = { { 0 } }, unused_b[6][C] = { { 0 } };
  GrokAttentionCache cache = { q, k, v, att, heads };
  GrokAttentionWeights wt;
  GrokAttentionGrads full, last;
  GrokRng rng;
  double scale = 0, worst = 0;

  grok_rng_init (&rng, 9);
  for (int i = 0; i < N * C; i++)
    x[i] = (float) grok_rng_normal (&rng);
  for (int m = 0; m < 8; m++)
    for (int i = 0; i < C * C; i++)
      w[m][i] = (float) (grok_rng_normal (&rng) / 4);
  for (int m = 0; m < 8; m++)
    for (int i = 0; i < C; i++)
      b[m][i] = (float) (grok_rng_normal (&rng) / 4);
  wt = (GrokAttentionWeights) { w[0], b[0], w[1], b[1], w[2], b[2], w[3], b[3] };
  full = (GrokAttentionGrads) { unused_w[0], unused_b[0], unused_w[1], unused_b[1], unused_w[2],
                                unused_b[2], gw_full[0], gb_full[0] };
  last = (GrokAttentionGrads) { unused_w[3], unused_b[3], unused_w[4], unused_b[4], unused_w[5],
                                unused_b[5], gw_last[0], gb_last[0] };

  grok_attention_forward (out, &cache, x, &wt, B, T, C, HEADS);
  for (int bb = 0; bb < B; bb++)
    memcpy (lq + bb * C, q + (bb * T + T - 1) * C, sizeof (float) * C);
  grok_attention_last_forward (lout, latt, lheads, lq, k, v, &wt, B, T, C, HEADS);
  for (int bb = 0; bb < B; bb++)
    for (int c = 0; c < C; c++)
      g_assert_cmpfloat (fabsf (lout[bb * C + c] - out[(bb * T + T - 1) * C + c]), <, 1e-5);

  memset (dout, 0, sizeof dout);
  for (int bb = 0; bb < B; bb++)
    for (int c = 0; c < C; c++)
      dout[(bb * T + T - 1) * C + c] = ldout[bb * C + c] = (float) grok_rng_normal (&rng);
  /* the full kernel's dq, dk, dv land in its scratch: mix_backward exposes them */
  grok_attention_mix_backward (scratch, scratch + N * C, scratch + 2 * N * C, &full,
                               scratch + 3 * N * C, dout, &cache, &wt, B, T, C, HEADS);
  grok_attention_last_backward (dq, dk, dv, dheads, &last, ldout, latt, lheads, lq, k, v, &wt,
                                B, T, C, HEADS);
  for (int i = 0; i < 2 * N * C; i++)
    scale = MAX (scale, fabsf (scratch[N * C + i]));
  for (int i = 0; i < N * C; i++)
    {
      worst = MAX (worst, fabsf (dk[i] - scratch[N * C + i]));
      worst = MAX (worst, fabsf (dv[i] - scratch[2 * N * C + i]));
    }
  for (int bb = 0; bb < B; bb++)
    for (int c = 0; c < C; c++)
      worst = MAX (worst, fabsf (dq[bb * C + c] - scratch[(bb * T + T - 1) * C + c]));
  for (int i = 0; i < C * C; i++)
    worst = MAX (worst, fabsf (gw_last[0][i] - gw_full[0][i]));
  for (int i = 0; i < C; i++)
    worst = MAX (worst, fabsf (gb_last[0][i] - gb_full[0][i]));
  g_assert_cmpfloat (scale, >, 0.1);
  g_assert_cmpfloat (worst, <, 1e-5 * scale);
}

/* the settings a transformer cannot run with are refused, naming the key */
static void
test_config_checks (void)
{
  g_autoptr (GrokConfig) config = transformer_config (13, 1);
  g_autoptr (GError) error = NULL;

  g_assert_true (grok_config_validate (config, NULL));
  g_assert_true (grok_config_set (config, "task.format=pair", NULL));
  g_assert_false (grok_config_validate (config, &error));
  g_assert_error (error, GROK_ERROR, GROK_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "task.format"));
  g_clear_error (&error);

  g_assert_true (grok_config_set (config, "task.format=sequence", NULL));
  g_assert_true (grok_config_set (config, "model.n_heads=3", NULL));
  g_assert_false (grok_config_validate (config, &error));
  g_assert_nonnull (strstr (error->message, "model.n_heads"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/transformer/parameter-count", test_parameter_count);
  g_test_add_func ("/engine/transformer/init", test_init);
  g_test_add_func ("/engine/transformer/gradients-one-block", test_gradients_one_block);
  g_test_add_func ("/engine/transformer/gradients-two-blocks", test_gradients_two_blocks);
  g_test_add_func ("/engine/transformer/checkpoint-round-trip", test_checkpoint_round_trip);
  g_test_add_func ("/engine/transformer/config-checks", test_config_checks);
  g_test_add_func ("/engine/transformer/last-query-attention", test_last_query_attention);
  return g_test_run ();
}
