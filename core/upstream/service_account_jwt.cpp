#include "upstream/service_account_jwt.h"

#include <nlohmann/json.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace gatehouse {

namespace {

QByteArray base64Url(const QByteArray& data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };

} // namespace

std::variant<QByteArray, QString> signServiceAccountJwt(const GoogleServiceAccount& account, qint64 nowSeconds, const char* scope)
{
    nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
    if (!account.privateKeyId.empty())
        header["kid"] = account.privateKeyId;
    const nlohmann::json claims = {{"iss", account.clientEmail}, {"scope", scope}, {"aud", account.tokenUri},
                                   {"iat", nowSeconds}, {"exp", nowSeconds + 3600}};
    const QByteArray signingInput = base64Url(QByteArray::fromStdString(header.dump())) + '.'
                                  + base64Url(QByteArray::fromStdString(claims.dump()));

    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(account.privateKeyPem.data(), int(account.privateKeyPem.size())));
    if (!bio)
        return QStringLiteral("out of memory reading the private key");
    std::unique_ptr<EVP_PKEY, PkeyFree> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return QStringLiteral("the private_key could not be read (not an unencrypted PEM private key)");
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return QStringLiteral("the private_key is not an RSA key");
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(signingInput.constData()),
                          size_t(signingInput.size())) != 1)
        return QStringLiteral("the private_key could not sign");
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signingInput.constData()), size_t(signingInput.size())) != 1)
        return QStringLiteral("the private_key could not sign");
    signature.resize(qsizetype(length));
    return signingInput + '.' + base64Url(signature);
}

} // namespace gatehouse
