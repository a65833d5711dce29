/* The exact linear-region partition of a 2-D piecewise-linear MLP, by cutting convex polygons
 * layer after layer (SPEC section 4.4), and the raster pattern map for any activation.
 *
 * Each polygon carries the affine map from the input (x, y, 1) to the current layer's input, a
 * (units, 3) matrix in double. A layer's pre-activations are then affine on the polygon; every
 * unit whose zero line crosses the polygon splits it in two, and the pieces go on to the next
 * units of the same layer. Once a layer is done each piece knows its units' signs, so its map to
 * the next layer is diag(slopes) times the pre-activation map. */
#include "grok-regions.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "grok-blas.h"
#include "grok-error.h"

typedef struct
{
  int      nv;
  double  *xy;       /* (nv, 2) counter-clockwise */
  double  *map;      /* (3, units): rows are the x, y and constant coefficients of the map from
                      * the input to the current layer's input; NULL while a layer cuts */
  guint64 *pattern;
} Poly;

static Poly *
poly_new (int nv, int n_words)
{
  Poly *p = g_new0 (Poly, 1);
  p->nv = nv;
  p->xy = g_new (double, 2 * nv);
  p->pattern = g_new0 (guint64, MAX (n_words, 1));
  return p;
}

static void
poly_free (Poly *p)
{
  g_free (p->xy);
  g_free (p->map);
  g_free (p->pattern);
  g_free (p);
}

static double
polygon_area (const double *xy, int nv)
{
  double a = 0;
  for (int i = 0; i < nv; i++)
    {
      int j = (i + 1) % nv;
      a += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
    }
  return 0.5 * a;
}

static void
polygon_centroid (const double *xy, int nv, double *cx, double *cy)
{
  double a = 0, sx = 0, sy = 0;

  for (int i = 0; i < nv; i++)
    {
      int j = (i + 1) % nv;
      double c = xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
      a += c;
      sx += (xy[2 * i] + xy[2 * j]) * c;
      sy += (xy[2 * i + 1] + xy[2 * j + 1]) * c;
    }
  if (fabs (a) > 0)
    {
      *cx = sx / (3 * a);
      *cy = sy / (3 * a);
      return;
    }
  /* a degenerate polygon: the mean of its vertices */
  sx = sy = 0;
  for (int i = 0; i < nv; i++)
    {
      sx += xy[2 * i];
      sy += xy[2 * i + 1];
    }
  *cx = sx / nv;
  *cy = sy / nv;
}

double
grok_region_area (const GrokRegion *region)
{
  g_return_val_if_fail (region != NULL, 0.0);
  return polygon_area (region->xy, region->n_vertices);
}

void
grok_region_centroid (const GrokRegion *region, double *cx, double *cy)
{
  g_return_if_fail (region != NULL && cx != NULL && cy != NULL);
  polygon_centroid (region->xy, region->n_vertices, cx, cy);
}

/* Splits p by the line a x + b y + c = 0 when it crosses p; span is the window's (width,
 * height). Returns FALSE (and leaves p alone) when p lies on one side within the tolerance. */
static gboolean
poly_split (const Poly *p, const double abc[3], const double *span, int n_words, Poly **pos,
            Poly **neg)
{
  double s[64], *sv = p->nv > 64 ? g_new (double, p->nv) : s;
  double vmax = 0, tol;
  gboolean any_pos = FALSE, any_neg = FALSE;
  Poly *side[2];

  for (int i = 0; i < p->nv; i++)
    {
      sv[i] = abc[0] * p->xy[2 * i] + abc[1] * p->xy[2 * i + 1] + abc[2];
      vmax = MAX (vmax, fabs (sv[i]));
    }
  tol = GROK_REGIONS_EPS * (fabs (abc[0]) * span[0] + fabs (abc[1]) * span[1] + vmax);
  for (int i = 0; i < p->nv; i++)
    {
      if (sv[i] > tol)
        any_pos = TRUE;
      else if (sv[i] < -tol)
        any_neg = TRUE;
      else
        sv[i] = 0; /* on the line: goes to both pieces as it is */
    }
  if (!any_pos || !any_neg)
    {
      if (sv != s)
        g_free (sv);
      return FALSE;
    }
  /* a convex polygon cut by a line gives pieces of at most nv + 1 vertices; room for 2 nv keeps
   * this safe even if snapped vertices left a polygon non-convex by a rounding-sized amount */
  for (int k = 0; k < 2; k++)
    {
      double sign = k == 0 ? 1.0 : -1.0;
      Poly *q = side[k] = poly_new (2 * p->nv, n_words);
      q->nv = 0;
      memcpy (q->pattern, p->pattern, sizeof (guint64) * MAX (n_words, 1));
      for (int i = 0; i < p->nv; i++)
        {
          int j = (i + 1) % p->nv;
          double si = sign * sv[i], sj = sign * sv[j];
          if (si >= 0)
            {
              q->xy[2 * q->nv] = p->xy[2 * i];
              q->xy[2 * q->nv + 1] = p->xy[2 * i + 1];
              q->nv++;
            }
          if ((si > 0 && sj < 0) || (si < 0 && sj > 0))
            {
              double t = si / (si - sj);
              q->xy[2 * q->nv] = p->xy[2 * i] + t * (p->xy[2 * j] - p->xy[2 * i]);
              q->xy[2 * q->nv + 1] = p->xy[2 * i + 1] + t * (p->xy[2 * j + 1] - p->xy[2 * i + 1]);
              q->nv++;
            }
        }
    }
  if (sv != s)
    g_free (sv);
  *pos = side[0];
  *neg = side[1];
  return TRUE;
}

typedef struct
{
  Poly *poly;
  int   unit;
} Pending;

/* cuts p along the zero line of every unit of the pre-activation map P (3, units); the pieces
 * (p itself when nothing cuts) are appended to out */
static void
cut_by_units (Poly *p, const double *P, int units, const double *span, int n_words,
              GPtrArray *out, GArray *stack)
{
  Pending top = { p, 0 };

  g_array_set_size (stack, 0);
  g_array_append_val (stack, top);
  while (stack->len > 0)
    {
      Pending cur = g_array_index (stack, Pending, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      for (; cur.unit < units; cur.unit++)
        {
          Poly *pos, *neg;
          double abc[3] = { P[cur.unit], P[units + cur.unit], P[2 * units + cur.unit] };
          if (!poly_split (cur.poly, abc, span, n_words, &pos, &neg))
            continue;
          poly_free (cur.poly);
          g_array_append_val (stack, ((Pending) { neg, cur.unit + 1 }));
          cur.poly = pos;
        }
      g_ptr_array_add (out, cur.poly);
    }
}

/* every polygon's pre-activation map at once: block p of Q (3 n, out) is (3, out) =
 * map_p (3, in) W^T + e3 b^T. The maps are released. */
static double *
preact_maps (GPtrArray *polys, const GrokLayerView *layer)
{
  int n = (int) polys->len, in = layer->in, out = layer->out;
  g_autofree double *M = g_new (double, (gsize) 3 * n * in);
  g_autofree double *W = g_new (double, (gsize) in * out);
  double *Q = g_new (double, (gsize) 3 * n * out);

  for (gsize i = 0; i < (gsize) in * out; i++)
    W[i] = layer->weight[i];
  for (int p = 0; p < n; p++)
    {
      Poly *poly = g_ptr_array_index (polys, p);
      memcpy (M + (gsize) 3 * p * in, poly->map, sizeof (double) * 3 * in);
      g_clear_pointer (&poly->map, g_free);
      memset (Q + (gsize) 3 * p * out, 0, sizeof (double) * 2 * out);
      for (int o = 0; o < out; o++)
        Q[((gsize) 3 * p + 2) * out + o] = layer->bias[o];
    }
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 3 * n, out, in, 1.0, M, in, W, in, 1.0,
               Q, out);
  return Q;
}

/* after a layer's cuts: the piece's pattern bits (from 'bit') and its map to the next layer,
 * P (3, out) scaled unit by unit by the activation's slope on the piece */
static void
finish_piece (Poly *q, const GrokLayerView *layer, const double *P, int bit)
{
  const int out = layer->out;
  const GrokActivationInfo *act = grok_activation_info (layer->act);
  double cx, cy;
  gboolean cuts = !grok_activation_is_affine (layer->act);

  polygon_centroid (q->xy, q->nv, &cx, &cy);
  q->map = g_new (double, 3 * out);
  for (int o = 0; o < out; o++)
    {
      gboolean active = P[o] * cx + P[out + o] * cy + P[2 * out + o] > 0;
      double slope = active ? act->slope_above : act->slope_below;
      if (cuts && active)
        q->pattern[(bit + o) / 64] |= G_GUINT64_CONSTANT (1) << ((bit + o) % 64);
      for (int c = 0; c < 3; c++)
        q->map[c * out + o] = slope * P[c * out + o];
    }
}

/* one layer over all polygons: cur is consumed, the pieces are returned */
static GPtrArray *
cut_layer (GPtrArray *cur, const GrokLayerView *layer, const double *span, int n_words, int bit)
{
  GPtrArray *next = g_ptr_array_new ();
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_autoptr (GPtrArray) pieces = g_ptr_array_new ();
  g_autofree double *Q = preact_maps (cur, layer);

  for (guint i = 0; i < cur->len; i++)
    {
      Poly *p = g_ptr_array_index (cur, i);
      const double *P = Q + (gsize) 3 * i * layer->out;
      g_ptr_array_set_size (pieces, 0);
      if (grok_activation_is_affine (layer->act))
        g_ptr_array_add (pieces, p);
      else
        cut_by_units (p, P, layer->out, span, n_words, pieces, stack);
      for (guint k = 0; k < pieces->len; k++)
        {
          Poly *q = g_ptr_array_index (pieces, k);
          finish_piece (q, layer, P, bit);
          g_ptr_array_add (next, q);
        }
    }
  g_ptr_array_unref (cur);
  return next;
}

int
grok_regions_pattern_units (const GrokLayerView *layers, int n_layers)
{
  int n = 0;
  for (int l = 0; l < n_layers; l++)
    if (!grok_activation_is_affine (layers[l].act))
      n += layers[l].out;
  return n;
}

/* clips [*t0, *t1] to the t where g0 + t g1 >= 0; FALSE when nothing is left */
static gboolean
clip_interval (double g0, double g1, double *t0, double *t1)
{
  if (g1 == 0)
    return g0 >= 0;
  if (g1 > 0)
    *t0 = MAX (*t0, -g0 / g1);
  else
    *t1 = MIN (*t1, -g0 / g1);
  return *t0 < *t1;
}

/* The part of the line logit_k = logit_j inside the polygon where k and j are at least every
 * other logit: a segment or nothing. The line is p0 + t d; its parameter interval is clipped by
 * each polygon edge and each other class. min_len is the shortest segment kept. */
static gboolean
tie_segment (const GrokRegion *r, int n_out, int k, int j, double min_len, double *seg)
{
  const double *L = r->logits;
  double a = L[3 * k] - L[3 * j], b = L[3 * k + 1] - L[3 * j + 1], c = L[3 * k + 2] - L[3 * j + 2];
  double nn = a * a + b * b, px, py, t0 = -G_MAXDOUBLE, t1 = G_MAXDOUBLE;

  if (nn == 0)
    return FALSE;
  px = -c * a / nn;
  py = -c * b / nn;
  for (int i = 0; i < r->n_vertices; i++)
    {
      int i1 = (i + 1) % r->n_vertices;
      double ex = r->xy[2 * i1] - r->xy[2 * i], ey = r->xy[2 * i1 + 1] - r->xy[2 * i + 1];
      double g0 = ex * (py - r->xy[2 * i + 1]) - ey * (px - r->xy[2 * i]);
      if (!clip_interval (g0, ex * a + ey * b, &t0, &t1))
        return FALSE;
    }
  for (int m = 0; m < n_out; m++)
    {
      double ha = L[3 * k] - L[3 * m], hb = L[3 * k + 1] - L[3 * m + 1];
      double hc = L[3 * k + 2] - L[3 * m + 2];
      if (m == k || m == j)
        continue;
      if (!clip_interval (ha * px + hb * py + hc, -ha * b + hb * a, &t0, &t1))
        return FALSE;
    }
  if ((t1 - t0) * sqrt (nn) <= min_len)
    return FALSE;
  seg[0] = px - t0 * b;
  seg[1] = py + t0 * a;
  seg[2] = px - t1 * b;
  seg[3] = py + t1 * a;
  return TRUE;
}

/* the decision boundary inside a region: one segment per pair of classes that tie on top */
static void
region_boundary (GrokRegion *r, int n_out, double min_len)
{
  g_autoptr (GArray) segs = g_array_new (FALSE, FALSE, sizeof (double));

  for (int k = 0; k < n_out; k++)
    for (int j = k + 1; j < n_out; j++)
      {
        double seg[4];
        if (tie_segment (r, n_out, k, j, min_len, seg))
          g_array_append_vals (segs, seg, 4);
      }
  r->n_segments = (int) segs->len / 4;
  r->segments = (double *) (void *) g_array_free (g_steal_pointer (&segs), FALSE);
}

void
grok_region_map_free (GrokRegionMap *map)
{
  if (map == NULL)
    return;
  for (int i = 0; i < map->n_regions; i++)
    {
      g_free (map->regions[i].xy);
      g_free (map->regions[i].pattern);
      g_free (map->regions[i].logits);
      g_free (map->regions[i].segments);
    }
  g_free (map->regions);
  g_free (map);
}

static gboolean
check_layers (const GrokLayerView *layers, int n_layers, gboolean piecewise, GError **error)
{
  if (!grok_layers_are_chained (layers, n_layers) || layers[0].in != 2)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "linear regions: the network must take 2 inputs and its %d layers must "
                   "chain (each layer's input size equal to the previous output size)", n_layers);
      return FALSE;
    }
  if (piecewise && !grok_layers_are_piecewise_linear (layers, n_layers))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                   "linear regions: the exact partition needs relu, leaky_relu or linear "
                   "activations; use the raster pattern map for smooth activations");
      return FALSE;
    }
  return TRUE;
}

/* the window as one polygon with the identity map to the input */
static Poly *
window_poly (double x0, double y0, double x1, double y1, int n_words)
{
  Poly *p = poly_new (4, n_words);
  double xy[] = { x0, y0, x1, y0, x1, y1, x0, y1 };
  double id[] = { 1, 0, 0, 1, 0, 0 }; /* (3, 2): x -> unit 0, y -> unit 1, no constant */

  memcpy (p->xy, xy, sizeof xy);
  p->map = g_memdup2 (id, sizeof id);
  return p;
}

GrokRegionMap *
grok_regions_exact (const GrokLayerView *layers, int n_layers, double x0, double y0, double x1,
                    double y1, GError **error)
{
  GrokRegionMap *map;
  GPtrArray *polys;
  double span[2] = { x1 - x0, y1 - y0 };
  int n_units, n_words, bit = 0;

  grok_blas_init ();
  g_return_val_if_fail (layers != NULL && n_layers > 0, NULL);
  g_return_val_if_fail (x1 > x0 && y1 > y0, NULL);
  if (!check_layers (layers, n_layers, TRUE, error))
    return NULL;

  n_units = grok_regions_pattern_units (layers, n_layers);
  n_words = (n_units + 63) / 64;
  polys = g_ptr_array_new ();
  g_ptr_array_add (polys, window_poly (x0, y0, x1, y1, n_words));
  for (int l = 0; l < n_layers; l++)
    {
      polys = cut_layer (polys, &layers[l], span, n_words, bit);
      if (!grok_activation_is_affine (layers[l].act))
        bit += layers[l].out;
    }

  map = g_new0 (GrokRegionMap, 1);
  *map = (GrokRegionMap) { x0, y0, x1, y1, n_units, n_words, layers[n_layers - 1].out,
                           (int) polys->len, g_new0 (GrokRegion, polys->len) };
  for (guint i = 0; i < polys->len; i++)
    {
      Poly *p = g_ptr_array_index (polys, i);
      GrokRegion *r = &map->regions[i];
      r->n_vertices = p->nv;
      r->xy = g_steal_pointer (&p->xy);
      r->pattern = g_steal_pointer (&p->pattern);
      r->logits = g_new (double, 3 * map->n_out);
      for (int k = 0; k < map->n_out; k++)
        for (int c = 0; c < 3; c++)
          r->logits[3 * k + c] = p->map[c * map->n_out + k];
      region_boundary (r, map->n_out, 1e-12 * (span[0] + span[1]));
      poly_free (p);
    }
  g_ptr_array_unref (polys);
  return map;
}

void
grok_regions_pattern_at (const GrokLayerView *layers, int n_layers, double x, double y,
                         guint64 *pattern, double *logits)
{
  int width = 2, bit = 0;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;

  g_return_if_fail (layers != NULL && n_layers > 0 && pattern != NULL);
  for (int l = 0; l < n_layers; l++)
    width = MAX (width, layers[l].out);
  a = g_new (double, width);
  b = g_new (double, width);
  a[0] = x;
  a[1] = y;
  memset (pattern, 0, sizeof (guint64) * ((grok_regions_pattern_units (layers, n_layers) + 63) / 64));
  for (int l = 0; l < n_layers; l++)
    {
      const GrokLayerView *L = &layers[l];
      double (*act) (double) = grok_activation_info (L->act)->value_d;
      gboolean bends = !grok_activation_is_affine (L->act);
      double *tmp;
      for (int o = 0; o < L->out; o++)
        {
          double z = L->bias[o];
          for (int i = 0; i < L->in; i++)
            z += (double) L->weight[(gsize) o * L->in + i] * a[i];
          if (bends && z > 0)
            pattern[(bit + o) / 64] |= G_GUINT64_CONSTANT (1) << ((bit + o) % 64);
          b[o] = act (z);
        }
      if (bends)
        bit += L->out;
      tmp = a;
      a = b;
      b = tmp;
    }
  if (logits != NULL)
    memcpy (logits, a, sizeof (double) * layers[n_layers - 1].out);
}

/* one row of pixels (n points in xy) through the network in double, writing each point's
 * pattern (n_words words) to pat; wd holds the layers' weights in double, buf two scratch
 * buffers of n * width doubles */
static void
raster_row (const GrokLayerView *layers, int n_layers, double *const *wd, const double *xy,
            int n, int n_words, guint64 *pat, double *buf0, double *buf1)
{
  double *a = buf0, *b = buf1;
  int bit = 0;

  memcpy (a, xy, sizeof (double) * 2 * n);
  memset (pat, 0, sizeof (guint64) * n * n_words);
  for (int l = 0; l < n_layers; l++)
    {
      const GrokLayerView *L = &layers[l];
      double (*act) (double) = grok_activation_info (L->act)->value_d;
      gboolean bends = !grok_activation_is_affine (L->act);
      double *tmp;
      grok_layer_affine_rows (L, wd[l], a, n, b);
      for (int r = 0; r < n; r++)
        for (int o = 0; o < L->out; o++)
          {
            double *z = &b[(gsize) r * L->out + o];
            if (bends && *z > 0)
              pat[(gsize) r * n_words + (bit + o) / 64] |= G_GUINT64_CONSTANT (1) << ((bit + o) % 64);
            *z = act (*z);
          }
      if (bends)
        bit += L->out;
      tmp = a;
      a = b;
      b = tmp;
    }
}

guint32 *
grok_regions_raster (const GrokLayerView *layers, int n_layers, double x0, double y0, double x1,
                     double y1, int width, int height, int *n_patterns, GError **error)
{
  g_autoptr (GHashTable) ids = NULL;
  g_autoptr (GPtrArray) wd = NULL;
  g_autofree double *xy = NULL;
  g_autofree double *buf0 = NULL;
  g_autofree double *buf1 = NULL;
  g_autofree guint64 *pat = NULL;
  guint32 *out;
  int n_words, maxw = 2;

  grok_blas_init ();
  g_return_val_if_fail (layers != NULL && n_layers > 0 && width > 0 && height > 0, NULL);
  if (!check_layers (layers, n_layers, FALSE, error))
    return NULL;
  n_words = MAX (1, (grok_regions_pattern_units (layers, n_layers) + 63) / 64);
  wd = g_ptr_array_new_with_free_func (g_free);
  for (int l = 0; l < n_layers; l++)
    {
      double *w = g_new (double, (gsize) layers[l].in * layers[l].out);
      for (gsize i = 0; i < (gsize) layers[l].in * layers[l].out; i++)
        w[i] = layers[l].weight[i];
      g_ptr_array_add (wd, w);
      maxw = MAX (maxw, layers[l].out);
    }
  xy = g_new (double, 2 * width);
  buf0 = g_new (double, (gsize) width * maxw);
  buf1 = g_new (double, (gsize) width * maxw);
  pat = g_new (guint64, (gsize) width * n_words);
  ids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  out = g_new (guint32, (gsize) width * height);
  for (int r = 0; r < height; r++)
    {
      for (int c = 0; c < width; c++)
        {
          xy[2 * c] = x0 + (c + 0.5) * (x1 - x0) / width;
          xy[2 * c + 1] = y0 + (r + 0.5) * (y1 - y0) / height;
        }
      raster_row (layers, n_layers, (double *const *) wd->pdata, xy, width, n_words, pat, buf0,
                  buf1);
      for (int c = 0; c < width; c++)
        {
          g_autoptr (GBytes) key = g_bytes_new (pat + (gsize) c * n_words, sizeof (guint64) * n_words);
          gpointer id;
          if (!g_hash_table_lookup_extended (ids, key, NULL, &id))
            {
              id = GUINT_TO_POINTER (g_hash_table_size (ids));
              g_hash_table_insert (ids, g_bytes_ref (key), id);
            }
          out[(gsize) r * width + c] = GPOINTER_TO_UINT (id);
        }
    }
  if (n_patterns != NULL)
    *n_patterns = (int) g_hash_table_size (ids);
  return out;
}
