/* Exact JSON numbers, escaped strings, and the shape checks made before parsing. */
#include "grok-json.h"

#include <errno.h>
#include <math.h>
#include <string.h>

void
grok_json_append_number (GString *out, double v)
{
  char buf[64];

  if (!isfinite (v))
    {
      g_string_append (out, "null");
      return;
    }
  for (int digits = 15; digits <= 17; digits++)
    {
      g_ascii_formatd (buf, sizeof buf, digits == 15 ? "%.15g" : digits == 16 ? "%.16g" : "%.17g", v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

void
grok_json_append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

/* the line (from 1) of text[at] */
static guint
line_of (const char *text, gsize at)
{
  guint line = 1;

  for (gsize i = 0; i < at; i++)
    line += text[i] == '\n';
  return line;
}

/* the length of the number token at text (digits, sign, point, exponent) and whether it is an
 * integer too large for 64 bits, which json-glib would wrap without a word, or a number too
 * large for a double, which it would make infinite */
static gsize
number_token (const char *text, gsize length, gboolean *overflows, gboolean *integer)
{
  gsize n = 0;
  g_autofree char *token = NULL;

  *integer = TRUE;
  while (n < length && (g_ascii_isdigit (text[n]) || strchr ("+-.eE", text[n]) != NULL))
    *integer &= strchr (".eE", text[n++]) == NULL;
  token = g_strndup (text, n);
  errno = 0;
  if (*integer)
    {
      g_ascii_strtoll (token, NULL, 10);
      *overflows = errno == ERANGE;
    }
  else
    *overflows = isinf (g_ascii_strtod (token, NULL)) && errno == ERANGE;
  return n;
}

/* TRUE when the string that holds text[i] (or closes at it) is an object's key: its closing
 * quote is followed by a colon */
static gboolean
string_is_key (const char *text, gsize length, gsize i)
{
  while (i < length && text[i] != '"')
    i += text[i] == '\\' ? 2 : 1;
  for (i++; i < length && g_ascii_isspace (text[i]); i++)
    ;
  return i < length && text[i] == ':';
}

/* a raw control character at text[i] inside a string: JSON wants them escaped, and a raw one
 * is more often damage or a pasted terminal sequence than meant */
static char *
control_problem (const char *text, gsize length, gsize i, const char *key, gsize key_len)
{
  guint line = line_of (text, i);
  guchar c = (guchar) text[i];

  if (string_is_key (text, length, i) || key == NULL)
    return g_strdup_printf ("line %u: a key holds the control character 0x%02x unescaped; JSON "
                            "strings must write it as \\u%04x", line, c, c);
  return g_strdup_printf ("line %u: the value of key '%.*s' holds the control character 0x%02x "
                          "unescaped; JSON strings must write it as \\u%04x (or \\n, \\t)",
                          line, (int) MIN (key_len, 64), key, c, c);
}

char *
grok_json_check_text (const char *text, gsize length, gsize max_bytes, int max_depth)
{
  gboolean in_string = FALSE;
  int depth = 0;
  gsize string_start = 0, key_start = 0, key_len = 0;
  gboolean have_key = FALSE;

  if (length > max_bytes)
    return g_strdup_printf ("is %" G_GSIZE_FORMAT " bytes long, more than the %" G_GSIZE_FORMAT
                            " bytes such a file can need", length, max_bytes);
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '\0')
        return g_strdup_printf ("line %u: holds a NUL byte; this is not JSON text",
                                line_of (text, i));
      if (in_string && c == '\\')
        {
          if (length - i >= 6 && memcmp (text + i + 1, "u0000", 5) == 0)
            return g_strdup_printf ("line %u: a string holds \\u0000 (a NUL character), "
                                    "which no value may contain", line_of (text, i));
          i++;
        }
      else if (in_string && (guchar) c < 0x20)
        return control_problem (text, length, i, have_key ? text + key_start : NULL, key_len);
      else if (c == '"' && !in_string)
        {
          in_string = TRUE;
          string_start = i;
        }
      else if (c == '"')
        {
          in_string = FALSE;
          if (string_is_key (text, length, i))
            {
              have_key = TRUE;
              key_start = string_start + 1;
              key_len = i - key_start;
            }
        }
      else if (!in_string && (c == '{' || c == '[') && ++depth > max_depth)
        return g_strdup_printf ("line %u: nests objects and arrays more than %d deep",
                                line_of (text, i), max_depth);
      else if (!in_string && (c == '}' || c == ']'))
        depth = MAX (depth - 1, 0);  /* a stray closer must not buy depth for what follows */
      else if (!in_string && (c == '-' || g_ascii_isdigit (c)))
        {
          gboolean overflows, integer;
          gsize n = number_token (text + i, length - i, &overflows, &integer);
          if (overflows && integer)
            return g_strdup_printf ("line %u: the integer %.*s is beyond the 64-bit range "
                                    "(-2^63 to 2^63 - 1)", line_of (text, i), (int) MIN (n, 64),
                                    text + i);
          if (overflows)
            return g_strdup_printf ("line %u: the number %.*s is beyond the range of a double "
                                    "(about 1.8e308)", line_of (text, i), (int) MIN (n, 64),
                                    text + i);
          i += n - 1;
        }
    }
  return NULL;
}
