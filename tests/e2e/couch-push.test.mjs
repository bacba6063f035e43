// A device's log of many documents goes up to a real CouchDB-protocol
// server (pouchdb-server, its own here: the other sync tests count what
// the server holds) a batch of documents at a time, made just before each
// request, and every event arrives once, in a document of its device.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, startCouch, launchBrowser, openPage, appReady, importFile, eventsWithIds } from './harness.mjs';

let server, browser, couch, work;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'gridcare-couch-push-e2e-'));
  couch = await startCouch(mkdtempSync(join(work, 'couch-')));
  server = await startServer(undefined, { COUCH_URL: couch.url });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
  await couch?.stop();
  rmSync(work, { recursive: true, force: true });
});

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8', maxBuffer: 64 << 20 });

test('a log of many documents goes up a batch at a time, every event once', async () => {
  // Twelve crews' days and their hotlines' in one file: 24 devices, so at
  // least 24 documents, more than two requests' worth.
  const parts = [];
  for (let i = 1; i <= 12; i++) {
    parts.push(join(work, `crew-${i}.json`));
    gridcare('demo', '--tickets', '40', '--seed', String(300 + i), '--device', `crew-${i}`, '-o', parts.at(-1));
  }
  const file = join(work, 'all.json');
  writeFileSync(file, gridcare('merge', ...parts));
  const sent = eventsWithIds(file);
  const devices = new Set(sent.map((e) => e.device));
  assert.equal(devices.size, 24);

  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await importFile(page, file);
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/_bulk_docs')) posts.push(JSON.parse(r.postData()).docs.length);
  });
  await page.fill('[data-testid="sync-password"]', 'demo');
  await page.click('[data-testid="sync-login"]');
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="sync-counts"]')?.innerText ?? '';
    return /已上传 [1-9]/.test(text) && Number(document.querySelector('[data-testid="sync-waiting"]')?.dataset.n) === 0;
  }, null, { timeout: 60_000 });
  assert.ok(posts.length >= 3, `documents sent in ${posts.length} requests: ${posts}`);
  assert.ok(posts.every((n) => n <= 10), `at most ten documents a request: ${posts}`);

  // On the server: each event once, in a document of its own device that
  // names its range.
  const rows = (await (await fetch(`${couch.db}/_all_docs?include_docs=true`, { headers: couch.admin })).json()).rows;
  const held = new Map();
  for (const { doc } of rows.filter((r) => r.id.startsWith('ev:'))) {
    for (const text of doc.events) {
      const e = JSON.parse(text);
      assert.equal(e.device, doc.device);
      assert.ok(e.seq >= doc.from && e.seq <= doc.to, `${e.seq} in ${doc._id}`);
      held.set(e.id, (held.get(e.id) ?? 0) + 1);
    }
  }
  assert.equal(held.size, sent.length);
  assert.ok([...held.values()].every((n) => n === 1), 'no event twice');
  assert.ok(sent.every((e) => held.has(e.id)));
  assert.deepEqual(page.problems.filter((p) => !/status of 404/.test(p)), []);
  await context.close();
});
