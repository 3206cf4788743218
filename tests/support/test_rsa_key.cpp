#include "test_rsa_key.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace gatehouse::test {

namespace {

struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };

QByteArray drain(BIO* bio)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(n));
}

} // namespace

TestRsaKey TestRsaKey::generate(int bits)
{
    TestRsaKey out;
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(unsigned(bits)));
    if (!key)
        return out;
    std::unique_ptr<BIO, BioFree> priv(BIO_new(BIO_s_mem()));
    std::unique_ptr<BIO, BioFree> pub(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1)
        out.privatePem = drain(priv.get());
    if (PEM_write_bio_PUBKEY(pub.get(), key.get()) == 1)
        out.publicPem = drain(pub.get());
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
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(publicPem.constData(), int(publicPem.size())));
    std::unique_ptr<EVP_PKEY, PkeyFree> key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.constData()), size_t(signature.size()),
                            reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size())) == 1;
}

} // namespace gatehouse::test
