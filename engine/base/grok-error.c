/* The Grokscope error domain. */
#include "grok-error.h"

G_DEFINE_QUARK (grok-error-quark, grok_error)
