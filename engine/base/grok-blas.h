/* OpenBLAS's thread count: one setting for the whole process, made once.
 *
 * OpenBLAS keeps its thread count in a global. A thread that changes it while another thread is
 * inside a multi-threaded product changes that product's result (the trainer's, seen as runs
 * that differed in the eighth digit), and two threads in multi-threaded products at once can
 * wait on each other for ever (OpenBLAS 0.3.21's pthread build, seen as a hung trainer and
 * views worker). So every product runs on one OpenBLAS thread, set before main and never
 * changed; what runs in parallel (an MLP's row blocks, the penalty thread, the views worker,
 * the measures' loops, the complexity search's workers) brings threads of its own. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* makes sure OpenBLAS runs on one thread; cheap, and a no-op after the first call */
void grok_blas_init (void);

G_END_DECLS
