/* One piece of work on a thread of its own, with its end delivered to the thread that started
 * it. The thread is joined before the end is delivered, so everything the work wrote is ordered
 * before the callback reads it by the join itself: no queue or lock of GLib's stands between
 * them, and ThreadSanitizer sees the order. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* runs on the new thread */
typedef void (*GrokWorkFunc) (gpointer data);
/* runs on the starting thread's main context, after the join; owner is the object given to
 * grok_worker_start (kept alive until then), data the work's own */
typedef void (*GrokWorkDone) (GObject *owner, gpointer data);

void grok_worker_start (const char   *name,
                        GrokWorkFunc  work,
                        GrokWorkDone  done,
                        GObject      *owner,
                        gpointer      data);

G_END_DECLS
