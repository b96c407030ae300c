#include "top/caveat.h"

#include <stdio.h>
#include <string.h>

int
caveat_read(struct caveat *c, const struct meta *m)
{
	memset(c, 0, sizeof(*c));
	c->kernel = meta_get(m, "kernel");
	c->kernel_excluded = c->kernel != NULL && strncmp(c->kernel, "excluded", 8) == 0;
	c->lost_known = meta_samples(meta_get(m, "lost"), &c->lost) == 0;
	if (!c->lost_known)
		c->lost = 0;
	c->samples_known = meta_samples(meta_get(m, "samples"), &c->samples) == 0;
	if (!c->samples_known)
		c->samples = 0;
	return c->kernel_excluded + (c->lost > 0);
}

double
caveat_lost_pct(const struct caveat *c)
{
	if (c->lost == 0 || !c->samples_known)
		return 0;
	return 100.0 * (double)c->lost / ((double)c->lost + (double)c->samples);
}

int
caveat_kernel_text(const struct caveat *c, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!c->kernel_excluded)
		return 0;
	snprintf(buf, len, "Kernel: %s: the profile has no kernel frames, and the time "
	    "spent in system calls and page faults may be missing from it", c->kernel);
	return 1;
}

int
caveat_lost_text(const struct caveat *c, char *buf, size_t len)
{
	double pct = caveat_lost_pct(c);

	buf[0] = '\0';
	if (c->lost == 0)
		return 0;
	if (!c->samples_known)
		snprintf(buf, len, "Lost: the kernel dropped %llu samples: the shares are "
		    "those of the samples kept", c->lost);
	else
		snprintf(buf, len, pct >= 1 ? "Lost: the kernel dropped %llu of %llu samples "
		    "(%.0f%%): the shares are those of the samples kept" : "Lost: the kernel "
		    "dropped %llu of %llu samples (%.2g%%): the shares are those of the samples "
		    "kept", c->lost, c->lost + c->samples, pct);
	return 1;
}

void
caveat_table(struct table *t, const struct caveat *c)
{
	char b[512];

	if (caveat_kernel_text(c, b, sizeof(b)))
		table_note(t, "%s.", b);
	if (caveat_lost_text(c, b, sizeof(b)))
		table_note(t, "%s.", b);
	if (c->kernel != NULL)
		table_fact(t, "kernel", c->kernel, 0);
	if (c->lost_known) {
		snprintf(b, sizeof(b), "%llu", c->lost);
		table_fact(t, "lost", b, 1);
	}
	if (c->lost_known && c->samples_known) {
		snprintf(b, sizeof(b), "%.4f", caveat_lost_pct(c));
		table_fact(t, "lost_pct", b, 1);
	}
}
