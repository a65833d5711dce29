/* The activation table: every row complete, a value outside the enum refused loudly, the float
 * forms against the double forms, the derivatives against central differences of the double
 * forms out to |x| = 100, the vector loops against the scalar forms, and the linear pieces a row
 * declares against its derivative. Each check runs over every row, so a new activation is
 * checked as soon as its row exists. */
#include <math.h>
#include <string.h>

#include "grok-activation.h"
#include "grok-config.h"
#include "grok-rng.h"
#include "grok-vmath-avx512.h"

/* test points: a coarse grid over [-100, 100] (the far tails, where the exponentials inside the
 * smooth forms overflow), a fine one over [-6, 6] where they bend, and points next to 0 */
static double *
test_points (int *n)
{
  const double near_zero[] = { 0.0, 1e-7, -1e-7, 1e-3, -1e-3 };
  GArray *x = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i <= 2000; i++)
    {
      double v = -100.0 + 0.1 * i;
      g_array_append_val (x, v);
    }
  for (int i = 0; i <= 4000; i++)
    {
      double v = -6.0 + 0.003 * i;
      g_array_append_val (x, v);
    }
  g_array_append_vals (x, near_zero, G_N_ELEMENTS (near_zero));
  *n = x->len;
  return (double *) g_array_free (x, FALSE);
}

/* a float form against the double one: 8 float ulp of the value, and of x for the forms that lose
 * relative accuracy where 1 + tanh or 1 - tanh^2 cancels; a wrong constant or factor is off by
 * far more */
static void
assert_close_f (const char *what, const char *name, double x, double got, double want)
{
  double tol = 8 * FLT_EPSILON * (fabs (want) + 1 + fabs (x));

  if (!(fabs (got - want) <= tol))
    g_error ("%s of %s at x = %.9g: %.9g, the double form gives %.9g (tolerance %.3g)", what, name,
             x, got, want, tol);
}

static void
test_table_complete (void)
{
  for (int a = 0; a < GROK_N_ACTIVATIONS; a++)
    {
      const GrokActivationInfo *act = grok_activation_info (a);
      g_test_message ("row %d: %s", a, act->name);
      g_assert_nonnull (act->name);
      g_assert_cmpstr (act->name, !=, "");
      g_assert_nonnull (act->value_f);
      g_assert_nonnull (act->value_d);
      g_assert_nonnull (act->slope_f);
      g_assert_nonnull (act->slope_d);
      g_assert_nonnull (act->forward);
      g_assert_nonnull (act->backward);
      /* the AVX-512 loops come as a pair or not at all: the LMN uses both */
      g_assert_true ((act->bias_avx512 == NULL) == (act->mix_avx512 == NULL));
      g_assert_true ((act->bias_avx512 == NULL) == (act->columns_avx512 == NULL));
      g_assert_cmpstr (grok_activation_name (a), ==, act->name);
      /* the config key's allowed values are the table's names in enum order */
      g_assert_true (grok_activation_names[a] == act->name);
      for (int b = 0; b < a; b++)
        g_assert_cmpstr (grok_activation_info (b)->name, !=, act->name);
    }
  g_assert_null (grok_activation_names[GROK_N_ACTIVATIONS]);
  g_assert_true (grok_config_key_lookup ("model.activation")->choices ==
                 (const char * const *) grok_activation_names);
}

/* a value outside the enum stops the program with a message naming it, never a quiet linear */
static void
test_unknown_aborts (void)
{
  if (g_test_subprocess ())
    {
      grok_activation_info (GROK_N_ACTIVATIONS);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*activation 6 is outside GrokActivation (0 to 5)*");
}

static void
test_unknown_negative_aborts (void)
{
  if (g_test_subprocess ())
    {
      grok_activation_is_affine ((GrokActivation) -1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*activation -1 is outside GrokActivation (0 to 5)*");
}

static void
test_float_matches_double (gconstpointer data)
{
  const GrokActivationInfo *act = grok_activation_info (GPOINTER_TO_INT (data));
  int n;
  g_autofree double *x = test_points (&n);

  for (int i = 0; i < n; i++)
    {
      float xf = (float) x[i];
      assert_close_f ("value", act->name, xf, act->value_f (xf), act->value_d (xf));
      assert_close_f ("slope", act->name, xf, act->slope_f (xf), act->slope_d (xf));
    }
  /* every activation maps 0 to 0: the LMN pads layers with zero units that must stay 0 */
  g_assert_cmpfloat (act->value_d (0.0), ==, 0.0);
  g_assert_cmpfloat (act->value_f (0.0f), ==, 0.0f);
}

/* central differences of the double form with h = 1e-6 max (1, |x|): truncation error about
 * h^2 |f'''| / 6 and rounding about 1e-16 |f| / h, both below 1e-9 here; points within 2h of the
 * kink of a piecewise-linear form are left out */
static void
test_derivative (gconstpointer data)
{
  const GrokActivationInfo *act = grok_activation_info (GPOINTER_TO_INT (data));
  int n;
  g_autofree double *x = test_points (&n);

  for (int i = 0; i < n; i++)
    {
      double h = 1e-6 * MAX (1.0, fabs (x[i]));
      double fd, d;
      if (act->piecewise_linear && fabs (x[i]) < 2 * h)
        continue;
      fd = (act->value_d (x[i] + h) - act->value_d (x[i] - h)) / (2 * h);
      d = act->slope_d (x[i]);
      if (!(fabs (d - fd) <= 1e-7 * (1 + fabs (fd))))
        g_error ("derivative of %s at x = %.9g: %.12g, central differences give %.12g",
                 act->name, x[i], d, fd);
    }
}

/* the loops over every length 0 .. 40 (their vector bodies and tails) and over all the test
 * points: forward against the double form, in place exactly as out of place, backward against
 * d f' in double; nothing past n is written */
static void
check_loops (const GrokActivationInfo *act, const float *x, int n)
{
  g_autofree float *y = g_new (float, n + 1);
  g_autofree float *z = g_new (float, n + 1);
  g_autofree float *d = g_new (float, n + 1);

  y[n] = z[n] = d[n] = 12345.0f;
  memcpy (z, x, sizeof (float) * n);
  act->forward (y, x, n);
  act->forward (z, z, n);
  for (int i = 0; i < n; i++)
    d[i] = 0.25f + (float) (i % 7) / 4;
  act->backward (d, x, n);
  for (int i = 0; i < n; i++)
    {
      double scale = 0.25 + (double) (i % 7) / 4;
      assert_close_f ("forward loop", act->name, x[i], y[i], act->value_d (x[i]));
      g_assert_cmpmem (&z[i], sizeof (float), &y[i], sizeof (float));
      assert_close_f ("backward loop", act->name, x[i], d[i] / scale, act->slope_d (x[i]));
    }
  g_assert_cmpfloat (y[n], ==, 12345.0f);
  g_assert_cmpfloat (z[n], ==, 12345.0f);
  g_assert_cmpfloat (d[n], ==, 12345.0f);
}

static void
test_loops (gconstpointer data)
{
  const GrokActivationInfo *act = grok_activation_info (GPOINTER_TO_INT (data));
  int n;
  g_autofree double *xd = test_points (&n);
  g_autofree float *x = g_new (float, n);

  for (int i = 0; i < n; i++)
    x[i] = (float) xd[i];
  for (int len = 0; len <= 40; len++)
    check_loops (act, x + 1990, len);
  check_loops (act, x, n);
}

/* a piecewise-linear row: its derivative takes only the two slopes it declares (the left one at
 * the kink) and its value is that slope times x; a smooth row: its derivative is not constant on
 * either side */
static void
test_pieces (gconstpointer data)
{
  const GrokActivationInfo *act = grok_activation_info (GPOINTER_TO_INT (data));
  int n;
  g_autofree double *x = test_points (&n);

  if (!act->piecewise_linear)
    {
      g_assert_cmpfloat (act->slope_d (-1.0), !=, act->slope_d (-2.0));
      g_assert_cmpfloat (act->slope_d (1.0), !=, act->slope_d (2.0));
      g_assert_false (grok_activation_is_affine (GPOINTER_TO_INT (data)));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      double slope = x[i] > 0 ? act->slope_above : act->slope_below;
      g_assert_cmpfloat (act->slope_d (x[i]), ==, slope);
      g_assert_cmpfloat (act->slope_f ((float) x[i]), ==, (float) slope);
      g_assert_cmpfloat (fabs (act->value_d (x[i]) - slope * x[i]), <=, 1e-15 * fabs (x[i]));
    }
  g_assert_true (grok_activation_is_affine (GPOINTER_TO_INT (data)) ==
                 (act->slope_below == act->slope_above));
}

/* the optional AVX-512 loops against the double form: x + bias, and the mix of two rows */
static void
test_avx512_loops (void)
{
  enum { n = 1037 };
  GrokRng rng;
  float a[n], b[n], x[n], out[n];

  if (!grok_vmath_have_avx512 ())
    {
      g_test_skip ("this CPU has no AVX-512");
      return;
    }
  grok_rng_init (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      a[i] = (float) (20 * grok_rng_normal (&rng));
      b[i] = (float) (20 * grok_rng_normal (&rng));
    }
  for (int r = 0; r < GROK_N_ACTIVATIONS; r++)
    {
      const GrokActivationInfo *act = grok_activation_info (r);
      if (act->bias_avx512 == NULL)
        continue;
      memcpy (x, a, sizeof x);
      act->bias_avx512 (x, b, n);
      act->mix_avx512 (out, a, b, 0.3f, n);
      for (int i = 0; i < n; i++)
        {
          /* the inputs as the loops form them in float */
          float sum = a[i] + b[i], mix = fmaf (0.3f, b[i], (1.0f - 0.3f) * a[i]);
          assert_close_f ("AVX-512 bias loop", act->name, sum, x[i], act->value_d (sum));
          assert_close_f ("AVX-512 mix loop", act->name, mix, out[i], act->value_d (mix));
        }
    }
}

static void
add_per_row (const char *what, GTestDataFunc func)
{
  for (int a = 0; a < GROK_N_ACTIVATIONS; a++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/activation/%s/%s", what,
                                               grok_activation_name (a));
      g_test_add_data_func (path, GINT_TO_POINTER (a), func);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/activation/table-complete", test_table_complete);
  g_test_add_func ("/engine/activation/unknown-aborts", test_unknown_aborts);
  g_test_add_func ("/engine/activation/unknown-negative-aborts", test_unknown_negative_aborts);
  add_per_row ("float-matches-double", test_float_matches_double);
  add_per_row ("derivative", test_derivative);
  add_per_row ("loops", test_loops);
  add_per_row ("pieces", test_pieces);
  g_test_add_func ("/engine/activation/avx512-loops", test_avx512_loops);
  return g_test_run ();
}
