// Starts the real service (the binary `cargo test` built) on 127.0.0.1 port 0 with a store in
// a temp folder and the given sources (local files allowed anywhere in the temp folder), and
// resolves to its base URL once it listens. Stops with the returned `stop()`; every test that
// starts one stops it; `logs()` is what it has logged. Helpers: a source table for a local
// feed file, a writable copy of a fixture feed, waiting for /readyz, a POST.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const binary = join(targetDir, 'debug', 'supportmesh');

// The operator token the service is started with (SUPPORTMESH_OPERATOR_TOKEN).
export const OPERATOR_TOKEN = 'js-test-token';

export async function startService(sourcesToml = '') {
  const dir = mkdtempSync(join(tmpdir(), 'supportmesh-js-'));
  const config = join(dir, 'supportmesh.toml');
  // Feed copies (feedCopy) live in the temp folder, outside the config's folder.
  const roots = `[fetch]\nlocal_roots = ["${realpathSync(tmpdir())}"]\n`;
  writeFileSync(config, `[store]\npath = "${join(dir, 'store')}"\n${roots}${sourcesToml}`);
  const child = spawn(binary, ['serve', '--config', config, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, RUST_LOG: 'info', SUPPORTMESH_OPERATOR_TOKEN: OPERATOR_TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let seen = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start within 60 s')), 60_000);
    child.stderr.on('data', (chunk) => {
      // Log lines may carry ANSI colours around `addr` and `=`.
      seen += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
      const m = seen.match(/addr=(127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    });
    child.on('exit', (code) => reject(new Error(`the service exited (${code}): ${seen}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  };
  // Everything the service has logged so far (without colours).
  const logs = () => seen;
  return { url, stop, logs };
}

export async function post(url, body, headers = {}) {
  const resp = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return resp.json();
}

// A `[[sources]]` table for a Meeting Guide feed read from a local file.
export function meetingGuideSource(id, path) {
  return `[[sources]]\nid = "${id}"\nformat = "meeting_guide"\nurl = "${path}"\nschedule = "0 0 3 * * *"\n` +
    `[sources.defaults]\ntimezone = "America/New_York"\ncountry = "US"\ntopics = ["alcohol"]\n`;
}

// A writable copy of a feed in fixtures/ (sepa-small.json: six meetings of the scrubbed SE
// Pennsylvania sample in tests/fixtures), or of the file at `from`, in a temp folder: `rows`,
// `write(rows)`, `remove()`.
export function feedCopy(name, from = new URL(`fixtures/${name}`, import.meta.url)) {
  const dir = mkdtempSync(join(tmpdir(), 'supportmesh-feed-'));
  const path = join(dir, name);
  const rows = JSON.parse(readFileSync(from, 'utf8'));
  writeFileSync(path, JSON.stringify(rows));
  return {
    path,
    rows,
    write: (next) => writeFileSync(path, JSON.stringify(next)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Resolves once GET /readyz answers 200: every source's first import run (at startup) is done.
export async function untilReady(url) {
  for (let i = 0; i < 600; i++) {
    const resp = await fetch(`${url}/readyz`);
    if (resp.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service was not ready within 60 s');
}
