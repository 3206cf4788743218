#pragma once
// Checks a file named to be trusted for HTTPS upstreams (--upstream-ca-file, gateway/upstream_ca_file)
// before the gateway starts, so a wrong path is a clear message at start rather than a TLS error on
// every request.

#include <QString>

namespace gatehouse {

// Empty when path is a readable file holding at least one PEM certificate; else what is wrong.
QString extraCaFileProblem(const QString& path);

} // namespace gatehouse
