/* Writes every figure, from synthetic data, as PNG, SVG and PDF into a folder: for looking at
 * them (the tests check pixels; a person checks that they read well).
 * Usage: figure-gallery OUTDIR */
#include "grok-export.h"
#include "grok-figure-curves.h"
#include "grok-figure-heatmap.h"
#include "grok-figure-spectrum.h"
#include "figure-synthetic.h"
#include "figure-test-main.h"

#include <stdio.h>

typedef struct
{
  GrokFigureStyle style;
  const GrokMetrics * const *runs;
  guint n_runs;
  GrokCurvesOptions options;
  cairo_surface_t *heatmap;
  double limit;
} Gallery;

static void
draw_curves (cairo_t *cr, double w, double h, gpointer data)
{
  Gallery *g = data;
  grok_figure_curves_draw_runs (cr, w, h, g->runs, g->n_runs, &g->options, &g->style, NULL, 0);
}

static void
draw_heatmap (cairo_t *cr, double w, double h, gpointer data)
{
  Gallery *g = data;
  grok_figure_heatmap_draw (cr, 0, 0, w, h, g->heatmap, g->limit, "layers.0.weight", "weight", &g->style, NULL);
}

static void
draw_spectrum (cairo_t *cr, double w, double h, gpointer data)
{
  Gallery *g = data;
  static double sv[4][64];
  const char *labels[4] = { "step 100  H=3.95  eff.rank=51.9", "step 1000  H=3.61  eff.rank=37.0",
                            "step 10000  H=2.40  eff.rank=11.0", "step 100000  H=1.52  eff.rank=4.6" };
  GrokSpectrum spectra[4];
  for (int c = 0; c < 4; c++)
    {
      for (int i = 0; i < 64; i++)
        sv[c][i] = 3.0 * exp (-i * (0.02 + 0.09 * c)) + 1e-3 * (64 - i);
      spectra[c] = (GrokSpectrum) { sv[c], 64, labels[c] };
    }
  grok_figure_spectrum_draw (cr, 0, 0, w, h, spectra, 4, "blocks.0.mlp.fc1.weight", &g->style, NULL);
}

static void
export_all (const char *dir, const char *name, GrokFigureDrawFunc draw, Gallery *g,
            double w_in, double h_in)
{
  const char *pairs[] = { "Run", "synthetic", "Step", "100000", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_build_filename (dir, name, NULL);
  g_autofree char *png = g_strconcat (base, ".png", NULL);
  g_autofree char *png96 = g_strconcat (base, "-screen.png", NULL);
  g_autofree char *svg = g_strconcat (base, ".svg", NULL);
  g_autofree char *pdf = g_strconcat (base, ".pdf", NULL);

  if (!grok_export_png (png, (int) (w_in * 300), (int) (h_in * 300), 300, draw, g, pairs, &error)
      || !grok_export_png (png96, (int) (w_in * 96), (int) (h_in * 96), 96, draw, g, pairs, &error)
      || !grok_export_svg (svg, w_in, h_in, draw, g, &error)
      || !grok_export_pdf (pdf, w_in, h_in, draw, g, name, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      exit (1);
    }
}

int
main (int argc, char **argv)
{
  Gallery g = { 0 };
  g_autoptr (GrokMetrics) a = grok_synthetic_metrics (200, 0.0);
  g_autoptr (GrokMetrics) b = grok_synthetic_metrics (200, 0.15);
  g_autoptr (GrokMetrics) c = grok_synthetic_metrics (200, -0.1);
  const GrokMetrics *runs[3] = { a, b, c };
  const char *extra[] = { "l2_norm", NULL };
  float w[48 * 32];

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  grok_figure_style_init (&g.style, GROK_SCHEME_PRINT);
  grok_curves_options_init (&g.options);
  g.options.log_x = TRUE;
  g.runs = runs;
  g.n_runs = 1;
  export_all (argv[1], "curves", draw_curves, &g, 7, 2.8);
  g.n_runs = 3;
  g.options.extra_columns = extra;
  export_all (argv[1], "curves-runs", draw_curves, &g, 7, 5);
  g.options.log_x = FALSE;
  g.n_runs = 1;
  g.options.extra_columns = NULL;
  g.style.scheme = GROK_SCHEME_DARK;
  export_all (argv[1], "curves-dark-linear", draw_curves, &g, 7, 2.8);
  g.style.scheme = GROK_SCHEME_PRINT;
  for (int r = 0; r < 48; r++)
    for (int k = 0; k < 32; k++)
      w[r * 32 + k] = (float) (0.3 * sin (r * 0.4) * cos (k * 0.3) + 0.05 * ((r * 7 + k * 3) % 11 - 5) / 5.0);
  g.heatmap = grok_heatmap_surface_new (w, 48, 32, 0, &g.limit);
  export_all (argv[1], "heatmap", draw_heatmap, &g, 4, 4);
  cairo_surface_destroy (g.heatmap);
  {
    /* the shape of blocks.0.mlp.fc1.weight: 512 rows of 128 */
    g_autofree float *tall = g_new (float, 512 * 128);
    for (int r = 0; r < 512; r++)
      for (int k = 0; k < 128; k++)
        tall[r * 128 + k] = (float) (0.08 * sin (r * 0.05 + k * 0.11) * exp (-k / 60.0) - 0.01 * (r % 3));
    g.heatmap = grok_heatmap_surface_new (tall, 512, 128, 0, &g.limit);
    export_all (argv[1], "heatmap-tall", draw_heatmap, &g, 4, 4);
  }
  {
    static const char * const columns[] = { "step", "train_loss", "test_loss", "train_acc", "test_acc", NULL };
    g_autoptr (GrokMetrics) empty = grok_metrics_new (columns);
    const GrokMetrics *none[1] = { empty };
    g.runs = none;
    export_all (argv[1], "curves-empty", draw_curves, &g, 7, 2.8);
  }
  export_all (argv[1], "spectrum", draw_spectrum, &g, 4.5, 3.2);
  cairo_surface_destroy (g.heatmap);
  return grok_figure_test_finish (0);
}
