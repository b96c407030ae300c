/*
 * kv: an ordered list of string keys and values, such as a profile's
 * metadata or the context of benchmark results.
 *
 * Invariants: a key appears at most once (kv_set replaces its value in
 * place, so the order is that of first setting); the list owns copies of
 * every key and value; a zeroed struct kv is an empty list.  Lists are
 * small (tens of items), so a lookup is a linear scan.
 */
#ifndef PROF_KV_H
#define PROF_KV_H

#include <stddef.h>

struct kv_item {
	char *key, *value;
};

struct kv {
	struct kv_item *items;
	size_t n;
};

/* Returns the value of key, or NULL. */
const char *kv_get(const struct kv *l, const char *key);

/* Sets key to value (copies both), replacing an earlier value in place. */
void kv_set(struct kv *l, const char *key, const char *value);

/* Removes key if present, keeping the order of the others. */
void kv_del(struct kv *l, const char *key);

/* Frees what the list owns and empties it. */
void kv_free(struct kv *l);

#endif
