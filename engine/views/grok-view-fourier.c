/* The Fourier view's data: frequency norms at the step shown and at every stored checkpoint. */
#include "grok-view-fourier.h"

#include <math.h>
#include <string.h>

#include "grok-error.h"
#include "grok-team.h"

static const char * const matrix_names[GROK_FOURIER_N_MATRICES] = {
  [GROK_FOURIER_EMBEDDING] = "embedding",
  [GROK_FOURIER_UNEMBEDDING] = "unembedding",
};

const char *
grok_fourier_matrix_name (GrokFourierMatrix matrix)
{
  g_return_val_if_fail (matrix < GROK_FOURIER_N_MATRICES, "unknown");
  return matrix_names[matrix];
}

void
grok_fourier_data_free (GrokFourierData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->steps, g_array_unref);
  for (guint m = 0; m < GROK_FOURIER_N_MATRICES; m++)
    g_free (data->norms[m]);
  g_free (data->restricted);
  g_free (data->excluded);
  g_free (data->test_loss);
  g_free (data);
}

static int
compare_steps (gconstpointer a, gconstpointer b)
{
  const GrokFourierStep *x = a, *y = b;

  return (x->step > y->step) - (x->step < y->step);
}

/* The restricted and excluded losses of the steps not in the cache: a forward pass over every
 * pair each, independent of the others, so they are shared over the pool (as a background
 * team: in the app they give way to training). Each step's numbers are those of one thread. */
typedef struct
{
  const GrokMeasureSettings *settings;
  const GrokFourierStep     *steps;
  const guint               *todo;    /* indices into steps */
  const int                 *keys;
  int                        n_keys;
  double                    *restricted, *excluded;
  GError                   **errors;  /* one per todo entry */
} LossesJob;

static void
losses_task (gpointer data, int task, int member)
{
  LossesJob *job = data;
  guint i = job->todo[task];

  grok_measure_fourier_losses (job->settings, job->steps[i].params, job->keys, job->n_keys,
                               &job->restricted[i], &job->excluded[i], &job->errors[task]);
}

static gboolean
fourier_losses (GrokFourierData *data, const GrokMeasureSettings *settings, const GArray *all,
                GrokFourierCache *cache, GError **error)
{
  g_autoptr (GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree GError **errors = NULL;
  LossesJob job;
  gboolean ok = TRUE;

  for (guint i = 0; i < all->len; i++)
    {
      const GrokFourierStep *s = &g_array_index (all, GrokFourierStep, i);

      data->test_loss[i] = s->test_loss;
      if (cache == NULL || s->id == NULL ||
          !grok_fourier_cache_get_losses (cache, s->id, data->progress_keys,
                                          data->n_progress_keys, &data->restricted[i],
                                          &data->excluded[i]))
        g_array_append_val (todo, i);
    }
  errors = g_new0 (GError *, MAX (todo->len, 1));
  job = (LossesJob) { settings, (const GrokFourierStep *) all->data, (const guint *) todo->data,
                      data->progress_keys, data->n_progress_keys, data->restricted,
                      data->excluded, errors };
  if (todo->len > 0)
    {
      GrokTeam *team = grok_team_new_background ((int) g_get_num_processors ());

      grok_team_run (team, (int) todo->len, losses_task, &job);
      grok_team_free (team);
    }
  /* the first failure in step order is the one reported, whichever thread met it first */
  for (guint t = 0; t < todo->len; t++)
    {
      guint i = g_array_index (todo, guint, t);
      const GrokFourierStep *s = &g_array_index (all, GrokFourierStep, i);

      if (errors[t] != NULL)
        {
          if (ok)
            g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "step %" G_GINT64_FORMAT ": %s",
                         s->step, errors[t]->message);
          ok = FALSE;
          g_clear_error (&errors[t]);
        }
      else if (ok && cache != NULL && s->id != NULL)
        grok_fourier_cache_put_losses (cache, s->id, data->progress_keys,
                                       data->n_progress_keys, data->restricted[i],
                                       data->excluded[i]);
    }
  return ok;
}

GrokFourierData *
grok_fourier_data_new (const GrokMeasureSettings *settings, const GrokFourierStep *shown,
                       const GrokFourierStep *others, guint n_others, gint64 budget,
                       GrokFourierCache *cache, GError **error)
{
  g_autoptr (GrokFourierData) data = g_new0 (GrokFourierData, 1);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (GrokFourierStep));
  const GrokModelSettings *model;
  const double *newest;
  gint64 step;
  guint last;
  int p;

  g_return_val_if_fail (settings != NULL && shown != NULL && shown->params != NULL, NULL);
  model = &settings->model;
  p = (int) settings->task.p;
  step = shown->step;
  g_return_val_if_fail (p > 1, NULL);
  g_array_append_val (all, *shown);
  for (guint i = 0; i < n_others; i++)
    if (others[i].step != step)
      g_array_append_val (all, others[i]);
  g_array_sort (all, compare_steps);
  data->p = p;
  data->n_freq = grok_fourier_n_freq (p);
  data->step = step;
  data->steps = g_array_sized_new (FALSE, FALSE, sizeof (gint64), all->len);
  for (guint m = 0; m < GROK_FOURIER_N_MATRICES; m++)
    data->norms[m] = g_new (double, (gsize) all->len * data->n_freq);
  for (guint i = 0; i < all->len; i++)
    {
      const GrokFourierStep *s = &g_array_index (all, GrokFourierStep, i);
      g_autoptr (GrokFourierNorms) norms = NULL;
      g_autoptr (GError) local = NULL;
      double *embedding = data->norms[GROK_FOURIER_EMBEDDING] + (gsize) i * data->n_freq;
      double *unembedding = data->norms[GROK_FOURIER_UNEMBEDDING] + (gsize) i * data->n_freq;

      if (s->step == step)
        data->shown = i;
      g_array_append_val (data->steps, s->step);
      /* only norms that were computed are held: a step held is finite */
      if (cache != NULL && s->id != NULL &&
          grok_fourier_cache_get_norms (cache, s->id, data->n_freq, embedding, unembedding))
        continue;
      if (grok_params_non_finite (s->params) != NULL)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_DIVERGED,
                       "the Fourier view is not defined at step %" G_GINT64_FORMAT ": tensor "
                       "'%s' holds a value that is not finite", s->step,
                       grok_params_non_finite (s->params));
          return NULL;
        }
      norms = grok_fourier_norms_from_params (model, s->params, p, &local);
      if (norms == NULL)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CORRUPT, "step %" G_GINT64_FORMAT ": %s",
                       s->step, local->message);
          return NULL;
        }
      memcpy (embedding, norms->embedding, data->n_freq * sizeof (double));
      memcpy (unembedding, norms->unembedding, data->n_freq * sizeof (double));
      if (cache != NULL && s->id != NULL)
        grok_fourier_cache_put_norms (cache, s->id, data->n_freq, embedding, unembedding);
    }
  for (guint m = 0; m < GROK_FOURIER_N_MATRICES; m++)
    data->n_keys[m] = grok_fourier_key_frequencies (grok_fourier_data_norms (data, m, data->shown),
                                                    data->n_freq, GROK_FOURIER_KEYS,
                                                    data->keys[m]);

  /* one key set for every step: the newest step's, which is the final checkpoint's when the
   * run has reached its budget */
  last = all->len - 1;
  data->progress_step = g_array_index (data->steps, gint64, last);
  data->progress_final = budget > 0 && data->progress_step >= budget;
  newest = grok_fourier_data_norms (data, GROK_FOURIER_EMBEDDING, last);
  data->n_progress_keys = grok_fourier_key_frequencies (newest, data->n_freq, GROK_FOURIER_KEYS,
                                                        data->progress_keys);
  data->restricted = g_new (double, all->len);
  data->excluded = g_new (double, all->len);
  data->test_loss = g_new (double, all->len);
  if (!fourier_losses (data, settings, all, cache, error))
    return NULL;
  return g_steal_pointer (&data);
}
