/* What grok-run-dir.c and grok-run-dir-files.c share and nothing else may call. Every file of a
 * run folder is opened relative to the folder's own descriptor and never through a symbolic
 * link: a link planted where a run's file or folder belongs is refused, naming it. */
#pragma once

#include "grok-run-dir.h"

G_BEGIN_DECLS

/* the run folder at path opened (a link to the folder itself is the person's path, and followed) */
int      grok_run_dir_open_fd               (const char *path, GError **error);
/* checkpoints/ or views/ of the run folder dfd (at path), created first with create. A link or
 * anything but a folder there is an error naming it; a missing one without create is -1 with no
 * error. */
int      grok_run_dir_open_subfolder        (int dfd, const char *path, GrokRunFile sub,
                                             gboolean create, GError **error);
/* an error naming the first of the run's own names at the top of dfd that is a symbolic link */
gboolean grok_run_dir_check_links           (int dfd, const char *path, GError **error);
/* an error unless dfd holds nothing but a lock file and a marker */
gboolean grok_run_dir_check_empty           (int dfd, const char *path, GError **error);
gboolean grok_run_dir_check_replaceable_fd  (int dfd, const char *path, GError **error);
gboolean grok_run_dir_remove_files_fd       (int dfd, const char *path, gboolean whole,
                                             GError **error);
/* TRUE when dfd carries the marker of a run folder */
gboolean grok_run_dir_has_marker            (int dfd);
gboolean grok_run_dir_write_marker          (int dfd, const char *path, GError **error);
/* take the writer's lock on the run folder dfd (at path): the descriptor of its lock file, held
 * until closed. Nothing is ever written into the lock file, and one that cannot be opened for
 * writing (another user's) is locked read-only. -1 with an error naming the folder and the
 * holder's process id when another process holds it (GROK_ERROR_BUSY), or naming the lock file
 * when it is a link or not a regular file. */
int      grok_run_dir_take_lock             (int dfd, const char *path, GError **error);
/* remove what a writer killed during an atomic write left: only the temporary files of a run's
 * own files, exactly by grok_file_write_atomic's pattern, never through a link. Only under the
 * lock. */
void     grok_run_dir_remove_stale_temps    (int dfd);

G_END_DECLS
