#pragma once
// "gatehouse configs ...": the saved routing configs without the window (list, show, history,
// rollback, validate). Works on the same folder the gateway uses, so a running gateway picks up a
// rollback through its file watch.

#include <QStringList>

namespace gatehouse {

// arguments: what follows "configs" on the command line. Returns the process exit code.
int runConfigsCommand(const QStringList& arguments);

} // namespace gatehouse
