/* What the computed views draw at one step of a run (the singular values of every matrix, the
 * linear regions of an xor2d MLP, LMN's connectivity matrix), computed from the weights or read
 * back from RUN_DIR/views/step-NNNNNNNN.safetensors. A run writes that file beside each of its
 * checkpoints so that looking at an old step does not redo the work; a reader uses it only when
 * it was computed from the same weights and task and model settings, and with the same window
 * or number of points, and computes otherwise. */
#pragma once

#include <glib.h>

#include "grok-fileio.h"
#include "grok-measures.h"
#include "grok-neuron-view.h"
#include "grok-params.h"
#include "grok-regions.h"
#include "grok-spectrum.h"

G_BEGIN_DECLS

/* the version written to __metadata__ "format_version"; a file of another version is not used */
#define GROK_VIEWS_FORMAT_VERSION 1

/* What the views know of a run: what the measures know (its task and model), and a digest of
 * its task.* and model.* settings that a views file records, so that a reader can tell whether
 * the file was computed under the same settings. run/ fills it from a config
 * (grok_config_view_settings). */
typedef struct
{
  GrokMeasureSettings measure;
  char                sha256[65];  /* SHA-256 of the task.* and model.* keys' text, lowercase hex */
} GrokViewSettings;
/* The views of a run, one row each, in the window's page order: a view's name is the CLI's --view NAME and the window's page
 * name, and its data recipe (the points, the raster, the window, the earlier checkpoints) is
 * what the screen draws and what a run's views files store. Every front end (the window, the
 * app's export, grokscope-cli figure) starts from this recipe; a different one is an explicit
 * option that the figure then states in its title or legend. */
typedef enum
{
  GROK_VIEW_CURVES,
  GROK_VIEW_HEATMAP,
  GROK_VIEW_SPECTRUM,
  GROK_VIEW_CONNECTIVITY,
  GROK_VIEW_REGIONS,
  GROK_VIEW_FOURIER,
  GROK_VIEW_NEURONS,
  GROK_VIEW_ATTENTION,
  GROK_N_VIEWS
} GrokView;

/* what a view is drawn from (0 is left out, so that a row without a source is caught) */
typedef enum
{
  GROK_VIEW_FROM_METRICS = 1,  /* the run's metrics.csv */
  GROK_VIEW_FROM_WEIGHTS,      /* the weights at the step, nothing computed */
  GROK_VIEW_FROM_VIEWS_FILE,   /* computed from the weights, or read from the step's views file */
} GrokViewSource;

/* The data recipe: everything besides the weights that a view's data depends on. A view's row
 * sets the fields its data uses and leaves the others 0; grok_view_recipe_init gathers them. */
typedef struct
{
  int    lmn_points;        /* connectivity: at most this many training inputs */
  int    raster;            /* regions: the side of the pattern map for smooth activations */
  double x0, y0, x1, y1;    /* regions: the window */
  int    earlier;           /* spectrum: stored checkpoints overlaid before the step: the
                             * run's first and the rest spread evenly in log(1 + step) */
  int    every_checkpoint;  /* fourier: 1 when every stored checkpoint is drawn beside the
                             * step (before and after it) */
  int    units;             /* neurons: how many of the most varying hidden units */
  /* neurons: the hidden units asked for in place of the most varying (an explicit option,
   * which no row sets; the figure says they were chosen) */
  int    n_chosen;
  int    chosen[GROK_VIEW_MAX_UNITS];
} GrokViewRecipe;

typedef struct
{
  const char     *name;     /* --view NAME and the window's page name */
  const char     *title;    /* the window's page title */
  const char     *icon;     /* the window's page icon (a symbolic icon name) */
  gboolean      (*applies) (const GrokViewSettings *settings);
  const char     *needs;    /* what a run needs for the view, for messages */
  GrokViewSource  source;
  GrokViewRecipe  recipe;   /* the fields of the screen's recipe this view uses */
} GrokViewKind;

const GrokViewKind *grok_view_kind      (GrokView view);
const char         *grok_view_name      (GrokView view);
/* FALSE with a GError listing the views for an unknown name */
gboolean            grok_view_from_name (const char *name, GrokView *view, GError **error);
/* every view's name, joined by separator */
char               *grok_view_names     (const char *separator);
/* FALSE with a GError saying what the run lacks when view does not apply */
gboolean            grok_view_check     (GrokView view, const GrokViewSettings *settings,
                                         GError **error);
/* the recipe the screen draws and a run's views files store */
void                grok_view_recipe_init (GrokViewRecipe *recipe);

/* the regions view's data: the exact partition when every activation is piecewise linear,
 * otherwise a (raster_h, raster_w) map of pattern ids, row 0 at y0 */
typedef struct
{
  double         x0, y0, x1, y1;
  GrokRegionMap *exact;
  guint32       *raster;
  int            raster_w, raster_h, n_patterns;
} GrokViewRegions;

/* raster: the side of the pattern map, used for smooth activations only */
GrokViewRegions *grok_view_regions_compute (const GrokViewSettings *settings,
                                            const GrokParams *params,
                                            double x0, double y0, double x1, double y1,
                                            int raster, GError **error);
void             grok_view_regions_free    (GrokViewRegions *regions);
/* TRUE when regions show the window (x0, y0, x1, y1) as computing with raster would */
gboolean         grok_view_regions_matches (const GrokViewRegions *regions, double x0, double y0,
                                            double x1, double y1, int raster);

/* the connectivity view's data: LMN's matrix L with rows and columns in order, so that points
 * on the same linear map sit together */
typedef struct
{
  int     n;           /* points used: MIN (n_inputs, max_points) */
  int     n_inputs;    /* training inputs the points were drawn from */
  int     max_points;  /* the limit asked for */
  double  lmn;
  int    *order;       /* (n): row i of ordered is point order[i] */
  float  *ordered;     /* (n, n) */
} GrokViewConnectivity;

/* NULL with an error when LMN does not apply (not an MLP) */
GrokViewConnectivity *grok_view_connectivity_compute (const GrokViewSettings *settings,
                                                      const GrokParams *params, int max_points,
                                                      GError **error);
void                  grok_view_connectivity_free    (GrokViewConnectivity *connectivity);
/* TRUE when computing with max_points would give the same points */
gboolean              grok_view_connectivity_matches (const GrokViewConnectivity *connectivity,
                                                      int max_points);

/* the singular values of every 2-D tensor in canonical order (names sorted bytewise), so that
 * the same weights give the same summary however the model orders them; a matrix's tensor
 * field is its position in canonical order. names (char *, one per matrix) goes to *names.
 * NULL with an error naming the step when a matrix is not finite. */
GrokSpectrumSummary *grok_view_spectrum_compute (const GrokParams *params, gint64 step,
                                                 GPtrArray **names, GError **error);

typedef struct
{
  gint64                step;
  GrokSpectrumSummary  *spectrum;
  GPtrArray            *names;         /* char *, the name of each spectrum matrix */
  GrokViewRegions      *regions;       /* NULL when the regions view does not apply */
  GrokViewConnectivity *connectivity;  /* NULL when the connectivity view does not apply */
  char                 *params_sha256; /* of the weights they were computed from */
  char                 *config_sha256; /* of the task and model settings (GrokViewSettings) */
  gboolean              unchecked;     /* read from a file without a data checksum (older) */
} GrokViews;

/* everything the views need at step, with the screen's recipe (grok_view_recipe_init) */
GrokViews *grok_views_compute (const GrokViewSettings *settings, const GrokParams *params,
                               gint64 step, GError **error);
void       grok_views_free    (GrokViews *views);
/* TRUE when views were computed from params under the same task and model settings */
gboolean   grok_views_match   (const GrokViews *views, const GrokViewSettings *settings,
                               const GrokParams *params);

/* SHA-256 of the tensors' names, shapes and values in canonical order */
char      *grok_params_sha256 (const GrokParams *params);

/* write atomically (temp file and rename), creating the views folder when needed */
gboolean   grok_views_write   (const GrokViews *views, const char *path, GError **error);
/* every field checked; GROK_ERROR_CORRUPT or GROK_ERROR_IO naming path */
GrokViews *grok_views_read    (const char *path, GError **error);
/* the views in the file path (a run's views file for step) when they were computed from params
 * under settings; NULL without an error when there is no file or it is for other weights or
 * settings, NULL with an error naming the file when it cannot be read */
GrokViews *grok_views_load    (const char *path, gint64 step, const GrokViewSettings *settings,
                               const GrokParams *params, GError **error);
/* the same three for a file in an open folder (grok-fileio.h): never through a link, and the
 * folder is not created */
gboolean   grok_views_write_at (const GrokViews *views, const GrokFileAt *at, GError **error);
GrokViews *grok_views_read_at  (const GrokFileAt *at, GError **error);
GrokViews *grok_views_load_at  (const GrokFileAt *at, gint64 step,
                                const GrokViewSettings *settings,
                                const GrokParams *params, GError **error);

/* A worker thread writing the views files of a run's checkpoints. A job pushed while another is
 * computed waits; a newer push replaces a job still waiting (that checkpoint gets no file). A
 * views file whose checkpoint is gone by the time it is written is removed again. */
typedef struct _GrokViewsWriter GrokViewsWriter;

GrokViewsWriter *grok_views_writer_new    (void);
/* settings and params are copied, and the folders of views and checkpoint duplicated; the views
 * of step go to views, unless the checkpoint is gone by then */
void             grok_views_writer_push   (GrokViewsWriter *writer,
                                           const GrokViewSettings *settings,
                                           const GrokParams *params, gint64 step,
                                           const GrokFileAt *views,
                                           const GrokFileAt *checkpoint);
/* wait for the job being computed and, unless skip_pending, for the one waiting; the writer
 * takes jobs again afterwards */
void             grok_views_writer_finish (GrokViewsWriter *writer, gboolean skip_pending);
/* finish, dropping a job still waiting, and free */
void             grok_views_writer_free   (GrokViewsWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewRegions, grok_view_regions_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewConnectivity, grok_view_connectivity_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViews, grok_views_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokViewsWriter, grok_views_writer_free)

G_END_DECLS
