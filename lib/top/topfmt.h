/*
 * topfmt: a top (top.h) as a table (table.h), the form prof-top and
 * prof-diff --summary share.
 *
 * Columns, in this order for csv and json (name first) and with name last
 * for text and markdown, as pprof prints it:
 *   a profile:       name flat flat_pct sum_pct cum cum_pct
 *   a differential:  name flat_before flat_after flat_delta flat_pct_before
 *                    flat_pct_after flat_delta_pct cum_before cum_after
 *                    cum_delta cum_pct_before cum_pct_after cum_delta_pct
 * (the *_delta_pct columns are the change of the share of the total, in
 * percentage points).  Counts show in the profile's unit (unit.h); their
 * raw values are exact; percentages show with 2 decimals, raw with 4.
 * sum_pct is the running total of flat_pct over the rows in their order.
 * A row's colour: in a profile red from 10% flat, yellow from 1%; in a
 * differential, red when its share grew by half a point or more, green
 * when it shrank as much.
 */
#ifndef PROF_TOPFMT_H
#define PROF_TOPFMT_H

#include <stddef.h>

#include "core/table.h"
#include "folded/unit.h"
#include "top/top.h"

/*
 * Adds the notes, header facts and the first nrows rows of tp (0: all, in
 * their order) to t, a new table of format; what names a row ("function",
 * "file", ...) comes from granularity.
 */
void topfmt_rows(struct table *t, int format, const struct top *tp, const struct unit *u,
    int granularity, size_t nrows);

/*
 * Adds the peeked row of tp (built with top_opts.peek) to t: notes, then a
 * "callers" and a "callees" section (name, count, pct: the share of the
 * function's cum; a differential: name, before, after, delta).
 * Returns -1 when the profile has no such row (nothing added), else 0.
 */
int topfmt_peek(struct table *t, int format, const struct top *tp, const struct unit *u,
    const char *name, int callers, int callees);

#endif
