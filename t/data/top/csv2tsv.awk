# csv2tsv.awk: CSV (RFC 4180, as libcsv writes it: fields quoted or not,
# "" for a quote inside a quoted field, no newline inside a field) to
# tab-separated fields, so that the tests compare prof-top's figures and
# not its quoting.  A blank line (between CSV sections) stays blank.
{
	sub(/\r$/, "")
	out = ""; f = ""; q = 0; sep = ""
	for (i = 1; i <= length($0); i++) {
		c = substr($0, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr($0, i + 1, 1) == "\"") { f = f "\""; i++ }
				else q = 0
			} else
				f = f c
		} else if (c == "\"")
			q = 1
		else if (c == ",") {
			out = out sep f; sep = "\t"; f = ""
		} else
			f = f c
	}
	if ($0 != "")
		out = out sep f
	print out
}
