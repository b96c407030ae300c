// A tiny Go package whose benchmarks make the Go fixture of
// t/0500-lib-bench.t (see README): one benchmark that allocates, one that
// does not, and one with sub-benchmarks.
package bresbench

import (
	"sort"
	"strconv"
	"testing"
)

var sink interface{}

func BenchmarkItoa(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = strconv.Itoa(i)
	}
}

func BenchmarkSum(b *testing.B) {
	x := make([]int, 1000)
	for i := range x {
		x[i] = i
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := 0
		for _, v := range x {
			s += v
		}
		sink = s
	}
}

func BenchmarkSort(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			x := make([]int, n)
			for i := 0; i < b.N; i++ {
				for j := range x {
					x[j] = (j * 7919) % n
				}
				sort.Ints(x)
			}
		})
	}
}
