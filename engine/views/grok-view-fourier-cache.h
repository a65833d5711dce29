/* What the Fourier view has computed of stored checkpoints, kept so that asking again for the
 * view of the same run folder redoes only what changed: per checkpoint its norm_k vectors and,
 * per key set, its restricted and excluded loss. A checkpoint is known by an id its reader
 * gives (run/ makes it from the file's step, size, times and inode, and the run's settings), so
 * that a file replaced on disk is a new one. Every call may come from any thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GrokFourierCache GrokFourierCache;

/* at most this many checkpoints are held, and norms of at most this many bytes in all; one
 * more empties the cache first (a run's folder keeps far fewer checkpoints) */
#define GROK_FOURIER_CACHE_MAX_ENTRIES 4096
#define GROK_FOURIER_CACHE_MAX_BYTES   (32 << 20)
/* at most this many key sets per checkpoint; one more drops the oldest */
#define GROK_FOURIER_CACHE_MAX_KEY_SETS 8

GrokFourierCache *grok_fourier_cache_new        (void);
void              grok_fourier_cache_free       (GrokFourierCache *cache);
/* TRUE with the n_freq norms of each matrix copied out when id's are held */
gboolean          grok_fourier_cache_get_norms  (GrokFourierCache *cache, const char *id,
                                                 int n_freq, double *embedding,
                                                 double *unembedding);
void              grok_fourier_cache_put_norms  (GrokFourierCache *cache, const char *id,
                                                 int n_freq, const double *embedding,
                                                 const double *unembedding);
/* TRUE with id's losses for the key set keys (n_keys, in that order) when they are held */
gboolean          grok_fourier_cache_get_losses (GrokFourierCache *cache, const char *id,
                                                 const int *keys, int n_keys,
                                                 double *restricted, double *excluded);
void              grok_fourier_cache_put_losses (GrokFourierCache *cache, const char *id,
                                                 const int *keys, int n_keys,
                                                 double restricted, double excluded);
/* how many get_norms and get_losses calls were answered from the cache, and how many not */
void              grok_fourier_cache_get_counts (GrokFourierCache *cache, guint *hits,
                                                 guint *misses);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokFourierCache, grok_fourier_cache_free)

G_END_DECLS
