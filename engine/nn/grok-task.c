/* Dataset generation for the discrete tasks and the 2-D XOR. */
#include "grok-task.h"

#include <math.h>
#include <string.h>

#include "grok-rng.h"

/* separate random streams of the split seed, so that changing n_test does not move the
 * training points */
enum { STREAM_SPLIT = 1, STREAM_XOR2D_TRAIN = 2, STREAM_XOR2D_TEST = 3, STREAM_NOISE = 4 };

static gint64
power_mod (gint64 base, gint64 exp, gint64 p)
{
  gint64 result = 1;
  base %= p;
  while (exp > 0)
    {
      if (exp & 1)
        result = result * base % p;
      base = base * base % p;
      exp >>= 1;
    }
  return result;
}

int
grok_modular_apply (GrokModOp op, int a, int b, int p)
{
  gint64 A = a, B = b, P = p;

  switch (op)
    {
    case GROK_OP_ADD: return (A + B) % P;
    case GROK_OP_SUB: return ((A - B) % P + P) % P;
    case GROK_OP_MUL: return A * B % P;
    case GROK_OP_DIV: return A * power_mod (B, P - 2, P) % P;  /* Fermat: b^(p-2) = b^-1 */
    case GROK_OP_SQ_SUM: return (A * A + B * B) % P;
    case GROK_OP_QUAD: return (A * A + A * B + B * B) % P;
    default: g_assert_not_reached ();
    }
}

int
grok_permutation_index (const int *perm, int n)
{
  int index = 0;

  /* Lehmer code: digit i counts the later entries smaller than perm[i] */
  for (int i = 0; i < n; i++)
    {
      int smaller = 0;
      for (int j = i + 1; j < n; j++)
        smaller += perm[j] < perm[i];
      index = index * (n - i) + smaller;
    }
  return index;
}

void
grok_permutation_from_index (int index, int n, int *perm)
{
  int digits[16];
  gboolean used[16] = { FALSE };

  g_return_if_fail (n <= 16);
  for (int i = n - 1; i >= 0; i--)
    {
      digits[i] = index % (n - i);
      index /= n - i;
    }
  for (int i = 0; i < n; i++)
    {
      int skip = digits[i];
      for (int v = 0; v < n; v++)
        if (!used[v] && skip-- == 0)
          {
            perm[i] = v;
            used[v] = TRUE;
            break;
          }
    }
}

static gint64
factorial (gint64 n)
{
  gint64 f = 1;

  for (gint64 i = 2; i <= n; i++)
    f *= i;
  return f;
}

gint64
grok_task_n_examples (const GrokTaskSettings *task)
{
  switch (task->kind)
    {
    case GROK_TASK_MODULAR:
      return task->op == GROK_OP_DIV ? task->p * (task->p - 1) : task->p * task->p;
    case GROK_TASK_XOR_BITS:
      return (gint64) 1 << (2 * task->n_bits);
    case GROK_TASK_PERMUTATION:
      return factorial (task->perm_n) * factorial (task->perm_n);
    case GROK_TASK_XOR2D:
      return task->n_train + task->n_test;
    default:
      g_assert_not_reached ();
    }
}

gint64
grok_task_n_train (const GrokTaskSettings *task)
{
  if (task->kind == GROK_TASK_XOR2D)
    return task->n_train;
  return (gint64) floor (task->train_fraction * (double) grok_task_n_examples (task));
}

gint64
grok_task_batch_size (gint64 batch_size, gint64 n_train)
{
  if (batch_size == GROK_BATCH_DEMOSS)
    return MAX (1, MIN (512, n_train / 2));
  if (batch_size == 0)
    return n_train;
  return batch_size;
}

typedef struct
{
  int n_symbols;
  int n_pairs;
  int *a, *b, *y;
} PairTable;

/* the symbols a discrete task's inputs and outputs range over */
static int
n_symbols (const GrokTaskSettings *task)
{
  int n = 1;

  switch (task->kind)
    {
    case GROK_TASK_MODULAR:
      return (int) task->p;
    case GROK_TASK_XOR_BITS:
      return 1 << task->n_bits;
    case GROK_TASK_PERMUTATION:
      for (int i = 2; i <= task->perm_n; i++)
        n *= i;
      return n;
    default:
      g_assert_not_reached ();
    }
}

static void
pair_table_fill (PairTable *t, const GrokTaskSettings *task)
{
  int n = 0;

  t->n_symbols = n_symbols (task);
  t->n_pairs = t->n_symbols * t->n_symbols;
  t->a = g_new (int, t->n_pairs);
  t->b = g_new (int, t->n_pairs);
  t->y = g_new (int, t->n_pairs);

  for (int a = 0; a < t->n_symbols; a++)
    for (int b = 0; b < t->n_symbols; b++)
      {
        int y;
        if (task->kind == GROK_TASK_MODULAR)
          {
            if (task->op == GROK_OP_DIV && b == 0)
              continue;
            y = grok_modular_apply (task->op, a, b, t->n_symbols);
          }
        else if (task->kind == GROK_TASK_XOR_BITS)
          y = a ^ b;
        else
          {
            int k = task->perm_n, pa[16], pb[16], pc[16];
            grok_permutation_from_index (a, k, pa);
            grok_permutation_from_index (b, k, pb);
            for (int i = 0; i < k; i++)
              pc[i] = pa[pb[i]];
            y = grok_permutation_index (pc, k);
          }
        t->a[n] = a;
        t->b[n] = b;
        t->y[n] = y;
        n++;
      }
  t->n_pairs = n;
}

static void
write_tokens (int *dst, const GrokTaskSettings *task, int n_symbols, int a, int b)
{
  if (task->format == GROK_FORMAT_SEQUENCE)
    {
      dst[0] = a;
      dst[1] = n_symbols;      /* OP */
      dst[2] = b;
      dst[3] = n_symbols + 1;  /* EQ */
    }
  else
    {
      dst[0] = a;
      dst[1] = b;
    }
}

/* least significant digit first: input i is digit i of a, input n + i is digit i of b */
static void
write_digits (float *dst, int n_bits, int a, int b)
{
  for (int i = 0; i < n_bits; i++)
    {
      dst[i] = (float) ((a >> i) & 1);
      dst[n_bits + i] = (float) ((b >> i) & 1);
    }
}

int
grok_task_n_symbols (const GrokTaskSettings *task)
{
  g_return_val_if_fail (task->kind != GROK_TASK_XOR2D, 0);
  return n_symbols (task);
}

void
grok_task_write_pair (const GrokTaskSettings *task, int a, int b, int *tokens, float *x)
{
  g_return_if_fail (task->kind != GROK_TASK_XOR2D);
  if (task->format == GROK_FORMAT_DIGITS)
    write_digits (x, (int) task->n_bits, a, b);
  else
    write_tokens (tokens, task, n_symbols (task), a, b);
}

static void
discrete_shape (const GrokTaskSettings *task, GrokDataset *shape)
{
  if (task->format == GROK_FORMAT_DIGITS)
    {
      shape->head = GROK_HEAD_DIGITS;
      shape->d_in = 2 * (int) task->n_bits;
      shape->n_classes = (int) task->n_bits;
    }
  else
    {
      shape->n_positions = task->format == GROK_FORMAT_SEQUENCE ? 4 : 2;
      shape->vocab = n_symbols (task) + (shape->n_positions == 4 ? 2 : 0);
      /* the sequence format predicts over the whole vocabulary, as DeMoss et al.'s models do */
      shape->n_classes = shape->n_positions == 4 ? shape->vocab : n_symbols (task);
    }
  shape->n_train = (int) grok_task_n_train (task);
  shape->n_test = (int) (grok_task_n_examples (task) - shape->n_train);
}

void
grok_dataset_shape (const GrokTaskSettings *task, GrokDataset *shape)
{
  memset (shape, 0, sizeof *shape);
  shape->kind = task->kind;
  if (task->kind == GROK_TASK_XOR2D)
    {
      shape->d_in = 2;
      shape->n_classes = 2;
      shape->n_train = (int) task->n_train;
      shape->n_test = (int) task->n_test;
      return;
    }
  discrete_shape (task, shape);
}

gsize
grok_dataset_estimate_bytes (const GrokTaskSettings *task)
{
  GrokDataset shape;
  gsize n;

  grok_dataset_shape (task, &shape);
  n = (gsize) shape.n_train + (gsize) shape.n_test;
  if (shape.kind == GROK_TASK_XOR2D)
    return n * (2 * sizeof (float) + sizeof (int));
  /* the pair table and the shuffle order live while the inputs are written */
  return n * (((gsize) shape.n_positions + 1 + 4) * sizeof (int) + (gsize) shape.d_in * sizeof (float));
}

/* example k of the pair table into row `row` of the training or the test set */
static void
write_example (GrokDataset *ds, const GrokTaskSettings *task, const PairTable *t, int k,
               gboolean train, int row)
{
  int T = ds->n_positions, D = ds->d_in;

  if (T > 0)
    write_tokens ((train ? ds->train_tokens : ds->test_tokens) + (gsize) row * T, task,
                  t->n_symbols, t->a[k], t->b[k]);
  else
    write_digits ((train ? ds->train_x : ds->test_x) + (gsize) row * D,
                  (int) task->n_bits, t->a[k], t->b[k]);
  (train ? ds->train_y : ds->test_y)[row] = t->y[k];
}

static void
fill_discrete (GrokDataset *ds, const GrokTaskSettings *task)
{
  PairTable t = { 0 };
  GrokRng rng;
  int *order;
  int T = ds->n_positions, D = ds->d_in;

  pair_table_fill (&t, task);
  g_assert (ds->n_train + ds->n_test == t.n_pairs);
  order = g_new (int, t.n_pairs);
  for (int i = 0; i < t.n_pairs; i++)
    order[i] = i;
  grok_rng_init_stream (&rng, task->split_seed, STREAM_SPLIT);
  grok_rng_shuffle_int (&rng, order, t.n_pairs);

  if (T > 0)
    {
      ds->train_tokens = g_new (int, (gsize) ds->n_train * T);
      ds->test_tokens = g_new (int, (gsize) MAX (ds->n_test, 1) * T);
    }
  else
    {
      ds->train_x = g_new (float, (gsize) ds->n_train * D);
      ds->test_x = g_new (float, (gsize) MAX (ds->n_test, 1) * D);
    }
  ds->train_y = g_new (int, ds->n_train);
  ds->test_y = g_new (int, MAX (ds->n_test, 1));
  for (int i = 0; i < t.n_pairs; i++)
    {
      gboolean train = i < ds->n_train;
      write_example (ds, task, &t, order[i], train, train ? i : i - ds->n_train);
    }
  g_free (order);
  g_free (t.a);
  g_free (t.b);
  g_free (t.y);
}

static void
xor2d_points (float *x, int *y, int n, const GrokTaskSettings *task, guint64 stream)
{
  GrokRng rng;

  grok_rng_init_stream (&rng, task->split_seed, stream);
  for (int i = 0; i < n; i++)
    {
      double px, py;
      if (task->variant == GROK_XOR2D_BLOBS)
        {
          int blob = grok_rng_below (&rng, 4);
          px = (blob & 1 ? 0.5 : -0.5) + task->blob_std * grok_rng_normal (&rng);
          py = (blob & 2 ? 0.5 : -0.5) + task->blob_std * grok_rng_normal (&rng);
          y[i] = (blob & 1) ^ ((blob & 2) >> 1);
        }
      else
        {
          px = 2.0 * grok_rng_uniform (&rng) - 1.0;
          py = 2.0 * grok_rng_uniform (&rng) - 1.0;
          y[i] = (px > 0) ^ (py > 0);
        }
      x[2 * i] = px;
      x[2 * i + 1] = py;
    }
}

static void
fill_xor2d (GrokDataset *ds, const GrokTaskSettings *task)
{
  GrokRng noise;

  ds->train_x = g_new (float, 2 * (gsize) ds->n_train);
  ds->test_x = g_new (float, 2 * (gsize) ds->n_test);
  ds->train_y = g_new (int, ds->n_train);
  ds->test_y = g_new (int, ds->n_test);
  xor2d_points (ds->train_x, ds->train_y, ds->n_train, task, STREAM_XOR2D_TRAIN);
  xor2d_points (ds->test_x, ds->test_y, ds->n_test, task, STREAM_XOR2D_TEST);

  grok_rng_init_stream (&noise, task->split_seed, STREAM_NOISE);
  for (int i = 0; i < ds->n_train; i++)
    if (grok_rng_uniform (&noise) < task->label_noise)
      ds->train_y[i] ^= 1;
}

GrokDataset *
grok_dataset_new (const GrokTaskSettings *task)
{
  GrokDataset *ds = g_new0 (GrokDataset, 1);

  grok_dataset_shape (task, ds);
  if (task->kind == GROK_TASK_XOR2D)
    fill_xor2d (ds, task);
  else
    fill_discrete (ds, task);
  return ds;
}

void
grok_dataset_free (GrokDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->train_tokens);
  g_free (ds->test_tokens);
  g_free (ds->train_x);
  g_free (ds->test_x);
  g_free (ds->train_y);
  g_free (ds->test_y);
  g_free (ds);
}
