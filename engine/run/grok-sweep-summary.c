/* What a sweep's cells came to: per cell its milestones, final values, each measure's peak and
 * final value, the LMN findings of Liu et al.'s claim (SPEC 4.3) and its phase (SPEC 4.6); the
 * seeds of each point grouped as mean and range; and a phase diagram's grid over two axes. */
#include "grok-sweep.h"
#include "grok-sweep-private.h"

#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-run-dir.h"

/* columns of metrics.csv that have a summary column of their own, not a peak and a final */
static const char * const not_measures[] = { "step", "epoch", "train_acc", "test_acc",
                                             "wall_seconds", NULL };

static const char * const phase_names[GROK_N_PHASES] = {
  [GROK_PHASE_NONE] = "",
  [GROK_PHASE_COMPREHENSION] = "comprehension",
  [GROK_PHASE_GROKKING] = "grokking",
  [GROK_PHASE_MEMORISATION] = "memorisation",
  [GROK_PHASE_CONFUSION] = "confusion",
};

const char *
grok_phase_name (GrokPhase phase)
{
  g_return_val_if_fail (phase < GROK_N_PHASES, NULL);
  return phase_names[phase];
}

GrokPhase
grok_phase_of (gint64 t_mem, gint64 t_gen, double delay)
{
  if (t_mem < 0)
    return GROK_PHASE_CONFUSION;
  if (t_gen < 0)
    return GROK_PHASE_MEMORISATION;
  return t_gen >= delay * MAX (t_mem, 1) ? GROK_PHASE_GROKKING : GROK_PHASE_COMPREHENSION;
}

double
grok_pearson (const double *x, const double *y, guint n)
{
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

  if (n < 3)
    return NAN;
  for (guint i = 0; i < n; i++)
    mx += x[i], my += y[i];
  mx /= n, my /= n;
  for (guint i = 0; i < n; i++)
    {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
  if (sxx == 0 || syy == 0)
    return NAN;
  return sxy / sqrt (sxx * syy);
}

static double
cell_at (const GrokMetrics *m, guint row, int col)
{
  return col < 0 ? NAN : grok_metrics_get (m, row, (guint) col);
}

static int
first_row_at (const GrokMetrics *m, int col, double theta)
{
  for (guint r = 0; col >= 0 && r < m->n_rows; r++)
    if (grok_metrics_get (m, r, (guint) col) >= theta)
      return (int) r;
  return -1;
}

/* the LMN of the measured row nearest in step to row's (the later on a tie) */
static double
lmn_nearest (const GrokMetrics *m, int step_col, int lmn_col, guint row)
{
  double step = cell_at (m, row, step_col), best = NAN, best_gap = INFINITY;

  for (guint r = 0; lmn_col >= 0 && r < m->n_rows; r++)
    {
      double gap = fabs (cell_at (m, r, step_col) - step);
      if (isfinite (cell_at (m, r, lmn_col)) && gap <= best_gap)
        best = cell_at (m, r, lmn_col), best_gap = gap;
    }
  return best;
}

/* r of LMN and of L2 with test loss over the rows begin..end that have an LMN */
static void
window (const GrokMetrics *m, int lmn_col, int l2_col, int loss_col, int begin, int end,
        double *r_lmn, double *r_l2, guint *n)
{
  g_autofree double *lmn = g_new (double, m->n_rows + 1);
  g_autofree double *l2 = g_new (double, m->n_rows + 1);
  g_autofree double *loss = g_new (double, m->n_rows + 1);

  *n = 0;
  for (int r = MAX (begin, 0); begin >= 0 && r <= end; r++)
    if (isfinite (cell_at (m, r, lmn_col)))
      {
        lmn[*n] = cell_at (m, r, lmn_col);
        l2[*n] = cell_at (m, r, l2_col);
        loss[*n] = cell_at (m, r, loss_col);
        (*n)++;
      }
  *r_lmn = grok_pearson (lmn, loss, *n);
  *r_l2 = grok_pearson (l2, loss, *n);
}

void
grok_run_findings (const GrokMetrics *m, double theta, GrokRunFindings *f)
{
  int step_col = grok_metrics_column_index (m, "step");
  int lmn_col = grok_metrics_column_index (m, "lmn");
  int l2_col = grok_metrics_column_index (m, "l2_norm");
  int loss_col = grok_metrics_column_index (m, "test_loss");
  int mem = first_row_at (m, grok_metrics_column_index (m, "train_acc"), theta);
  int gen = first_row_at (m, grok_metrics_column_index (m, "test_acc"), theta);
  int end = gen >= 0 ? gen : (int) m->n_rows - 1;
  int peak = -1;

  *f = (GrokRunFindings) { -1, -1, -1, NAN, NAN, NAN, -1, NAN, NAN, 0, NAN, NAN, 0 };
  if (m->n_rows == 0 || step_col < 0)
    return;
  f->memorised_step = mem >= 0 ? (gint64) cell_at (m, mem, step_col) : -1;
  f->generalised_step = gen >= 0 ? (gint64) cell_at (m, gen, step_col) : -1;
  f->final_step = (gint64) cell_at (m, m->n_rows - 1, step_col);
  /* the memorised phase's peak: a large initialisation starts with its highest test loss */
  for (int r = MAX (mem, 0); loss_col >= 0 && r < (int) m->n_rows; r++)
    if (peak < 0 || cell_at (m, r, loss_col) > cell_at (m, peak, loss_col))
      peak = r;
  f->loss_peak_step = peak >= 0 ? (gint64) cell_at (m, peak, step_col) : -1;
  if (lmn_col < 0)
    return;
  f->lmn_init = lmn_nearest (m, step_col, lmn_col, 0);
  f->lmn_memorised = mem >= 0 ? lmn_nearest (m, step_col, lmn_col, mem) : NAN;
  f->lmn_generalised = lmn_nearest (m, step_col, lmn_col, end);
  if (l2_col < 0 || loss_col < 0)
    return;
  window (m, lmn_col, l2_col, loss_col, mem, end, &f->r_lmn_mem, &f->r_l2_mem, &f->n_mem);
  window (m, lmn_col, l2_col, loss_col, peak <= end ? peak : -1, end, &f->r_lmn_peak,
          &f->r_l2_peak, &f->n_peak);
}

/* tables */

static void
fields_free (gpointer data, gpointer n_columns)
{
  GrokSweepField *fields = data;

  for (guint i = 0; i < GPOINTER_TO_UINT (n_columns); i++)
    g_free (fields[i].text);
  g_free (fields);
}

void
grok_sweep_table_free (GrokSweepTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_foreach (table->rows, fields_free, GUINT_TO_POINTER (table->columns->len));
  g_ptr_array_unref (table->rows);
  g_ptr_array_unref (table->columns);
  g_free (table);
}

static GrokSweepTable *
table_new (void)
{
  GrokSweepTable *table = g_new0 (GrokSweepTable, 1);

  table->columns = g_ptr_array_new_with_free_func (g_free);
  table->rows = g_ptr_array_new ();
  return table;
}

int
grok_sweep_table_column (const GrokSweepTable *table, const char *name)
{
  for (guint i = 0; i < table->columns->len; i++)
    if (g_str_equal (table->columns->pdata[i], name))
      return (int) i;
  return -1;
}

char *
grok_sweep_table_to_csv (const GrokSweepTable *table)
{
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < table->columns->len; c++)
    {
      if (c > 0)
        g_string_append_c (out, ',');
      grok_sweep_append_csv (out, table->columns->pdata[c]);
    }
  g_string_append_c (out, '\n');
  for (guint r = 0; r < table->rows->len; r++)
    {
      GrokSweepField *row = table->rows->pdata[r];
      for (guint c = 0; c < table->columns->len; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          grok_sweep_append_csv (out, row[c].text);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* a row being filled, one field per column, in the columns' order */
typedef struct
{
  GrokSweepTable *table;
  GrokSweepField *fields;
  guint           n;
} Row;

static void
put_text (Row *row, const char *text)
{
  g_assert (row->n < row->table->columns->len);
  row->fields[row->n++] = (GrokSweepField) { g_strdup (text ? text : ""), NAN };
}

static void
put_number (Row *row, double value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE] = "";

  if (isfinite (value))
    g_ascii_formatd (text, sizeof text, "%.9g", value);
  put_text (row, text);
  row->fields[row->n - 1].value = isfinite (value) ? value : NAN;
}

static void
put_step (Row *row, gint64 step)
{
  put_number (row, step >= 0 ? (double) step : NAN);
}

static Row
row_begin (GrokSweepTable *table)
{
  return (Row) { table, g_new0 (GrokSweepField, table->columns->len), 0 };
}

static void
row_end (Row *row)
{
  g_assert (row->n == row->table->columns->len);
  g_ptr_array_add (row->table->rows, row->fields);
}

static void
add_column (GrokSweepTable *table, const char *name)
{
  g_ptr_array_add (table->columns, g_strdup (name));
}

/* one cell as it stands on disk */
typedef struct
{
  GrokSweepStatus  status;
  char            *message;
  GrokMetrics     *metrics;   /* NULL when unreadable */
} Cell;

static void
cell_clear (Cell *cell)
{
  g_free (cell->message);
  g_clear_pointer (&cell->metrics, grok_metrics_unref);
}

/* the measure columns that hold a value in some cell, in the order first met */
static GPtrArray *
measure_columns (Cell *cells, guint n)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint c = 0; c < n; c++)
    {
      const GrokMetrics *m = cells[c].metrics;
      for (guint col = 0; m != NULL && col < m->columns->len; col++)
        {
          const char *name = m->columns->pdata[col];
          gboolean has = FALSE;
          if (g_strv_contains (not_measures, name) ||
              g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            continue;
          for (guint r = 0; r < m->n_rows && !has; r++)
            has = isfinite (grok_metrics_get (m, r, col));
          if (has)
            g_ptr_array_add (names, (gpointer) name);
        }
    }
  return names;
}

static void
peak_and_final (const GrokMetrics *m, const char *name, double *peak, double *final)
{
  int col = m != NULL ? grok_metrics_column_index (m, name) : -1;

  *peak = *final = NAN;
  for (guint r = 0; col >= 0 && r < m->n_rows; r++)
    {
      double v = grok_metrics_get (m, r, (guint) col);
      if (!isfinite (v))
        continue;
      *final = v;
      *peak = isfinite (*peak) ? MAX (*peak, v) : v;
    }
}

static const char * const lmn_columns[] = {
  "lmn_at_init", "lmn_at_memorised", "lmn_at_generalised", "test_loss_peak_step",
  "r_lmn_test_loss_mem", "r_l2_test_loss_mem", "rows_mem", "r_lmn_test_loss_peak",
  "r_l2_test_loss_peak", "rows_peak", NULL
};

static void
summary_columns (GrokSweep *sweep, GrokSweepTable *table, GPtrArray *measures, gboolean lmn)
{
  static const char * const head[] = { "status", "memorised_step", "generalised_step",
                                       "final_step", "final_train_acc", "final_test_acc",
                                       "phase", "grokking_delay", "wall_seconds", NULL };

  add_column (table, "cell");
  add_column (table, "seed");
  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    add_column (table, grok_sweep_get_axis (sweep, a)->key);
  for (guint i = 0; head[i] != NULL; i++)
    add_column (table, head[i]);
  for (guint i = 0; i < measures->len; i++)
    {
      g_autofree char *peak = g_strconcat (measures->pdata[i], "_peak", NULL);
      g_autofree char *final = g_strconcat (measures->pdata[i], "_final", NULL);
      add_column (table, peak);
      add_column (table, final);
    }
  for (guint i = 0; lmn && lmn_columns[i] != NULL; i++)
    add_column (table, lmn_columns[i]);
  add_column (table, "message");
}

static void
summary_row (GrokSweep *sweep, GrokSweepTable *table, guint c, Cell *cell, GPtrArray *measures,
             gboolean lmn)
{
  const GrokMetrics *m = cell->metrics;
  guint last = m != NULL && m->n_rows > 0 ? m->n_rows - 1 : 0;
  gboolean rows = m != NULL && m->n_rows > 0;
  gboolean done = cell->status == GROK_SWEEP_FINISHED;
  GrokRunFindings f = { -1, -1, -1, NAN, NAN, NAN, -1, NAN, NAN, 0, NAN, NAN, 0 };
  Row row = row_begin (table);

  if (rows)
    grok_run_findings (m, GROK_SWEEP_THETA, &f);
  put_number (&row, c);
  put_number (&row, (double) grok_sweep_cell_seed (sweep, c));
  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    {
      const GrokSweepAxis *axis = grok_sweep_get_axis (sweep, a);
      const char *text = axis->values->pdata[grok_sweep_cell_value (sweep, c, a)];
      if (axis->numeric)
        put_number (&row, g_ascii_strtod (text, NULL));
      else
        put_text (&row, text);
    }
  put_text (&row, grok_sweep_status_name (cell->status));
  put_step (&row, f.memorised_step);
  put_step (&row, f.generalised_step);
  put_step (&row, f.final_step);
  put_number (&row, rows ? cell_at (m, last, grok_metrics_column_index (m, "train_acc")) : NAN);
  put_number (&row, rows ? cell_at (m, last, grok_metrics_column_index (m, "test_acc")) : NAN);
  put_text (&row, done ? grok_phase_name (grok_phase_of (f.memorised_step, f.generalised_step,
                                                         GROK_SWEEP_DELAY)) : "");
  put_step (&row, f.memorised_step >= 0 && f.generalised_step >= 0
                  ? f.generalised_step - f.memorised_step : -1);
  put_number (&row, rows ? cell_at (m, last, grok_metrics_column_index (m, "wall_seconds")) : NAN);
  for (guint i = 0; i < measures->len; i++)
    {
      double peak, final;
      peak_and_final (m, measures->pdata[i], &peak, &final);
      put_number (&row, peak);
      put_number (&row, final);
    }
  if (lmn)
    {
      put_number (&row, f.lmn_init);
      put_number (&row, f.lmn_memorised);
      put_number (&row, f.lmn_generalised);
      put_step (&row, f.loss_peak_step);
      put_number (&row, f.r_lmn_mem);
      put_number (&row, f.r_l2_mem);
      put_number (&row, f.n_mem);
      put_number (&row, f.r_lmn_peak);
      put_number (&row, f.r_l2_peak);
      put_number (&row, f.n_peak);
    }
  put_text (&row, cell->message);
  row_end (&row);
}

GrokSweepTable *
grok_sweep_summary (GrokSweep *sweep)
{
  guint n = grok_sweep_n_cells (sweep);
  Cell *cells = g_new0 (Cell, n);
  g_autoptr (GPtrArray) measures = NULL;
  GrokSweepTable *table = table_new ();
  gboolean lmn;

  g_return_val_if_fail (grok_sweep_get_folder (sweep) != NULL, NULL);
  for (guint c = 0; c < n; c++)
    {
      g_autofree char *path = grok_sweep_cell_path (sweep, c);
      g_autoptr (GrokRunDir) dir = NULL;

      cells[c].status = grok_sweep_cell_status (sweep, c, &cells[c].message);
      dir = grok_run_dir_open (path, NULL);
      if (dir != NULL)
        cells[c].metrics = grok_metrics_copy (grok_run_dir_get_metrics (dir));
    }
  measures = measure_columns (cells, n);
  lmn = g_ptr_array_find_with_equal_func (measures, "lmn", g_str_equal, NULL);
  summary_columns (sweep, table, measures, lmn);
  for (guint c = 0; c < n; c++)
    summary_row (sweep, table, c, &cells[c], measures, lmn);
  for (guint c = 0; c < n; c++)
    cell_clear (&cells[c]);
  g_free (cells);
  return table;
}

/* the columns of the cell table that are summed up over seeds */
static gboolean
is_grouped_number (GrokSweep *sweep, const char *name)
{
  static const char * const not[] = { "cell", "seed", "status", "phase", "message", NULL };

  if (g_strv_contains (not, name))
    return FALSE;
  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    if (g_str_equal (grok_sweep_get_axis (sweep, a)->key, name))
      return FALSE;
  return TRUE;
}

static void
group_row (GrokSweep *sweep, const GrokSweepTable *cells, GrokSweepTable *table, guint first,
           guint n)
{
  GrokSweepField *head = cells->rows->pdata[first];
  int status = grok_sweep_table_column (cells, "status");
  int phase = grok_sweep_table_column (cells, "phase");
  guint counts[GROK_N_PHASES] = { 0 };
  int gen = grok_sweep_table_column (cells, "generalised_step");
  guint finished = 0, generalised = 0;
  GString *phases = g_string_new (NULL);
  Row row = row_begin (table);

  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    {
      GrokSweepField *f = &head[2 + a];
      if (isfinite (f->value))
        put_number (&row, f->value);
      else
        put_text (&row, f->text);
    }
  for (guint i = 0; i < n; i++)
    {
      GrokSweepField *r = cells->rows->pdata[first + i];
      finished += g_str_equal (r[status].text, "finished");
      generalised += isfinite (r[gen].value);
      for (guint p = 1; p < GROK_N_PHASES; p++)
        counts[p] += g_str_equal (r[phase].text, phase_names[p]);
    }
  for (guint p = 1; p < GROK_N_PHASES; p++)
    if (counts[p] > 0)
      g_string_append_printf (phases, "%s%s %u", phases->len ? "; " : "", phase_names[p],
                              counts[p]);
  put_number (&row, n);
  put_number (&row, finished);
  put_number (&row, generalised);
  put_text (&row, phases->str);
  g_string_free (phases, TRUE);
  for (guint c = 0; c < cells->columns->len; c++)
    {
      double sum = 0, lo = INFINITY, hi = -INFINITY;
      guint have = 0;
      if (!is_grouped_number (sweep, cells->columns->pdata[c]))
        continue;
      for (guint i = 0; i < n; i++)
        {
          double v = ((GrokSweepField *) cells->rows->pdata[first + i])[c].value;
          if (isfinite (v))
            sum += v, lo = MIN (lo, v), hi = MAX (hi, v), have++;
        }
      put_number (&row, have ? sum / have : NAN);
      put_number (&row, have ? lo : NAN);
      put_number (&row, have ? hi : NAN);
    }
  row_end (&row);
}

GrokSweepTable *
grok_sweep_summary_groups (GrokSweep *sweep, const GrokSweepTable *cells)
{
  GrokSweepTable *table = table_new ();
  guint seeds = grok_sweep_n_seeds (sweep);
  static const char * const ends[] = { "_mean", "_min", "_max" };

  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    add_column (table, grok_sweep_get_axis (sweep, a)->key);
  add_column (table, "seeds");
  add_column (table, "finished");
  add_column (table, "generalised");
  add_column (table, "phases");
  for (guint c = 0; c < cells->columns->len; c++)
    for (guint e = 0; e < G_N_ELEMENTS (ends) && is_grouped_number (sweep, cells->columns->pdata[c]); e++)
      {
        g_autofree char *name = g_strconcat (cells->columns->pdata[c], ends[e], NULL);
        add_column (table, name);
      }
  /* the seeds of a point are neighbours (grok_sweep_n_cells) */
  for (guint first = 0; first + seeds <= cells->rows->len; first += seeds)
    group_row (sweep, cells, table, first, seeds);
  return table;
}

void
grok_sweep_phase_grid_free (GrokSweepPhaseGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->value);
  g_free (grid->phase);
  g_free (grid->n_cells);
  g_free (grid->n_finished);
  g_free (grid);
}

GrokSweepPhaseGrid *
grok_sweep_phase_grid (GrokSweep *sweep, const GrokSweepTable *cells, guint x_axis,
                       guint y_axis, const char *outcome, GError **error)
{
  g_autoptr (GrokSweepPhaseGrid) grid = g_new0 (GrokSweepPhaseGrid, 1);
  int col = grok_sweep_table_column (cells, outcome);
  int phase_col = grok_sweep_table_column (cells, "phase");
  g_autofree guint *counts = NULL;
  g_autofree double *sums = NULL;
  g_autofree guint *have = NULL;
  guint n;

  if (x_axis >= grok_sweep_n_axes (sweep) || y_axis >= grok_sweep_n_axes (sweep) ||
      x_axis == y_axis)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "a phase diagram needs two different "
                   "axes of the sweep (it has %u)", grok_sweep_n_axes (sweep));
      return NULL;
    }
  if (col < 0 || !is_grouped_number (sweep, outcome))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "no outcome '%s' in the summary: one "
                   "of its number columns, such as generalised_step or final_test_acc", outcome);
      return NULL;
    }
  grid->x_axis = x_axis, grid->y_axis = y_axis;
  grid->nx = grok_sweep_get_axis (sweep, x_axis)->values->len;
  grid->ny = grok_sweep_get_axis (sweep, y_axis)->values->len;
  n = grid->nx * grid->ny;
  grid->value = g_new (double, n);
  grid->phase = g_new0 (GrokPhase, n);
  grid->n_cells = g_new0 (guint, n);
  grid->n_finished = g_new0 (guint, n);
  counts = g_new0 (guint, n * GROK_N_PHASES);
  sums = g_new0 (double, n);
  have = g_new0 (guint, n);
  for (guint c = 0; c < cells->rows->len; c++)
    {
      GrokSweepField *row = cells->rows->pdata[c];
      guint at = grok_sweep_cell_value (sweep, c, x_axis) +
                 grid->nx * grok_sweep_cell_value (sweep, c, y_axis);
      grid->n_cells[at]++;
      for (guint p = 1; p < GROK_N_PHASES; p++)
        if (g_str_equal (row[phase_col].text, phase_names[p]))
          counts[at * GROK_N_PHASES + p]++, grid->n_finished[at]++;
      if (isfinite (row[col].value))
        sums[at] += row[col].value, have[at]++;
    }
  for (guint i = 0; i < n; i++)
    {
      grid->value[i] = have[i] ? sums[i] / have[i] : NAN;
      for (guint p = 1; p < GROK_N_PHASES; p++)
        if (counts[i * GROK_N_PHASES + p] > counts[i * GROK_N_PHASES + grid->phase[i]])
          grid->phase[i] = p;
    }
  return g_steal_pointer (&grid);
}
