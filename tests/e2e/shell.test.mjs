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

// The build writes a Brotli copy beside each text and wasm file; the page's
// own requests (the browser accepts br) get it, and it is the same bytes.
test('modules travel as the build\'s Brotli copies, the same bytes once decoded', async () => {
  const { brotliDecompressSync } = await import('node:zlib');
  const { readFileSync, readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dist = join(import.meta.dirname, '..', '..', 'dist');
  const context = await browser.newContext();
  const page = await openPage(context);
  const served = [];
  page.on('response', async (r) => {
    if (/\.(wasm|js|css)$/.test(new URL(r.url()).pathname)) served.push([new URL(r.url()).pathname, (await r.allHeaders())['content-encoding']]);
  });
  await page.goto(server.url + '/crew');
  await appReady(page);
  const wasm = served.find(([p]) => p.endsWith('.wasm'));
  assert.ok(wasm, JSON.stringify(served));
  assert.ok(served.every(([, enc]) => enc === 'br'), JSON.stringify(served));
  // What was sent decodes to the file built (the page ran it; here, byte for byte).
  const answer = await fetch(server.url + wasm[0], { headers: { 'accept-encoding': 'br' } });
  assert.equal(answer.headers.get('content-encoding'), 'br');
  assert.ok(Buffer.from(await answer.arrayBuffer()).equals(readFileSync(join(dist, wasm[0]))), 'fetch decodes br to the built module');
  assert.ok(brotliDecompressSync(readFileSync(join(dist, `${wasm[0]}.br`))).equals(readFileSync(join(dist, wasm[0]))));
  // A client without br still gets gzip, and the service worker never caches a .br copy.
  const gz = await fetch(server.url + wasm[0], { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  assert.ok(!/\.br"/.test(sw), 'no .br file in the precache list');
  assert.ok(readdirSync(dist).some((f) => f.endsWith('.wasm.br')));
  assert.deepEqual(page.problems, []);
  await context.close();
});
