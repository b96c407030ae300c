#!/bin/sh
test_description='prof-top: what the recording missed (kernel excluded, samples lost), from the metadata'
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3"

# The metadata prof-record writes (prof-folded(5)): a profile recorded
# where the kernel refused to be sampled, and one that lost samples.
cat >excluded.folded <<\END
# type: cpu
# unit: samples
# kernel: excluded (perf_event_paranoid=2)
# samples: 2872 samples
# lost: 1987 samples
app;main;write_loop;__GI___libc_write 30
app;main;cpu_loop 70
END
cat >whole.folded <<\END
# kernel: included
# samples: 100 samples
# lost: 0 samples
app;main;write_loop;__GI___libc_write;do_syscall_64_[k] 30
app;main;cpu_loop 70
END

test_expect_success 'the table: a line for the kernel excluded, one for the samples lost, first' '
	prof-top excluded.folded >out &&
	cat out &&
	head -n 2 out >actual &&
	cat >expect <<-\END &&
	Kernel: excluded (perf_event_paranoid=2): the profile has no kernel frames, and the time spent in system calls and page faults may be missing from it.
	Lost: the kernel dropped 1987 of 4859 samples (41%): the shares are those of the samples kept.
	END
	test_cmp expect actual
'

test_expect_success 'JSON: the notes, and the fields kernel, lost, lost_pct' '
	prof-top --format json excluded.folded >out.json &&
	python3 -c "
import json
h = json.load(open(\"out.json\"))[\"header\"]
assert h[\"kernel\"] == \"excluded (perf_event_paranoid=2)\", h
assert h[\"lost\"] == 1987 and abs(h[\"lost_pct\"] - 40.8932) < 1e-9, h
assert h[\"notes\"][0].startswith(\"Kernel: excluded (perf_event_paranoid=2): \"), h
assert h[\"notes\"][1].startswith(\"Lost: the kernel dropped 1987 of 4859 samples (41%)\"), h
"
'

test_expect_success 'Markdown and --callers: the same lines' '
	prof-top --format markdown excluded.folded >out.md &&
	grep "^Kernel: excluded (perf_event_paranoid=2): " out.md &&
	grep "^Lost: the kernel dropped 1987 of 4859 samples (41%)" out.md &&
	prof-top --callers cpu_loop excluded.folded >peek.out &&
	grep "^Kernel: excluded" peek.out &&
	grep "^Lost: " peek.out
'

test_expect_success 'the kernel included, nothing lost: no line, and the fields say so' '
	prof-top whole.folded >out &&
	! grep -e "^Kernel:" -e "^Lost:" out &&
	prof-top --format json whole.folded >out.json &&
	python3 -c "
import json
h = json.load(open(\"out.json\"))[\"header\"]
assert h[\"kernel\"] == \"included\" and h[\"lost\"] == 0 and h[\"lost_pct\"] == 0, h
assert not [n for n in h[\"notes\"] if n.startswith((\"Kernel\", \"Lost\"))], h
"
'

test_expect_success 'no such metadata: no line, no field' '
	printf "app;main 3\n" >bare.folded &&
	prof-top --format json bare.folded >out.json &&
	! grep -e "\"kernel\"" -e "\"lost" -e "Kernel:" -e "Lost:" out.json
'

# Untrusted values: a count that is not one is no caveat; a share under
# 1 % keeps two digits; samples not said give no share.
while IFS='|' read -r title meta note; do
	case_meta=$meta case_note=$note
	test_expect_success "lost: $title" '
		printf "%b" "$case_meta" >in.folded &&
		printf "a;b 1\n" >>in.folded &&
		prof-top in.folded >out &&
		if test -n "$case_note"; then
			grep -Fx "$case_note" out
		else
			! grep "^Lost" out
		fi
	'
done <<\TABLE
under 1 %, two digits|# lost: 3 samples\n# samples: 997 samples\n|Lost: the kernel dropped 3 of 1000 samples (0.3%): the shares are those of the samples kept.
samples kept not said, no share|# lost: 12 samples\n|Lost: the kernel dropped 12 samples: the shares are those of the samples kept.
no unit, no caveat|# lost: 12\n# samples: 10 samples\n|
negative, no caveat|# lost: -4 samples\n|
too large, no caveat|# lost: 99999999999999999999999 samples\n|
another unit, no caveat|# lost: 12 bytes\n|
TABLE

test_expect_success 'a hostile kernel value is shown clean' '
	printf "# kernel: excluded \\033[31mred\\n# samples: 1 samples\\na;b 1\\n" >h.folded &&
	prof-top h.folded >out &&
	grep "^Kernel: excluded" out &&
	! grep "$(printf "\\033")" out
'

done_testing
