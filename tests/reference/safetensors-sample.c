/* Helper for the Python cross-check: "write PATH" writes a small checkpoint whose values follow a
 * formula the script recomputes with torch; "dump PATH" reads a checkpoint and prints every
 * tensor as "name|shape|values" so the script can compare with what it wrote itself. */
#include "grok-params.h"
#include "grok-safetensors.h"

#include <stdio.h>
#include <string.h>

static int
write_sample (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokParams) params = grok_params_new ();
  g_autoptr(GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  const int s0[] = { 4, 3 }, s1[] = { 5, 2 }, s2[] = { 3 }, s3[] = { 2, 1, 2, 2 };

  grok_params_add (params, "layers.0.bias", 1, s2);
  grok_params_add (params, "embed.weight", 2, s1);
  grok_params_add (params, "z.w", 4, s3);
  grok_params_add (params, "blocks.0.attn.q.weight", 2, s0);
  grok_params_allocate (params);
  /* tensor c (canonical position) element j = c + (j - 3) / 8: exact in float32 */
  for (int c = 0; c < params->n_tensors; c++)
    {
      int t = params->canonical[c];
      float *x = grok_params_tensor_data (params, t);
      for (gsize j = 0; j < params->tensors[t].numel; j++)
        x[j] = (float) c + ((float) j - 3.0f) / 8.0f;
    }
  g_hash_table_insert (meta, (char *) "step", (char *) "100");
  g_hash_table_insert (meta, (char *) "config", (char *) "{\"lr\": 0.001,\n\"name\": \"a\\\\b\"}");
  if (!grok_params_write (path, params, meta, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

static int
dump (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrokParams) params = grok_params_read (path, NULL, &error);

  if (params == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (int i = 0; i < params->n_tensors; i++)
    {
      const GrokTensor *t = &params->tensors[i];
      const float *x = grok_params_tensor_data (params, i);

      printf ("%s|", t->name);
      for (int d = 0; d < t->ndim; d++)
        printf ("%s%d", d ? "," : "", t->shape[d]);
      printf ("|");
      /* %.9g round-trips every float32 exactly */
      for (gsize j = 0; j < t->numel; j++)
        printf ("%s%.9g", j ? "," : "", x[j]);
      printf ("\n");
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "write") == 0)
    return write_sample (argv[2]);
  if (argc == 3 && strcmp (argv[1], "dump") == 0)
    return dump (argv[2]);
  g_printerr ("usage: %s write|dump PATH\n", argv[0]);
  return 2;
}
