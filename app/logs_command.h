#pragma once
// "gatehouse logs ...": the request log from the command line, for scripts and servers.
//
//   gatehouse logs export [--filter TEXT] [--format jsonl|csv] [--output FILE] [--bodies] [--limit N] [--data-dir DIR]
//   gatehouse logs traces [--filter TEXT] [--limit N] [--data-dir DIR]
//
// Reads with its own connection, so it works while a gateway is writing the log.

#include <QStringList>

namespace gatehouse {

// arguments: what follows "logs" on the command line. Returns the process exit code.
int runLogsCommand(const QStringList& arguments);

} // namespace gatehouse
