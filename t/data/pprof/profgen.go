// profgen: writes real Go profiles for prof's tests (t/2800-fold-pprof.t).
//
//	go run profgen.go cpu|heap|mutex FILE
//
// cpu: about 0.6 s of CPU in two labelled phases (label "phase": parse,
// hash), with a small function the compiler inlines (so locations carry
// several lines); heap: allocations of known sizes, every one sampled
// (MemProfileRate 1); mutex: goroutines contending on one mutex, every
// contention sampled.  Standard library only, so it builds offline.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var sink uint64

// mix is small enough to be inlined into its callers.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	return x ^ (x >> 29)
}

//go:noinline
func hashLoop(d time.Duration) {
	var h uint64
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 10000; i++ {
			h = mix(h + uint64(i))
		}
	}
	sink += h
}

//go:noinline
func parseLoop(d time.Duration) {
	var n uint64
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 10000; i++ {
			n += uint64(i%7) * 3
		}
	}
	sink += n
}

var keep [][]byte

//go:noinline
func allocSmall() {
	for i := 0; i < 1000; i++ {
		keep = append(keep, make([]byte, 64))
	}
}

//go:noinline
func allocLarge() {
	for i := 0; i < 100; i++ {
		keep = append(keep, make([]byte, 8192))
	}
}

//go:noinline
func contend(mu *sync.Mutex, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 200; i++ {
		mu.Lock()
		time.Sleep(50 * time.Microsecond)
		mu.Unlock()
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: profgen cpu|heap|mutex FILE")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	switch os.Args[1] {
	case "cpu":
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		ctx := context.Background()
		pprof.Do(ctx, pprof.Labels("phase", "hash"), func(context.Context) { hashLoop(400 * time.Millisecond) })
		pprof.Do(ctx, pprof.Labels("phase", "parse"), func(context.Context) { parseLoop(200 * time.Millisecond) })
		pprof.StopCPUProfile()
	case "heap":
		runtime.MemProfileRate = 1
		allocSmall()
		allocLarge()
		runtime.GC()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "mutex":
		runtime.SetMutexProfileFraction(1)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go contend(&mu, &wg)
		}
		wg.Wait()
		if err := pprof.Lookup("mutex").WriteTo(f, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: profgen cpu|heap|mutex FILE")
		os.Exit(2)
	}
}
