/*
 * The commands' file input: the only place that reads the files the
 * commands are given (manifests, cluster snapshots, policy files).  What is
 * read goes to the pure cores (load/manifest.h, checks/).
 *
 *   struct iw_files fs = { 0 };
 *   iw_files_expand(&fs, paths, n, &ro, on_problem, ctx);   // directories walked
 *   for each fs.v[i]: iw_file_read(&fs.v[i], &ro, err, sizeof err) ... iw_file_drop()
 *   iw_files_release(&fs);
 *
 * Directories are walked recursively in name order for *.yaml, *.yml and
 * *.json (any case); names starting with '.' are skipped, and so is what an
 * --exclude glob matches (the whole path or the base name, fnmatch).  Each
 * real file is read once (by device and inode: a file given twice, or
 * reached twice through symbolic links, a symlink loop).  A Helm chart
 * (a directory with Chart.yaml; values.yaml or Chart.yaml given alone) and a
 * Kustomize directory (kustomization.yaml, kustomization.yml, Kustomization)
 * are not read: each is one problem saying how to render it first.
 */
#ifndef IW_SRC_FILES_H
#define IW_SRC_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/policyconf.h"
#include "base/err.h"
#include "base/size.h"
#include "checks/stateload.h"
#include "load/yamldoc.h"

/* The largest file read by default (a whole cluster's List fits). */
#define IW_MAX_FILE_BYTES ((size_t)1 << 30)

struct iw_read_opts {
	size_t max_file_bytes;            /* 0: IW_MAX_FILE_BYTES */
	const char *flag;                 /* the option that changes it, named in messages, or NULL */
	char *const *exclude;             /* --exclude globs */
	size_t nexclude;
	bool skip_unrendered;             /* a chart or a kustomization is skipped without a
	                                     problem (lint --skip-non-k8s) */
};

/* Something that could not be read; line and column 0 unless known. */
typedef void (*iw_read_problem_fn)(void *ctx, const char *name, unsigned line, unsigned col,
                                   const char *msg);

struct iw_file {
	char *path;              /* as given or as walked; "-" is stdin */
	const char *name;        /* for messages: path, or "<stdin>" */
	enum yd_format format;   /* .json: JSON, .yaml/.yml: YAML, else by content */
	char *buf;               /* after iw_file_read: UTF-8, NUL-terminated */
	size_t len;
};

struct iw_files {
	struct iw_file *v;
	size_t n, cap;
	struct iw_seen_ *seen_;  /* private: devices and inodes already taken */
};

/*
 * Appends the files to read for each path (a file, a directory, "-").
 * A path that does not exist is appended as it is (reading it says why);
 * directories that cannot be read and the hints above go to 'fn'.  Returns
 * IW_OK or IW_ENOMEM.
 */
enum iw_err iw_files_expand(struct iw_files *fs, char *const *paths, size_t n,
                            const struct iw_read_opts *o, iw_read_problem_fn fn, void *ctx);
void iw_files_release(struct iw_files *fs);

/*
 * Reads f whole into f->buf (UTF-16 and UTF-32 converted to UTF-8), at most
 * o->max_file_bytes.  Returns IW_OK, or IW_EIO / IW_ETOOBIG / IW_ESYNTAX /
 * IW_ENOMEM with the reason in err ("cannot read: No such file or directory",
 * "file too large: 2147483648 bytes, larger than the limit of 1 GiB (--max-file-bytes)").
 */
enum iw_err iw_file_read(struct iw_file *f, const struct iw_read_opts *o, char *err,
                         size_t errsize);
void iw_file_drop(struct iw_file *f);   /* frees f->buf */

/* iw_parse_size (base/size.h) reads the size options. */

/* Reads and parses a policy file (at most IW_POLICYCONF_MAX_BYTES) into *out:
 * iw_policyconf_parse's codes, and IW_EIO / IW_ETOOBIG when the file cannot
 * be read; "FILE...: reason" in 'msg' on failure. */
enum iw_err iw_policyconf_load(const char *path, struct iw_policy **out, char *msg,
                               size_t msgsize);

/*
 * The cluster state from files or directories (lint --against, review
 * --against): every object of every file through the manifest loader
 * (load/manifest.h, managedFields and the like dropped), into 'st'.  Each
 * problem (unreadable file, syntax error, ...) goes to 'fn' with the file's
 * name; 'n' (may be NULL) counts what was taken.  Returns IW_OK or
 * IW_ENOMEM; *problem (may be NULL) is IW_OK when nothing went wrong, else
 * the first problem's kind: IW_EIO / IW_ETOOBIG (a file or directory that
 * could not be read) or IW_ESYNTAX (its content).
 */
enum iw_err iw_state_load_paths(struct iw_state *st, char *const *paths, size_t npaths,
                                const struct iw_read_opts *o, iw_read_problem_fn fn, void *ctx,
                                struct iw_load_counts *n, enum iw_err *problem);

/* One snapshot file into 'st': IW_OK, or the first problem's kind (see
 * iw_state_load_paths) with its text, "FILE:LINE:COL: reason", in 'msg'. */
enum iw_err iw_state_load_file(struct iw_state *st, const char *path, struct iw_load_counts *n,
                               char *msg, size_t msgsize);

#endif
