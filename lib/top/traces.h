/*
 * traces: the heaviest whole stacks of a profile, as pprof's -traces
 * shows them, for prof-top --traces.
 *
 * One row a stack: its count in the profile's unit (unit.h; raw: the
 * exact count), its share of the stacks given (percent, 2 decimals; raw
 * 4), and the stack, innermost frame first ("leaf < caller < main", the
 * order in which pprof prints a trace).  The stack's raw value (csv,
 * json) is the folded stack itself, root first, so that a machine reads
 * it as prof-folded(5) does.  Heaviest first, ties bytewise by the
 * stack, so the same input gives the same output.  A differential
 * profile's stacks are ranked and shown by their second count (after).
 */
#ifndef PROF_TRACES_H
#define PROF_TRACES_H

#include <stddef.h>

#include "core/table.h"
#include "folded/stacktable.h"
#include "folded/unit.h"

/* Adds the nrows heaviest stacks of tab (0: all) to t, after a note that
 * says how many of how many are shown. */
void traces_rows(struct table *t, struct stacktable *tab, const struct unit *u, int diff,
    size_t nrows);

#endif
