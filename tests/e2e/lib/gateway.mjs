// Starts and stops a real Gatehouse process for one test file.
//
// Contract (see the gateway's --headless mode):
//   $GATEHOUSE_BIN --headless --port 0 --port-file <file>
// binds 127.0.0.1 on a free port, writes "<port>\n" into <file> once listening, answers
// GET /health with 200 {"status":"ok",...}, and exits 0 on SIGTERM/SIGINT after in-flight
// requests finish.
//
// Each gateway gets its own temporary XDG config/data/cache/state directories so a test run
// never reads or writes a developer's real settings, and QT_QPA_PLATFORM=offscreen so a
// binary that builds a GUI application object before looking at --headless still starts
// without a display.
//
// Set GATEHOUSE_E2E_VERBOSE=1 to see the gateway's stdout/stderr live.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_LIMIT = 64 * 1024;

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function gatehouseBin() {
  const bin = process.env.GATEHOUSE_BIN;
  if (!bin) {
    throw new Error(
      'GATEHOUSE_BIN is not set: point it at the built gatehouse executable ' +
        '(ctest sets it for the e2e_clients test; by hand: GATEHOUSE_BIN=build/app/gatehouse npm test)',
    );
  }
  return bin;
}

/**
 * Spawns the gateway and waits until it has written its port file and answers /health.
 * Resolves to a handle:
 *   port, origin ("http://127.0.0.1:<port>"), baseURL (origin + "/v1"), pid,
 *   logs()               captured stdout+stderr (last 64 KiB),
 *   stop({signal})       send SIGTERM (default) and wait; resolves {code, signal};
 *                        SIGKILLs and rejects if it does not exit in time,
 *   stopAndAssertClean() stop() and assert exit code 0 (no signal),
 *   kill()               SIGKILL now if still running (safe to call any time).
 */
export async function startGateway({ args = [], env = {}, startTimeoutMs = START_TIMEOUT_MS } = {}) {
  const bin = gatehouseBin();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'));
  const portFile = join(dir, 'port');
  const xdg = {};
  for (const [name, sub] of [
    ['XDG_CONFIG_HOME', 'config'],
    ['XDG_DATA_HOME', 'data'],
    ['XDG_CACHE_HOME', 'cache'],
    ['XDG_STATE_HOME', 'state'],
  ]) {
    xdg[name] = join(dir, sub);
    await mkdir(xdg[name], { recursive: true });
  }

  const childEnv = {
    ...process.env,
    ...xdg,
    QT_QPA_PLATFORM: process.env.QT_QPA_PLATFORM ?? 'offscreen',
    ...env,
  };
  const argv = ['--headless', '--port', '0', '--port-file', portFile, ...args];
  const child = spawn(bin, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);

  let log = '';
  const verbose = !!process.env.GATEHOUSE_E2E_VERBOSE;
  const capture = (stream, name) => {
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      if (verbose) process.stderr.write(`[gatehouse ${name}] ${text}`);
      log += text;
      if (log.length > LOG_LIMIT) log = log.slice(log.length - LOG_LIMIT);
    });
  };
  capture(child.stdout, 'out');
  capture(child.stderr, 'err');

  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(exitInfo);
    });
  });
  let spawnError = null;
  child.once('error', (err) => {
    spawnError = err;
    live.delete(child);
  });

  const logs = () => log;
  const diagnostics = () => `${bin} ${argv.join(' ')}\n--- gatehouse output ---\n${log}\n--- end ---`;

  const kill = () => {
    if (!exitInfo && !spawnError) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const cleanupDir = () => rm(dir, { recursive: true, force: true }).catch(() => {});

  const stop = async ({ signal = 'SIGTERM', timeoutMs = STOP_TIMEOUT_MS } = {}) => {
    if (spawnError) {
      await cleanupDir();
      throw spawnError;
    }
    if (!exitInfo) child.kill(signal);
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const info = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (!info) {
      kill();
      await exited;
      await cleanupDir();
      throw new Error(`gateway did not exit within ${timeoutMs} ms of ${signal}; killed it.\n${diagnostics()}`);
    }
    await cleanupDir();
    return info;
  };

  const stopAndAssertClean = async (opts) => {
    const info = await stop(opts);
    assert.deepEqual(
      info,
      { code: 0, signal: null },
      `gateway should exit with code 0 on ${opts?.signal ?? 'SIGTERM'}, got ${JSON.stringify(info)}\n${diagnostics()}`,
    );
    return info;
  };

  // Wait for the port file ("<digits>\n"), failing fast if the process dies.
  const deadline = Date.now() + startTimeoutMs;
  let port = 0;
  while (!port) {
    if (spawnError) {
      await cleanupDir();
      throw new Error(`could not start ${bin}: ${spawnError.message}`);
    }
    if (exitInfo) {
      await cleanupDir();
      throw new Error(`gateway exited before writing its port file: ${JSON.stringify(exitInfo)}\n${diagnostics()}`);
    }
    if (Date.now() > deadline) {
      kill();
      await exited;
      await cleanupDir();
      throw new Error(`gateway wrote no port file within ${startTimeoutMs} ms\n${diagnostics()}`);
    }
    try {
      const text = await readFile(portFile, 'utf8');
      const m = /^(\d+)\r?\n/.exec(text);
      if (m) port = Number(m[1]);
    } catch {
      // not there yet
    }
    if (!port) await sleep(25);
  }
  if (!(port > 0 && port < 65536)) {
    kill();
    await exited;
    await cleanupDir();
    throw new Error(`gateway wrote an invalid port ${port}\n${diagnostics()}`);
  }

  const origin = `http://127.0.0.1:${port}`;
  const handle = {
    port,
    origin,
    baseURL: `${origin}/v1`,
    pid: child.pid,
    logs,
    diagnostics,
    stop,
    stopAndAssertClean,
    kill,
  };

  // "Once listening" means /health must answer right away; allow a short grace for slow CI.
  let lastErr = null;
  for (let i = 0; i < 40; i++) {
    try {
      const r = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2000) });
      await r.text();
      if (r.status === 200) {
        lastErr = null;
        break;
      }
      lastErr = new Error(`/health answered ${r.status}`);
    } catch (err) {
      lastErr = err;
    }
    if (exitInfo) break;
    await sleep(50);
  }
  if (lastErr) {
    kill();
    await exited;
    await cleanupDir();
    throw new Error(`gateway on port ${port} never answered /health: ${lastErr.message}\n${diagnostics()}`);
  }
  return handle;
}
