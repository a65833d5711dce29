/* The choice of GTK's renderer for the app's windows. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Every view draws with Cairo, so GTK's GL renderer only pays off with a hardware GL driver:
 * on a software rasteriser (llvmpipe, softpipe, swrast: virtual machines, remote X, servers
 * without a GPU) compositing a frame costs several times the drawing itself and competes with
 * training for the same cores. This picks the Cairo renderer there, unless GSK_RENDERER is set.
 * Call it before the first window is realised. Returns the GL renderer's name, or NULL when
 * there is no GL; *chose_cairo tells whether the Cairo renderer was picked. */
char *grok_renderer_choose (GdkDisplay *display, gboolean *chose_cairo);

/* whether a GL_RENDERER string names a software rasteriser */
gboolean grok_renderer_is_software (const char *gl_renderer);

G_END_DECLS
