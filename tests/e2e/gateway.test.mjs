// The gateway's own contract over plain fetch, without an SDK in between: process lifecycle,
// /health, the Portkey response headers, the mock provider's JSON and SSE, and error bodies.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from './lib/gateway.mjs';
import { startMockOpenAI, UPSTREAM_PREFIX } from './lib/mock_openai.mjs';
import { assertPortkeyResponseHeaders, assertOpenAIErrorBody, MOCK_PREFIX } from './lib/contract.mjs';

const T = { timeout: 20_000 };

function chat(gw, { headers = {}, body = {} } = {}) {
  return fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-portkey-provider': 'mock', ...headers },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'ping' }],
      ...body,
    }),
    signal: AbortSignal.timeout(10_000),
  });
}

/** Parses an SSE body into its `data:` payloads. */
function sseData(text) {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n'),
    )
    .filter((d) => d.length > 0);
}

describe('Gatehouse wire contract (plain fetch)', () => {
  let gw;

  before(async () => {
    gw = await startGateway();
  });

  after(async () => {
    try {
      if (gw) await gw.stopAndAssertClean();
    } finally {
      gw?.kill();
    }
  });

  test('GET /health answers 200 {"status":"ok"}', T, async () => {
    const r = await fetch(`${gw.origin}/health`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    const body = await r.json();
    assert.equal(body.status, 'ok');
  });

  test('mock chat completion: JSON shape and every Portkey response header', T, async () => {
    const r = await chat(gw, { body: { messages: [{ role: 'user', content: 'plain fetch' }] } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assertPortkeyResponseHeaders(r.headers, { provider: 'mock' });
    const trace = r.headers.get('x-portkey-trace-id');
    assert.ok(trace.length > 0, 'a trace id is generated when none is sent');
    const body = await r.json();
    assert.equal(body.object, 'chat.completion');
    assert.equal(typeof body.id, 'string');
    assert.equal(body.choices[0].message.content, MOCK_PREFIX + 'plain fetch');
    assert.equal(body.choices[0].finish_reason, 'stop');
    for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
      assert.equal(typeof body.usage?.[k], 'number', `usage.${k}`);
    }
  });

  test('two requests without a trace id get different generated ids', T, async () => {
    const a = await chat(gw);
    const b = await chat(gw);
    await a.text();
    await b.text();
    assert.notEqual(a.headers.get('x-portkey-trace-id'), b.headers.get('x-portkey-trace-id'));
  });

  test('x-portkey-trace-id is echoed', T, async () => {
    const r = await chat(gw, { headers: { 'x-portkey-trace-id': 'raw-trace-42' } });
    await r.text();
    assert.equal(r.headers.get('x-portkey-trace-id'), 'raw-trace-42');
  });

  test('array-of-parts user content is answered too', T, async () => {
    const r = await chat(gw, {
      body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'parts ' }, { type: 'text', text: 'work' }] }] },
    });
    const body = await r.json();
    assert.equal(body.choices[0].message.content, MOCK_PREFIX + 'parts work');
  });

  test('mock streaming: chat.completion.chunk events, usage chunk, then [DONE]', T, async () => {
    const r = await chat(gw, {
      body: {
        messages: [{ role: 'user', content: 'sse please' }],
        stream: true,
        stream_options: { include_usage: true },
      },
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    assertPortkeyResponseHeaders(r.headers, { provider: 'mock' });
    const data = sseData(await r.text());
    assert.equal(data[data.length - 1], '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.length >= 2);
    for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, MOCK_PREFIX + 'sse please');
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.equal(typeof last.usage?.total_tokens, 'number');
  });

  test('invalid x-portkey-metadata: 400 with an OpenAI error body', T, async () => {
    for (const bad of ['{not json', '[1,2]', '"a string"']) {
      const r = await chat(gw, { headers: { 'x-portkey-metadata': bad, 'x-portkey-trace-id': 'bad-meta' } });
      assert.equal(r.status, 400, `metadata ${bad}`);
      assertOpenAIErrorBody(await r.json());
      assertPortkeyResponseHeaders(r.headers, { traceId: 'bad-meta' });
    }
  });

  test('metadata mock_status answers that status with an OpenAI error body', T, async () => {
    const r = await chat(gw, { headers: { 'x-portkey-metadata': JSON.stringify({ mock_status: '503' }) } });
    assert.equal(r.status, 503);
    assertOpenAIErrorBody(await r.json());
    assertPortkeyResponseHeaders(r.headers, { provider: 'mock' });
  });

  test('every header createHeaders() can emit is accepted', T, async () => {
    // What portkey-ai's createHeaders() and Portkey client add besides provider/trace/metadata.
    const r = await chat(gw, {
      headers: {
        'x-portkey-api-key': 'pk-local',
        'x-portkey-strict-open-ai-compliance': 'false',
        'x-portkey-package-version': 'portkey-3.1.0',
        'x-portkey-runtime': 'node',
        'x-portkey-runtime-version': process.version,
        'x-portkey-cache-force-refresh': 'true',
        'x-portkey-cache-namespace': 'e2e',
        'x-portkey-debug': 'false',
        'x-portkey-request-timeout': '10000',
        'x-portkey-forward-headers': 'x-custom-one',
        'x-portkey-openai-project': 'proj_e2e',
        'x-portkey-openai-organization': 'org_e2e',
        'x-custom-one': '1',
      },
    });
    assert.equal(r.status, 200, await r.clone().text());
    const body = await r.json();
    assert.equal(body.choices[0].message.content, MOCK_PREFIX + 'ping');
  });
});

describe('Gatehouse process lifecycle', () => {
  // Long enough for a failed start (15 s) or stop (15 s) to report its own error.
  const L = { timeout: 40_000 };

  test('SIGINT stops it with exit code 0', L, async () => {
    const gw = await startGateway();
    try {
      await gw.stopAndAssertClean({ signal: 'SIGINT' });
    } finally {
      gw.kill();
    }
  });

  test('SIGTERM lets an in-flight request finish, then exits 0', L, async () => {
    const mock = await startMockOpenAI();
    let gw;
    try {
      gw = await startGateway();
      const pending = fetch(`${gw.baseURL}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-inflight',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': mock.baseUrl,
        },
        body: JSON.stringify({ model: 'slow-600', messages: [{ role: 'user', content: 'still there?' }] }),
        signal: AbortSignal.timeout(10_000),
      });
      // Wait until the upstream holds the request, then ask the gateway to stop.
      const deadline = Date.now() + 5000;
      while (mock.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(mock.requests.length, 1, 'request reached the upstream before SIGTERM');
      const stopped = gw.stopAndAssertClean();
      const r = await pending;
      assert.equal(r.status, 200);
      const body = await r.json();
      assert.equal(body.choices[0].message.content, UPSTREAM_PREFIX + 'still there?');
      await stopped;
    } finally {
      gw?.kill();
      await mock.close();
    }
  });
});
