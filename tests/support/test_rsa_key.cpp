#include "test_rsa_key.h"

#include "openssl_handles.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace gatehouse::test {

TestRsaKey TestRsaKey::generate(int bits)
{
    TestRsaKey out;
    OpenSslPtr<EVP_PKEY> key(EVP_RSA_gen(unsigned(bits)));
    if (!key)
        return out;
    OpenSslPtr<BIO> priv(BIO_new(BIO_s_mem()));
    OpenSslPtr<BIO> pub(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1)
        out.privatePem = memoryBioBytes(priv.get());
    if (PEM_write_bio_PUBKEY(pub.get(), key.get()) == 1)
        out.publicPem = memoryBioBytes(pub.get());
    return out;
}

nlohmann::json TestRsaKey::serviceAccount(const std::string& tokenUri, const std::string& projectId, const std::string& email) const
{
    return {{"type", "service_account"},
            {"project_id", projectId},
            {"private_key_id", "0123456789abcdef0123456789abcdef01234567"},
            {"private_key", privatePem.toStdString()},
            {"client_email", email},
            {"client_id", "100000000000000000001"},
            {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
            {"token_uri", tokenUri},
            {"universe_domain", "googleapis.com"}};
}

bool verifyRs256(const QByteArray& publicPem, const QByteArray& data, const QByteArray& signature)
{
    OpenSslPtr<BIO> bio(BIO_new_mem_buf(publicPem.constData(), int(publicPem.size())));
    OpenSslPtr<EVP_PKEY> key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.constData()), size_t(signature.size()),
                            reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size())) == 1;
}

} // namespace gatehouse::test
