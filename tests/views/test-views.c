/* The views files a run writes beside its checkpoints: they exist for exactly the checkpoints
 * kept, they read back as exactly what computing from the checkpoint gives (checked field by
 * field against the measure modules called directly), and a damaged one is an error naming it. */
#include <glib/gstdio.h>
#include <string.h>

#include "grok-checkpoints.h"
#include "grok-measures.h"
#include "grok-mlp.h"
#include "grok-trainer.h"
#include "grok-run-dir.h"
#include "grok-run-views.h"
#include "grok-views.h"
#include "run-helpers.h"

/* xor2d-relu (2-32-32-32-2 MLP, 256 training points) trained for steps, with no measures of its
 * own so that the views are all the extra work */
/* the recipe the screen draws and the views files store */
static GrokViewRecipe
screen_recipe (void)
{
  GrokViewRecipe recipe;

  grok_view_recipe_init (&recipe);
  return recipe;
}

static GrokConfig *
xor2d_config (GrokActivation act, gint64 steps)
{
  g_autoptr (GrokConfig) config = grok_preset_load ("xor2d-relu", NULL);

  g_assert_nonnull (config);
  config->model.activation = act;
  config->train.steps = steps;
  config->train.eval_every = 5;
  config->train.threads = 1;
  config->measures.complexity_per_decade = 0;
  config->measures.lmn_per_decade = 0;
  config->measures.local_complexity_per_decade = 0;
  config->measures.regions_per_decade = 0;
  return g_steal_pointer (&config);
}

static char *
train_folder (const GrokConfig *config)
{
  g_autofree char *root = g_dir_make_tmp ("grok-views-XXXXXX", NULL);
  char *dir = g_build_filename (root, "run", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRun) run = grok_run_new (config, dir, FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (run), ==, GROK_RUN_FINISHED);
  return dir;
}

static void
remove_run (const char *dir)
{
  g_autofree char *root = g_path_get_dirname (dir);
  remove_tree (root);
}

static int
compare_steps (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* the steps of the files in dir/sub, ascending; temporary files would show up as -1 */
static GArray *
steps_in (const char *dir, const char *sub)
{
  g_autofree char *path = g_build_filename (dir, sub, NULL);
  g_autoptr (GDir) listing = g_dir_open (path, 0, NULL);
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      gint64 step = -1;
      if (g_str_has_prefix (name, "step-") && g_str_has_suffix (name, ".safetensors") &&
          strlen (name) == strlen ("step-00000000.safetensors"))
        step = g_ascii_strtoll (name + 5, NULL, 10);
      g_array_append_val (steps, step);
    }
  g_array_sort (steps, compare_steps);
  return steps;
}

/* every views file belongs to a checkpoint kept, and the newest checkpoint has one (the worker
 * may skip checkpoints that come while it is busy, never the last) */
static GArray *
assert_views_of_checkpoints (const char *dir)
{
  g_autoptr (GArray) checkpoints = steps_in (dir, "checkpoints");
  GArray *views = steps_in (dir, "views");
  guint k = 0;

  g_assert_cmpuint (views->len, >=, 1);
  for (guint i = 0; i < views->len; i++)
    {
      gint64 step = g_array_index (views, gint64, i);
      while (k < checkpoints->len && g_array_index (checkpoints, gint64, k) < step)
        k++;
      g_assert_cmpuint (k, <, checkpoints->len);
      g_assert_cmpint (g_array_index (checkpoints, gint64, k), ==, step);
    }
  g_assert_cmpint (g_array_index (views, gint64, views->len - 1), ==,
                   g_array_index (checkpoints, gint64, checkpoints->len - 1));
  return views;
}

static void
assert_regions_equal (const GrokViewRegions *a, const GrokViewRegions *b)
{
  g_assert_cmpfloat (a->x0, ==, b->x0);
  g_assert_cmpfloat (a->y0, ==, b->y0);
  g_assert_cmpfloat (a->x1, ==, b->x1);
  g_assert_cmpfloat (a->y1, ==, b->y1);
  g_assert_true ((a->exact == NULL) == (b->exact == NULL));
  if (a->exact == NULL)
    {
      g_assert_cmpint (a->raster_w, ==, b->raster_w);
      g_assert_cmpint (a->raster_h, ==, b->raster_h);
      g_assert_cmpint (a->n_patterns, ==, b->n_patterns);
      g_assert_cmpmem (a->raster, sizeof (guint32) * a->raster_w * a->raster_h, b->raster,
                       sizeof (guint32) * b->raster_w * b->raster_h);
      return;
    }
  g_assert_cmpint (a->exact->n_regions, ==, b->exact->n_regions);
  g_assert_cmpint (a->exact->n_units, ==, b->exact->n_units);
  g_assert_cmpint (a->exact->n_words, ==, b->exact->n_words);
  g_assert_cmpint (a->exact->n_out, ==, b->exact->n_out);
  for (int i = 0; i < a->exact->n_regions; i++)
    {
      const GrokRegion *p = &a->exact->regions[i], *q = &b->exact->regions[i];
      g_assert_cmpint (p->n_vertices, ==, q->n_vertices);
      g_assert_cmpint (p->n_segments, ==, q->n_segments);
      g_assert_cmpmem (p->xy, sizeof (double) * 2 * p->n_vertices, q->xy, sizeof (double) * 2 * q->n_vertices);
      g_assert_cmpmem (p->pattern, sizeof (guint64) * a->exact->n_words, q->pattern,
                       sizeof (guint64) * b->exact->n_words);
      g_assert_cmpmem (p->logits, sizeof (double) * 3 * a->exact->n_out, q->logits,
                       sizeof (double) * 3 * b->exact->n_out);
      g_assert_cmpmem (p->segments, sizeof (double) * 4 * p->n_segments, q->segments,
                       sizeof (double) * 4 * q->n_segments);
    }
}

static void
assert_views_equal (const GrokViews *a, const GrokViews *b)
{
  g_assert_cmpint (a->step, ==, b->step);
  g_assert_cmpstr (a->params_sha256, ==, b->params_sha256);
  g_assert_cmpstr (a->config_sha256, ==, b->config_sha256);
  g_assert_cmpint (a->spectrum->n_matrices, ==, b->spectrum->n_matrices);
  g_assert_cmpuint (a->names->len, ==, (guint) a->spectrum->n_matrices);
  for (int m = 0; m < a->spectrum->n_matrices; m++)
    {
      const GrokMatrixSpectrum *p = &a->spectrum->matrices[m], *q = &b->spectrum->matrices[m];
      g_assert_cmpstr (a->names->pdata[m], ==, b->names->pdata[m]);
      g_assert_cmpint (p->tensor, ==, q->tensor);
      g_assert_cmpint (p->rows, ==, q->rows);
      g_assert_cmpint (p->cols, ==, q->cols);
      g_assert_cmpint (p->rank, ==, q->rank);
      g_assert_cmpmem (p->s, sizeof (double) * p->rank, q->s, sizeof (double) * q->rank);
      g_assert_cmpfloat (p->entropy, ==, q->entropy);
      g_assert_cmpfloat (p->stable_rank, ==, q->stable_rank);
    }
  g_assert_true ((a->regions == NULL) == (b->regions == NULL));
  if (a->regions != NULL)
    assert_regions_equal (a->regions, b->regions);
  g_assert_true ((a->connectivity == NULL) == (b->connectivity == NULL));
  if (a->connectivity != NULL)
    {
      const GrokViewConnectivity *p = a->connectivity, *q = b->connectivity;
      g_assert_cmpint (p->n, ==, q->n);
      g_assert_cmpint (p->n_inputs, ==, q->n_inputs);
      g_assert_cmpint (p->max_points, ==, q->max_points);
      g_assert_cmpfloat (p->lmn, ==, q->lmn);
      g_assert_cmpmem (p->order, sizeof (int) * p->n, q->order, sizeof (int) * q->n);
      g_assert_cmpmem (p->ordered, sizeof (float) * p->n * p->n, q->ordered,
                       sizeof (float) * q->n * q->n);
    }
}

/* the stored views against the measure modules called directly on the checkpoint's weights */
static void
assert_views_from_modules (const GrokViews *views, const GrokConfig *config,
                           const GrokParams *params)
{
  g_autofree GrokLayerView *layers = NULL;
  g_autoptr (GrokRegionMap) map = NULL;
  g_autoptr (GrokDataset) dataset = grok_dataset_new (&config->task);
  g_autoptr (GrokLmn) lmn = NULL;
  g_autoptr (GrokSpectrumWorkspace) ws = grok_spectrum_workspace_new_for_params (params);
  GrokModelSettings model;
  int n_layers;

  /* spectrum: every 2-D tensor, in name order, with the singular values of its own SVD */
  for (int c = 0, m = 0; c < params->n_tensors; c++)
    {
      const GrokTensor *t = &params->tensors[params->canonical[c]];
      g_autofree double *s = NULL;
      if (t->ndim != 2)
        continue;
      g_assert_cmpstr (views->names->pdata[m], ==, t->name);
      s = g_new (double, MIN (t->shape[0], t->shape[1]));
      g_assert_true (grok_singular_values (ws, params->data + t->offset, t->shape[0], t->shape[1], s));
      g_assert_cmpmem (views->spectrum->matrices[m].s, sizeof (double) * MIN (t->shape[0], t->shape[1]),
                       s, sizeof (double) * MIN (t->shape[0], t->shape[1]));
      m++;
    }
  /* regions: the exact partition of the view's window at rest */
  model = grok_config_model_settings (config);
  layers = grok_mlp_views_from_params (&model, params, &n_layers, NULL);
  map = grok_regions_exact (layers, n_layers, -1.2, -1.2, 1.2, 1.2, NULL);
  g_assert_nonnull (map);
  {
    GrokViewRegions fresh = { -1.2, -1.2, 1.2, 1.2, map, NULL, 0, 0, 0 };
    assert_regions_equal (views->regions, &fresh);
  }
  /* connectivity: LMN's own matrix, permuted by its own order */
  lmn = grok_measure_lmn (&model, params, dataset, screen_recipe ().lmn_points, 0, NULL);
  g_assert_nonnull (lmn);
  g_assert_cmpint (views->connectivity->n, ==, lmn->n);
  g_assert_cmpfloat (views->connectivity->lmn, ==, lmn->lmn);
  for (int i = 0; i < lmn->n; i++)
    for (int j = 0; j < lmn->n; j++)
      g_assert_cmpfloat (views->connectivity->ordered[(gsize) i * lmn->n + j], ==,
                         (float) lmn->L[(gsize) lmn->order[i] * lmn->n + lmn->order[j]]);
}

/* a relu run writes views files beside its checkpoints; each reads back as exactly what
 * computing from that checkpoint gives, and the loader takes it for those weights only */
static void
test_run_writes_views (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU, 30);
  g_autofree char *dir = train_folder (config);
  g_autoptr (GArray) steps = assert_views_of_checkpoints (dir);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < steps->len; i++)
    {
      gint64 step = g_array_index (steps, gint64, i);
      g_autoptr (GrokRunDir) folder = grok_run_dir_open (dir, &error);
      g_autofree char *path = grok_run_file_path (dir, GROK_RUN_FILE_VIEWS, step);
      g_autoptr (GrokParams) params = grok_run_dir_read_model (folder, step, &error);
      g_autoptr (GrokViews) stored = grok_views_read (path, &error);
      g_autoptr (GrokViews) fresh = NULL;
      g_autoptr (GrokViews) loaded = NULL;
      GrokViewSettings settings;

      g_assert_no_error (error);
      settings = grok_config_view_settings (config);
      fresh = grok_views_compute (&settings, params, step, &error);
      g_assert_no_error (error);
      g_assert_nonnull (stored->regions->exact);
      assert_views_equal (stored, fresh);
      assert_views_from_modules (stored, config, params);

      loaded = grok_views_load (path, step, &settings, params, &error);
      g_assert_no_error (error);
      g_assert_nonnull (loaded);
      /* other weights, or other model settings: the file is not theirs */
      params->data[0] += 1.0f;
      g_assert_null (grok_views_load (path, step, &settings, params, &error));
      g_assert_no_error (error);
      params->data[0] -= 1.0f;
      config->model.activation = GROK_ACT_LEAKY_RELU;
      settings = grok_config_view_settings (config);
      g_assert_null (grok_views_load (path, step, &settings, params, &error));
      g_assert_no_error (error);
      config->model.activation = GROK_ACT_RELU;
    }
  remove_run (dir);
}

/* smooth activations store the pattern map; a transformer stores its spectra only */
static void
test_round_trips (void)
{
  g_autoptr (GrokConfig) silu = xor2d_config (GROK_ACT_SILU, 1);
  g_autoptr (GrokConfig) transformer = grok_preset_load ("demoss-add-ours", NULL);
  const GrokConfig *configs[] = { silu, transformer };
  g_autofree char *root = g_dir_make_tmp ("grok-views-XXXXXX", NULL);

  transformer->task.p = 7;
  transformer->train.batch_size = 0;
  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokTrainer) trainer = grok_trainer_new (configs[k], &error);
      g_autofree char *path = grok_run_file_path (root, GROK_RUN_FILE_VIEWS, 7);
      g_autoptr (GrokViews) views = NULL;
      g_autoptr (GrokViews) back = NULL;
      GrokViewSettings settings;

      g_assert_no_error (error);
      settings = grok_config_view_settings (configs[k]);
      views = grok_views_compute (&settings, trainer->model->params, 7, &error);
      g_assert_no_error (error);
      g_assert_true (grok_views_write (views, path, &error));
      g_assert_no_error (error);
      back = grok_views_read (path, &error);
      g_assert_no_error (error);
      assert_views_equal (views, back);
      if (k == 0)
        {
          g_assert_null (back->regions->exact);
          g_assert_cmpint (back->regions->raster_w, ==, screen_recipe ().raster);
        }
      else
        g_assert_true (back->regions == NULL && back->connectivity == NULL);
      g_unlink (path);
    }
  remove_tree (root);
}

/* a views file cut in half, or overwritten with junk, is an error that names it */
static void
test_damaged (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU, 1);
  g_autoptr (GrokTrainer) trainer = grok_trainer_new (config, NULL);
  g_autofree char *root = g_dir_make_tmp ("grok-views-XXXXXX", NULL);
  g_autofree char *path = grok_run_file_path (root, GROK_RUN_FILE_VIEWS, 0);
  GrokViewSettings settings = grok_config_view_settings (config);
  g_autoptr (GrokViews) views = grok_views_compute (&settings, trainer->model->params, 0, NULL);
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (grok_views_write (views, path, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GrokViews) back = NULL;

      if (k == 0)
        g_assert_true (g_file_set_contents (path, contents, size / 2, NULL));
      else
        {
          memset (contents + 8, 'x', 16);
          g_assert_true (g_file_set_contents (path, contents, size, NULL));
        }
      back = grok_views_read (path, &error);
      g_assert_null (back);
      g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);
      g_assert_null (grok_views_load (path, 0, &settings, trainer->model->params, &error));
      g_assert_error (error, GROK_ERROR, GROK_ERROR_CORRUPT);
    }
  remove_tree (root);
}

/* thinning the checkpoints to a cap removes their views files too */
static void
test_pruning (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU, 24);
  g_autofree char *dir = NULL;
  g_autoptr (GArray) steps = NULL;

  config->checkpoints.every = 3;
  config->checkpoints.per_decade = 0;
  config->checkpoints.keep = 3;
  dir = train_folder (config);
  steps = steps_in (dir, "checkpoints");
  g_assert_cmpuint (steps->len, ==, 3);
  g_array_unref (assert_views_of_checkpoints (dir));
  remove_run (dir);
}

/* checkpoints.views = 0: no views folder at all */
static void
test_off (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU, 4);
  g_autofree char *dir = NULL;
  g_autofree char *views = NULL;

  config->checkpoints.views = 0;
  dir = train_folder (config);
  views = g_build_filename (dir, "views", NULL);
  g_assert_false (g_file_test (views, G_FILE_TEST_EXISTS));
  remove_run (dir);
}

/* what a view of a run folder reads through the folder held open: the step's views file, and
 * for the spectrum the checkpoints grok_view_earlier_steps picks, including those a run wrote
 * after the folder was opened */
static void
test_folder_input (void)
{
  g_autoptr (GrokConfig) config = xor2d_config (GROK_ACT_RELU, 30);
  g_autofree char *dir = train_folder (config);
  g_autoptr (GError) error = NULL;
  g_autoptr (GrokRunDir) folder = grok_run_dir_open (dir, &error);
  g_autoptr (GrokRun) more = NULL;
  g_autoptr (GArray) on_disk = NULL;
  g_autoptr (GArray) earlier = NULL;
  GrokViewRecipe recipe = screen_recipe ();
  gint64 last;

  g_assert_no_error (error);
  more = grok_run_new_continue (dir, 300, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_to_end (more), ==, GROK_RUN_FINISHED);
  g_clear_object (&more);
  /* the listing of the folder held open is made anew */
  on_disk = grok_run_dir_scan_checkpoints (folder);
  g_assert_cmpuint (on_disk->len, >, grok_run_dir_list_checkpoints (folder)->len);
  last = g_array_index (on_disk, gint64, on_disk->len - 1);
  g_assert_cmpint (last, ==, 300);
  earlier = grok_view_earlier_steps (on_disk, last, (guint) recipe.earlier);
  g_assert_cmpuint (earlier->len, >, 1);
  for (guint v = 0; v < GROK_N_VIEWS; v++)
    {
      g_autoptr (GrokParams) params = grok_run_dir_read_model (folder, last, &error);
      g_auto (GrokViewInput) input = { 0 };

      g_assert_no_error (error);
      grok_config_view_input_init (&input, config, params, last);
      grok_run_dir_fill_view_input (folder, v, NULL, &input);
      /* the views file of the newest checkpoint is always written; a view of every checkpoint
       * reads their weights only */
      if (grok_view_kind (v)->recipe.every_checkpoint)
        {
          g_assert_null (input.views);
          g_assert_cmpuint (input.earlier->len, ==, on_disk->len - 1);
          for (guint i = 0; i < input.earlier->len; i++)
            g_assert_cmpint (((GrokViewEarlier *) input.earlier->pdata[i])->step, ==,
                             g_array_index (on_disk, gint64, i));
          continue;
        }
      g_assert_true ((input.views != NULL) ==
                     (grok_view_kind (v)->source == GROK_VIEW_FROM_VIEWS_FILE));
      if (v != GROK_VIEW_SPECTRUM)
        {
          g_assert_null (input.earlier);
          continue;
        }
      g_assert_cmpuint (input.earlier->len, ==, earlier->len);
      for (guint i = 0; i < earlier->len; i++)
        {
          const GrokViewEarlier *e = input.earlier->pdata[i];
          g_assert_cmpint (e->step, ==, g_array_index (earlier, gint64, i));
          g_assert_nonnull (e->params);
        }
    }
  g_assert_null (grok_run_dir_get_problems (folder)[0]);
  remove_run (dir);
}

/* every row of the views table has every field, and every field of the recipe is set by
 * exactly one row, so that a forgotten field is caught here and not on a person's screen */
static void
test_table_complete (void)
{
  int set[9] = { 0 };

  for (guint v = 0; v < GROK_N_VIEWS; v++)
    {
      const GrokViewKind *k = grok_view_kind (v);
      const GrokViewRecipe *r = &k->recipe;
      GrokView back;

      g_assert_true (k->name != NULL && *k->name != '\0');
      g_assert_true (k->title != NULL && *k->title != '\0');
      g_assert_true (k->icon != NULL && g_str_has_suffix (k->icon, "-symbolic"));
      g_assert_true (k->needs != NULL && *k->needs != '\0');
      g_assert_nonnull (k->applies);
      g_assert_true (k->source >= GROK_VIEW_FROM_METRICS && k->source <= GROK_VIEW_FROM_VIEWS_FILE);
      g_assert_true (grok_view_from_name (k->name, &back, NULL));
      g_assert_cmpint (back, ==, v);
      /* only views drawn from views files have a recipe */
      if (k->source != GROK_VIEW_FROM_VIEWS_FILE)
        g_assert_cmpmem (r, sizeof *r, &(GrokViewRecipe) { 0 }, sizeof *r);
      set[0] += r->lmn_points != 0, set[1] += r->raster != 0, set[2] += r->x0 != 0;
      set[3] += r->y0 != 0, set[4] += r->x1 != 0, set[5] += r->y1 != 0, set[6] += r->earlier != 0;
      set[7] += r->every_checkpoint != 0, set[8] += r->units != 0;
      /* the units asked for are an option, never a row's */
      g_assert_cmpint (r->n_chosen, ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (set); i++)
    g_assert_cmpint (set[i], ==, 1);
  /* the fields in their order: a field added and not counted above changes the size */
  g_assert_cmpint (sizeof (GrokViewRecipe), ==,
                   sizeof (struct { int a, b; double c[4]; int d, e, f, g, h[GROK_VIEW_MAX_UNITS]; }));
  /* the stored views files follow the screen's recipe: the views writer's connectivity and
   * regions are those of grok_view_recipe_init */
  g_assert_cmpint (screen_recipe ().lmn_points, ==, 256);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/views/table-complete", test_table_complete);
  g_test_add_func ("/engine/views/run-writes-views", test_run_writes_views);
  g_test_add_func ("/engine/views/round-trips", test_round_trips);
  g_test_add_func ("/engine/views/damaged", test_damaged);
  g_test_add_func ("/engine/views/pruning", test_pruning);
  g_test_add_func ("/engine/views/off", test_off);
  g_test_add_func ("/engine/views/folder-input", test_folder_input);
  return g_test_run ();
}
