// A new build never breaks an open page: it waits, the status bar offers
// "新版本可用 / reload", and only a click hands over to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, launchBrowser, openPage, appReady, controlledByServiceWorker } from './harness.mjs';

let server, browser, dist;
before(async () => {
  // A private copy of the build that the test can "redeploy".
  dist = mkdtempSync(join(tmpdir(), 'gridcare-dist-'));
  cpSync(join(root, 'dist'), dist, { recursive: true });
  server = await startServer(dist);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); server?.stop(); rmSync(dist, { recursive: true, force: true }); });

test('a new version is offered, not forced, and takes over on request', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/');
  await appReady(page);
  await controlledByServiceWorker(page);
  const [oldCache] = await page.evaluate(() => caches.keys());

  // Deploy a "new build": same files, a new build id in sw.js.
  const swPath = join(dist, 'sw.js');
  const sw = readFileSync(swPath, 'utf8');
  const oldId = /const BUILD_ID = '([0-9a-f]+)'/.exec(sw)[1];
  writeFileSync(swPath, sw.replace(oldId, 'feedfacecafebeef'));

  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  const prompt = page.locator('.status-bar .update');
  await prompt.waitFor({ timeout: 15_000 });
  assert.match(await prompt.innerText(), /新版本可用/);
  // The open page keeps working on the old version meanwhile.
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.textContent('main h1'), 'Power customer service tickets');

  await Promise.all([page.waitForEvent('load'), prompt.getByRole('button').click()]);
  await appReady(page);
  await page.waitForFunction(async () => (await caches.keys()).includes('gridcare-shell-feedfacecafebeef'));
  const caches = await page.evaluate(() => caches.keys());
  assert.deepEqual(caches, ['gridcare-shell-feedfacecafebeef'], `old cache ${oldCache} is removed`);
  assert.equal(await page.locator('.status-bar .update').count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();
});
