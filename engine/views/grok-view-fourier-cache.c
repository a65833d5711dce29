/* The Fourier view's norms and losses of stored checkpoints, kept between requests. */
#include "grok-view-fourier-cache.h"

#include <string.h>

#include "grok-fourier.h"

typedef struct
{
  int    n_keys;
  int    keys[GROK_FOURIER_KEYS];
  double restricted, excluded;
} KeyedLosses;

typedef struct
{
  int     n_freq;       /* 0 until the norms are put */
  double *norms;        /* (2, n_freq): the embedding's, then the unembedding's */
  GArray *losses;       /* KeyedLosses, oldest first */
} Entry;

struct _GrokFourierCache
{
  GMutex      lock;
  GHashTable *entries;  /* char *id -> Entry * */
  gsize       bytes;    /* of the norms held */
  guint       hits, misses;
};

static void
entry_free (Entry *e)
{
  g_free (e->norms);
  g_array_unref (e->losses);
  g_free (e);
}

GrokFourierCache *
grok_fourier_cache_new (void)
{
  GrokFourierCache *cache = g_new0 (GrokFourierCache, 1);

  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) entry_free);
  return cache;
}

void
grok_fourier_cache_free (GrokFourierCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

/* id's entry, made when missing (with the lock held) */
static Entry *
entry_for (GrokFourierCache *cache, const char *id)
{
  Entry *e = g_hash_table_lookup (cache->entries, id);

  if (e != NULL)
    return e;
  if (g_hash_table_size (cache->entries) >= GROK_FOURIER_CACHE_MAX_ENTRIES)
    {
      g_hash_table_remove_all (cache->entries);
      cache->bytes = 0;
    }
  e = g_new0 (Entry, 1);
  e->losses = g_array_new (FALSE, FALSE, sizeof (KeyedLosses));
  g_hash_table_insert (cache->entries, g_strdup (id), e);
  return e;
}

static gboolean
count (GrokFourierCache *cache, gboolean hit)
{
  if (hit)
    cache->hits++;
  else
    cache->misses++;
  return hit;
}

gboolean
grok_fourier_cache_get_norms (GrokFourierCache *cache, const char *id, int n_freq,
                              double *embedding, double *unembedding)
{
  g_autoptr (GMutexLocker) locker = NULL;
  Entry *e;

  g_return_val_if_fail (cache != NULL && id != NULL && n_freq > 0, FALSE);
  locker = g_mutex_locker_new (&cache->lock);
  e = g_hash_table_lookup (cache->entries, id);
  if (e == NULL || e->n_freq != n_freq)
    return count (cache, FALSE);
  memcpy (embedding, e->norms, n_freq * sizeof (double));
  memcpy (unembedding, e->norms + n_freq, n_freq * sizeof (double));
  return count (cache, TRUE);
}

void
grok_fourier_cache_put_norms (GrokFourierCache *cache, const char *id, int n_freq,
                              const double *embedding, const double *unembedding)
{
  g_autoptr (GMutexLocker) locker = NULL;
  gsize size = 2 * (gsize) n_freq * sizeof (double);
  Entry *e;

  g_return_if_fail (cache != NULL && id != NULL && n_freq > 0);
  locker = g_mutex_locker_new (&cache->lock);
  if (cache->bytes + size > GROK_FOURIER_CACHE_MAX_BYTES)
    {
      g_hash_table_remove_all (cache->entries);
      cache->bytes = 0;
    }
  e = entry_for (cache, id);
  cache->bytes -= e->n_freq * 2 * sizeof (double);
  cache->bytes += size;
  g_free (e->norms);
  e->norms = g_new (double, 2 * (gsize) n_freq);
  e->n_freq = n_freq;
  memcpy (e->norms, embedding, n_freq * sizeof (double));
  memcpy (e->norms + n_freq, unembedding, n_freq * sizeof (double));
}

static gboolean
same_keys (const KeyedLosses *l, const int *keys, int n_keys)
{
  return l->n_keys == n_keys && memcmp (l->keys, keys, n_keys * sizeof (int)) == 0;
}

gboolean
grok_fourier_cache_get_losses (GrokFourierCache *cache, const char *id, const int *keys,
                               int n_keys, double *restricted, double *excluded)
{
  g_autoptr (GMutexLocker) locker = NULL;
  Entry *e;

  g_return_val_if_fail (cache != NULL && id != NULL, FALSE);
  g_return_val_if_fail (n_keys >= 0 && n_keys <= GROK_FOURIER_KEYS, FALSE);
  locker = g_mutex_locker_new (&cache->lock);
  e = g_hash_table_lookup (cache->entries, id);
  for (guint i = 0; e != NULL && i < e->losses->len; i++)
    {
      const KeyedLosses *l = &g_array_index (e->losses, KeyedLosses, i);
      if (same_keys (l, keys, n_keys))
        {
          *restricted = l->restricted;
          *excluded = l->excluded;
          return count (cache, TRUE);
        }
    }
  return count (cache, FALSE);
}

void
grok_fourier_cache_put_losses (GrokFourierCache *cache, const char *id, const int *keys,
                               int n_keys, double restricted, double excluded)
{
  g_autoptr (GMutexLocker) locker = NULL;
  KeyedLosses l = { .n_keys = n_keys, .restricted = restricted, .excluded = excluded };
  Entry *e;

  g_return_if_fail (cache != NULL && id != NULL);
  g_return_if_fail (n_keys >= 0 && n_keys <= GROK_FOURIER_KEYS);
  memcpy (l.keys, keys, n_keys * sizeof (int));
  locker = g_mutex_locker_new (&cache->lock);
  e = entry_for (cache, id);
  for (guint i = 0; i < e->losses->len; i++)
    if (same_keys (&g_array_index (e->losses, KeyedLosses, i), keys, n_keys))
      {
        g_array_index (e->losses, KeyedLosses, i) = l;
        return;
      }
  if (e->losses->len >= GROK_FOURIER_CACHE_MAX_KEY_SETS)
    g_array_remove_index (e->losses, 0);
  g_array_append_val (e->losses, l);
}

void
grok_fourier_cache_get_counts (GrokFourierCache *cache, guint *hits, guint *misses)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_if_fail (cache != NULL);
  locker = g_mutex_locker_new (&cache->lock);
  if (hits != NULL)
    *hits = cache->hits;
  if (misses != NULL)
    *misses = cache->misses;
}
