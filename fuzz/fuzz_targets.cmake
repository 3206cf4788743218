# The fuzz targets and the core sources they need, shared by the clang fuzz build (fuzz/CMakeLists.txt)
# and the corpus replay tests of the regular build (tests/fuzz/CMakeLists.txt).
# Each target is fuzz/<name>.cpp with a seed corpus in fuzz/corpus/<name>/.
set(GATEHOUSE_FUZZ_TARGETS
  http_request_parser
  routing_config
  sse_reader
  aws_event_stream
  anthropic_response
  anthropic_stream_mapper
  google_response
  google_stream_mapper
  cohere_response
  cohere_stream_mapper
  bedrock_converse_response
  bedrock_stream_mapper
  anthropic_inbound_request
  log_filter_syntax
)

# Only what the targets reach, so the sanitizer build stays small (paths relative to core/).
set(GATEHOUSE_FUZZ_CORE_SOURCES
  http/http_request.cpp
  http/http_request_parser.cpp
  routing/routing_config.cpp
  routing/condition_evaluator.cpp
  pipeline/api_error.cpp
  pipeline/client_options.cpp
  pipeline/traceparent.cpp
  pipeline/anthropic_inbound_request.cpp
  providers/sse_reader.cpp
  providers/aws_event_stream.cpp
  providers/openai_wire.cpp
  providers/openai_request.cpp
  providers/anthropic_request.cpp
  providers/anthropic_response.cpp
  providers/anthropic_stream_mapper.cpp
  providers/google_thought_signatures.cpp
  providers/google_response.cpp
  providers/google_stream_mapper.cpp
  providers/cohere_response.cpp
  providers/cohere_stream_mapper.cpp
  providers/bedrock_converse.cpp
  providers/bedrock_stream_mapper.cpp
  observability/log_filter.cpp
  observability/log_filter_syntax.cpp
)
