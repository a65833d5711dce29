/* The tasks of SPEC §1 as datasets: every input pair enumerated once and split with a seed, or
 * continuous 2-D points for xor2d. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum { GROK_TASK_MODULAR, GROK_TASK_XOR_BITS, GROK_TASK_PERMUTATION, GROK_TASK_XOR2D } GrokTaskKind;
typedef enum { GROK_OP_ADD, GROK_OP_SUB, GROK_OP_MUL, GROK_OP_DIV, GROK_OP_SQ_SUM, GROK_OP_QUAD } GrokModOp;
/* digits is not a token format: the inputs are 0/1 numbers and the outputs one logit per digit */
typedef enum { GROK_FORMAT_PAIR, GROK_FORMAT_SEQUENCE, GROK_FORMAT_DIGITS } GrokTokenFormat;
typedef enum { GROK_XOR2D_QUADRANTS, GROK_XOR2D_BLOBS } GrokXor2dVariant;

/* A task's settings: a config's task section is one of these (the task.* keys document each
 * field). Only the fields of its kind are read. */
typedef struct
{
  GrokTaskKind     kind;
  GrokModOp        op;
  gint64           p;
  gint64           n_bits;
  gint64           perm_n;
  double           train_fraction;
  gint64           split_seed;
  GrokTokenFormat  format;
  GrokXor2dVariant variant;
  gint64           n_train;
  gint64           n_test;
  double           label_noise;
  double           blob_std;
} GrokTaskSettings;

/* the examples the task has, training and test together */
gint64       grok_task_n_examples (const GrokTaskSettings *task);
/* the size of the training set the task gives */
gint64       grok_task_n_train    (const GrokTaskSettings *task);

/* a batch size setting resolved for a training set of n_train examples: 0 gives n_train (full
 * batch), GROK_BATCH_DEMOSS gives DeMoss et al.'s min (512, floor (n_train / 2)), at least 1 */
#define GROK_BATCH_DEMOSS (-1)
gint64       grok_task_batch_size (gint64 batch_size, gint64 n_train);

/* how a model's logits meet the targets: a softmax over n_classes, or one logistic output per
 * binary digit of the target (n_classes digits, least significant first) */
typedef enum { GROK_HEAD_SOFTMAX, GROK_HEAD_DIGITS } GrokHead;

typedef struct
{
  GrokTaskKind kind;
  GrokHead     head;
  int          n_positions;   /* tokens per example: 2 (pair) or 4 (sequence); 0 for numbers */
  int          d_in;          /* input width when the inputs are numbers: 2 for xor2d, 2n for
                               * the digits of xor_bits; 0 for tokens */
  int          vocab;         /* token vocabulary; 0 for numbers */
  int          n_classes;     /* logits per example: classes, or digits for GROK_HEAD_DIGITS */
  int          n_train;
  int          n_test;
  int         *train_tokens;  /* (n_train, n_positions) */
  int         *test_tokens;   /* (n_test, n_positions) */
  float       *train_x;       /* (n_train, d_in) */
  float       *test_x;        /* (n_test, d_in) */
  int         *train_y;       /* (n_train) */
  int         *test_y;        /* (n_test) */
} GrokDataset;

/* task must be valid (as a config grok_config_validate accepts has it) */
GrokDataset *grok_dataset_new  (const GrokTaskSettings *task);
void         grok_dataset_free (GrokDataset *dataset);
/* the sizes grok_dataset_new would give the task (every array NULL), without building it */
void         grok_dataset_shape (const GrokTaskSettings *task, GrokDataset *shape);
/* the bytes grok_dataset_new allocates at its peak */
gsize        grok_dataset_estimate_bytes (const GrokTaskSettings *task);

/* lexicographic index of a permutation of 0..n-1 and back */
int          grok_permutation_index   (const int *perm, int n);
void         grok_permutation_from_index (int index, int n, int *perm);
/* (a OP b) mod p for the modular task; b != 0 for div, p prime */
int          grok_modular_apply       (GrokModOp op, int a, int b, int p);
/* the symbols a and b of a discrete task range over (p, 2^n_bits, perm_n!) */
int          grok_task_n_symbols      (const GrokTaskSettings *task);
/* the input of the pair (a, b) as the task's examples hold it: n_positions tokens, or for the
 * digits format d_in numbers 0/1 (the other pointer may be NULL) */
void         grok_task_write_pair     (const GrokTaskSettings *task, int a, int b, int *tokens,
                                       float *x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokDataset, grok_dataset_free)

G_END_DECLS
