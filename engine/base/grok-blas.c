/* OpenBLAS on one thread for the whole process: see grok-blas.h. */
#include "grok-blas.h"

#include <cblas.h>

static void
set_single (void)
{
  openblas_set_num_threads (1);
}

/* before main, while the process has one thread */
__attribute__ ((constructor)) static void
grok_blas_constructor (void)
{
  set_single ();
}

void
grok_blas_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      set_single ();
      g_once_init_leave (&done, 1);
    }
}
