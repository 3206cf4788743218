// Corpus replay for the regular (gcc) build: every file of a fuzz target's corpus goes through the
// target once, so a fixed crash that comes back fails the unit tests, not only the fuzz run.
//   fuzz_replay <target> <corpus dir or file>...
// The targets are linked in under gatehouse_fuzz_<name> (see tests/fuzz/CMakeLists.txt).

#include "fuzz_replay_targets.h"

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

int replayFile(FuzzEntry entry, const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay %s (%zu bytes)\n", file.filename().c_str(), bytes.size());
    return entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <target> <corpus dir or file>...\n", argv[0]);
        return 2;
    }
    FuzzEntry entry = nullptr;
    for (const FuzzTarget& t : kFuzzTargets) {
        if (std::strcmp(t.name, argv[1]) == 0)
            entry = t.entry;
    }
    if (!entry) {
        std::fprintf(stderr, "unknown fuzz target %s\n", argv[1]);
        return 2;
    }
    int files = 0;
    for (int i = 2; i < argc; ++i) {
        const std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            std::vector<std::filesystem::path> all;
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file())
                    all.push_back(e.path());
            std::sort(all.begin(), all.end());
            for (const auto& f : all)
                files += replayFile(entry, f) == 0;
        } else if (std::filesystem::is_regular_file(p)) {
            files += replayFile(entry, p) == 0;
        }
    }
    if (files == 0) {   // a missing corpus must not pass silently
        std::fprintf(stderr, "no corpus files replayed\n");
        return 1;
    }
    std::fprintf(stderr, "%s: %d inputs replayed\n", argv[1], files);
    return 0;
}
