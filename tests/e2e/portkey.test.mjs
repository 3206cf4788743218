// Portkey's own Node SDK (portkey-ai) with baseURL set to Gatehouse, so it never calls the hosted
// service: chat completions plain and streamed on the `mock` provider, errors on demand through
// the mock_status metadata key, and the `openai` provider with a custom host.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Portkey } from 'portkey-ai';
import { startGateway } from './lib/gateway.mjs';
import { startMockOpenAI, UPSTREAM_PREFIX } from './lib/mock_openai.mjs';
import { assertPortkeyResponseHeaders, assertForwardedUpstream, headerOf, MOCK_PREFIX } from './lib/contract.mjs';

const T = { timeout: 20_000 };
// Sent by the SDK as x-portkey-api-key; the local gateway accepts and ignores it. Setting it also
// keeps the SDK from looking for PORTKEY_API_KEY in the environment.
const PORTKEY_KEY = 'pk-e2e-local';

describe('portkey-ai SDK through Gatehouse', () => {
  let gw;
  let mock;

  before(async () => {
    mock = await startMockOpenAI();
    gw = await startGateway();
  });

  after(async () => {
    try {
      if (gw) await gw.stopAndAssertClean();
    } finally {
      gw?.kill();
      await mock?.close();
    }
  });

  beforeEach(() => mock.reset());

  // A fresh client per test: per-request params mutate a Portkey client's headers for good.
  const mockClient = (extra = {}) =>
    new Portkey({
      baseURL: gw.baseURL,
      apiKey: PORTKEY_KEY,
      provider: 'mock',
      traceID: 'pk-trace-1',
      metadata: { _user: 'u2', env: 'test' },
      ...extra,
    });

  test('chat.completions.create on the mock provider', T, async () => {
    const res = await mockClient().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello Portkey' }],
    });
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.choices[0].message.role, 'assistant');
    assert.equal(res.choices[0].message.content, MOCK_PREFIX + 'Hello Portkey');
    assert.ok(res.usage && res.usage.total_tokens > 0);
    // The SDK exposes the x-portkey-* response headers without their prefix.
    const h = res.getHeaders();
    assert.equal(h['trace-id'], 'pk-trace-1');
    assert.equal(h['provider'], 'mock');
    for (const name of ['retry-attempt-count', 'cache-status', 'last-used-option-index', 'request-id']) {
      assert.ok(h[name] !== undefined && h[name] !== '', `x-portkey-${name} present`);
    }
  });

  test('stream:true on the mock provider', T, async () => {
    const stream = await mockClient().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream Portkey' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length >= 2, `expected several chunks, got ${chunks.length}`);
    for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
    const text = chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, MOCK_PREFIX + 'Stream Portkey');
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.total_tokens > 0, 'usage chunk last');
  });

  for (const status of [429, 503]) {
    test(`mock_status ${status} surfaces as an error with that status`, T, async () => {
      const client = mockClient({ metadata: { _user: 'u2', mock_status: String(status) } });
      await assert.rejects(
        client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `please fail with ${status}` }],
        }),
        (err) => {
          assert.equal(err.status, status, `status of ${err}`);
          // The SDK keeps the parsed error body; ours is OpenAI-shaped.
          assert.equal(typeof err.error?.error?.message, 'string', JSON.stringify(err.error));
          assert.equal(headerOf(err.headers, 'x-portkey-trace-id'), 'pk-trace-1');
          return true;
        },
      );
    });
  }

  test('openai provider + custom host: Authorization goes upstream, x-portkey-* does not', T, async () => {
    const client = new Portkey({
      baseURL: gw.baseURL,
      apiKey: PORTKEY_KEY,
      provider: 'openai',
      customHost: mock.baseUrl,
      Authorization: 'Bearer sk-portkey-test',
      traceID: 'pk-trace-2',
      metadata: { _user: 'u2' },
    });
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello via custom host' }],
    });
    assert.equal(res.choices[0].message.content, UPSTREAM_PREFIX + 'Hello via custom host');
    assert.equal(res.getHeaders()['trace-id'], 'pk-trace-2');
    assert.equal(res.getHeaders()['provider'], 'openai');
    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1);
    assertForwardedUpstream(sent[0], { apiKey: 'sk-portkey-test' });
  });

  test('an upstream 503 is not retried by the SDK (gateway headers mark it as a gateway answer)', T, async () => {
    const client = new Portkey({
      baseURL: gw.baseURL,
      apiKey: PORTKEY_KEY,
      provider: 'openai',
      customHost: mock.baseUrl,
      Authorization: 'Bearer sk-portkey-test',
      traceID: 'pk-trace-3',
    });
    let caught;
    try {
      await client.chat.completions.create({ model: 'error-503', messages: [{ role: 'user', content: 'x' }] });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught, 'should have failed');
    assert.equal(caught.status, 503);
    assertPortkeyResponseHeaders(caught.headers, { traceId: 'pk-trace-3', provider: 'openai' });
    // Whatever retries the gateway itself reports, the SDK must not have added its own.
    const gatewayRetries = Number(headerOf(caught.headers, 'x-portkey-retry-attempt-count'));
    assert.ok(Number.isInteger(gatewayRetries) && gatewayRetries >= 0, 'retry count is a number');
    assert.equal(mock.requestsTo('/v1/chat/completions').length, 1 + gatewayRetries);
  });
});
