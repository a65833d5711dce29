/* Runs compared with the run shown: refused when they are of another task or model, each named
 * by the settings in which it differs from the others, and drawn either one curve per run or as
 * groups (runs differing only in one key, the seed by default) with their mean and min-max band.
 * Runs evaluated at different steps are aligned by linear interpolation on the step axis: a
 * value is never averaged with another taken at a different step, and a run gives no value past
 * its own last row.
 *
 * A comparison belongs to the run folder it was made for (its owner). Once handed to a view it
 * is immutable and reference-counted. */
#pragma once

#include <glib.h>

#include "grok-config.h"
#include "grok-metrics.h"

G_BEGIN_DECLS

typedef struct _GrokComparison GrokComparison;

/* one curve: a run's own rows, or a group's mean with its band, on the steps given */
typedef struct
{
  const char *label;    /* the run's or the group's legend label (owned by the comparison) */
  guint       color;    /* its colour index (the shown run's is 0) */
  guint       n_runs;   /* the runs behind it */
  GArray     *x;        /* double: steps */
  GArray     *y;        /* double: the value, or the mean of the runs that reach the step */
  GArray     *lo, *hi;  /* double: the band over those runs; NULL for a single run */
} GrokCompareLine;

void            grok_compare_line_free (GrokCompareLine *line);

/* column's value at x (column x_column) by linear interpolation between the rows around it that
 * have a finite value; NAN before the first or after the last such row, or when a column is
 * absent */
double          grok_compare_value_at  (const GrokMetrics *metrics, const char *x_column,
                                        const char *column, double x);

/* FALSE, with a GROK_ERROR_CONFIG error naming `name` and what differs, when other is of
 * another task or model than shown */
gboolean        grok_compare_check     (const GrokConfig *shown, const GrokConfig *other,
                                        const char *name, GError **error);

/* a comparison for the run folder owner, whose config is shown, named shown_name; runs are
 * grouped by every key but group_key (NULL: "seed") */
GrokComparison *grok_comparison_new    (const char *owner, const GrokConfig *shown,
                                        const char *shown_name, const char *group_key);
GrokComparison *grok_comparison_ref    (GrokComparison *comparison);
void            grok_comparison_unref  (GrokComparison *comparison);
/* adds a run (references to config and metrics), or refuses it as grok_compare_check does */
gboolean        grok_comparison_add    (GrokComparison *comparison, const char *name,
                                        const GrokConfig *config, const GrokMetrics *metrics,
                                        GError **error);
const char     *grok_comparison_get_owner  (const GrokComparison *comparison);
/* the key grouped over ("seed" by default) */
const char     *grok_comparison_get_group_key (const GrokComparison *comparison);
/* the same runs grouped over another key (NULL: "seed") */
GrokComparison *grok_comparison_regroup    (const GrokComparison *comparison, const char *group_key);
/* the config keys (const GrokConfigKey *) of the experiment whose values differ among the runs,
 * in the order of the config's keys */
GPtrArray      *grok_comparison_differing_keys (const GrokComparison *comparison);
/* the runs, the shown one first */
guint           grok_comparison_n_runs     (const GrokComparison *comparison);
/* run's label: the keys whose values differ among the runs ("Weight decay 1, Seed 2"), or its
 * name when none does */
const char     *grok_comparison_run_label  (const GrokComparison *comparison, guint run);
/* run's rows (run > 0: the shown run's are the caller's) */
const GrokMetrics *grok_comparison_run_metrics (const GrokComparison *comparison, guint run);
guint           grok_comparison_n_groups   (const GrokComparison *comparison);
guint           grok_comparison_run_group  (const GrokComparison *comparison, guint run);
const char     *grok_comparison_group_label (const GrokComparison *comparison, guint group);

/* the curves of column against x_column: one per run (grouped FALSE; the shown run's rows are
 * `shown`, as they are now) or one per group, each group on the union of its runs' steps with
 * the mean and band of the runs that reach each step. Nothing past `until` (NAN: no limit).
 * Lines with no value are left out. GrokCompareLine, owned. */
GPtrArray      *grok_comparison_lines  (const GrokComparison *comparison, const GrokMetrics *shown,
                                        const char *x_column, const char *column,
                                        gboolean grouped, double until);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokComparison, grok_comparison_unref)

G_END_DECLS
