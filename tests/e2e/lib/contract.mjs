// Shared expectations about the gateway's wire contract.
import assert from 'node:assert/strict';

export const MOCK_PREFIX = 'Mock reply to: ';

/** Response headers the gateway sends on every /v1 answer, success or error. */
export const PORTKEY_RESPONSE_HEADERS = [
  'x-portkey-trace-id',
  'x-portkey-provider',
  'x-portkey-retry-attempt-count',
  'x-portkey-cache-status',
  'x-portkey-last-used-option-index',
  'x-portkey-request-id',
];

/** Reads a header from a fetch Headers object or a plain (lower-cased) object. */
export function headerOf(headers, name) {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Asserts all Portkey response headers are present (and non-empty). */
export function assertPortkeyResponseHeaders(headers, { traceId, provider } = {}) {
  for (const name of PORTKEY_RESPONSE_HEADERS) {
    const v = headerOf(headers, name);
    assert.ok(v !== undefined && v !== '', `response header ${name} should be present, got ${JSON.stringify(v)}`);
  }
  if (traceId !== undefined) assert.equal(headerOf(headers, 'x-portkey-trace-id'), traceId);
  if (provider !== undefined) assert.equal(headerOf(headers, 'x-portkey-provider'), provider);
}

/** Asserts what reached the mock upstream: the client's key as Bearer, and no x-portkey-* header. */
export function assertForwardedUpstream(recorded, { apiKey }) {
  assert.ok(recorded, 'the gateway should have sent a request upstream');
  assert.equal(recorded.headers.authorization, `Bearer ${apiKey}`, 'upstream Authorization');
  const leaked = Object.keys(recorded.headers).filter((h) => h.startsWith('x-portkey-'));
  assert.deepEqual(leaked, [], 'x-portkey-* headers must not be forwarded upstream');
}

/** Asserts an OpenAI-style error body {"error":{"message","type","param","code"}}. */
export function assertOpenAIErrorBody(body) {
  assert.equal(typeof body, 'object', `error body should be JSON, got ${JSON.stringify(body)}`);
  assert.equal(typeof body.error, 'object', `error body needs an "error" object: ${JSON.stringify(body)}`);
  assert.ok(body.error !== null);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'error.message should not be empty');
  for (const key of ['type', 'param', 'code']) {
    assert.ok(key in body.error, `error.${key} should be present (may be null): ${JSON.stringify(body)}`);
  }
}
