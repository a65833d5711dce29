/* The end of a figure test program: drop Cairo's and fontconfig's process-wide font caches so
 * that LeakSanitizer reports only what the code under test leaked. */
#pragma once

#include <cairo.h>
#include <fontconfig/fontconfig.h>

static inline int
grok_figure_test_finish (int status)
{
  cairo_debug_reset_static_data ();
  FcFini ();
  return status;
}
