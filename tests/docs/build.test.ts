// The docs build without a browser: overview, request samples, docs-only copy, offline rewrite, build errors, server paths.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listOperations, loadBundledDescription, projectRoot, type JsonObject, type Operation } from '../../src/description/document.ts';
import { buildDocs, FAVICON } from '../../scripts/docs/build.ts';
import { codeSampleLanguages, codeSamples, encodeQuery, fillPath, rawRequest } from '../../scripts/docs/code-samples.ts';
import { docsDescription } from '../../scripts/docs/docs-description.ts';
import { externalAssets, makeOffline } from '../../scripts/docs/offline.ts';
import { errorCatalog, inDocumentOrder, operationRoute, redocSlug, renderErrata, renderOverview, WORKFLOWS_URL } from '../../scripts/docs/overview.ts';
import { parse } from 'yaml';
import { resolveDocsPath } from '../../scripts/docs/serve.ts';

const doc = loadBundledDescription();
const operations = listOperations(doc);
const template = readFileSync(join(projectRoot, 'docs', 'overview.md'), 'utf8');
const errata = readFileSync(join(projectRoot, 'openapi', 'ERRATA.md'), 'utf8');
const workflows = readFileSync(join(projectRoot, 'workflows', 'adobe-pass.arazzo.yaml'), 'utf8');
const derived = docsDescription(doc, { template, errata, workflows });
const overview = String((derived.info as JsonObject).description);
const op = (id: string): Operation => {
  const found = operations.find((o) => o.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};

const scratch = mkdtempSync(join(tmpdir(), 'pass-docs-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('overview', () => {
  it('links every operation once, in x-tagGroups order', () => {
    const tagOrder = (doc['x-tagGroups'] as JsonObject[]).flatMap((g) => g.tags as string[]);
    const expected = tagOrder.flatMap((tag) => inDocumentOrder(doc, operations)
      .filter((o) => (o.node.tags as string[])[0] === tag)
      .map((o) => operationRoute(tag, o.operationId)));
    const flow = overview.slice(overview.indexOf('# Flow'), overview.indexOf('# Workflows'));
    const linked = [...flow.matchAll(/\]\((#\/[^)]+)\)/g)].map((m) => m[1]);
    expect(linked).toEqual(expected);
    expect(linked).toHaveLength(operations.length);
  });

  it('numbers one step per tag, registration first and logout after the decisions', () => {
    const steps = [...overview.matchAll(/^(\d+)\. \*\*([^*]+)\*\*/gm)].map((m) => m[2]);
    expect(steps[0]).toBe('Registration');
    expect(steps.indexOf('Logout')).toBeGreaterThan(steps.indexOf('Decisions'));
    expect(steps.indexOf('Decisions')).toBeGreaterThan(steps.indexOf('Authentication'));
  });

  it('explains the mandatory headers with the descriptions of their components', () => {
    const parameters = doc.components.parameters as Record<string, JsonObject>;
    for (const name of ['ApDeviceIdentifier', 'XDeviceInfo', 'XForwardedFor']) {
      const p = parameters[name]!;
      expect(overview).toContain(`**\`${String(p.name)}\`**`);
      expect(overview).toContain(String(p.description).trim().split('\n')[0]);
    }
    expect(overview).toContain('`Authorization: Bearer <access token>`');
  });

  it('tabulates every code of the error catalog, each breakable only after an underscore', () => {
    const rows = overview.split('\n').filter((l) => l.startsWith('| <code>'));
    const catalog = errorCatalog(doc);
    expect(rows).toHaveLength(catalog.length);
    for (const [i, e] of catalog.entries()) {
      const [, code, rest] = /^\| <code>([^<]*(?:<wbr>[^<]*)*)<\/code><br>(.*)$/.exec(rows[i]!) ?? [];
      expect(rest).toBe(`${e.message} | ${e.status} | ${e.action} |`);
      // The code whole once its break opportunities are taken out, and one after each underscore only.
      expect(code!.replaceAll('<wbr>', '')).toBe(e.code);
      expect(code!.split('<wbr>').slice(0, -1).every((part) => part.endsWith('_'))).toBe(true);
      expect(code!.split('<wbr>')).toHaveLength(e.code.split('_').length);
    }
  });

  it('reproduces ERRATA.md under one Errata heading', () => {
    expect(overview).toMatch(/^# Errata$/m);
    expect(overview).not.toMatch(/^# Errata: /m);
    const firstEntry = errata.split('\n').find((l) => /^1\. \*\*/.test(l));
    expect(firstEntry && overview.includes(firstEntry)).toBe(true);
    expect(renderErrata('# Title\n\n## Logout (`a.md`, seed `b`)\n\ntext\n\n```\n# not a heading\n```'))
      .toBe('### Logout\n\n*Pages: `a.md`, seed `b`*\n\ntext\n\n```\n# not a heading\n```');
  });

  it('lists every Arazzo workflow with each step linked to its operation\'s section', () => {
    const arazzo = parse(workflows) as { workflows: { workflowId: string; steps: { operationId?: string; 'x-operation'?: unknown }[] }[] };
    const section = overview.slice(overview.indexOf('# Workflows'), overview.indexOf('# Mandatory headers'));
    expect(arazzo.workflows.length).toBeGreaterThanOrEqual(6);
    for (const w of arazzo.workflows) {
      const line = section.split('\n').find((l) => l.startsWith(`- [\`${w.workflowId}\`](${WORKFLOWS_URL})`));
      expect(line, w.workflowId).toBeDefined();
      for (const step of w.steps.filter((s) => s.operationId)) {
        const tag = (op(step.operationId!).node.tags as string[])[0]!;
        expect(line).toContain(`[${step.operationId}](${operationRoute(tag, step.operationId!)})`);
      }
    }
    const broken = workflows.replace('operationId: retrieveAccessToken', 'operationId: retrieveAccessTokens');
    expect(() => docsDescription(doc, { template, errata, workflows: broken })).toThrow(/step token: no described operation "retrieveAccessTokens"/);
  });

  it('refuses an unknown or malformed placeholder', () => {
    const sources = { doc, operations, errata };
    expect(() => renderOverview('{{nope}}', sources)).toThrow(/Unknown placeholder \{\{nope\}\}/);
    expect(() => renderOverview('{{headers: A}}', sources)).toThrow(/Malformed placeholder/);
    expect(() => renderOverview('{{headers NoSuchHeader}}', sources)).toThrow(/NoSuchHeader/);
  });

  it('orders operations as the path items write their methods', () => {
    const sessions = inDocumentOrder(doc, operations).filter((o) => o.path === '/api/v2/{serviceProvider}/sessions/{code}');
    const written = Object.keys(doc.paths['/api/v2/{serviceProvider}/sessions/{code}'] as JsonObject).filter((k) => k === 'get' || k === 'post');
    expect(sessions.map((o) => o.method)).toEqual(written);
  });

  it('builds the routes Redoc 3 gives tags and operations', () => {
    expect(redocSlug('Partner single sign-on')).toBe('partner-single-sign-on');
    expect(operationRoute('Logout', 'initiateLogout')).toBe('#/logout/initiatelogout');
  });
});

describe('request samples', () => {
  it('fill and encode path and query as a client sends them', () => {
    expect(fillPath('/api/v2/{serviceProvider}/logout/{mvpd}', { serviceProvider: 'REF30', mvpd: 'a b/c' })).toBe('/api/v2/REF30/logout/a%20b%2Fc');
    expect(() => fillPath('/x/{code}', {})).toThrow(/code/);
    expect(encodeQuery({ redirectUrl: 'https://adobe.com', q: 'a b' })).toBe('?redirectUrl=https%3A%2F%2Fadobe.com&q=a%20b');
    expect(encodeQuery({})).toBe('');
  });

  it('write the logout sample as a raw HTTP request', () => {
    const logout = op('initiateLogout');
    const example = logout.requestExamples.logoutWithEndpoint!;
    const text = rawRequest(logout, example, undefined, 'sp.auth.adobe.com');
    const lines = text.split('\n');
    expect(lines[0]).toBe('GET /api/v2/REF30/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com HTTP/1.1');
    expect(lines[1]).toBe('Host: sp.auth.adobe.com');
    for (const [name, value] of Object.entries(example.headers ?? {})) expect(lines).toContain(`${name}: ${value}`);
    expect(text).not.toContain('\n\n');
  });

  it('append the body in its media type (form and JSON)', () => {
    const token = codeSamples(op('retrieveAccessToken'), 'sp.auth.adobe.com')[0]!.source;
    expect(token.split('\n\n')[1]).toBe('client_id=s6BhdRkqt3&client_secret=t7AkePiru4&grant_type=client_credentials');
    const register = codeSamples(op('retrieveClientCredentials'), 'sp.auth.adobe.com')[0]!.source;
    expect(JSON.parse(register.split('\n\n')[1]!)).toEqual(op('retrieveClientCredentials').requestBody!.examples.registerWithRedirectUri);
  });

  it('cover every documented request of every operation in the docs copy', () => {
    for (const o of listOperations(derived)) {
      const samples = (o.node['x-codeSamples'] ?? []) as JsonObject[];
      expect(samples.map((s) => s.label), o.operationId).toEqual(Object.values(o.requestExamples).map((e) => e.summary));
    }
    const languages = codeSampleLanguages(derived);
    expect(languages.at(-1)).toEqual({ lang: 'payload', label: 'Payload' });
    const labels = new Set(languages.map((l) => l.label.toLowerCase()));
    for (const o of operations) for (const e of Object.values(o.requestExamples)) expect(labels.has(e.summary.toLowerCase())).toBe(true);
  });
});

describe('docs-only copy', () => {
  it('leaves the bundle untouched', () => {
    const before = JSON.stringify(doc);
    docsDescription(doc, { template, errata, workflows });
    expect(JSON.stringify(doc)).toBe(before);
    expect((doc.info as JsonObject).description).not.toBe((derived.info as JsonObject).description);
    expect(Object.keys(derived.paths)).toEqual(Object.keys(doc.paths));
  });
});

describe('offline rewrite', () => {
  const page = [
    '<html><head><link rel="preconnect" href="https://fonts.gstatic.com">',
    '<link href="https://fonts.googleapis.com/css?family=Roboto" rel="stylesheet">',
    '<style>@import url("https://fonts.googleapis.com/css2?family=Inter");</style></head>',
    '<body><a href="https://experienceleague.adobe.com/x">doc</a>',
    '<script>var l=e?`https://cdn.redoc.ly/redoc/logo-mini-full.svg`:`https://cdn.redoc.ly/redoc/logo-mini.svg`;',
    'var i={"font-awesome":`https://cdn.redocly.com/icons/fa/7.0.0`};</script></body></html>',
  ].join('\n');

  it('removes font links and imports and replaces CDN assets, keeping plain links', () => {
    const offline = makeOffline(page);
    expect(externalAssets(offline)).toEqual([]);
    expect(offline).toContain('data:image/svg+xml,');
    expect(offline).toContain('<a href="https://experienceleague.adobe.com/x">');
    expect(offline).not.toMatch(/googleapis|gstatic|cdn\.redoc/);
  });

  it('refuses a page that would still load something from the internet', () => {
    expect(() => makeOffline('<html><head></head><body><script src="https://cdn.example.com/redoc.js"></script></body></html>'))
      .toThrow(/still loads from the internet: https:\/\/cdn\.example\.com\/redoc\.js/);
    expect(() => makeOffline('<html><head></head><body><img src="//unpkg.com/x.png"></body></html>')).toThrow(/unpkg\.com/);
  });
});

describe('buildDocs', () => {
  it('fails clearly when the bundled description is missing', () => {
    expect(() => buildDocs({ description: join(scratch, 'missing.json'), outDir: scratch }))
      .toThrow(/missing\.json is missing; run `npm run generate` first/);
  });

  it('builds the same self-contained page twice from the same inputs', () => {
    const first = buildDocs({ outDir: join(scratch, 'a') });
    const second = buildDocs({ outDir: join(scratch, 'b') });
    const html = readFileSync(first.file, 'utf8');
    expect(html).toBe(readFileSync(second.file, 'utf8'));
    expect(externalAssets(html)).toEqual([]);
    // One icon, inline: a page without one makes browsers request /favicon.ico.
    const icons = [...html.matchAll(/<link\b[^>]*\brel="icon"[^>]*>/g)].map((m) => m[0]);
    expect(icons).toHaveLength(1);
    expect(icons[0]).toContain(`href="${FAVICON}"`);
    expect(decodeURIComponent(FAVICON.replace(/^data:image\/svg\+xml,/, ''))).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/);
    expect(first.operations).toBe(operations.length);
    expect(first.codeSamples).toBe(operations.reduce((n, o) => n + Object.keys(o.requestExamples).length, 0));
    console.info(`docs page: ${first.bytes} bytes, ${first.operations} operations, ${first.codeSamples} request samples`);
  }, 60_000);
});

describe('docs server paths', () => {
  it('stay inside the docs directory', () => {
    expect(resolveDocsPath('/d', '/')).toBe('/d/index.html');
    expect(resolveDocsPath('/d', '/index.html?x=1')).toBe('/d/index.html');
    expect(resolveDocsPath('/d', '/../../etc/passwd')).toBe('/d/etc/passwd');
    expect(resolveDocsPath('/d', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/d/etc/passwd');
    expect(resolveDocsPath('/d', '/%E0%A4%A')).toBeNull();
  });
});
