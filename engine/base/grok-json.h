/* Writing JSON text by hand where exact numbers matter: the shortest decimal that reads back as
 * the same double, and strings escaped as JSON requires; and the checks every reader of outside
 * JSON makes before handing the text to json-glib. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NaN and infinities have no JSON form: they are written as null */
void grok_json_append_number (GString *out, double value);
void grok_json_append_string (GString *out, const char *text);

/* json-glib's parser recurses once per level of nesting (100,000 nested arrays overflow the
 * stack), cuts a string at an escaped NUL and wraps an integer past 64 bits, all without
 * saying so. This scans the bytes first: NULL when text is at most max_bytes long, nests at
 * most max_depth objects and arrays deep (outside strings), holds no NUL (raw or as \u0000),
 * no raw control character inside a string (named with its key), no integer beyond 64 bits and
 * no number beyond the range of a double (which the parser makes infinite); otherwise what is
 * wrong and on which line, for the caller to prefix with the file's name. */
char *grok_json_check_text (const char *text, gsize length, gsize max_bytes, int max_depth);

G_END_DECLS
