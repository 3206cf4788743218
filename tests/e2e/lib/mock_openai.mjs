// A tiny OpenAI-compatible upstream for the end-to-end tests: node:http on 127.0.0.1, port 0.
//
// It stands in for the real provider behind the gateway's `openai` provider when a test sets
// `x-portkey-custom-host: <mock.baseUrl>` and records every request it receives (method, path,
// headers, parsed JSON body) so tests can check what the gateway forwarded upstream.
//
// Routes (all under /v1):
//   POST /chat/completions  chat.completion JSON, or chat.completion.chunk SSE ending with
//                           `data: [DONE]` when stream:true (plus a usage chunk with empty
//                           `choices` when stream_options.include_usage is true).
//                           Content: `Upstream reply to: <text of the last user message>`.
//                           Error on demand through the model name: `error-<status>` (e.g.
//                           `error-404`, `error-503`) answers that status with an OpenAI error body.
//                           Model `slow-<ms>` (e.g. `slow-400`) waits that long before answering,
//                           to keep a request in flight.
//                           A model containing `tool` with `tools` in the request calls the first
//                           tool with {"city":"Paris"} (streamed: the arguments in two fragments),
//                           unless the last message is a tool result.
//   POST /embeddings        one vector per input; honours encoding_format (the openai SDK asks
//                           for `base64` by default and decodes it itself).
//   GET  /models            a one-entry model list.
//   anything else           404 with an OpenAI error body.
import http from 'node:http';

export const UPSTREAM_PREFIX = 'Upstream reply to: ';
export const EMBEDDING = [0.25, -0.5, 0.125, 1];

/** Text of the last user message, whether its content is a string or an array of parts. */
export function lastUserText(messages) {
  const users = (Array.isArray(messages) ? messages : []).filter((m) => m && m.role === 'user');
  const last = users[users.length - 1];
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  if (Array.isArray(last.content)) {
    return last.content
      .filter((p) => p && p.type === 'text' && typeof p.text === 'string')
      .map((p) => p.text)
      .join('');
  }
  return '';
}

/** Splits text into a few pieces (word by word, spaces kept) for streaming. */
export function pieces(text) {
  const out = text.match(/\S+\s*|\s+/g) ?? [];
  return out.length ? out : [''];
}

function sendJson(res, status, obj, extraHeaders = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

function sendError(res, status, message, type = 'invalid_request_error', code = null) {
  sendJson(res, status, { error: { message, type, param: null, code } });
}

function usageFor(prompt, completion) {
  const p = Math.max(1, prompt.split(/\s+/).filter(Boolean).length);
  const c = Math.max(1, completion.split(/\s+/).filter(Boolean).length);
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

function errorFromModel(model) {
  const m = /^error-(\d{3})$/.exec(String(model ?? ''));
  return m ? Number(m[1]) : 0;
}

function handleChat(req, res, body) {
  const model = body.model ?? 'gpt-4o-mini';
  const slow = /^slow-(\d+)$/.exec(String(model));
  if (slow && !req.delayed) {
    req.delayed = true;
    setTimeout(() => handleChat(req, res, body), Number(slow[1]));
    return;
  }
  const status = errorFromModel(model);
  if (status) {
    const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
    const code = status === 404 ? 'model_not_found' : null;
    return sendError(res, status, `mock upstream error ${status} for model ${model}`, type, code);
  }
  if (!Array.isArray(body.messages)) {
    return sendError(res, 400, "'messages' is a required property");
  }
  const prompt = lastUserText(body.messages);
  const content = UPSTREAM_PREFIX + prompt;
  const id = 'chatcmpl-upstream-' + Math.random().toString(36).slice(2, 10);
  const created = Math.floor(Date.now() / 1000);
  const last = body.messages[body.messages.length - 1];
  const tool = String(model).includes('tool') && Array.isArray(body.tools) && body.tools.length && last?.role !== 'tool'
    ? body.tools[0]?.function?.name : undefined;
  if (tool) return toolCall(res, body, { id, created, model, tool });

  if (!body.stream) {
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_mock',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: usageFor(prompt, content),
    });
  }

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const chunk = (delta, finish = null, extra = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...extra,
  });
  const events = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(content)) events.push(chunk({ content: p }));
  events.push(chunk({}, 'stop'));
  if (body.stream_options && body.stream_options.include_usage) {
    events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageFor(prompt, content) });
  }
  // Written as separate writes so the gateway sees (and must relay) a real stream.
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < events.length) {
      res.write(`data: ${JSON.stringify(events[i++])}\n\n`);
      setTimeout(next, 2);
    } else {
      res.end('data: [DONE]\n\n');
    }
  };
  next();
}

const TOOL_ARGS = ['{"city":', '"Paris"}'];

function toolCall(res, body, { id, created, model, tool }) {
  const call = { id: 'call_upstream_1', type: 'function', function: { name: tool, arguments: TOOL_ARGS.join('') } };
  const usage = { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 };
  if (!body.stream) {
    return sendJson(res, 200, {
      id, object: 'chat.completion', created, model,
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, logprobs: null, finish_reason: 'tool_calls' }],
      usage,
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const chunk = (delta, finish = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: tool, arguments: '' } }] }),
    ...TOOL_ARGS.map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
    chunk({}, 'tool_calls'),
  ];
  if (body.stream_options?.include_usage) events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  res.end('data: [DONE]\n\n');
}

function handleEmbeddings(req, res, body) {
  const status = errorFromModel(body.model);
  if (status) return sendError(res, status, `mock upstream error ${status}`);
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const base64 = body.encoding_format === 'base64';
  const encode = (vec) => Buffer.from(new Float32Array(vec).buffer).toString('base64');
  sendJson(res, 200, {
    object: 'list',
    model: body.model ?? 'text-embedding-3-small',
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? encode(EMBEDDING) : EMBEDDING,
    })),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  });
}

/**
 * Starts the mock upstream. Resolves to
 *   { baseUrl, port, requests, lastRequest(), requestsTo(path), reset(), close() }
 * where baseUrl is `http://127.0.0.1:<port>/v1` (what x-portkey-custom-host takes) and each
 * recorded request is { method, path, headers (lower-cased names), body (parsed JSON or raw text) }.
 */
export async function startMockOpenAI() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = raw;
      if (raw.length) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      } else {
        body = {};
      }
      const path = new URL(req.url, 'http://127.0.0.1').pathname;
      requests.push({ method: req.method, path, headers: { ...req.headers }, body });

      if (req.method === 'POST' && path === '/v1/chat/completions') {
        if (typeof body !== 'object') return sendError(res, 400, 'request body is not JSON');
        return handleChat(req, res, body);
      }
      if (req.method === 'POST' && path === '/v1/embeddings') {
        if (typeof body !== 'object') return sendError(res, 400, 'request body is not JSON');
        return handleEmbeddings(req, res, body);
      }
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, {
          object: 'list',
          data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'mock' }],
        });
      }
      return sendError(res, 404, `mock upstream: no route for ${req.method} ${path}`, 'invalid_request_error', 'unknown_url');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  // Never keep a test process alive just because a test forgot to close its upstream.
  server.unref();
  const { port } = server.address();
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    lastRequest: () => requests[requests.length - 1],
    requestsTo: (path) => requests.filter((r) => r.path === path),
    reset: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        if (server.closeAllConnections) server.closeAllConnections();
      }),
  };
}

/** Names of the x-portkey-* headers in a recorded request (they must never reach the upstream). */
export function portkeyHeaderNames(recorded) {
  return Object.keys(recorded.headers).filter((h) => h.toLowerCase().startsWith('x-portkey-'));
}
