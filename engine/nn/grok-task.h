/* The tasks of SPEC §1 as datasets: every input pair enumerated once and split with a seed, or
 * continuous 2-D points for xor2d. */
#pragma once

#include <glib.h>

#include "grok-config.h"

G_BEGIN_DECLS

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

/* config must be valid (grok_config_validate) */
GrokDataset *grok_dataset_new  (const GrokConfig *config);
void         grok_dataset_free (GrokDataset *dataset);
/* the sizes grok_dataset_new would give config's task (every array NULL), without building it */
void         grok_dataset_shape (const GrokConfig *config, GrokDataset *shape);
/* the bytes grok_dataset_new allocates at its peak */
gsize        grok_dataset_estimate_bytes (const GrokConfig *config);

/* lexicographic index of a permutation of 0..n-1 and back */
int          grok_permutation_index   (const int *perm, int n);
void         grok_permutation_from_index (int index, int n, int *perm);
/* (a OP b) mod p for the modular task; b != 0 for div, p prime */
int          grok_modular_apply       (GrokModOp op, int a, int b, int p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GrokDataset, grok_dataset_free)

G_END_DECLS
