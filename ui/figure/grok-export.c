/* Figure export. Each format renders through the caller's draw callback, writes into a
 * temporary file in the destination's folder, flushes it to disk and renames it over the
 * destination, so a crash or a full disk never leaves a half-written figure behind. */
#include "grok-export.h"
#include "grok-figure-private.h"
#include "grok-error.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GROK_POINTS_PER_INCH 72.0

/* a temporary file beside `path`: opened, or an error naming `path` */
static int
grok_export_open_temp (const char *path, char **tmp_path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot write the figure to %s: %s",
                   path, g_strerror (saved));
      g_free (tmp);
      return -1;
    }
  *tmp_path = tmp;
  return fd;
}

/* flushes and closes fd, then moves tmp_path over path; on any failure removes tmp_path */
static gboolean
grok_export_commit (int fd, const char *tmp_path, const char *path, gboolean ok, GError **error)
{
  int saved = 0;

  if (ok && fsync (fd) != 0)
    saved = errno, ok = FALSE;
  if (close (fd) != 0 && ok)
    saved = errno, ok = FALSE;
  if (ok && g_rename (tmp_path, path) != 0)
    saved = errno, ok = FALSE;
  if (!ok)
    {
      g_unlink (tmp_path);
      if (error != NULL && *error == NULL)
        g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot write the figure to %s: %s",
                     path, g_strerror (saved != 0 ? saved : EIO));
    }
  return ok;
}

static gboolean
grok_write_all (int fd, const unsigned char *data, gsize length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* ---- PNG ---- */

typedef struct
{
  jmp_buf jump;
  char    message[256];
} GrokPngError;

static void
grok_png_error (png_structp png, png_const_charp message)
{
  GrokPngError *err = png_get_error_ptr (png);

  g_strlcpy (err->message, message, sizeof err->message);
  longjmp (err->jump, 1);
}

static void
grok_png_warning (png_structp png, png_const_charp message)
{
}

static void
grok_png_write_data (png_structp png, png_bytep data, png_size_t length)
{
  int fd = GPOINTER_TO_INT (png_get_io_ptr (png));

  if (!grok_write_all (fd, data, length))
    png_error (png, g_strerror (errno));
}

static void
grok_png_flush (png_structp png)
{
}

/* straight-alpha RGBA rows from Cairo's premultiplied native-endian ARGB32 */
static guint8 *
grok_png_unpremultiply (cairo_surface_t *surface, int width, int height)
{
  const unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint8 *out = g_malloc ((gsize) width * height * 4);

  for (int y = 0; y < height; y++)
    {
      const guint32 *src = (const guint32 *) (data + (gsize) y * stride);
      guint8 *dst = out + (gsize) y * width * 4;
      for (int x = 0; x < width; x++, dst += 4)
        {
          guint32 p = src[x], a = p >> 24;
          guint32 r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          dst[0] = a != 0 ? (guint8) ((r * 255 + a / 2) / a) : 0;
          dst[1] = a != 0 ? (guint8) ((g * 255 + a / 2) / a) : 0;
          dst[2] = a != 0 ? (guint8) ((b * 255 + a / 2) / a) : 0;
          dst[3] = (guint8) a;
        }
    }
  return out;
}

static gboolean
grok_png_key_is_valid (const char *key)
{
  gsize len = strlen (key);

  if (len < 1 || len > 79 || key[0] == ' ' || key[len - 1] == ' ')
    return FALSE;
  for (const char *p = key; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

static gboolean
grok_is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

/* the text chunks: Software first, then the caller's pairs; non-ASCII values go in iTXt (UTF-8) */
static png_text *
grok_png_build_text (const char * const *pairs, const char *software, int *n_out, GError **error)
{
  guint n_pairs = 0;
  png_text *text;

  while (pairs != NULL && pairs[2 * n_pairs] != NULL && pairs[2 * n_pairs + 1] != NULL)
    n_pairs++;
  text = g_new0 (png_text, n_pairs + 1);
  text[0].compression = PNG_TEXT_COMPRESSION_NONE;
  text[0].key = (png_charp) "Software";
  text[0].text = (png_charp) software;
  for (guint i = 0; i < n_pairs; i++)
    {
      const char *key = pairs[2 * i], *value = pairs[2 * i + 1];
      if (!grok_png_key_is_valid (key))
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED,
                       "“%s” cannot be a PNG text key (1 to 79 printable ASCII characters)", key);
          g_free (text);
          return NULL;
        }
      text[i + 1].compression = grok_is_ascii (value) ? PNG_TEXT_COMPRESSION_NONE
                                                      : PNG_ITXT_COMPRESSION_NONE;
      text[i + 1].key = (png_charp) key;
      text[i + 1].text = (png_charp) value;
    }
  *n_out = (int) n_pairs + 1;
  return text;
}

/* encodes the rows into fd; FALSE with err->message set on failure */
static gboolean
grok_png_encode (int fd, const guint8 *rgba, int width, int height, double dpi,
                 png_text *text, int n_text, GrokPngError *err)
{
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, err, grok_png_error,
                                             grok_png_warning);
  png_infop info = png != NULL ? png_create_info_struct (png) : NULL;
  g_autofree png_bytep *rows = g_new (png_bytep, height);
  png_uint_32 ppm = (png_uint_32) lround (dpi / 0.0254);

  if (png == NULL || info == NULL)
    {
      g_strlcpy (err->message, "out of memory", sizeof err->message);
      png_destroy_write_struct (&png, &info);
      return FALSE;
    }
  for (int y = 0; y < height; y++)
    rows[y] = (png_bytep) rgba + (gsize) y * width * 4;
  if (setjmp (err->jump) != 0)
    {
      png_destroy_write_struct (&png, &info);
      return FALSE;
    }
  png_set_write_fn (png, GINT_TO_POINTER (fd), grok_png_write_data, grok_png_flush);
  png_set_IHDR (png, info, (png_uint_32) width, (png_uint_32) height, 8, PNG_COLOR_TYPE_RGBA,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_pHYs (png, info, ppm, ppm, PNG_RESOLUTION_METER);
  png_set_text (png, info, text, n_text);
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

static cairo_surface_t *
grok_export_render_image (int width_px, int height_px, double dpi, GrokFigureDrawFunc draw,
                          gpointer user_data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width_px, height_px);
  cairo_t *cr = cairo_create (surface);
  double k = dpi / GROK_POINTS_PER_INCH;

  cairo_scale (cr, k, k);
  draw (cr, width_px / k, height_px / k, user_data);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

gboolean
grok_export_png (const char *path, int width_px, int height_px, double dpi,
                 GrokFigureDrawFunc draw, gpointer user_data, const char * const *text_pairs,
                 GError **error)
{
  g_autofree char *tmp_path = NULL;
  g_autofree png_text *text = NULL;
  g_autofree guint8 *rgba = NULL;
  cairo_surface_t *surface;
  GrokPngError err = { 0 };
  const char *software = "Grokscope " GROK_VERSION;
  int n_text = 0, fd;
  gboolean ok;

  g_return_val_if_fail (path != NULL && draw != NULL, FALSE);
  g_return_val_if_fail (width_px > 0 && height_px > 0 && width_px <= 32767 && height_px <= 32767,
                        FALSE);
  g_return_val_if_fail (dpi > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = grok_png_build_text (text_pairs, software, &n_text, error);
  if (text == NULL)
    return FALSE;
  surface = grok_export_render_image (width_px, height_px, dpi, draw, user_data);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_FAILED, "Cannot draw the figure for %s: %s",
                   path, cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return FALSE;
    }
  rgba = grok_png_unpremultiply (surface, width_px, height_px);
  cairo_surface_destroy (surface);
  fd = grok_export_open_temp (path, &tmp_path, error);
  if (fd < 0)
    return FALSE;
  ok = grok_png_encode (fd, rgba, width_px, height_px, dpi, text, n_text, &err);
  if (!ok)
    g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot write the figure to %s: %s",
                 path, err.message);
  return grok_export_commit (fd, tmp_path, path, ok, error);
}

/* ---- SVG and PDF ---- */

typedef struct
{
  int      fd;         /* -1: collect into `buffer` instead */
  GString *buffer;
  int      error;      /* errno of the first failed write */
} GrokStream;

static cairo_status_t
grok_stream_write (void *closure, const unsigned char *data, unsigned int length)
{
  GrokStream *stream = closure;

  if (stream->fd < 0)
    {
      g_string_append_len (stream->buffer, (const char *) data, length);
      return CAIRO_STATUS_SUCCESS;
    }
  if (!grok_write_all (stream->fd, data, length))
    {
      stream->error = errno != 0 ? errno : EIO;
      return CAIRO_STATUS_WRITE_ERROR;
    }
  return CAIRO_STATUS_SUCCESS;
}

/* runs the draw callback on a vector surface, finishes it and reports Cairo's verdict */
static gboolean
grok_export_vector (cairo_surface_t *surface, double width_pt, double height_pt,
                    GrokFigureDrawFunc draw, gpointer user_data, const char *path, GError **error)
{
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  draw (cr, width_pt, height_pt, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot write the figure to %s: %s",
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* the figure's words as invisible <text> elements on top of Cairo's glyph outlines, so the
 * SVG can be searched and its labels selected and copied; with as_text, there are no outlines
 * and the <text> elements are the figure's text, in its colours and font */
static void
grok_svg_append_text_layer (GString *svg, GArray *records, gboolean as_text)
{
  g_autoptr (GString) layer = g_string_new (as_text ? "<g id=\"grok-text\">\n"
                                                    : "<g id=\"grok-text\" fill-opacity=\"0\">\n");
  char *end = g_strrstr (svg->str, "</svg>");

  if (end == NULL || records->len == 0)
    return;
  for (guint i = 0; i < records->len; i++)
    {
      GrokTextRecord *r = &g_array_index (records, GrokTextRecord, i);
      g_autofree char *escaped = g_markup_escape_text (r->text, -1);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
      char size[G_ASCII_DTOSTR_BUF_SIZE], deg[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (x, sizeof x, "%.2f", r->x);
      g_ascii_formatd (y, sizeof y, "%.2f", r->y);
      g_ascii_formatd (size, sizeof size, "%.2f", r->size);
      g_ascii_formatd (deg, sizeof deg, "%.2f", -r->angle * 180.0 / G_PI);
      g_string_append_printf (layer, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" ", x, y, size);
      if (as_text)
        {
          g_autofree char *family = g_markup_escape_text (r->family ? r->family : "", -1);
          char alpha[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_formatd (alpha, sizeof alpha, "%.3f", r->rgba[3]);
          g_string_append_printf (layer, "font-family=\"%s%ssans-serif\" fill=\"#%02x%02x%02x\" "
                                  "fill-opacity=\"%s\" %s", family, *family ? ", " : "",
                                  (int) lround (r->rgba[0] * 255), (int) lround (r->rgba[1] * 255),
                                  (int) lround (r->rgba[2] * 255), alpha,
                                  r->bold ? "font-weight=\"bold\" " : "");
        }
      else
        g_string_append (layer, "font-family=\"sans-serif\" ");
      g_string_append_printf (layer, "transform=\"rotate(%s %s %s)\" xml:space=\"preserve\">%s</text>\n",
                              deg, x, y, escaped);
    }
  g_string_append (layer, "</g>\n");
  g_string_insert (svg, end - svg->str, layer->str);
}

/* every image in a figure is a matrix of cells; Cairo's SVG output does not carry the nearest-
 * neighbour filter, so ask viewers not to smooth the cells into each other */
static void
grok_svg_crisp_images (GString *svg)
{
  const char *tag = "<image ", *attr = "<image image-rendering=\"optimizeSpeed\" ";
  gsize pos = 0;
  char *hit;

  while ((hit = strstr (svg->str + pos, tag)) != NULL)
    {
      gsize at = (gsize) (hit - svg->str);
      g_string_erase (svg, at, strlen (tag));
      g_string_insert (svg, at, attr);
      pos = at + strlen (attr);
    }
}

gboolean
grok_export_svg (const char *path, double width_in, double height_in, GrokFigureDrawFunc draw,
                 gpointer user_data, GError **error)
{
  return grok_export_svg_full (path, width_in, height_in, draw, user_data, FALSE, error);
}

gboolean
grok_export_svg_full (const char *path, double width_in, double height_in,
                      GrokFigureDrawFunc draw, gpointer user_data, gboolean text_as_text,
                      GError **error)
{
  g_autoptr (GString) svg = g_string_new (NULL);
  g_autoptr (GArray) records = g_array_new (FALSE, FALSE, sizeof (GrokTextRecord));
  g_autofree char *tmp_path = NULL;
  GrokStream stream = { -1, svg, 0 };
  double w = width_in * GROK_POINTS_PER_INCH, h = height_in * GROK_POINTS_PER_INCH;
  cairo_surface_t *surface;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL && draw != NULL && width_in > 0 && height_in > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_array_set_clear_func (records, grok_text_record_clear);
  surface = cairo_svg_surface_create_for_stream (grok_stream_write, &stream, w, h);
  grok_figure_text_log_attach_full (surface, records, text_as_text);
  ok = grok_export_vector (surface, w, h, draw, user_data, path, error);
  cairo_surface_destroy (surface);
  if (!ok)
    return FALSE;
  grok_svg_crisp_images (svg);
  grok_svg_append_text_layer (svg, records, text_as_text);
  fd = grok_export_open_temp (path, &tmp_path, error);
  if (fd < 0)
    return FALSE;
  ok = grok_write_all (fd, (const unsigned char *) svg->str, svg->len);
  return grok_export_commit (fd, tmp_path, path, ok, error);
}

gboolean
grok_export_pdf (const char *path, double width_in, double height_in, GrokFigureDrawFunc draw,
                 gpointer user_data, const char *title, GError **error)
{
  g_autofree char *tmp_path = NULL;
  double w = width_in * GROK_POINTS_PER_INCH, h = height_in * GROK_POINTS_PER_INCH;
  GrokStream stream = { -1, NULL, 0 };
  cairo_surface_t *surface;
  gboolean ok;

  g_return_val_if_fail (path != NULL && draw != NULL && width_in > 0 && height_in > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stream.fd = grok_export_open_temp (path, &tmp_path, error);
  if (stream.fd < 0)
    return FALSE;
  surface = cairo_pdf_surface_create_for_stream (grok_stream_write, &stream, w, h);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Grokscope " GROK_VERSION);
  if (title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  ok = grok_export_vector (surface, w, h, draw, user_data, path, error);
  cairo_surface_destroy (surface);
  if (!ok && stream.error != 0)
    {
      g_clear_error (error);
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "Cannot write the figure to %s: %s",
                   path, g_strerror (stream.error));
    }
  return grok_export_commit (stream.fd, tmp_path, path, ok, error);
}
