/* The views file of one step: GrokViews as typed safetensors. Tensor layout:
 *   spectrum.matrices          I32 (m, 3): tensor position, rows, cols of each matrix
 *   spectrum/NAME              F64 (rank): its singular values, descending
 *   regions.window             F64 (4): x0 y0 x1 y1
 *   regions.vertex_offsets     I32 (regions + 1), regions.vertices F64 (vertices, 2)
 *   regions.patterns           U64 (regions, words), regions.logits F64 (regions, 3 outputs)
 *   regions.segment_offsets    I32 (regions + 1), regions.segments F64 (segments, 4)
 *   regions.raster             U32 (h, w): pattern ids, for smooth activations
 *   connectivity.order         I32 (n), connectivity.matrix F32 (n, n)
 * and in __metadata__ the format version, the step, the hashes that tie the file to its weights
 * and settings, and the counts. Empty tensors are left out (safetensors shapes here are >= 1). */
#include "grok-views.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "grok-error.h"
#include "grok-fileio.h"
#include "grok-safetensors.h"

/* ---- writing ---- */

typedef struct
{
  GArray     *tensors;   /* GrokSafetensor */
  GPtrArray  *owned;     /* names and buffers made for the file */
  GHashTable *metadata;  /* static keys, owned values */
} Writer;

/* a tensor of shape (d0) when d1 < 0, else (d0, d1); left out when it has no elements */
static void
add (Writer *w, const char *name, GrokDtype dtype, gconstpointer data, int d0, int d1)
{
  GrokSafetensor t = { .name = name, .dtype = dtype, .ndim = d1 < 0 ? 1 : 2,
                       .shape = { d0, d1 }, .data = data };

  if (d0 > 0 && d1 != 0)
    g_array_append_val (w->tensors, t);
}

static gpointer
own (Writer *w, gpointer p)
{
  g_ptr_array_add (w->owned, p);
  return p;
}

static void
meta (Writer *w, const char *key, char *value)
{
  g_hash_table_insert (w->metadata, (gpointer) key, value);
}

static void
write_spectrum (Writer *w, const GrokViews *views)
{
  const GrokSpectrumSummary *s = views->spectrum;
  gint32 *shapes = own (w, g_new (gint32, 3 * (gsize) MAX (s->n_matrices, 1)));
  g_autofree char **names = g_new0 (char *, s->n_matrices + 1);

  for (int m = 0; m < s->n_matrices; m++)
    {
      const GrokMatrixSpectrum *ms = &s->matrices[m];
      char *name = own (w, g_strconcat ("spectrum/", views->names->pdata[m], NULL));

      names[m] = views->names->pdata[m];
      shapes[3 * m] = ms->tensor;
      shapes[3 * m + 1] = ms->rows;
      shapes[3 * m + 2] = ms->cols;
      add (w, name, GROK_DTYPE_F64, ms->s, ms->rank, -1);
    }
  add (w, "spectrum.matrices", GROK_DTYPE_I32, shapes, s->n_matrices, 3);
  meta (w, "spectrum_matrices", g_strjoinv ("\n", names));
}

static void
write_exact (Writer *w, const GrokRegionMap *map)
{
  int n = map->n_regions, nv = 0, ns = 0, nl = 3 * map->n_out;
  gint32 *voff = own (w, g_new (gint32, n + 1)), *soff = own (w, g_new (gint32, n + 1));
  double *xy, *logits, *seg;
  guint64 *patterns;

  voff[0] = soff[0] = 0;
  for (int i = 0; i < n; i++)
    {
      voff[i + 1] = nv += map->regions[i].n_vertices;
      soff[i + 1] = ns += map->regions[i].n_segments;
    }
  xy = own (w, g_new (double, 2 * (gsize) MAX (nv, 1)));
  seg = own (w, g_new (double, 4 * (gsize) MAX (ns, 1)));
  logits = own (w, g_new (double, (gsize) MAX (n * nl, 1)));
  patterns = own (w, g_new (guint64, (gsize) MAX (n * map->n_words, 1)));
  for (int i = 0; i < n; i++)
    {
      const GrokRegion *r = &map->regions[i];
      memcpy (xy + 2 * voff[i], r->xy, sizeof (double) * 2 * r->n_vertices);
      if (r->n_segments > 0)
        memcpy (seg + 4 * soff[i], r->segments, sizeof (double) * 4 * r->n_segments);
      memcpy (logits + (gsize) i * nl, r->logits, sizeof (double) * nl);
      if (map->n_words > 0)
        memcpy (patterns + (gsize) i * map->n_words, r->pattern, sizeof (guint64) * map->n_words);
    }
  add (w, "regions.vertex_offsets", GROK_DTYPE_I32, voff, n + 1, -1);
  add (w, "regions.vertices", GROK_DTYPE_F64, xy, nv, 2);
  add (w, "regions.segment_offsets", GROK_DTYPE_I32, soff, n + 1, -1);
  add (w, "regions.segments", GROK_DTYPE_F64, seg, ns, 4);
  add (w, "regions.logits", GROK_DTYPE_F64, logits, n, nl);
  add (w, "regions.patterns", GROK_DTYPE_U64, patterns, n, map->n_words);
  meta (w, "regions", g_strdup ("exact"));
  meta (w, "regions_units", g_strdup_printf ("%d", map->n_units));
  meta (w, "regions_words", g_strdup_printf ("%d", map->n_words));
  meta (w, "regions_outputs", g_strdup_printf ("%d", map->n_out));
}

static void
write_regions (Writer *w, const GrokViewRegions *r)
{
  double *window = own (w, g_new (double, 4));

  window[0] = r->x0, window[1] = r->y0, window[2] = r->x1, window[3] = r->y1;
  add (w, "regions.window", GROK_DTYPE_F64, window, 4, -1);
  if (r->exact != NULL)
    return write_exact (w, r->exact);
  add (w, "regions.raster", GROK_DTYPE_U32, r->raster, r->raster_h, r->raster_w);
  meta (w, "regions", g_strdup ("raster"));
  meta (w, "regions_patterns", g_strdup_printf ("%d", r->n_patterns));
}

static void
write_connectivity (Writer *w, const GrokViewConnectivity *c)
{
  add (w, "connectivity.order", GROK_DTYPE_I32, c->order, c->n, -1);
  add (w, "connectivity.matrix", GROK_DTYPE_F32, c->ordered, c->n, c->n);
  meta (w, "connectivity_max_points", g_strdup_printf ("%d", c->max_points));
  meta (w, "connectivity_inputs", g_strdup_printf ("%d", c->n_inputs));
  meta (w, "connectivity_lmn", g_strdup_printf ("%.17g", c->lmn));
}

gboolean
grok_views_write (const GrokViews *views, const char *path, GError **error)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (views != NULL && path != NULL, FALSE);
  folder = g_path_get_dirname (path);
  if (!grok_mkdir_p (folder, error))
    return FALSE;
  return grok_views_write_at (views, GROK_FILE_AT_PATH (path), error);
}

gboolean
grok_views_write_at (const GrokViews *views, const GrokFileAt *at, GError **error)
{
  g_autoptr (GArray) tensors = g_array_new (FALSE, TRUE, sizeof (GrokSafetensor));
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  Writer w = { tensors, owned, metadata };

  g_return_val_if_fail (views != NULL && at != NULL, FALSE);
  meta (&w, "format_version", g_strdup_printf ("%d", GROK_VIEWS_FORMAT_VERSION));
  meta (&w, "step", g_strdup_printf ("%" G_GINT64_FORMAT, views->step));
  meta (&w, "params_sha256", g_strdup (views->params_sha256));
  meta (&w, "config_sha256", g_strdup (views->config_sha256));
  write_spectrum (&w, views);
  if (views->regions != NULL)
    write_regions (&w, views->regions);
  if (views->connectivity != NULL)
    write_connectivity (&w, views->connectivity);
  return grok_safetensors_write_tensors_at (at, (GrokSafetensor *) tensors->data,
                                            (int) tensors->len, metadata, error);
}

/* ---- reading: every count, offset and index is checked before it is used ---- */

typedef struct
{
  const char          *path;
  GrokSafetensorsFile *file;
  GHashTable          *metadata;
} Reader;

G_GNUC_PRINTF (3, 4)
static gboolean
corrupt (const Reader *r, GError **error, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "%s: %s", r->path, what);
  return FALSE;
}

/* tensor name of dtype with ndim dimensions, each d (or any size for -1); a tensor with no
 * elements must be absent, and *out is then NULL */
static gboolean
get (const Reader *r, const char *name, GrokDtype dtype, int ndim, int d0, int d1,
     const GrokSafetensor **out, GError **error)
{
  const GrokSafetensor *t = grok_safetensors_file_lookup (r->file, name);
  int want[2] = { d0, d1 };

  *out = NULL;
  if (d0 == 0 || (ndim == 2 && d1 == 0))
    return t == NULL || corrupt (r, error, "tensor '%s' should be absent: it has no elements", name);
  if (t == NULL)
    return corrupt (r, error, "tensor '%s' is missing", name);
  if (t->dtype != dtype || t->ndim != ndim)
    return corrupt (r, error, "tensor '%s' has the wrong type or number of dimensions", name);
  for (int d = 0; d < ndim; d++)
    if (want[d] >= 0 && t->shape[d] != want[d])
      return corrupt (r, error, "tensor '%s' has %d entries along dimension %d; %d expected",
                      name, t->shape[d], d, want[d]);
  *out = t;
  return TRUE;
}

static gboolean
meta_int (const Reader *r, const char *key, gint64 min, gint64 max, gint64 *out, GError **error)
{
  const char *text = g_hash_table_lookup (r->metadata, key);

  if (text == NULL || !g_ascii_string_to_signed (text, 10, min, max, out, NULL))
    return corrupt (r, error, "__metadata__ '%s' is missing or not an integer from %"
                    G_GINT64_FORMAT " to %" G_GINT64_FORMAT, key, min, max);
  return TRUE;
}

static gboolean
meta_text (const Reader *r, const char *key, const char **out, GError **error)
{
  *out = g_hash_table_lookup (r->metadata, key);
  return *out != NULL || corrupt (r, error, "__metadata__ '%s' is missing", key);
}

static gboolean
read_matrix (const Reader *r, const char *name, const gint32 *shape, GrokMatrixSpectrum *ms,
             GError **error)
{
  g_autofree char *key = g_strconcat ("spectrum/", name, NULL);
  const GrokSafetensor *s;

  if (shape[0] < 0 || shape[1] < 1 || shape[2] < 1)
    return corrupt (r, error, "spectrum.matrices: matrix '%s' has an invalid shape", name);
  *ms = (GrokMatrixSpectrum) { .tensor = shape[0], .rows = shape[1], .cols = shape[2],
                               .rank = MIN (shape[1], shape[2]) };
  if (!get (r, key, GROK_DTYPE_F64, 1, ms->rank, 0, &s, error))
    return FALSE;
  ms->s = g_memdup2 (s->data, sizeof (double) * (gsize) ms->rank);
  /* the derived numbers as grok_spectrum_summary_new makes them */
  ms->entropy = grok_spectral_entropy (ms->s, ms->rank);
  ms->eff_rank = exp (ms->entropy);
  ms->stable_rank = grok_stable_rank (ms->s, ms->rank);
  return TRUE;
}

static gboolean
read_spectrum (const Reader *r, GrokViews *views, GError **error)
{
  const char *text;
  g_auto (GStrv) names = NULL;
  const GrokSafetensor *shapes;
  GrokSpectrumSummary *s;
  double h_sum = 0, eff_sum = 0;
  int n;

  if (!meta_text (r, "spectrum_matrices", &text, error))
    return FALSE;
  names = *text != '\0' ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
  n = (int) g_strv_length (names);
  if (!get (r, "spectrum.matrices", GROK_DTYPE_I32, 2, n, 3, &shapes, error))
    return FALSE;
  s = views->spectrum = g_new0 (GrokSpectrumSummary, 1);
  s->matrices = g_new0 (GrokMatrixSpectrum, MAX (n, 1));
  views->names = g_ptr_array_new_with_free_func (g_free);
  for (int m = 0; m < n; m++)
    {
      if (!read_matrix (r, names[m], (const gint32 *) shapes->data + 3 * m, &s->matrices[m], error))
        return FALSE;
      s->n_matrices++;
      g_ptr_array_add (views->names, g_strdup (names[m]));
      h_sum += s->matrices[m].entropy;
      eff_sum += s->matrices[m].eff_rank;
    }
  s->spectral_entropy_mean = n ? h_sum / n : NAN;
  s->eff_rank_mean = n ? eff_sum / n : NAN;
  return TRUE;
}

/* offsets (n + 1) must start at 0 and grow by at least min_count per region */
static gboolean
check_offsets (const Reader *r, const char *name, const gint32 *off, int n, int min_count,
               GError **error)
{
  if (off[0] != 0)
    return corrupt (r, error, "tensor '%s' does not start at 0", name);
  for (int i = 0; i < n; i++)
    if (off[i + 1] < off[i] + min_count || off[i + 1] > G_MAXINT / 4)
      return corrupt (r, error, "tensor '%s': region %d has an invalid count", name, i);
  return TRUE;
}

static gboolean
read_exact (const Reader *r, GrokViewRegions *regions, GError **error)
{
  const GrokSafetensor *voff, *soff, *xy, *seg, *logits, *patterns;
  gint64 units, words, outputs;
  GrokRegionMap *map;
  int n;

  if (!meta_int (r, "regions_units", 0, 1 << 20, &units, error) ||
      !meta_int (r, "regions_outputs", 1, 1 << 20, &outputs, error) ||
      !meta_int (r, "regions_words", (units + 63) / 64, (units + 63) / 64, &words, error) ||
      !get (r, "regions.vertex_offsets", GROK_DTYPE_I32, 1, -1, 0, &voff, error))
    return FALSE;
  n = voff->shape[0] - 1;
  if (!get (r, "regions.segment_offsets", GROK_DTYPE_I32, 1, n + 1, 0, &soff, error) ||
      !check_offsets (r, voff->name, voff->data, n, 3, error) ||
      !check_offsets (r, soff->name, soff->data, n, 0, error) ||
      !get (r, "regions.vertices", GROK_DTYPE_F64, 2, ((const gint32 *) voff->data)[n], 2, &xy, error) ||
      !get (r, "regions.segments", GROK_DTYPE_F64, 2, ((const gint32 *) soff->data)[n], 4, &seg, error) ||
      !get (r, "regions.logits", GROK_DTYPE_F64, 2, n, 3 * (int) outputs, &logits, error) ||
      !get (r, "regions.patterns", GROK_DTYPE_U64, 2, n, (int) words, &patterns, error))
    return FALSE;
  map = regions->exact = g_new0 (GrokRegionMap, 1);
  *map = (GrokRegionMap) { regions->x0, regions->y0, regions->x1, regions->y1, (int) units,
                           (int) words, (int) outputs, n, g_new0 (GrokRegion, MAX (n, 1)) };
  for (int i = 0; i < n; i++)
    {
      const gint32 *vo = voff->data, *so = soff->data;
      GrokRegion *g = &map->regions[i];

      g->n_vertices = vo[i + 1] - vo[i];
      g->xy = g_memdup2 ((const double *) xy->data + 2 * vo[i], sizeof (double) * 2 * g->n_vertices);
      g->pattern = words ? g_memdup2 ((const guint64 *) patterns->data + i * words,
                                      sizeof (guint64) * words) : NULL;
      g->logits = g_memdup2 ((const double *) logits->data + i * 3 * outputs,
                             sizeof (double) * 3 * outputs);
      g->n_segments = so[i + 1] - so[i];
      g->segments = g->n_segments ? g_memdup2 ((const double *) seg->data + 4 * so[i],
                                               sizeof (double) * 4 * g->n_segments) : NULL;
    }
  return TRUE;
}

static gboolean
read_raster (const Reader *r, GrokViewRegions *regions, GError **error)
{
  const GrokSafetensor *raster;
  gint64 patterns;
  gsize n;

  if (!meta_int (r, "regions_patterns", 0, G_MAXINT, &patterns, error) ||
      !get (r, "regions.raster", GROK_DTYPE_U32, 2, -1, -1, &raster, error))
    return FALSE;
  n = grok_safetensor_numel (raster);
  for (gsize i = 0; i < n; i++)
    if (((const guint32 *) raster->data)[i] >= patterns)
      return corrupt (r, error, "tensor 'regions.raster': a pattern id is not below %" G_GINT64_FORMAT,
                      patterns);
  regions->raster_h = raster->shape[0];
  regions->raster_w = raster->shape[1];
  regions->n_patterns = (int) patterns;
  regions->raster = g_memdup2 (raster->data, sizeof (guint32) * n);
  return TRUE;
}

static gboolean
read_regions (const Reader *r, GrokViews *views, GError **error)
{
  const char *kind = g_hash_table_lookup (r->metadata, "regions");
  const GrokSafetensor *window;
  const double *w;

  if (kind == NULL)
    return TRUE;
  if (!get (r, "regions.window", GROK_DTYPE_F64, 1, 4, 0, &window, error))
    return FALSE;
  w = window->data;
  if (!(w[0] < w[2] && w[1] < w[3]))
    return corrupt (r, error, "tensor 'regions.window' is not a rectangle");
  views->regions = g_new0 (GrokViewRegions, 1);
  *views->regions = (GrokViewRegions) { .x0 = w[0], .y0 = w[1], .x1 = w[2], .y1 = w[3] };
  if (g_str_equal (kind, "exact"))
    return read_exact (r, views->regions, error);
  if (g_str_equal (kind, "raster"))
    return read_raster (r, views->regions, error);
  return corrupt (r, error, "__metadata__ 'regions' is '%s', not exact or raster", kind);
}

static gboolean
read_connectivity (const Reader *r, GrokViews *views, GError **error)
{
  const GrokSafetensor *order, *matrix;
  const char *lmn_text;
  char *end = NULL;
  gint64 max_points, inputs;
  g_autofree gboolean *seen = NULL;
  GrokViewConnectivity *c;
  int n;

  if (grok_safetensors_file_lookup (r->file, "connectivity.order") == NULL)
    return TRUE;
  if (!get (r, "connectivity.order", GROK_DTYPE_I32, 1, -1, 0, &order, error) ||
      !meta_int (r, "connectivity_max_points", order->shape[0], G_MAXINT, &max_points, error) ||
      !meta_int (r, "connectivity_inputs", order->shape[0], G_MAXINT, &inputs, error) ||
      !meta_text (r, "connectivity_lmn", &lmn_text, error))
    return FALSE;
  n = order->shape[0];
  if (n != MIN (inputs, max_points))
    return corrupt (r, error, "connectivity: %d points, but %" G_GINT64_FORMAT " inputs at most %"
                    G_GINT64_FORMAT " give %" G_GINT64_FORMAT, n, inputs, max_points,
                    MIN (inputs, max_points));
  if (!get (r, "connectivity.matrix", GROK_DTYPE_F32, 2, n, n, &matrix, error))
    return FALSE;
  seen = g_new0 (gboolean, n);
  for (int i = 0; i < n; i++)
    {
      int k = ((const gint32 *) order->data)[i];
      if (k < 0 || k >= n || seen[k])
        return corrupt (r, error, "tensor 'connectivity.order' is not a permutation");
      seen[k] = TRUE;
    }
  c = views->connectivity = g_new0 (GrokViewConnectivity, 1);
  c->n = n;
  c->max_points = (int) max_points;
  c->n_inputs = (int) inputs;
  c->lmn = g_ascii_strtod (lmn_text, &end);
  c->order = g_memdup2 (order->data, sizeof (int) * (gsize) n);
  c->ordered = g_memdup2 (matrix->data, sizeof (float) * (gsize) n * n);
  if (end == lmn_text || *end != '\0')
    return corrupt (r, error, "__metadata__ 'connectivity_lmn' is not a number");
  return TRUE;
}

GrokViews *
grok_views_read (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return grok_views_read_at (GROK_FILE_AT_PATH (path), error);
}

GrokViews *
grok_views_read_at (const GrokFileAt *at, GError **error)
{
  g_autoptr (GrokSafetensorsFile) file = NULL;
  g_autoptr (GrokViews) views = g_new0 (GrokViews, 1);
  gint64 version;
  const char *params_sha, *config_sha;
  Reader r = { at != NULL ? at->shown : NULL };

  g_return_val_if_fail (at != NULL, NULL);
  file = grok_safetensors_file_read_at (at, error);
  if (file == NULL)
    return NULL;
  r.file = file;
  r.metadata = grok_safetensors_file_get_metadata (file);
  if (!meta_int (&r, "format_version", 0, G_MAXINT, &version, error))
    return NULL;
  if (version != GROK_VIEWS_FORMAT_VERSION)
    {
      corrupt (&r, error, "views format %" G_GINT64_FORMAT "; this version reads format %d",
               version, GROK_VIEWS_FORMAT_VERSION);
      return NULL;
    }
  if (!meta_int (&r, "step", 0, G_MAXINT64, &views->step, error) ||
      !meta_text (&r, "params_sha256", &params_sha, error) ||
      !meta_text (&r, "config_sha256", &config_sha, error) ||
      !read_spectrum (&r, views, error) || !read_regions (&r, views, error) ||
      !read_connectivity (&r, views, error))
    return NULL;
  views->unchecked = !g_hash_table_contains (r.metadata, GROK_SAFETENSORS_CHECKSUM_KEY);
  views->params_sha256 = g_strdup (params_sha);
  views->config_sha256 = g_strdup (config_sha);
  return g_steal_pointer (&views);
}
