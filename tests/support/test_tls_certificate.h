#pragma once
// A fresh self-signed TLS certificate for 127.0.0.1 and localhost, so tests can stand up an HTTPS
// upstream (MockUpstream::listenTls) that no system store trusts, and a CA file that trusts it.
// Made at run time (OpenSSL, P-256), so no key file lives in the repository.

#include <QByteArray>

namespace gatehouse::test {

struct TestTlsCertificate {
    QByteArray certificatePem;   // "-----BEGIN CERTIFICATE-----", valid for a day from an hour ago
    QByteArray privateKeyPem;    // PKCS#8

    static TestTlsCertificate generate();
    bool isValid() const { return !certificatePem.isEmpty() && !privateKeyPem.isEmpty(); }
};

} // namespace gatehouse::test
