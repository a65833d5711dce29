/* A sweep: one experiment trained over the values of some config keys (its axes) and seeds, as
 * one run folder per cell. The sweep file says which (a base preset or config file, fixed
 * changes, axes, seeds); planning lays a folder out (the sweep file as sweep.json, cells.csv and
 * a run folder per cell under cells/), and an opened folder lists its cells with their axis
 * values and status, and sums them up. Each cell is trained by a process of its own (GNU
 * parallel, a Slurm array task, a person typing `grokscope-cli resume`), so nothing here trains.
 *
 * The sweep folder has one door, this object: it alone composes the paths in it; a cell's run
 * folder is then read through the run folder object (grok-run-dir.h). */
#pragma once

#include <glib.h>

#include "grok-config.h"
#include "grok-metrics.h"

G_BEGIN_DECLS

typedef struct _GrokSweep GrokSweep;

/* an axis of the sweep: a config key, or "base" (the base preset or config file itself) */
typedef struct
{
  char       *key;
  GPtrArray  *values;   /* char *: each value as cells.csv and the summary write it */
  gboolean    log;      /* a range with scale "log": a figure draws this axis on a log scale */
  gboolean    numeric;  /* every value is a number */
} GrokSweepAxis;

typedef enum
{
  GROK_SWEEP_PLANNED,   /* nothing trained yet */
  GROK_SWEEP_RUNNING,   /* a process holds the cell's run folder (on this machine) */
  GROK_SWEEP_STOPPED,   /* trained part of the way; continues from its newest checkpoint */
  GROK_SWEEP_FINISHED,  /* reached its train.steps */
  GROK_SWEEP_FAILED,    /* its last training ended with an error, recorded with its message */
  GROK_SWEEP_N_STATUS
} GrokSweepStatus;

const char *grok_sweep_status_name (GrokSweepStatus status);

/* the sweep files shipped inside the binary, by name (sorted; free with g_strfreev) */
char      **grok_sweep_presets_list (void);

/* a sweep file (JSON): path, or the name of a shipped sweep. Every error names the file and
 * the place in it ("wd.json: axes.optim.weight_decay[2]: ..."). The base is loaded and every
 * cell's config built and validated, so a sweep that loads can be planned. */
GrokSweep  *grok_sweep_load         (const char *path_or_preset, GError **error);
/* the same from text; where names it in messages, base_folder is where a base config file
 * named by a relative path is looked for */
GrokSweep  *grok_sweep_load_data    (const char *data, gsize length, const char *where,
                                     const char *base_folder, GError **error);
/* lay out folder: sweep.json (the sweep file's own text), cells.csv and a run folder for every
 * cell holding its config.json (a run not yet started: `grokscope-cli resume` and the app open
 * it). The folder must be missing or empty, or hold this same plan: planning the same sweep
 * again only adds what is missing. Another plan (another sweep.json, or a cell whose config
 * differs) is refused naming what differs, and nothing is deleted. */
gboolean    grok_sweep_plan         (GrokSweep *sweep, const char *folder, GError **error);
/* a planned folder, to list and sum up its cells (the base is not loaded again: each cell's
 * run folder holds its config) */
GrokSweep  *grok_sweep_open         (const char *folder, GError **error);

GrokSweep  *grok_sweep_ref          (GrokSweep *sweep);
void        grok_sweep_unref        (GrokSweep *sweep);

const char *grok_sweep_get_name     (GrokSweep *sweep);
/* the sweep file's description, or "" */
const char *grok_sweep_get_description (GrokSweep *sweep);
/* the planned folder, or NULL for a sweep only loaded */
const char *grok_sweep_get_folder   (GrokSweep *sweep);
guint       grok_sweep_n_axes       (GrokSweep *sweep);
const GrokSweepAxis *grok_sweep_get_axis (GrokSweep *sweep, guint axis);
guint       grok_sweep_n_seeds      (GrokSweep *sweep);
/* cells are numbered from 0, the first axis slowest and the seed fastest, so the seeds of one
 * point of the axes are neighbours */
guint       grok_sweep_n_cells      (GrokSweep *sweep);
gint64      grok_sweep_cell_seed    (GrokSweep *sweep, guint cell);
/* the index of the cell's value on axis */
guint       grok_sweep_cell_value   (GrokSweep *sweep, guint cell, guint axis);
/* the cell's run folder relative to the sweep folder ("cells/007"), and its full path */
char       *grok_sweep_cell_run     (GrokSweep *sweep, guint cell);
char       *grok_sweep_cell_path    (GrokSweep *sweep, guint cell);
/* "optim.weight_decay=0.3 seed=1": what sets the cell apart */
char       *grok_sweep_cell_label   (GrokSweep *sweep, guint cell);
/* the config the cell trains with (a loaded sweep only: an opened one reads its run folder) */
GrokConfig *grok_sweep_cell_config  (GrokSweep *sweep, guint cell, GError **error);
/* the cell's status in a planned folder; *message (when not NULL) gets a failed cell's
 * recorded message */
GrokSweepStatus grok_sweep_cell_status (GrokSweep *sweep, guint cell, char **message);
/* what a cell process records: the message of the training that failed (kept, never lost,
 * until the cell trains again), or its removal when the cell starts training */
gboolean    grok_sweep_record_failure (GrokSweep *sweep, guint cell, const char *message,
                                       GError **error);
gboolean    grok_sweep_clear_failure  (GrokSweep *sweep, guint cell, GError **error);
/* a file of the sweep folder by its name (sweep.json, cells.csv, parallel.log, sweep.sbatch,
 * slurm/), for the tools that write their own logs there */
char       *grok_sweep_file_path    (GrokSweep *sweep, const char *name);

/* A summary: one table of text fields, with each number also as a double (NAN when empty),
 * so that a front end can print it, write it as CSV or sort it. */
typedef struct
{
  char   *text;     /* "" when empty */
  double  value;    /* NAN for text and empty fields */
} GrokSweepField;

typedef struct
{
  GPtrArray *columns;   /* char *: column names */
  GPtrArray *rows;      /* GrokSweepField *: columns->len each */
} GrokSweepTable;

void            grok_sweep_table_free     (GrokSweepTable *table);
int             grok_sweep_table_column   (const GrokSweepTable *table, const char *name);
/* CSV text with a header line */
char           *grok_sweep_table_to_csv   (const GrokSweepTable *table);

/* The phases of SPEC 4.6, from the milestones at theta and the delay factor D */
typedef enum
{
  GROK_PHASE_NONE,           /* not finished: no phase yet */
  GROK_PHASE_COMPREHENSION,
  GROK_PHASE_GROKKING,
  GROK_PHASE_MEMORISATION,
  GROK_PHASE_CONFUSION,
  GROK_N_PHASES
} GrokPhase;

#define GROK_SWEEP_THETA 0.99
#define GROK_SWEEP_DELAY 10.0

const char *grok_phase_name (GrokPhase phase);
/* T_mem and T_gen the first steps at theta (-1: never) */
GrokPhase   grok_phase_of   (gint64 t_mem, gint64 t_gen, double delay);

/* What one run's rows say about its milestones and its LMN (all NAN or -1 when missing):
 * memorised and generalised are the first rows with train / test accuracy >= theta; LMN is
 * taken from the measured row nearest in step to a milestone (the later on a tie), at the end
 * when the run never generalises; Pearson's r of LMN with test loss and of the L2 norm with
 * test loss over the rows with an LMN from memorisation to generalisation (or the end), and
 * from the test loss's peak (its highest from memorisation on) to generalisation. */
typedef struct
{
  gint64 memorised_step, generalised_step, final_step;
  double lmn_init, lmn_memorised, lmn_generalised;
  gint64 loss_peak_step;
  double r_lmn_mem, r_l2_mem;
  guint  n_mem;
  double r_lmn_peak, r_l2_peak;
  guint  n_peak;
} GrokRunFindings;

void        grok_run_findings (const GrokMetrics *metrics, double theta,
                               GrokRunFindings *findings);
/* Pearson's r of n pairs; NAN below 3 pairs or for a constant sequence */
double      grok_pearson      (const double *x, const double *y, guint n);

/* Per cell: cell, seed, the axis values (columns named by key), status, memorised_step,
 * generalised_step, final_step, final_train_acc, final_test_acc, phase, grokking_delay,
 * wall_seconds, each measure's NAME_peak and NAME_final (the columns of metrics.csv other than
 * step, epoch, accuracies and wall time that hold a value in some cell), the LMN findings when
 * a cell measured LMN, and message (a failed cell's). */
GrokSweepTable *grok_sweep_summary (GrokSweep *sweep);
/* the seeds of each point of the axes together: the axis values, seeds, finished, generalised
 * (how many), the phases met, then NAME_mean, NAME_min and NAME_max for every number of cells (a cell table of
 * grok_sweep_summary) */
GrokSweepTable *grok_sweep_summary_groups (GrokSweep *sweep, const GrokSweepTable *cells);

/* A phase diagram's data over two axes: for every pair of their values, the mean over the cells
 * there (the seeds, and the values of any other axis) of an outcome column of the cell table,
 * and the phase most of its finished cells are in (the first in GrokPhase order on a tie). */
typedef struct
{
  guint      x_axis, y_axis;
  guint      nx, ny;
  double    *value;      /* nx * ny, x fastest: NAN where no cell has a value */
  GrokPhase *phase;      /* nx * ny */
  guint     *n_cells, *n_finished;
} GrokSweepPhaseGrid;

GrokSweepPhaseGrid *grok_sweep_phase_grid (GrokSweep *sweep, const GrokSweepTable *cells,
                                           guint x_axis, guint y_axis, const char *outcome,
                                           GError **error);
void                grok_sweep_phase_grid_free (GrokSweepPhaseGrid *grid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSweep, grok_sweep_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSweepTable, grok_sweep_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokSweepPhaseGrid, grok_sweep_phase_grid_free)

G_END_DECLS
