// A crew member takes a kiosk complaint through its whole life on the ticket
// page, offline, with a controlled clock: the deadlines' states change as time
// passes, a pause moves them, incomplete feedback is refused, and everything
// is still there after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, appReady, controlledByServiceWorker, saved, crewWithDemo, screenshot, queueRow, exportedText } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const clockState = (page, id) => page.locator(`[data-clock="${id}"]`).getAttribute('data-state');
const minutes = (n) => n * 60_000;

async function act(page, action, fields = {}) {
  const before = await page.locator('[data-testid="timeline"] li').count();
  await page.click(`[data-action="${action}"]`);
  if (Object.keys(fields).length) {
    for (const [name, value] of Object.entries(fields)) {
      const input = page.locator(`[data-testid="action-form"] [name="${name}"]`);
      if (value === true) await input.check();
      else if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
      else await input.fill(value);
    }
    await page.locator('[data-testid="action-form"]').getByRole('button', { name: '记录' }).click();
  }
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="timeline"] li').length > n, before);
  await saved(page);
}

test('a ticket goes through its whole lifecycle offline and the clocks follow', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.clock.install({ time: new Date('2026-11-23T02:00:00Z') }); // Monday 10:00 China time
  await page.goto(server.url + '/kiosk');
  await appReady(page);
  // Offline from here on: the app shell must be cached first, as on a crew's tablet.
  await controlledByServiceWorker(page);
  await context.setOffline(true);
  await page.click('[data-tile="outage"]');
  await page.fill('#kiosk-phone', '13812345678');
  await page.getByRole('button', { name: '提交' }).click();
  const number = await page.locator('[data-testid="receipt-number"]').innerText();

  await page.goto(server.url + '/crew');
  await appReady(page);
  await (await queueRow(page, number)).locator('a').click();
  await page.waitForSelector('[data-testid="clocks"]');
  assert.equal(await page.textContent('[data-testid="ticket-status"]'), '已受理');
  assert.equal(await clockState(page, 'clock.first_response'), 'Running');

  // 50 minutes on: past 75% of the hour, the first response is due soon.
  await page.clock.runFor(minutes(50));
  await page.waitForFunction(() => document.querySelector('[data-clock="clock.first_response"]').dataset.state === 'DueSoon');
  await act(page, 'Respond');
  assert.equal(await clockState(page, 'clock.first_response'), 'Met');
  await act(page, 'Dispatch', { team: '抢修一班' });
  await page.clock.runFor(minutes(20));
  await act(page, 'Arrive');
  assert.equal(await clockState(page, 'clock.site_arrival'), 'Met');

  // Waiting on the customer for two days pauses the 48 h solution clock.
  const dueBefore = await page.locator('[data-clock="clock.resolution.grade3"] td').nth(2).innerText();
  await act(page, 'Pending', { reason: '客户出差，需客户在家才能入户检查' });
  await page.clock.runFor(minutes(2 * 24 * 60));
  await page.waitForFunction(() => document.querySelector('[data-clock="clock.resolution.grade3"]').dataset.state === 'Paused');
  await act(page, 'Resume');
  const dueAfter = await page.locator('[data-clock="clock.resolution.grade3"] td').nth(2).innerText();
  assert.equal(dueBefore, '2026-11-25 10:00');
  assert.equal(dueAfter, '2026-11-27 10:00', 'moved by exactly the two days of the pause');
  assert.equal(await clockState(page, 'clock.resolution.grade3'), 'Running');

  await act(page, 'Note', { text: '更换表后线，恢复供电' });
  // The three-part feedback is all required: an empty improvement is refused, nothing saved.
  const timelineBefore = await page.locator('[data-testid="timeline"] li').count();
  await page.click('[data-action="Resolve"]');
  await page.fill('[name="cause"]', '表后线老化');
  await page.fill('[name="solution"]', '更换表后线');
  await page.locator('[data-testid="action-form"]').getByRole('button', { name: '记录' }).click();
  assert.match(await page.locator('[data-error-for="improvement"]').innerText(), /必填/);
  assert.equal(await page.locator('[data-testid="timeline"] li').count(), timelineBefore);
  await page.fill('[name="improvement"]', '纳入老旧线路改造计划');
  await page.locator('[data-testid="action-form"]').getByRole('button', { name: '记录' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-status"]')?.innerText === '已处理');
  await act(page, 'Feedback', { channel: '0' });
  assert.equal(await clockState(page, 'clock.confirmation_revisit'), 'Running');
  await page.clock.runFor(minutes(24 * 60));
  await act(page, 'Revisit', { satisfaction: '90' });
  assert.equal(await clockState(page, 'clock.first_revisit'), 'Met');
  assert.equal(await clockState(page, 'clock.confirmation_revisit'), 'Met');
  await act(page, 'Close');
  assert.equal(await page.textContent('[data-testid="ticket-status"]'), '已关闭');
  await screenshot(page, 'crew-ticket-closed');

  // Everything survives a reload.
  await page.reload();
  await page.waitForSelector('[data-testid="timeline"]');
  const types = await page.$$eval('[data-testid="timeline"] li', (items) => items.map((li) => li.dataset.type));
  assert.deepEqual(types, ['created', 'classified', 'responded', 'dispatched', 'arrived', 'pending_customer', 'resumed', 'note', 'resolved', 'feedback_given', 'revisited', 'closed']);
  assert.equal(await page.textContent('[data-testid="ticket-status"]'), '已关闭');
  assert.deepEqual(page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p)), []);
  await context.close();
});

test('a hotline ticket is classified live; facts by hand win; a correction needs a reason', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.getByRole('link', { name: '新建工单（热线 / 来访）' }).click();
  await page.fill('#nt-text', '路边电线掉落，小孩差点触电，我们这里停电了，投诉');
  await page.waitForFunction(() => document.querySelector('.live-classification [data-field="grade"]')?.dataset.code === '1');
  // The rule by its name, in the user's words; its id only as an attribute.
  assert.match(await page.locator('.live-classification .rules-fired tr[data-rule="fact.safety_hazard"]').innerText(), /危及人身安全/);
  // The crew member checked on the phone: nobody is in danger. The hand fact wins.
  await page.selectOption('[name="safety_hazard"]', 'no');
  await page.waitForFunction(() => document.querySelector('.live-classification [data-field="grade"]')?.dataset.code === '3');
  await page.fill('#nt-phone', '13512345678');
  // Correcting the grade without a reason is refused, and nothing is saved.
  await page.selectOption('[name="grade"]', '2');
  await page.getByRole('button', { name: '建立工单' }).click();
  assert.match(await page.locator('[data-error-for="reason"]').innerText(), /必填/);
  assert.match(page.url(), /\/crew\/new$/);
  await page.fill('#nt-reason', '现场有老人独居，按二级处理');
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  await page.waitForSelector('[data-testid="timeline"]');
  assert.match(await page.locator('.lede').innerText(), /人工改判/);
  assert.equal(await page.locator('.lede .badge.grade-2').count(), 1);
  const types = await page.$$eval('[data-testid="timeline"] li', (items) => items.map((li) => li.dataset.type));
  assert.deepEqual(types, ['created', 'classified', 'reclassified']);
  assert.match(await page.locator('[data-testid="timeline"] li[data-type="reclassified"]').innerText(), /按二级处理/);
  await screenshot(page, 'crew-new-ticket-corrected');
  await context.close();
});

test('who I am is asked once; the queue filters by team, grade and words', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  assert.equal(await page.locator('[data-testid="identity"]').getAttribute('open'), '');
  await page.fill('[data-testid="identity"] [name="name"]', '王师傅');
  await page.fill('[data-testid="identity"] [name="team"]', '抢修一班');
  await page.fill('[data-testid="identity"] [name="station"]', '城东供电所');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="identity"] summary').innerText.includes('王师傅'));
  const count = async () => Number(await page.textContent('[data-testid="shown-count"]'));
  const all = await count();
  await page.check('[data-testid="mine"]');
  const mine = await count();
  assert.ok(mine > 0 && mine < all, `${mine} of ${all} are my team's`);
  await page.uncheck('[data-testid="mine"]');
  await page.selectOption('[data-testid="grade-filter"]', '1');
  const rows = await page.$$eval('[data-testid="queue"] tbody tr[data-ticket]', (r) => r.map((x) => !!x.querySelector('.badge.grade-1')));
  assert.ok(rows.length > 0 && rows.every(Boolean));
  await page.selectOption('[data-testid="grade-filter"]', '');
  const number = await page.locator('[data-testid="queue"] tbody tr[data-ticket]').nth(3).getAttribute('data-ticket');
  await page.fill('[data-testid="search"]', number);
  assert.equal(await count(), 1);
  await page.fill('[data-testid="search"]', '没有这样的内容xyz');
  assert.equal(await count(), 0);
  // Actions are recorded under the crew member's name, and the identity survives a reload.
  await page.fill('[data-testid="search"]', '');
  await page.reload();
  await page.waitForSelector('[data-testid="queue"]');
  assert.match(await page.locator('[data-testid="identity"] summary').innerText(), /王师傅 · 抢修一班/);
  assert.equal(await page.locator('[data-testid="identity"]').getAttribute('open'), null);
  await screenshot(page, 'crew-queue-filtered');
  await context.close();
});

test('a photo is downscaled on the device, kept, and travels with the export', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const work = mkdtempSync(join(tmpdir(), 'gridcare-photo-'));
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await page.goto(server.url + '/kiosk');
  await appReady(page);
  await page.click('[data-tile="voltage"]');
  await page.fill('#kiosk-phone', '13812340000');
  await page.getByRole('button', { name: '提交' }).click();
  const number = await page.locator('[data-testid="receipt-number"]').innerText();
  // A 3000 x 2000 "camera" picture, drawn in the browser.
  const picture = Buffer.from(await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 3000; canvas.height = 2000;
    const g = canvas.getContext('2d');
    g.fillStyle = '#0b5d3b'; g.fillRect(0, 0, 3000, 2000);
    g.fillStyle = '#ffd23f'; g.fillRect(500, 500, 2000, 1000);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/png'));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }));
  await page.goto(server.url + '/crew');
  await (await queueRow(page, number)).locator('a').click();
  await page.setInputFiles('[data-testid="photo-input"]', { name: 'meter.png', mimeType: 'image/png', buffer: picture });
  const photo = page.locator('[data-testid="photos"] img');
  await photo.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="photos"] img')?.naturalWidth > 0);
  const size = await photo.evaluate((img) => [img.naturalWidth, img.naturalHeight]);
  assert.deepEqual(size, [1280, 853], 'downscaled to 1280 px on the long side');
  const hash = await photo.getAttribute('data-hash');
  await page.reload();
  await page.waitForSelector('[data-testid="photos"] img');
  assert.equal(await page.locator('[data-testid="timeline"] li[data-type="photo_attached"]').count(), 1);

  await page.goto(server.url + '/crew');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
  const file = join(work, 'with-photo.json');
  await download.saveAs(file);
  const bundle = JSON.parse(exportedText(file));
  assert.equal(bundle.attachments[hash].mime, 'image/jpeg');

  // Another tablet imports the file and sees the photo.
  const other = await browser.newContext();
  const page2 = await openPage(other);
  await page2.goto(server.url + '/crew');
  await appReady(page2);
  await page2.setInputFiles('[data-testid="import-file"]', file);
  await page2.getByRole('button', { name: '确认导入' }).click();
  await page2.waitForSelector('[data-testid="import-done"]');
  await (await queueRow(page2, number)).locator('a').click();
  await page2.waitForFunction((h) => document.querySelector(`[data-testid="photos"] img[data-hash="${h}"]`)?.naturalWidth === 1280, hash);
  await screenshot(page2, 'crew-ticket-photo');
  await other.close();
  await context.close();
});

test('the queue counts down to each deadline and turns overdue as time passes', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.clock.install({ time: new Date('2026-11-23T02:00:00Z') });
  await page.goto(server.url + '/kiosk');
  await appReady(page);
  await page.click('[data-tile="billing"]');
  await page.fill('#kiosk-phone', '13812349999');
  await page.getByRole('button', { name: '提交' }).click();
  const number = await page.locator('[data-testid="receipt-number"]').innerText();
  await page.goto(server.url + '/crew');
  const countdown = (await queueRow(page, number)).locator('[data-testid="countdown"]');
  assert.match(await countdown.innerText(), /^还剩 (59分|1小时0分)$/);
  await page.clock.runFor(minutes(90));
  await page.waitForFunction((n) => /^已超 (29|30)分$/.test(document.querySelector(`tr[data-ticket="${n}"] [data-testid="countdown"]`)?.innerText ?? ''), number);
  assert.equal(await page.locator(`tr[data-ticket="${number}"] .clock.overdue`).count(), 1);
  await page.getByRole('button', { name: 'English' }).click();
  assert.match(await countdown.innerText(), /^(29|30) min over$/);
  await context.close();
});

test('a ticket being typed survives a visit to another page and a change of the rules', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/crew/new');
  await appReady(page);
  await page.fill('#nt-text', '小区停电三个小时了，还没人来 DRAFT-7');
  await page.fill('#nt-phone', '13800002222');
  await page.fill('#nt-name', '王女士');
  await page.selectOption('select[name="safety_hazard"]', 'yes');
  await page.selectOption('select[name="area"]', '3');
  await page.selectOption('select[name="grade"]', '2');
  await page.fill('#nt-reason', '客户是独居老人');
  // Half-way through, the rules in force change on this device: every
  // screen is rebuilt (the same happens when sync brings a publication).
  await page.click('.app-header nav a[href="/rules"]');
  const shipped = await page.textContent('[data-testid="rule-version"]');
  await page.fill('[data-testid="hf-min"]', '6');
  await page.fill('[data-testid="rules-reason"]', '试行');
  await page.locator('[data-testid="rules-editor"]').getByRole('button', { name: '校验并发布' }).click();
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.innerText === `${v}.e1`, shipped);
  await page.click('.app-header nav a[href="/crew"]');
  await page.click('a[href="/crew/new"]');
  assert.equal(await page.inputValue('#nt-text'), '小区停电三个小时了，还没人来 DRAFT-7');
  assert.equal(await page.inputValue('#nt-phone'), '13800002222');
  assert.equal(await page.inputValue('#nt-name'), '王女士');
  assert.equal(await page.inputValue('select[name="safety_hazard"]'), 'yes');
  assert.equal(await page.inputValue('select[name="area"]'), '3');
  assert.equal(await page.inputValue('select[name="grade"]'), '2');
  assert.equal(await page.inputValue('#nt-reason'), '客户是独居老人');
  // Saved, the ticket takes it all; the next one starts blank.
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  await page.click('.app-header nav a[href="/crew"]');
  await page.click('a[href="/crew/new"]');
  assert.equal(await page.inputValue('#nt-text'), '');
  assert.equal(await page.inputValue('#nt-phone'), '');
  assert.equal(await page.inputValue('select[name="grade"]'), '');
  await context.close();
});
