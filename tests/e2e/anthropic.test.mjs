// The official Anthropic SDK (@anthropic-ai/sdk) pointed at Gatehouse's POST /v1/messages: the
// built-in `mock` provider and the `openai` provider with a custom host (our OpenAI look-alike)
// answer in OpenAI's format, and the SDK must get Anthropic's: messages.create, messages.stream
// (events and finalMessage), a tool call streamed as input_json_delta, and errors as APIError.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway } from './lib/gateway.mjs';
import { startMockOpenAI, UPSTREAM_PREFIX } from './lib/mock_openai.mjs';
import { MOCK_PREFIX } from './lib/contract.mjs';

const T = { timeout: 20_000 };

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic SDK through Gatehouse', () => {
  let gw;
  let mock;
  let viaMock;     // x-portkey-provider: mock
  let viaOpenAI;   // openai provider, custom host = the mock upstream, key from x-api-key

  before(async () => {
    mock = await startMockOpenAI();
    gw = await startGateway();
    const common = { baseURL: gw.origin, maxRetries: 0, timeout: 10_000 };
    viaMock = new Anthropic({ ...common, apiKey: 'unused', defaultHeaders: { 'x-portkey-provider': 'mock' } });
    viaOpenAI = new Anthropic({
      ...common,
      apiKey: 'sk-upstream-key',
      defaultHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': mock.baseUrl },
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

  test('messages.create returns an Anthropic message', T, async () => {
    const msg = await viaMock.messages.create({
      model: 'mock-gpt',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: 'Hello from the Anthropic SDK' }],
      metadata: { user_id: 'u-1' },
    });
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.match(msg.id, /^msg_/);
    assert.deepEqual(msg.content, [{ type: 'text', text: MOCK_PREFIX + 'Hello from the Anthropic SDK' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0, JSON.stringify(msg.usage));
  });

  test('messages.stream emits text deltas and a final message', T, async () => {
    const stream = viaMock.messages.stream({
      model: 'mock-gpt',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Stream this please' }],
    });
    const deltas = [];
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    assert.ok(deltas.length > 1, `several text deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), MOCK_PREFIX + 'Stream this please');
    assert.deepEqual(final.content, [{ type: 'text', text: MOCK_PREFIX + 'Stream this please' }]);
    assert.equal(final.stop_reason, 'end_turn');
    assert.ok(final.usage.output_tokens > 0);
  });

  test('create with stream:true on an OpenAI upstream; x-api-key becomes the provider key', T, async () => {
    const stream = await viaOpenAI.messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 64,
      stop_sequences: ['END'],
      messages: [{ role: 'user', content: 'Hi upstream' }],
      stream: true,
    });
    const types = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.equal(text, UPSTREAM_PREFIX + 'Hi upstream');
    assert.equal(types[0], 'message_start');
    assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);

    const sent = mock.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].headers.authorization, 'Bearer sk-upstream-key');
    assert.deepEqual(sent[0].body.stop, ['END']);
    assert.equal(sent[0].body.max_tokens, 64);
    assert.equal(sent[0].body.stream, true);
  });

  test('a tool call, plain and streamed, then the tool result', T, async () => {
    const request = {
      model: 'gpt-tool',
      max_tokens: 128,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'auto' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    };
    const msg = await viaOpenAI.messages.create(request);
    assert.equal(msg.stop_reason, 'tool_use');
    const use = msg.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(use, { type: 'tool_use', id: 'call_upstream_1', name: 'get_weather', input: { city: 'Paris' } });

    const stream = viaOpenAI.messages.stream(request);
    const fragments = [];
    stream.on('inputJson', (partial) => fragments.push(partial));
    const final = await stream.finalMessage();
    assert.equal(fragments.length, 2, 'argument fragments arrive as input_json_delta');
    assert.deepEqual(final.content, [use]);
    assert.equal(final.stop_reason, 'tool_use');

    const answer = await viaOpenAI.messages.create({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: final.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18C and sunny' }] },
      ],
    });
    assert.equal(answer.stop_reason, 'end_turn');
    const last = mock.lastRequest().body.messages;
    assert.deepEqual(last.slice(-2), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_upstream_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_upstream_1', content: '18C and sunny' },
    ]);
  });

  test('bad input and upstream errors surface as Anthropic APIErrors', T, async () => {
    await assert.rejects(
      viaMock.messages.create({ model: 'mock-gpt', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.BadRequestError && e.status === 400 && e.error?.error?.type === 'invalid_request_error'
        && /max_tokens/.test(e.error.error.message),
    );
    await assert.rejects(
      viaMock.messages.create({ model: 'mock-gpt@status=429', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.RateLimitError && e.error?.error?.type === 'rate_limit_error',
    );
  });

  test('a stream that breaks midway raises the SDK\'s APIError from Anthropic\'s error event', T, async () => {
    const stream = viaMock.messages.stream({
      model: 'mock-gpt@break=2',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Please break off' }],
    });
    const deltas = [];
    stream.on('text', (t) => deltas.push(t));
    await assert.rejects(
      stream.finalMessage(),
      (e) => e instanceof Anthropic.APIError && e.type === 'api_error' && e.error?.type === 'error'
        && typeof e.apiMessage === 'string' && e.apiMessage.length > 0,
    );
    assert.ok(deltas.length > 0, 'the text before the break still arrived');
  });

  test('messages.countTokens on a provider that cannot count is a 400 naming it', T, async () => {
    await assert.rejects(
      viaOpenAI.messages.countTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count me' }] }),
      (e) => e instanceof Anthropic.BadRequestError && e.error?.error?.type === 'invalid_request_error'
        && /count_tokens/.test(e.error.error.message) && /'openai'/.test(e.error.error.message),
    );
    assert.equal(mock.requests.length, 0);
  });
});
