/* OpenBLAS's thread count: one setting for the whole process, made once.
 *
 * OpenBLAS keeps its thread count in a global. A thread that changes it while another thread is
 * inside a multi-threaded product changes that product's result (the trainer's, seen as runs
 * that differed in the eighth digit), and two threads in multi-threaded products at once can
 * wait on each other for ever (OpenBLAS 0.3.21's pthread build, seen as a hung trainer and
 * views worker). So every product runs on one OpenBLAS thread, set before main and never
 * changed, and OpenBLAS's own idle threads are stopped. What runs in parallel runs on the
 * engine's pool (grok-team.h: an MLP's row blocks, the penalty, the LMN's pairs, the complexity
 * search's compressions), each of its threads calling one-thread OpenBLAS; the run's training,
 * measures and views threads are its own. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* makes sure OpenBLAS runs on one thread; cheap, and a no-op after the first call */
void grok_blas_init (void);

G_END_DECLS
