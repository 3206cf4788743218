// HTTP/1.x request parsing and framing as a connection drives it: bytes arrive in pieces, pipelined
// requests come out one at a time, and each complete request's x-portkey-* headers are parsed.

#include "fuzz_support.h"

#include "http/http_request_parser.h"
#include "pipeline/client_options.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    // Small limits, so the header and body limits are reached by inputs the fuzzer can build.
    HttpRequestParser parser(HttpRequestParser::Limits{.maxHeaderBytes = 2048, .maxBodyBytes = 4096});
    int continues = 0;
    parser.onExpectContinue = [&continues] { ++continues; };

    QByteArray buffered;   // what HttpConnection keeps between reads
    for (QByteArrayView piece : fuzz::pieces(in.rest, in.shape)) {
        buffered.append(piece);
        while (!buffered.isEmpty()) {
            const auto r = parser.feed(buffered.constData(), std::size_t(buffered.size()));
            fuzz::require(r.consumed <= std::size_t(buffered.size()), "consumed more than it was given");
            buffered.remove(0, qsizetype(r.consumed));
            if (r.state == HttpRequestParser::State::Error) {
                fuzz::require(parser.errorStatus() >= 400 && parser.errorStatus() < 500, "error status is not a 4xx");
                fuzz::require(!parser.errorMessage().isEmpty(), "error without a message");
                return 0;
            }
            if (r.state == HttpRequestParser::State::NeedMore) {
                fuzz::require(buffered.isEmpty(), "needs more input but left bytes unconsumed");
                break;
            }
            const HttpRequest request = parser.takeRequest();
            fuzz::require(!request.method.isEmpty(), "complete request without a method");
            fuzz::require(request.body.size() <= 4096, "body beyond the limit");
            for (const auto& [name, value] : request.headers)
                fuzz::require(name == name.toLower(), "header name not lower-cased");
            (void)parseClientOptions(request);
        }
    }
    return 0;
}
