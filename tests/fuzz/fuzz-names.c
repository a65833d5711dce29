/* The names found in a run folder: which are checkpoints (step-NNNNNNNN.safetensors) and which
 * are temporary files of an atomic write (.NAME.tmp-XXXXXX), the only ones ever removed as
 * leftovers. A name taken must be exactly the one the writer would make. */
#include "fuzz-common.h"
#include "grok-checkpoints.h"
#include "grok-fileio.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  gint64 step;

  /* a name in a folder holds neither */
  if (memchr (data, '/', size) != NULL || memchr (data, '\0', size) != NULL)
    return 0;
  name = g_strndup ((const char *) data, size);
  step = grok_checkpoint_step_of (name);

  if (step >= 0)
    {
      g_autofree char *again = grok_checkpoint_filename (step);
      g_assert (strcmp (again, name) == 0);
    }
  target = grok_file_atomic_temp_target (name);
  if (target != NULL)
    {
      gsize n = strlen (target);
      g_assert (n > 0 && strchr (target, '/') == NULL);
      g_assert (name[0] == '.' && strncmp (name + 1, target, n) == 0 &&
                strncmp (name + 1 + n, ".tmp-", 5) == 0 && strlen (name + 1 + n + 5) == 6);
    }
  return 0;
}
