/* Does nothing: linked static, its run is the harness's own floor. */
int
main(void)
{
	return 0;
}
