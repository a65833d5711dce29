/* The activation table; see grok-activation.h. The smooth activations' vector loops come from the
 * fast-math module (grok-vmath), the piecewise-linear ones' from their scalar forms here. */
#include "grok-activation.h"

#include <math.h>

#include "grok-vmath.h"
#include "grok-vmath-avx512.h"

#define LEAKY_RELU_SLOPE 0.01

static float  relu_f (float x) { return x > 0.0f ? x : 0.0f; }
static double relu_d (double x) { return x > 0.0 ? x : 0.0; }
static float  relu_slope_f (float x) { return x > 0.0f ? 1.0f : 0.0f; }
static double relu_slope_d (double x) { return x > 0.0 ? 1.0 : 0.0; }

/* the larger of x and 0.01 x, the same thing for a slope below 1: the compiler may not compute a
 * product that x > 0 ? x : 0.01 x would throw away (under -ftrapping-math it could raise an
 * exception), so only this form becomes vector code (measured on 51200 floats: 4 us, not 35) */
static float
leaky_relu_f (float x)
{
  float below = (float) LEAKY_RELU_SLOPE * x;
  return x > below ? x : below;
}

static double leaky_relu_d (double x) { return x > 0.0 ? x : LEAKY_RELU_SLOPE * x; }
static float  leaky_relu_slope_f (float x) { return x > 0.0f ? 1.0f : (float) LEAKY_RELU_SLOPE; }
static double leaky_relu_slope_d (double x) { return x > 0.0 ? 1.0 : LEAKY_RELU_SLOPE; }

static float  linear_f (float x) { return x; }
static double linear_d (double x) { return x; }
static float  linear_slope_f (float x) { return 1.0f; }
static double linear_slope_d (double x) { return 1.0; }

static float
gelu_f (float x)
{
  return 0.5f * x * (1.0f + tanhf ((float) GROK_GELU_C * (x + (float) GROK_GELU_A * x * x * x)));
}

static double
gelu_d (double x)
{
  return 0.5 * x * (1.0 + tanh (GROK_GELU_C * (x + GROK_GELU_A * x * x * x)));
}

static float
gelu_slope_f (float x)
{
  float t = tanhf ((float) GROK_GELU_C * (x + (float) GROK_GELU_A * x * x * x));
  float dt = (1.0f - t * t) * (float) GROK_GELU_C * (1.0f + 3.0f * (float) GROK_GELU_A * x * x);
  return 0.5f * (1.0f + t) + 0.5f * x * dt;
}

static double
gelu_slope_d (double x)
{
  double t = tanh (GROK_GELU_C * (x + GROK_GELU_A * x * x * x));
  double dt = (1.0 - t * t) * GROK_GELU_C * (1.0 + 3.0 * GROK_GELU_A * x * x);
  return 0.5 * (1.0 + t) + 0.5 * x * dt;
}

static float  silu_f (float x) { return x / (1.0f + expf (-x)); }
static double silu_d (double x) { return x / (1.0 + exp (-x)); }

static float
silu_slope_f (float x)
{
  float s = 1.0f / (1.0f + expf (-x));
  return s * (1.0f + x * (1.0f - s));
}

static double
silu_slope_d (double x)
{
  double s = 1.0 / (1.0 + exp (-x));
  return s * (1.0 + x * (1.0 - s));
}

static float  tanh_f (float x) { return tanhf (x); }
static double tanh_d (double x) { return tanh (x); }

static float
tanh_slope_f (float x)
{
  float t = tanhf (x);
  return 1.0f - t * t;
}

static double
tanh_slope_d (double x)
{
  double t = tanh (x);
  return 1.0 - t * t;
}

/* compiled per instruction set and picked at load time, as grok-kernels.c's loops (not under
 * the sanitizers, whose run-time is not ready when the loader picks): a compare and select, and
 * at most one multiply, give the same value at every width */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define PIECEWISE_CLONES __attribute__ ((target_clones ("avx512f", "arch=haswell", "default")))
#else
#define PIECEWISE_CLONES
#endif

/* the vector loops of a piecewise-linear activation from its scalar float forms: the compiler
 * turns their compare-and-select into vector code by itself */
#define PIECEWISE_LOOPS(f)                                                     \
  PIECEWISE_CLONES static void                                                 \
  f##_forward (float *out, const float *x, gsize n)                            \
  {                                                                            \
    _Pragma ("omp simd")                                                       \
    for (gsize i = 0; i < n; i++)                                              \
      out[i] = f##_f (x[i]);                                                   \
  }                                                                            \
  PIECEWISE_CLONES static void                                                 \
  f##_backward (float *restrict d, const float *restrict x, gsize n)           \
  {                                                                            \
    _Pragma ("omp simd")                                                       \
    for (gsize i = 0; i < n; i++)                                              \
      d[i] *= f##_slope_f (x[i]);                                              \
  }

PIECEWISE_LOOPS (relu)
PIECEWISE_LOOPS (leaky_relu)
PIECEWISE_LOOPS (linear)

#ifdef GROK_VMATH_AVX512
#define AVX512(loop) (loop)
#else
#define AVX512(loop) NULL
#endif

static const GrokActivationInfo table[] = {
  [GROK_ACT_RELU] = {
    .name = "relu",
    .value_f = relu_f, .value_d = relu_d, .slope_f = relu_slope_f, .slope_d = relu_slope_d,
    .forward = relu_forward, .backward = relu_backward,
    .piecewise_linear = TRUE, .slope_below = 0.0, .slope_above = 1.0,
  },
  [GROK_ACT_LEAKY_RELU] = {
    .name = "leaky_relu",
    .value_f = leaky_relu_f, .value_d = leaky_relu_d,
    .slope_f = leaky_relu_slope_f, .slope_d = leaky_relu_slope_d,
    .forward = leaky_relu_forward, .backward = leaky_relu_backward,
    .piecewise_linear = TRUE, .slope_below = LEAKY_RELU_SLOPE, .slope_above = 1.0,
  },
  [GROK_ACT_GELU] = {
    .name = "gelu",
    .value_f = gelu_f, .value_d = gelu_d, .slope_f = gelu_slope_f, .slope_d = gelu_slope_d,
    .forward = grok_vmath_gelu_forward, .backward = grok_vmath_gelu_backward,
  },
  [GROK_ACT_SILU] = {
    .name = "silu",
    .value_f = silu_f, .value_d = silu_d, .slope_f = silu_slope_f, .slope_d = silu_slope_d,
    .forward = grok_vmath_silu_forward, .backward = grok_vmath_silu_backward,
    .bias_avx512 = AVX512 (grok_vmath_silu_bias_avx512),
    .mix_avx512 = AVX512 (grok_vmath_silu_mix_avx512),
    .columns_avx512 = AVX512 (grok_vmath_silu_mix_columns_avx512),
  },
  [GROK_ACT_TANH] = {
    .name = "tanh",
    .value_f = tanh_f, .value_d = tanh_d, .slope_f = tanh_slope_f, .slope_d = tanh_slope_d,
    .forward = grok_vmath_tanh_forward, .backward = grok_vmath_tanh_backward,
  },
  [GROK_ACT_LINEAR] = {
    .name = "linear",
    .value_f = linear_f, .value_d = linear_d, .slope_f = linear_slope_f, .slope_d = linear_slope_d,
    .forward = linear_forward, .backward = linear_backward,
    .piecewise_linear = TRUE, .slope_below = 1.0, .slope_above = 1.0,
  },
};

/* a row left out at the end shortens the table; one left out in the middle is all zeros, which
 * grok_activation_info refuses and /engine/activation/table-complete reports */
G_STATIC_ASSERT (G_N_ELEMENTS (table) == GROK_N_ACTIVATIONS);

const char *grok_activation_names[GROK_N_ACTIVATIONS + 1];

/* the config key table is a constant array that points at grok_activation_names, so the names
 * must be in place before anything reads it: before main */
__attribute__ ((constructor)) static void
fill_names (void)
{
  for (int a = 0; a < GROK_N_ACTIVATIONS; a++)
    grok_activation_names[a] = table[a].name;
  grok_activation_names[GROK_N_ACTIVATIONS] = NULL;
}

const GrokActivationInfo *
grok_activation_info (GrokActivation act)
{
  if G_UNLIKELY ((guint) act >= GROK_N_ACTIVATIONS)
    g_error ("activation %d is outside GrokActivation (0 to %d)", (int) act,
             GROK_N_ACTIVATIONS - 1);
  if G_UNLIKELY (table[act].name == NULL)
    g_error ("activation %d has no row in the activation table", (int) act);
  return &table[act];
}

const char *
grok_activation_name (GrokActivation act)
{
  return grok_activation_info (act)->name;
}

gboolean
grok_activation_is_affine (GrokActivation act)
{
  const GrokActivationInfo *info = grok_activation_info (act);
  return info->piecewise_linear && info->slope_below == info->slope_above;
}
