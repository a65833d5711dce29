/* What grok-sweep.c (sweep files and their cells) and grok-sweep-folder.c (the planned folder)
 * share and nothing else may use. */
#pragma once

#include <json-glib/json-glib.h>

#include "grok-sweep.h"

G_BEGIN_DECLS

/* a sweep file is a few hundred bytes; as for a config, anything far past that is not one */
#define SWEEP_MAX_BYTES (1024 * 1024)
#define SWEEP_MAX_DEPTH 16
#define SWEEP_MAX_CELLS 100000
#define SWEEP_MAX_RANGE 10000

#define SWEEP_FILE "sweep.json"
#define CELLS_FILE "cells.csv"
#define CELLS_FOLDER "cells"
#define FAILED_FOLDER "failed"

struct _GrokSweep
{
  char      *where;         /* the file, or "sweep preset NAME", for messages */
  char      *text;          /* the sweep file's bytes */
  char      *base_folder;   /* where a relative base file is looked for */
  char      *name;
  char      *description;
  char      *base;          /* as written; NULL when "base" is an axis */
  JsonNode  *set;           /* an object, or NULL */
  GPtrArray *axes;          /* GrokSweepAxis * */
  GPtrArray *axis_nodes;    /* per axis, a GPtrArray of JsonNode * */
  GArray    *seeds;         /* gint64 */
  char      *folder;        /* the planned folder, or NULL */
  guint      width;         /* digits of a cell's folder name */
};

/* text (a sweep file) as a sweep; with resolve its base is loaded and every value checked on
 * it, otherwise (an opened folder, whose cells hold their configs) on the defaults */
GrokSweep *grok_sweep_parse (const char *data, gsize length, const char *where,
                             const char *base_folder, gboolean resolve, GError **error);
/* a GROK_ERROR_CONFIG error with the message formatted; FALSE */
gboolean   grok_sweep_fail  (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* a CSV field appended to out, quoted when it must be */
void       grok_sweep_append_csv (GString *out, const char *text);

G_END_DECLS
