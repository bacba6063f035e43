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
  // Nothing typed: both fields say what they need; each message goes once
  // its field is right, as it is typed.
  await page.getByRole('button', { name: '建立工单' }).click();
  assert.match(await page.locator('[data-error-for="text"]').innerText(), /请填写/);
  assert.match(await page.locator('[data-error-for="phone"]').innerText(), /手机号/);
  await page.fill('#nt-text', '路边电线掉落，小孩差点触电，我们这里停电了，投诉');
  assert.equal(await page.locator('[data-error-for="text"]').count(), 0);
  assert.equal(await page.locator('[data-error-for="phone"]').count(), 1, 'the phone is still wrong');
  await page.waitForFunction(() => document.querySelector('.live-classification [data-field="grade"]')?.dataset.code === '1');
  // The rule by its name, in the user's words; its id only as an attribute.
  assert.match(await page.locator('.live-classification .rules-fired tr[data-rule="fact.safety_hazard"]').innerText(), /危及人身安全/);
  // The crew member checked on the phone: nobody is in danger. The hand fact wins.
  await page.selectOption('[name="safety_hazard"]', 'no');
  await page.waitForFunction(() => document.querySelector('.live-classification [data-field="grade"]')?.dataset.code === '3');
  await page.fill('#nt-phone', '13512345678');
  assert.equal(await page.locator('[data-error-for="phone"]').count(), 0);
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
  assert.match(await countdown.innerText(), /^还剩 (59 分钟|1 小时)$/);
  await page.clock.runFor(minutes(90));
  await page.waitForFunction((n) => /^已超时 (29|30) 分钟$/.test(document.querySelector(`tr[data-ticket="${n}"] [data-testid="countdown"]`)?.innerText ?? ''), number);
  assert.equal(await page.locator(`tr[data-ticket="${number}"] .clock.overdue`).count(), 1);
  await page.getByRole('button', { name: 'English' }).click();
  assert.match(await countdown.innerText(), /^(29|30) min overdue$/);
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

test('the ticket page leads with its deadline and next step; leaping over steps asks why', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  // In working hours: at night (China time) the first response's clock
  // waits for the morning, and arriving on site comes due first.
  await page.clock.install({ time: new Date('2026-11-25T02:00:00Z') }); // Wednesday 10:00 China time
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.fill('[data-testid="identity"] [name="name"]', '李师傅');
  await page.fill('[data-testid="identity"] [name="team"]', '抢修二班');
  await page.getByRole('button', { name: '保存' }).click();
  await saved(page);
  // A repair that needs someone on site.
  await page.goto(server.url + '/crew/new');
  await appReady(page);
  await page.fill('#nt-text', '我家停电了，表箱里冒烟，请派人来看看');
  await page.fill('#nt-phone', '13700001234');
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  await page.waitForSelector('[data-testid="next-up"]');
  assert.match(await page.locator('[data-testid="ticket-facts"], [data-field="facts"]').first().innerText(), /需要到现场/);

  // What is due and what to do come first, before the actions, the clocks
  // table, the photos and the history.
  const order = await page.evaluate(() => ['[data-testid="next-up"]', '.actions-panel', '[data-testid="clocks"]', '[data-testid="photos"]', '[data-testid="timeline"]']
    .map((s) => document.querySelector(s)?.getBoundingClientRect().top ?? -1));
  assert.ok(order.every((top, i) => top >= 0 && (i === 0 || top > order[i - 1])), JSON.stringify(order));
  assert.equal(await page.textContent('[data-testid="next-deadline-name"]'), '首次响应');
  assert.match(await page.textContent('[data-testid="next-deadline-left"]'), /^还剩 \d+ (分钟|小时)/);
  assert.match(await page.textContent('[data-testid="next-step"]'), /下一步：首次响应/);
  // The next step stands out; only one button does.
  assert.deepEqual(await page.$$eval('.action-buttons button.primary', (b) => b.map((x) => x.dataset.action)), ['Respond']);
  // Every target is at least 44 px tall, the way back to the queue too.
  const small = await page.$$eval('main button, main a.back-link, main select, main input:not([type=checkbox]):not([type=file])', (els) =>
    els.filter((e) => e.offsetParent && e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(small, []);

  // Feedback beside the buttons, and the next step moves on.
  await page.click('[data-action="Respond"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-status"]')?.innerText === '已响应');
  assert.equal(await page.textContent('[data-testid="action-done"]'), '已记录：首次响应');
  assert.match(await page.textContent('[data-testid="next-step"]'), /下一步：派工/);
  assert.deepEqual(await page.$$eval('.action-buttons button.primary', (b) => b.map((x) => x.dataset.action)), ['Dispatch']);
  // The dispatch goes to my team unless I change it.
  await page.click('[data-action="Dispatch"]');
  assert.equal(await page.inputValue('[data-testid="action-form"] [name="team"]'), '抢修二班');
  await page.locator('[data-testid="action-form"]').getByRole('button', { name: '取消' }).click();

  // What is typed into an action's form outlasts the page being drawn
  // again when the ticket changes under it (here a progress report; by
  // sync, another device's action).
  await page.click('[data-action="Resolve"]');
  await page.fill('[name="cause"]', '表箱内接线端子松动');
  await page.selectOption('[name="cause_class"]', '1');
  await page.fill('#field-skip_reason', '客户自行断电后已无危险，电话远程处理');
  await page.fill('[data-testid="reply-text"]', '您好，已安排人员处理，今天内给您答复。');
  await page.getByRole('button', { name: '记录为进展通报' }).click();
  await page.waitForSelector('[data-testid="timeline"] li[data-type="progress_reported"]');
  await saved(page);
  assert.equal(await page.inputValue('[data-testid="action-form"] [name="cause"]'), '表箱内接线端子松动');
  assert.equal(await page.inputValue('[data-testid="action-form"] [name="cause_class"]'), '1');
  assert.equal(await page.inputValue('#field-skip_reason'), '客户自行断电后已无危险，电话远程处理');
  await page.locator('[data-testid="action-form"]').getByRole('button', { name: '取消' }).click();

  // Resolving without anyone dispatched or on site asks why; without a
  // reason nothing is saved.
  const before = await page.locator('[data-testid="timeline"] li').count();
  await page.click('[data-action="Resolve"]');
  assert.match(await page.locator('[data-testid="skip-reason"]').innerText(), /派工、到达现场/);
  await page.fill('[name="cause"]', '表箱内接线端子松动');
  await page.fill('[name="solution"]', '电话指导客户断开总闸，次日上门紧固');
  await page.fill('[name="improvement"]', '表箱纳入巡视');
  await page.locator('[data-testid="action-form"]').getByRole('button', { name: '记录' }).click();
  assert.match(await page.locator('[data-error-for="skip_reason"]').innerText(), /原因/);
  assert.equal(await page.locator('[data-testid="timeline"] li').count(), before);
  await page.fill('#field-skip_reason', '客户自行断电后已无危险，电话远程处理');
  await page.locator('[data-testid="action-form"]').getByRole('button', { name: '记录' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-status"]')?.innerText === '已处理');
  await saved(page);
  // The reason is in the history, just before the resolution.
  const types = await page.$$eval('[data-testid="timeline"] li', (items) => items.map((li) => li.dataset.type));
  assert.deepEqual(types.slice(-2), ['note', 'resolved']);
  assert.match(await page.locator('[data-testid="timeline"] li[data-type="note"]').innerText(), /跳过步骤 派工、到达现场：客户自行断电后已无危险/);
  await screenshot(page, 'crew-ticket-led-by-deadline');
  await context.close();
});

test('a repeat complainant and a special group are flagged at intake, in the queue and on the ticket', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/crew/new');
  await appReady(page);
  const create = async (text, phone) => {
    await page.goto(server.url + '/crew/new');
    await appReady(page);
    await page.fill('#nt-text', text);
    await page.fill('#nt-phone', phone);
    await page.waitForSelector('.live-classification [data-field="grade"]');
    return page;
  };
  await create('我要投诉，家里只有独居老人，停电一整天没人管', '136 0000 1111');
  assert.equal(await page.locator('[data-testid="earlier-complaints"]').count(), 0);
  await page.waitForSelector('[data-testid="intake-care"] [data-care="special"]');
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  const first = await page.textContent('[data-testid="ticket-number"]');
  assert.deepEqual(await page.$$eval('.lede [data-care]', (b) => b.map((x) => x.dataset.care)), ['special']);
  await saved(page);

  // The same customer calls again, the number written another way.
  await create('投诉你们供电所，又停电了，上次的问题还没解决', '13600001111');
  const earlier = page.locator('[data-testid="earlier-complaints"]');
  await earlier.waitFor();
  assert.match(await earlier.innerText(), /该号码 90 天内还有 1 张投诉/);
  assert.match(await earlier.innerText(), new RegExp(first));
  await page.waitForSelector('[data-testid="intake-care"] [data-care="repeat"]');
  // Another phone: nothing earlier.
  await page.fill('#nt-phone', '13600002222');
  await earlier.waitFor({ state: 'detached' });
  await page.fill('#nt-phone', '13600001111');
  await earlier.waitFor();
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  const second = await page.textContent('[data-testid="ticket-number"]');
  assert.deepEqual(await page.$$eval('.lede [data-care]', (b) => b.map((x) => x.dataset.care)), ['repeat']);
  assert.match(await page.textContent('[data-testid="earlier-complaints"]'), new RegExp(first));
  // The fact is kept with the ticket: it starts the long-term tracking.
  assert.match(await page.textContent('[data-field="facts"]'), /重复投诉/);
  await saved(page);

  await page.goto(server.url + '/crew');
  await page.waitForSelector('[data-testid="queue"]');
  const flags = async (number) => (await queueRow(page, number)).evaluate((tr) => [...tr.querySelectorAll('[data-care]')].map((x) => x.dataset.care));
  assert.deepEqual(await flags(first), ['special']);
  assert.deepEqual(await flags(second), ['repeat']);
  await screenshot(page, 'crew-queue-care-flags');
  await context.close();
});

test('the queue fits a tablet in landscape and portrait: nothing clipped, a screenful of rows', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 800, height: 1280 }]) {
    const context = await browser.newContext({ viewport });
    const page = await openPage(context);
    await crewWithDemo(page, server.url);
    // Who I am is asked once, on the first day; then the queue is the page.
    await page.fill('[data-testid="identity"] [name="name"]', '王师傅');
    await page.fill('[data-testid="identity"] [name="team"]', '抢修一班');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="identity"]')?.open === false);
    await page.waitForSelector('[data-testid="queue"] tbody tr[data-ticket] button');
    // Closed ones too: the longest list a crew scrolls.
    await page.uncheck('[data-testid="open-only"]');
    await screenshot(page, `crew-queue-${viewport.width}x${viewport.height}`);
    const fit = await page.evaluate(() => {
      const box = document.querySelector('.queue-scroll');
      const rows = [...box.querySelectorAll('tbody tr[data-ticket]')];
      const seen = rows.filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= 0 && b.bottom <= window.innerHeight && b.top >= box.getBoundingClientRect().top;
      });
      return { overflow: box.scrollWidth - box.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth, rows: seen.length };
    });
    // No column runs off to the side, in the queue or the page.
    assert.ok(fit.overflow <= 1 && fit.page <= 1, `${JSON.stringify(viewport)}: ${JSON.stringify(fit)}`);
    // Rows to work from without scrolling the page first.
    assert.ok(fit.rows >= 8, `${JSON.stringify(viewport)}: ${fit.rows} rows on screen`);
    await context.close();
  }
});

test('on a portrait tablet the live classification stays in view while the complaint is typed', async () => {
  const context = await browser.newContext({ viewport: { width: 800, height: 1280 } });
  const page = await openPage(context);
  await page.goto(server.url + '/crew/new');
  await appReady(page);
  await page.fill('#nt-text', '路边电线掉落，有触电危险，我要投诉');
  await page.waitForSelector('.live-classification [data-field="grade"]');
  const seen = async () => page.evaluate(() => {
    const box = document.querySelector('.live-classification [data-field="grade"]').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  // While typing at the top of the form, and with the form scrolled to the phone.
  await page.focus('#nt-text');
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.ok(await seen(), 'grade in view beside the text field');
  await page.locator('#nt-phone').scrollIntoViewIfNeeded();
  assert.ok(await seen(), 'grade in view beside the phone field');
  await screenshot(page, 'crew-new-ticket-portrait');
  await context.close();
});
