'use strict';
// Runs the real `crmd` binary for the Node SDK suite, as ../lightfield/crmd_harness.py does for
// the Python suites: `$CRMD_BIN` (or a fresh debug build), a temporary data folder with the
// HubSpot suite's schema applied, `crmd serve` on a free loopback port, keys from `crmd keys`.
// Every wait is bounded, and every server started here is stopped: by the test file that
// started it, or at process exit as a last resort.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('@hubspot/api-client');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
// The Python HubSpot suite's schema: `cars` is the first custom type, objectTypeId `2-1`.
const SCHEMA_FILE = path.join(REPO_ROOT, 'tests', 'sdk', 'hubspot', 'schema.toml');

// Bounds for every wait, in milliseconds.
const BUILD_TIMEOUT_MS = 1_500_000;
const CLI_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const PROBE_TIMEOUT_MS = 2_000;

let builtBinary = null;

/** The binary under test: `$CRMD_BIN`, or a fresh debug build of `crmd_cli`. */
function crmdBinary() {
  const fromEnv = process.env.CRMD_BIN;
  if (fromEnv) {
    const binary = path.resolve(fromEnv);
    if (!fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) {
      throw new Error(`CRMD_BIN points at ${binary}, which is not a file`);
    }
    return binary;
  }
  if (builtBinary === null) {
    const build = spawnSync('cargo', ['build', '-p', 'crmd_cli'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: BUILD_TIMEOUT_MS,
    });
    if (build.status !== 0) {
      throw new Error(`cargo build -p crmd_cli failed (${build.error ?? `exit ${build.status}`})`);
    }
    builtBinary = path.join(REPO_ROOT, 'target', 'debug', 'crmd');
  }
  return builtBinary;
}

/**
 * The environment for `crmd` processes: crmd reads every `CRMD_*` variable as configuration and
 * refuses unknown keys, so the suite's own `CRMD_BIN` must not reach it.
 */
function childEnvironment() {
  const environment = { ...process.env };
  delete environment.CRMD_BIN;
  return environment;
}

/** Runs one `crmd` subcommand to completion and returns its stdout; throws on failure. */
function runCli(binary, args) {
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnvironment(),
  });
  if (result.status !== 0) {
    throw new Error(
      `\`crmd ${args.join(' ')}\` failed (${result.error ?? `exit ${result.status}`})\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const running = new Set();
process.on('exit', () => {
  for (const server of running) server.kill();
});

/** HubSpot's Node client pointed at crmd by its base URL only, without retries. */
function hubspotClient(baseUrl, accessToken) {
  return new Client({ accessToken, basePath: baseUrl });
}

/** One `crmd serve` process on a loopback port, on its own temporary data folder. */
class CrmdServer {
  constructor(binary, folder, name) {
    this.binary = binary;
    this.folder = folder;
    this.dataDir = path.join(folder, 'data');
    this.name = name;
    this.port = null;
    this.process = null;
    this.exit = null;
    this.starts = 0;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get defaultKey() {
    return fs.readFileSync(path.join(this.dataDir, 'default.key'), 'utf8').trim();
  }

  get stderrPath() {
    return path.join(this.folder, `${this.name}-${this.starts}.stderr.log`);
  }

  stderrText() {
    return fs.existsSync(this.stderrPath) ? fs.readFileSync(this.stderrPath, 'utf8') : '';
  }

  /** A HubSpot client for this server, with the default full-access key or `key`. */
  client(key = this.defaultKey) {
    return hubspotClient(this.baseUrl, key);
  }

  /** `crmd keys create`: a new key of the default workspace, limited to `scopes` when given. */
  createKey({ scopes, label } = {}) {
    const args = ['keys', 'create', '--data', this.dataDir];
    if (scopes) args.push('--scopes', scopes.join(','));
    if (label) args.push('--label', label);
    const key = runCli(this.binary, args).trim();
    if (!key || key.includes('\n')) {
      throw new Error(`\`crmd keys create\` should print only the key, got ${JSON.stringify(key)}`);
    }
    return key;
  }

  /** `crmd keys revoke`: the key stops working at once, the server running or not. */
  revokeKey(key) {
    runCli(this.binary, ['keys', 'revoke', '--data', this.dataDir, key]);
  }

  /** Starts the server and waits until it answers HTTP; retries on a port race. */
  async start() {
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      this.starts += 1;
      this.port = await freePort();
      const stdout = fs.openSync(path.join(this.folder, `${this.name}-${this.starts}.stdout.log`), 'w');
      const stderr = fs.openSync(this.stderrPath, 'w');
      const child = spawn(
        this.binary,
        ['serve', '--data', this.dataDir, '--listen', `127.0.0.1:${this.port}`],
        { stdio: ['ignore', stdout, stderr], env: childEnvironment() },
      );
      fs.closeSync(stdout);
      fs.closeSync(stderr);
      this.process = child;
      this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      running.add(child);
      if (await this.waitUntilReady()) return this;
      lastError = this.stderrText();
      await this.stop();
      if (!lastError.toLowerCase().includes('in use')) break;
    }
    throw new Error(`\`crmd serve\` on ${this.dataDir} did not come up; stderr:\n${lastError.slice(-4000)}`);
  }

  async waitUntilReady() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null || this.process.signalCode !== null) return false;
      if (fs.existsSync(path.join(this.dataDir, 'default.key'))) {
        try {
          await fetch(`${this.baseUrl}/v1/auth/validate`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
          return true;
        } catch {
          // Not listening yet.
        }
      }
      await sleep(50);
    }
    return false;
  }

  /** True while the process runs. */
  isRunning() {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Waits at most `ms` for the process to exit; true if it did. */
  async exited(ms) {
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.exit.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the server if it runs (SIGTERM, then SIGKILL after a bound); never throws. */
  async stop() {
    const child = this.process;
    if (child === null) return;
    this.process = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await this.exited(STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await this.exited(STOP_TIMEOUT_MS);
      }
    }
    running.delete(child);
  }
}

/**
 * Starts one crmd for a test file: a fresh data folder with the HubSpot schema applied.
 * Call `finish()` from the file's `after` hook: it fails if the server died during the run,
 * stops it, and removes its folder.
 */
async function startCrmd(name = 'hubspot-node') {
  const binary = crmdBinary();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `crmd-${name}-`));
  const server = new CrmdServer(binary, folder, name);
  try {
    runCli(binary, ['schema', 'apply', '--data', server.dataDir, SCHEMA_FILE]);
    await server.start();
  } catch (error) {
    fs.rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  server.finish = async () => {
    const died = !server.isRunning();
    const stderr = server.stderrText();
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
    if (died) {
      throw new Error(`the server died during the run; stderr:\n${stderr.slice(-4000)}`);
    }
  };
  return server;
}

module.exports = { startCrmd, hubspotClient };
