/* Tasks: targets checked against brute-force arithmetic, splits against their definition. */
#include <string.h>

#include "grok-config.h"
#include "grok-task.h"

static GrokConfig *
config_for (const char * const *sets)
{
  GrokConfig *config = grok_config_new_default ();
  for (int i = 0; sets[i] != NULL; i++)
    g_assert_true (grok_config_set (config, sets[i], NULL));
  g_assert_true (grok_config_validate (config, NULL));
  return config;
}

/* every example of both sets, as (a, b) -> y, covers each input pair exactly once */
static void
check_modular (const char *op, int p, const char *format)
{
  g_autofree char *s_op = g_strdup_printf ("task.op=%s", op);
  g_autofree char *s_p = g_strdup_printf ("task.p=%d", p);
  g_autofree char *s_f = g_strdup_printf ("task.format=%s", format);
  g_autoptr (GrokConfig) config = config_for ((const char *[]) { s_op, s_p, s_f, "task.train_fraction=0.3", NULL });
  g_autoptr (GrokDataset) ds = grok_dataset_new (&config->task);
  gboolean is_div = strcmp (op, "div") == 0;
  int total = is_div ? p * (p - 1) : p * p;
  int T = strcmp (format, "sequence") == 0 ? 4 : 2;
  g_autofree int *seen = g_new0 (int, p * p);

  g_assert_cmpint (ds->n_train, ==, (int) (0.3 * total));
  g_assert_cmpint (ds->n_train + ds->n_test, ==, total);
  g_assert_cmpint (ds->n_positions, ==, T);
  g_assert_cmpint (ds->vocab, ==, T == 4 ? p + 2 : p);
  for (int set = 0; set < 2; set++)
    {
      int n = set ? ds->n_test : ds->n_train;
      const int *tok = set ? ds->test_tokens : ds->train_tokens;
      const int *y = set ? ds->test_y : ds->train_y;
      for (int i = 0; i < n; i++)
        {
          int a = tok[i * T], b = tok[i * T + (T == 4 ? 2 : 1)];
          long expect;
          if (T == 4)
            {
              g_assert_cmpint (tok[i * T + 1], ==, p);
              g_assert_cmpint (tok[i * T + 3], ==, p + 1);
            }
          if (strcmp (op, "add") == 0) expect = (a + b) % p;
          else if (strcmp (op, "sub") == 0) expect = ((a - b) % p + p) % p;
          else if (strcmp (op, "mul") == 0) expect = (long) a * b % p;
          else if (strcmp (op, "sq_sum") == 0) expect = ((long) a * a + (long) b * b) % p;
          else if (strcmp (op, "quad") == 0) expect = ((long) a * a + (long) a * b + (long) b * b) % p;
          else
            {
              /* y is the c with c * b = a (mod p) */
              g_assert_cmpint (b, !=, 0);
              g_assert_cmpint ((long) y[i] * b % p, ==, a);
              expect = y[i];
            }
          g_assert_cmpint (y[i], ==, expect);
          seen[a * p + b]++;
        }
    }
  for (int a = 0; a < p; a++)
    for (int b = 0; b < p; b++)
      g_assert_cmpint (seen[a * p + b], ==, is_div && b == 0 ? 0 : 1);
}

static void
test_modular (void)
{
  const char *ops[] = { "add", "sub", "mul", "div", "sq_sum", "quad" };
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      check_modular (ops[i], 13, "pair");
      check_modular (ops[i], 7, "sequence");
    }
}

static void
test_split_seed (void)
{
  g_autoptr (GrokConfig) c1 = config_for ((const char *[]) { "task.split_seed=1", NULL });
  g_autoptr (GrokConfig) c2 = config_for ((const char *[]) { "task.split_seed=1", NULL });
  g_autoptr (GrokConfig) c3 = config_for ((const char *[]) { "task.split_seed=2", NULL });
  g_autoptr (GrokDataset) d1 = grok_dataset_new (&c1->task);
  g_autoptr (GrokDataset) d2 = grok_dataset_new (&c2->task);
  g_autoptr (GrokDataset) d3 = grok_dataset_new (&c3->task);
  gsize bytes = d1->n_train * 2 * sizeof (int);

  g_assert_cmpmem (d1->train_tokens, bytes, d2->train_tokens, bytes);
  g_assert_true (memcmp (d1->train_tokens, d3->train_tokens, bytes) != 0);
}

static void
test_xor_bits (void)
{
  g_autoptr (GrokConfig) config = config_for ((const char *[]) { "task.name=xor_bits", "task.n_bits=3", NULL });
  g_autoptr (GrokDataset) ds = grok_dataset_new (&config->task);

  g_assert_cmpint (ds->n_classes, ==, 8);
  g_assert_cmpint (ds->n_train + ds->n_test, ==, 64);
  for (int i = 0; i < ds->n_train; i++)
    g_assert_cmpint (ds->train_y[i], ==, ds->train_tokens[2 * i] ^ ds->train_tokens[2 * i + 1]);
}

/* the digit form: rows of 2n numbers 0/1 that decode to the pair-format split's (a, b), in the
 * same order, with a XOR b as the target and no tokens */
static void
test_xor_digits (void)
{
  const char *common[] = { "task.name=xor_bits", "task.n_bits=3", "task.split_seed=3" };
  g_autoptr (GrokConfig) config = config_for ((const char *[]) { common[0], common[1], common[2], "task.format=digits", NULL });
  g_autoptr (GrokConfig) pair = config_for ((const char *[]) { common[0], common[1], common[2], NULL });
  g_autoptr (GrokDataset) ds = grok_dataset_new (&config->task);
  g_autoptr (GrokDataset) dp = grok_dataset_new (&pair->task);
  GrokDataset shape;
  int seen[64] = { 0 };

  grok_dataset_shape (&config->task, &shape);
  g_assert_cmpint (ds->head, ==, GROK_HEAD_DIGITS);
  g_assert_cmpint (dp->head, ==, GROK_HEAD_SOFTMAX);
  g_assert_cmpint (ds->d_in, ==, 6);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpint (ds->n_positions, ==, 0);
  g_assert_null (ds->train_tokens);
  g_assert_cmpint (shape.d_in, ==, 6);
  g_assert_cmpint (shape.n_classes, ==, 3);
  g_assert_cmpint (shape.n_train, ==, ds->n_train);
  g_assert_cmpint (ds->n_train, ==, dp->n_train);
  g_assert_cmpint (ds->n_train + ds->n_test, ==, 64);
  for (int set = 0; set < 2; set++)
    for (int i = 0; i < (set ? ds->n_test : ds->n_train); i++)
      {
        const float *x = (set ? ds->test_x : ds->train_x) + i * 6;
        const int *tok = (set ? dp->test_tokens : dp->train_tokens) + i * 2;
        int a = 0, b = 0;
        for (int k = 0; k < 3; k++)
          {
            g_assert_true (x[k] == 0.0f || x[k] == 1.0f);
            g_assert_true (x[3 + k] == 0.0f || x[3 + k] == 1.0f);
            a |= (int) x[k] << k;
            b |= (int) x[3 + k] << k;
          }
        g_assert_cmpint (a, ==, tok[0]);
        g_assert_cmpint (b, ==, tok[1]);
        g_assert_cmpint ((set ? ds->test_y : ds->train_y)[i], ==, a ^ b);
        seen[a * 8 + b]++;
      }
  for (int k = 0; k < 64; k++)
    g_assert_cmpint (seen[k], ==, 1);
}

static void
test_permutation_index (void)
{
  /* lexicographic order of S_3: 012, 021, 102, 120, 201, 210 */
  const int expect[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
  for (int i = 0; i < 6; i++)
    {
      int perm[3];
      grok_permutation_from_index (i, 3, perm);
      g_assert_cmpmem (perm, sizeof perm, expect[i], sizeof expect[i]);
      g_assert_cmpint (grok_permutation_index (expect[i], 3), ==, i);
    }
  for (int i = 0; i < 120; i++)
    {
      int perm[5];
      grok_permutation_from_index (i, 5, perm);
      g_assert_cmpint (grok_permutation_index (perm, 5), ==, i);
    }
}

static void
test_permutation_task (void)
{
  g_autoptr (GrokConfig) config = config_for ((const char *[]) { "task.name=permutation", "task.perm_n=4", NULL });
  g_autoptr (GrokDataset) ds = grok_dataset_new (&config->task);

  g_assert_cmpint (ds->n_classes, ==, 24);
  g_assert_cmpint (ds->n_train + ds->n_test, ==, 576);
  for (int i = 0; i < ds->n_train; i++)
    {
      int pa[4], pb[4], pc[4];
      grok_permutation_from_index (ds->train_tokens[2 * i], 4, pa);
      grok_permutation_from_index (ds->train_tokens[2 * i + 1], 4, pb);
      grok_permutation_from_index (ds->train_y[i], 4, pc);
      for (int k = 0; k < 4; k++)
        g_assert_cmpint (pc[k], ==, pa[pb[k]]);
    }
}

static void
test_xor2d (void)
{
  g_autoptr (GrokConfig) config = config_for ((const char *[]) { "task.name=xor2d", "task.n_train=500", "task.n_test=300", NULL });
  g_autoptr (GrokConfig) noisy = config_for ((const char *[]) { "task.name=xor2d", "task.n_train=2000", "task.label_noise=0.25", NULL });
  g_autoptr (GrokConfig) blobs = config_for ((const char *[]) { "task.name=xor2d", "task.variant=blobs", NULL });
  g_autoptr (GrokDataset) ds = grok_dataset_new (&config->task);
  g_autoptr (GrokDataset) dn = grok_dataset_new (&noisy->task);
  g_autoptr (GrokDataset) db = grok_dataset_new (&blobs->task);
  int flipped = 0;

  g_assert_cmpint (ds->n_train, ==, 500);
  g_assert_cmpint (ds->n_test, ==, 300);
  for (int i = 0; i < ds->n_train; i++)
    {
      float x = ds->train_x[2 * i], y = ds->train_x[2 * i + 1];
      g_assert_true (x >= -1 && x <= 1 && y >= -1 && y <= 1);
      g_assert_cmpint (ds->train_y[i], ==, (x > 0) ^ (y > 0));
    }
  for (int i = 0; i < dn->n_train; i++)
    flipped += dn->train_y[i] != ((dn->train_x[2 * i] > 0) ^ (dn->train_x[2 * i + 1] > 0));
  /* 2000 draws at p = 0.25: mean 500, standard deviation 19 */
  g_assert_cmpint (flipped, >, 400);
  g_assert_cmpint (flipped, <, 600);
  for (int i = 0; i < dn->n_test; i++)
    g_assert_cmpint (dn->test_y[i], ==, (dn->test_x[2 * i] > 0) ^ (dn->test_x[2 * i + 1] > 0));
  /* blob labels follow their centre; with std 0.15 almost every point stays in its quadrant */
  {
    int agree = 0;
    for (int i = 0; i < db->n_train; i++)
      agree += db->train_y[i] == ((db->train_x[2 * i] > 0) ^ (db->train_x[2 * i + 1] > 0));
    g_assert_cmpint (agree, >, db->n_train * 0.97);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/task/modular", test_modular);
  g_test_add_func ("/engine/task/split-seed", test_split_seed);
  g_test_add_func ("/engine/task/xor-bits", test_xor_bits);
  g_test_add_func ("/engine/task/xor-digits", test_xor_digits);
  g_test_add_func ("/engine/task/permutation-index", test_permutation_index);
  g_test_add_func ("/engine/task/permutation", test_permutation_task);
  g_test_add_func ("/engine/task/xor2d", test_xor2d);
  return g_test_run ();
}
