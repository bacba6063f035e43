// The rules page in the release build: the rule table with its sources, the
// classifier running live in the browser, the calendar, both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, appReady, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the rule table is shown with the clause behind every rule', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  assert.match(await page.textContent('[data-testid="rule-version"]'), /^\d{4}\.\d{2}-\d+$/);
  const gradeRows = await page.$$eval('[data-testid="grade-rules"] tbody tr', (rows) => rows.map((r) => r.innerText));
  assert.equal(gradeRows.length, 8);
  assert.ok(gradeRows.some((r) => r.includes('grade.1.joint_supply_quality') && r.includes('003 §八')));
  const clockRows = await page.$$eval('[data-testid="clock-rules"] tbody tr', (rows) => rows.map((r) => r.innerText));
  assert.ok(clockRows.some((r) => r.includes('首次响应') && r.includes('工作日 1小时') && r.includes('003 §一(一)')));
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('typing a complaint classifies it live and explains why', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  await page.fill('#try-text', '我们小区20余户联名投诉，每晚19点到22点电压骤降，空调无法启动');
  const result = page.locator('[data-testid="classification"]');
  await result.waitFor();
  assert.equal(await result.locator('[data-field="kind"]').getAttribute('data-code'), 'complaint');
  assert.equal(await result.locator('[data-field="category"]').getAttribute('data-code'), 'supply_quality');
  assert.equal(await result.locator('[data-field="grade"]').getAttribute('data-code'), '1');
  assert.match(await result.locator('[data-field="grade"]').innerText(), /一级.*启动应急预案/);
  const fired = await page.$$eval('.rules-fired tbody tr', (rows) => rows.map((r) => r.innerText));
  assert.ok(fired.some((r) => r.includes('grade.1.joint_supply_quality') && r.includes('003 §八')), fired.join('\n'));
  // On /rules the id stands small beside the rule's name; what it decided reads in words.
  assert.ok(fired.some((r) => r.includes('fact.joint') && r.includes('联名户数') && r.includes('联名户数 20 户')), fired.join('\n'));
  // Promised deadlines in China time, each with its clause.
  const grade1 = await page.locator('[data-clock="clock.resolution.grade1"]').innerText();
  assert.match(grade1, /一级闭环处理 \d{4}-\d{2}-\d{2} \d{2}:\d{2} · 003 §一\(一\)/);
  await screenshot(page, 'rules-try-zh');

  // English: the same decision, explained in English.
  await page.getByRole('button', { name: 'English' }).click();
  assert.match(await result.locator('[data-field="grade"]').innerText(), /Grade 1 \(urgent\)/);
  assert.match(await result.locator('[data-field="kind"]').innerText(), /Complaint/);
  await screenshot(page, 'rules-try-en');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('typed text is shown as text, never run as markup', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await page.goto(server.url + '/rules');
  await appReady(page);
  await page.fill('#try-text', '<img src=x onerror="alert(1)"><script>alert(2)</script>停电了');
  await page.locator('[data-testid="classification"]').waitFor();
  await page.waitForTimeout(300);
  assert.equal(dialogs, 0);
  assert.equal(await page.locator('main img').count(), 0);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the calendar shows holidays and make-up days, and flags a missing year', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  await page.getByRole('button', { name: '2026', exact: true }).click();
  const rows = await page.$$eval('[data-testid="special-days"] tbody tr', (r) => r.map((x) => x.innerText));
  assert.ok(rows.some((r) => r.includes('2026-10-01') && r.includes('国庆节') && r.includes('放假')));
  assert.ok(rows.some((r) => r.includes('2026-10-10') && r.includes('调休上班')));
  await page.getByRole('button', { name: '2027', exact: true }).click();
  assert.match(await page.locator('main [role="alert"]').innerText(), /2027.*缺少该年份的官方日历/);
  await screenshot(page, 'rules-calendar');
  await context.close();
});

test('corrected tickets teach the table: a candidate keyword is added in one step', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(server.url + '/rules');
  await appReady(page);
  assert.match(await page.locator('[data-testid="candidates"]').innerText(), /暂无候选关键词/);
  const before = await page.textContent('[data-testid="rule-version"]');
  // Two hotline tickets in words no rule knows, corrected to rude attitude.
  for (const text of ['营业员嘴巴毒得很，句句夹枪带棒', '那个师傅嘴巴毒，听得人难受']) {
    await page.goto(server.url + '/crew/new');
    await appReady(page);
    await page.fill('#nt-text', text);
    await page.waitForSelector('.live-classification [data-field="kind"]');
    await page.selectOption('[name="kind"]', 'complaint');
    await page.selectOption('[name="subcategory"]', 'rude_attitude');
    await page.fill('#nt-phone', '13512345678');
    await page.fill('#nt-reason', '坐席更正：服务态度');
    await page.getByRole('button', { name: '建立工单' }).click();
    await page.waitForURL(/\/crew\/t\//);
  }
  await page.goto(server.url + '/rules');
  await appReady(page);
  const group = page.locator('[data-testid="candidates"] [data-subcategory="rude_attitude"]');
  await group.waitFor();
  assert.match(await group.locator('h3').innerText(), /态度恶劣 · 2 张更正过的工单/);
  const word = group.locator('li[data-word="嘴巴毒"]');
  assert.match(await word.innerText(), /嘴巴毒 × 2/);
  await word.getByRole('button', { name: '加入关键词' }).click();
  // A new version is in force (the page is rebuilt for it), and the
  // classifier now reads such words.
  await page.waitForFunction((v) => document.querySelector('[data-testid="rule-version"]')?.textContent !== v, before);
  assert.equal(await page.textContent('[data-testid="rule-version"]'), before + '.e1');
  await page.fill('#try-text', '客服嘴巴毒');
  const result = page.locator('[data-testid="classification"]');
  await result.waitFor();
  assert.match(await result.locator('[data-field="category"]').innerText(), /态度恶劣/);
  // Known now: no longer a candidate.
  assert.equal(await page.locator('[data-testid="candidates"] li[data-word="嘴巴毒"]').count(), 0);
  await screenshot(page, 'rules-candidates');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the n-gram model arrives beside the app, and the try-out consults it', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  // Not in the wasm: fetched once the first screen is up.
  const model = page.waitForResponse((r) => new URL(r.url()).pathname === '/model.json.gz');
  await page.goto(server.url + '/rules');
  await appReady(page);
  assert.equal((await model).status(), 200);
  // A complaint put as a question: the rules alone read a consultation; the
  // model overrules them, and the decision names it.
  await page.fill('#try-text', '上个月明明交了 这个月又让我补上月的 你们系统是不是有bug');
  await page.waitForFunction(() => /model\.kind/.test(document.querySelector('.rules-fired')?.innerText ?? ''));
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('a crew\'s queue comes without the n-gram model; taking a ticket fetches it', async () => {
  // Service workers blocked: only what the page itself asks for counts (a
  // service worker precaches every file after the first visit anyway).
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await openPage(context);
  const asked = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/model.json.gz') asked.push(r.url()); });
  await page.goto(server.url + '/crew');
  await appReady(page);
  await page.waitForSelector('[data-testid="demo-offer"], [data-testid="queue"]');
  await page.waitForTimeout(1_000);
  assert.deepEqual(asked, [], 'the queue does not need the model');
  const model = page.waitForResponse((r) => new URL(r.url()).pathname === '/model.json.gz');
  await page.click('a[href="/crew/new"]');
  await page.waitForSelector('[data-testid="new-ticket"]');
  assert.equal((await model).status(), 200);
  assert.equal(asked.length, 1, 'fetched once');
  assert.deepEqual(page.problems, []);
  await context.close();
});
