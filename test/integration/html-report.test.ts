/**
 * The report as a person sees it: a real run (with a task served by the cache, a failed task, a
 * skipped one and merges) is written as HTML and opened in real headless Chromium, which may
 * fetch nothing but the file itself. The screenshot lands in test-output/ for a look.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceFile } from '../../src/report/index.js';
import { PROJECT_ROOT } from '../helpers/ensure-built.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgentYaml } from '../helpers/temp-repo.js';

const node = JSON.stringify(process.execPath);
const agent = fixtureAgentYaml;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function planFile(phases: string[]): string {
  return ['version: 1', 'name: report-test', 'max_parallel: 2', 'phases:', ...phases].join('\n');
}

const CACHED_PHASES = [
  `  - { id: alpha, prompt: a, agent: ${agent('sleep.mjs', '150', '{subplan}')} }`,
  `  - { id: beta, prompt: b, agent: ${agent('sleep.mjs', '150', '{subplan}')} }`,
];

const HOSTILE_LINE = '</script><img src="x" onerror="window.pwned=1">';

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser.close();
});

describe('subplan report', () => {
  it('draws one bar per task that ran, red for the failed one, and sorts its table', async () => {
    await using repo = await createTempRepo();
    // The first run fills the cache for alpha and beta; the second reuses them.
    await writeFile(join(repo.dir, 'plan.yaml'), planFile(CACHED_PHASES));
    expect((await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir })).exitCode).toBe(0);
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      planFile([
        ...CACHED_PHASES,
        `  - { id: gamma, prompt: g, agent: ${agent('sleep.mjs', '300', '{subplan}')}, depends_on: [alpha, beta] }`,
        `  - { id: slow, prompt: s, agent: ${agent('sleep.mjs', '400', '{subplan}')} }`,
        // Its last line, which becomes its reason, is markup: the page must show it as text.
        `  - { id: broken, prompt: x, agent: { command: [${node}, "-e", ${JSON.stringify(`console.log(${JSON.stringify(HOSTILE_LINE)}); process.exit(3)`)}] } }`,
        `  - { id: after, prompt: y, agent: ${agent('sleep.mjs', '10', '{subplan}')}, depends_on: [broken] }`,
      ]),
    );
    const run = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(run.exitCode).toBe(1);
    const summary = run.summary;
    if (!summary) throw new Error('no summary');
    const status = (id: string) => summary.tasks.find((t) => t.id === id);
    expect(status('alpha')?.cached).toBe(true);
    expect(status('broken')?.status).toBe('failed');
    expect(status('after')?.status).toBe('skipped');
    const ran = summary.tasks.filter((t) => t.started_at !== null);
    expect(ran.some((t) => t.kind === 'merge')).toBe(true);

    const html = join(repo.dir, 'out', 'report.html');
    const trace = join(repo.dir, 'out', 'trace.json');
    const report = await runSubplan(
      ['report', summary.run_id, '--out', 'out/report.html', '--trace', 'out/trace.json'],
      { cwd: repo.dir },
    );
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toBe(`${html}\n${trace}\n`);

    const traceFile = JSON.parse(await readFile(trace, 'utf8')) as TraceFile;
    const traced = traceFile.traceEvents.filter((e) => e.ph === 'X').map((e) => e.name);
    expect(traced.sort()).toEqual(ran.map((t) => t.id).sort());

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      problems.push(`request failed: ${request.url()}`);
    });
    const fileUrl = pathToFileURL(html).href;
    await page.route('**/*', async (route) => {
      if (route.request().url() === fileUrl) return route.continue();
      problems.push(`request blocked: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(fileUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

    const bars = page.locator('#timeline .vis-item.task');
    expect(await bars.count()).toBe(ran.length);
    expect(await page.locator('#timeline .vis-item.task.cached').count()).toBe(
      ran.filter((t) => t.cached).length,
    );
    expect(await page.locator('#timeline .vis-item.task.kind-merge').count()).toBe(
      ran.filter((t) => t.kind === 'merge').length,
    );
    expect(await page.locator('#timeline .vis-item.task.critical').count()).toBeGreaterThan(0);
    const failedBar = page.locator('#timeline .vis-item.task.status-failed');
    expect(await failedBar.count()).toBe(1);
    expect(await failedBar.textContent()).toBe('broken');
    // Page code as strings: the tests are type-checked without the DOM library.
    const failedColor = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('#timeline .vis-item.task.status-failed')).backgroundColor",
    );
    expect(failedColor).toBe('rgb(214, 39, 40)');
    // The chart holds both lines: agents running and the max_parallel limit.
    expect(await page.locator('#running path.limit-line').count()).toBeGreaterThan(0);
    expect(await page.locator('#running path.running-line').count()).toBeGreaterThan(0);

    expect(status('broken')?.reason).toContain(HOSTILE_LINE);
    expect(await page.locator('#tasks tr[data-task="broken"] td').last().textContent()).toContain(
      HOSTILE_LINE,
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate<unknown>('window.pwned')).toBeUndefined();

    const ids = () =>
      page.evaluate<string[]>(
        "Array.from(document.querySelectorAll('#tasks tbody tr'), (row) => row.dataset.task)",
      );
    const inRunOrder = summary.tasks.map((t) => t.id);
    expect(await ids()).toEqual(inRunOrder);
    await page.locator('#tasks th[data-key="task"] button').click();
    const ascending = [...inRunOrder].sort((a, b) => a.localeCompare(b));
    expect(await ids()).toEqual(ascending);
    expect(await page.locator('#tasks th[data-key="task"]').getAttribute('aria-sort')).toBe(
      'ascending',
    );
    await page.locator('#tasks th[data-key="task"] button').click();
    expect(await ids()).toEqual([...ascending].reverse());
    await page.locator('#tasks th[data-key="duration"] button').click();
    const durations = (await ids()).map((id) => status(id)?.duration_ms ?? null);
    const measured = durations.filter((d) => d !== null);
    expect(measured).toEqual([...measured].sort((a, b) => a - b));
    expect(durations.slice(measured.length).every((d) => d === null)).toBe(true);

    await mkdir(join(PROJECT_ROOT, 'test-output'), { recursive: true });
    await page.screenshot({
      path: join(PROJECT_ROOT, 'test-output', 'report.png'),
      fullPage: true,
    });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('writes the latest run to its run folder when given nothing', async () => {
    await using repo = await createTempRepo();
    await writeFile(join(repo.dir, 'plan.yaml'), planFile(CACHED_PHASES));
    const run = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    const report = await runSubplan(['report'], { cwd: repo.dir });
    expect(report.exitCode).toBe(0);
    const file = join(repo.dir, '.subplan', 'runs', run.summary?.run_id ?? '', 'report.html');
    expect(report.stdout).toBe(`${file}\n`);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('<script type="application/json" id="report-data">');
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('refuses an unknown run with exit 2', async () => {
    await using repo = await createTempRepo();
    const report = await runSubplan(['report', 'nope'], { cwd: repo.dir });
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toContain('no run matches `nope`');
  });
});
