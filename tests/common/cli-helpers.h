/* Running grokscope-cli from a test: its exit status and what it printed. The tests set cli
 * from the GROK_CLI environment variable in main. Header-only, like the other helpers here. */
#pragma once

#include <glib.h>
#include <string.h>
#include <sys/wait.h>

static const char *cli;

/* the CLI under test, as meson gives it */
static inline void
cli_from_env (void)
{
  cli = g_getenv ("GROK_CLI");
  g_assert_nonnull (cli);
}

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static inline void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static inline void
run_cli (Result *r, const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) args[0]);
  /* the presets measure LMN and local complexity; these tests are about the command line,
   * and those measures would make every run here (and far more so under the sanitizers)
   * slow: leave them off, keep the cheap spectrum and complexity. Views files cost LMN's
   * matrix too: off unless a test's own --set (applied later) turns them on. */
  if (g_str_equal (args[0], "train"))
    for (const char * const *p = (const char *[]) { "--set", "measures.lmn_per_decade=0", "--set",
                                                     "measures.local_complexity_per_decade=0",
                                                     "--set", "checkpoints.views=0", NULL }; *p; p++)
      g_ptr_array_add (argv, (char *) *p);
  for (int i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r->out, &r->err, &wait_status, &error));
  g_assert_no_error (error);
  r->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

static inline void
assert_contains (const char *text, const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("expected '%s' in: %s", needle, text);
}

