/* The measures of a run's metrics rows, computed on a thread of their own while training goes
 * on.
 *
 * The trainer hands over a row (its loss and accuracy columns filled) with an immutable copy of
 * the parameters it was evaluated at and the measures due there. One persistent thread, asleep
 * while there is nothing to do, computes them in the order the rows came; the trainer takes
 * the finished rows back in that same order, so metrics.csv is written row after row, each
 * whole. A measure is a function of the parameters, the run's settings and the run's seed
 * only, so a row is the same bit for bit whichever thread computed it and however late. */
#pragma once

#include <glib.h>

#include "grok-config.h"
#include "grok-measures.h"
#include "grok-params.h"

G_BEGIN_DECLS

/* rows whose measures may be pending at once, and the most their parameter copies may take
 * together (at least one row is always let in): the trainer waits for the oldest before it
 * hands over another. Log-spaced measures come thick early in a run, so the queue is deep
 * enough to let training run on through them. */
#define GROK_MEASURE_QUEUE_DEPTH 32
#define GROK_MEASURE_QUEUE_BYTES ((gsize) 32 << 20)

typedef struct _GrokMeasureQueue GrokMeasureQueue;

/* a queue for config's measures, columns naming the row's values (the metrics table's). With
 * threaded FALSE every row is measured inline, in grok_measure_queue_push. */
GrokMeasureQueue *grok_measure_queue_new     (const GrokConfig *config,
                                              const GPtrArray *columns, gboolean threaded);
/* waits for the thread's current row, drops the others and ends the thread */
void              grok_measure_queue_free    (GrokMeasureQueue *queue);
/* rows handed over and not yet taken back */
guint             grok_measure_queue_pending (GrokMeasureQueue *queue);
/* TRUE when one more row with params (NULL: none) would pass GROK_MEASURE_QUEUE_DEPTH or
 * GROK_MEASURE_QUEUE_BYTES */
gboolean          grok_measure_queue_full    (GrokMeasureQueue *queue, const GrokParams *params);
/* hands over row (taken; grok_metrics_n_columns values) of step with params (a reference is
 * taken; nobody may change them from now on; NULL when nothing is due) and due
 * (GROK_N_MEASURES flags). The caller takes rows back first while grok_measure_queue_full. */
void              grok_measure_queue_push    (GrokMeasureQueue *queue, gint64 step,
                                              double *row, GrokParams *params,
                                              const gboolean *due);
/* the oldest row handed over, once its measures are done (wait TRUE: waits for them; FALSE:
 * NULL while they are not); NULL too when nothing is pending. A measure that failed gives
 * NULL with the error "step S, measure M: ...". Free the row with g_free. */
double           *grok_measure_queue_pop     (GrokMeasureQueue *queue, gboolean wait,
                                              GError **error);
/* for tests: every measure of this queue takes at least this long more, to show the order
 * of rows when the measures fall behind */
void              grok_measure_queue_set_delay (GrokMeasureQueue *queue, guint delay_ms);

G_END_DECLS
