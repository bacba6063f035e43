// The CouchDB sync benchmark (issue "Live sync"): gridcare pushing a
// device's log to an empty database and pulling it into an empty device
// (checked like an import, written to IndexedDB), in headless Chromium,
// next to the floor: the same events as one document each, posted with
// _bulk_docs 1,000 per request and read back with _all_docs from plain
// JavaScript. Also the CLI's push and pull, one action's delay from tablet
// A to tablet B, and the anchor: PouchDB's own browser build replicating
// the same events (one document each) to and from the same server, with
// its default options and with batch_size 1000. A benchmark: it prints
// figures, never fails on a slow one.
//   node tests/bench/couch.mjs          (uses the build in dist/; TICKETS=50000;
//                                        POUCH=0 leaves PouchDB out)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const harness = await import(join(root, 'tests/e2e/harness.mjs'));
const TICKETS = Number(process.env.TICKETS ?? 50_000);
const POUCH = process.env.POUCH !== '0';
const pouchScript = join(root, 'tests/bench/node_modules/pouchdb/dist/pouchdb.min.js');
const log = (t) => process.stderr.write(`${t}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'gridcare'], { cwd: root, stdio: 'inherit' });
const cli = join(root, 'target', 'release', 'gridcare');
const work = mkdtempSync(join(tmpdir(), 'gridcare-couch-bench-'));
const file = join(work, 'a.json');
execFileSync(cli, ['demo', '--tickets', String(TICKETS), '--seed', '5', '--device', 'tab-A', '-o', file]);
// Each with its id (a file of format 3 leaves them out): the floor's
// documents are named by them.
const events = harness.eventsWithIds(file, cli);
log(`${TICKETS} tickets, ${events.length} events`);
const rows = [];
const row = (name, value, note = '') => { rows.push([name, value, note]); log(`  ${name}: ${value} ${note}`); };
const took = {};

// ---- the floor: plain JavaScript, one document per event ---------------
{
  const couch = await harness.startCouch(mkdtempSync(join(work, 'floor-')));
  const db = `${couch.url}/floor`;
  const admin = { ...couch.admin, 'Content-Type': 'application/json' };
  await fetch(db, { method: 'PUT', headers: admin });
  let t0 = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    const docs = events.slice(i, i + 1000).map((e) => ({ _id: e.id, text: JSON.stringify(e) }));
    const r = await fetch(`${db}/_bulk_docs`, { method: 'POST', headers: admin, body: JSON.stringify({ docs }) });
    if (!r.ok) throw new Error(await r.text());
  }
  const write = performance.now() - t0;
  t0 = performance.now();
  let got = 0; let startkey = null;
  for (;;) {
    const q = `${db}/_all_docs?include_docs=true&limit=1000${startkey ? `&startkey=${encodeURIComponent(JSON.stringify(startkey))}&skip=1` : ''}`;
    const page = await (await fetch(q, { headers: admin })).json();
    got += page.rows.length;
    if (page.rows.length < 1000) break;
    startkey = page.rows.at(-1).id;
  }
  const read = performance.now() - t0;
  took.floorWrite = write; took.floorRead = read;
  row('floor: _bulk_docs, 1,000 per request (Node)', secs(write), `${events.length} docs`);
  row('floor: _all_docs?include_docs=true read back (Node)', secs(read), `${got} docs`);
  await couch.stop();
}

// ---- the CLI -------------------------------------------------------------
{
  const couch = await harness.startCouch(mkdtempSync(join(work, 'cli-')));
  const env = { ...process.env, GRIDCARE_COUCH_PASSWORD: 'admin' };
  const t = (args) => {
    try {
      execFileSync('/usr/bin/time', ['-o', join(work, 'time.txt'), '-f', '%e %M', cli, ...args], { env, stdio: 'ignore' });
    } catch (e) { throw new Error(`${args[0]} failed: ${e.message}`); }
    const [s, kb] = readFileSync(join(work, 'time.txt'), 'utf8').trim().split(/\s+/).slice(-2);
    return { ms: Number(s) * 1000, mb: Number(kb) / 1000 };
  };
  const push = t(['push', file, '--to', couch.db, '--user', 'admin']);
  row('CLI push to an empty database', secs(push.ms), `peak RSS ${push.mb.toFixed(0)} MB`);
  const pull = t(['pull', '--from', couch.db, '--user', 'admin', '-o', join(work, 'pulled.json')]);
  row('CLI pull of the database to a file (checked)', secs(pull.ms), `peak RSS ${pull.mb.toFixed(0)} MB`);
  await couch.stop();
}

// ---- the app, in headless Chromium ----------------------------------------
const couch = await harness.startCouch(mkdtempSync(join(work, 'app-')));
const server = await harness.startServer(undefined, { COUCH_URL: couch.url });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...harness.CHROMIUM_ARGS, '--enable-precise-memory-info'] });
const memory = async (page) => page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
async function tablet() {
  const context = await browser.newContext();
  await context.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; }));
  const page = await context.newPage();
  await page.goto(server.url + '/crew');
  await harness.appReady(page);
  return { context, page };
}
const counts = async (page) => {
  const text = (await page.locator('[data-testid="sync-counts"]').innerText().catch(() => '')) ?? '';
  const m = /已收到 (\d+) 条、已上传 (\d+) 条/.exec(text);
  return m ? { pulled: Number(m[1]), pushed: Number(m[2]) } : { pulled: 0, pushed: 0 };
};
async function until(page, done, limitMs = 1_800_000) {
  const t0 = performance.now();
  let peak = 0;
  let parts = '';
  for (;;) {
    const wasm = await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? 0);
    const heap = await memory(page);
    if (heap + wasm > peak) {
      peak = heap + wasm;
      parts = `wasm ${(wasm / 1e6).toFixed(0)} MB, JS heap ${(heap / 1e6).toFixed(0)} MB`;
    }
    if (await done()) return { ms: performance.now() - t0, peak, parts };
    if (performance.now() - t0 > limitMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
{
  const a = await tablet();
  await a.page.setInputFiles('[data-testid="import-file"]', file);
  await a.page.waitForSelector('[data-testid="import-preview"]', { timeout: 600_000 });
  await a.page.getByRole('button', { name: '确认导入' }).click();
  await a.page.waitForSelector('[data-testid="import-done"]', { timeout: 600_000 });
  await a.page.fill('[data-testid="sync-password"]', 'demo');
  await a.page.click('[data-testid="sync-login"]');
  const push = await until(a.page, async () => (await counts(a.page)).pushed >= events.length);
  took.push = push.ms;
  row('app push: a device\'s log to an empty database', secs(push.ms), `${events.length} events; JS heap + wasm peak ${(push.peak / 1e6).toFixed(0)} MB`);

  const b = await tablet();
  await b.page.fill('[data-testid="sync-password"]', 'demo');
  await b.page.click('[data-testid="sync-login"]');
  const pull = await until(b.page, async () => (await counts(b.page)).pulled >= events.length);
  took.pull = pull.ms;
  row('app pull: into an empty device, checked like an import, in IndexedDB', secs(pull.ms), `JS heap + wasm peak ${(pull.peak / 1e6).toFixed(0)} MB (${pull.parts}; goal ≤ 300 MB)`);

  // Steady state: one action on A visible on B, median of 10.
  const delays = [];
  for (let i = 0; i < 10; i++) {
    const button = a.page.getByRole('button', { name: '记录首次响应' });
    const r = a.page.locator('[data-testid="queue"] tbody tr[data-ticket]', { has: button }).first();
    const number = await r.getAttribute('data-ticket');
    void number;
    const before = (await counts(b.page)).pulled;
    const t0 = performance.now();
    await r.getByRole('button', { name: '记录首次响应' }).click();
    // B has taken A's new event (checked and saved) when its count moves.
    await until(b.page, async () => (await counts(b.page)).pulled > before, 60_000);
    delays.push(performance.now() - t0);
  }
  delays.sort((x, y) => x - y);
  row('one action on A visible on B (median of 10)', `${Math.round(delays[5])} ms`, `min ${Math.round(delays[0])}, max ${Math.round(delays[9])}; goal < 2 s`);
}

// ---- the anchor: PouchDB in the same browser, one document per event ------
// Through the same origin and proxy as the app; its IndexedDB adapter.
async function pouchPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + '/couchdb/');
  await page.addScriptTag({ path: pouchScript });
  return { context, page };
}
const replicate = (page, from, to, options) => page.evaluate(async ({ from, to, options }) => {
  const open = (name) => name.startsWith('remote:')
    ? new PouchDB(`${location.origin}/couchdb/${name.slice(7)}`, { auth: { username: 'admin', password: 'admin' }, skip_setup: true })
    : new PouchDB(name);
  const t0 = performance.now();
  const result = await PouchDB.replicate(open(from), open(to), options);
  return { ms: performance.now() - t0, written: result.docs_written, ok: result.ok };
}, { from, to, options });
if (POUCH) {
  const admin = { ...couch.admin, 'Content-Type': 'application/json' };
  const source = await pouchPage();
  log('loading PouchDB\'s local database (not timed)');
  for (let i = 0; i < events.length; i += 5000) {
    const docs = events.slice(i, i + 5000).map((e) => ({ _id: e.id, text: JSON.stringify(e) }));
    await source.page.evaluate(async (docs) => {
      const r = await new PouchDB('events').bulkDocs(docs);
      if (r.some((x) => x.error)) throw new Error('bulkDocs refused a document');
    }, docs);
  }
  for (const [label, options] of [['defaults', {}], ['batch_size 1000', { batch_size: 1000 }]]) {
    const db = `pouch-${label.replace(/\W+/g, '-')}`;
    await fetch(`${couch.url}/${db}`, { method: 'PUT', headers: admin });
    const push = await replicate(source.page, 'events', `remote:${db}`, options);
    row(`PouchDB push, ${label}`, secs(push.ms), `${push.written} docs written`);
    const sink = await pouchPage();
    const pull = await replicate(sink.page, `remote:${db}`, 'pulled', options);
    row(`PouchDB pull, ${label}`, secs(pull.ms), `${pull.written} docs written to IndexedDB`);
    await sink.context.close();
    took[`pouchPush ${label}`] = push.ms;
    took[`pouchPull ${label}`] = pull.ms;
  }
  await source.context.close();
  const best = (way) => Math.min(took[`${way} defaults`], took[`${way} batch_size 1000`]);
  const against = (name, ours, pouch, floor) => row(
    `${name}: gridcare ÷ PouchDB's best`, `${(ours / pouch).toFixed(3)}`,
    `${secs(ours)} ÷ ${secs(pouch)}; goal ≤ 0.200 ${ours * 5 <= pouch ? 'met' : '**missed**'}; ÷ floor ${(ours / floor).toFixed(2)}`,
  );
  against('push', took.push, best('pouchPush'), took.floorWrite);
  against('pull', took.pull, best('pouchPull'), took.floorRead);
}
await browser.close();
server.stop();
await couch.stop();
rmSync(work, { recursive: true, force: true, maxRetries: 5 });

console.log('| figure | value | note |\n|---|---|---|');
for (const [name, value, note] of rows) console.log(`| ${name} | ${value} | ${note} |`);
