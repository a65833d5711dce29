/* OpenBLAS on one thread for the whole process (grok-blas.h): no OpenBLAS thread is left
 * running beside main, and products on one thread still give the right numbers. */
#include "grok-blas.h"

#include <cblas.h>
#include <math.h>

/* the threads of this process, from /proc/self/task */
static int
count_threads (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Before the test asks for anything, OpenBLAS has been loaded and its load-time threads
 * (one fewer than the cores) stopped: the process is main alone. */
static void
test_no_idle_threads (void)
{
  if (g_get_num_processors () < 2)
    {
      g_test_skip ("OpenBLAS starts no thread of its own on one core");
      return;
    }
#if defined(__SANITIZE_THREAD__)
  g_test_skip ("ThreadSanitizer keeps a thread of its own");
  return;
#endif
  g_assert_cmpint (count_threads (), ==, 1);
  g_assert_cmpint (openblas_get_num_threads (), ==, 1);
}

/* Products large enough for OpenBLAS to split them if it ran on more than one thread, in float
 * and double, against sums over small integers, which are exact in both; the thread count does
 * not grow. */
static void
test_products (void)
{
  const int n = 256;
  g_autofree float *a = g_new (float, n * n), *b = g_new (float, n * n), *c = g_new (float, n * n);
  g_autofree double *ad = g_new (double, n * n), *bd = g_new (double, n * n);
  g_autofree double *cd = g_new (double, n * n);
  int before = count_threads ();

  grok_blas_init ();
  for (int i = 0; i < n * n; i++)
    {
      ad[i] = a[i] = (float) ((i * 7) % 11) - 5;
      bd[i] = b[i] = (float) ((i * 5) % 13) - 6;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, ad, n, bd, n, 0, cd, n);
  for (int i = 0; i < n; i += 17)
    for (int j = 0; j < n; j += 13)
      {
        double sum = 0;

        for (int k = 0; k < n; k++)
          sum += ad[i * n + k] * bd[k * n + j];
        g_assert_cmpfloat (c[i * n + j], ==, sum);
        g_assert_cmpfloat (cd[i * n + j], ==, sum);
      }
  g_assert_cmpint (count_threads (), ==, before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/blas/no-idle-threads", test_no_idle_threads);
  g_test_add_func ("/engine/blas/products", test_products);
  return g_test_run ();
}
