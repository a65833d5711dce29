/* How much memory a config needs, worked out before anything is allocated, and whether the
 * machine has it: a config at the top of every key's range asks for tens of gigabytes, which
 * must be a message giving the estimate, not an abort inside the allocator. */
#pragma once

#include <glib.h>

#include "grok-config.h"

G_BEGIN_DECLS

/* the peak bytes a run of config (valid) takes: the dataset, the parameters with their
 * gradients and optimiser state, the activations of a training batch and of the evaluation
 * chunks, checkpoint saves, the snapshots the views draw, and the buffers of the measures and
 * views files it computes */
guint64  grok_config_estimate_memory (const GrokConfig *config);
/* MemAvailable of /proc/meminfo in bytes; 0 when it cannot be read */
guint64  grok_memory_available       (void);
/* FALSE with GROK_ERROR_CONFIG, giving the estimate and the memory available, when config's
 * estimate is more than the memory available now (TRUE when that is unknown) */
gboolean grok_config_check_memory    (const GrokConfig *config, GError **error);

G_END_DECLS
