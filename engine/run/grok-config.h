/* The settings of an experiment. One JSON document (sections of keys) holds all of them; every
 * key is described once, in the table behind grok_config_keys(), and that table drives loading,
 * validation, --set, the README reference and the settings widgets. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "grok-activation.h"
#include "grok-fileio.h"
#include "grok-model.h"
#include "grok-optim.h"
#include "grok-task.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  char   *description;
  gint64  seed;
  GrokTaskSettings  task;    /* the task section is the dataset's settings as they are */
  struct
  {
    GrokModelKind  kind;
    gint64         d_embed;
    gint64         width;
    gint64         depth;
    GrokActivation activation;
    double         init_scale;
    gint64         d_model;
    gint64         n_heads;
    gint64         d_mlp;
    gint64         n_blocks;
    double         ln_eps;
  } model;
  GrokOptimSettings optim;   /* and the optim section is the optimiser's */
  struct
  {
    gint64 steps;
    gint64 batch_size;
    gint64 eval_every;
    double prob_clip;
    gint64 threads;
  } train;
  struct
  {
    gint64 every;
    gint64 per_decade;
    gint64 keep;
    gint64 views;
  } checkpoints;
  struct
  {
    gint64 spectrum_per_decade, spectrum_every;
    gint64 complexity_per_decade, complexity_every;
    double complexity_epsilon;
    gint64 complexity_eval;
    gint64 lmn_per_decade, lmn_every, lmn_points;
    gint64 regions_per_decade, regions_every;
    gint64 local_complexity_per_decade, local_complexity_every;
    gint64 fourier_per_decade, fourier_every;
  } measures;
  struct
  {
    char  *parent;       /* the run folder this run was forked from, or "" */
    gint64 parent_step;  /* the parent's checkpoint it started from, or -1 */
  } run;
  struct
  {
    double weight_noise;
    double spectral_entropy;
  } reg;
} GrokConfig;

typedef enum
{
  GROK_KEY_INT,
  GROK_KEY_DOUBLE,
  GROK_KEY_ENUM,
  GROK_KEY_STRING,
} GrokKeyType;

typedef struct
{
  const char         *key;          /* "section.name" */
  const char         *label;        /* as a paper or the settings list names it: "Learning rate" */
  GrokKeyType         type;
  gsize               offset;       /* into GrokConfig */
  double              min;          /* numbers: the allowed range */
  double              max;
  gboolean            min_open;     /* the range excludes min */
  gboolean            max_open;
  const char * const *choices;      /* enums: names, NULL-terminated */
  double              default_num;  /* numbers and enums (index) */
  const char         *default_str;  /* strings */
  const char         *unit;         /* "" when none */
  const char         *doc;          /* one sentence: what it means, when it applies */
} GrokConfigKey;

const GrokConfigKey *grok_config_keys        (guint *n_keys);
const GrokConfigKey *grok_config_key_lookup  (const char *key);

GrokConfig *grok_config_new_default (void);
GrokConfig *grok_config_copy        (const GrokConfig *config);
/* a config handed to another thread or widget (a snapshot's) is immutable from then on and
 * reference-counted: grok_config_ref takes a reference, grok_config_unref releases one */
void        grok_config_unref        (GrokConfig *config);
GrokConfig *grok_config_ref         (const GrokConfig *config);

/* apply a (possibly partial) JSON document over config. where names the source for messages
 * ("quick.json", "preset quick"). Unknown keys, wrong types and out-of-range values fail with
 * GROK_ERROR_CONFIG and leave config untouched. */
gboolean    grok_config_merge_json  (GrokConfig *config, JsonNode *root, const char *where,
                                     GError **error);
gboolean    grok_config_merge_data  (GrokConfig *config, const char *data, gssize length,
                                     const char *where, GError **error);
gboolean    grok_config_merge_file  (GrokConfig *config, const char *path, GError **error);
/* one key's value as typed in a settings field (messages name the key, without a prefix) */
gboolean    grok_config_set_text    (GrokConfig *config, const char *key, const char *text,
                                     GError **error);
/* "key=value" as typed on a command line */
gboolean    grok_config_set         (GrokConfig *config, const char *assignment, GError **error);
/* checks that need several keys at once (a prime p for division, a batch no larger than the
 * training set, ...) */
gboolean    grok_config_validate    (const GrokConfig *config, GError **error);

/* train.batch_size resolved for a training set of n_train examples (grok_task_batch_size) */
gint64      grok_config_batch_size  (const GrokConfig *config, gint64 n_train);
/* the examples config's task has, training and test together */
gint64      grok_config_n_examples  (const GrokConfig *config);
/* the size of the training set config's task gives */
gint64      grok_config_n_train     (const GrokConfig *config);

/* FALSE when a key has no effect with the rest of config (task.p for an xor2d task, the
 * transformer's sizes for an MLP, a measure's schedule where the measure does not apply, the
 * fork's keys of a run that was not forked) */
gboolean    grok_config_key_applies (const GrokConfig *config, const char *key);

/* the full resolved document, every key present */
JsonNode   *grok_config_to_json     (const GrokConfig *config);
char       *grok_config_to_string   (const GrokConfig *config);
/* v in the shortest form that reads back as the same double, with no exponent between 1e-4 and
 * 1e15: 0.003, 1e-06, 20, 0.90000000000000002 never */
char       *grok_config_format_number (double v);
/* the value of one key as text (for the settings, the README, --set round trips): numbers in
 * their shortest exact form */
char       *grok_config_get_text    (const GrokConfig *config, const GrokConfigKey *key);
/* load a whole resolved document (defaults, then the file), then validate */
GrokConfig *grok_config_load_file   (const char *path, GError **error);
/* the same for a file in an open folder (grok-fileio.h): never read through a link */
GrokConfig *grok_config_load_at     (const GrokFileAt *at, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokConfig, grok_config_unref)

G_END_DECLS
