// Self-service and staff aids against the release build: the bill calculator
// at the kiosk, a frequent question that settles a customer's question (and is
// counted), a signature drawn and kept, a delay notice, and a reply template.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, appReady, saved, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the kiosk calculator breaks a bill down by tier and compares two households', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/kiosk');
  await appReady(page);
  await page.click('[data-tile="tariff"]');
  assert.match(await page.textContent('[data-testid="tariff-sample"]'), /示例电价/);
  await page.fill('[data-testid="usage-kwh"]', '500');
  await page.fill('[data-testid="other-kwh"]', '300');
  // Hand-computed with the sample tariff: 101.75 + 104.60 + 129.80; the neighbour 101.75 + 73.84.
  await page.waitForFunction(() => document.querySelector('[data-testid="bill-total"]')?.innerText === '336.15');
  const lines = await page.$$eval('[data-testid="bill-lines"] tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.innerText)));
  assert.deepEqual(lines, [['第1档', '180', '0.5653', '101.75'], ['第2档', '170', '0.6153', '104.60'], ['第3档', '150', '0.8653', '129.80']]);
  assert.equal(await page.textContent('[data-testid="compare-lines"] [data-field="total"]'), '175.59');
  assert.match(await page.textContent('[data-testid="compare"]'), /第3档[\s\S]*第2档/);
  assert.equal(await page.locator('[data-testid="tariff"] svg.chart').count(), 1);
  await screenshot(page, 'kiosk-calculator');
  // Time of use: peak 300 + valley 200 = 176.49 + 71.66 + 8.50 + 45.00.
  await page.click('[data-testid="tou-mode"]');
  await page.fill('[data-testid="peak-kwh"]', '300');
  await page.fill('[data-testid="valley-kwh"]', '200');
  await page.waitForFunction(() => document.querySelector('[data-testid="bill-total"]')?.innerText === '301.65');
  // A wrong number is named next to the field, and no bill is shown.
  await page.fill('[data-testid="peak-kwh"]', '3,00');
  await page.waitForSelector('[data-testid="tariff"] .field-error');
  assert.equal(await page.locator('[data-testid="bill"]').count(), 0);
  await page.getByRole('button', { name: 'English' }).click();
  await page.fill('[data-testid="peak-kwh"]', '300');
  await page.waitForSelector('text=Tier 3 surcharge');
  await context.close();
});

test('a frequent question settles it at the kiosk; the supervisor sees it counted', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/kiosk');
  await appReady(page);
  await page.click('[data-tile="billing"]');
  const faq = page.locator('[data-testid="faq"]');
  await faq.waitFor();
  // The answers come after the first question, with one clear way on.
  assert.ok(await page.evaluate(() => {
    const first = document.querySelector('.kiosk-form fieldset[data-question]');
    const answers = document.querySelector('[data-testid="faq"]');
    return first.compareDocumentPosition(answers) & Node.DOCUMENT_POSITION_FOLLOWING
      && first.nextElementSibling === answers;
  }));
  assert.equal(await faq.getByRole('button', { name: '没有解决，继续反映问题' }).count(), 1);
  await page.fill('#kiosk-description', '这个月电费比平时高了一倍');
  await page.waitForFunction(() => document.querySelector('[data-testid="faq"] details')?.dataset.faq === 'faq.tiered_price');
  // "Still want to file" puts the answers away and the form stays.
  await page.click('[data-testid="still-file"]');
  assert.equal(await faq.count(), 0);
  await page.getByRole('button', { name: '返回' }).click();
  await page.click('[data-tile="billing"]');
  await page.fill('#kiosk-description', '电费比平时高');
  const first = page.locator('[data-testid="faq"] details').first();
  await first.locator('summary').click();
  await screenshot(page, 'kiosk-faq');
  await first.getByRole('button', { name: '这解决了我的问题' }).click();
  await page.waitForSelector('[data-testid="answered"]');
  await saved(page);

  // Counted as a self-service consultation, not a complaint.
  await page.goto(server.url + '/supervisor');
  await appReady(page);
  await page.click('[data-tab="analysis"]');
  assert.equal(await page.textContent('[data-field="self-service"]'), '1');
  assert.equal(await page.textContent('[data-field="complaints"]'), '0');
  await context.close();
});

test('crew aids: a reply template, a delay notice and a signature that survives a reload', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/crew/new');
  await appReady(page);
  await page.fill('#nt-text', '投诉：小区停电两个小时了还没人来');
  await page.fill('#nt-phone', '13700001234');
  await page.getByRole('button', { name: '建立工单' }).click();
  await page.waitForURL(/\/crew\/t\//);
  const number = await page.textContent('[data-testid="ticket-number"]');

  // Template: filled from the ticket; the customer's name is unknown, so it is marked.
  await page.click('[data-testid="use-template"]');
  const reply = await page.inputValue('[data-testid="reply-text"]');
  assert.ok(reply.includes(number), reply);
  assert.ok(reply.includes('【客户称呼】'), reply);
  // Nobody is dispatched yet: the reply promises a time, not a crew on its way.
  assert.doesNotMatch(reply, /已经出发/, reply);
  await page.getByRole('button', { name: '记录为首次响应' }).click();
  await page.waitForSelector('text=答复还不完整');
  await page.fill('[data-testid="reply-text"]', reply.replace('【客户称呼】', '王先生'));
  await page.getByRole('button', { name: '记录为首次响应' }).click();
  await page.waitForFunction(() => /王先生您好/.test(document.querySelector('[data-testid="timeline"] li[data-type="responded"]')?.innerText ?? ''));
  assert.equal(await page.textContent('[data-testid="ticket-status"]'), '已响应');

  // Delay notice: a time in the past is refused next to the field; a later one moves the arrival deadline.
  await page.click('[data-action="Delay"]');
  await page.fill('#field-new_arrival', '2020-01-01T08:00');
  await page.getByRole('button', { name: '记录', exact: true }).click();
  await page.waitForSelector('text=这个时间已经过去了。');
  const later = new Date(Date.now() + 5 * 3600_000 + 8 * 3600_000).toISOString().slice(0, 16);
  await page.fill('#field-new_arrival', later);
  await page.getByRole('button', { name: '记录', exact: true }).click();
  await page.waitForSelector('[data-testid="timeline"] li[data-type="delay_notified"]');
  const arrival = await page.locator('[data-testid="clocks"] tr', { hasText: '到达现场' }).innerText();
  assert.ok(arrival.includes(later.replace('T', ' ')), `${arrival} vs ${later}`);
  // The delay reply names the new time just recorded, not the old deadline.
  await page.selectOption('[data-testid="template-step"]', 'delay');
  await page.click('[data-testid="use-template"]');
  const delayReply = await page.inputValue('[data-testid="reply-text"]');
  const told = later.slice(5).replace('T', ' ');
  assert.ok(delayReply.includes(`新的预计到达时间是 ${told}`), `${delayReply} vs ${told}`);

  // Signature: an empty pad is refused; a drawn one is kept across a reload.
  await page.fill('[data-testid="signer"]', '王先生');
  await page.click('[data-testid="save-signature"]');
  await page.waitForSelector('text=请先在框内签名。');
  const pad = await page.locator('[data-testid="signature-canvas"]').boundingBox();
  await page.mouse.move(pad.x + 20, pad.y + 40);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(pad.x + 20 + i * 15, pad.y + 40 + (i % 2) * 30);
  await page.mouse.up();
  await page.click('[data-testid="save-signature"]');
  await page.waitForSelector('[data-testid="signatures"] img');
  await saved(page);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-testid="signatures"] img')?.naturalWidth === 600);
  assert.match(await page.textContent('[data-testid="signatures"]'), /王先生 · 客户确认/);
  await screenshot(page, 'crew-aids');
  await context.close();
});
