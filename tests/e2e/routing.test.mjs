// Routing configs the way Portkey's docs pass them: the portkey-ai client's `config` option and
// createHeaders({ config }) on LangChain's ChatOpenAI. A fallback whose first target fails, a
// loadbalance split, and a bad config answered with an OpenAI-shaped 400 naming the JSON path.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

for (const k of ['LANGCHAIN_TRACING_V2', 'LANGCHAIN_TRACING', 'LANGSMITH_TRACING', 'LANGSMITH_TRACING_V2']) {
  process.env[k] = 'false';
}

const { Portkey, createHeaders } = await import('portkey-ai');
const { ChatOpenAI } = await import('@langchain/openai');
const { startGateway } = await import('./lib/gateway.mjs');
const { startMockOpenAI, UPSTREAM_PREFIX } = await import('./lib/mock_openai.mjs');
const { headerOf, MOCK_PREFIX } = await import('./lib/contract.mjs');

const T = { timeout: 20_000 };

describe('routing configs from Portkey clients', () => {
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

  test('portkey-ai `config`: fallback from a failing target to the next', T, async () => {
    const client = new Portkey({
      baseURL: gw.baseURL,
      apiKey: 'pk-e2e-local',
      config: {
        strategy: { mode: 'fallback' },
        targets: [
          { provider: 'mock', override_params: { model: 'mock-gpt@status=503' } },
          { provider: 'openai', api_key: 'sk-fallback', custom_host: mock.baseUrl },
        ],
      },
    });
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'fall back please' }],
    });
    assert.equal(res.choices[0].message.content, UPSTREAM_PREFIX + 'fall back please');
    const h = res.getHeaders();
    assert.equal(h['last-used-option-index'], 'config.targets[1]');
    assert.equal(h['provider'], 'openai');
    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].headers.authorization, 'Bearer sk-fallback');
  });

  test('createHeaders({ config }) on LangChain: loadbalance splits by weight', T, async () => {
    const config = {
      strategy: { mode: 'loadbalance' },
      targets: [
        { provider: 'mock', weight: 3 },
        { provider: 'openai', api_key: 'sk-lb', custom_host: mock.baseUrl, weight: 1 },
      ],
    };
    const model = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'ignored-by-config',
      maxRetries: 0,
      configuration: { baseURL: gw.baseURL, defaultHeaders: createHeaders({ config, traceID: 'lb-run' }) },
    });
    let toMock = 0;
    let toUpstream = 0;
    const n = 80;
    for (let i = 0; i < n; i++) {
      const res = await model.invoke(`question ${i}`);
      if (res.content === MOCK_PREFIX + `question ${i}`) toMock++;
      else if (res.content === UPSTREAM_PREFIX + `question ${i}`) toUpstream++;
    }
    assert.equal(toMock + toUpstream, n);
    assert.equal(mock.requestsTo('/v1/chat/completions').length, toUpstream);
    // 3:1 weights over 80 draws: both used, the heavier clearly more (binomial, p=0.75: 60 +- 12 at 3 sigma)
    assert.ok(toUpstream > 0 && toMock > toUpstream, `split ${toMock}/${toUpstream}`);
  });

  test('a config with a typo is a 400 naming the path, before any call', T, async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...createHeaders({ config: { strategy: { mode: 'fallback' }, targets: [{ provider: 'mock', weigth: 1 }] } }),
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(typeof body.error.message, 'string');
    assert.match(body.error.message, /targets\[0\]\.weigth/);
    assert.match(body.error.message, /weight/);   // did you mean
    assert.ok(headerOf(res.headers, 'x-portkey-trace-id'));
    assert.equal(mock.requestsTo('/v1/chat/completions').length, 0);
  });
});
