// Customers' personal data on a lost tablet, against the release build in a
// real Chromium profile on disk: after a passphrase is set, no phone number
// of the demo data is anywhere in the profile's files; after a restart the
// device is locked (numbers masked, actions refused) until the passphrase is
// given, and it locks itself again when idle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, openPage, appReady, saved, launchKillable, screenshot, removeWhenFree, importFile } from './harness.mjs';

let server, work;
before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'gridcare-vault-'));
});
after(async () => {
  server?.stop();
  // A killed browser's helpers may still be writing their cache for a moment.
  await removeWhenFree(work);
});

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8', maxBuffer: 1 << 26 });

/** Every file of a folder, with its bytes. */
function filesOf(folder) {
  const files = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) files.push(...filesOf(path));
    else if (stat.isFile()) files.push({ path, bytes: readFileSync(path) });
  }
  return files;
}

test('customers\' data is sealed on disk, hidden until the passphrase, and locks again when idle', async () => {
  const profile = join(work, 'profile');
  let chrome = await launchKillable(profile);
  let page = await openPage(chrome.context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="vault-unprotected"]');

  // The passphrase first, then the demo tickets and a ticket of our own.
  await page.fill('[data-testid="passphrase-new"]', '123');
  await page.fill('[data-testid="passphrase-repeat"]', '123');
  await page.getByRole('button', { name: '设置密码' }).click();
  assert.match(await page.innerText('[data-testid="passphrase-error"]'), /至少 6 位/);
  await page.fill('[data-testid="passphrase-new"]', '夜班-2468');
  await page.fill('[data-testid="passphrase-repeat"]', '夜班-2468');
  await page.getByRole('button', { name: '设置密码' }).click();
  await page.waitForSelector('[data-testid="vault-unlocked"]');
  await page.click('[data-testid="demo-offer"] button');
  await page.waitForSelector('[data-testid="queue"]');
  await saved(page);
  await page.goto(server.url + '/crew/new');
  await appReady(page);
  await page.fill('#nt-text', '变压器嗡嗡响，标记XYZZY20261130');
  await page.fill('#nt-phone', '13700009999');
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  const ticketUrl = page.url();
  await saved(page);
  assert.match(await page.innerText('[data-testid="ticket-phone"]'), /13700009999/);

  // The demo's phone numbers, as the command line makes the same tickets.
  const demo = JSON.parse(gridcare('demo', '--tickets', '60', '--seed', '2026', '--device', 'x'));
  const phones = demo.events.filter((e) => e.type === 'created' && e.contact?.phone).map((e) => e.contact.phone);
  assert.ok(phones.length >= 50, `${phones.length} phones`);
  phones.push('13700009999');
  await chrome.kill();

  // The profile's bytes: the ticket's words are there (the search finds
  // what is stored), no phone number is, in UTF-8 or UTF-16.
  const disk = filesOf(profile);
  const holding = (text) => disk
    .filter(({ bytes }) => bytes.includes(Buffer.from(text)) || bytes.includes(Buffer.from(text, 'utf16le')))
    .map(({ path }) => path.slice(profile.length));
  assert.ok(holding('XYZZY20261130').length > 0, 'the stored text is found on disk');
  for (const phone of phones) {
    assert.deepEqual(holding(phone), [], `${phone} on disk`);
  }

  // Started again: locked. Numbers masked, actions refused, a wrong
  // passphrase told so; the right one shows the data.
  chrome = await launchKillable(profile);
  page = await openPage(chrome.context);
  await page.clock.install();
  await page.goto(ticketUrl);
  await appReady(page);
  await page.waitForSelector('[data-testid="vault-locked"]');
  const masked = await page.innerText('[data-testid="ticket-phone"]');
  assert.match(masked, /137\*\*\*\*9999/);
  assert.match(masked, /已锁定，解锁后显示/);
  await screenshot(page, 'vault-locked');
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="queue"]');
  // Nothing leaves a locked device: an export is refused with the reason.
  await page.getByRole('button', { name: '导出全部数据' }).click();
  assert.match(await page.innerText('[data-testid="export-error"]'), /本机已锁定/);
  await page.fill('[data-testid="vault-passphrase"]', '白班-1357');
  await page.getByRole('button', { name: '解锁' }).click();
  await page.waitForFunction(() => /密码不对/.test(document.querySelector('[data-testid="vault-error"]')?.innerText ?? ''));
  await page.fill('[data-testid="vault-passphrase"]', '夜班-2468');
  await page.getByRole('button', { name: '解锁' }).click();
  await page.waitForSelector('[data-testid="vault-unlocked"]');
  await page.goto(ticketUrl);
  await appReady(page);
  // A reload asks again: the passphrase is not kept.
  await page.waitForSelector('[data-testid="vault-locked"]');
  await page.fill('[data-testid="vault-passphrase"]', '夜班-2468');
  await page.getByRole('button', { name: '解锁' }).click();
  await page.waitForSelector('[data-testid="vault-unlocked"]');
  await page.waitForFunction(() => /13700009999/.test(document.querySelector('[data-testid="ticket-phone"]')?.innerText ?? ''));

  // Idle for the chosen time (1 minute here): locked again.
  await page.evaluate(() => localStorage.setItem('gridcare.lock.minutes', '1'));
  await page.clock.runFor(30_000);
  assert.equal(await page.locator('[data-testid="vault-unlocked"]').count(), 1, 'still open after 30 s');
  await page.clock.runFor(40_000);
  await page.waitForSelector('[data-testid="vault-locked"]');
  await chrome.kill();
});

test('without a passphrase, every customer\'s data comes back whole after a restart, however many segments hold it', async () => {
  // 2,000 tickets: eight segments, read in two batches, so the sealed data
  // of the later ones is opened while the earlier are decoded.
  const file = join(work, 'many.json');
  gridcare('demo', '--tickets', '2000', '--seed', '11', '--device', 'tab-M', '-o', file);
  const events = JSON.parse(readFileSync(file, 'utf8')).events;
  // More than four segments of 1,000 events (src/web/store.rs: SEGMENT_SIZE,
  // READ_BATCH): the last ticket's data is in the second batch.
  assert.ok(events.length > 5000, `${events.length} events`);
  const created = events.filter((e) => e.type === 'created' && e.contact?.phone);
  const checked = [created[0], created[Math.floor(created.length / 2)], created.at(-1)];

  const chrome = await launchKillable(join(work, 'profile-many'));
  const page = await openPage(chrome.context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="vault-unprotected"]');
  await importFile(page, file);
  await chrome.kill();

  const again = await launchKillable(join(work, 'profile-many'));
  const reopened = await openPage(again.context);
  for (const event of checked) {
    await reopened.goto(`${server.url}/crew/t/${encodeURIComponent(event.ticket)}`);
    await appReady(reopened);
    await reopened.waitForSelector('[data-testid="vault-unprotected"]');
    const phone = await reopened.innerText('[data-testid="ticket-phone"]');
    assert.ok(phone.includes(event.contact.phone), `${event.ticket}: ${phone}`);
  }
  assert.deepEqual(reopened.problems, []);
  await again.kill();
});
