#pragma once
// A Google Cloud service account key (the JSON file the console downloads), reduced to what the
// OAuth 2.0 JWT-bearer flow needs. Parsed once per request from a header, a config or a virtual
// key; the private key stays in memory only and never appears in errors, logs or records.

#include <nlohmann/json_fwd.hpp>

#include <QString>
#include <string>
#include <variant>

namespace gatehouse {

struct GoogleServiceAccount {
    std::string clientEmail;
    std::string privateKeyId;   // the JWT's "kid"; may be empty
    std::string privateKeyPem;  // PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----"
    std::string tokenUri;       // where the signed assertion is exchanged for an access token
    std::string projectId;

    // Identifies the account and key (a digest: the key itself is never a map key).
    std::string cacheKey() const;
};

inline constexpr const char* kGoogleTokenUri = "https://oauth2.googleapis.com/token";
inline constexpr const char* kGoogleCloudScope = "https://www.googleapis.com/auth/cloud-platform";

// Accepts the parsed key file (an object, or a string holding its JSON). Errors name the missing or
// bad field, never a value. token_uri defaults to Google's and must be https (http only to loopback).
std::variant<GoogleServiceAccount, QString> parseGoogleServiceAccount(const nlohmann::json& j);

} // namespace gatehouse
