/* The Grokscope error domain: every failure a person can see travels as a GError in it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GROK_ERROR (grok_error_quark ())

typedef enum
{
  GROK_ERROR_CONFIG,    /* a config key, value or combination is not allowed */
  GROK_ERROR_IO,        /* a file or folder cannot be read or written */
  GROK_ERROR_CORRUPT,   /* a file exists but its contents are truncated or invalid */
  GROK_ERROR_DIVERGED,  /* training produced NaN or Inf */
  GROK_ERROR_CANCELLED, /* the work was stopped on request */
  GROK_ERROR_BUSY,      /* another process is writing the run folder */
  GROK_ERROR_FAILED,    /* anything else */
} GrokErrorCode;

GQuark grok_error_quark (void);

G_END_DECLS
