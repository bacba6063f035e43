// Screens in the user's words: every screen a customer, a crew member or a
// supervisor uses, in Chinese, shows no internal code: no dotted rule or
// template id (`kind.complaint`, `tpl.first_response.outage`), no
// snake_case code (`fault_repair`, `supply_quality`) and no raw JSON
// (`{"outage_hours":5}`). `/rules` is left out: it shows rule ids, small,
// for those who edit the table. A negative control proves the scan
// catches each kind of code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, appReady, crewWithDemo } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// Runs in the page: the visible text that looks like a code, with where.
function codesOnScreen() {
  const patterns = [
    ['dotted id', /\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b/g],
    ['snake_case', /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g],
    ['raw JSON', /\{\s*"[A-Za-z_]+"\s*:/g],
  ];
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !el.offsetParent || el.closest('script, style, noscript')) continue;
    const text = node.textContent;
    for (const [what, pattern] of patterns) {
      for (const m of text.matchAll(pattern)) found.push(`${what} "${m[0]}" in "${text.trim().slice(0, 60)}"`);
    }
  }
  return found;
}

test('no internal code on any screen, in Chinese', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context);
  await crewWithDemo(page, server.url);
  const problems = [];
  const scan = async (name) => {
    problems.push(...(await page.evaluate(codesOnScreen)).map((p) => `${name}: ${p}`));
  };

  await scan('crew queue');
  const first = page.locator('[data-testid="queue"] tbody tr[data-ticket]').first();
  await first.locator('a').first().click();
  await page.waitForSelector('[data-testid="ticket-number"]');
  await scan('ticket page');

  await page.goto(server.url + '/crew/new');
  await page.waitForSelector('[data-testid="new-ticket"]');
  await page.fill('[data-testid="new-ticket"] textarea', '我家停电五个小时了，家里有独居老人，电话打了三次都没人来，要求立即处理');
  await page.waitForSelector('[data-testid="classification"]');
  await scan('new ticket, live classification');

  await page.goto(server.url + '/supervisor');
  await appReady(page);
  for (const tab of ['ledger', 'analysis', 'alerts', 'audit', 'teams', 'topics', 'bulletins']) {
    const button = page.locator(`[data-tab="${tab}"]`);
    if (await button.count()) {
      await button.click();
      await scan(`supervisor ${tab}`);
    }
  }

  await page.goto(server.url + '/drill');
  await appReady(page);
  await scan('drill');
  // A wrong answer: its marks name what was given, what the rules expect
  // and the rule, in words.
  await page.fill('[data-testid="trainee"]', '学员甲');
  await page.selectOption('[data-testid="drill-kind"]', 'praise');
  await page.getByRole('button', { name: '核对答案' }).click();
  await page.waitForSelector('[data-testid="drill-score"]');
  await scan('drill, scored');

  await page.goto(server.url + '/kiosk');
  await page.waitForSelector('.kiosk-tiles');
  await scan('kiosk home');
  await page.click('[data-tile="outage"]');
  await page.waitForSelector('#kiosk-phone');
  await scan('kiosk form');
  await page.fill('#kiosk-phone', '13812345678');
  await page.getByRole('button', { name: /^(提交|Submit)$/ }).click();
  await page.waitForSelector('[data-testid="receipt"]');
  await scan('kiosk receipt');

  assert.deepEqual(problems, []);

  // The scan itself can fail: each kind of code is caught.
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.textContent = '依据 grade.3.general 判定为 fault_repair {"outage_hours":5}';
    document.body.prepend(p);
  });
  const caught = (await page.evaluate(codesOnScreen)).join('\n');
  for (const code of ['grade.3.general', 'fault_repair', '{"outage_hours":']) {
    assert.ok(caught.includes(code), `the scan misses ${code}:\n${caught}`);
  }
  await context.close();
});
