#pragma once
// "gatehouse keys ...": manage virtual keys without the window. Secrets are read from standard
// input (never from argv, which other users can see in ps and which lands in shell history).

#include <QStringList>

namespace gatehouse {

// arguments: what follows "keys" on the command line. Returns the process exit code.
int runKeysCommand(const QStringList& arguments);

} // namespace gatehouse
