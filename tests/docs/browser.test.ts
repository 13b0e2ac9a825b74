// The built docs page in a real browser (tests/support/chromium.ts): overview, every operation and example, offline, layout at 1400 px, no errors.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deref, listOperations, loadBundledDescription, pointerSegment, projectRoot, type JsonObject, type Operation } from '../../src/description/document.ts';
import { buildDocs, type BuildDocsResult } from '../../scripts/docs/build.ts';
import { errorCatalog, operationRoute, redocSlug } from '../../scripts/docs/overview.ts';
import { serveDocs } from '../../scripts/docs/serve.ts';
import { launchChromium, type LaunchedChromium } from '../support/chromium.ts';

const require = createRequire(import.meta.url);
const doc = loadBundledDescription();
const operations = listOperations(doc);
const tagOf = (op: Operation): string => (op.node.tags as string[])[0]!;
/** The sidebar lists tags as x-tagGroups orders them. */
const tagOrder = (doc['x-tagGroups'] as JsonObject[]).flatMap((g) => g.tags as string[]);

/** Summaries of the examples the description documents for one response (first media type). */
function documentedExamples(op: Operation, status: string): string[] {
  const response = deref<JsonObject>(doc, (op.node.responses as JsonObject)[status]!, `${op.pointer}/responses/${status}`);
  const media = Object.values((response.node.content ?? {}) as JsonObject)[0] as JsonObject | undefined;
  return Object.entries((media?.examples ?? {}) as JsonObject).map(([name, ex]) =>
    String(deref<JsonObject>(doc, ex, `${response.pointer}/examples/${pointerSegment(name)}`).node.summary ?? name));
}

let scratch: string;
let build: BuildDocsResult;
let server: Server;
let origin: string;
let browser: LaunchedChromium;
let page: Page;
let readyMs: number;
const consoleErrors: string[] = [];
const blocked: string[] = [];
/** Paths the docs server was asked for, and requests of the page that failed or got an HTTP error. */
const requested: string[] = [];
const failed: string[] = [];
const seen = { operations: 0, requestSamples: 0, responseExamples: 0 };
let overviewLinks: string[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'pass-docs-browser-'));
  build = buildDocs({ outDir: join(scratch, 'site') });
  const served = await serveDocs(join(scratch, 'site'));
  server = served.server;
  server.on('request', (req: { url?: string }) => requested.push(req.url ?? ''));
  origin = served.url.replace(/\/$/, '');
  browser = await launchChromium({ viewport: { width: 1400, height: 900 } });
  console.info(`docs browser: ${browser.source} Chromium ${browser.executablePath} (libraries: ${browser.libraries}), `
    + `unpacked in ${Math.round(browser.unpackMs)} ms, launched in ${Math.round(browser.launchMs)} ms`);
  page = browser.page;
  page.setDefaultTimeout(10_000);
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(origin)) failed.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.url()}: HTTP ${response.status()}`); });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === origin || url.startsWith(`${origin}/`)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const started = Date.now();
  await page.goto(`${origin}/`);
  // The markup is prerendered; the page is usable once React has hydrated it, which is when the
  // search box stops saying "Loading...".
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="search-trigger"]')?.textContent ?? '';
    return text !== '' && !/loading/i.test(text);
  }, undefined, { timeout: 15_000 });
  readyMs = Date.now() - started;
  console.info(`docs page: ${build.bytes} bytes, ready in ${readyMs} ms`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const menu = () => page.locator('[data-component-name="Menu/Menu"]').first();
const section = (route: string): Locator => page.locator(`[data-section-id="${route.slice(1)}"]`);
/** The right-hand panel with the response examples of an operation section. */
const responsePanelOf = (item: Locator): Locator => item.locator('[data-testid="right-panel"]')
  .filter({ has: page.locator('[data-component-name="Panel/PanelHeaderTitle"]', { hasText: /^Response$/ }) });

/**
 * Whether an element, or one inside it, clips its text (an ellipsis or plain overflow): what a
 * reader sees of it is then less than its text.
 */
const clipped = (root: Locator): Promise<boolean> => root.evaluate((el) => [el, ...el.querySelectorAll('*')]
  .some((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'));

/**
 * Opens a Redoc dropdown and returns its entries' texts, then closes it again. Every entry must
 * be shown whole and differ from the others, so that a reader can tell the examples apart. The
 * open list is portalled out of the dropdown; closed lists stay in the DOM with no height, so the
 * one visible menu is the open one. Escape does not close it; a second click on the trigger does.
 */
async function dropdownEntries(trigger: Locator): Promise<string[]> {
  await trigger.click();
  await expectAttribute(trigger, 'aria-expanded', 'true');
  const list = page.locator('[role="menu"]:visible');
  const items = list.locator('[role="menuitem"]');
  const entries = (await items.allInnerTexts()).map((t) => t.trim());
  const cut: string[] = [];
  for (const [i, entry] of entries.entries()) if (await clipped(items.nth(i))) cut.push(entry);
  expect(cut, 'dropdown labels cut short').toEqual([]);
  expect(new Set(entries).size, `dropdown labels are distinct: ${entries.join(' | ')}`).toBe(entries.length);
  await trigger.click();
  await list.waitFor({ state: 'hidden' });
  return entries;
}

async function expectAttribute(locator: Locator, name: string, value: string): Promise<void> {
  await locator.and(page.locator(`[${name}="${value}"]`)).waitFor();
}

/** One operation section: title, every parameter, every request sample and every documented response example. */
async function checkOperation(op: Operation, item: Locator): Promise<void> {
  await item.locator('h2', { hasText: String(op.node.summary) }).waitFor();
  // Redoc renders a section's parts progressively: wait for each parameter rather than read once.
  const middle = item.locator('[data-testid="middle-panel"]');
  for (const p of op.parameters) await middle.getByText(p.name, { exact: true }).first().waitFor();

  // Request panel: the sample shown, and every documented request one click away in its dropdown.
  const requestPanel = item.locator('[data-testid="right-panel"]').filter({ has: page.locator('code[data-language="http"]') });
  const samples = Object.values(op.requestExamples).map((e) => e.summary);
  await requestPanel.waitFor();
  // The request-sample dropdown comes first; the Payload body-example dropdown below it shows the same summary.
  const sampleTrigger = requestPanel.locator('[data-component-name="Dropdown/Dropdown"] button').filter({ hasText: samples[0]! }).first();
  const offered = samples.length > 1 ? await dropdownEntries(sampleTrigger) : [samples[0]!];
  expect(offered.filter((t) => t !== 'Payload'), `${op.operationId} request samples`).toEqual(samples);
  seen.requestSamples += samples.length;

  // Response panel: for each status, the documented examples (a dropdown when there are several).
  const responsePanel = responsePanelOf(item);
  for (const status of Object.keys(op.node.responses as JsonObject)) {
    const documented = documentedExamples(op, status);
    if (!documented.length) continue;
    await responsePanel.getByRole('button', { name: status, exact: true }).click();
    if (documented.length > 1) {
      expect(await dropdownEntries(responsePanel.locator('button[aria-label="Example"]')), `${op.operationId} ${status} examples`).toEqual(documented);
    } else {
      await responsePanel.locator('[data-testid="json-viewer"], pre[data-testid="source-code"]').first().waitFor();
    }
    seen.responseExamples += documented.length;
  }
  seen.operations++;
}

describe('docs page in Chromium', () => {
  it('opens with our overview: flow, headers, errors and errata in the sidebar', async () => {
    for (const heading of ['Flow', 'Workflows', 'Mandatory headers', 'Reading errors', 'Errata']) {
      await expect(menu().getByText(heading, { exact: true }).first().isVisible()).resolves.toBe(true);
    }
    // The flow's links to operations (heading anchors aside); the sidebar test checks their order.
    const sectionLinks = (id: string) => page.locator(`[data-section-id="/section/${id}"] a[href^="#/"]`).evaluateAll((as) => as
      .filter((a) => !a.closest('[data-deep-link-anchor]'))
      .map((a) => a.getAttribute('href') ?? ''));
    overviewLinks = await sectionLinks('flow');
    const routes = operations.map((op) => operationRoute(tagOf(op), op.operationId));
    expect([...overviewLinks].sort()).toEqual([...routes].sort());
    // The workflows' steps link to operations too, and only to operations the sidebar has.
    const workflowLinks = await sectionLinks('workflows');
    expect(workflowLinks.length).toBeGreaterThan(operations.length);
    expect(workflowLinks.filter((l) => !routes.includes(l))).toEqual([]);
    // A link of the flow leads to its operation.
    const logout = operations.find((op) => op.operationId === 'initiateLogout')!;
    const route = operationRoute(tagOf(logout), logout.operationId);
    await page.locator(`[data-section-id="/section/flow"] a[href="${route}"]`).click();
    await section(route).locator('h2', { hasText: String(logout.node.summary) }).waitFor();
    await page.goto(`${origin}/#/`);
  });

  it('reaches every operation from the sidebar with its title, parameters and examples', async () => {
    const byRoute = new Map(operations.map((op) => [operationRoute(tagOf(op), op.operationId), op]));
    const sidebarRoutes: string[] = [];
    for (const tag of tagOrder) {
      // Tags are collapsed groups; clicking one opens it and lists its operations in sidebar order.
      await menu().locator(`a[href="/${redocSlug(tag)}"], a[href="#/${redocSlug(tag)}"]`).first().click();
      const entries = menu().locator(`a[href^="#/${redocSlug(tag)}/"]`);
      await entries.first().waitFor();
      const routes = await entries.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      sidebarRoutes.push(...routes);
      for (const route of routes) {
        const op = byRoute.get(route);
        if (!op) throw new Error(`The sidebar links ${route}, which is no operation of the description`);
        await menu().locator(`a[href="${route}"]`).click();
        await checkOperation(op, section(route));
      }
    }
    expect([...sidebarRoutes].sort()).toEqual([...byRoute.keys()].sort());
    expect(overviewLinks, 'the overview lists the operations in sidebar order').toEqual(sidebarRoutes);
    console.info(`docs page: ${seen.operations} operations, ${seen.requestSamples} request samples, ${seen.responseExamples} response examples rendered`);
  }, 60_000);

  it('shows every documented example of initiateLogout in its examples dropdown, each label whole', async () => {
    const logout = operations.find((op) => op.operationId === 'initiateLogout')!;
    const route = operationRoute(tagOf(logout), logout.operationId);
    await page.goto(`${origin}/${route}`);
    const responsePanel = responsePanelOf(section(route));
    await responsePanel.getByRole('button', { name: '200', exact: true }).click();
    const documented = documentedExamples(logout, '200');
    expect(documented.length).toBeGreaterThanOrEqual(7);
    const trigger = responsePanel.locator('button[aria-label="Example"]');
    expect(await dropdownEntries(trigger)).toEqual(documented);
    // The longest label, once chosen, shows whole in the button too.
    const longest = [...documented].sort((a, b) => b.length - a.length)[0]!;
    await trigger.click();
    await page.locator('[role="menu"]:visible [role="menuitem"]', { hasText: longest }).click();
    await trigger.filter({ hasText: longest }).waitFor();
    await expect(clipped(trigger)).resolves.toBe(false);
  });

  it('lists every code of the error catalog in the error-code table', async () => {
    await page.goto(`${origin}/#/section/reading-errors`);
    const table = page.locator('table').filter({ has: page.locator('th', { hasText: 'Code' }) }).first();
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
      const [first, status, action] = [...tr.querySelectorAll('td')];
      return { code: first?.querySelector('code')?.textContent, message: first?.lastChild?.textContent?.trim(), status: status?.textContent, action: action?.textContent };
    }));
    const catalog = errorCatalog(doc);
    expect(rows.map((r) => r.code)).toEqual(catalog.map((e) => e.code));
    expect(rows).toEqual(catalog.map((e) => ({ code: e.code, message: e.message, status: String(e.status), action: e.action })));
  });

  it('gives the overview a wide column at 1400 px, with no code broken mid-word', async () => {
    await page.goto(`${origin}/#/section/reading-errors`);
    const table = page.locator('[data-section-id="/section/reading-errors"] table').first();
    await table.waitFor();
    const layout = await table.evaluate((t) => ({
      column: t.closest('[data-section-id]')!.getBoundingClientRect().width,
      overflow: t.parentElement!.scrollWidth - t.parentElement!.clientWidth,
    }));
    console.info(`docs page at 1400 px: overview column ${Math.round(layout.column)} px, error table overflows by ${layout.overflow} px`);
    // 600 px holds about 85 characters of 14 px text, a comfortable line, and the widest row of the
    // error table (a 52-character code on one line, its status and action) without scrolling.
    expect(layout.column).toBeGreaterThanOrEqual(600);
    expect(layout.overflow).toBeLessThanOrEqual(0);

    // Each error code on one line.
    const codes = await table.locator('tbody td > code').evaluateAll((cs) => cs.map((c) => ({ code: c.textContent, lines: c.getClientRects().length })));
    expect(codes.map((c) => c.code)).toEqual(errorCatalog(doc).map((e) => e.code));
    expect(codes.filter((c) => c.lines !== 1)).toEqual([]);

    // Paths and codes in the overview break only between words (at a space, hyphen or slash).
    const brokenWords = await page.locator('[data-section-id^="/section/"] code').evaluateAll((cs) => cs.flatMap((c) => [...c.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .flatMap((n) => [...(n.textContent ?? '').matchAll(/\w+/g)].filter((m) => {
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        return range.getClientRects().length > 1;
      }).map((m) => `${m[0]} in ${c.textContent}`))));
    expect(brokenWords).toEqual([]);

    mkdirSync(join(projectRoot, 'reports'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'reports', 'docs-1400-errors.png'), animations: 'disabled' });
    await page.goto(`${origin}/#/`);
    await page.locator('[data-section-id="/"] h1').first().waitFor();
    await page.screenshot({ path: join(projectRoot, 'reports', 'docs-1400.png'), animations: 'disabled' });
  });

  it('reads on a phone (320–480 px): no heading, label, button or menu word broken mid-word, no sideways scrolling of the page, nor of the error table from 360 px', async () => {
    await page.goto(`${origin}/#/`);
    await page.locator('[data-section-id="/"] h1').first().waitFor();
    try {
      for (const width of [320, 360, 390, 480]) {
        await page.setViewportSize({ width, height: 844 });
        const layout = await page.evaluate(() => {
          const broken: string[] = [];
          for (const el of Array.from(document.querySelectorAll('h1, h2, h3, h4, label, button, nav li'))) {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (n.parentElement!.getClientRects().length === 0) continue;
              for (const m of (n.textContent ?? '').matchAll(/[A-Za-z0-9_]+/g)) {
                const range = document.createRange();
                range.setStart(n, m.index);
                range.setEnd(n, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                if (lines.size > 1) broken.push(`${el.tagName.toLowerCase()}: ${m[0]}`);
              }
            }
          }
          // The error table fits too: its codes break after underscores rather than scroll in a box.
          const table = document.querySelector('[data-section-id="/section/reading-errors"] table')!.parentElement!;
          return { broken, sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth, tableSideways: table.scrollWidth - table.clientWidth };
        });
        // At 320 px (the first iPhone SE's width) the error table still scrolls in its box: its cells
        // hold words of 15 characters, a code's piece between underscores among them.
        expect({ width, ...layout }).toEqual({ width, broken: [], sideways: 0, tableSideways: width < 360 ? layout.tableSideways : 0 });
        if (width === 390) await page.screenshot({ path: join(projectRoot, 'reports', 'docs-390.png'), animations: 'disabled' });
      }
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('meets WCAG 2 A and AA as axe-core checks them, on the whole page, at 1400 and 390 px', async () => {
    await page.goto(`${origin}/#/`);
    await page.locator('[data-section-id="/"] h1').first().waitFor();
    // Injected as a script of the page's own (the page loads nothing from elsewhere).
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = () => page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
      return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, first: `${v.nodes[0]?.target.join(' ')}: ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ').slice(0, 200)}` }));
    });
    expect(await violations()).toEqual([]);
    // On a phone a table that scrolled sideways in its box was a region no keyboard could reach.
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await violations()).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('declares an inline icon, so that no browser asks the server for /favicon.ico', async () => {
    const icon = await page.locator('head link[rel~="icon"]').getAttribute('href');
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    // The icon is an image the browser can decode.
    const width = await page.evaluate((href) => new Promise<number>((resolve) => {
      const img = new Image();
      img.onload = () => resolve(img.naturalWidth);
      img.onerror = () => resolve(0);
      img.src = href;
    }), icon!);
    expect(width).toBeGreaterThan(0);
    expect(requested.filter((path) => path.startsWith('/favicon'))).toEqual([]);
  });

  // Last, so that it covers everything the tests above did on the page.
  it('logged no console error, had no failed request and requested nothing outside the local server', () => {
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(blocked).toEqual([]);
  });
});
