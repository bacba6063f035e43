// Shared set-up for the end-to-end tests: serves the release build (dist/) on
// 127.0.0.1 with the same server the Run command uses, and drives Debian's
// Chromium through playwright-core (which never downloads a browser).
import { after } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const artifacts = join(here, 'artifacts');

// The text of a sync file the app exported: gzip-compressed (known by its
// first bytes, as the app itself knows it), or plain.
export function exportedText(path) {
  const bytes = readFileSync(path);
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
}

/**
 * The gzip members of an exported file, walked by the lengths their headers
 * carry (RFC 1952 FEXTRA, subfield "GC", 8 bytes little-endian: the whole
 * member), as docs/bundle.md describes them: [{ at, length }], and `rest`,
 * the bytes after the last member that gave its length (0 when they all did).
 */
export function gzipMembers(bytes) {
  const members = [];
  let at = 0;
  while (at < bytes.length && bytes[at] === 0x1f && bytes[at + 1] === 0x8b && bytes[at + 3] & 0x04) {
    const xlen = bytes.readUInt16LE(at + 10);
    let length = null;
    for (let f = at + 12; f + 4 <= at + 12 + xlen; f += 4 + bytes.readUInt16LE(f + 2)) {
      if (bytes[f] === 0x47 && bytes[f + 1] === 0x43 && bytes.readUInt16LE(f + 2) === 8) {
        length = Number(bytes.readBigUInt64LE(f + 4));
      }
    }
    if (length === null) break;
    members.push({ at, length });
    at += length;
  }
  return { members, rest: bytes.length - at };
}
mkdirSync(artifacts, { recursive: true });

// As docs/bundle.md defines them: canonical JSON (keys sorted, no white
// space) and the SHA-256 ids and checksums over it. A forger has these too.
export const canonical = (v) => (Array.isArray(v)
  ? `[${v.map(canonical).join(',')}]`
  : v && typeof v === 'object'
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
    : JSON.stringify(v));
export const sha256 = (text) => 'sha256:' + createHash('sha256').update(text).digest('hex');
// An event's id: the hash of everything else it says. A file of version 3
// leaves ids out; a reader derives them so. Exact only for events whose
// numbers JavaScript writes back as the file has them: JSON.parse reads
// an outage's `19.0` hours as 19 (see `eventsWithIds` for every event).
export const eventId = ({ id, ...rest }) => sha256(canonical(rest));

// A sync file's events, each with its id, as gridcare derives them: the file
// rewritten in format 2 by the command line (`merge --file-version 2`).
export function eventsWithIds(path, cli = join(root, 'target', 'debug', 'gridcare')) {
  const text = execFileSync(cli, ['merge', path, '--file-version', '2'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return JSON.parse(text).events;
}

// The sync file's JSON Schema (docs/bundle.schema.json), compiled once:
// `validate(file)` says whether a parsed file follows it, `errors()` why not.
let compiledSchema;
export function bundleSchema() {
  if (!compiledSchema) {
    const require = createRequire(import.meta.url);
    const Ajv2020 = require('ajv/dist/2020').default;
    const addFormats = require('ajv-formats');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const check = ajv.compile(JSON.parse(readFileSync(join(root, 'docs', 'bundle.schema.json'), 'utf8')));
    compiledSchema = {
      validate: (file) => check(file),
      errors: () => (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).slice(0, 5).join('; '),
    };
  }
  return compiledSchema;
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts the static server on a free port; resolves to { url, stop }. */
export function startServer(dist = join(root, 'dist'), env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, '.ci', 'serve.mjs'), dist, '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    child.on('error', reject);
    child.stdout.on('data', (chunk) => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(chunk.toString());
      if (match) resolvePromise({ url: `http://127.0.0.1:${match[1]}`, stop: () => child.kill('SIGTERM') });
    });
    setTimeout(() => reject(new Error('server did not start within 10 s')), 10_000).unref();
  });
}

/** A fresh headless Chromium (playwright gives every launch an empty profile directory). */
export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens a page that records console errors and uncaught exceptions, so a test
 * can assert the app ran cleanly (a CSP violation shows up here too).
 */
export async function openPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  return page;
}

/** Waits until the Leptos app has rendered its header. */
export async function appReady(page) {
  await page.waitForSelector('header.app-header', { timeout: 15_000 });
}

/** Waits until a service worker controls the page (app shell cached). */
export async function controlledByServiceWorker(page) {
  await page.waitForFunction(async () => {
    if (!navigator.serviceWorker) return false;
    await navigator.serviceWorker.ready;
    return !!navigator.serviceWorker.controller;
  }, null, { timeout: 15_000 });
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/**
 * Starts Chromium as a child process on a given profile directory and connects
 * to it, so a test can kill it outright (SIGKILL) and start it again on the
 * same profile. Resolves to { browser, context, kill }.
 */
// Browsers started by launchKillable that a failed test may have left running:
// killed when the test file ends, so a failure never leaves the run hanging.
/**
 * Removes a test's temporary folder. A killed browser's helper processes
 * may still write their cache into its profile for a few seconds: tried
 * again for up to 10 s, then left with a warning (a temporary folder left
 * behind is not a failure of the app).
 */
export async function removeWhenFree(dir) {
  for (let i = 0; ; i++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (e) {
      if (i >= 20) { console.warn(`left ${dir}: ${e.message}`); return; }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const killables = new Set();
after(() => { for (const child of killables) child.kill('SIGKILL'); });

export function launchKillable(profile) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/chromium', [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
    killables.add(child);
    child.once('exit', () => killables.delete(child));
    child.on('error', reject);
    let output = '';
    child.stderr.on('data', async (chunk) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (!match || child.connected === 'done') return;
      child.connected = 'done';
      const browser = await chromium.connectOverCDP(match[1]);
      const exited = new Promise((r) => child.once('exit', r));
      resolvePromise({ browser, context: browser.contexts()[0], kill: async () => { child.kill('SIGKILL'); await exited; } });
    });
    setTimeout(() => reject(new Error(`chromium did not start: ${output}`)), 20_000).unref();
  });
}

/**
 * Waits until the status bar says the last change reached the device's
 * storage. Attached, not visible: a kiosk keeps the save state from
 * customers' eyes, but it still says it.
 */
export async function saved(page) {
  await page.waitForSelector('[data-testid="save-state"][data-state="saved"]', { state: 'attached', timeout: 15_000 });
}

/** Opens the crew screen on an empty device and loads the demo tickets. */
/** Imports a sync file through the import area: chosen, previewed,
 * confirmed, and saved. */
export async function importFile(page, path) {
  await page.setInputFiles('[data-testid="import-file"]', path);
  await page.waitForSelector('[data-testid="import-preview"]');
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]');
  await saved(page);
}

export async function crewWithDemo(page, url) {
  await page.goto(url + '/crew');
  await appReady(page);
  await page.click('[data-testid="demo-offer"] button');
  await page.waitForSelector('[data-testid="queue"]');
}

// The crew queue renders only the rows on screen. These helpers scroll its box
// the way a user would, so a test sees every row, or finds one ticket's row.
const scrollQueue = async (page, stopAt) => page.evaluate(async (stopAt) => {
  const box = document.querySelector('.queue-scroll');
  if (!box) return [];
  const settle = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const seen = new Map();
  box.scrollTop = 0;
  await settle();
  for (;;) {
    for (const r of box.querySelectorAll('tr[data-ticket]')) {
      seen.set(Number(r.getAttribute('aria-rowindex')), {
        number: r.dataset.ticket,
        status: r.querySelector('[data-field="status"]').innerText,
        conflict: !!r.querySelector('[data-testid="conflict"]'),
      });
      if (r.dataset.ticket === stopAt) {
        r.scrollIntoView({ block: 'center' });
        await settle();
        return [];
      }
    }
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
    const at = box.scrollTop;
    box.scrollTop += box.clientHeight;
    await settle();
    // Fractional pixels can leave the box a hair short of its end: stop when it no longer moves.
    if (box.scrollTop <= at) break;
  }
  box.scrollTop = 0;
  await settle();
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}, stopAt ?? null);

/** Every row of the crew queue in order, closed tickets included: number, status text, conflict flag. */
export async function queueRows(page) {
  await page.waitForSelector('[data-testid="queue"]');
  await page.uncheck('[data-testid="open-only"]');
  return scrollQueue(page);
}

/** Scrolls the crew queue (closed tickets included) to one ticket's row and returns that row. */
export async function queueRow(page, number) {
  await page.waitForSelector('[data-testid="queue"] tr[data-ticket]');
  await page.uncheck('[data-testid="open-only"]');
  await scrollQueue(page, number);
  const row = page.locator(`tr[data-ticket="${number}"]`);
  await row.waitFor();
  return row;
}

/**
 * Starts pouchdb-server (the CouchDB-protocol server from npm) on a free
 * 127.0.0.1 port with its data in `dir`, an administrator "admin"/"admin",
 * the user "demo"/"demo" of the demo station, and the station's database
 * set up by `gridcare couch-setup`. Resolves to { url, db, stop, restart }.
 */
export async function startCouch(dir) {
  const { createServer } = await import('node:net');
  const { execFileSync } = await import('node:child_process');
  const port = await new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
  const url = `http://127.0.0.1:${port}`;
  const bin = join(root, '.ci', 'couch', 'node_modules', '.bin', 'pouchdb-server');
  let child;
  const up = async () => {
    child = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--dir', dir], { cwd: dir, stdio: 'ignore' });
    for (let i = 0; i < 150; i++) {
      try { if ((await fetch(url + '/')).ok) return; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('pouchdb-server did not start');
  };
  await up();
  const admin = { Authorization: 'Basic ' + Buffer.from('admin:admin').toString('base64') };
  await fetch(`${url}/_config/admins/admin`, { method: 'PUT', body: '"admin"' });
  // A kept session secret, as CouchDB keeps it in local.ini: sessions
  // survive a restart of the server (pouchdb-server otherwise makes a new one).
  await fetch(`${url}/_config/couch_httpd_auth/secret`, { method: 'PUT', headers: admin, body: '"e2e-session-secret"' });
  await fetch(`${url}/_users/org.couchdb.user:demo`, {
    method: 'PUT', headers: { ...admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'demo', password: 'demo', type: 'user', roles: ['gridcare-demo'] }),
  });
  execFileSync(join(root, 'target', 'debug', 'gridcare'), ['couch-setup', `${url}/gridcare-demo`, '--user', 'admin'], { env: { ...process.env, GRIDCARE_COUCH_PASSWORD: 'admin' } });
  const stop = () => new Promise((ok) => { child.once('exit', ok); child.kill('SIGTERM'); });
  return { url, db: `${url}/gridcare-demo`, admin, stop, restart: up };
}
