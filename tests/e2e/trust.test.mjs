// Trust between devices in the release build: a kiosk takes outage notices
// and settings only from a supervisor it trusts, keeps a stranger's records
// but marks them, refuses a file whose signature was tampered with, and
// after refusing a second version of another device's event its own export
// still checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServer, launchBrowser, openPage, appReady, saved, screenshot } from './harness.mjs';

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

// As docs/bundle.md defines them: canonical JSON (keys sorted, no white
// space), event ids and the file's checksum over it. A forger has these.
const canonical = (v) => (Array.isArray(v)
  ? `[${v.map(canonical).join(',')}]`
  : v && typeof v === 'object'
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
    : JSON.stringify(v));
const sha256 = (text) => 'sha256:' + createHash('sha256').update(text).digest('hex');
function resealed(bundle) {
  for (const e of bundle.events) {
    const { id, ...rest } = e;
    e.id = sha256(canonical(rest));
  }
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
  if (await error.count()) return { refused: await error.innerText() };
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
  const scam = await exportAll(evil, 'stranger.json');
  const strangerId = JSON.parse(readFileSync(scam, 'utf8')).events[0].device;

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
  const bundle = JSON.parse(readFileSync(genuine, 'utf8'));
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
