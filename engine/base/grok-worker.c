#include "grok-worker.h"

typedef struct
{
  GThread      *thread;
  GrokWorkFunc  work;
  GrokWorkDone  done;
  GObject      *owner;
  gpointer      data;
  GMainContext *context;
} GrokWorker;

static gboolean
deliver (gpointer user_data)
{
  GrokWorker *w = user_data;

  g_thread_join (w->thread);
  if (w->done != NULL)
    w->done (w->owner, w->data);
  g_clear_object (&w->owner);
  g_main_context_unref (w->context);
  g_free (w);
  return G_SOURCE_REMOVE;
}

static gpointer
run (gpointer user_data)
{
  GrokWorker *w = user_data;
  g_autoptr (GSource) source = g_idle_source_new ();

  w->work (w->data);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, w, NULL);
  g_source_attach (source, w->context);
  return NULL;
}

void
grok_worker_start (const char *name, GrokWorkFunc work, GrokWorkDone done, GObject *owner,
                   gpointer data)
{
  GrokWorker *w = g_new0 (GrokWorker, 1);

  g_return_if_fail (work != NULL);
  w->work = work;
  w->done = done;
  w->owner = owner != NULL ? g_object_ref (owner) : NULL;
  w->data = data;
  w->context = g_main_context_ref_thread_default ();
  w->thread = g_thread_new (name, run, w);
}
