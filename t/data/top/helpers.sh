# Sourced by t/4xxx: prof-top's figures in forms awk compares.
# Needs C2T (csv2tsv.awk).

# top_tsv OUT ARGS...: prof-top --format csv ARGS as tab-separated rows in
# OUT, without the header.
top_tsv () {
	_out=$1
	shift
	prof-top --format csv "$@" >"$_out.csv" || return 1
	awk -f "$C2T" "$_out.csv" | sed 1d >"$_out"
}

# fact JSON KEY: a number of the JSON header's facts.
fact () {
	sed -n "s/.*\"$2\": \([0-9.]*\)[,}].*/\1/p" "$1"
}
