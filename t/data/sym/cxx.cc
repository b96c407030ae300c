// C++ names for t/0100-lib-sym.t: a function in a namespace, a member of a
// class template, and one inlined into the other; names are demangled from
// DW_AT_linkage_name.
namespace prof {
namespace demo {

template <typename T> struct Box {
	T v;
	__attribute__((noinline)) T twice(T k) const { return v * 2 + k; }
	__attribute__((always_inline)) inline T plus(T k) const { return twice(k) * 3; }
};

__attribute__((noinline)) int
work(int n)
{
	Box<int> b{n};
	return b.twice(n) + b.plus(3);
}

} // namespace demo
} // namespace prof

int
main(int argc, char **)
{
	return prof::demo::work(argc) & 1;
}
