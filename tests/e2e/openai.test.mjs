// The official `openai` SDK pointed at Gatehouse, with Portkey's createHeaders() choosing the
// `openai` provider and a custom host (our mock upstream). Checks the gateway relays requests and
// answers faithfully, sends the client's key upstream as Bearer, keeps x-portkey-* headers to
// itself, and surfaces its own errors in a shape the SDK understands.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { APIError } from 'openai';
import { createHeaders } from 'portkey-ai';
import { startGateway } from './lib/gateway.mjs';
import { startMockOpenAI, UPSTREAM_PREFIX, EMBEDDING } from './lib/mock_openai.mjs';
import { assertPortkeyResponseHeaders, assertForwardedUpstream, MOCK_PREFIX } from './lib/contract.mjs';

const TRACE = 'oa-trace-1';
const T = { timeout: 20_000 };

describe('openai SDK through Gatehouse', () => {
  let gw;
  let mock;
  let client;

  before(async () => {
    mock = await startMockOpenAI();
    gw = await startGateway();
    client = new OpenAI({
      baseURL: gw.baseURL,
      apiKey: 'sk-test',
      maxRetries: 0,
      timeout: 10_000,
      defaultHeaders: createHeaders({
        provider: 'openai',
        customHost: mock.baseUrl,
        traceID: TRACE,
        metadata: { _user: 'u1', env: 'test' },
      }),
    });
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

  test('chat.completions.create returns the upstream answer', T, async () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello from the openai SDK' },
    ];
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages })
      .withResponse();

    assert.equal(data.object, 'chat.completion');
    assert.equal(data.choices.length, 1);
    assert.equal(data.choices[0].message.role, 'assistant');
    assert.equal(data.choices[0].message.content, UPSTREAM_PREFIX + 'Hello from the openai SDK');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.ok(data.usage && data.usage.total_tokens > 0, 'usage relayed');

    assert.equal(response.status, 200);
    assertPortkeyResponseHeaders(response.headers, { traceId: TRACE, provider: 'openai' });

    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1, 'exactly one upstream request');
    assertForwardedUpstream(sent[0], { apiKey: 'sk-test' });
    assert.equal(sent[0].method, 'POST');
    assert.equal(sent[0].body.model, 'gpt-4o-mini');
    assert.deepEqual(sent[0].body.messages, messages);
  });

  test('stream:true yields chunks whose text concatenates to the answer', T, async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream this please' }],
        stream: true,
      })
      .withResponse();
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assertPortkeyResponseHeaders(response.headers, { traceId: TRACE, provider: 'openai' });

    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length >= 2, `expected several chunks, got ${chunks.length}`);
    for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, UPSTREAM_PREFIX + 'Stream this please');
    assert.ok(chunks.some((c) => c.choices[0]?.finish_reason === 'stop'), 'a chunk carries finish_reason');

    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1);
    assertForwardedUpstream(sent[0], { apiKey: 'sk-test' });
    assert.equal(sent[0].body.stream, true);
  });

  test('stream_options.include_usage relays the final usage chunk', T, async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.total_tokens > 0, 'usage chunk last');
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, UPSTREAM_PREFIX + 'count me');
    assert.deepEqual(mock.lastRequest().body.stream_options, { include_usage: true });
  });

  test('embeddings (SDK default base64 encoding) round-trip', T, async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'embed me' })
      .withResponse();
    assert.equal(response.status, 200);
    assertPortkeyResponseHeaders(response.headers, { traceId: TRACE, provider: 'openai' });
    assert.equal(data.data.length, 1);
    assert.deepEqual(data.data[0].embedding, EMBEDDING);

    const sent = mock.requestsTo('/v1/embeddings');
    assert.equal(sent.length, 1);
    assertForwardedUpstream(sent[0], { apiKey: 'sk-test' });
    // The SDK asks for base64 unless told otherwise; the gateway must pass the body through.
    assert.equal(sent[0].body.encoding_format, 'base64');
    assert.equal(sent[0].body.input, 'embed me');
  });

  test('embeddings with encoding_format float and several inputs', T, async () => {
    const res = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two'],
      encoding_format: 'float',
    });
    assert.equal(res.data.length, 2);
    assert.deepEqual(res.data[1].embedding, EMBEDDING);
    assert.equal(mock.lastRequest().body.encoding_format, 'float');
  });

  test('per-request metadata header is accepted and not forwarded', T, async () => {
    const res = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'with metadata' }] },
      { headers: { 'x-portkey-metadata': JSON.stringify({ _user: 'u9', feature: 'e2e', run: '1' }) } },
    );
    assert.equal(res.choices[0].message.content, UPSTREAM_PREFIX + 'with metadata');
    assertForwardedUpstream(mock.lastRequest(), { apiKey: 'sk-test' });
  });

  test('invalid x-portkey-metadata is a 400 the SDK surfaces as APIError', T, async () => {
    let caught;
    try {
      await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bad metadata' }] },
        { headers: { 'x-portkey-metadata': '{not json' } },
      );
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof APIError, `expected APIError, got ${caught}`);
    assert.ok(caught instanceof OpenAI.BadRequestError, 'a 400 maps to BadRequestError');
    assert.equal(caught.status, 400);
    assert.equal(typeof caught.error?.message, 'string');
    assert.ok(caught.error.message.length > 0);
    for (const key of ['type', 'param', 'code']) assert.ok(key in caught.error, `error.${key} present`);
    assert.equal(caught.headers.get('x-portkey-trace-id'), TRACE, 'trace id echoed on errors too');
    assert.equal(mock.requestsTo('/v1/chat/completions').length, 0, 'nothing reaches the upstream');
  });

  test('an upstream error status and message reach the SDK unchanged', T, async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'error-404', messages: [{ role: 'user', content: 'x' }] }),
      (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${err}`);
        assert.equal(err.status, 404);
        assert.match(err.error?.message ?? '', /mock upstream error 404/);
        assert.equal(err.headers.get('x-portkey-trace-id'), TRACE);
        return true;
      },
    );
    assert.equal(mock.requestsTo('/v1/chat/completions').length, 1);
  });

  test('a trace id is generated when the client sends none', T, async () => {
    const bare = new OpenAI({
      baseURL: gw.baseURL,
      apiKey: 'sk-test',
      maxRetries: 0,
      timeout: 10_000,
      defaultHeaders: createHeaders({ provider: 'mock' }),
    });
    const { data, response } = await bare.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no trace' }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, MOCK_PREFIX + 'no trace');
    assertPortkeyResponseHeaders(response.headers, { provider: 'mock' });
    assert.notEqual(response.headers.get('x-portkey-trace-id'), TRACE);
  });
});
