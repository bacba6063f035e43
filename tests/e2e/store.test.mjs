// The ticket store and sync in the release build: demo data on an empty
// store, nothing lost on reload or on a killed browser, bad files refused with
// nothing changed, and two tablets that exchange files offline both ways and
// end up showing the same tickets with the same conflicts flagged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, launchBrowser, launchKillable, openPage, appReady, saved, crewWithDemo, screenshot, queueRows, queueRow, exportedText, removeWhenFree, eventsWithIds, gzipMembers } from './harness.mjs';

let server, browser, work;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  work = mkdtempSync(join(tmpdir(), 'gridcare-e2e-'));
});
after(async () => { await browser?.close(); server?.stop(); await removeWhenFree(work); });

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8' });

async function importFile(page, path) {
  await page.setInputFiles('[data-testid="import-file"]', path);
  await page.waitForSelector('[data-testid="import-preview"], [data-testid="import-error"]');
}

/** Taps "导出全部数据" and saves the download in the work folder as `name`; its path. */
async function exportAll(page, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
  const path = join(work, name);
  await download.saveAs(path);
  return path;
}

test('an empty store offers demo data, which survives a reload', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await saved(page);
  const rows = await queueRows(page);
  assert.equal(rows.length, 60);
  await screenshot(page, 'crew-queue-zh');
  await page.reload();
  await appReady(page);
  await page.waitForSelector('[data-testid="queue"]');
  assert.deepEqual(await queueRows(page), rows, 'the same tickets in the same order after a reload');
  assert.equal(await page.locator('[data-testid="demo-offer"]').count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('where IndexedDB cannot open, tickets are kept in localStorage and survive a reload', async () => {
  const context = await browser.newContext();
  // As in a browser that refuses IndexedDB (some private modes, some policies).
  await context.addInitScript(() => {
    indexedDB.open = () => { throw new DOMException('refused for the test', 'SecurityError'); };
    // An event this build cannot read (from a newer version, say): kept, never dropped.
    if (localStorage.getItem('gridcare.fallback.events') === null) {
      localStorage.setItem('gridcare.fallback.events', JSON.stringify([{ type: 'from_a_newer_version', ticket: 'X-1' }]));
    }
  });
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await saved(page);
  await page.waitForSelector('text=IndexedDB');
  const rows = await queueRows(page);
  assert.equal(rows.length, 60);
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('gridcare.fallback.events') ?? '[]').length);
  assert.ok(kept >= 60, `the events are in localStorage (${kept})`);
  // One action more, written to the same place.
  const button = page.getByRole('button', { name: '记录首次响应' });
  const row = page.locator('[data-testid="queue"] tbody tr[data-ticket]', { has: button }).first();
  const number = await row.getAttribute('data-ticket');
  await row.getByRole('button', { name: '记录首次响应' }).click();
  await saved(page);
  await page.reload();
  await appReady(page);
  await page.waitForSelector('[data-testid="queue"]');
  const status = (await queueRow(page, number)).locator('[data-field="status"]');
  assert.equal(await status.innerText(), '已响应', 'the action read back from localStorage');
  assert.equal((await queueRows(page)).length, 60, 'every ticket read back');
  const text = await page.evaluate(() => localStorage.getItem('gridcare.fallback.events'));
  const stored = JSON.parse(text);
  assert.ok(stored.length > kept, `the action's events appended (${kept} → ${stored.length})`);
  // Byte for byte as it was written (keys in its own order), not re-encoded.
  assert.ok(text.startsWith('[{"type":"from_a_newer_version","ticket":"X-1"},'), text.slice(0, 80));
  // And the person is told that one record waits for a newer version.
  assert.match(await page.locator('[data-testid="fallback-notes"]').innerText(), /有 1 条记录本版本无法读取/);
  await context.close();
});

test('where IndexedDB cannot open, damaged stored text is set aside, not lost or overwritten', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    indexedDB.open = () => { throw new DOMException('refused for the test', 'SecurityError'); };
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('gridcare.fallback.events', '[{"ticket":"t-1", cut off');
    }
  });
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await saved(page);
  const kept = await page.evaluate(() => Object.keys(localStorage)
    .filter((k) => k.startsWith('gridcare.fallback.events.damaged.'))
    .map((k) => localStorage.getItem(k)));
  assert.deepEqual(kept, ['[{"ticket":"t-1", cut off'], 'the damaged text kept under a key of its own');
  assert.equal((await queueRows(page)).length, 60, 'the device works again');
  // Told where the records went, in the person's words.
  const key = await page.evaluate(() => Object.keys(localStorage).find((k) => k.includes('.damaged.')));
  const notice = await page.locator('[data-testid="fallback-notes"]').innerText();
  assert.ok(notice.includes('已损坏') && notice.includes(key), notice);
  // The new records are a list again, and read back after a reload.
  const count = await page.evaluate(() => JSON.parse(localStorage.getItem('gridcare.fallback.events')).length);
  assert.ok(count > 0, `${count} events written after the damaged text`);
  await page.reload();
  await appReady(page);
  await page.waitForSelector('[data-testid="queue"]');
  assert.equal((await queueRows(page)).length, 60, 'read back after a reload');
  assert.equal(await page.locator('[data-testid="fallback-notes"]').count(), 0, 'nothing set aside this time');
  await context.close();
});

test('where storage has no room for a second copy, damaged text is moved aside whole', async () => {
  const context = await browser.newContext();
  const damaged = '[{"ticket":"t-1", cut off' + 'x'.repeat(200_000);
  await context.addInitScript((damaged) => {
    indexedDB.open = () => { throw new DOMException('refused for the test', 'SecurityError'); };
    // A small quota: the damaged text fits once, never twice.
    const limit = 300_000;
    const realSet = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (this === localStorage) {
        let used = 0;
        for (let i = 0; i < this.length; i++) {
          const k = this.key(i);
          if (k !== key) used += k.length + this.getItem(k).length;
        }
        if (used + key.length + String(value).length > limit) throw new DOMException('full for the test', 'QuotaExceededError');
      }
      return realSet.call(this, key, value);
    };
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      realSet.call(localStorage, 'gridcare.fallback.events', damaged);
    }
  }, damaged);
  const page = await openPage(context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="fallback-notes"]');
  const kept = await page.evaluate(() => Object.keys(localStorage)
    .filter((k) => k.startsWith('gridcare.fallback.events.damaged.'))
    .map((k) => localStorage.getItem(k)));
  assert.equal(kept.length, 1, 'one copy, under a key of its own');
  assert.ok(kept[0] === damaged, 'the damaged text whole');
  // Moved, not copied: where it was, at most the new (short) list of events.
  const now = await page.evaluate(() => localStorage.getItem('gridcare.fallback.events'));
  assert.ok(now === null || Array.isArray(JSON.parse(now)), `left where it was: ${now?.slice(0, 40)}`);
  await context.close();
});

test('an action shown as saved survives killing the browser', async () => {
  const profile = mkdtempSync(join(work, 'profile-'));
  let chrome = await launchKillable(profile);
  let page = await openPage(chrome.context);
  await crewWithDemo(page, server.url);
  const button = page.getByRole('button', { name: '记录首次响应' });
  const row = page.locator('[data-testid="queue"] tbody tr[data-ticket]', { has: button }).first();
  const number = await row.getAttribute('data-ticket');
  await row.getByRole('button', { name: '记录首次响应' }).click();
  const status = async (n) => (await queueRow(page, n)).locator('[data-field="status"]').innerText();
  await saved(page);
  assert.equal(await status(number), '已响应');
  // Kill the browser outright: no unload handlers, no clean shutdown.
  await chrome.kill();

  chrome = await launchKillable(profile);
  page = await openPage(chrome.context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  assert.equal(await status(number), '已响应');
  assert.equal((await queueRows(page)).length, 60);
  await chrome.kill();
});

test('bad files are refused with a message and change nothing', async () => {
  const good = join(work, 'good.json');
  gridcare('demo', '--tickets', '5', '--seed', '3', '--device', 'tab-Z', '-o', good);
  const text = readFileSync(good, 'utf8');
  // The same events in format 2, whose events carry their ids.
  const text2 = gridcare('merge', good, '--file-version', '2');
  const files = {
    'truncated.json': [text.slice(0, text.length / 2), /不是有效的 JSON/],
    // Format 3 derives ids from content: a change shows in the checksum.
    'tampered.json': [text.replace('客户反映', '客户声称'), /校验和不符/],
    'tampered-2.json': [text2.replace('客户反映', '客户声称'), /内容与其编号不符/],
    'other.json': ['{"format": "something-else"}', /不是 gridcare 同步文件/],
    'future.json': [text.replace(/"version":\d+/, '"version":7'), /请先更新本应用/],
    'cut.json.gz': [gzipSync(text).subarray(0, Math.floor(gzipSync(text).length / 2)), /压缩文件已损坏或不完整/],
  };
  const context = await browser.newContext();
  const page = await openPage(context);
  const workers = [];
  page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
  await crewWithDemo(page, server.url);
  await saved(page);
  const before = await queueRows(page);
  for (const [name, [content, message]] of Object.entries(files)) {
    const path = join(work, name);
    writeFileSync(path, content);
    await importFile(page, path);
    const error = await page.locator('[data-testid="import-error"]').innerText();
    assert.match(error, /无法导入，本机数据未做任何改动/, name);
    assert.match(error, message, `${name}: ${error}`);
  }
  assert.deepEqual(await queueRows(page), before);
  // The ids and the checksum were checked by the helper worker, not here.
  assert.ok(workers.includes('/gridcare-id-worker_loader.js'), `workers: ${workers}`);
  assert.deepEqual(await marks(page, WITHOUT_HELPER), []);
  await screenshot(page, 'import-refused');
  // A file that is not plainly a sync file is read whole, which names the problem.
  assert.ok((await marks(page, READ_WHOLE)).length > 0);
  await page.evaluate((name) => performance.clearMarks(name), READ_WHOLE);
  // A valid file shows a preview; cancelling changes nothing either.
  await importFile(page, good);
  assert.equal(await page.locator('[data-testid="import-preview"] [data-field="tickets"]').innerText(), '5');
  await page.getByRole('button', { name: '取消' }).click();
  // The same file compressed, under a name that does not say so: known by its bytes.
  const packed = join(work, 'good-packed.json');
  writeFileSync(packed, gzipSync(text));
  await importFile(page, packed);
  assert.equal(await page.locator('[data-testid="import-preview"] [data-field="tickets"]').innerText(), '5');
  await page.getByRole('button', { name: '取消' }).click();
  assert.deepEqual(await queueRows(page), before);
  // Both were checked as they arrived, their text never whole in memory.
  assert.deepEqual(await marks(page, READ_WHOLE), []);
  await context.close();
});

const WITHOUT_HELPER = 'import: checked without the helper worker';
const READ_WHOLE = 'import: read whole';
const COMPRESSED_WITHOUT_WORKER = 'export: compressed without the worker';
const marks = (page, name) => page.evaluate((n) => performance.getEntriesByName(n, 'mark').map((m) => m.name), name);

test('without the helper worker a file is checked all the same: a good one taken, a changed one refused', async () => {
  const good = join(work, 'alone.json');
  gridcare('demo', '--tickets', '4', '--seed', '8', '--device', 'tab-Y', '-o', good);
  const tampered = join(work, 'alone-tampered.json');
  writeFileSync(tampered, readFileSync(good, 'utf8').replace('客户反映', '客户声称'));
  const tampered2 = join(work, 'alone-tampered-2.json');
  writeFileSync(tampered2, gridcare('merge', good, '--file-version', '2').replace('客户反映', '客户声称'));
  const context = await browser.newContext();
  await context.route('**/gridcare-id-worker_loader.js', (route) => route.fulfill({ status: 404, body: '' }));
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await saved(page);
  await importFile(page, tampered);
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /校验和不符/);
  await importFile(page, tampered2);
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /内容与其编号不符/);
  await importFile(page, good);
  assert.equal(await page.locator('[data-testid="import-preview"] [data-field="tickets"]').innerText(), '4');
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]');
  await saved(page);
  assert.equal((await queueRows(page)).length, 64);
  assert.equal((await marks(page, WITHOUT_HELPER)).length, 3, 'every file checked on the page itself');
  await context.close();
});

test('two tablets exchange files offline both ways and agree, conflicts flagged', async () => {
  const files = {};
  for (const device of ['tab-A', 'tab-B']) {
    files[device] = join(work, `${device}.json`);
    gridcare('demo', '--tickets', '60', '--seed', '1', '--device', device, '-o', files[device]);
  }
  const tablets = [];
  for (const device of ['tab-A', 'tab-B']) {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await openPage(context);
    await page.goto(server.url + '/crew');
    await appReady(page);
    await context.setOffline(true);
    await importFile(page, files[device]);
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.waitForSelector('[data-testid="import-done"]');
    await saved(page);
    tablets.push({ device, context, page });
  }
  // Each exports, the other imports: files only, no network.
  const exports = [];
  for (const { page, device } of tablets) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
    assert.match(download.suggestedFilename(), /^gridcare-dev-[0-9a-f]{8}-\d{8}-\d{4}\.json\.gz$/);
    const path = join(work, `export-${device}.json`);
    await download.saveAs(path);
    const packed = readFileSync(path);
    assert.deepEqual([...packed.subarray(0, 2)], [0x1f, 0x8b], 'exported gzip-compressed');
    assert.ok(packed.length * 3 < Buffer.byteLength(exportedText(path)), 'a third of the text or less');
    exports.push(path);
    await page.waitForFunction(() => document.querySelector('[data-testid="unexported"]')?.innerText === '0');
  }
  await importFile(tablets[0].page, exports[1]);
  assert.ok(Number(await tablets[0].page.locator('[data-field="new"]').innerText()) > 0);
  await tablets[0].page.getByRole('button', { name: '确认导入' }).click();
  await importFile(tablets[1].page, exports[0]);
  await tablets[1].page.getByRole('button', { name: '确认导入' }).click();
  for (const { page } of tablets) {
    await page.waitForSelector('[data-testid="import-done"]');
    await saved(page);
  }
  const [a, b] = [await queueRows(tablets[0].page), await queueRows(tablets[1].page)];
  assert.equal(a.length, 60);
  assert.deepEqual(a, b, 'both tablets show the same tickets, statuses and conflicts');
  const conflicted = a.filter((r) => r.conflict).map((r) => r.number);
  assert.ok(conflicted.length > 0, 'the overlapping resolutions are flagged, not silently dropped');
  await screenshot(tablets[0].page, 'two-tablets-merged');

  // Importing the same file again changes nothing.
  await importFile(tablets[0].page, exports[1]);
  assert.equal(await tablets[0].page.locator('[data-field="new"]').innerText(), '0');
  await tablets[0].page.getByRole('button', { name: '确认导入' }).click();
  await tablets[0].page.waitForSelector('text=未做任何改动');
  assert.deepEqual(await queueRows(tablets[0].page), a);

  // Tablet A settles one conflict by keeping one value; the settlement travels to B.
  const [settleNumber] = conflicted;
  const pageA = tablets[0].page;
  await (await queueRow(pageA, settleNumber)).locator('a').click();
  const notice = pageA.locator('[data-testid="conflict-notice"]');
  await notice.waitFor();
  assert.ok(await notice.locator('li').count() >= 2, 'every value of the conflict is shown');
  // In the person's words: no English field name, no device id, no code.
  const said = await notice.innerText();
  assert.doesNotMatch(said, /resolution|classification|satisfaction|dev-[0-9a-f]{8}|[a-z]+_[a-z]+/, said);
  assert.match(said, /处理结果|分类|满意度/);
  await notice.locator('li').first().getByRole('button', { name: '采用这一项' }).click();
  await pageA.waitForSelector('[data-testid="conflict-notice"]', { state: 'detached' });
  await pageA.getByRole('link', { name: '返回队列' }).click();
  await pageA.waitForSelector('[data-testid="queue"]');
  assert.equal(await (await queueRow(pageA, settleNumber)).locator('[data-testid="conflict"]').count(), 0);
  const [settledDownload] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: '导出全部数据' }).click()]);
  const settledFile = join(work, 'settled.json');
  await settledDownload.saveAs(settledFile);
  await importFile(tablets[1].page, settledFile);
  await tablets[1].page.getByRole('button', { name: '确认导入' }).click();
  await tablets[1].page.waitForSelector('[data-testid="import-done"]');
  await saved(tablets[1].page);
  assert.deepEqual(await queueRows(tablets[1].page), await queueRows(pageA));
  assert.equal(await (await queueRow(tablets[1].page, settleNumber)).locator('[data-testid="conflict"]').count(), 0);
  for (const { context } of tablets) await context.close();
});

test('exports: only what has not left the device, and anonymised files for statistics', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  const exportAs = (name) => exportAll(page, name);
  const workers = [];
  page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
  const everything = JSON.parse(exportedText(await exportAs('everything.json')));
  // File format 3: no event carries its id (each is the hash of the rest).
  assert.equal(everything.version, 3);
  assert.ok(everything.events.length > 0 && everything.events.every((e) => !('id' in e)));
  assert.ok(workers.includes('/static/gzip_worker.js'), `workers: ${workers}`);
  assert.deepEqual(await marks(page, COMPRESSED_WITHOUT_WORKER), [], 'compressed on the worker');
  await page.waitForFunction(() => document.querySelector('[data-testid="unexported"]')?.innerText === '0');
  // One action, then an export of only what is new.
  await page.getByRole('button', { name: '记录首次响应' }).first().click();
  await page.waitForFunction(() => document.querySelector('[data-testid="unexported"]')?.innerText === '1');
  await saved(page);
  await page.click('.export-options summary');
  await page.getByLabel('只导出本机尚未导出的记录').check();
  const delta = await exportAs('delta.json');
  assert.match(gridcare('validate', delta), /1 events, 0 tickets/);
  await page.waitForFunction(() => document.querySelector('[data-testid="unexported"]')?.innerText === '0');
  // An anonymised file masks phone numbers and cannot be merged back.
  await page.getByLabel('只导出本机尚未导出的记录').uncheck();
  await page.getByLabel('匿名导出（手机号、姓名、地址打码，仅供统计）').check();
  const anonymous = await exportAs('anonymous.json');
  const text = exportedText(anonymous);
  assert.match(text, /"anonymised":true/);
  assert.match(text, /"phone":"1\d\d\*\*\*\*\d{4}"/);
  assert.doesNotMatch(text, /"phone":"1\d{10}"/);
  await importFile(page, anonymous);
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /匿名统计文件/);

  // For a device whose app is older: format 2, each event with its id,
  // which a fresh device takes whole (its ids checked on the helper worker).
  await page.getByLabel('匿名导出（手机号、姓名、地址打码，仅供统计）').uncheck();
  await page.getByLabel('给尚未更新的设备（旧格式，文件约大四分之一）').check();
  const olderPath = await exportAs('older.json');
  // One gzip stream, which an app older than members of known length reads.
  const olderBytes = readFileSync(olderPath);
  assert.deepEqual(gzipMembers(olderBytes), { members: [], rest: olderBytes.length });
  const older = JSON.parse(exportedText(olderPath));
  assert.equal(older.version, 2);
  assert.equal(older.events.length, everything.events.length + 1);
  // The same ids the command line derives from the format-3 export, and
  // the action's event besides.
  const derived = new Set(eventsWithIds(join(work, 'everything.json')).map((e) => e.id));
  assert.deepEqual(older.events.filter((e) => !derived.has(e.id)).map((e) => e.type), ['responded']);
  assert.match(gridcare('validate', olderPath), /[1-9]\d* events, [1-9]\d* tickets/);
  const fresh = await browser.newContext();
  const other = await openPage(fresh);
  await other.goto(server.url + '/crew');
  await appReady(other);
  await importFile(other, olderPath);
  assert.equal(await other.locator('[data-field="new"]').innerText(), String(older.events.length));
  await other.getByRole('button', { name: '确认导入' }).click();
  await other.waitForSelector('[data-testid="import-done"]');
  await saved(other);
  await page.goto(server.url + '/crew');
  await appReady(page);
  assert.deepEqual(await queueRows(other), await queueRows(page));
  await fresh.close();
  await context.close();
});

test('without the compressing worker an export is compressed all the same', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  await context.route('**/static/gzip_worker.js', (route) => route.fulfill({ status: 404, body: '' }));
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await saved(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
  const path = join(work, 'compressed-alone.json.gz');
  await download.saveAs(path);
  assert.deepEqual([...readFileSync(path).subarray(0, 2)], [0x1f, 0x8b], 'gzip-compressed');
  assert.match(gridcare('validate', path), /[1-9]\d* events, [1-9]\d* tickets/);
  assert.deepEqual(await marks(page, COMPRESSED_WITHOUT_WORKER), [COMPRESSED_WITHOUT_WORKER]);
  await context.close();
});

test('a large file shows progress, the page stays usable, and cancelling changes nothing', async () => {
  const big = join(work, 'big.json');
  gridcare('demo', '--tickets', '12000', '--seed', '6', '--device', 'tab-Q', '-o', big);
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="demo-offer"]');
  const progress = page.locator('[data-testid="import-progress"]');

  await page.setInputFiles('[data-testid="import-file"]', big);
  await progress.getByRole('button', { name: '取消' }).click();
  await page.waitForSelector('[data-testid="import-cancelled"]');
  assert.equal(await page.locator('[data-testid="queue"]').count(), 0, 'nothing was imported');
  assert.equal(await page.locator('[data-testid="demo-offer"]').count(), 1);

  // Again, without cancelling: progress is shown, the page answers a tap, the preview comes.
  await page.setInputFiles('[data-testid="import-file"]', big);
  await progress.waitFor();
  assert.match(await progress.innerText(), /正在校验文件 \d+ \/ \d+/);
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.textContent('main h1'), 'Field crew');
  await page.waitForSelector('[data-testid="import-preview"]', { timeout: 60_000 });
  assert.equal(await page.locator('[data-field="tickets"]').innerText(), '12000');

  // Imported, the queue holds all of them but draws only the rows on screen.
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
  await page.uncheck('[data-testid="open-only"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="shown-count"]')?.innerText === '12000');
  const drawn = () => page.locator('[data-testid="queue"] tr[data-ticket]').count();
  assert.ok(await drawn() < 80, `${await drawn()} rows drawn of 12000`);
  const box = page.locator('.queue-scroll');
  const deadlines = () => page.$$eval('[data-testid="queue"] tr[data-ticket] time', (t) => t.map((x) => x.getAttribute('datetime')));
  const top = await deadlines();
  assert.deepEqual(top, [...top].sort(), 'what is due first comes first');
  // Drag to the end of the list: the last ticket is drawn, in its place.
  await box.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForSelector('[data-testid="queue"] tr[aria-rowindex="12001"]');
  assert.ok(await drawn() < 80);
  const last = await page.locator('tr[aria-rowindex="12001"]').getAttribute('data-ticket');
  // Keyboard: Home on the focused list goes back to the top.
  await box.focus();
  await page.keyboard.press('Home');
  await page.waitForSelector('[data-testid="queue"] tr[aria-rowindex="2"]');
  // Search finds the last one at once.
  await page.fill('[data-testid="search"]', last);
  await page.waitForFunction(() => document.querySelector('[data-testid="shown-count"]')?.innerText === '1');
  assert.equal(await page.locator('tr[aria-rowindex="2"]').getAttribute('data-ticket'), last);
  await screenshot(page, 'crew-queue-12000');
  await context.close();
});

test('a large export is compressed in members that say their length, and reads back, plain and protected', async () => {
  const big = join(work, 'members.json');
  gridcare('demo', '--tickets', '12000', '--seed', '7', '--device', 'tab-M', '-o', big);
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="demo-offer"]');
  await importFile(page, big);
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
  await saved(page);
  const exportAs = (name) => exportAll(page, name);
  const workers = [];
  page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
  const packedPath = await exportAs('members-export.json.gz');
  const packed = readFileSync(packedPath);
  // About 17 MB of text: several members, one after another to the last byte.
  const { members, rest } = gzipMembers(packed);
  assert.equal(rest, 0, 'every member gives its length');
  assert.ok(members.length >= 3, `${members.length} members`);
  assert.equal(workers.filter((w) => w === '/static/gzip_worker.js').length, 2, `workers: ${workers}`);
  // Standard gzip all the same: Node and the command line read every member.
  const exported = JSON.parse(exportedText(packedPath));
  assert.equal(exported.events.length, JSON.parse(readFileSync(big, 'utf8')).events.length);
  assert.match(gridcare('validate', packedPath), /12000 tickets/);
  assert.ok(packed.length * 4 < Buffer.byteLength(exportedText(packedPath)), 'a quarter of the text or less');
  // The members come back in the file's order whichever finishes first (a
  // short last member often closes before a long one on the same worker).
  const eventCount = exported.events.length;
  for (let again = 0; again < 4; again++) {
    const text = exportedText(await exportAs(`members-again-${again}.json.gz`));
    assert.equal(JSON.parse(text).events.length, eventCount, `export ${again + 2}`);
  }

  // Under a passphrase too: compressed, then sealed.
  const secret = '导出口令-1357';
  await page.click('.export-options summary');
  await page.fill('[data-testid="export-passphrase-first"]', secret);
  await page.fill('[data-testid="export-passphrase-again"]', secret);
  const sealedPath = await exportAs('members-export.sealed.json');

  // Another device reads both back whole.
  for (const path of [packedPath, sealedPath]) {
    const fresh = await browser.newContext();
    const other = await openPage(fresh);
    await other.goto(server.url + '/crew');
    await appReady(other);
    await other.waitForSelector('[data-testid="demo-offer"]');
    await other.setInputFiles('[data-testid="import-file"]', path);
    if (path === sealedPath) {
      await other.waitForSelector('[data-testid="import-passphrase"]', { timeout: 60_000 });
      await other.fill('[data-testid="import-passphrase-input"]', secret);
      await other.getByRole('button', { name: '打开文件' }).click();
    }
    await other.waitForSelector('[data-testid="import-preview"]', { timeout: 60_000 });
    assert.equal(await other.locator('[data-field="tickets"]').innerText(), '12000', path);
    await other.getByRole('button', { name: '确认导入' }).click();
    await other.waitForSelector('[data-testid="import-done"]', { timeout: 60_000 });
    await other.uncheck('[data-testid="open-only"]');
    await other.waitForFunction(() => document.querySelector('[data-testid="shown-count"]')?.innerText === '12000');
    await fresh.close();
  }

  // For devices not yet updated: one gzip stream, which the browser's
  // DecompressionStream (all such a device reads with) takes whole.
  await page.fill('[data-testid="export-passphrase-first"]', '');
  await page.fill('[data-testid="export-passphrase-again"]', '');
  await page.getByLabel('给尚未更新的设备（旧格式，文件约大四分之一）').check();
  const olderBytes = readFileSync(await exportAs('members-older.json.gz'));
  assert.deepEqual(gzipMembers(olderBytes), { members: [], rest: olderBytes.length });
  const readAsOneStream = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    return JSON.parse(text).events.length;
  }, olderBytes.toString('base64'));
  assert.equal(readAsOneStream, eventCount);

  // A member cut short is a damaged file, not a shorter one.
  const cut = join(work, 'members-cut.json.gz');
  writeFileSync(cut, packed.subarray(0, members[1].at + 100));
  await importFile(page, cut);
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /损坏|不完整/);
  await context.close();
});

/** Fills /crew/new and taps "建立工单". */
async function submitTicket(page, text, phone) {
  await page.fill('#nt-text', text);
  await page.fill('#nt-phone', phone);
  await page.getByRole('button', { name: '建立工单' }).click();
}

test('two tabs of one device: one saves, the other shows and can take over', async () => {
  const context = await browser.newContext();
  const first = await openPage(context);
  await crewWithDemo(first, server.url);
  await saved(first);
  const banner = (page) => page.locator('[data-testid="other-tab"]');

  // A second tab of the same browser shows the tickets and says it saves nothing.
  const second = await openPage(context);
  await second.goto(server.url + '/crew');
  await appReady(second);
  await banner(second).waitFor();
  await second.waitForSelector('[data-testid="queue"]');
  assert.match(await banner(second).innerText(), /另一个标签页/);
  assert.equal(await banner(first).count(), 0);
  await second.goto(server.url + '/crew/new');
  await appReady(second);
  await banner(second).waitFor();
  await saved(second);
  await submitTicket(second, '我家停电了 TAB-2', '13700002468');
  await second.waitForSelector('main .error[role="alert"]');
  assert.match(await second.locator('main .error[role="alert"]').last().innerText(), /另一个标签页/);
  assert.match(second.url(), /\/crew\/new$/, 'nothing was created');

  // Taken over on request: the second tab starts again as the one that
  // saves, the first one shows.
  await banner(second).getByRole('button', { name: '在此页使用' }).click();
  await banner(first).waitFor();
  await second.waitForFunction(() => document.querySelector('header.app-header') && !document.querySelector('[data-testid="other-tab"]'));
  // A full page load of the tab that saves (a reload, a typed address)
  // keeps it the one that saves, though the first tab waits for its turn.
  await second.goto(server.url + '/crew/new');
  await appReady(second);
  await saved(second);
  await submitTicket(second, '我家停电了 TAB-2', '13700002468');
  await second.waitForURL(/\/crew\/t\//);
  await saved(second);
  const created = await second.textContent('[data-testid="ticket-number"]');

  // The second tab closes: the first takes over by itself, reading the
  // store again in place (no reload, which would let go of the lock), so
  // its queue holds what the second one saved.
  await first.evaluate(() => { window.__sameDocument = true; });
  await second.close();
  await first.waitForFunction(() => document.querySelector('header.app-header') && !document.querySelector('[data-testid="other-tab"]'), null, { timeout: 15_000 });
  await appReady(first);
  await queueRow(first, created);
  assert.equal(await first.evaluate(() => window.__sameDocument), true, 'taken over without a reload');
  // And it saves.
  await first.goto(server.url + '/crew/new');
  await appReady(first);
  await submitTicket(first, '我家停电了 TAB-1', '13700002469');
  await first.waitForURL(/\/crew\/t\//);
  await saved(first);
  await context.close();
});
