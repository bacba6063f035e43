// A replication interrupted by a killed browser resumes from its checkpoint:
// after the restart the device fetches fewer groups than a full pull would,
// and ends with every event once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, startCouch, launchKillable, openPage, appReady, queueRows, removeWhenFree, eventsWithIds } from './harness.mjs';

let server, couch, work;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'gridcare-resume-e2e-'));
  couch = await startCouch(mkdtempSync(join(work, 'couch-')));
  server = await startServer(undefined, { COUCH_URL: couch.url });
});
after(async () => {
  server?.stop();
  await couch?.stop();
  await removeWhenFree(work);
});

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8', env: { ...process.env, GRIDCARE_COUCH_PASSWORD: 'admin' } });
const groupFetches = (page) => {
  const seen = [];
  page.on('request', (r) => { if (/\/couchdb\/gridcare-demo\/_all_docs\?include_docs=true&startkey=/.test(r.url())) seen.push(r.url()); });
  return seen;
};
const counts = (page) => page.locator('[data-testid="sync-counts"]').innerText();
// Node's fetch reuses a kept-alive socket that the server may have closed
// while the command line was pushing (a race of undici's, "fetch failed"
// once in CI): the test's own reads of the server try once more.
const read = async (url, init) => {
  try { return await fetch(url, init); } catch { return fetch(url, init); }
};

test('a browser killed in the middle of a pull resumes from its checkpoint; nothing lost, nothing twice', async () => {
  // Twelve crews' days on the server: 24 groups (each crew's own events and
  // its hotline's), pushed from files with the command line. (Demo ticket
  // numbers repeat across seeds, so tickets are compared by number set.)
  const expected = new Set();
  const numbers = new Set();
  for (let i = 1; i <= 12; i++) {
    const file = join(work, `crew-${i}.json`);
    gridcare('demo', '--tickets', '40', '--seed', String(100 + i), '--device', `crew-${i}`, '-o', file);
    gridcare('push', file, '--to', couch.db, '--user', 'admin');
    for (const e of eventsWithIds(file)) {
      expected.add(e.id);
      if (e.type === 'created') numbers.add(e.number);
    }
  }
  const groups = new Set((await (await read(`${couch.db}/_all_docs`, { headers: couch.admin })).json()).rows
    .map((r) => r.id).filter((id) => id.startsWith('ev:')).map((id) => id.split(':').slice(0, -2).join(':')));
  assert.equal(groups.size, 24);

  const profile = mkdtempSync(join(work, 'profile-'));
  let chrome = await launchKillable(profile);
  let page = await openPage(chrome.context);
  const before = groupFetches(page);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.fill('[data-testid="sync-password"]', 'demo');
  await page.click('[data-testid="sync-login"]');
  // Kill it outright once some groups, not all, are taken.
  await page.waitForFunction(() => /已收到 [1-9]\d* 条/.test(document.querySelector('[data-testid="sync-counts"]')?.innerText ?? ''), null, { timeout: 60_000 });
  await page.waitForTimeout(300);
  const fetchedBefore = before.length;
  await chrome.kill();
  assert.ok(fetchedBefore < groups.size, `killed after ${fetchedBefore} of ${groups.size} groups`);

  chrome = await launchKillable(profile);
  page = await openPage(chrome.context);
  const afterKill = groupFetches(page);
  await page.goto(server.url + '/crew');
  await appReady(page);
  // If the restart ended the session, the panel asks for the password
  // again (then the sync resumes); if the cookie survived, it goes on alone.
  const asked = page.locator('[data-testid="sync-error"]', { hasText: '登录已过期' });
  const resumed = page.locator('[data-testid="sync-counts"]', { hasText: /已收到 [1-9]/ });
  await Promise.race([asked.waitFor({ timeout: 60_000 }), resumed.waitFor({ timeout: 60_000 })]).catch(async (e) => {
    throw new Error(`${e.message}\nsync panel: ${await page.locator('[data-testid="sync-state"]').innerText().catch(() => 'none')} | ${await page.locator('main').innerText().catch(() => '')}`.slice(0, 1500));
  });
  if (await asked.count()) {
    await page.fill('[data-testid="sync-password"]', 'demo');
    await page.click('[data-testid="sync-login"]');
  }
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="sync-waiting"]')?.dataset.n) === 0 && /上次同步: 20/.test(document.querySelector('[data-testid="sync-state"]')?.innerText ?? ''), null, { timeout: 90_000 });
  console.log(`# groups fetched: ${fetchedBefore} before the kill, ${afterKill.length} after; a full pull fetches ${groups.size}`);
  assert.ok(afterKill.length < groups.size, 'it resumed instead of starting over');
  // Nothing lost, nothing twice: every ticket once in the queue, and the
  // events received after the restart are exactly the ones still missing.
  const received = Number(/已收到 (\d+) 条/.exec(await counts(page))[1]);
  const rows = await queueRows(page);
  assert.deepEqual(new Set(rows.map((r) => r.number)), numbers, 'every ticket arrived');
  assert.equal(await page.locator('[data-testid="sync-refused"] li').count(), 0);
  assert.match(await counts(page), /已上传 0 条/, 'nothing of the server came back as new');
  assert.ok(received > 0 && received < expected.size, `received ${received} of ${expected.size} after the restart`);
  await chrome.kill();
});
