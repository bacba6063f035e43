// The supervisor's desk against the release build: the files of three crews
// imported, the ledger counted against the command line's report over the
// same files, CSV and Excel exports read back, every view rendered and
// printable, and the same figures in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { root, startServer, launchBrowser, openPage, appReady, screenshot, importFile } from './harness.mjs';

let server, browser, work;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  work = mkdtempSync(join(tmpdir(), 'gridcare-desk-'));
});
after(async () => { await browser?.close(); server?.stop(); rmSync(work, { recursive: true, force: true }); });

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8' });

/** The cells of the first worksheet of an .xlsx file, as rows of strings. */
async function readXlsx(path) {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const strings = [...(await zip.file('xl/sharedStrings.xml').async('string')).matchAll(/<si>.*?<t[^>]*>(.*?)<\/t>.*?<\/si>/gs)].map((m) => m[1]);
  const sheet = await zip.file('xl/worksheets/sheet1.xml').async('string');
  const rows = [...sheet.matchAll(/<row [^>]*>(.*?)<\/row>/gs)].map((row) =>
    [...row[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)].map(([, col, attrs, inner]) => {
      const value = /<v>(.*?)<\/v>/.exec(inner ?? '')?.[1];
      return { col, value: attrs.includes('t="s"') ? strings[Number(value)] : value };
    }));
  return { rows, frozen: /<pane [^>]*state="frozen"/.test(sheet) };
}

test('three crews\' files make one ledger whose counts, exports and views agree with the command line', async () => {
  const files = ['tab-a', 'tab-b', 'tab-c'].map((device) => {
    const file = join(work, `${device}.json`);
    gridcare('demo', '--tickets', '150', '--seed', '4', '--device', device, '-o', file);
    return file;
  });
  const figures = JSON.parse(gridcare('report', ...files, '--month', '2026-11'));
  const tickets = figures.report.tickets;
  assert.ok(tickets > 50);

  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openPage(context);
  await page.goto(server.url + '/supervisor');
  await appReady(page);
  for (const file of files) await importFile(page, file);
  await page.selectOption('[data-testid="month"]', '2026-11');
  const count = async () => Number(await page.textContent('[data-testid="ledger-count"]'));
  await page.waitForFunction((n) => document.querySelector('[data-testid="ledger-count"]')?.innerText === String(n), tickets);
  assert.ok(await page.locator('[data-testid="ledger"] tbody tr[data-ticket]').count() < tickets, 'only a screenful is drawn');
  await screenshot(page, 'supervisor-ledger');

  // A supervisor's desktop: the desk uses the width.
  await page.setViewportSize({ width: 1920, height: 1080 });
  const ledgerWidth = await page.locator('[data-testid="ledger"]').evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(ledgerWidth > 1700, `the ledger is ${ledgerWidth} px wide of 1920`);
  // The columns shown are the person's pick, from all the export's, remembered.
  const headers = () => page.$$eval('[data-testid="ledger"] thead th[data-column]', (t) => t.map((x) => x.dataset.column));
  assert.deepEqual(await headers(), ['number', 'received', 'kind', 'category', 'grade', 'status', 'team', 'station', 'handling_hours', 'satisfaction']);
  await page.click('[data-testid="column-picker"] summary');
  const choices = await page.locator('[data-testid="column-picker"] input[data-column]').count();
  assert.ok(choices + 1 >= 29, `${choices} columns to pick: every column of the export but the number, which always shows`);
  await page.uncheck('[data-testid="column-picker"] input[data-column="received"]');
  await page.check('[data-testid="column-picker"] input[data-column="handler"]');
  await page.check('[data-testid="column-picker"] input[data-column="clock:first_response"]');
  const picked = ['number', 'kind', 'category', 'grade', 'status', 'handler', 'team', 'station', 'handling_hours', 'clock:first_response', 'satisfaction'];
  assert.deepEqual(await headers(), picked);
  const firstRow = page.locator('[data-testid="ledger"] tbody tr[data-ticket]').first();
  assert.equal(await firstRow.locator('td').count(), picked.length + 1);
  assert.match(await firstRow.locator("td").nth(9).innerText(), /^[\u4e00-\u9fa5]*$/, "a clock's state in words");
  await page.reload();
  await appReady(page);
  await page.waitForFunction((n) => document.querySelector('[data-testid="ledger-count"]')?.innerText === String(n), tickets);
  assert.deepEqual(await headers(), picked);
  await screenshot(page, 'supervisor-ledger-1920');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Filters: complaints only, then a station, then words.
  await page.selectOption('[data-testid="kind-filter"]', 'complaint');
  assert.equal(await count(), figures.report.complaints);
  const station = figures.report.by_station[0];
  await page.selectOption('[data-testid="station-filter"]', station.key);
  assert.equal(await count(), station.count);
  await page.selectOption('[data-testid="station-filter"]', '');
  await page.selectOption('[data-testid="kind-filter"]', '');
  await page.check('[data-testid="overdue-only"]');
  const overdue = await count();
  assert.ok(overdue > 0 && overdue < tickets);
  await page.uncheck('[data-testid="overdue-only"]');
  assert.equal(await count(), tickets);

  // CSV: a byte-order mark, a header, a line per ticket.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
  const csvFile = join(work, 'ledger.csv');
  await csvDownload.saveAs(csvFile);
  const csv = readFileSync(csvFile, 'utf8');
  assert.ok(csv.startsWith('\ufeff工单号,受理时间,业务类型,'));
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, tickets + 1);
  // Every column is in the file, whichever the screen shows.
  assert.equal(lines[0].split(',').length, choices + 1);

  // Excel: the same header and tickets, frozen under the header.
  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
  assert.match(xlsxDownload.suggestedFilename(), /^gridcare-ledger-2026-11\.xlsx$/);
  const xlsxFile = join(work, 'ledger.xlsx');
  await xlsxDownload.saveAs(xlsxFile);
  const book = await readXlsx(xlsxFile);
  assert.equal(book.rows.length, tickets + 1);
  assert.deepEqual(book.rows[0].slice(0, 3).map((c) => c.value), ['工单号', '受理时间', '业务类型']);
  assert.ok(book.frozen, 'the header row is frozen');
  const csvNumbers = lines.slice(1).map((l) => l.split(',')[0]).sort();
  const xlsxNumbers = book.rows.slice(1).map((r) => r[0].value).sort();
  assert.deepEqual(xlsxNumbers, csvNumbers, 'the same tickets in both files');

  // Monthly analysis: the same totals as the command line, charts with tables.
  await page.click('[data-tab="analysis"]');
  await page.waitForSelector('[data-testid="analysis"]');
  assert.equal(Number(await page.textContent('[data-field="complaints"]')), figures.report.complaints);
  assert.equal(await page.locator('[data-testid="analysis"] svg.chart').count(), 7);
  const categoryRows = await page.$$eval('[data-testid="by-category"] tbody tr', (rows) => rows.map((r) => Number(r.children[1].innerText)));
  assert.deepEqual(categoryRows, figures.report.by_category.map((c) => c.count));
  await screenshot(page, 'supervisor-analysis');
  // Every figure and label lies inside its chart, and reads at 12 px or more.
  const cut = await page.$$eval('[data-testid="analysis"] svg.chart', (charts) => charts.flatMap((svg) => {
    const view = svg.viewBox.baseVal;
    const scale = svg.getBoundingClientRect().width / view.width;
    return [...svg.querySelectorAll('text')].filter((t) => {
      const b = t.getBBox();
      const size = parseFloat(getComputedStyle(t).fontSize) * scale;
      return b.x < -0.5 || b.x + b.width > view.width + 0.5 || size < 12;
    }).map((t) => `${svg.getAttribute('aria-label')}: "${t.textContent}"`);
  }));
  assert.deepEqual(cut, []);

  // Alerts: the high-frequency alerts the command line found.
  await page.click('[data-tab="alerts"]');
  assert.equal(Number(await page.textContent('[data-testid="high-frequency-count"]')), figures.high_frequency.length);
  // Overdue tickets: each with how long it has waited, its team and status,
  // and a link; the longest waiting first.
  const overdueCount = Number(await page.textContent('[data-testid="overdue-count"]'));
  assert.ok(overdueCount > 0);
  const listed = await page.$$eval('[data-testid="overdue-tickets"] tbody tr', (rows) => rows.map((r) => ({
    minutes: Number(r.children[1].dataset.minutes),
    waited: r.children[1].innerText,
    team: r.children[2].innerText,
    status: r.children[3].innerText,
    href: r.querySelector('a').getAttribute('href'),
  })));
  assert.equal(listed.length, Math.min(overdueCount, 100));
  for (const [i, row] of listed.entries()) {
    assert.match(row.waited, /^\d+ (分钟|小时|天)$/, JSON.stringify(row));
    assert.match(row.href, /^\/crew\/t\/t-/);
    assert.match(row.status, /^[\u4e00-\u9fff]+$/, 'the status in words');
    assert.ok(row.team.length > 0);
    if (i > 0) assert.ok(listed[i - 1].minutes >= row.minutes, 'longest waiting first');
  }
  await screenshot(page, 'supervisor-alerts');

  // Audit: 10 % of the closed tickets, the same draw as the command line.
  await page.click('[data-tab="audit"]');
  assert.equal(Number(await page.textContent('[data-field="population"]')), figures.audit.population);
  const sampled = await page.$$eval('[data-testid="audit-sample"] tbody tr', (rows) => rows.map((r) => r.dataset.ticket));
  assert.deepEqual(sampled, figures.audit.sample.map((s) => s.number));
  await screenshot(page, 'supervisor-audit');

  await page.click('[data-tab="teams"]');
  const black = await page.$$eval('[data-testid="black-list"] tbody tr', (rows) => rows.map((r) => r.children[0].innerText));
  assert.deepEqual(black, figures.teams.black.map((t) => t.team));
  await screenshot(page, 'supervisor-teams');

  await page.click('[data-tab="topics"]');
  await page.waitForSelector('[data-testid="topics"] tbody tr');
  await page.click('[data-tab="bulletins"]');
  await page.fill('[data-testid="bulletin-day"]', '2026-11-18');
  const newThatDay = figures.report && Number(await page.textContent('[data-testid="daily"] [data-field="new"]'));
  assert.ok(newThatDay > 0, 'tickets arrived on 18 November');
  await screenshot(page, 'supervisor-bulletins');

  // Printing the ledger draws every row, not a screenful.
  await page.click('[data-tab="ledger"]');
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ledger"] tbody tr[data-ticket]').length === n, tickets);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ledger"] tbody tr[data-ticket]').length < n, tickets);

  // Printable: the print view hides the controls and keeps the figures.
  await page.click('[data-tab="analysis"]');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.desk-bar').isVisible(), false);
  assert.equal(await page.locator('.app-header').isVisible(), false);
  assert.ok(await page.locator('[data-testid="trend"] svg').isVisible());
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10_000);
  await screenshot(page, 'supervisor-print');
  await page.emulateMedia({ media: 'screen' });

  // English: the same numbers, English words.
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForSelector('text=Complaints over six months');
  assert.equal(Number(await page.textContent('[data-field="complaints"]')), figures.report.complaints);
  await context.close();
});
