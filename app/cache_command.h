#pragma once
// `gatehouse cache clear [--namespace N] [--cache-file FILE]`: empties the response cache's file, or
// one namespace of it, without starting a gateway.

namespace gatehouse {

bool isCacheCommand(int argc, char** argv);
// Creates its own QCoreApplication; returns the process exit code.
int runCacheCommand(int argc, char** argv);

} // namespace gatehouse
