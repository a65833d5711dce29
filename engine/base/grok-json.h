/* Writing JSON text by hand where exact numbers matter: the shortest decimal that reads back as
 * the same double, and strings escaped as JSON requires. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NaN and infinities have no JSON form: they are written as null */
void grok_json_append_number (GString *out, double value);
void grok_json_append_string (GString *out, const char *text);

G_END_DECLS
