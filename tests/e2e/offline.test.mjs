// Offline: after one visit the service worker has the app shell, so with the
// network off the app still starts, on any route, and says it is offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, launchBrowser, openPage, appReady, controlledByServiceWorker, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('load once, go offline, reload: the app starts and works', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/');
  await appReady(page);
  await controlledByServiceWorker(page);
  const caches = await page.evaluate(() => caches.keys());
  assert.equal(caches.length, 1);
  assert.match(caches[0], /^gridcare-shell-[0-9a-f]{16}$/);

  await context.setOffline(true);
  await page.reload();
  await appReady(page);
  assert.equal(await page.textContent('main h1'), '电力客户服务工单');
  await page.waitForSelector('.status-bar .net[data-state="offline"]');
  assert.match(await page.textContent('.status-bar'), /离线/);

  // A route never visited online is served from the shell cache too.
  await page.goto(server.url + '/supervisor');
  await appReady(page);
  assert.equal(await page.textContent('main h1'), '监督管理');
  // And the app still works: switching language is instant and offline.
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.textContent('main h1'), 'Supervisor');
  await screenshot(page, 'offline-supervisor');

  // The kiosk's home and the whole kiosk are modules of their own with shells
  // of their own; both are cached too and keep the language chosen in the main app.
  await page.goto(server.url + '/kiosk');
  await page.waitForSelector('.kiosk-tiles');
  await page.waitForSelector('.status-bar .net[data-state="offline"]');
  assert.match(await page.textContent('.status-bar'), /Offline/);
  await page.click('[data-tile="outage"]');
  await page.waitForSelector('#kiosk-phone');
  assert.equal(new URL(page.url()).pathname, '/kiosk/app/');
  assert.match(await page.textContent('.status-bar'), /Offline/);

  await context.setOffline(false);
  await page.waitForSelector('.status-bar .net[data-state="online"]');
  assert.deepEqual(page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p)), []);
  await context.close();
});

test('offline, a sync file is checked with the helper worker from the cache and imported', async () => {
  const work = mkdtempSync(join(tmpdir(), 'gridcare-offline-'));
  const file = join(work, 'tab-Q.json');
  execFileSync(join(root, 'target', 'debug', 'gridcare'), ['demo', '--tickets', '3', '--seed', '4', '--device', 'tab-Q', '-o', file]);
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  const workers = [];
  page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
  await page.goto(server.url + '/crew');
  await appReady(page);
  await controlledByServiceWorker(page);

  await context.setOffline(true);
  await page.reload();
  await appReady(page);
  await page.waitForSelector('.status-bar .net[data-state="offline"]');
  await page.setInputFiles('[data-testid="import-file"]', file);
  await page.waitForSelector('[data-testid="import-preview"], [data-testid="import-error"]');
  assert.equal(await page.locator('[data-testid="import-preview"] [data-field="tickets"]').innerText(), '3');
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]');
  assert.ok(workers.includes('/gridcare-id-worker_loader.js'), `workers: ${workers}`);
  const fallbacks = await page.evaluate(() => performance.getEntriesByName('import: checked without the helper worker', 'mark').length);
  assert.equal(fallbacks, 0, 'the helper worker ran offline');
  // Exported offline too, compressed by its worker from the cache.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
  const exported = join(work, 'exported.json.gz');
  await download.saveAs(exported);
  assert.deepEqual([...readFileSync(exported).subarray(0, 2)], [0x1f, 0x8b], 'gzip-compressed');
  assert.ok(workers.includes('/static/gzip_worker.js'), `workers: ${workers}`);
  const alone = await page.evaluate(() => performance.getEntriesByName('export: compressed without the worker', 'mark').length);
  assert.equal(alone, 0, 'the compressing worker ran offline');
  await context.setOffline(false);
  assert.deepEqual(page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p)), []);
  await context.close();
  rmSync(work, { recursive: true, force: true });
});
