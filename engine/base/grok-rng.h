/* A small, portable, seeded random number generator (xoshiro256** seeded through splitmix64).
 * Every random draw in the engine goes through it so that a config and a seed give the same
 * numbers on every machine. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
  double  spare_normal;
  gboolean has_spare;
} GrokRng;

void    grok_rng_init         (GrokRng *rng, guint64 seed);
/* derive an independent stream: the same (seed, stream) always gives the same generator */
void    grok_rng_init_stream  (GrokRng *rng, guint64 seed, guint64 stream);
guint64 grok_rng_next         (GrokRng *rng);
/* uniform in [0, 1) with 53 random bits */
double  grok_rng_uniform     (GrokRng *rng);
/* standard normal (Box-Muller, polar form) */
double  grok_rng_normal      (GrokRng *rng);
/* normal truncated at +-2 standard deviations, then rescaled to unit variance (Flax's LeCun normal) */
double  grok_rng_truncated_normal (GrokRng *rng);
/* uniform integer in [0, n), without modulo bias */
guint64 grok_rng_below        (GrokRng *rng, guint64 n);
/* Fisher-Yates shuffle of n ints */
void    grok_rng_shuffle_int  (GrokRng *rng, int *a, gsize n);

G_END_DECLS
