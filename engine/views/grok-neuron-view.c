/* Hidden units and attention over every input pair, and their 2-D spectra. */
#include "grok-neuron-view.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grok-error.h"
#include "grok-kernels.h"
#include "grok-mlp.h"
#include "grok-task.h"
#include "grok-transformer.h"

/* pairs evaluated at once */
#define PAIRS_PER_BATCH 1024

void
grok_fourier_power_2d (const double *f, int p, double *power)
{
  int h = p / 2;
  double mean = 0, norm = (double) p * p;
  g_autofree double *cs = g_new (double, (gsize) p * p);
  g_autofree double *sn = g_new (double, (gsize) p * p);
  g_autofree double *centred = g_new (double, (gsize) p * p);
  g_autofree double *re1 = g_new (double, (gsize) p * p);
  g_autofree double *im1 = g_new (double, (gsize) p * p);
  g_autofree double *re = g_new (double, (gsize) p * p);
  g_autofree double *im = g_new (double, (gsize) p * p);

  g_return_if_fail (f != NULL && power != NULL && p >= 1);
  for (gsize i = 0; i < (gsize) p * p; i++)
    mean += f[i];
  mean /= norm;
  for (gsize i = 0; i < (gsize) p * p; i++)
    centred[i] = f[i] - mean;
  /* row j of the tables is the frequency j - h; the angle is reduced mod p exactly */
  for (int j = 0; j < p; j++)
    for (int x = 0; x < p; x++)
      {
        int k = j - h;
        double angle = 2 * G_PI * (double) (((gint64) k * x % p + p) % p) / p;
        cs[(gsize) j * p + x] = cos (angle);
        sn[(gsize) j * p + x] = sin (angle);
      }
  /* over b: G (a, k_b) = sum_b f (a, b) e^{-i w b}: re1 = f cs^T, im1 = -f sn^T */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, p, p, p, 1.0, centred, p, cs, p, 0.0,
               re1, p);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, p, p, p, -1.0, centred, p, sn, p, 0.0,
               im1, p);
  /* over a: F (k_a, k_b) = sum_a e^{-i w a} G (a, k_b) = (cs - i sn) (re1 + i im1) */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p, p, p, 1.0, cs, p, re1, p, 0.0, re, p);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p, p, p, 1.0, sn, p, im1, p, 1.0, re, p);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p, p, p, 1.0, cs, p, im1, p, 0.0, im, p);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p, p, p, -1.0, sn, p, re1, p, 1.0, im, p);
  for (gsize i = 0; i < (gsize) p * p; i++)
    power[i] = (re[i] * re[i] + im[i] * im[i]) / (norm * norm);
}

/* the fast Walsh-Hadamard transform of x (n) in place, unnormalised */
static void
walsh_1d (double *x, int n, gsize stride)
{
  for (int len = 1; len < n; len <<= 1)
    for (int i = 0; i < n; i += len << 1)
      for (int j = i; j < i + len; j++)
        {
          double u = x[j * stride], v = x[(j + len) * stride];
          x[j * stride] = u + v;
          x[(j + len) * stride] = u - v;
        }
}

void
grok_walsh_power_2d (const double *f, int n_bits, double *power)
{
  int n = 1 << n_bits;
  gsize nn = (gsize) n * n;
  double mean = 0;
  g_autofree double *t = g_new (double, nn);

  g_return_if_fail (f != NULL && power != NULL && n_bits >= 0 && n_bits <= 12);
  for (gsize i = 0; i < nn; i++)
    mean += f[i];
  mean /= (double) nn;
  for (gsize i = 0; i < nn; i++)
    t[i] = f[i] - mean;
  for (int a = 0; a < n; a++)
    walsh_1d (t + (gsize) a * n, n, 1);
  for (int b = 0; b < n; b++)
    walsh_1d (t + b, n, (gsize) n);
  for (gsize i = 0; i < nn; i++)
    {
      double c = t[i] / (double) nn;
      power[i] = c * c;
    }
}

double
grok_fourier_power_share (const double *power, int p, int k)
{
  int h = p / 2;
  double total = 0, held = 0;

  for (int i = 0; i < p; i++)
    for (int j = 0; j < p; j++)
      {
        int ka = abs (i - h), kb = abs (j - h);
        double v = power[(gsize) i * p + j];
        total += v;
        if ((ka == 0 || ka == k) && (kb == 0 || kb == k) && (ka != 0 || kb != 0))
          held += v;
      }
  return total > 0 ? held / total : 0;
}

gboolean
grok_view_neurons_applies (const GrokMeasureSettings *settings)
{
  return settings->task.kind == GROK_TASK_MODULAR || settings->task.kind == GROK_TASK_XOR_BITS;
}

gboolean
grok_view_attention_applies (const GrokMeasureSettings *settings)
{
  return grok_view_neurons_applies (settings) && settings->model.kind == GROK_MODEL_TRANSFORMER;
}

/* What evaluates the hidden units over the pairs: the MLP's first layer in double, or a
 * transformer with the weights loaded */
typedef struct
{
  const GrokMeasureSettings *settings;
  int            side;
  int            n_hidden;
  /* MLP */
  GrokLayerView *layers;
  double        *w0;        /* (out, in) the first layer's weights in double */
  const float   *embed;     /* (vocab, d_embed), or NULL for digits */
  int            d_embed, n_positions, d_in;
  /* transformer */
  GrokDataset   *shape;
  GrokModel     *model;
  int           *tokens;    /* (PAIRS_PER_BATCH, n_positions) */
  float         *x;         /* (PAIRS_PER_BATCH, d_in) */
  double        *input;     /* (PAIRS_PER_BATCH, layer 0's in) */
  double        *pre;       /* (PAIRS_PER_BATCH, n_hidden) */
  float         *act;       /* (PAIRS_PER_BATCH, n_hidden) */
  float         *att;       /* (PAIRS_PER_BATCH, n_heads, n_positions) */
} Probe;

static void
probe_clear (Probe *pr)
{
  g_free (pr->layers);
  g_free (pr->w0);
  grok_dataset_free (pr->shape);
  if (pr->model != NULL)
    grok_model_free (pr->model);
  g_free (pr->tokens);
  g_free (pr->x);
  g_free (pr->input);
  g_free (pr->pre);
  g_free (pr->act);
  g_free (pr->att);
}

/* the transformer's tensors taken from params by name */
static gboolean
load_by_name (GrokParams *dst, const GrokParams *src, GError **error)
{
  for (int i = 0; i < dst->n_tensors; i++)
    {
      int j = grok_params_find (src, dst->tensors[i].name);
      if (j < 0 || src->tensors[j].numel != dst->tensors[i].numel)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "the parameters have %s tensor "
                       "'%s' of the run's model", j < 0 ? "no" : "another size of the",
                       dst->tensors[i].name);
          return FALSE;
        }
      memcpy (dst->data + dst->tensors[i].offset, src->data + src->tensors[j].offset,
              dst->tensors[i].numel * sizeof (float));
    }
  return TRUE;
}

static gboolean
probe_init (Probe *pr, const GrokMeasureSettings *settings, const GrokParams *params,
            GError **error)
{
  GrokDataset shape;

  *pr = (Probe) { .settings = settings };
  if (!grok_view_neurons_applies (settings))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "the neurons and attention views need a modular or xor_bits task");
      return FALSE;
    }
  pr->side = grok_task_n_symbols (&settings->task);
  grok_dataset_shape (&settings->task, &shape);
  pr->n_positions = shape.n_positions;
  pr->d_in = shape.d_in;
  pr->tokens = g_new0 (int, (gsize) PAIRS_PER_BATCH * MAX (pr->n_positions, 1));
  pr->x = g_new0 (float, (gsize) PAIRS_PER_BATCH * MAX (pr->d_in, 1));
  if (settings->model.kind == GROK_MODEL_MLP)
    {
      int n_layers, e = grok_params_find (params, "embed.weight");
      pr->layers = grok_mlp_views_from_params (&settings->model, params, &n_layers, error);
      if (pr->layers == NULL)
        return FALSE;
      if (pr->n_positions > 0)
        {
          if (e < 0 || params->tensors[e].ndim != 2 ||
              params->tensors[e].shape[1] * pr->n_positions != pr->layers[0].in)
            {
              g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "the parameters have no "
                           "tensor 'embed.weight' that fits layers.0.weight");
              return FALSE;
            }
          pr->embed = params->data + params->tensors[e].offset;
          pr->d_embed = params->tensors[e].shape[1];
        }
      pr->n_hidden = pr->layers[0].out;
      pr->w0 = g_new (double, (gsize) pr->layers[0].out * pr->layers[0].in);
      for (gsize i = 0; i < (gsize) pr->layers[0].out * pr->layers[0].in; i++)
        pr->w0[i] = pr->layers[0].weight[i];
      pr->input = g_new (double, (gsize) PAIRS_PER_BATCH * pr->layers[0].in);
      pr->pre = g_new (double, (gsize) PAIRS_PER_BATCH * pr->n_hidden);
    }
  else
    {
      pr->shape = grok_dataset_new (&settings->task);
      pr->model = grok_model_new (&settings->model, pr->shape, PAIRS_PER_BATCH);
      if (!load_by_name (pr->model->params, params, error))
        return FALSE;
      pr->n_hidden = (int) settings->model.d_mlp;
      pr->att = g_new (float, (gsize) PAIRS_PER_BATCH * settings->model.n_heads * pr->n_positions);
    }
  pr->act = g_new (float, (gsize) PAIRS_PER_BATCH * pr->n_hidden);
  return TRUE;
}

/* pairs first .. first + n - 1 (pair i is a = i / side, b = i % side): pr->act (n, n_hidden)
 * and, for a transformer, block's attention pr->att (n, n_heads, T) */
static void
probe_run (Probe *pr, int first, int n, int block)
{
  const GrokTaskSettings *task = &pr->settings->task;
  int T = pr->n_positions;

  for (int i = 0; i < n; i++)
    grok_task_write_pair (task, (first + i) / pr->side, (first + i) % pr->side,
                          pr->tokens + (gsize) i * MAX (T, 1),
                          pr->x + (gsize) i * MAX (pr->d_in, 1));
  if (pr->model != NULL)
    {
      GrokBatch batch = { .n = n, .tokens = pr->tokens };
      pr->model->klass->forward (pr->model, &batch);
      grok_transformer_read_last (pr->model, block, n, pr->act, pr->att);
      return;
    }
  {
    const GrokLayerView *l0 = &pr->layers[0];
    double (*act) (double) = grok_activation_info (l0->act)->value_d;
    for (int i = 0; i < n; i++)
      {
        double *row = pr->input + (gsize) i * l0->in;
        if (pr->embed != NULL)
          for (int t = 0; t < T; t++)
            for (int d = 0; d < pr->d_embed; d++)
              row[t * pr->d_embed + d] = pr->embed[(gsize) pr->tokens[i * T + t] * pr->d_embed + d];
        else
          for (int d = 0; d < l0->in; d++)
            row[d] = pr->x[(gsize) i * pr->d_in + d];
      }
    grok_layer_affine_rows (l0, pr->w0, pr->input, n, pr->pre);
    for (gsize k = 0; k < (gsize) n * l0->out; k++)
      pr->act[k] = (float) act (pr->pre[k]);
  }
}

static int
compare_variance (gconstpointer a, gconstpointer b, gpointer data)
{
  const double *v = data;
  double x = v[*(const int *) a], y = v[*(const int *) b];

  /* larger first; ties by unit index, so that the choice never depends on the sort */
  if (x != y)
    return x > y ? -1 : 1;
  return *(const int *) a - *(const int *) b;
}

GrokViewNeurons *
grok_view_neurons_compute (const GrokMeasureSettings *settings, const GrokParams *params,
                           const int *units, int n_units, int most, GError **error)
{
  g_autoptr (GrokViewNeurons) nv = g_new0 (GrokViewNeurons, 1);
  Probe pr;
  int block, pairs, side;
  gsize ss;
  g_autofree double *sum = NULL, *sumsq = NULL, *f = NULL, *pw = NULL;

  g_return_val_if_fail (settings != NULL && params != NULL, NULL);
  g_return_val_if_fail (n_units >= 0 && n_units <= GROK_VIEW_MAX_UNITS, NULL);
  if (!probe_init (&pr, settings, params, error))
    {
      probe_clear (&pr);
      return NULL;
    }
  side = pr.side;
  ss = (gsize) side * side;
  pairs = side * side;
  block = settings->model.kind == GROK_MODEL_TRANSFORMER ? (int) settings->model.n_blocks - 1 : 0;
  for (int u = 0; u < n_units; u++)
    if (units[u] < 0 || units[u] >= pr.n_hidden)
      {
        g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "unit %d is not one of the layer's "
                     "%d hidden units (0 to %d)", units[u], pr.n_hidden, pr.n_hidden - 1);
        probe_clear (&pr);
        return NULL;
      }
  nv->side = side;
  nv->basis = settings->task.kind == GROK_TASK_XOR_BITS ? GROK_NEURON_BASIS_WALSH
                                                        : GROK_NEURON_BASIS_FOURIER;
  nv->freq_origin = nv->basis == GROK_NEURON_BASIS_FOURIER ? -(side / 2) : 0;
  nv->n_hidden = pr.n_hidden;
  nv->layer = settings->model.kind == GROK_MODEL_MLP ? g_strdup ("layers.0")
                                                     : g_strdup_printf ("blocks.%d.mlp.fc1", block);
  nv->chosen = n_units > 0;

  /* every unit's variance over the pairs, in double, in pair order whatever the batches */
  sum = g_new0 (double, pr.n_hidden);
  sumsq = g_new0 (double, pr.n_hidden);
  for (int first = 0; first < pairs; first += PAIRS_PER_BATCH)
    {
      int n = MIN (PAIRS_PER_BATCH, pairs - first);
      probe_run (&pr, first, n, block);
      for (int i = 0; i < n; i++)
        for (int u = 0; u < pr.n_hidden; u++)
          {
            double v = pr.act[(gsize) i * pr.n_hidden + u];
            sum[u] += v;
            sumsq[u] += v * v;
          }
    }
  for (int u = 0; u < pr.n_hidden; u++)
    {
      double m = sum[u] / pairs;
      sumsq[u] = MAX (sumsq[u] / pairs - m * m, 0);
    }
  if (n_units == 0)
    {
      g_autofree int *order = g_new (int, pr.n_hidden);
      for (int u = 0; u < pr.n_hidden; u++)
        order[u] = u;
      g_qsort_with_data (order, pr.n_hidden, sizeof (int), compare_variance, sumsq);
      n_units = MIN (CLAMP (most, 1, GROK_VIEW_MAX_UNITS), pr.n_hidden);
      nv->units = g_memdup2 (order, sizeof (int) * n_units);
    }
  else
    nv->units = g_memdup2 (units, sizeof (int) * n_units);
  nv->n_units = n_units;
  nv->variance = g_new (double, n_units);
  nv->key = g_new0 (int, n_units);
  nv->key_share = g_new0 (double, n_units);
  nv->activation = g_new (float, n_units * ss);
  nv->power = g_new (float, n_units * ss);
  f = g_new (double, n_units * ss);
  pw = g_new (double, ss);
  for (int first = 0; first < pairs; first += PAIRS_PER_BATCH)
    {
      int n = MIN (PAIRS_PER_BATCH, pairs - first);
      probe_run (&pr, first, n, block);
      for (int k = 0; k < n_units; k++)
        for (int i = 0; i < n; i++)
          f[k * ss + first + i] = pr.act[(gsize) i * pr.n_hidden + nv->units[k]];
    }
  for (int k = 0; k < n_units; k++)
    {
      nv->variance[k] = sumsq[nv->units[k]];
      if (nv->basis == GROK_NEURON_BASIS_WALSH)
        grok_walsh_power_2d (f + k * ss, (int) settings->task.n_bits, pw);
      else
        grok_fourier_power_2d (f + k * ss, side, pw);
      if (nv->basis == GROK_NEURON_BASIS_WALSH)
        {
          double total = 0, best = 0;
          for (gsize i = 0; i < ss; i++)
            {
              total += pw[i];
              if (pw[i] > best)
                best = pw[i], nv->key[k] = (int) i;
            }
          nv->key_share[k] = total > 0 ? best / total : 0;
        }
      else
        for (int q = 1; q <= side / 2; q++)
          {
            double share = grok_fourier_power_share (pw, side, q);
            if (share > nv->key_share[k])
              nv->key_share[k] = share, nv->key[k] = q;
          }
      for (gsize i = 0; i < ss; i++)
        {
          nv->activation[k * ss + i] = (float) f[k * ss + i];
          nv->power[k * ss + i] = (float) pw[i];
        }
    }
  probe_clear (&pr);
  return g_steal_pointer (&nv);
}

void
grok_view_neurons_free (GrokViewNeurons *neurons)
{
  if (neurons == NULL)
    return;
  g_free (neurons->layer);
  g_free (neurons->units);
  g_free (neurons->variance);
  g_free (neurons->key);
  g_free (neurons->key_share);
  g_free (neurons->activation);
  g_free (neurons->power);
  g_free (neurons);
}

GrokViewAttention *
grok_view_attention_compute (const GrokMeasureSettings *settings, const GrokParams *params,
                             GError **error)
{
  g_autoptr (GrokViewAttention) av = g_new0 (GrokViewAttention, 1);
  Probe pr;
  int pairs, H, T;
  gsize ss;

  g_return_val_if_fail (settings != NULL && params != NULL, NULL);
  if (!grok_view_attention_applies (settings))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "the attention view needs a transformer on a modular or xor_bits task");
      return NULL;
    }
  if (!probe_init (&pr, settings, params, error))
    {
      probe_clear (&pr);
      return NULL;
    }
  av->side = pr.side;
  av->n_blocks = (int) settings->model.n_blocks;
  av->n_heads = H = (int) settings->model.n_heads;
  av->n_positions = T = pr.n_positions;
  ss = (gsize) pr.side * pr.side;
  pairs = pr.side * pr.side;
  av->weight = g_new (float, (gsize) av->n_blocks * H * T * ss);
  for (int first = 0; first < pairs; first += PAIRS_PER_BATCH)
    for (int blk = 0; blk < av->n_blocks; blk++)
      {
        int n = MIN (PAIRS_PER_BATCH, pairs - first);
        /* one forward pass per batch; every block's attention is read from it */
        if (blk == 0)
          probe_run (&pr, first, n, 0);
        else
          grok_transformer_read_last (pr.model, blk, n, NULL, pr.att);
        for (int i = 0; i < n; i++)
          for (int h = 0; h < H; h++)
            for (int t = 0; t < T; t++)
              av->weight[(((gsize) blk * H + h) * T + t) * ss + first + i] =
                pr.att[((gsize) i * H + h) * T + t];
      }
  probe_clear (&pr);
  return g_steal_pointer (&av);
}

void
grok_view_attention_free (GrokViewAttention *attention)
{
  if (attention == NULL)
    return;
  g_free (attention->weight);
  g_free (attention);
}
