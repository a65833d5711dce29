/* The activations: one table row per activation with everything the engine knows about it (its
 * name in configs, its scalar forms and derivatives in float and double, its vector loops, its
 * linear pieces). Kernels, measures and the config keys all ask this table; none of them switch
 * on an activation. Adding one is the enum line below, its row in grok-activation.c, its vector
 * loops and its tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GROK_ACT_RELU, GROK_ACT_LEAKY_RELU, GROK_ACT_GELU, GROK_ACT_SILU, GROK_ACT_TANH, GROK_ACT_LINEAR,
  GROK_N_ACTIVATIONS
} GrokActivation;

/* out (n) = f (x (n)); out may equal x (the LMN activates in place) */
typedef void (*GrokActivationForward)  (float *out, const float *x, gsize n);
/* d (n) *= f' (x (n)); d must not overlap x */
typedef void (*GrokActivationBackward) (float *d, const float *x, gsize n);
/* x (n) = f (x + bias (n)) in place; bias may be NULL */
typedef void (*GrokActivationBiasLoop) (float *x, const float *bias, gsize n);
/* out (n) = f ((1 - lam) a (n) + lam b (n)): a point of a segment, activated as it is made */
typedef void (*GrokActivationMixLoop)  (float *out, const float *a, const float *b, float lam,
                                        gsize n);
/* the points of count segments unit-major, activated as they are made: see
 * grok_vmath_mix_columns_avx512 */
typedef void (*GrokActivationColumnsLoop) (float *out, gsize ld, const float *z, const float *zt,
                                           gsize n_points, gsize n, const int *i, const int *j,
                                           int count, const float *lam, int n_lam);

/* Every activation maps 0 to 0 (the LMN pads layers with zero units, which must stay 0) and is
 * read as "on" where its input is > 0 (activation patterns); the derivative at a kink is the
 * slope of the piece on its left. Every row sets every field but the slopes of the pieces, which
 * only piecewise-linear rows have, and the optional AVX-512 loops. */
typedef struct
{
  const char            *name;            /* in configs, file names and messages */
  float                (*value_f)  (float x);
  double               (*value_d)  (double x);
  float                (*slope_f)  (float x);
  double               (*slope_d)  (double x);
  GrokActivationForward  forward;         /* the vector loops: fast math where it pays */
  GrokActivationBackward backward;
  gboolean               piecewise_linear; /* one linear piece on x <= 0 and one on x > 0 */
  double                 slope_below;      /* piecewise linear: the slope on x <= 0 */
  double                 slope_above;      /* and on x > 0 */
  /* optional hand-written AVX-512 loops for the LMN's hot loop; call them only when
   * grok_vmath_have_avx512 () */
  GrokActivationBiasLoop bias_avx512;
  GrokActivationMixLoop  mix_avx512;
  GrokActivationColumnsLoop columns_avx512;
} GrokActivationInfo;

/* the row of act; aborts with a message on a value outside the enum */
const GrokActivationInfo *grok_activation_info (GrokActivation act);

const char *grok_activation_name   (GrokActivation act);
/* TRUE when act is one affine map on the whole line (linear): its units bend nothing, so they
 * cut no regions and carry no pattern bits */
gboolean    grok_activation_is_affine (GrokActivation act);

/* the names in enum order, NULL-terminated: the allowed values of model.activation */
extern const char *grok_activation_names[GROK_N_ACTIVATIONS + 1];

G_END_DECLS
