// Changes every device must share, against the release build: a supervisor
// edits the rule table and the calendar (new versions, validated, carried by
// sync files to another device), and declares a regional incident whose one
// notice reaches every linked ticket and the station's kiosk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, appReady, saved, crewWithDemo, screenshot, exportedText } from './harness.mjs';

let server, browser, work;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  work = mkdtempSync(join(tmpdir(), 'gridcare-settings-'));
});
after(async () => { await browser?.close(); server?.stop(); rmSync(work, { recursive: true, force: true }); });

async function exportAll(page, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
  const file = join(work, name);
  await download.saveAs(file);
  return file;
}

async function importAll(page, file) {
  await page.setInputFiles('[data-testid="import-file"]', file);
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.waitForSelector('[data-testid="import-done"]');
  await saved(page);
}

test('an edited rule table is validated, versioned, applied, and travels to another device', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  const shipped = await page.textContent('[data-testid="rule-version"]');
  const editor = page.locator('[data-testid="rules-editor"]');

  // Bad input is refused with the reasons, and nothing is published.
  await page.fill('[data-testid="hf-share"]', '250');
  await editor.getByRole('button', { name: '校验并发布' }).click();
  const problems = page.locator('[data-testid="rules-problems"]');
  await problems.waitFor();
  assert.match(await problems.innerText(), /修改原因/);
  await page.fill('[data-testid="rules-reason"]', '试行');
  await editor.getByRole('button', { name: '校验并发布' }).click();
  // Said in the editor's words: which setting, and what is wrong with it.
  await page.waitForFunction(() => /高频预警的占比：必须大于 0、不超过 100%/.test(document.querySelector('[data-testid="rules-problems"]')?.innerText ?? ''));
  assert.doesNotMatch(await problems.innerText(), /high_frequency|share|\[\d+\]/);
  assert.equal(await page.textContent('[data-testid="rule-version"]'), shipped, 'still the shipped table');

  // A good edit: a lower minimum count and a new outage keyword.
  await page.fill('[data-testid="hf-share"]', '30');
  await page.fill('[data-testid="hf-min"]', '6');
  await editor.locator('summary', { hasText: '各子类关键词' }).click();
  const outage = editor.locator('[data-keywords="Outage"]');
  await outage.fill((await outage.inputValue()) + '、黑灯瞎火');
  await page.fill('[data-testid="rules-reason"]', '本地常见说法“黑灯瞎火”');
  await editor.getByRole('button', { name: '校验并发布' }).click();
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);
  assert.match(await page.textContent('[data-testid="publications"]'), /黑灯瞎火/);
  assert.match(await page.textContent('main'), /≥ 6/);
  // The try-out classifier uses the new keyword at once.
  await page.fill('#try-text', '昨晚家里黑灯瞎火一整夜');
  await page.waitForFunction(() => /sub\.outage[\s\S]*黑灯瞎火/.test(document.querySelector('.rules-fired')?.innerText ?? ''));
  await saved(page);
  await screenshot(page, 'rules-edited');
  await page.reload();
  await appReady(page);
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);

  // The calendar: a typhoon closes a Wednesday.
  await page.fill('[data-testid="calendar-day"]', '2026-11-25');
  await page.fill('[data-testid="calendar-editor"] input[type="text"]', '台风停工');
  await page.getByRole('button', { name: '保存这一天' }).click();
  await page.waitForFunction(() => /台风停工/.test(document.querySelector('[data-testid="special-days"]')?.innerText ?? ''));
  // A bad calendar file is refused with a message.
  await page.setInputFiles('[data-testid="calendar-file"]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"year": 2027, "days": [{"name": "x", "date": "2027-03-03", "isOffDay": false}]}') });
  await page.waitForFunction(() => /未导入/.test(document.querySelector('[data-testid="calendar-message"]')?.innerText ?? ''));
  await saved(page);
  // Other devices take settings only from a supervisor they trust: this
  // device becomes the root supervisor, trusted on first use elsewhere.
  await page.goto(server.url + '/supervisor?tab=devices');
  await appReady(page);
  assert.match(await page.textContent('[data-testid="governs"]'), /不是已登记的主管设备/);
  await page.fill('[data-testid="become-root"] [data-testid="device-name"]', '主任的电脑');
  await page.fill('[data-testid="become-root"] [data-testid="device-station"]', '城东供电所');
  await page.getByRole('button', { name: '设为根主管设备' }).click();
  await page.waitForFunction(() => /根主管设备/.test(document.querySelector('[data-testid="governs"]')?.innerText ?? ''));
  const fingerprint = await page.textContent('[data-testid="own-fingerprint"]');
  await saved(page);
  await page.goto(server.url + '/crew');
  await appReady(page);
  const file = await exportAll(page, 'rules.json');

  // Another device: shipped rules until the file arrives, then the same rules.
  const other = await browser.newContext();
  const page2 = await openPage(other);
  await page2.goto(server.url + '/rules');
  await appReady(page2);
  assert.equal(await page2.textContent('[data-testid="rule-version"]'), shipped);
  await page2.goto(server.url + '/crew');
  await appReady(page2);
  // The preview says the file brings a rule table and a calendar day, and
  // that they will apply here (the supervisor is trusted on first use).
  await page2.setInputFiles('[data-testid="import-file"]', file);
  const carried = page2.locator('[data-testid="preview-settings"]');
  await carried.waitFor();
  const carriedText = await carried.innerText();
  assert.ok(carriedText.includes(`规则表 ${shipped}.e1`), carriedText);
  assert.match(carriedText, /日历调整/);
  assert.equal(await carried.locator('li[data-applies="ignored"]').count(), 0, carriedText);
  await page2.getByRole('button', { name: '确认导入' }).click();
  await page2.waitForSelector('[data-testid="import-done"]');
  await saved(page2);
  await page2.goto(server.url + '/rules');
  await page2.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);
  assert.match(await page2.textContent('[data-testid="special-days"]'), /台风停工/);
  // It trusts the supervisor's key on first use, shown to compare.
  await page2.goto(server.url + '/supervisor?tab=devices');
  await appReady(page2);
  const root = page2.locator('[data-testid="device-table"] tr[data-standing="Root"]');
  await root.waitFor();
  assert.match(await root.innerText(), new RegExp(fingerprint.replaceAll('-', '.')));
  // A hotline ticket there is decided by the new version, which stays with it.
  await page2.goto(server.url + '/crew/new');
  await appReady(page2);
  // Typed at once, a key at a time: the screens are rebuilt when the loaded
  // log brings the published rules. What was typed stays (the draft lives
  // above them) and the keys that follow still land in the field (the
  // keyboard is given back to it), so nothing typed is lost.
  await page2.click('#nt-text');
  await page2.keyboard.type('客户投诉：家里黑灯瞎火三个小时了', { delay: 25 });
  await saved(page2); // the log loaded, the rules rebuilt
  assert.equal(await page2.evaluate(() => document.activeElement?.id), 'nt-text');
  await page2.fill('#nt-phone', '13900001111');
  assert.equal(await page2.inputValue('#nt-text'), '客户投诉：家里黑灯瞎火三个小时了');
  assert.equal(await page2.inputValue('#nt-phone'), '13900001111');
  await page2.getByRole('button', { name: '建立工单' }).click();
  await page2.waitForURL(/\/crew\/t\//);
  await page2.waitForSelector('[data-testid="decided-by"]');
  assert.equal(await page2.textContent('[data-testid="decided-by"]'), `${shipped}.e1`);
  await other.close();
  await context.close();
});

test('emergency mode: one incident, its tickets linked, one notice for all, shown at the station\'s kiosk', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  await page.fill('[data-testid="identity"] [name="name"]', '值班长');
  await page.fill('[data-testid="identity"] [name="team"]', '调度');
  await page.fill('[data-testid="identity"] [name="station"]', '城东供电所');
  await page.getByRole('button', { name: '保存' }).click();
  await saved(page);

  await page.goto(server.url + '/supervisor');
  await appReady(page);
  await page.click('[data-tab="emergency"]');
  await page.getByRole('button', { name: '宣布' }).click();
  await page.waitForSelector('text=请填写供电所和原因。');
  await page.fill('[data-testid="incident-station"]', '城东供电所');
  await page.fill('[data-testid="incident-cause"]', '10kV 城东线故障跳闸');
  await page.fill('[data-testid="incident-expected"]', '2026-11-23T16:00');
  await page.getByRole('button', { name: '宣布' }).click();
  const card = page.locator('[data-testid="incident"]');
  await card.waitFor();
  const link = card.locator('[data-testid="link-tickets"]');
  const candidates = Number((await link.innerText()).match(/\((\d+)\)/)[1]);
  assert.ok(candidates > 0, 'the station has open supply-quality tickets');
  await link.click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="linked-count"]')?.innerText === String(n), candidates);
  await page.fill('[data-testid="incident-notice"]', '抢修队已到现场，正在更换故障电缆');
  await page.getByRole('button', { name: '发布通知' }).click();
  await page.waitForSelector('text=抢修队已到现场，正在更换故障电缆');
  await saved(page);
  await screenshot(page, 'supervisor-emergency');

  // Every linked ticket has the notice as a progress report, and it travels in the file.
  const bundle = JSON.parse(exportedText(await exportAll(page, 'incident.json')));
  const linked = new Set(bundle.events.filter((e) => e.type === 'incident_linked').map((e) => e.ticket));
  const reported = new Set(bundle.events.filter((e) => e.type === 'progress_reported' && e.text === '抢修队已到现场，正在更换故障电缆').map((e) => e.ticket));
  assert.equal(linked.size, candidates);
  assert.deepEqual([...reported].sort(), [...linked].sort());
  assert.equal(bundle.events.filter((e) => e.type === 'incident_declared').length, 1);

  // The station's kiosk shows the incident before the customer files.
  await page.goto(server.url + '/kiosk');
  await appReady(page);
  const banner = page.locator('[data-testid="kiosk-incident"]');
  await banner.waitFor();
  assert.match(await banner.innerText(), /城东供电所[\s\S]*10kV 城东线故障跳闸[\s\S]*11-23 16:00[\s\S]*正在更换故障电缆/);
  await screenshot(page, 'kiosk-incident');
  await context.close();
});

test('a kiosk holding a published rule table opens the tapped tile at the first tap', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  const shipped = await page.textContent('[data-testid="rule-version"]');
  await page.fill('[data-testid="hf-min"]', '7');
  await page.fill('[data-testid="rules-reason"]', '试行');
  await page.locator('[data-testid="rules-editor"]').getByRole('button', { name: '校验并发布' }).click();
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);
  await saved(page);
  // The whole kiosk starts with the shipped rules, then applies the
  // published ones; the screen the customer chose must survive that.
  await page.goto(server.url + '/kiosk');
  await page.waitForSelector('.kiosk-tiles');
  await page.click('[data-tile="voltage"]');
  await page.waitForURL(/\/kiosk\/app\//);
  await page.waitForSelector('#kiosk-phone');
  // Still there once the store has loaded and the rules were rebuilt.
  await saved(page);
  await page.waitForTimeout(1_000);
  assert.equal(await page.locator('#kiosk-phone').count(), 1, 'the form, not the home, after one tap');
  await context.close();
});

test('what a supervisor types into the rules editor outlasts a reload until published or discarded', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  const editor = page.locator('[data-testid="rules-editor"]');
  const shipped = await page.textContent('[data-testid="rule-version"]');
  const minBefore = await page.inputValue('[data-testid="hf-min"]');
  await editor.locator('summary', { hasText: '各子类关键词' }).click();
  const outage = editor.locator('[data-keywords="Outage"]');
  const outageBefore = await outage.inputValue();

  // Typed, then the page is reloaded (a crash, a closed tab) before publishing.
  await page.fill('[data-testid="hf-min"]', '7');
  await outage.fill(outageBefore + '、电灯全灭');
  await page.fill('[data-testid="rules-reason"]', '草稿：本地说法');
  await page.reload();
  await appReady(page);
  await page.locator('[data-testid="rules-draft-restored"]').waitFor();
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), '7');
  assert.equal(await page.inputValue('[data-testid="rules-reason"]'), '草稿：本地说法');
  await editor.locator('summary', { hasText: '各子类关键词' }).click();
  assert.equal(await outage.inputValue(), outageBefore + '、电灯全灭');
  assert.equal(await page.textContent('[data-testid="rule-version"]'), shipped, 'a draft is not published');
  await screenshot(page, 'rules-draft-restored');

  // Discarded: the table's values come back, and stay back after a reload.
  await page.click('[data-testid="rules-draft-discard"]');
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), minBefore);
  assert.equal(await outage.inputValue(), outageBefore);
  await page.reload();
  await appReady(page);
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), minBefore);
  assert.equal(await page.locator('[data-testid="rules-draft-restored"]').count(), 0);

  // Published: nothing is left as a draft.
  await page.fill('[data-testid="hf-min"]', '8');
  await page.fill('[data-testid="rules-reason"]', '试行');
  await editor.getByRole('button', { name: '校验并发布' }).click();
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);
  await saved(page);
  await page.reload();
  await appReady(page);
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);
  assert.equal(await page.locator('[data-testid="rules-draft-restored"]').count(), 0);
  assert.equal(await page.locator('[data-testid="rules-draft-stale"]').count(), 0);
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), '8');
  await context.close();
});

test('a calendar day typed and not saved outlasts a reload until saved or discarded', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  const editor = page.locator('[data-testid="calendar-editor"]');
  // A day of this year, which the calendar view shows first.
  const day = `${new Date().getFullYear()}-12-09`;
  const name = editor.locator('input[type="text"]');
  await page.fill('[data-testid="calendar-day"]', day);
  await page.check('[data-testid="day-working"]');
  await name.fill('迎峰度冬会战');
  await page.reload();
  await appReady(page);
  await page.locator('[data-testid="calendar-draft-restored"]').waitFor();
  assert.equal(await page.inputValue('[data-testid="calendar-day"]'), day);
  assert.equal(await page.isChecked('[data-testid="day-working"]'), true);
  assert.equal(await name.inputValue(), '迎峰度冬会战');
  assert.doesNotMatch(await page.textContent('[data-testid="special-days"]'), /迎峰度冬会战/, 'a draft is not saved');

  // Discarded: the form is empty, and stays empty after a reload.
  await page.click('[data-testid="calendar-draft-discard"]');
  assert.equal(await page.inputValue('[data-testid="calendar-day"]'), '');
  assert.equal(await name.inputValue(), '');
  await page.reload();
  await appReady(page);
  assert.equal(await page.locator('[data-testid="calendar-draft-restored"]').count(), 0);
  assert.equal(await page.inputValue('[data-testid="calendar-day"]'), '');

  // Saved: recorded, and nothing is left as a draft.
  await page.fill('[data-testid="calendar-day"]', day);
  await name.fill('检修停工');
  await page.getByRole('button', { name: '保存这一天' }).click();
  await page.waitForFunction(() => /检修停工/.test(document.querySelector('[data-testid="special-days"]')?.innerText ?? ''));
  await saved(page);
  await page.reload();
  await appReady(page);
  await page.waitForFunction(() => /检修停工/.test(document.querySelector('[data-testid="special-days"]')?.innerText ?? ''));
  assert.equal(await page.locator('[data-testid="calendar-draft-restored"]').count(), 0);
  assert.equal(await page.inputValue('[data-testid="calendar-day"]'), '');
  await context.close();
});

test('a draft typed over an older rule table is offered, not applied, and kept until the supervisor decides', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  const minBefore = await page.inputValue('[data-testid="hf-min"]');
  // A draft left over a version this device no longer runs (a newer table came by sync).
  await page.evaluate(() => localStorage.setItem('gridcare.rules.draft', JSON.stringify({ '2000.01-1': { hf_min: '9', reason: '旧草稿' } })));
  await page.reload();
  await appReady(page);
  const offered = page.locator('[data-testid="rules-draft-stale"]');
  await offered.waitFor();
  assert.match(await offered.innerText(), /2000\.01-1/);
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), minBefore, 'offered, not applied');

  // What is typed meanwhile is kept beside it, and both outlast a reload.
  await page.fill('[data-testid="due-soon"]', '80');
  await page.reload();
  await appReady(page);
  await offered.waitFor();
  assert.equal(await page.inputValue('[data-testid="due-soon"]'), '80');

  // Restored on request: its fields join this version's draft, the offer goes.
  await offered.getByRole('button', { name: '恢复这些修改' }).click();
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), '9');
  assert.equal(await page.inputValue('[data-testid="rules-reason"]'), '旧草稿');
  assert.equal(await offered.count(), 0);
  await page.reload();
  await appReady(page);
  await page.locator('[data-testid="rules-draft-restored"]').waitFor();
  assert.equal(await page.inputValue('[data-testid="hf-min"]'), '9');
  assert.equal(await page.inputValue('[data-testid="due-soon"]'), '80');
  assert.equal(await offered.count(), 0);
  await page.click('[data-testid="rules-draft-discard"]');
  await context.close();
});
