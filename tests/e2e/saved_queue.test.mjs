// The queue's first rows saved beside the log, against the release build in
// a real Chromium profile on disk, the browser killed between steps: after a
// restart they are drawn before the log is read, and they are the rows the
// log gives; after a save they were not rewritten for (the browser killed
// first), they are never shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, openPage, appReady, saved, launchKillable, removeWhenFree, screenshot } from './harness.mjs';

let server, work;
before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'gridcare-saved-queue-'));
});
after(async () => {
  server?.stop();
  await removeWhenFree(work);
});

// Runs in the page before the app: notes when each queue first appears, and
// the saved queue's rows as they were drawn (they are replaced soon after).
function watchQueues() {
  window.__seen = { saved: null, live: null, rows: [], note: '' };
  const check = () => {
    const seen = window.__seen;
    const rows = document.querySelectorAll('[data-testid="saved-queue"] tr[data-ticket]');
    if (rows.length && seen.saved === null) {
      seen.saved = performance.now();
      seen.rows = [...rows].map((r) => ({
        number: r.dataset.ticket,
        status: r.querySelector('[data-field="status"]').innerText,
        buttons: r.querySelectorAll('button').length,
      }));
      seen.note = document.querySelector('.filters [role="status"]')?.innerText ?? '';
    }
    if (seen.live === null && document.querySelector('[data-testid="queue"][data-state="live"] tr[data-ticket]')) seen.live = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
}

/** The record the queue saved beside the log, as stored (null if none). */
const besideLog = (page) => page.evaluate(() => new Promise((ok, fail) => {
  const open = indexedDB.open('gridcare');
  open.onerror = () => fail(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const get = db.transaction('meta').objectStore('meta').get('shown-beside-log');
    get.onsuccess = () => { db.close(); ok(get.result ?? null); };
    get.onerror = () => fail(get.error);
  };
}));

/** Waits until the record differs from `before` (the queue saved its rows). */
async function rowsSavedSince(page, before) {
  for (let i = 0; i < 100; i++) {
    const now = await besideLog(page);
    if (now !== null && now !== before) return now;
    await page.waitForTimeout(100);
  }
  throw new Error('the queue did not save its rows beside the log');
}

/** Starts the browser on the profile, watching the queues, and opens /crew. */
async function launch(profile) {
  const chrome = await launchKillable(profile);
  await chrome.context.addInitScript(watchQueues);
  const page = await openPage(chrome.context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  return { chrome, page };
}

/** As `launch`, until the queue is drawn from the log. */
async function start(profile) {
  const started = await launch(profile);
  await started.page.waitForSelector('[data-testid="queue"][data-state="live"] tr[data-ticket]');
  return started;
}

/** The live queue's rows on screen, top first. */
const liveRows = (page) => page.$$eval('[data-testid="queue"] tr[data-ticket]', (rows) =>
  rows.map((r) => ({ number: r.dataset.ticket, status: r.querySelector('[data-field="status"]').innerText })));

test('the queue as last seen is drawn before the log is read, and only while the log is as it was', async () => {
  const profile = join(work, 'profile');
  // An empty device: nothing saved, nothing drawn before the demo is loaded.
  let { chrome, page } = await launch(profile);
  await page.click('[data-testid="demo-offer"] button');
  await page.waitForSelector('[data-testid="queue"] tr[data-ticket]');
  await saved(page);
  const first = await rowsSavedSince(page, null);
  const before = await liveRows(page);
  await chrome.kill();

  // A restart: the saved rows come first, then the same rows from the log.
  ({ chrome, page } = await start(profile));
  let seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.saved !== null, 'the saved queue was drawn');
  assert.ok(seen.saved < seen.live, `saved at ${seen.saved} ms, before the log's at ${seen.live} ms`);
  const live = await liveRows(page);
  assert.ok(live.length >= 5, `rows on screen: ${live.length}`);
  assert.deepEqual(seen.rows.slice(0, live.length).map(({ number, status }) => ({ number, status })), live);
  assert.deepEqual(live, before, 'the same queue as before the restart');
  assert.ok(seen.rows.every((r) => r.buttons === 0), 'no actions on saved rows');
  assert.match(seen.note, /上次打开时/);
  assert.deepEqual(page.problems, []);

  // A ticket answered on its own page (the queue is not on screen, so its
  // rows are not saved again), and the browser killed.
  const received = live.find((r) => r.status === '已受理');
  assert.ok(received, 'a ticket still waiting for its first response');
  await page.click(`tr[data-ticket="${received.number}"] a`);
  await page.click('[data-action="Respond"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-status"]')?.innerText === '已响应');
  await saved(page);
  // The write took the saved rows away in its own transaction.
  assert.equal(await besideLog(page), null);
  await chrome.kill();

  // The saved rows are behind the log now: never shown.
  ({ chrome, page } = await start(profile));
  seen = await page.evaluate(() => window.__seen);
  assert.equal(seen.saved, null, 'rows saved before the last save are not shown');
  const answered = (await liveRows(page)).find((r) => r.number === received.number);
  assert.equal(answered?.status, '已响应');
  // Drawn from the log, the queue saves its rows again; the next start shows them.
  const fresh = await rowsSavedSince(page, null);
  assert.notEqual(fresh, first);
  await chrome.kill();
  ({ chrome, page } = await start(profile));
  seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.saved !== null, 'the rows saved again are shown');
  assert.equal(seen.rows.find((r) => r.number === received.number)?.status, '已响应');
  await screenshot(page, 'saved-queue-after-restart');
  await chrome.kill();
});
