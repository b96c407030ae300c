// jit.js: JavaScript for V8's JIT, run as `node --perf-basic-prof jit.js
// SECONDS`: main() calls fibLoop() and hashStrings() in turn, hot enough
// that V8 compiles both, for SECONDS of CPU time.  With --perf-basic-prof
// node describes its compiled code in /tmp/perf-PID.map.
'use strict';

function fibLoop(n) {
	let a = 0, b = 1;
	for (let i = 0; i < n; i++) {
		const t = (a + b) % 1000003;
		a = b;
		b = t;
	}
	return a;
}

function hashStrings(k) {
	let h = 0;
	for (let i = 0; i < k; i++) {
		const s = 'key' + i;
		for (let j = 0; j < s.length; j++)
			h = (h * 31 + s.charCodeAt(j)) | 0;
	}
	return h;
}

function cpuSeconds() {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
}

function main() {
	const seconds = +process.argv[2];
	if (!(seconds > 0)) {
		console.error('usage: node jit.js SECONDS');
		process.exit(2);
	}
	const end = cpuSeconds() + seconds;
	let x = 0;
	while (cpuSeconds() < end) {
		x += fibLoop(200000);
		x += hashStrings(20000);
	}
	return x;
}

main();
