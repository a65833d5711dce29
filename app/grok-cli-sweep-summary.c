/* grokscope-cli sweep summary and sweep phase, and the figures of a sweep folder: the engine's
 * tables as a person reads them (aligned, Markdown, CSV; the seeds as "mean [min, max]") and the
 * phase and compare figures in every format. */
#include "grok-cli-sweep-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-figure-sweep.h"
#include "grok-figure-view.h"

/* a number as a person reads it in a table: whole numbers whole, large ones to the unit, the
 * rest to three decimals or one */
static char *
shown_number (double v)
{
  if (!isfinite (v))
    return g_strdup ("");
  if (v == floor (v) && fabs (v) < 1e15)
    return g_strdup_printf ("%.0f", v);
  if (fabs (v) >= 1000)
    return g_strdup_printf ("%.0f", v);
  if (fabs (v) >= 2)
    return g_strdup_printf ("%.1f", v);
  return g_strdup_printf ("%.3f", v);
}

static GrokSweepTable *
table_new (void)
{
  GrokSweepTable *table = g_new0 (GrokSweepTable, 1);

  table->columns = g_ptr_array_new_with_free_func (g_free);
  table->rows = g_ptr_array_new ();
  return table;
}

/* the seeds' table for a person: NAME_mean, NAME_min and NAME_max as one column NAME holding
 * "mean [min, max]" (just the value when they are equal) */
static GrokSweepTable *
collapse_groups (const GrokSweepTable *groups)
{
  GrokSweepTable *out = table_new ();
  g_autoptr (GArray) from = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint c = 0; c < groups->columns->len; c++)
    {
      const char *name = groups->columns->pdata[c];
      int index = (int) c;
      if (g_str_has_suffix (name, "_min") || g_str_has_suffix (name, "_max"))
        continue;
      g_ptr_array_add (out->columns, g_str_has_suffix (name, "_mean")
                                     ? g_strndup (name, strlen (name) - 5) : g_strdup (name));
      if (!g_str_has_suffix (name, "_mean"))
        index = -1 - (int) c;
      g_array_append_val (from, index);
    }
  for (guint r = 0; r < groups->rows->len; r++)
    {
      GrokSweepField *in = groups->rows->pdata[r];
      GrokSweepField *row = g_new0 (GrokSweepField, out->columns->len);
      for (guint c = 0; c < out->columns->len; c++)
        {
          int i = g_array_index (from, int, c);
          if (i < 0)
            row[c] = (GrokSweepField) { g_strdup (in[-1 - i].text), in[-1 - i].value };
          else if (!isfinite (in[i].value))
            row[c] = (GrokSweepField) { g_strdup (""), NAN };
          else
            {
              g_autofree char *mean = shown_number (in[i].value);
              g_autofree char *lo = shown_number (in[i + 1].value);
              g_autofree char *hi = shown_number (in[i + 2].value);
              row[c].value = in[i].value;
              row[c].text = in[i + 1].value == in[i + 2].value
                            ? g_strdup (mean) : g_strdup_printf ("%s [%s, %s]", mean, lo, hi);
            }
        }
      g_ptr_array_add (out->rows, row);
    }
  return out;
}

/* the columns of table named in names (in that order), a column NAME also taking NAME_mean,
 * NAME_min and NAME_max of the seeds' CSV; an error names one that is not there */
static GrokSweepTable *
select_columns (const GrokSweepTable *table, char **names, GError **error)
{
  GrokSweepTable *out = table_new ();
  g_autoptr (GArray) from = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint n = 0; names[n] != NULL; n++)
    {
      static const char * const ends[] = { "", "_mean", "_min", "_max" };
      gboolean found = FALSE;
      for (guint e = 0; e < G_N_ELEMENTS (ends) && !(found && e > 0); e++)
        {
          g_autofree char *name = g_strconcat (g_strstrip (names[n]), ends[e], NULL);
          int c = grok_sweep_table_column (table, name);
          if (c < 0)
            continue;
          found = TRUE;
          g_ptr_array_add (out->columns, g_strdup (name));
          g_array_append_val (from, c);
          if (e == 0)
            break;
        }
      if (!found)
        {
          GString *all = g_string_new (NULL);
          for (guint c = 0; c < table->columns->len; c++)
            g_string_append_printf (all, "%s%s", c ? ", " : "", (char *) table->columns->pdata[c]);
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "--columns: no column '%s' (the "
                       "columns are: %s)", names[n], all->str);
          g_string_free (all, TRUE);
          grok_sweep_table_free (out);
          return NULL;
        }
    }
  for (guint r = 0; r < table->rows->len; r++)
    {
      GrokSweepField *in = table->rows->pdata[r];
      GrokSweepField *row = g_new0 (GrokSweepField, out->columns->len);
      for (guint c = 0; c < out->columns->len; c++)
        {
          GrokSweepField *f = &in[g_array_index (from, int, c)];
          row[c] = (GrokSweepField) { g_strdup (f->text), f->value };
        }
      g_ptr_array_add (out->rows, row);
    }
  return out;
}

/* a field as the aligned and Markdown tables show it */
static char *
shown_field (const GrokSweepField *f, gboolean collapsed)
{
  /* a short number (an axis value, a step) as it is */
  if (!isfinite (f->value) || collapsed || strlen (f->text) <= 6)
    return g_strdup (f->text);
  return shown_number (f->value);
}

static void
print_table (const GrokSweepTable *table, gboolean markdown, gboolean collapsed)
{
  guint n = table->columns->len;
  g_autofree int *width = g_new0 (int, n);

  for (guint c = 0; c < n; c++)
    width[c] = markdown ? 0 : (int) strlen (table->columns->pdata[c]);
  for (guint r = 0; r < table->rows->len && !markdown; r++)
    for (guint c = 0; c < n; c++)
      {
        g_autofree char *text = shown_field (&((GrokSweepField *) table->rows->pdata[r])[c],
                                             collapsed);
        width[c] = MAX (width[c], (int) strlen (text));
      }
  for (guint c = 0; c < n; c++)
    if (markdown)
      printf ("| %s ", (char *) table->columns->pdata[c]);
    else
      printf ("%-*s%s", width[c], (char *) table->columns->pdata[c], c + 1 < n ? "  " : "");
  printf (markdown ? "|\n" : "\n");
  for (guint c = 0; c < n && markdown; c++)
    printf ("| --- %s", c + 1 < n ? "" : "|\n");
  for (guint r = 0; r < table->rows->len; r++)
    {
      for (guint c = 0; c < n; c++)
        {
          g_autofree char *text = shown_field (&((GrokSweepField *) table->rows->pdata[r])[c],
                                               collapsed);
          if (markdown)
            printf ("| %s ", text);
          else
            printf ("%-*s%s", width[c], text, c + 1 < n ? "  " : "");
        }
      printf (markdown ? "|\n" : "\n");
    }
}

/* the columns a person sees without --columns: the milestones and the outcome */
static char **
default_columns (GrokSweep *sweep, gboolean groups, const GrokSweepTable *cells)
{
  GPtrArray *names = g_ptr_array_new ();
  int message = grok_sweep_table_column (cells, "message");
  gboolean failed = FALSE;

  if (!groups)
    {
      g_ptr_array_add (names, g_strdup ("cell"));
      g_ptr_array_add (names, g_strdup ("seed"));
    }
  for (guint a = 0; a < grok_sweep_n_axes (sweep); a++)
    g_ptr_array_add (names, g_strdup (grok_sweep_get_axis (sweep, a)->key));
  for (const char *name = groups ? "seeds\0finished\0generalised\0phases\0" : "status\0phase\0"; *name;
       name += strlen (name) + 1)
    g_ptr_array_add (names, g_strdup (name));
  for (const char *name = "memorised_step\0generalised_step\0grokking_delay\0final_step\0"
                          "final_train_acc\0final_test_acc\0"; *name; name += strlen (name) + 1)
    g_ptr_array_add (names, g_strdup (name));
  for (guint r = 0; r < cells->rows->len; r++)
    failed = failed || *((GrokSweepField *) cells->rows->pdata[r])[message].text;
  if (!groups && failed)
    g_ptr_array_add (names, g_strdup ("message"));
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

int
grok_cli_sweep_summary (const GrokCliArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_open (a->args[0], &error);
  g_autoptr (GrokSweepTable) cells = NULL, groups = NULL, shown = NULL, picked = NULL;
  g_auto (GStrv) names = NULL;
  gboolean collapsed = a->groups && !a->csv;

  if (sweep == NULL)
    return grok_cli_sweep_fail (error);
  cells = grok_sweep_summary (sweep);
  if (a->groups)
    groups = grok_sweep_summary_groups (sweep, cells);
  shown = collapsed ? collapse_groups (groups) : NULL;
  if (a->columns != NULL)
    names = g_strsplit (a->columns, ",", -1);
  else if (!a->csv)
    names = default_columns (sweep, a->groups, cells);
  if (names != NULL)
    {
      picked = select_columns (shown ? shown : a->groups ? groups : cells, names, &error);
      if (picked == NULL)
        return grok_cli_sweep_fail (error);
    }
  {
    const GrokSweepTable *table = picked ? picked : shown ? shown : a->groups ? groups : cells;
    if (a->csv)
      {
        g_autofree char *csv = grok_sweep_table_to_csv (table);
        fputs (csv, stdout);
      }
    else
      print_table (table, a->markdown, collapsed);
  }
  if (!a->csv && !a->markdown && a->columns == NULL)
    printf ("\n(%s; every column, each measure's peak and final value and the LMN findings "
            "among them: --csv, or pick them with --columns)\n",
            a->groups ? "mean [min, max] over the seeds" : "the seeds grouped: --groups");
  return 0;
}

int
grok_cli_sweep_phase (const GrokCliArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_open (a->args[0], &error);
  g_autoptr (GrokSweepTable) cells = NULL;
  g_autoptr (GrokSweepPhaseGrid) grid = NULL;
  const char *outcome = a->outcome ? a->outcome : "generalised_step";
  guint x = 0, y = 1;
  const GrokSweepAxis *ax, *ay;

  if (sweep == NULL)
    return grok_cli_sweep_fail (error);
  for (guint i = 0; i < grok_sweep_n_axes (sweep); i++)
    {
      if (a->x && g_str_equal (grok_sweep_get_axis (sweep, i)->key, a->x))
        x = i;
      if (a->y && g_str_equal (grok_sweep_get_axis (sweep, i)->key, a->y))
        y = i;
    }
  cells = grok_sweep_summary (sweep);
  grid = grok_sweep_phase_grid (sweep, cells, x, y, outcome, &error);
  if (grid == NULL)
    return grok_cli_sweep_fail (error);
  ax = grok_sweep_get_axis (sweep, x);
  ay = grok_sweep_get_axis (sweep, y);
  if (a->csv)
    printf ("%s,%s,cells,finished,phase,%s\n", ax->key, ay->key, outcome);
  else
    printf ("%s (rows) by %s (columns): the phase most seeds are in (SPEC 4.6: accuracy "
            "threshold %.2f, delay factor %g) and the mean %s\n\n", ay->key, ax->key,
            GROK_SWEEP_THETA, GROK_SWEEP_DELAY, outcome);
  if (!a->csv)
    {
      printf ("%-12s", "");
      for (guint i = 0; i < grid->nx; i++)
        printf ("  %-20s", (char *) ax->values->pdata[i]);
      printf ("\n");
    }
  for (guint j = 0; j < grid->ny; j++)
    {
      if (!a->csv)
        printf ("%-12s", (char *) ay->values->pdata[j]);
      for (guint i = 0; i < grid->nx; i++)
        {
          guint at = i + grid->nx * j;
          g_autofree char *value = shown_number (grid->value[at]);
          if (a->csv)
            printf ("%s,%s,%u,%u,%s,%s\n", (char *) ax->values->pdata[i],
                    (char *) ay->values->pdata[j], grid->n_cells[at], grid->n_finished[at],
                    grok_phase_name (grid->phase[at]), value);
          else
            {
              g_autofree char *cell = g_strdup_printf ("%s %s", grid->phase[at]
                                                       ? grok_phase_name (grid->phase[at]) : "-",
                                                       value);
              printf ("  %-20s", cell);
            }
        }
      if (!a->csv)
        printf ("\n");
    }
  return 0;
}

gboolean
grok_cli_sweep_is_folder (const char *path)
{
  g_autofree char *file = g_build_filename (path, "sweep.json", NULL);

  return g_file_test (file, G_FILE_TEST_IS_REGULAR);
}

/* the axis named key (NULL: fallback) */
static gboolean
find_axis (GrokSweep *sweep, const char *key, guint fallback, guint *axis, GError **error)
{
  *axis = fallback;
  if (key == NULL)
    return TRUE;
  for (guint i = 0; i < grok_sweep_n_axes (sweep); i++)
    if (g_str_equal (grok_sweep_get_axis (sweep, i)->key, key))
      {
        *axis = i;
        return TRUE;
      }
  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "the sweep has no axis '%s'", key);
  return FALSE;
}

int
grok_cli_sweep_figure (const GrokCliArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokSweep) sweep = grok_sweep_open (a->args[0], &error);
  g_autoptr (GrokSweepFigure) figure = NULL;
  double width_in, height_in, dpi = a->given[GROK_CLI_OPT_DPI] ? a->dpi : 300;
  GrokSweepFigureKind kind;
  guint x, y;

  if (sweep == NULL)
    return grok_cli_sweep_fail (error);
  if (g_str_equal (a->view, "phase"))
    kind = GROK_SWEEP_FIGURE_PHASE;
  else if (g_str_equal (a->view, "compare"))
    kind = GROK_SWEEP_FIGURE_COMPARE;
  else
    return grok_cli_sweep_fail_text ("a sweep folder's views are phase and compare");
  if (!find_axis (sweep, a->x, 0, &x, &error) || !find_axis (sweep, a->y, 1, &y, &error) ||
      !grok_figure_parse_size (a->size ? a->size : "6x4in", dpi, &width_in, &height_in, &error))
    return grok_cli_sweep_fail (error);
  figure = grok_sweep_figure_new (kind, sweep, x, y, a->outcome,
                                  a->outcome ? a->outcome : "test_acc",
                                  TRUE, &error);
  if (figure == NULL)
    return grok_cli_sweep_fail (error);
  if (kind == GROK_SWEEP_FIGURE_PHASE && a->outcome == NULL)
    {
      g_free (figure->outcome);
      figure->outcome = g_strdup ("generalised_step");
    }
  if (a->given[GROK_CLI_OPT_FONT_SIZE])
    figure->style.font_size = a->font_size;
  if (!grok_sweep_figure_export (a->out, figure, width_in, height_in, dpi, &error))
    return grok_cli_sweep_fail (error);
  return 0;
}

