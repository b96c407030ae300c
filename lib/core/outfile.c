#define _GNU_SOURCE
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/util.h"

enum { IOBUF = 1 << 16, MAX_LINKS = 40 };

struct outfile {
	FILE *fp;
	char *name;        /* as given, for messages */
	char *target;      /* the regular file replaced; NULL when in place */
	char *tmp;         /* the named temporary file (no O_TMPFILE), or NULL */
	int fd;            /* the unnamed temporary file's descriptor, or -1 */
	int is_stdout;
	char *iobuf;
};

/*
 * Named temporary files alive, for the fatal-signal handler: only the
 * fallback without O_TMPFILE needs them, and a handler has no other way
 * to find them.  Fixed size, so the handler never sees a moving array.
 */
enum { MAX_LIVE = 16 };
static char *volatile live[MAX_LIVE];
static int handlers_set;

static void
unlink_live(void)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] != NULL)
			unlink(live[i]);
}

static void
on_fatal(int sig)
{
	unlink_live();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
set_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV,
	    SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXFSZ, SIGXCPU, SIGPIPE };
	struct sigaction sa, old;

	if (handlers_set)
		return;
	handlers_set = 1;
	atexit(unlink_live);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* an ignored signal stays ignored: it kills nobody */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

static int
live_add(char *path)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == NULL) {
			live[i] = path;
			return 0;
		}
	errno = EMFILE;
	return -1;
}

static void
live_del(const char *path)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == path)
			live[i] = NULL;
}

/* Returns N if path is /dev/fd/N or /proc/self/fd/N (or /proc/PID/fd/N of
 * this process), else -1. */
static int
fd_path(const char *path)
{
	char self[32];
	const char *p = NULL;
	char *end;
	long n;

	snprintf(self, sizeof(self), "/proc/%ld/fd/", (long)getpid());
	if (strncmp(path, "/dev/fd/", 8) == 0)
		p = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		p = path + 14;
	else if (strncmp(path, self, strlen(self)) == 0)
		p = path + strlen(self);
	if (p == NULL || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	if (*end != '\0' || errno != 0 || n > INT_MAX)
		return -1;
	return (int)n;
}

/*
 * Whether the link at path (its lstat in st) may be followed.  A link in a
 * sticky, world-writable directory (/tmp) that belongs neither to us nor
 * to the directory's owner is anybody's: followed, it would let any local
 * user point root's output at /etc/passwd.  The kernel refuses it where
 * fs.protected_symlinks is set; prof refuses it everywhere.
 */
static int
link_trusted(const char *path, const struct stat *st)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	struct stat dst;
	int ok;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	ok = stat(dir, &dst) < 0 || !(dst.st_mode & S_ISVTX) || !(dst.st_mode & S_IWOTH) ||
	    st->st_uid == geteuid() || st->st_uid == dst.st_uid;
	free(dir);
	return ok;
}

/*
 * Follows the symbolic links of path.  Returns the final path (malloc'd)
 * and its stat in *st (st->st_mode 0 when it does not exist), or NULL with
 * errno set (EPERM: a link not to be trusted, link_trusted).  *fd is set
 * to N when a link leads to a descriptor path.
 */
static char *
resolve(const char *path, struct stat *st, int *fd)
{
	char *cur = xstrdup(path);

	*fd = -1;
	for (int hops = 0;; hops++) {
		if ((*fd = fd_path(cur)) >= 0)
			return cur;
		if (lstat(cur, st) < 0) {
			if (errno != ENOENT) {
				free(cur);
				return NULL;
			}
			memset(st, 0, sizeof(*st));
			return cur;
		}
		if (!S_ISLNK(st->st_mode))
			return cur;
		if (hops == MAX_LINKS) {
			free(cur);
			errno = ELOOP;
			return NULL;
		}
		if (!link_trusted(cur, st)) {
			free(cur);
			errno = EPERM;
			return NULL;
		}
		char *link = xmalloc((size_t)st->st_size + PATH_MAX + 1);
		ssize_t n = readlink(cur, link, (size_t)st->st_size + PATH_MAX);
		if (n < 0) {
			free(link);
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		if (link[0] != '/') {
			/* relative to the link's own directory */
			char *slash = strrchr(cur, '/');
			if (slash != NULL) {
				char *joined;
				slash[1] = '\0';
				joined = xmalloc(strlen(cur) + (size_t)n + 1);
				strcpy(joined, cur);
				strcat(joined, link);
				free(link);
				link = joined;
			}
		}
		free(cur);
		cur = link;
	}
}

int
outfile_mkdirs(const char *dir, mode_t mode, size_t *bad)
{
	char *s = xstrdup(dir);
	struct stat st;
	int ret = 0;

	*bad = 0;
	if (*s == '\0') {
		free(s);
		errno = ENOENT;
		return -1;
	}
	for (char *p = s + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if ((mkdir(s, mode) < 0 && errno != EEXIST) || stat(s, &st) < 0)
			ret = -1;
		else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			ret = -1;
		}
		if (ret < 0)
			*bad = (size_t)(p - s);
		if (ret < 0 || (*p = c) == '\0')
			break;
	}
	free(s);
	return ret;
}

/* mkdir -p of the directory part of path */
static int
make_dirs(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	size_t bad;
	int ret = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if ((ret = outfile_mkdirs(dir, 0777, &bad)) < 0)
			warn("%.*s: cannot make the directory:", (int)bad, dir);
	}
	free(dir);
	return ret;
}

/* Opens a socket path as a client, as a FIFO would be opened. */
static int
open_socket(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The temporary file for target: unnamed when the file system allows. */
static int
open_temp(struct outfile *o, const struct stat *st)
{
	char *dir = xstrdup(o->target), *slash = strrchr(dir, '/');
	mode_t mode;
	int fd;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (st->st_mode != 0)
		mode = st->st_mode & 07777;
	else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	/* linkat() of an unnamed file goes through /proc/self/fd */
	fd = access("/proc/self/fd", X_OK) == 0 ?
	    open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) : -1;
	free(dir);
	if (fd >= 0) {
		o->fd = fd;
	} else {
		o->tmp = xmalloc(strlen(o->target) + 16);
		sprintf(o->tmp, "%s.tmp.XXXXXX", o->target);
		if (!handlers_set)
			set_handlers();
		if ((fd = mkostemp(o->tmp, O_CLOEXEC)) < 0 || live_add(o->tmp) < 0) {
			if (fd >= 0) {
				close(fd);
				unlink(o->tmp);
			}
			free(o->tmp);
			o->tmp = NULL;
			return -1;
		}
	}
	/* the file starts 0600: readable by nobody else while written */
	(void)!fchmod(fd, mode);
	if (st->st_mode != 0 && geteuid() == 0)
		(void)!fchown(fd, st->st_uid, st->st_gid);
	return fd;
}

static void
free_outfile(struct outfile *o)
{
	if (o->tmp != NULL) {
		unlink(o->tmp);
		live_del(o->tmp);
		free(o->tmp);
	}
	free(o->target);
	free(o->name);
	free(o->iobuf);
	free(o);
}

struct outfile *
outfile_create(const char *path, int flags)
{
	struct outfile *o = xcalloc(1, sizeof(*o));
	struct stat st;
	int fd = -1, dupfd;
	char *real;

	o->name = xstrdup(path);
	o->fd = -1;
	if (strcmp(path, "-") == 0) {
		o->is_stdout = 1;
		o->fp = stdout;
		setvbuf(stdout, NULL, _IOFBF, IOBUF);
		return o;
	}
	if (*path == '\0') {
		warn("'': not a file name");
		goto fail;
	}
	if (strcmp(path, "/dev/stdout") == 0)
		path = "/dev/fd/1";
	else if (strcmp(path, "/dev/stderr") == 0)
		path = "/dev/fd/2";
	if ((flags & OUTFILE_MKDIRS) && make_dirs(path) < 0)
		goto fail;
	if ((real = resolve(path, &st, &dupfd)) == NULL) {
		if (errno == EPERM)
			warn("%s: a link of another user's in a sticky, world-writable "
			    "directory: not followed (remove it, or write elsewhere)", o->name);
		else
			warn("%s: cannot open:", o->name);
		goto fail;
	}
	if (dupfd >= 0) {
		free(real);
		if ((fd = fcntl(dupfd, F_DUPFD_CLOEXEC, 3)) < 0) {
			warn("%s: cannot open:", o->name);
			goto fail;
		}
	} else if (st.st_mode != 0 && S_ISDIR(st.st_mode)) {
		free(real);
		errno = EISDIR;
		warn("%s: cannot write:", o->name);
		goto fail;
	} else if (st.st_mode != 0 && !S_ISREG(st.st_mode)) {
		/* a device, a FIFO or a socket: written in place, never replaced */
		fd = S_ISSOCK(st.st_mode) ? open_socket(real) :
		    open(real, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		free(real);
		if (fd < 0) {
			warn("%s: cannot open:", o->name);
			goto fail;
		}
	} else {
		o->target = real;
		if ((fd = open_temp(o, &st)) < 0) {
			warn("%s: cannot create a file beside it:", o->name);
			goto fail;
		}
	}
	if ((o->fp = fdopen(fd, "w")) == NULL) {
		warn("%s: cannot open:", o->name);
		close(fd);
		goto fail;
	}
	o->iobuf = xmalloc(IOBUF);
	setvbuf(o->fp, o->iobuf, _IOFBF, IOBUF);
	return o;
fail:
	free_outfile(o);
	return NULL;
}

struct outfile *
outfile_open(const char *path)
{
	struct outfile *o = outfile_create(path, 0);

	if (o == NULL)
		exit(EXIT_USAGE);
	return o;
}

FILE *
outfile_fp(const struct outfile *o)
{
	return o->fp;
}

/*
 * Gives the unnamed file the name o->tmp in the target's directory, so
 * that rename() can put it in place.
 */
static int
name_temp(struct outfile *o)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	o->tmp = xmalloc(strlen(o->target) + 24);
	for (int tries = 0; tries < 100; tries++) {
		sprintf(o->tmp, "%s.tmp.%06lx", o->target,
		    ((unsigned long)random() ^ (unsigned long)getpid() << 8) & 0xffffff);
		if (live_add(o->tmp) < 0)
			break;
		if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0)
			return 0;
		live_del(o->tmp);
		if (errno != EEXIST)
			break;
	}
	free(o->tmp);
	o->tmp = NULL;
	return -1;
}

/* Flushes and closes o's stream; 0, or -1 after a message. */
static int
finish(struct outfile *o)
{
	int ret;

	if (o->is_stdout)
		return util_fshut(stdout, "stdout");
	/* keep the unnamed file open: linkat() needs its descriptor */
	if (o->fd >= 0 && (o->fd = fcntl(o->fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		warn("%s: cannot keep the new file open:", o->name);
		fclose(o->fp);
		o->fp = NULL;
		return -1;
	}
	ret = util_fshut(o->fp, o->name);
	o->fp = NULL;
	return ret;
}

/* Puts a finished o in place; 0, or -1 after a message. */
static int
install(struct outfile *o)
{
	int ret = 0;

	if (o->target == NULL)
		return 0;
	if (o->fd >= 0) {
		if (name_temp(o) < 0) {
			warn("%s: cannot name the new file beside it:", o->name);
			ret = -1;
		}
		close(o->fd);
		o->fd = -1;
	}
	if (ret == 0 && rename(o->tmp, o->target) < 0) {
		warn("%s: cannot rename %s into place:", o->name, o->tmp);
		ret = -1;
	}
	if (ret == 0) {
		live_del(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	return ret;
}

int
outfile_commit(struct outfile *o)
{
	return outfile_commit_all(&o, 1);
}

int
outfile_commit_all(struct outfile **v, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] == NULL || finish(v[i]) < 0)
			ret = -1;
	for (size_t i = 0; i < n && ret == 0; i++)
		if (install(v[i]) < 0)
			ret = -1;
	for (size_t i = 0; i < n; i++)
		if (v[i] != NULL) {
			if (v[i]->fd >= 0)
				close(v[i]->fd);
			free_outfile(v[i]);
		}
	return ret;
}

void
outfile_discard(struct outfile *o)
{
	if (o == NULL)
		return;
	if (o->fp != NULL && !o->is_stdout)
		fclose(o->fp);
	if (o->fd >= 0 && o->fp == NULL)
		close(o->fd);
	free_outfile(o);
}

int
outfile_save(const char *path, const void *buf, size_t len, int flags)
{
	struct outfile *o = outfile_create(path, flags);

	if (o == NULL)
		return -1;
	fwrite(buf, 1, len, o->fp);
	return outfile_commit(o);
}
