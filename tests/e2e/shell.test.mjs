// The app shell against the release build: it starts, is in Chinese by
// default, remembers an English choice across reloads, routes to the three
// entry points, and runs without console errors under its CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, appReady, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('home is Chinese by default and links the entry points', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/');
  await appReady(page);
  assert.equal(await page.textContent('main h1'), '电力客户服务工单');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const tiles = await page.$$eval('.entry-tiles a', (links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(tiles, ['/kiosk', '/crew', '/supervisor', '/rules']);
  assert.match(await page.textContent('.status-bar'), /在线/);
  await screenshot(page, 'home-zh');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the language switch turns every visible string English and survives a reload', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/');
  await appReady(page);
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.textContent('main h1'), 'Power customer service tickets');
  await page.reload();
  await appReady(page);
  assert.equal(await page.textContent('main h1'), 'Power customer service tickets');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // Nothing Chinese is left in the chrome except the language's own name on the switch.
  const visible = await page.evaluate(() => {
    const switchText = document.querySelector('.lang-switch').innerText;
    return document.body.innerText.replace(switchText, '');
  });
  assert.doesNotMatch(visible, /[\u4e00-\u9fff]/, `untranslated text: ${visible}`);
  await screenshot(page, 'home-en');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the entry points route with clicks and keyboard, and deep links load', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/');
  await appReady(page);
  await page.click('.entry-tiles a[href="/crew"]');
  await page.waitForURL('**/crew');
  assert.equal(await page.textContent('main h1'), '抢修班组');
  // Keyboard: focus the kiosk link in the header and press Enter.
  await page.focus('header nav a[href="/kiosk"]');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/kiosk');
  assert.equal(await page.textContent('main h1'), '您好！请选择您要反映的问题');
  await page.goto(server.url + '/supervisor');
  await appReady(page);
  assert.equal(await page.textContent('main h1'), '监督管理');
  await page.goto(server.url + '/no-such-page');
  await appReady(page);
  assert.match(await page.textContent('main'), /找不到该页面/);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the manifest makes the app installable with icons that load', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const response = await page.goto(server.url + '/static/manifest.webmanifest');
  const manifest = await response.json();
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.name, '电力客户服务工单 · gridcare');
  assert.ok(manifest.theme_color);
  for (const icon of manifest.icons) {
    const r = await page.request.get(server.url + icon.src);
    assert.equal(r.status(), 200, icon.src);
  }
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));
  await context.close();
});
