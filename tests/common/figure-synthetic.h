/* Synthetic data for the figure tests and the gallery: a grokking-shaped metrics table (train
 * accuracy saturates near step 10^2.5, test accuracy near 10^3.8) and a signed matrix. */
#pragma once

#include "grok-measures.h"
#include "grok-metrics.h"

#include <math.h>

static inline double
grok_synthetic_sigmoid (double z)
{
  return 1.0 / (1.0 + exp (-z));
}

/* n rows, steps log-spaced from 10 to 10^5, shifted in time by `shift` decades */
static inline GrokMetrics *
grok_synthetic_metrics (guint n, double shift)
{
  static const char * const columns[] = { "step", "epoch", "train_loss", "train_acc", "test_loss",
                                          "test_acc", "l2_norm", "wall_seconds", NULL };
  GrokMetrics *m = grok_metrics_new (columns);

  for (guint i = 0; i < n; i++)
    {
      double step = round (pow (10.0, 1.0 + 4.0 * i / (n - 1)));
      double d = log10 (step) - shift;
      double train_acc = 0.01 + 0.99 * grok_synthetic_sigmoid ((d - 2.5) * 7);
      double test_acc = 0.01 + 0.99 * grok_synthetic_sigmoid ((d - 3.8) * 7);
      double row[8] = {
        step, floor (step / 10), 4.7 * (1.0 - train_acc) + 2e-4, train_acc,
        4.7 * exp (-pow (10, d - 3.9)) + 8.0 * grok_synthetic_sigmoid ((d - 2.6) * 5)
          * grok_synthetic_sigmoid ((3.9 - d) * 6) + 1e-3, test_acc,
        40.0 + 30.0 * grok_synthetic_sigmoid ((d - 2.5) * 4) - 45.0 * grok_synthetic_sigmoid ((d - 3.7) * 5),
        step * 0.01,
      };
      grok_metrics_append_row (m, row);
    }
  return m;
}

/* the same table with every measure column the measures table names, filled on a sparser
 * schedule (every seventh row and the last) as a run measures, NAN between; with gap_every,
 * every gap_every-th evaluation leaves the columns that can be left empty (no coarse-graining
 * was feasible) without a value, as the complexity does */
static inline GrokMetrics *
grok_synthetic_measured_metrics_gaps (guint n, guint gap_every)
{
  g_autoptr (GrokMetrics) base = grok_synthetic_metrics (n, 0.0);
  g_autoptr (GPtrArray) columns = g_ptr_array_new ();
  GrokMetrics *m;

  for (guint c = 0; c < base->columns->len; c++)
    g_ptr_array_add (columns, base->columns->pdata[c]);
  for (guint k = 0; k < GROK_N_MEASURES; k++)
    for (const char * const *c = grok_measure_kind (k)->columns; *c != NULL; c++)
      g_ptr_array_add (columns, (gpointer) *c);
  g_ptr_array_add (columns, NULL);
  m = grok_metrics_new ((const char * const *) columns->pdata);
  for (guint r = 0; r < n; r++)
    {
      g_autofree double *row = g_new (double, m->columns->len);
      double d = log10 (grok_metrics_get (base, r, 0));
      gboolean gap = gap_every > 0 && r % 7 == 0 && (r / 7) % gap_every == 1;
      for (guint c = 0; c < m->columns->len; c++)
        row[c] = c < base->columns->len ? grok_metrics_get (base, r, c)
                 : gap && grok_column_gap (m->columns->pdata[c]) != NULL ? NAN
                 : (r % 7 == 0 || r == n - 1) ? (c + 1) * (1.0 + 0.5 * sin (d * (c + 2)))
                 : NAN;
      grok_metrics_append_row (m, row);
    }
  return m;
}

static inline GrokMetrics *
grok_synthetic_measured_metrics (guint n)
{
  return grok_synthetic_measured_metrics_gaps (n, 0);
}
