/*
 * caveat: what a recorded profile's metadata says it misses, for the
 * tools that show a profile to a person (prof-top, prof-plan).
 *
 * prof-record writes "# kernel: included" or "# kernel: excluded (WHY)"
 * and "# lost: N samples" beside "# samples: M samples" (prof-folded(5)).
 * A profile without the kernel lacks the time of system calls and page
 * faults; one that lost samples has the shares of those it kept.  Both
 * are said where the profile is shown, since whoever reads it may not be
 * whoever recorded it.  Metadata is untrusted text: a value that is not
 * of the form above is no caveat (and no crash).
 * A struct caveat points into the meta it was read from (kernel) and
 * lives no longer than it.
 */
#ifndef PROF_CAVEAT_H
#define PROF_CAVEAT_H

#include <stddef.h>

#include "core/table.h"
#include "folded/meta.h"

struct caveat {
	const char *kernel;          /* the "kernel" value, or NULL when absent */
	int kernel_excluded;         /* it says "excluded" */
	int lost_known, samples_known;   /* "lost", "samples" read */
	unsigned long long lost;     /* samples lost; 0 when not known */
	unsigned long long samples;  /* samples kept; 0 when not known */
};

/* Reads the caveats of the metadata m into *c; returns how many apply
 * (the kernel excluded, samples lost): 0, 1 or 2. */
int caveat_read(struct caveat *c, const struct meta *m);

/* The lost samples' share of all taken (kept + lost), in percent; 0 when
 * none were lost, or the samples kept are not known. */
double caveat_lost_pct(const struct caveat *c);

/* The sentence of each caveat, without a final period: "Kernel:
 * excluded (WHY): ..." and "Lost: ...", written to buf (len bytes,
 * cut if needed); 0 and an empty buf when it does not apply. */
int caveat_kernel_text(const struct caveat *c, char *buf, size_t len);
int caveat_lost_text(const struct caveat *c, char *buf, size_t len);

/*
 * Adds c to a table: a note for each caveat that applies, and the header
 * facts (JSON) "kernel" (the metadata's value, a string) when the
 * metadata has it, "lost" (a number) when it says how many samples were
 * lost, and "lost_pct" when it says how many were kept too.
 */
void caveat_table(struct table *t, const struct caveat *c);

#endif
