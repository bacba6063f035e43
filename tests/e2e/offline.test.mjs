// Offline: after one visit the service worker has the app shell, so with the
// network off the app still starts, on any route, and says it is offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, appReady, controlledByServiceWorker, screenshot } from './harness.mjs';

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
