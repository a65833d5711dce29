/* Experiment settings: the key table, JSON loading with precise errors, and validation. */
#include "grok-config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "grok-error.h"
#include "grok-json.h"
#include "grok-config-settings.h"
#include "grok-measures.h"

#define OFF(field) G_STRUCT_OFFSET (GrokConfig, field)

/* a whole config is a few kilobytes nesting two deep; anything far past that is not one, and
 * must be refused before json-glib's recursive parser meets it */
#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_DEPTH 16

static const char * const task_kinds[] = { "modular", "xor_bits", "permutation", "xor2d", NULL };
static const char * const mod_ops[] = { "add", "sub", "mul", "div", "sq_sum", "quad", NULL };
static const char * const formats[] = { "pair", "sequence", "digits", NULL };
static const char * const variants[] = { "quadrants", "blobs", NULL };
static const char * const model_kinds[] = { "mlp", "transformer", NULL };
static const char * const optim_kinds[] = { "adamw", "sgd", NULL };

#define INT_KEY(k, label, f, lo, hi, def, unit, doc) \
  { k, label, GROK_KEY_INT, OFF (f), lo, hi, FALSE, FALSE, NULL, def, NULL, unit, doc }
#define NUM_KEY(k, label, f, lo, hi, lo_open, hi_open, def, unit, doc) \
  { k, label, GROK_KEY_DOUBLE, OFF (f), lo, hi, lo_open, hi_open, NULL, def, NULL, unit, doc }
#define ENUM_KEY(k, label, f, choices, def, doc) \
  { k, label, GROK_KEY_ENUM, OFF (f), 0, 0, FALSE, FALSE, choices, def, NULL, "", doc }
/* max_len in bytes of UTF-8: every checkpoint's metadata carries the config, strings included */
#define STR_KEY(k, label, f, max_len, def, doc) \
  { k, label, GROK_KEY_STRING, OFF (f), 0, max_len, FALSE, FALSE, NULL, 0, def, "", doc }

static const GrokConfigKey keys[] = {
  STR_KEY ("name", "Name", name, 256, "experiment",
           "A label for the run, shown in titles and figure metadata."),
  STR_KEY ("description", "Description", description, 4096, "",
           "A sentence on what the experiment is for."),
  INT_KEY ("seed", "Seed", seed, 0, 4294967295.0, 0, "",
           "Seed of the parameter initialisation, the minibatch order and any weight noise."),

  ENUM_KEY ("task.name", "Task", task.kind, task_kinds, GROK_TASK_MODULAR,
            "The task: modular arithmetic, bitwise XOR of two n-bit numbers, composition in the "
            "symmetric group S_n, or the continuous 2-D XOR of the signs of x and y."),
  ENUM_KEY ("task.op", "Operation", task.op, mod_ops, GROK_OP_ADD,
            "modular: the operation, (a OP b) mod p; div is a * b^-1 with b != 0 and needs a "
            "prime p; sq_sum is a^2 + b^2; quad is a^2 + ab + b^2."),
  INT_KEY ("task.p", "Modulus p", task.p, 2, 1000, 97, "",
           "modular: the modulus p; inputs and classes are 0 .. p-1."),
  INT_KEY ("task.n_bits", "Bits per number", task.n_bits, 1, 8, 5, "bits",
           "xor_bits: the width n of the two inputs."),
  INT_KEY ("task.perm_n", "Permutation size n", task.perm_n, 2, 6, 4, "",
           "permutation: n of S_n (n! elements)."),
  NUM_KEY ("task.train_fraction", "Training fraction", task.train_fraction, 0, 1, TRUE, TRUE, 0.5,
           "",
           "Discrete tasks: the fraction of all input pairs put in the training set (the rest "
           "is the test set)."),
  INT_KEY ("task.split_seed", "Split seed", task.split_seed, 0, 4294967295.0, 0, "",
           "Seed of the train/test split (and of the xor2d samples)."),
  ENUM_KEY ("task.format", "Input format", task.format, formats, GROK_FORMAT_PAIR,
            "Discrete tasks: tokens [a, b] (pair, vocabulary = number of symbols) or "
            "[a, OP, b, EQ] (sequence, vocabulary + 2, as DeMoss et al.); xor_bits also takes "
            "digits: the 2n binary digits of a and b fed to the MLP as numbers 0/1, and n "
            "logistic outputs, one per digit of a XOR b (Liu et al.'s form)."),
  ENUM_KEY ("task.variant", "Point layout", task.variant, variants, GROK_XOR2D_QUADRANTS,
            "xor2d: points uniform in [-1, 1]^2 (quadrants) or four Gaussian blobs at "
            "(+-0.5, +-0.5) (blobs)."),
  INT_KEY ("task.n_train", "Training points", task.n_train, 1, 1000000, 256, "points",
           "xor2d: training points."),
  INT_KEY ("task.n_test", "Test points", task.n_test, 1, 1000000, 1024, "points",
           "xor2d: test points."),
  NUM_KEY ("task.label_noise", "Label noise", task.label_noise, 0, 0.5, FALSE, FALSE, 0.0, "",
           "xor2d: the probability that a training label is flipped (test labels stay clean)."),
  NUM_KEY ("task.blob_std", "Blob spread", task.blob_std, 0, 1, TRUE, FALSE, 0.15, "",
           "xor2d blobs: the standard deviation of each blob."),

  ENUM_KEY ("model.kind", "Model", model.kind, model_kinds, GROK_MODEL_MLP,
            "The model family: a multi-layer perceptron on concatenated token embeddings (or on "
            "the raw numbers: the 2-D input of xor2d, the digits of xor_bits), or DeMoss et "
            "al.'s post-LayerNorm transformer read at the last position (needs task.format = "
            "sequence)."),
  INT_KEY ("model.d_embed", "Embedding width", model.d_embed, 1, 4096, 32, "",
           "The width of each token embedding (not used by xor2d or the digits format)."),
  INT_KEY ("model.width", "Hidden width", model.width, 1, 8192, 100, "units",
           "The width of every hidden layer."),
  INT_KEY ("model.depth", "Hidden layers", model.depth, 0, 16, 2, "layers",
           "The number of hidden layers (0 gives a linear model on the embeddings)."),
  ENUM_KEY ("model.activation",
           "Activation", model.activation, (const char * const *) grok_activation_names,
            GROK_ACT_SILU,
            "The activation of every hidden layer (leaky_relu has slope 0.01; gelu is the tanh "
            "form)."),
  NUM_KEY ("model.init_scale", "Initial scale", model.init_scale, 0, 1000, TRUE, FALSE, 1.0, "x",
           "Every initial parameter is multiplied by this (alpha in Omnigrok; large values "
           "delay generalisation)."),
  INT_KEY ("model.d_model", "Model width", model.d_model, 1, 4096, 128, "",
           "transformer: the width of the token stream (embeddings, attention, LayerNorm)."),
  INT_KEY ("model.n_heads", "Attention heads", model.n_heads, 1, 64, 4, "heads",
           "transformer: attention heads; must divide model.d_model."),
  INT_KEY ("model.d_mlp", "MLP width", model.d_mlp, 1, 16384, 512, "units",
           "transformer: the hidden width of each block's GELU MLP."),
  INT_KEY ("model.n_blocks", "Blocks", model.n_blocks, 1, 16, 1, "blocks",
           "transformer: the number of blocks (DeMoss et al.: 1 for add, mul, sq_sum, quad; 2 "
           "for sub, div)."),
  NUM_KEY ("model.ln_eps", "LayerNorm epsilon", model.ln_eps, 0, 1, TRUE, FALSE, 1e-6, "",
           "transformer: LayerNorm's epsilon, added to the variance."),

  ENUM_KEY ("optim.name", "Optimiser", optim.kind, optim_kinds, GROK_OPTIM_ADAMW,
            "AdamW with decoupled weight decay, or SGD with momentum (weight decay added to the "
            "gradient, as PyTorch's SGD does)."),
  NUM_KEY ("optim.lr", "Learning rate", optim.lr, 0, 10, TRUE, FALSE, 1e-3, "",
           "The learning rate."),
  NUM_KEY ("optim.beta1", "Beta 1", optim.beta1, 0, 1, FALSE, TRUE, 0.9, "",
           "AdamW: the first-moment decay."),
  NUM_KEY ("optim.beta2", "Beta 2", optim.beta2, 0, 1, FALSE, TRUE, 0.999, "",
           "AdamW: the second-moment decay."),
  NUM_KEY ("optim.eps", "Epsilon", optim.eps, 0, 1, TRUE, FALSE, 1e-8, "",
           "AdamW: added to sqrt(v_hat)."),
  NUM_KEY ("optim.weight_decay", "Weight decay", optim.weight_decay, 0, 100, FALSE, FALSE, 0.2, "",
           "Weight decay, applied to every parameter."),
  NUM_KEY ("optim.momentum", "Momentum", optim.momentum, 0, 1, FALSE, TRUE, 0.9, "",
           "SGD: the momentum."),

  INT_KEY ("train.steps", "Steps", train.steps, 1, 1e9, 20000, "steps",
           "Optimiser steps to train for."),
  INT_KEY ("train.batch_size", "Batch size", train.batch_size, -1, 1000000, 0, "examples",
           "Examples per step; 0 means the full training set and -1 DeMoss et al.'s rule, "
           "min(512, floor(N_train / 2)). Minibatches are reshuffled every epoch and the last, "
           "smaller batch is kept (an epoch is ceil(N_train / batch) steps)."),
  INT_KEY ("train.eval_every", "Evaluate every", train.eval_every, 1, 1e9, 10, "steps",
           "Steps between evaluations of the full training and test sets (one metrics row each)."),
  NUM_KEY ("train.prob_clip", "Probability clip", train.prob_clip, 0, 0.5, FALSE, TRUE, 0.0, "",
           "Clip each target probability to [c, 1 - c] in the loss (DeMoss et al. use 1e-9); 0 "
           "turns clipping off."),
  INT_KEY ("train.threads", "Threads", train.threads, 0, 256, 0, "threads",
           "Threads of the trainer's own; 0 means all cores. An MLP splits its row blocks "
           "over them (they sleep while idle, so a busy machine costs no more than one "
           "thread); for a transformer, more than one gives a spectral-entropy penalty a "
           "thread of its own. Results do not depend on it."),

  NUM_KEY ("reg.weight_noise", "Weight noise", reg.weight_noise, 0, 10, FALSE, FALSE, 0.0, "",
           "The standard deviation sigma of the Gaussian noise added to every parameter for each "
           "step's gradient (the update applies to the clean parameters); 0 turns it off."),
  NUM_KEY ("reg.spectral_entropy",
           "Spectral-entropy penalty", reg.spectral_entropy, 0, 100, FALSE, FALSE, 0.0, "",
           "lambda: the loss gains lambda times the mean spectral entropy of the 2-D parameter "
           "tensors (DeMoss et al.); 0 turns it off."),
  INT_KEY ("checkpoints.every", "Checkpoint every", checkpoints.every, 0, 1e9, 0, "steps",
           "A checkpoint every this many steps as well as the log-spaced ones; 0 turns this off."),
  INT_KEY ("checkpoints.per_decade", "Checkpoints per decade", checkpoints.per_decade, 0, 100, 5,
           "per decade",
           "Log-spaced checkpoints: at the steps round(10^(k / n)) for n points per decade; 0 "
           "turns them off. Step 0 and the last step always get one."),
  INT_KEY ("checkpoints.keep", "Checkpoints kept", checkpoints.keep, 0, 1e6, 40, "files",
           "The most checkpoints a run folder keeps (0: no limit). Past it the log-spaced set is "
           "thinned evenly; the first and the latest are always kept."),
  INT_KEY ("checkpoints.views", "Views files", checkpoints.views, 0, 1, 1, "",
           "1: beside each checkpoint write views/step-NNNNNNNN.safetensors with what the "
           "spectrum, regions and connectivity views draw, so that browsing a step does not "
           "recompute it (on a worker thread, up to about half a second each); 0 turns it off."),

  INT_KEY ("measures.spectrum_per_decade",
           "Spectrum per decade", measures.spectrum_per_decade, 0, 100, 0, "per decade",
           "Spectral entropy and effective rank: evaluations per decade of steps on a log "
           "schedule (at the evaluation rows); 0 here and in spectrum_every turns it off, as "
           "for every measure (the presets turn them on)."),
  INT_KEY ("measures.spectrum_every", "Spectrum every", measures.spectrum_every, 0, 1e9, 0, "steps",
           "Spectral entropy and effective rank also every this many steps; 0 for none."),
  INT_KEY ("measures.complexity_per_decade",
           "Complexity per decade", measures.complexity_per_decade, 0, 100, 0, "per decade",
           "Coarse-grained complexity (DeMoss et al.): evaluations per decade of steps."),
  INT_KEY ("measures.complexity_every", "Complexity every", measures.complexity_every, 0, 1e9, 0,
           "steps", "Coarse-grained complexity also every this many steps; 0 for none."),
  NUM_KEY ("measures.complexity_epsilon",
           "Complexity tolerance", measures.complexity_epsilon, 0, 100, TRUE, FALSE, 0.25,
           "nats", "How much training loss the coarse-graining may cost."),
  INT_KEY ("measures.complexity_eval",
           "Complexity examples", measures.complexity_eval, 0, 1000000, 0, "examples",
           "The loss the coarse-graining is judged on: 0 means the whole training set; N means "
           "N training examples drawn once with the run seed (the reference uses one "
           "minibatch of 512), which makes the search cheaper."),
  INT_KEY ("measures.lmn_per_decade", "LMN per decade", measures.lmn_per_decade, 0, 100, 0,
           "per decade",
           "Linear mapping number (MLPs): evaluations per decade of steps."),
  INT_KEY ("measures.lmn_every", "LMN every", measures.lmn_every, 0, 1e9, 0, "steps",
           "Linear mapping number also every this many steps; 0 for none."),
  INT_KEY ("measures.lmn_points", "LMN points", measures.lmn_points, 2, 4096, 512, "points",
           "Training inputs the linear mapping number is measured on."),
  INT_KEY ("measures.regions_per_decade",
           "Regions per decade", measures.regions_per_decade, 0, 100, 0, "per decade",
           "Linear-region count (MLPs on xor2d): evaluations per decade of steps."),
  INT_KEY ("measures.regions_every", "Regions every", measures.regions_every, 0, 1e9, 0, "steps",
           "Linear-region count also every this many steps; 0 for none."),
  INT_KEY ("measures.local_complexity_per_decade",
           "Local complexity per decade", measures.local_complexity_per_decade, 0, 100,
           0, "per decade",
           "Local complexity (MLPs) at radii 0.05 to 5: evaluations per decade of steps."),
  INT_KEY ("measures.local_complexity_every",
           "Local complexity every", measures.local_complexity_every, 0, 1e9, 0, "steps",
           "Local complexity also every this many steps; 0 for none."),
  INT_KEY ("measures.fourier_per_decade",
           "Fourier measures per decade", measures.fourier_per_decade, 0, 100, 0, "per decade",
           "Fourier progress measures (modular tasks): the Gini coefficient and top-5 share of "
           "the embedding's frequency norms, and the restricted and excluded losses on the "
           "key frequencies (Nanda et al.): evaluations per decade of steps."),
  INT_KEY ("measures.fourier_every",
           "Fourier measures every", measures.fourier_every, 0, 1e9, 0, "steps",
           "Fourier progress measures also every this many steps; 0 for none."),

  STR_KEY ("run.parent", "Forked from", run.parent, PATH_MAX, "",
           "Set by fork: the run folder this run was forked from (empty otherwise)."),
  INT_KEY ("run.parent_step", "Forked at step", run.parent_step, -1, 1e12, -1, "steps",
           "Set by fork: the parent's checkpoint step this run started from (-1 otherwise)."),
};

const GrokConfigKey *
grok_config_keys (guint *n_keys)
{
  *n_keys = G_N_ELEMENTS (keys);
  return keys;
}

const GrokConfigKey *
grok_config_key_lookup (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (keys[i].key, key) == 0)
      return &keys[i];
  return NULL;
}

static inline void *
field_ptr (GrokConfig *config, const GrokConfigKey *key)
{
  return G_STRUCT_MEMBER_P (config, key->offset);
}

static inline const void *
field_cptr (const GrokConfig *config, const GrokConfigKey *key)
{
  return G_STRUCT_MEMBER_P ((GrokConfig *) config, key->offset);
}

GrokConfig *
grok_config_new_default (void)
{
  GrokConfig *config = g_atomic_rc_box_new0 (GrokConfig);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const GrokConfigKey *key = &keys[i];
      void *p = field_ptr (config, key);
      switch (key->type)
        {
        case GROK_KEY_INT: *(gint64 *) p = (gint64) key->default_num; break;
        case GROK_KEY_DOUBLE: *(double *) p = key->default_num; break;
        case GROK_KEY_ENUM: *(int *) p = (int) key->default_num; break;
        case GROK_KEY_STRING: *(char **) p = g_strdup (key->default_str); break;
        default: g_assert_not_reached ();
        }
    }
  return config;
}

GrokConfig *
grok_config_copy (const GrokConfig *config)
{
  GrokConfig *copy = (g_atomic_rc_box_dup) (sizeof *config, config);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].type == GROK_KEY_STRING)
      {
        char **p = field_ptr (copy, &keys[i]);
        *p = g_strdup (*p);
      }
  return copy;
}

static void
config_clear (gpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].type == GROK_KEY_STRING)
      g_free (*(char **) field_ptr (data, &keys[i]));
}

void
grok_config_unref (GrokConfig *config)
{
  if (config != NULL)
    g_atomic_rc_box_release_full (config, config_clear);
}

GrokConfig *
grok_config_ref (const GrokConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  return g_atomic_rc_box_acquire ((GrokConfig *) config);
}

/* "0 < value <= 10", "one of relu, gelu" */
static char *
describe_allowed (const GrokConfigKey *key)
{
  switch (key->type)
    {
    case GROK_KEY_INT:
      return g_strdup_printf ("an integer from %.17g to %.17g", key->min, key->max);
    case GROK_KEY_DOUBLE:
      return g_strdup_printf ("a number with %.17g %s value %s %.17g", key->min,
                              key->min_open ? "<" : "<=", key->max_open ? "<" : "<=", key->max);
    case GROK_KEY_ENUM:
      {
        g_autofree char *list = g_strjoinv (", ", (char **) key->choices);
        return g_strdup_printf ("one of %s", list);
      }
    case GROK_KEY_STRING:
      return g_strdup_printf ("UTF-8 text of at most %.0f bytes", key->max);
    default:
      g_assert_not_reached ();
    }
}

/* a value as a message shows it: whole when short, else its start and its length (a 200 MB
 * string must not become a 200 MB message) */
/* the first 64 bytes of text at most, cut at a whole character, as valid UTF-8 */
static char *
shown_start (const char *text, gsize length)
{
  const char *valid_end;

  if (length <= 64)
    return g_utf8_make_valid (text, (gssize) length);
  g_utf8_validate (text, 64, &valid_end);
  return g_utf8_make_valid (text, valid_end - text);
}

static char *
shown_text (const char *text)
{
  gsize length = strlen (text);
  g_autofree char *start = shown_start (text, length);

  if (length <= 64)
    return g_steal_pointer (&start);
  return g_strdup_printf ("%s... (%" G_GSIZE_FORMAT " bytes)", start, length);
}

static char *
shown_node (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  /* a string's own length, not that of its JSON form with quotes and escapes */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *value = json_node_get_string (node);
      gsize length = strlen (value);
      g_autofree char *start = shown_start (value, length);

      if (length <= 64)
        return g_strdup_printf ("\"%s\"", start);
      return g_strdup_printf ("\"%s...\" (%" G_GSIZE_FORMAT " bytes)", start, length);
    }
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  return shown_text (text);
}

static gboolean
in_range (const GrokConfigKey *key, double v)
{
  if (!isfinite (v))
    return FALSE;
  if (key->min_open ? !(v > key->min) : !(v >= key->min))
    return FALSE;
  if (key->max_open ? !(v < key->max) : !(v <= key->max))
    return FALSE;
  return TRUE;
}

static gboolean
set_error (GError **error, const char *where, const GrokConfigKey *key, const char *shown,
           const char *what)
{
  g_autofree char *allowed = describe_allowed (key);

  g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "%s%skey '%s' %s %s: it must be %s",
               where ? where : "", where ? ": " : "", key->key, what, shown, allowed);
  return FALSE;
}

static int
enum_index (const GrokConfigKey *key, const char *name)
{
  for (int i = 0; key->choices[i] != NULL; i++)
    if (strcmp (key->choices[i], name) == 0)
      return i;
  return -1;
}

/* store a JSON value into config after checking its type and range; shown is the value as the
 * person wrote it, for messages */
static gboolean
set_from_node (GrokConfig *config, const GrokConfigKey *key, JsonNode *node, const char *shown,
               const char *where, GError **error)
{
  GType vtype = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  switch (key->type)
    {
    case GROK_KEY_INT:
      {
        double v;
        if (vtype == G_TYPE_INT64)
          v = (double) json_node_get_int (node);
        else if (vtype == G_TYPE_DOUBLE && json_node_get_double (node) == floor (json_node_get_double (node)))
          v = json_node_get_double (node);
        else
          return set_error (error, where, key, shown, "has the value");
        if (!in_range (key, v))
          return set_error (error, where, key, shown, "is out of range at");
        *(gint64 *) field_ptr (config, key) = (gint64) v;
        return TRUE;
      }
    case GROK_KEY_DOUBLE:
      {
        double v;
        if (vtype == G_TYPE_INT64 || vtype == G_TYPE_DOUBLE)
          v = json_node_get_double (node);
        else
          return set_error (error, where, key, shown, "has the value");
        if (!in_range (key, v))
          return set_error (error, where, key, shown, "is out of range at");
        *(double *) field_ptr (config, key) = v;
        return TRUE;
      }
    case GROK_KEY_ENUM:
      {
        int index = vtype == G_TYPE_STRING ? enum_index (key, json_node_get_string (node)) : -1;
        if (index < 0)
          return set_error (error, where, key, shown, "has the value");
        *(int *) field_ptr (config, key) = index;
        return TRUE;
      }
    case GROK_KEY_STRING:
      {
        char **p = field_ptr (config, key);
        if (vtype != G_TYPE_STRING || !g_utf8_validate (json_node_get_string (node), -1, NULL))
          return set_error (error, where, key, shown, "has the value");
        if (strlen (json_node_get_string (node)) > key->max)
          return set_error (error, where, key, shown, "is too long at");
        g_free (*p);
        *p = g_strdup (json_node_get_string (node));
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

/* TRUE when name is the section of some key ("task" for task.p) */
static gboolean
is_section (const char *name)
{
  gsize n = strlen (name);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strncmp (keys[i].key, name, n) == 0 && keys[i].key[n] == '.')
      return TRUE;
  return FALSE;
}

static gboolean
merge_object (GrokConfig *config, JsonObject *object, const char *prefix, const char *where,
              GError **error)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *node = json_object_get_member (object, member);
      g_autofree char *full = prefix ? g_strconcat (prefix, ".", member, NULL) : g_strdup (member);
      const GrokConfigKey *key = grok_config_key_lookup (full);

      if (key == NULL && prefix == NULL && (JSON_NODE_HOLDS_OBJECT (node) || is_section (full)))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_autofree char *shown = shown_node (node);
              g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                           "%s: key '%s' must be an object of %s.* keys, such as {\"%s\": "
                           "{...}}, not %s", where, full, full, full, shown);
              return FALSE;
            }
          if (!merge_object (config, json_node_get_object (node), full, where, error))
            return FALSE;
          continue;
        }
      if (key == NULL)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                       "%s: unknown key '%s' (see the config reference in README.md for the "
                       "keys there are)", where, full);
          return FALSE;
        }
      {
        g_autofree char *shown = shown_node (node);
        if (!set_from_node (config, key, node, shown, where, error))
          return FALSE;
      }
    }
  return TRUE;
}

/* config takes every value of scratch, strings included; scratch is left empty */
static void
adopt (GrokConfig *config, GrokConfig *scratch)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].type == GROK_KEY_STRING)
      g_free (*(char **) field_ptr (config, &keys[i]));
  memcpy (config, scratch, sizeof *config);
  memset (scratch, 0, sizeof *scratch);
}

gboolean
grok_config_merge_json (GrokConfig *config, JsonNode *root, const char *where, GError **error)
{
  g_autoptr (GrokConfig) scratch = NULL;

  g_return_val_if_fail (config != NULL, FALSE);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "%s: a config must be a JSON object of sections such as {\"task\": {...}}",
                   where);
      return FALSE;
    }
  /* work on a copy so that a failure leaves config as it was */
  scratch = grok_config_copy (config);
  if (!merge_object (scratch, json_node_get_object (root), NULL, where, error))
    return FALSE;
  adopt (config, scratch);
  return TRUE;
}

gboolean
grok_config_merge_data (GrokConfig *config, const char *data, gssize length, const char *where,
                        GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  g_autofree char *shape_problem = NULL;

  if (length < 0)
    length = (gssize) strlen (data);
  shape_problem = grok_json_check_text (data, (gsize) length, CONFIG_MAX_BYTES, CONFIG_MAX_DEPTH);
  if (shape_problem != NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "%s: %s; this is not a config", where,
                   shape_problem);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, data, length, &local))
    {
      /* the place, not the parser's words: they quote the file's text, which may be anything
       * (a key, a token) and is not ours to echo */
      guint line = 0, column = 0;
      const char *at = strstr (local->message, ">:");
      if (at == NULL || sscanf (at + 2, "%u:%u", &line, &column) != 2)
        line = column = 0;
      if (line > 0)
        g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "%s: line %u, column %u: not valid "
                     "JSON; a config is one JSON object of sections", where, line, column);
      else
        g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "%s: not valid JSON; a config is "
                     "one JSON object of sections", where);
      return FALSE;
    }
  return grok_config_merge_json (config, json_parser_get_root (parser), where, error);
}

gboolean
grok_config_merge_file (GrokConfig *config, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;
  g_autoptr (GError) local = NULL;
  GStatBuf st;

  /* a huge file is refused before it is read into memory */
  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > CONFIG_MAX_BYTES)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "%s: is %" G_GINT64_FORMAT " bytes "
                   "long, more than the %d bytes a config can need; this is not a config",
                   path, (gint64) st.st_size, CONFIG_MAX_BYTES);
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &length, &local))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot read config %s: %s", path,
                   local->message);
      return FALSE;
    }
  return grok_config_merge_data (config, data, length, path, error);
}

/* a typed value becomes the JSON value it would be in a file: numbers stay numbers, anything
 * else is a string */
static gboolean
set_text (GrokConfig *config, const GrokConfigKey *key, const char *text, const char *where,
          GError **error)
{
  g_autoptr (JsonNode) value = json_node_new (JSON_NODE_VALUE);
  g_autoptr (GrokConfig) scratch = NULL;
  g_autofree char *shown = shown_text (text);
  char *end = NULL;

  if (key->type == GROK_KEY_INT || key->type == GROK_KEY_DOUBLE)
    {
      gint64 i;
      errno = 0;
      i = g_ascii_strtoll (text, &end, 10);
      /* an integer past 64 bits is kept as the double it is near, so that the range check
       * refuses it instead of a clamped value */
      if (end != text && *end == '\0' && errno != ERANGE)
        json_node_set_int (value, i);
      else
        {
          double d = g_ascii_strtod (text, &end);
          if (end != text && *end == '\0')
            json_node_set_double (value, d);
          else
            json_node_set_string (value, text);
        }
    }
  else
    json_node_set_string (value, text);

  /* on a copy, so that a failure leaves config as it was */
  scratch = grok_config_copy (config);
  if (!set_from_node (scratch, key, value, shown, where, error))
    return FALSE;
  adopt (config, scratch);
  return TRUE;
}

gboolean
grok_config_set_text (GrokConfig *config, const char *name, const char *text, GError **error)
{
  const GrokConfigKey *key = grok_config_key_lookup (name);

  if (key == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG, "unknown key '%s'", name);
      return FALSE;
    }
  return set_text (config, key, text, NULL, error);
}

gboolean
grok_config_set (GrokConfig *config, const char *assignment, GError **error)
{
  const char *eq = strchr (assignment, '=');
  g_autofree char *name = NULL;
  g_autofree char *where = NULL;
  const GrokConfigKey *key;

  if (eq == NULL || eq == assignment)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "--set '%s': expected KEY=VALUE, for example optim.lr=0.001", assignment);
      return FALSE;
    }
  name = g_strndup (assignment, eq - assignment);
  key = grok_config_key_lookup (name);
  if (key == NULL)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "--set: unknown key '%s' (see the config reference in README.md)", name);
      return FALSE;
    }
  {
    g_autofree char *shown = shown_text (eq + 1);
    where = g_strdup_printf ("--set %s=%s", name, shown);
  }
  return set_text (config, key, eq + 1, where, error);
}

/* the measure whose schedule or options key is ("measures.lmn_points": lmn), or NULL */
static const GrokMeasureKind *
measure_of_key (const char *key)
{
  if (!g_str_has_prefix (key, "measures."))
    return NULL;
  for (GrokMeasure m = 0; m < GROK_N_MEASURES; m++)
    {
      const GrokMeasureKind *kind = grok_measure_kind (m);
      gsize n = strlen (kind->name);

      if (strncmp (key + strlen ("measures."), kind->name, n) == 0 && key[strlen ("measures.") + n] == '_')
        return kind;
    }
  return NULL;
}

gboolean
grok_config_key_applies (const GrokConfig *config, const char *key)
{
  gboolean discrete = config->task.kind != GROK_TASK_XOR2D;
  gboolean mlp = config->model.kind == GROK_MODEL_MLP;
  const GrokMeasureKind *measure = measure_of_key (key);
  static const char * const mlp_keys[] = { "model.width", "model.depth", "model.activation", NULL };
  static const char * const transformer_keys[] = { "model.d_model", "model.n_heads", "model.d_mlp",
                                                   "model.n_blocks", "model.ln_eps", NULL };

  if (measure != NULL)
    {
      GrokMeasureSettings settings = grok_config_measure_settings (config);
      return measure->applies (&settings);
    }
  if (g_strv_contains (mlp_keys, key))
    return mlp;
  if (g_strv_contains (transformer_keys, key))
    return !mlp;
  if (g_str_has_prefix (key, "run."))
    return config->run.parent[0] != '\0';

  if (g_str_equal (key, "task.op") || g_str_equal (key, "task.p"))
    return config->task.kind == GROK_TASK_MODULAR;
  if (g_str_equal (key, "task.n_bits"))
    return config->task.kind == GROK_TASK_XOR_BITS;
  if (g_str_equal (key, "task.perm_n"))
    return config->task.kind == GROK_TASK_PERMUTATION;
  if (g_str_equal (key, "task.train_fraction") || g_str_equal (key, "task.format"))
    return discrete;
  if (g_str_equal (key, "model.d_embed"))
    return mlp && discrete && config->task.format != GROK_FORMAT_DIGITS;
  if (g_str_equal (key, "task.variant") || g_str_equal (key, "task.n_train") ||
      g_str_equal (key, "task.n_test") || g_str_equal (key, "task.label_noise"))
    return !discrete;
  if (g_str_equal (key, "task.blob_std"))
    return !discrete && config->task.variant == GROK_XOR2D_BLOBS;
  if (g_str_equal (key, "optim.beta1") || g_str_equal (key, "optim.beta2") ||
      g_str_equal (key, "optim.eps"))
    return config->optim.kind == GROK_OPTIM_ADAMW;
  if (g_str_equal (key, "optim.momentum"))
    return config->optim.kind == GROK_OPTIM_SGD;
  return TRUE;
}

static gboolean
is_prime (gint64 p)
{
  if (p < 2)
    return FALSE;
  for (gint64 d = 2; d * d <= p; d++)
    if (p % d == 0)
      return FALSE;
  return TRUE;
}

gint64
grok_config_n_examples (const GrokConfig *config)
{
  return grok_task_n_examples (&config->task);
}

gint64
grok_config_n_train (const GrokConfig *config)
{
  return grok_task_n_train (&config->task);
}

gint64
grok_config_batch_size (const GrokConfig *config, gint64 n_train)
{
  return grok_task_batch_size (config->train.batch_size, n_train);
}

static gboolean
check_transformer (const GrokConfig *config, GError **error)
{
  if (config->task.kind == GROK_TASK_XOR2D || config->task.format != GROK_FORMAT_SEQUENCE)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'model.kind' = \"transformer\" reads token sequences: it needs a "
                   "discrete task with task.format = \"sequence\"");
      return FALSE;
    }
  if (config->model.d_model % config->model.n_heads != 0)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'model.n_heads' = %" G_GINT64_FORMAT " does not divide model.d_model = %"
                   G_GINT64_FORMAT ": every head needs the same width", config->model.n_heads,
                   config->model.d_model);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_format (const GrokConfig *config, GError **error)
{
  if (config->task.kind == GROK_TASK_XOR2D && config->task.format != GROK_FORMAT_PAIR)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'task.format' = \"%s\" does not apply to xor2d, whose inputs are "
                   "continuous: use \"pair\"", formats[config->task.format]);
      return FALSE;
    }
  if (config->task.format == GROK_FORMAT_DIGITS && config->task.kind != GROK_TASK_XOR_BITS)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'task.format' = \"digits\" needs task.name = \"xor_bits\": only its "
                   "inputs and outputs are binary digits (use \"pair\" or \"sequence\")");
      return FALSE;
    }
  if (config->task.format == GROK_FORMAT_DIGITS && config->model.kind != GROK_MODEL_MLP)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'task.format' = \"digits\" feeds numbers, not tokens: it needs "
                   "model.kind = \"mlp\"");
      return FALSE;
    }
  return TRUE;
}

gboolean
grok_config_validate (const GrokConfig *config, GError **error)
{
  gint64 n_train;

  if (config->task.kind == GROK_TASK_MODULAR && config->task.op == GROK_OP_DIV &&
      !is_prime (config->task.p))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'task.p' = %" G_GINT64_FORMAT " must be prime when task.op is div "
                   "(b^-1 mod p must exist for every b != 0)", config->task.p);
      return FALSE;
    }
  if (!check_format (config, error))
    return FALSE;
  if (config->task.kind == GROK_TASK_XOR2D)
    n_train = config->task.n_train;
  else
    {
      gint64 n = grok_task_n_examples (&config->task);
      n_train = (gint64) floor (config->task.train_fraction * (double) n);
      if (n_train < 1 || n_train >= n)
        {
          g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                       "key 'task.train_fraction' = %g puts %" G_GINT64_FORMAT " of the %"
                       G_GINT64_FORMAT " examples in the training set: both sets need at least "
                       "one example", config->task.train_fraction, n_train, n);
          return FALSE;
        }
    }
  if (config->model.kind == GROK_MODEL_TRANSFORMER && !check_transformer (config, error))
    return FALSE;
  if (config->train.batch_size > n_train)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'train.batch_size' = %" G_GINT64_FORMAT " is larger than the %"
                   G_GINT64_FORMAT " training examples: use at most that, or 0 for full batch",
                   config->train.batch_size, n_train);
      return FALSE;
    }
  if (config->checkpoints.keep == 1)
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_CONFIG,
                   "key 'checkpoints.keep' = 1 cannot keep both the first and the latest "
                   "checkpoint: use 0 (no limit) or at least 2");
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
key_to_node (const GrokConfig *config, const GrokConfigKey *key)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  const void *p = field_cptr (config, key);

  switch (key->type)
    {
    case GROK_KEY_INT: json_node_set_int (node, *(const gint64 *) p); break;
    case GROK_KEY_DOUBLE: json_node_set_double (node, *(const double *) p); break;
    case GROK_KEY_ENUM: json_node_set_string (node, key->choices[*(const int *) p]); break;
    case GROK_KEY_STRING: json_node_set_string (node, *(char * const *) p); break;
    default: g_assert_not_reached ();
    }
  return node;
}

JsonNode *
grok_config_to_json (const GrokConfig *config)
{
  JsonObject *root = json_object_new ();
  JsonNode *node;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *dot = strchr (keys[i].key, '.');
      if (dot == NULL)
        json_object_set_member (root, keys[i].key, key_to_node (config, &keys[i]));
      else
        {
          g_autofree char *section = g_strndup (keys[i].key, dot - keys[i].key);
          JsonObject *obj = json_object_has_member (root, section)
                            ? json_object_get_object_member (root, section) : NULL;
          if (obj == NULL)
            {
              obj = json_object_new ();
              json_object_set_object_member (root, section, obj);
            }
          json_object_set_member (obj, dot + 1, key_to_node (config, &keys[i]));
        }
    }
  node = json_node_init_object (json_node_alloc (), root);
  json_object_unref (root);
  return node;
}

static void
append_value (GString *out, const GrokConfig *config, const GrokConfigKey *key)
{
  const void *p = field_cptr (config, key);

  switch (key->type)
    {
    case GROK_KEY_INT: g_string_append_printf (out, "%" G_GINT64_FORMAT, *(const gint64 *) p); break;
    case GROK_KEY_DOUBLE: grok_json_append_number (out, *(const double *) p); break;
    case GROK_KEY_ENUM: grok_json_append_string (out, key->choices[*(const int *) p]); break;
    case GROK_KEY_STRING: grok_json_append_string (out, *(char * const *) p); break;
    default: g_assert_not_reached ();
    }
}

/* written by hand rather than with JsonGenerator so that numbers come out in their shortest
 * exact form and keys in the table's order */
char *
grok_config_to_string (const GrokConfig *config)
{
  GString *out = g_string_new ("{\n");
  g_autofree char *section = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *dot = strchr (keys[i].key, '.');
      g_autofree char *this_section = dot ? g_strndup (keys[i].key, dot - keys[i].key) : NULL;
      gboolean last = i + 1 == G_N_ELEMENTS (keys);
      const char *next_dot = last ? NULL : strchr (keys[i + 1].key, '.');
      gboolean section_ends;

      if (this_section && g_strcmp0 (this_section, section) != 0)
        {
          g_string_append_printf (out, "  \"%s\": {\n", this_section);
          g_free (section);
          section = g_strdup (this_section);
        }
      g_string_append_printf (out, this_section ? "    \"%s\": " : "  \"%s\": ",
                              dot ? dot + 1 : keys[i].key);
      append_value (out, config, &keys[i]);
      section_ends = this_section && (last || next_dot == NULL ||
                                      strncmp (keys[i + 1].key, this_section, strlen (this_section)) != 0 ||
                                      keys[i + 1].key[strlen (this_section)] != '.');
      if (section_ends)
        g_string_append_printf (out, "\n  }%s\n", last ? "" : ",");
      else
        g_string_append (out, last ? "\n" : ",\n");
    }
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

char *
grok_config_format_number (double v)
{
  char format[16], buf[G_ASCII_DTOSTR_BUF_SIZE];
  int digits;

  if (!isfinite (v) || v == 0)
    return g_strdup (isfinite (v) ? "0" : isnan (v) ? "nan" : v > 0 ? "inf" : "-inf");
  for (digits = 1; digits < 17; digits++)
    {
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  /* %g writes 20 as 2e+01: between 1e-4 and 1e15 the same digits go without an exponent */
  if (fabs (v) >= 1e-4 && fabs (v) < 1e15)
    {
      int decimals = MAX (0, digits - 1 - (int) floor (log10 (fabs (v))));
      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_ascii_formatd (buf, sizeof buf, format, v);
    }
  else
    {
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, v);
    }
  return g_strdup (buf);
}

char *
grok_config_get_text (const GrokConfig *config, const GrokConfigKey *key)
{
  const void *p = field_cptr (config, key);

  switch (key->type)
    {
    case GROK_KEY_INT: return g_strdup_printf ("%" G_GINT64_FORMAT, *(const gint64 *) p);
    case GROK_KEY_DOUBLE: return grok_config_format_number (*(const double *) p);
    case GROK_KEY_ENUM: return g_strdup (key->choices[*(const int *) p]);
    case GROK_KEY_STRING: return g_strdup (*(char * const *) p);
    default: g_assert_not_reached ();
    }
}

GrokConfig *
grok_config_load_file (const char *path, GError **error)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();

  if (!grok_config_merge_file (config, path, error))
    return NULL;
  if (!grok_config_validate (config, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&config);
}

GrokConfig *
grok_config_load_at (const GrokFileAt *at, GError **error)
{
  g_autoptr (GrokConfig) config = grok_config_new_default ();
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  g_return_val_if_fail (at != NULL, NULL);
  if (!grok_file_read_at (at, CONFIG_MAX_BYTES, &data, &length, &local))
    {
      g_set_error (error, GROK_ERROR, GROK_ERROR_IO, "cannot read config %s: %s", at->shown,
                   local->message);
      return NULL;
    }
  if (!grok_config_merge_data (config, data, length, at->shown, error))
    return NULL;
  if (!grok_config_validate (config, error))
    {
      g_prefix_error (error, "%s: ", at->shown);
      return NULL;
    }
  return g_steal_pointer (&config);
}
