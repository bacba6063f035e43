// Trust between devices in the release build: a kiosk takes outage notices
// and settings only from a supervisor it trusts, keeps a stranger's records
// but marks them, refuses a file whose signature was tampered with, and
// after refusing a second version of another device's event its own export
// still checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, launchBrowser, openPage, appReady, saved, screenshot, crewWithDemo, exportedText, canonical, sha256, eventId, bundleSchema } from './harness.mjs';

let server, browser, work;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  work = mkdtempSync(join(tmpdir(), 'gridcare-trust-'));
});
after(async () => { await browser?.close(); server?.stop(); rmSync(work, { recursive: true, force: true }); });

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8' });

async function exportAll(page, name) {
  await page.goto(server.url + '/crew');
  await appReady(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
  const file = join(work, name);
  await download.saveAs(file);
  return file;
}

// A forger's copy: each event's id derived again (written into the file,
// as version 3 still allows) and the checksum recomputed.
function resealed(bundle) {
  for (const e of bundle.events) e.id = eventId(e);
  delete bundle.checksum;
  bundle.checksum = sha256(canonical(bundle));
  return JSON.stringify(bundle);
}

/** Chooses a file; resolves with the import area's outcome. */
async function chooseFile(page, file) {
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.setInputFiles('[data-testid="import-file"]', file);
  await page.waitForSelector('[data-testid="import-preview"], [data-testid="import-error"]');
  const error = page.locator('[data-testid="import-error"]');
  if (await error.count()) {
    // Its words, once drawn (the screen may be drawn again as the log loads).
    const said = page.locator('[data-testid="import-error"]', { hasText: /\S/ });
    await said.waitFor();
    return { refused: await said.innerText() };
  }
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]');
  await saved(page);
  return { refused: null };
}

async function declareIncident(page, cause) {
  await page.goto(server.url + '/supervisor?tab=emergency');
  await appReady(page);
  await page.fill('[data-testid="incident-station"]', '城东供电所');
  await page.fill('[data-testid="incident-cause"]', cause);
  await page.fill('[data-testid="incident-expected"]', '2026-12-24T16:00');
  await page.getByRole('button', { name: '宣布' }).click();
  await page.locator('[data-testid="incident"]', { hasText: cause }).waitFor();
  await saved(page);
}

async function becomeRoot(page) {
  await page.goto(server.url + '/supervisor?tab=devices');
  await appReady(page);
  await page.fill('[data-testid="become-root"] [data-testid="device-name"]', '主任');
  await page.fill('[data-testid="become-root"] [data-testid="device-station"]', '城东供电所');
  await page.getByRole('button', { name: '设为根主管设备' }).click();
  await page.waitForFunction(() => /根主管设备/.test(document.querySelector('[data-testid="governs"]')?.innerText ?? ''));
  await saved(page);
}

test('a kiosk shows outage notices only from a supervisor it trusts; forged and poisoned files change nothing', async () => {
  // The utility's supervisor, and a stranger with the same app.
  const supervisor = await browser.newContext({ acceptDownloads: true });
  const sup = await openPage(supervisor);
  await becomeRoot(sup);
  await declareIncident(sup, '10kV 城东线故障跳闸');
  const genuine = await exportAll(sup, 'supervisor.json');

  const stranger = await browser.newContext({ acceptDownloads: true });
  const evil = await openPage(stranger);
  await declareIncident(evil, '停电补偿：请扫码领取退费');
  // And a ticket of its own: kept on other devices, but marked as a stranger's.
  await evil.goto(server.url + '/crew/new');
  await appReady(evil);
  await evil.fill('#nt-text', '陌生设备记录的投诉 STRANGER-7');
  await evil.fill('#nt-phone', '13700007777');
  await evil.getByRole('button', { name: '建立工单' }).click();
  await evil.waitForURL(/\/crew\/t\//);
  await saved(evil);
  const scam = await exportAll(evil, 'stranger.json');
  const strangerId = JSON.parse(exportedText(scam)).events[0].device;

  // The kiosk device, set to the station.
  const kioskContext = await browser.newContext({ acceptDownloads: true });
  const kiosk = await openPage(kioskContext);
  await kiosk.goto(server.url + '/crew');
  await appReady(kiosk);
  await kiosk.fill('[data-testid="identity"] [name="name"]', '营业厅');
  await kiosk.fill('[data-testid="identity"] [name="team"]', '自助');
  await kiosk.fill('[data-testid="identity"] [name="station"]', '城东供电所');
  await kiosk.getByRole('button', { name: '保存' }).click();
  await saved(kiosk);

  // A forged copy of the supervisor's file: the incident's cause changed,
  // its id and the checksum recomputed, the signature kept.
  const bundle = JSON.parse(exportedText(genuine));
  // What other systems read it by: the schema describes the supervisor's
  // roster, settings and incident events too.
  assert.ok(bundleSchema().validate(bundle), bundleSchema().errors());
  assert.ok(bundle.events.some((e) => e.type === 'device_enrolled'));
  const declared = bundle.events.find((e) => e.type === 'incident_declared');
  const supId = declared.device;
  declared.cause = '停电补偿：请扫码领取退费';
  const forgedPath = join(work, 'forged.json');
  writeFileSync(forgedPath, resealed(bundle));
  const forged = await chooseFile(kiosk, forgedPath);
  assert.match(forged.refused ?? '', /无法导入，本机数据未做任何改动/);
  assert.match(forged.refused, /签名/);
  assert.ok(forged.refused.includes(supId), forged.refused);
  await screenshot(kiosk, 'import-forged-signature');

  // The genuine file, then the stranger's: both taken, one trusted.
  assert.equal((await chooseFile(kiosk, genuine)).refused, null);
  assert.equal((await chooseFile(kiosk, scam)).refused, null);
  await kiosk.goto(server.url + '/kiosk');
  await appReady(kiosk);
  const banner = kiosk.locator('[data-testid="kiosk-incident"]');
  await banner.waitFor();
  const shown = await kiosk.locator('.kiosk').innerText();
  assert.match(shown, /10kV 城东线故障跳闸/);
  assert.doesNotMatch(shown, /扫码/, 'the stranger\'s notice never reaches the kiosk');

  // The stranger's ticket is in the kiosk's ledger, marked; the
  // supervisor's own records are not.
  await kiosk.goto(server.url + '/supervisor?tab=ledger&month=' + new Date().toISOString().slice(0, 7));
  await appReady(kiosk);
  await kiosk.locator('[data-testid="all-months"]').check();
  await kiosk.locator('[data-testid="ledger"] tbody tr[data-ticket]').first().waitFor();
  const strangerRows = kiosk.locator('[data-testid="ledger"] tbody tr[data-ticket]', { has: kiosk.locator('[data-testid="ledger-stranger"]') });
  assert.equal(await strangerRows.count(), 1, 'only the stranger\'s ticket is marked');
  assert.match(await strangerRows.first().innerText(), /未登记设备/);
  assert.equal(await strangerRows.first().locator('[data-testid="ledger-stranger"]').getAttribute('title'), strangerId);

  // The stranger's device is listed, unenrolled.
  await kiosk.goto(server.url + '/supervisor?tab=devices');
  await appReady(kiosk);
  const row = kiosk.locator(`[data-testid="device-table"] tr[data-device="${strangerId}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-standing'), 'Unenrolled');
  assert.match(await row.innerText(), /未登记设备/);

  // Two files with different events under one device's numbers: the second
  // is refused, and the kiosk's own export still checks.
  const first = join(work, 'tab-p-1.json');
  const second = join(work, 'tab-p-2.json');
  gridcare('demo', '--tickets', '20', '--seed', '11', '--device', 'tab-P', '-o', first);
  gridcare('demo', '--tickets', '20', '--seed', '12', '--device', 'tab-P', '-o', second);
  assert.equal((await chooseFile(kiosk, first)).refused, null);
  const poisoned = await chooseFile(kiosk, second);
  assert.match(poisoned.refused ?? '', /两个不同的版本/);
  const own = await exportAll(kiosk, 'kiosk-all.json');
  const checked = gridcare('validate', own);
  assert.match(checked, /valid|有效/i, checked);

  await supervisor.close();
  await stranger.close();
  await kioskContext.close();
});

// Three taps saved at once (the kiosk's submit woken with others at the end
// of the start-up read is the same case): each action mints from the
// counters the one before it saved, so no number is used twice and the
// device's signed chain has no fork.
test('actions saved at once take turns: each sequence number once, the chain whole', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await saved(page);
  const respond = '[data-testid="queue"] tbody tr[data-ticket] td button';
  await page.locator(respond).nth(2).waitFor();
  const before = await page.locator(respond).count();
  // In one task: all three start before the first has saved.
  await page.evaluate((sel) => { for (const b of [...document.querySelectorAll(sel)].slice(0, 3)) b.click(); }, respond);
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length <= n - 3, [respond, before]);
  await saved(page);
  const file = await exportAll(page, 'turns.json');
  const bundle = JSON.parse(exportedText(file));
  const seqs = new Map();
  for (const e of bundle.events) {
    const key = `${e.device}#${e.seq}`;
    seqs.set(key, (seqs.get(key) ?? 0) + 1);
  }
  const twice = [...seqs].filter(([, n]) => n > 1).map(([k]) => k);
  assert.ok(seqs.size > 0 && [...seqs.keys()].every((k) => !k.includes('undefined')), 'events name their device and number');
  assert.deepEqual(twice, [], 'a device\'s sequence number used twice');
  const checked = gridcare('validate', file);
  assert.match(checked, /valid|有效/i, checked);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('an export under a passphrase holds no customer data in the clear and opens only with it, in the app and the CLI', async () => {
  const secret = '夜班口令-2468';
  const withSecret = (pass) => ({ ...process.env, GRIDCARE_PASSPHRASE: pass });
  const crewContext = await browser.newContext({ acceptDownloads: true });
  const crew = await openPage(crewContext);
  await crew.goto(server.url + '/crew/new');
  await appReady(crew);
  await crew.fill('#nt-text', '表箱门锁坏了 SEALED-42');
  await crew.fill('#nt-phone', '13700004242');
  await crew.getByRole('button', { name: '建立工单' }).click();
  await crew.waitForURL(/\/crew\/t\//);
  await saved(crew);

  await crew.goto(server.url + '/crew');
  await appReady(crew);
  await crew.getByText('导出选项').click();
  const exportButton = crew.getByRole('button', { name: '导出全部数据' });
  // Two different passphrases, then a short one: said, and no file.
  await crew.fill('[data-testid="export-passphrase-first"]', secret);
  await crew.fill('[data-testid="export-passphrase-again"]', secret + 'x');
  await exportButton.click();
  assert.match(await crew.locator('[data-testid="export-error"]').innerText(), /不一致/);
  await crew.fill('[data-testid="export-passphrase-first"]', '短口令');
  await crew.fill('[data-testid="export-passphrase-again"]', '短口令');
  await exportButton.click();
  await crew.locator('[data-testid="export-error"]', { hasText: '至少 8' }).waitFor();
  await crew.fill('[data-testid="export-passphrase-first"]', secret);
  await crew.fill('[data-testid="export-passphrase-again"]', secret);
  const [download] = await Promise.all([crew.waitForEvent('download'), exportButton.click()]);
  assert.match(download.suggestedFilename(), /\.sealed\.json$/);
  const sealedPath = join(work, download.suggestedFilename());
  await download.saveAs(sealedPath);
  const text = readFileSync(sealedPath, 'utf8');
  const envelope = JSON.parse(text);
  assert.equal(envelope.format, 'gridcare-sealed');
  assert.equal(envelope.kdf.iterations, 600000);
  for (const clear of ['13700004242', 'SEALED-42', 'created']) assert.ok(!text.includes(clear), clear);

  // The command line opens the app's file with the passphrase, and only with it.
  const checked = execFileSync(join(root, 'target', 'debug', 'gridcare'), ['validate', sealedPath], { encoding: 'utf8', env: withSecret(secret) });
  assert.match(checked, /valid gridcare bundle/);
  const wrong = spawnSync(join(root, 'target', 'debug', 'gridcare'), ['validate', sealedPath], { encoding: 'utf8', env: withSecret('not-the-one') });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /Wrong passphrase/);
  const none = spawnSync(join(root, 'target', 'debug', 'gridcare'), ['validate', sealedPath], { encoding: 'utf8', env: withSecret('') });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /GRIDCARE_PASSPHRASE/);

  // Another device: asked for the passphrase, told when it is wrong, then
  // shown the usual preview.
  const otherContext = await browser.newContext();
  const other = await openPage(otherContext);
  await other.goto(server.url + '/crew');
  await appReady(other);
  await other.setInputFiles('[data-testid="import-file"]', sealedPath);
  await other.waitForSelector('[data-testid="import-passphrase"]');
  await other.fill('[data-testid="import-passphrase-input"]', 'not-the-one');
  await other.getByRole('button', { name: '打开文件' }).click();
  await other.waitForSelector('[data-testid="import-passphrase-wrong"]');
  await screenshot(other, 'import-protected-wrong');
  await other.fill('[data-testid="import-passphrase-input"]', secret);
  await other.getByRole('button', { name: '打开文件' }).click();
  await other.waitForSelector('[data-testid="import-preview"]');
  await other.getByRole('button', { name: '确认导入' }).click();
  await other.waitForSelector('[data-testid="import-done"]');
  await saved(other);
  await other.goto(server.url + '/crew');
  await appReady(other);
  await other.getByText('SEALED-42').first().waitFor();

  // And a file the command line protected opens in the app.
  const plain = join(work, 'cli-demo.json');
  const cliSealed = join(work, 'cli-demo.sealed.json');
  gridcare('demo', '--tickets', '5', '--seed', '31', '--device', 'tab-cli', '-o', plain);
  execFileSync(join(root, 'target', 'debug', 'gridcare'), ['seal', plain, '-o', cliSealed], { encoding: 'utf8', env: withSecret(secret) });
  await other.setInputFiles('[data-testid="import-file"]', cliSealed);
  await other.waitForSelector('[data-testid="import-passphrase"]');
  await other.fill('[data-testid="import-passphrase-input"]', secret);
  await other.getByRole('button', { name: '打开文件' }).click();
  await other.waitForSelector('[data-testid="import-preview"]');
  assert.ok(Number(await other.locator('[data-testid="import-preview"] [data-field="new"]').innerText()) > 5);

  await crewContext.close();
  await otherContext.close();
});
