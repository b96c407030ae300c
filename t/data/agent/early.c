/* A library whose constructor allocates: it runs before the agent's. */
#include <stdlib.h>
#include <string.h>

char *early_block[4];

__attribute__((constructor)) static void
early_ctor(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		early_block[i] = malloc(1000);
		memset(early_block[i], 1, 1000);
	}
}
