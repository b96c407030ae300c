/*
 * ksym: kernel addresses to names, from /proc/kallsyms.
 *
 * The table is read once, sorted by address, and searched by bisection
 * behind a cache of the lookups made (kernel stacks repeat a few hundred
 * addresses): a lookup changes the table, so one thread uses a table.
 * Without permission (kptr_restrict) every address reads as 0; the table
 * is then empty and every lookup gives NULL, so kernel frames come out as
 * "[kernel]".  Names are owned by the table.
 */
#ifndef PROF_KSYM_H
#define PROF_KSYM_H

#include <stdint.h>

struct ksym_table;

/* Reads /proc/kallsyms (or path, for tests); never fails: may be empty. */
struct ksym_table *ksym_load(const char *path);

/* The name of the function holding addr, or NULL. */
const char *ksym_name(struct ksym_table *t, uint64_t addr);

void ksym_free(struct ksym_table *t);

#endif
