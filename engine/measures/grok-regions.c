/* The exact linear-region partition of a 2-D piecewise-linear MLP, by cutting convex polygons
 * layer after layer (SPEC section 4.4); the raster pattern map is in grok-regions-raster.c.
 *
 * Each polygon carries the affine map from the input (x, y, 1) to the current layer's input, a
 * (units, 3) matrix in double. A layer's pre-activations are then affine on the polygon; every
 * unit whose zero line crosses the polygon splits it in two, and the pieces go on to the next
 * units of the same layer. Once a layer is done each piece knows its units' signs, so its map to
 * the next layer is diag(slopes) times the pre-activation map.
 *
 * A piece is tested against every unit that may still cut it at once, and only the units whose
 * values on it straddle zero (up to rounding) are tested again on its two sides: deep in the
 * network most units miss a small polygon. A region count keeps no regions. */
#include "grok-regions-private.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "grok-blas.h"
#include "grok-error.h"

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

/* The polygons after a layer, in flat arrays so that a layer's maps are one matrix: polygon i has
 * the vertices start[i] .. start[i + 1] - 1 of xy (counter-clockwise), the pattern words
 * [i n_words, (i + 1) n_words) and the (3, width) map maps[3 i width ..]: rows are the x, y and
 * constant coefficients of the map from the input to the next layer's input. */
typedef struct
{
  int     n;
  int     width;
  int     n_words;
  GArray *start;    /* int, n + 1 */
  GArray *xy;       /* double, 2 per vertex */
  GArray *pattern;  /* guint64 */
  GArray *maps;     /* double */
} PolySet;

static PolySet *
poly_set_new (int width, int n_words)
{
  PolySet *s = g_new0 (PolySet, 1);
  int zero = 0;

  s->width = width;
  s->n_words = MAX (n_words, 1);
  s->start = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_append_val (s->start, zero);
  s->xy = g_array_new (FALSE, FALSE, sizeof (double));
  s->pattern = g_array_new (FALSE, FALSE, sizeof (guint64));
  s->maps = g_array_new (FALSE, FALSE, sizeof (double));
  return s;
}

static void
poly_set_free (PolySet *s)
{
  g_array_unref (s->start);
  g_array_unref (s->xy);
  g_array_unref (s->pattern);
  g_array_unref (s->maps);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PolySet, poly_set_free)

static void
poly_set_clear (PolySet *s)
{
  s->n = 0;
  g_array_set_size (s->start, 1);
  g_array_set_size (s->xy, 0);
  g_array_set_size (s->pattern, 0);
  g_array_set_size (s->maps, 0);
}

static int
poly_set_nv (const PolySet *s, int i)
{
  return g_array_index (s->start, int, i + 1) - g_array_index (s->start, int, i);
}

static const double *
poly_set_xy (const PolySet *s, int i)
{
  return &g_array_index (s->xy, double, 2 * (gsize) g_array_index (s->start, int, i));
}

/* Cutting one layer's polygons. The pieces of a polygon being cut live on the vert stack and
 * the units that may still cut them on the cand stack, both last in first out. */
typedef struct
{
  const GrokLayerView *layer;
  const double        *P;        /* (3, units): the pre-activation map on the polygon */
  int                  units;
  int                  bit;      /* the layer's first pattern bit */
  double               span[2];  /* the window's width and height */
  double               mag[2];   /* bounds on |x| and |y| of any vertex */
  const guint64       *pattern;  /* the polygon's pattern before this layer */
  GArray              *vert;     /* double */
  GArray              *cand;     /* int */
  double              *lo, *hi;  /* (units): the candidates' extreme values on the piece */
  double              *abcv;     /* (3 units) scratch */
  PolySet             *out;      /* the finished pieces, or NULL to only count them */
  int                  count;
} Cutter;

/* Within this of a unit's zero line a vertex counts as on it (GROK_REGIONS_EPS); vmax is the
 * largest |pre-activation| at the piece's vertices. The cut test and the cut share it, so they
 * agree. */
static double
line_tolerance (double a, double b, const double *span, double vmax)
{
  return GROK_REGIONS_EPS * (fabs (a) * span[0] + fabs (b) * span[1] + vmax);
}

static void
unit_line (const Cutter *c, int u, double abc[3])
{
  abc[0] = c->P[u];
  abc[1] = c->P[c->units + u];
  abc[2] = c->P[2 * c->units + u];
}

/* Whether a piece of a polygon on which the unit's values lie in [lo, hi] could be cut by it.
 * A piece's vertices are the polygon's or points on its edges, so its values lie in [lo, hi]
 * up to rounding (bounded by db, far above a few ulp of the terms), and its tolerance is at
 * least tmin; a unit that fails this cannot cut any piece and is not tested on them. */
static gboolean
may_cut_pieces (const Cutter *c, const double abc[3], double lo, double hi)
{
  double tmin = line_tolerance (abc[0], abc[1], c->span, 0);
  double db = 1e-12 * (fabs (abc[0]) * c->mag[0] + fabs (abc[1]) * c->mag[1] + fabs (abc[2]));
  return hi > tmin - db && lo < db - tmin;
}

/* Splits the convex polygon xy (nv vertices) along the line abc, whose values at the vertices
 * cross zero beyond the tolerance tol, into pos and neg (room for 2 nv vertices each). A vertex
 * within tol of the line goes to both pieces as it is. */
static void
split_polygon (const double *xy, int nv, const double abc[3], const double *span, double *pos,
               int *npos, double *neg, int *nneg)
{
  double s[64], *sv = nv > 64 ? g_new (double, nv) : s, vmax = 0, tol;

  for (int i = 0; i < nv; i++)
    {
      sv[i] = abc[0] * xy[2 * i] + abc[1] * xy[2 * i + 1] + abc[2];
      vmax = MAX (vmax, fabs (sv[i]));
    }
  tol = line_tolerance (abc[0], abc[1], span, vmax);
  for (int i = 0; i < nv; i++)
    if (fabs (sv[i]) <= tol)
      sv[i] = 0;
  for (int k = 0; k < 2; k++)
    {
      double sign = k == 0 ? 1.0 : -1.0, *q = k == 0 ? pos : neg;
      int n = 0;
      for (int i = 0; i < nv; i++)
        {
          int j = (i + 1) % nv;
          double si = sign * sv[i], sj = sign * sv[j];
          if (si >= 0)
            {
              q[2 * n] = xy[2 * i];
              q[2 * n + 1] = xy[2 * i + 1];
              n++;
            }
          if ((si > 0 && sj < 0) || (si < 0 && sj > 0))
            {
              double t = si / (si - sj);
              q[2 * n] = xy[2 * i] + t * (xy[2 * j] - xy[2 * i]);
              q[2 * n + 1] = xy[2 * i + 1] + t * (xy[2 * j + 1] - xy[2 * i + 1]);
              n++;
            }
        }
      *(k == 0 ? npos : nneg) = n;
    }
  if (sv != s)
    g_free (sv);
}

/* after a layer's cuts: the piece's pattern bits and its map to the next layer, P (3, out)
 * scaled unit by unit by the activation's slope on the piece */
static void
finish_piece (Cutter *c, const double *xy, int nv)
{
  const GrokLayerView *layer = c->layer;
  const int out = layer->out, n_words = c->out->n_words;
  const GrokActivationInfo *act = grok_activation_info (layer->act);
  gboolean cuts = !grok_activation_is_affine (layer->act);
  const double *P = c->P;
  int end = g_array_index (c->out->start, int, c->out->n) + nv;
  guint64 *pattern;
  double *map, cx, cy;

  g_array_append_vals (c->out->xy, xy, 2 * nv);
  g_array_append_val (c->out->start, end);
  g_array_append_vals (c->out->pattern, c->pattern, n_words);
  pattern = &g_array_index (c->out->pattern, guint64, (gsize) c->out->n * n_words);
  g_array_set_size (c->out->maps, c->out->maps->len + 3 * out);
  map = &g_array_index (c->out->maps, double, (gsize) 3 * c->out->n * out);
  c->out->n++;

  polygon_centroid (xy, nv, &cx, &cy);
  for (int o = 0; o < out; o++)
    {
      gboolean active = P[o] * cx + P[out + o] * cy + P[2 * out + o] > 0;
      double slope = active ? act->slope_above : act->slope_below;
      if (cuts && active)
        pattern[(c->bit + o) / 64] |= G_GUINT64_CONSTANT (1) << ((c->bit + o) % 64);
      for (int k = 0; k < 3; k++)
        map[k * out + o] = slope * P[k * out + o];
    }
}

/* Each candidate unit's smallest and largest value at the piece's vertices (to c->lo[j] and
 * c->hi[j]), the units innermost so that the loop runs over contiguous arrays; the products are
 * split_polygon's, so a unit found to cut does cut. Returns the first candidate that cuts the
 * piece, or -1. */
static int
candidate_values (Cutter *c, const double *xy, int nv, const int *cand, int m)
{
  double *restrict A = c->abcv, *restrict B = A + c->units, *restrict C = B + c->units;
  double *restrict lo = c->lo, *restrict hi = c->hi;

  for (int j = 0; j < m; j++)
    {
      A[j] = c->P[cand[j]];
      B[j] = c->P[c->units + cand[j]];
      C[j] = c->P[2 * c->units + cand[j]];
      lo[j] = G_MAXDOUBLE;
      hi[j] = -G_MAXDOUBLE;
    }
  for (int i = 0; i < nv; i++)
    {
      double x = xy[2 * i], y = xy[2 * i + 1];
#pragma omp simd
      for (int j = 0; j < m; j++)
        {
          double v = A[j] * x + B[j] * y + C[j];
          lo[j] = v < lo[j] ? v : lo[j];
          hi[j] = v > hi[j] ? v : hi[j];
        }
    }
  for (int j = 0; j < m; j++)
    {
      double tol = line_tolerance (A[j], B[j], c->span, MAX (0, MAX (hi[j], -lo[j])));
      if (hi[j] > tol && lo[j] < -tol)
        return j;
    }
  return -1;
}

/* Cuts the piece of nv vertices at vert[off] by the candidate units cand[coff .. coff + m), in
 * unit order: the first that crosses it splits it, and each side goes on with the later
 * candidates that may cut it. Finished pieces go out depth first, the positive side first. */
static void
cut_piece (Cutter *c, gsize off, int nv, gsize coff, int m)
{
  const double *xy = &g_array_index (c->vert, double, off);
  const int *cand = &g_array_index (c->cand, int, coff);
  gsize off2, coff2;
  double abc[3];
  int first = -1, m2 = 0, npos, nneg;

  first = candidate_values (c, xy, nv, cand, m);
  if (first < 0)
    {
      if (c->out != NULL)
        finish_piece (c, xy, nv);
      c->count++;
      return;
    }

  coff2 = c->cand->len;
  for (int j = first + 1; j < m; j++)
    {
      int u = g_array_index (c->cand, int, coff + j);
      unit_line (c, u, abc);
      if (may_cut_pieces (c, abc, c->lo[j], c->hi[j]))
        {
          g_array_append_val (c->cand, u);
          m2++;
        }
    }
  /* a convex polygon cut by a line gives pieces of at most nv + 1 vertices; room for 2 nv keeps
   * this safe even if snapped vertices left a polygon non-convex by a rounding-sized amount */
  off2 = c->vert->len;
  g_array_set_size (c->vert, off2 + 8 * (gsize) nv);
  xy = &g_array_index (c->vert, double, off);
  unit_line (c, g_array_index (c->cand, int, coff + first), abc);
  split_polygon (xy, nv, abc, c->span, &g_array_index (c->vert, double, off2), &npos,
                 &g_array_index (c->vert, double, off2 + 4 * (gsize) nv), &nneg);
  cut_piece (c, off2, npos, coff2, m2);
  cut_piece (c, off2 + 4 * (gsize) nv, nneg, coff2, m2);
  g_array_set_size (c->vert, off2);
  g_array_set_size (c->cand, coff2);
}

/* The pre-activation maps of the polygons [p0, p0 + n) of set: block p of Q (3 n, out) is
 * (3, out) = map_p (3, in) W^T + e3 b^T, W in double. Blocks of a few polygons keep Q in cache;
 * each row of the product is the same dot products whatever the block. */
static void
preact_maps (const PolySet *set, int p0, int n, const GrokLayerView *layer, const double *W,
             double *Q)
{
  int in = layer->in, out = layer->out;

  g_assert (set->width == in);
  for (int p = 0; p < n; p++)
    {
      memset (Q + (gsize) 3 * p * out, 0, sizeof (double) * 2 * out);
      for (int o = 0; o < out; o++)
        Q[((gsize) 3 * p + 2) * out + o] = layer->bias[o];
    }
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 3 * n, out, in, 1.0,
               &g_array_index (set->maps, double, (gsize) 3 * p0 * in), in, W, in, 1.0, Q, out);
}

#define PREACT_BLOCK 64

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

gboolean
grok_regions_check_layers (const GrokLayerView *layers, int n_layers, gboolean piecewise, GError **error)
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

/* The partition runs depth first through the layers: the pieces a layer cuts wait in a small
 * set of their level until there are PREACT_BLOCK of them, then go through the next layer
 * before the following polygons are cut. The pieces come out in the order a breadth-first pass
 * would give them (nested by ancestor), and the sets stay small enough to live in cache. */
typedef struct
{
  const GrokLayerView *layers;
  int                  last;      /* the last layer applied */
  double               window[4];
  PolySet            **level;     /* (last): the pieces after layer l, waiting for layer l + 1 */
  PolySet             *final;     /* the pieces after the last layer, or NULL to count them */
  int                  count;
  double             **W;         /* (last + 1): each layer's weight in double */
  double             **Q;         /* (last + 1): pre-activation maps of a block of polygons */
  GArray              *vert, *cand;
  double              *lo, *hi;   /* (widest layer) */
  double              *abcv;      /* (3 widest layers) */
} Partition;

static void
feed (Partition *pt, int l, const PolySet *in)
{
  const GrokLayerView *layer = &pt->layers[l];
  const double *w = pt->window;
  PolySet *out = l == pt->last ? pt->final : pt->level[l];
  gboolean affine = grok_activation_is_affine (layer->act);
  int bit = 0;

  for (int k = 0; k < l; k++)
    if (!grok_activation_is_affine (pt->layers[k].act))
      bit += pt->layers[k].out;
  for (int i = 0; i < in->n; i++)
    {
      int nv = poly_set_nv (in, i);
      Cutter c = {
        .layer = layer, .units = layer->out, .bit = bit,
        .span = { w[2] - w[0], w[3] - w[1] },
        .mag = { MAX (fabs (w[0]), fabs (w[2])), MAX (fabs (w[1]), fabs (w[3])) },
        .pattern = &g_array_index (in->pattern, guint64, (gsize) i * in->n_words),
        .vert = pt->vert, .cand = pt->cand, .lo = pt->lo, .hi = pt->hi, .abcv = pt->abcv,
        .out = out,
      };
      if (i % PREACT_BLOCK == 0)
        preact_maps (in, i, MIN (PREACT_BLOCK, in->n - i), layer, pt->W[l], pt->Q[l]);
      c.P = pt->Q[l] + (gsize) 3 * (i % PREACT_BLOCK) * layer->out;
      g_array_set_size (pt->vert, 0);
      g_array_append_vals (pt->vert, poly_set_xy (in, i), 2 * nv);
      g_array_set_size (pt->cand, affine ? 0 : layer->out);
      for (int u = 0; u < (int) pt->cand->len; u++)
        g_array_index (pt->cand, int, u) = u;
      cut_piece (&c, 0, nv, 0, (int) pt->cand->len);
      if (l == pt->last)
        pt->count += c.count;
      if (l < pt->last && (out->n >= PREACT_BLOCK || i == in->n - 1))
        {
          feed (pt, l + 1, out);
          poly_set_clear (out);
        }
    }
}

/* The partition of the window by the layers [0, n_layers): the polygons with their maps to the
 * last layer's output, or with count non-NULL only their number (NULL is returned). Layers
 * after the last one that cuts are affine on every piece and are skipped when counting. */
static PolySet *
partition (const GrokLayerView *layers, int n_layers, const double window[4], int *count)
{
  int n_words = (grok_regions_pattern_units (layers, n_layers) + 63) / 64, widest = 2;
  g_autoptr (PolySet) start = poly_set_new (2, n_words);
  double xy[] = { window[0], window[1], window[2], window[1], window[2], window[3], window[0], window[3] };
  double id[] = { 1, 0, 0, 1, 0, 0 }; /* (3, 2): x -> unit 0, y -> unit 1, no constant */
  int four = 4;
  Partition pt = { .layers = layers, .last = n_layers - 1 };

  memcpy (pt.window, window, sizeof pt.window);
  g_array_append_vals (start->xy, xy, 8);
  g_array_append_val (start->start, four);
  g_array_set_size (start->pattern, start->n_words);
  memset (start->pattern->data, 0, sizeof (guint64) * start->n_words);
  g_array_append_vals (start->maps, id, 6);
  start->n = 1;
  if (count != NULL)
    {
      while (pt.last >= 0 && grok_activation_is_affine (layers[pt.last].act))
        pt.last--;
      if (pt.last < 0)
        {
          *count = 1;
          return NULL;
        }
    }
  else
    pt.final = poly_set_new (layers[pt.last].out, n_words);

  pt.level = g_new0 (PolySet *, pt.last + 1);
  pt.W = g_new0 (double *, pt.last + 1);
  pt.Q = g_new0 (double *, pt.last + 1);
  for (int l = 0; l <= pt.last; l++)
    {
      const GrokLayerView *L = &layers[l];
      if (l < pt.last)
        pt.level[l] = poly_set_new (L->out, n_words);
      pt.W[l] = g_new (double, (gsize) L->in * L->out);
      for (gsize i = 0; i < (gsize) L->in * L->out; i++)
        pt.W[l][i] = L->weight[i];
      pt.Q[l] = g_new (double, (gsize) 3 * PREACT_BLOCK * L->out);
      widest = MAX (widest, L->out);
    }
  pt.vert = g_array_new (FALSE, FALSE, sizeof (double));
  pt.cand = g_array_new (FALSE, FALSE, sizeof (int));
  pt.lo = g_new (double, widest);
  pt.hi = g_new (double, widest);
  pt.abcv = g_new (double, 3 * widest);

  feed (&pt, 0, start);

  for (int l = 0; l <= pt.last; l++)
    {
      g_clear_pointer (&pt.level[l], poly_set_free);
      g_free (pt.W[l]);
      g_free (pt.Q[l]);
    }
  g_free (pt.level);
  g_free (pt.W);
  g_free (pt.Q);
  g_array_unref (pt.vert);
  g_array_unref (pt.cand);
  g_free (pt.lo);
  g_free (pt.hi);
  g_free (pt.abcv);
  if (count != NULL)
    *count = pt.count;
  return pt.final;
}

GrokRegionMap *
grok_regions_exact (const GrokLayerView *layers, int n_layers, double x0, double y0, double x1,
                    double y1, GError **error)
{
  g_autoptr (PolySet) set = NULL;
  GrokRegionMap *map;
  double window[4] = { x0, y0, x1, y1 };
  int n_units;

  grok_blas_init ();
  g_return_val_if_fail (layers != NULL && n_layers > 0, NULL);
  g_return_val_if_fail (x1 > x0 && y1 > y0, NULL);
  if (!grok_regions_check_layers (layers, n_layers, TRUE, error))
    return NULL;

  n_units = grok_regions_pattern_units (layers, n_layers);
  set = partition (layers, n_layers, window, NULL);
  map = g_new0 (GrokRegionMap, 1);
  *map = (GrokRegionMap) { x0, y0, x1, y1, n_units, (n_units + 63) / 64,
                           layers[n_layers - 1].out, set->n, g_new0 (GrokRegion, set->n) };
  for (int i = 0; i < set->n; i++)
    {
      GrokRegion *r = &map->regions[i];
      const double *m = &g_array_index (set->maps, double, (gsize) 3 * i * map->n_out);
      r->n_vertices = poly_set_nv (set, i);
      r->xy = g_memdup2 (poly_set_xy (set, i), sizeof (double) * 2 * r->n_vertices);
      r->pattern = g_memdup2 (&g_array_index (set->pattern, guint64, (gsize) i * set->n_words),
                              sizeof (guint64) * set->n_words);
      r->logits = g_new (double, 3 * map->n_out);
      for (int k = 0; k < map->n_out; k++)
        for (int c = 0; c < 3; c++)
          r->logits[3 * k + c] = m[c * map->n_out + k];
      region_boundary (r, map->n_out, 1e-12 * (x1 - x0 + y1 - y0));
    }
  return map;
}

int
grok_regions_count (const GrokLayerView *layers, int n_layers, double x0, double y0, double x1,
                    double y1, GError **error)
{
  double window[4] = { x0, y0, x1, y1 };
  int count = 0;

  grok_blas_init ();
  g_return_val_if_fail (layers != NULL && n_layers > 0, -1);
  g_return_val_if_fail (x1 > x0 && y1 > y0, -1);
  if (!grok_regions_check_layers (layers, n_layers, TRUE, error))
    return -1;
  partition (layers, n_layers, window, &count);
  return count;
}
