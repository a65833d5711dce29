/* OpenBLAS on one thread for the whole process: see grok-blas.h. */
#include "grok-blas.h"

#include <cblas.h>

/* OpenBLAS's pthread build starts its server threads when it is loaded, one fewer than the
 * cores, and each spins on sched_yield for about 0.1 s before it sleeps: CPU taken from
 * training at the start of every process. Products on one thread never use them, so they are
 * stopped; OpenBLAS would start them again only for a product on more than one thread. */
extern int blas_thread_shutdown_ (void);

static void
set_single (void)
{
  openblas_set_num_threads (1);
  blas_thread_shutdown_ ();
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
