/* The choice of GTK's renderer: the Cairo one where GL would be a software rasteriser. */
#include "grok-renderer.h"

#include <epoxy/gl.h>
#include <string.h>

gboolean
grok_renderer_is_software (const char *gl_renderer)
{
  static const char * const software[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };

  if (gl_renderer == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (gl_renderer, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* the GL_RENDERER string of a context GDK makes on the display, or NULL without GL */
static char *
gl_renderer_name (GdkDisplay *display)
{
  g_autoptr (GdkGLContext) context = NULL;
  g_autoptr (GError) error = NULL;
  char *name;

  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    return NULL;
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

char *
grok_renderer_choose (GdkDisplay *display, gboolean *chose_cairo)
{
  char *name;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  if (chose_cairo != NULL)
    *chose_cairo = FALSE;
  if (g_getenv ("GSK_RENDERER") != NULL)
    return NULL;
  name = gl_renderer_name (display);
  if (grok_renderer_is_software (name))
    {
      /* read by GSK when it makes the first window's renderer */
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
      if (chose_cairo != NULL)
        *chose_cairo = TRUE;
    }
  return name;
}
