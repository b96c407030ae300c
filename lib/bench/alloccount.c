#include "bench/alloccount.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

/*
 * A sanitizer's allocator must see every allocation (ASan poisons around
 * it, and its free would get glibc's blocks), so under one we define none.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
    defined(__SANITIZE_HWADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define SANITIZED 1
#endif
#endif

#if defined(PROF_ALLOCCOUNT_INTERPOSE) && !defined(SANITIZED)
#define INTERPOSE 1
#endif

/* Apart, so that the flag every allocation reads is not written often. */
static int counting __attribute__((aligned(64)));
static struct {
	long long allocs, bytes, frees;
} counts __attribute__((aligned(64)));

int
alloccount_available(void)
{
#ifdef INTERPOSE
	return 1;
#else
	return 0;
#endif
}

void
alloccount_start(void)
{
	__atomic_store_n(&counts.allocs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&counts.bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&counts.frees, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&counting, 1, __ATOMIC_RELEASE);
}

void
alloccount_stop(struct alloccount *c)
{
	__atomic_store_n(&counting, 0, __ATOMIC_RELEASE);
	c->allocs = __atomic_load_n(&counts.allocs, __ATOMIC_RELAXED);
	c->bytes = __atomic_load_n(&counts.bytes, __ATOMIC_RELAXED);
	c->frees = __atomic_load_n(&counts.frees, __ATOMIC_RELAXED);
}

#ifdef INTERPOSE

/* glibc's allocator under its own names (exported since GLIBC_2.2.5). */
extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static inline void
note_alloc(void *p, size_t n)
{
	if (__builtin_expect(__atomic_load_n(&counting, __ATOMIC_RELAXED), 0) &&
	    p != NULL) {
		__atomic_fetch_add(&counts.allocs, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&counts.bytes, (long long)n, __ATOMIC_RELAXED);
	}
}

static inline void
note_free(void *p)
{
	if (__builtin_expect(__atomic_load_n(&counting, __ATOMIC_RELAXED), 0) &&
	    p != NULL)
		__atomic_fetch_add(&counts.frees, 1, __ATOMIC_RELAXED);
}

void *
malloc(size_t n)
{
	void *p = __libc_malloc(n);

	note_alloc(p, n);
	return p;
}

void
free(void *p)
{
	note_free(p);
	__libc_free(p);
}

void *
calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);

	/* p is NULL when n * size overflows */
	note_alloc(p, n * size);
	return p;
}

/* glibc's realloc(p, 0) frees p and returns NULL; a failure keeps p. */
void *
realloc(void *old, size_t n)
{
	void *p = __libc_realloc(old, n);

	if (p != NULL || n == 0)
		note_free(old);
	note_alloc(p, n);
	return p;
}

void *
reallocarray(void *old, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, total);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	int saved = errno;
	void *p;

	if (align == 0 || align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
		return EINVAL;
	p = __libc_memalign(align, n);
	errno = saved;
	if (p == NULL)
		return ENOMEM;
	note_alloc(p, n);
	*out = p;
	return 0;
}

/* In glibc 2.36 aligned_alloc is memalign (the same address). */
void *
aligned_alloc(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	note_alloc(p, n);
	return p;
}

void *
memalign(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	note_alloc(p, n);
	return p;
}

void *
valloc(size_t n)
{
	void *p = __libc_valloc(n);

	note_alloc(p, n);
	return p;
}

void *
pvalloc(size_t n)
{
	void *p = __libc_pvalloc(n);

	note_alloc(p, n);
	return p;
}

#endif
