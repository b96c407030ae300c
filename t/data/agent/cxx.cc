// cxx: new and delete, exceptions, containers freed by static destructors.
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

static std::vector<std::string> global_names;
static std::map<int, std::string> global_map;

__attribute__((noinline)) void
thrower(int i)
{
	if (i % 3 == 0)
		throw std::runtime_error("three " + std::to_string(i));
}

int
main()
{
	int caught = 0;

	for (int i = 0; i < 3000; i++) {
		global_names.push_back("name number " + std::to_string(i) + " with a long tail");
		global_map[i] = global_names.back();
		try {
			thrower(i);
		} catch (const std::exception &e) {
			caught++;
		}
		delete new int[i + 1];
	}
	std::cout << caught << "\n";
	return 0;
}
