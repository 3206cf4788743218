#pragma once
// A fresh RSA key pair for tests of service-account signing: the private half goes into a
// service account JSON, the public half lets a mock token service verify the signature. Made at
// run time, so no key file lives in the repository.

#include <QByteArray>
#include <nlohmann/json.hpp>

#include <string>

namespace gatehouse::test {

struct TestRsaKey {
    QByteArray privatePem;   // PKCS#8, "-----BEGIN PRIVATE KEY-----"
    QByteArray publicPem;    // SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----"

    static TestRsaKey generate(int bits = 2048);

    // A service account key file as Google's console writes it, with this key.
    nlohmann::json serviceAccount(const std::string& tokenUri, const std::string& projectId = "mock-project",
                                  const std::string& email = "gateway@mock-project.iam.gserviceaccount.com") const;
};

// Verifies an RS256 signature over data (OpenSSL); false on any error.
bool verifyRs256(const QByteArray& publicPem, const QByteArray& data, const QByteArray& signature);

} // namespace gatehouse::test
