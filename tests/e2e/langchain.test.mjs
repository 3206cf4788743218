// LangChain's ChatOpenAI (@langchain/openai) through Gatehouse: invoke and stream against the
// built-in `mock` provider, then against the `openai` provider with a custom host.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

// Never trace to a hosted service from a test run.
for (const k of ['LANGCHAIN_TRACING_V2', 'LANGCHAIN_TRACING', 'LANGSMITH_TRACING', 'LANGSMITH_TRACING_V2']) {
  process.env[k] = 'false';
}

const { ChatOpenAI } = await import('@langchain/openai');
const { HumanMessage, SystemMessage } = await import('@langchain/core/messages');
const { createHeaders } = await import('portkey-ai');
const { startGateway } = await import('./lib/gateway.mjs');
const { startMockOpenAI, UPSTREAM_PREFIX } = await import('./lib/mock_openai.mjs');
const { assertPortkeyResponseHeaders, assertForwardedUpstream, MOCK_PREFIX } = await import('./lib/contract.mjs');

const T = { timeout: 20_000 };

/** A fetch that remembers every response's headers, so tests can see what LangChain hides. */
function recordingFetch() {
  const seen = [];
  const f = async (url, init) => {
    const res = await fetch(url, init);
    seen.push({ url: String(url), status: res.status, headers: res.headers });
    return res;
  };
  f.seen = seen;
  return f;
}

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('LangChain ChatOpenAI through Gatehouse', () => {
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

  const mockModel = (fetchImpl) =>
    new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      maxRetries: 0,
      timeout: 10_000,
      configuration: {
        baseURL: gw.baseURL,
        fetch: fetchImpl,
        defaultHeaders: createHeaders({
          provider: 'mock',
          traceID: 'lc-trace-1',
          metadata: { _user: 'u1', env: 'test' },
        }),
      },
    });

  const upstreamModel = (fetchImpl) =>
    new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      maxRetries: 0,
      timeout: 10_000,
      configuration: {
        baseURL: gw.baseURL,
        fetch: fetchImpl,
        defaultHeaders: createHeaders({
          provider: 'openai',
          customHost: mock.baseUrl,
          traceID: 'lc-trace-2',
          metadata: { _user: 'u1', env: 'test' },
        }),
      },
    });

  test('mock provider: invoke returns the deterministic reply', T, async () => {
    const f = recordingFetch();
    const res = await mockModel(f).invoke('Hello LangChain');
    assert.equal(res.content, MOCK_PREFIX + 'Hello LangChain');
    assert.ok(res.usage_metadata && res.usage_metadata.total_tokens > 0, 'usage from the mock provider');

    assert.equal(f.seen.length, 1);
    assert.match(f.seen[0].url, /\/v1\/chat\/completions$/);
    assert.equal(f.seen[0].status, 200);
    assertPortkeyResponseHeaders(f.seen[0].headers, { traceId: 'lc-trace-1', provider: 'mock' });
  });

  test('mock provider: the last user message is the one answered', T, async () => {
    const res = await mockModel().invoke([
      new SystemMessage('Be brief.'),
      new HumanMessage('first question'),
      new HumanMessage('second question'),
    ]);
    assert.equal(res.content, MOCK_PREFIX + 'second question');
  });

  test('mock provider: .stream() chunks concatenate to the same text', T, async () => {
    const f = recordingFetch();
    const chunks = await collect(await mockModel(f).stream('Stream LangChain'));
    assert.ok(chunks.length >= 1);
    const text = chunks.map((c) => c.content).join('');
    assert.equal(text, MOCK_PREFIX + 'Stream LangChain');
    // LangChain asks for stream_options.include_usage by default; the mock provider honours it.
    const merged = chunks.reduce((acc, c) => (acc ? acc.concat(c) : c), undefined);
    assert.ok(merged.usage_metadata && merged.usage_metadata.total_tokens > 0, 'usage chunk in the stream');
    assertPortkeyResponseHeaders(f.seen[0].headers, { traceId: 'lc-trace-1', provider: 'mock' });
  });

  test('openai provider + custom host: invoke reaches the upstream', T, async () => {
    const f = recordingFetch();
    const res = await upstreamModel(f).invoke('Hello upstream');
    assert.equal(res.content, UPSTREAM_PREFIX + 'Hello upstream');
    assertPortkeyResponseHeaders(f.seen[0].headers, { traceId: 'lc-trace-2', provider: 'openai' });

    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1);
    assertForwardedUpstream(sent[0], { apiKey: 'sk-test' });
    assert.equal(sent[0].body.model, 'gpt-4o-mini');
    assert.deepEqual(sent[0].body.messages, [{ role: 'user', content: 'Hello upstream' }]);
  });

  test('openai provider + custom host: .stream() concatenates to the upstream text', T, async () => {
    const chunks = await collect(await upstreamModel().stream('Stream upstream'));
    assert.equal(chunks.map((c) => c.content).join(''), UPSTREAM_PREFIX + 'Stream upstream');
    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1);
    assertForwardedUpstream(sent[0], { apiKey: 'sk-test' });
    assert.equal(sent[0].body.stream, true);
    assert.deepEqual(sent[0].body.stream_options, { include_usage: true });
  });
});
