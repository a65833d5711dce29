/* Comparing runs: refusal, labels by what differs, grouping, and interpolation on the step axis */
#define G_LOG_DOMAIN "grok-compare"

#include <math.h>

#include "grok-compare.h"
#include "grok-error.h"

typedef struct
{
  char        *name;
  GrokConfig  *config;
  GrokMetrics *metrics;   /* NULL for the shown run: its rows are the caller's, live */
  char        *label;
  guint        group;
} Run;

struct _GrokComparison
{
  gint       ref;
  char      *owner;
  char      *group_key;
  GPtrArray *runs;          /* Run */
  GPtrArray *group_labels;  /* char * */
};

/* the keys that say which experiment a run is: another value is another task or model */
static const char * const identity_keys[] = {
  "task.name", "task.op", "task.p", "task.n_bits", "task.perm_n", "task.format", "task.variant",
  "model.kind",
};

static void
run_free (gpointer data)
{
  Run *run = data;

  g_free (run->name);
  g_free (run->label);
  grok_config_unref (run->config);
  g_clear_pointer (&run->metrics, grok_metrics_unref);
  g_free (run);
}

void
grok_compare_line_free (GrokCompareLine *line)
{
  if (line == NULL)
    return;
  g_clear_pointer (&line->x, g_array_unref);
  g_clear_pointer (&line->y, g_array_unref);
  g_clear_pointer (&line->lo, g_array_unref);
  g_clear_pointer (&line->hi, g_array_unref);
  g_free (line);
}

double
grok_compare_value_at (const GrokMetrics *metrics, const char *x_column, const char *column,
                       double x)
{
  int xc, yc;
  double x0 = NAN, y0 = NAN;

  g_return_val_if_fail (metrics != NULL, NAN);
  xc = grok_metrics_column_index (metrics, x_column != NULL ? x_column : "step");
  yc = grok_metrics_column_index (metrics, column);
  if (xc < 0 || yc < 0 || !isfinite (x))
    return NAN;
  for (guint r = 0; r < metrics->n_rows; r++)
    {
      double x1 = grok_metrics_get (metrics, r, (guint) xc);
      double y1 = grok_metrics_get (metrics, r, (guint) yc);
      if (!isfinite (x1) || !isfinite (y1))
        continue;
      if (x1 == x)
        return y1;
      if (x1 > x)
        return isnan (x0) ? NAN : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
      x0 = x1, y0 = y1;
    }
  return NAN;
}

/* the key's value as a person reads it: enums by name, numbers in their shortest form */
static char *
key_text (const GrokConfig *config, const GrokConfigKey *key)
{
  if (!grok_config_key_applies (config, key->key))
    return g_strdup ("");
  return grok_config_get_text (config, key);
}

gboolean
grok_compare_check (const GrokConfig *shown, const GrokConfig *other, const char *name,
                    GError **error)
{
  g_return_val_if_fail (shown != NULL && other != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (identity_keys); i++)
    {
      const GrokConfigKey *key = grok_config_key_lookup (identity_keys[i]);
      g_autofree char *want = key_text (shown, key);
      g_autofree char *have = key_text (other, key);
      if (g_strcmp0 (want, have) != 0)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                       "%s is of another task or model (%s %s, not %s): only runs of the same "
                       "task and model can be compared", name != NULL ? name : "a run",
                       key->label, *have ? have : "none", *want ? want : "none");
          return FALSE;
        }
    }
  return TRUE;
}

/* keys that name a run, its place or when it is looked at, not its experiment: runs evaluated
 * on other schedules are the same experiment, aligned by interpolation */
static gboolean
key_counts (const GrokConfigKey *key)
{
  return !g_str_equal (key->key, "name") && !g_str_equal (key->key, "description")
         && !g_str_has_prefix (key->key, "run.") && !g_str_equal (key->key, "train.threads")
         && !g_str_equal (key->key, "train.eval_every")
         && !g_str_has_prefix (key->key, "checkpoints.") && !g_str_has_prefix (key->key, "measures.");
}

/* whether key takes more than one value among the runs */
static gboolean
key_differs (GPtrArray *runs, const GrokConfigKey *key)
{
  g_autofree char *first = key_text (((Run *) runs->pdata[0])->config, key);

  for (guint i = 1; i < runs->len; i++)
    {
      g_autofree char *text = key_text (((Run *) runs->pdata[i])->config, key);
      if (!g_str_equal (first, text))
        return TRUE;
    }
  return FALSE;
}

/* "Weight decay 1, Seed 2": the differing keys with their values */
static char *
label_for (const GrokConfig *config, GPtrArray *differing, const char *fallback)
{
  GString *label = g_string_new (NULL);

  for (guint k = 0; k < differing->len; k++)
    {
      const GrokConfigKey *key = differing->pdata[k];
      g_autofree char *text = key_text (config, key);
      g_string_append_printf (label, "%s%s %s", label->len ? ", " : "", key->label,
                              *text ? text : "none");
    }
  if (label->len == 0)
    g_string_append (label, fallback);
  return g_string_free (label, FALSE);
}

/* labels and groups again, after a run was added */
static void
relabel (GrokComparison *self)
{
  g_autoptr (GPtrArray) differing = g_ptr_array_new ();
  g_autoptr (GPtrArray) grouping = g_ptr_array_new ();
  g_autoptr (GPtrArray) keys_of_group = g_ptr_array_new_with_free_func (g_free);
  const GrokConfigKey *keys, *by;
  guint n_keys;

  by = grok_config_key_lookup (self->group_key);
  /* the key grouped over comes last: "Weight decay 1, Seed 2" */
  keys = grok_config_keys (&n_keys);
  for (guint k = 0; k < n_keys; k++)
    if (&keys[k] != by && key_counts (&keys[k]) && key_differs (self->runs, &keys[k]))
      g_ptr_array_add (grouping, (gpointer) &keys[k]);
  g_ptr_array_extend (differing, grouping, NULL, NULL);
  if (by != NULL && key_differs (self->runs, by))
    g_ptr_array_add (differing, (gpointer) by);
  g_ptr_array_set_size (self->group_labels, 0);
  for (guint i = 0; i < self->runs->len; i++)
    {
      Run *run = self->runs->pdata[i];
      g_autofree char *group = label_for (run->config, grouping, "");
      guint g;

      g_free (run->label);
      run->label = label_for (run->config, differing, run->name);
      for (g = 0; g < keys_of_group->len; g++)
        if (g_str_equal (keys_of_group->pdata[g], group))
          break;
      if (g == keys_of_group->len)
        {
          const char *named = *group ? group : ((Run *) self->runs->pdata[0])->name;
          g_ptr_array_add (keys_of_group, g_strdup (group));
          g_ptr_array_add (self->group_labels, g_strdup (named));
        }
      run->group = g;
    }
}

GrokComparison *
grok_comparison_new (const char *owner, const GrokConfig *shown, const char *shown_name,
                     const char *group_key)
{
  GrokComparison *self;
  Run *run;

  g_return_val_if_fail (shown != NULL, NULL);

  self = g_new0 (GrokComparison, 1);
  self->ref = 1;
  self->owner = g_strdup (owner);
  self->group_key = g_strdup (group_key != NULL ? group_key : "seed");
  self->runs = g_ptr_array_new_with_free_func (run_free);
  self->group_labels = g_ptr_array_new_with_free_func (g_free);
  run = g_new0 (Run, 1);
  run->name = g_strdup (shown_name != NULL ? shown_name : "this run");
  run->config = grok_config_ref (shown);
  g_ptr_array_add (self->runs, run);
  relabel (self);
  return self;
}

GrokComparison *
grok_comparison_ref (GrokComparison *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref);
  return self;
}

void
grok_comparison_unref (GrokComparison *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref))
    return;
  g_free (self->owner);
  g_free (self->group_key);
  g_ptr_array_unref (self->runs);
  g_ptr_array_unref (self->group_labels);
  g_free (self);
}

gboolean
grok_comparison_add (GrokComparison *self, const char *name, const GrokConfig *config,
                     const GrokMetrics *metrics, GError **error)
{
  Run *run;

  g_return_val_if_fail (self != NULL && config != NULL && metrics != NULL, FALSE);
  if (!grok_compare_check (((Run *) self->runs->pdata[0])->config, config, name, error))
    return FALSE;
  run = g_new0 (Run, 1);
  run->name = g_strdup (name != NULL ? name : "a run");
  run->config = grok_config_ref (config);
  run->metrics = grok_metrics_ref (metrics);
  g_ptr_array_add (self->runs, run);
  relabel (self);
  return TRUE;
}

const char *
grok_comparison_get_group_key (const GrokComparison *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->group_key;
}

GrokComparison *
grok_comparison_regroup (const GrokComparison *self, const char *group_key)
{
  GrokComparison *other;
  const Run *shown;

  g_return_val_if_fail (self != NULL, NULL);
  shown = self->runs->pdata[0];
  other = grok_comparison_new (self->owner, shown->config, shown->name, group_key);
  for (guint i = 1; i < self->runs->len; i++)
    {
      const Run *run = self->runs->pdata[i];
      Run *copy = g_new0 (Run, 1);

      copy->name = g_strdup (run->name);
      copy->config = grok_config_ref (run->config);
      copy->metrics = grok_metrics_ref (run->metrics);
      g_ptr_array_add (other->runs, copy);
    }
  relabel (other);
  return other;
}

GPtrArray *
grok_comparison_differing_keys (const GrokComparison *self)
{
  GPtrArray *differing = g_ptr_array_new ();
  const GrokConfigKey *keys;
  guint n_keys;

  g_return_val_if_fail (self != NULL, differing);
  keys = grok_config_keys (&n_keys);
  for (guint k = 0; k < n_keys; k++)
    if (key_counts (&keys[k]) && key_differs (self->runs, &keys[k]))
      g_ptr_array_add (differing, (gpointer) &keys[k]);
  return differing;
}

const char *
grok_comparison_get_owner (const GrokComparison *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->owner;
}

guint
grok_comparison_n_runs (const GrokComparison *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->runs->len;
}

const char *
grok_comparison_run_label (const GrokComparison *self, guint run)
{
  g_return_val_if_fail (self != NULL && run < self->runs->len, NULL);
  return ((Run *) self->runs->pdata[run])->label;
}

const GrokMetrics *
grok_comparison_run_metrics (const GrokComparison *self, guint run)
{
  g_return_val_if_fail (self != NULL && run < self->runs->len, NULL);
  return ((Run *) self->runs->pdata[run])->metrics;
}

guint
grok_comparison_n_groups (const GrokComparison *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->group_labels->len;
}

guint
grok_comparison_run_group (const GrokComparison *self, guint run)
{
  g_return_val_if_fail (self != NULL && run < self->runs->len, 0);
  return ((Run *) self->runs->pdata[run])->group;
}

const char *
grok_comparison_group_label (const GrokComparison *self, guint group)
{
  g_return_val_if_fail (self != NULL && group < self->group_labels->len, NULL);
  return self->group_labels->pdata[group];
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static GrokCompareLine *
line_new (const char *label, guint color, guint n_runs, gboolean band)
{
  GrokCompareLine *line = g_new0 (GrokCompareLine, 1);

  line->label = label;
  line->color = color;
  line->n_runs = n_runs;
  line->x = g_array_new (FALSE, FALSE, sizeof (double));
  line->y = g_array_new (FALSE, FALSE, sizeof (double));
  if (band)
    {
      line->lo = g_array_new (FALSE, FALSE, sizeof (double));
      line->hi = g_array_new (FALSE, FALSE, sizeof (double));
    }
  return line;
}

/* the steps of m's rows that have a value in column, up to until, appended to xs */
static void
add_steps (GArray *xs, const GrokMetrics *m, const char *x_column, const char *column,
           double until)
{
  int xc = grok_metrics_column_index (m, x_column), yc = grok_metrics_column_index (m, column);

  for (guint r = 0; xc >= 0 && yc >= 0 && r < m->n_rows; r++)
    {
      double x = grok_metrics_get (m, r, (guint) xc);
      if (isfinite (x) && isfinite (grok_metrics_get (m, r, (guint) yc))
          && (isnan (until) || x <= until))
        g_array_append_val (xs, x);
    }
}

GPtrArray *
grok_comparison_lines (const GrokComparison *self, const GrokMetrics *shown, const char *x_column,
                       const char *column, gboolean grouped, double until)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) grok_compare_line_free);
  guint n_lines;

  g_return_val_if_fail (self != NULL && column != NULL, lines);
  x_column = x_column != NULL ? x_column : "step";
  n_lines = grouped ? self->group_labels->len : self->runs->len;
  for (guint l = 0; l < n_lines; l++)
    {
      g_autoptr (GPtrArray) members = g_ptr_array_new ();
      g_autoptr (GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
      GrokCompareLine *line;
      guint out = 0;

      for (guint i = 0; i < self->runs->len; i++)
        {
          Run *run = self->runs->pdata[i];
          const GrokMetrics *m = i == 0 ? shown : run->metrics;
          if (m != NULL && (grouped ? run->group == l : i == l))
            {
              g_ptr_array_add (members, (gpointer) m);
              add_steps (xs, m, x_column, column, until);
            }
        }
      g_array_sort (xs, compare_doubles);
      for (guint i = 0; i < xs->len; i++)
        if (out == 0 || g_array_index (xs, double, i) != g_array_index (xs, double, out - 1))
          g_array_index (xs, double, out++) = g_array_index (xs, double, i);
      g_array_set_size (xs, out);
      if (xs->len == 0)
        continue;
      line = line_new (grouped ? self->group_labels->pdata[l]
                               : ((Run *) self->runs->pdata[l])->label,
                       l, members->len, members->len > 1);
      for (guint i = 0; i < xs->len; i++)
        {
          double x = g_array_index (xs, double, i), sum = 0, lo = INFINITY, hi = -INFINITY;
          guint have = 0;
          for (guint k = 0; k < members->len; k++)
            {
              double v = grok_compare_value_at (members->pdata[k], x_column, column, x);
              if (isfinite (v))
                sum += v, lo = MIN (lo, v), hi = MAX (hi, v), have++;
            }
          if (have == 0)
            continue;
          sum /= have;
          g_array_append_val (line->x, x);
          g_array_append_val (line->y, sum);
          if (line->lo != NULL)
            {
              g_array_append_val (line->lo, lo);
              g_array_append_val (line->hi, hi);
            }
        }
      g_ptr_array_add (lines, line);
    }
  return lines;
}
