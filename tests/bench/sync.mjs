// Sync benchmark in headless Chromium against the release build (a benchmark:
// it prints figures and asserts nothing about time).
//   node tests/bench/sync.mjs [tickets]        (default 50000; needs the release build in dist/)
// Measures: import-and-merge of an N-ticket bundle into an empty store and into
// a store that already holds most of it, cold start with that store until the
// crew queue is shown, export, and peak JS heap and wasm memory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const harness = await import(join(root, 'tests/e2e/harness.mjs'));

const tickets = Number(process.argv[2] ?? 50_000);
// The CLI makes the bundles; cargo does nothing if it is up to date.
execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'gridcare'], { cwd: root, stdio: 'inherit' });
const binary = join(root, 'target', 'release', 'gridcare');
if (!existsSync(join(root, 'dist', 'index.html'))) throw new Error('build the app first: trunk build --release');
const work = mkdtempSync(join(tmpdir(), 'gridcare-bench-'));
const fileA = join(work, 'a.json');
const fileB = join(work, 'b.json');
let t = performance.now();
execFileSync(binary, ['demo', '--tickets', String(tickets), '--seed', '5', '--device', 'tab-A', '-o', fileA]);
execFileSync(binary, ['demo', '--tickets', String(tickets), '--seed', '5', '--device', 'tab-B', '-o', fileB]);
const events = JSON.parse(execFileSync(binary, ['validate', fileA], { encoding: 'utf8' }).match(/(\d+) events/)[1]);
console.log(`bundle: ${tickets} tickets, ${events} events, ${(statSync(fileA).size / 1e6).toFixed(1)} MB (made in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

const server = await harness.startServer();
const profile = join(work, 'profile');
const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: [...harness.CHROMIUM_ARGS, '--enable-precise-memory-info'], acceptDownloads: true });
const page = await context.newPage();
// Trunk announces the started wasm instance; keep its memory to measure it.
await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; }));
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
let peakHeap = 0;
const sampleMemory = async () => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  peakHeap = Math.max(peakHeap, heap);
};
const sampler = setInterval(() => sampleMemory().catch(() => {}), 200);
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rows = [];

async function importTimed(file, label) {
  const started = performance.now();
  await page.setInputFiles('[data-testid="import-file"]', file);
  await page.waitForSelector('[data-testid="import-preview"], [data-testid="import-error"]', { timeout: 600_000 });
  const validated = performance.now();
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]', { timeout: 600_000 });
  await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
  const done = performance.now();
  rows.push([`${label}: validate + preview`, seconds(validated - started)]);
  rows.push([`${label}: write + fold + render`, seconds(done - validated)]);
  rows.push([`${label}: total`, seconds(done - started)]);
}

await page.goto(server.url + '/crew');
await page.waitForSelector('[data-testid="demo-offer"]');
await importTimed(fileA, 'import into empty store');
await importTimed(fileB, 'import into full store');

t = performance.now();
await page.reload();
await page.waitForSelector('[data-testid="queue"] tbody tr', { timeout: 600_000 });
rows.push(['cold start until the queue shows', seconds(performance.now() - t)]);

t = performance.now();
const [download] = await Promise.all([page.waitForEvent('download', { timeout: 600_000 }), page.getByRole('button', { name: '导出全部数据' }).click()]);
await download.path();
rows.push(['export (bundle built and downloaded)', seconds(performance.now() - t)]);

await sampleMemory();
clearInterval(sampler);
const wasmBytes = await page.evaluate(() => {
  return window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null;
});
rows.push(['peak JS heap', `${(peakHeap / 1e6).toFixed(0)} MB`]);
rows.push(['wasm linear memory at the end', wasmBytes ? `${(wasmBytes / 1e6).toFixed(0)} MB` : 'n/a']);

console.log(`\nheadless Chromium, ${tickets} tickets (${events} events per device file)`);
for (const [name, value] of rows) console.log(`  ${name.padEnd(44)} ${value}`);
await context.close();
server.stop();
rmSync(work, { recursive: true, force: true });
