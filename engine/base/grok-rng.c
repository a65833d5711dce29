/* xoshiro256** (Blackman and Vigna) with splitmix64 seeding: fast, portable and reproducible. */
#include "grok-rng.h"

#include <math.h>

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
grok_rng_init (GrokRng *rng, guint64 seed)
{
  guint64 x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
  rng->has_spare = FALSE;
  rng->spare_normal = 0.0;
}

void
grok_rng_init_stream (GrokRng *rng, guint64 seed, guint64 stream)
{
  guint64 x = stream * 0xd1b54a32d192ed03ULL;
  grok_rng_init (rng, seed ^ splitmix64 (&x));
}

guint64
grok_rng_next (GrokRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
grok_rng_uniform (GrokRng *rng)
{
  return (grok_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
grok_rng_normal (GrokRng *rng)
{
  double u, v, s;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare_normal;
    }
  do
    {
      u = 2.0 * grok_rng_uniform (rng) - 1.0;
      v = 2.0 * grok_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  s = sqrt (-2.0 * log (s) / s);
  rng->spare_normal = v * s;
  rng->has_spare = TRUE;
  return u * s;
}

double
grok_rng_truncated_normal (GrokRng *rng)
{
  /* std of a unit normal truncated to [-2, 2]: rescale so the result has unit variance */
  const double trunc_std = 0.87962566103423978;
  double z;

  do
    z = grok_rng_normal (rng);
  while (z < -2.0 || z > 2.0);
  return z / trunc_std;
}

guint64
grok_rng_below (GrokRng *rng, guint64 n)
{
  guint64 limit, r;

  g_return_val_if_fail (n > 0, 0);
  limit = G_MAXUINT64 - G_MAXUINT64 % n;
  do
    r = grok_rng_next (rng);
  while (r >= limit);
  return r % n;
}

void
grok_rng_shuffle_int (GrokRng *rng, int *a, gsize n)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = grok_rng_below (rng, i);
      int t = a[i - 1];
      a[i - 1] = a[j];
      a[j] = t;
    }
}
