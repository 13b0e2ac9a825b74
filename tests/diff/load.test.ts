// Loading descriptions: multi-file resolution from disk and over HTTP, and a host that misbehaves.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/diff/load.ts';
import { runDiff } from '../../src/diff/index.ts';
import { fixture, startSpecHost, type SpecHost } from './support/spec-host.ts';

const labelOptional = {
  rule: 'response-property-became-optional',
  level: 'breaking',
  operation: 'GET /things/{thingId}',
  pointer: '/paths/~1things~1{thingId}/get/responses/200/content/application~1json/schema/properties/label',
};

describe('loading descriptions', () => {
  let host: SpecHost;
  beforeAll(async () => {
    host = await startSpecHost({
      '/base/openapi.yaml': fixture('multi-file', 'base', 'openapi.yaml'),
      '/base/schemas/Thing.yaml': fixture('multi-file', 'base', 'schemas', 'Thing.yaml'),
      '/base/schemas/State.yaml': fixture('multi-file', 'base', 'schemas', 'State.yaml'),
    });
  });
  afterAll(() => host.close());

  it('resolves files referring to files; renamed, moved and reordered schemas are not changes', async () => {
    const report = await runDiff(fixture('multi-file', 'base', 'openapi.yaml'), fixture('multi-file', 'revision', 'openapi.json'));
    expect(report.changes).toEqual([expect.objectContaining(labelOptional)]);
  });

  it('resolves a multi-file description served over HTTP, relative references included', async () => {
    const report = await runDiff(`${host.url}/base/openapi.yaml`, fixture('multi-file', 'revision', 'openapi.json'));
    expect(report.changes).toEqual([expect.objectContaining(labelOptional)]);
    expect(host.received.map((r) => r.path)).toEqual(expect.arrayContaining(['/base/openapi.yaml', '/base/schemas/Thing.yaml', '/base/schemas/State.yaml']));
    expect(host.received.every((r) => r.headers.authorization === undefined && r.headers.cookie === undefined)).toBe(true);
  });

  it('names a URL in reports without its query (which may hold a token)', async () => {
    const report = await runDiff(`${host.url}/base/openapi.yaml?token=Canary-Report-71d3`, fixture('multi-file', 'revision', 'openapi.json'));
    expect(report.base).toBe(`${host.url}/base/openapi.yaml?…`);
    expect(JSON.stringify(report)).not.toContain('Canary-Report-71d3');
  });

  it('follows a plain redirect to the description', async () => {
    const { document } = await loadDocument(`${host.url}/redirect-to-spec?to=/base/openapi.yaml`);
    expect(Object.keys(document.paths)).toEqual(['/things/{id}']);
  });

  it('stops a body that never ends at the timeout, and drops the connection', async () => {
    await expect(loadDocument(`${host.url}/slow`, { timeoutMs: 300 })).rejects.toThrow(/\/slow: no complete answer within 300 ms/);
    await host.droppedByClient('/slow'); // the host sees the client go away (this hangs until the test times out otherwise)
  });

  it('says what went wrong with a referenced URL, not only that it could not be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diff-ref-url-'));
    const ours = join(dir, 'ours.yaml');
    await writeFile(ours, `openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200': { $ref: '${host.url}/slow' }\n`);
    await expect(loadDocument(ours, { timeoutMs: 300 })).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+\/slow: no complete answer within 300 ms$/);
  });

  it('stops a body past the size cap, declared or streamed', async () => {
    await expect(loadDocument(`${host.url}/huge`, { maxBytes: 256 * 1024 })).rejects.toThrow(/\/huge: body is over the 262144-byte limit/);
    await host.droppedByClient('/huge'); // and stops reading: the host sees it go
    await expect(loadDocument(`${host.url}/declared-huge`, { maxBytes: 1024 })).rejects.toThrow(/52428800 bytes is over the 1024-byte limit/);
  });

  it('gives up on redirect loops and refuses credentials in URLs and redirects', async () => {
    await expect(loadDocument(`${host.url}/loop`)).rejects.toThrow(/more than 3 redirects/);
    await expect(loadDocument(`${host.url}/to-credentials`)).rejects.toThrow(/redirected to a URL with credentials; refused/);
    const withPassword = host.url.replace('http://', 'http://me:Canary-Pa55word@');
    const error = await loadDocument(`${withPassword}/base/openapi.yaml`).catch((e: Error) => e);
    expect(String(error)).toMatch(/URLs with credentials are not supported/);
    expect(String(error)).not.toContain('Canary-Pa55word');
  });

  it('never repeats a query (which may hold a token) in its errors, even when the server echoes it', async () => {
    const error = await loadDocument(`${host.url}/echo?token=Canary-Token-9f2c`).catch((e: Error) => e);
    expect(String(error)).toMatch(/\/echo\?…: HTTP 500/);
    expect(String(error)).not.toContain('Canary-Token-9f2c');
  });

  it('never reads a local file that a description from a URL refers to, directly or through another URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diff-local-ref-'));
    const secret = join(dir, 'secret.yaml');
    await writeFile(secret, 'token:\n  enum: [Canary-Local-File-31c7]\n');
    const doc = (ref: string) => `openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: { $ref: '${ref}' }\n`;
    const local = `${pathToFileURL(secret).href}#/token`;
    const file = async (name: string, text: string) => (await writeFile(join(dir, name), text), join(dir, name));
    const hostile = await startSpecHost({
      '/root.yaml': await file('root.yaml', doc(local)),
      '/part.yaml': await file('part.yaml', `$ref: '${local}'\n`),
      '/via.yaml': await file('via.yaml', doc('part.yaml')),
    });
    try {
      const ours = await file('ours.yaml', doc(`${hostile.url}/part.yaml`));
      for (const source of [`${hostile.url}/root.yaml`, `${hostile.url}/via.yaml`, ours]) {
        const error = await loadDocument(source).catch((e: Error) => e);
        expect(String(error), source).toMatch(/LoadError: .*refers to a local file \(file:\/\/.*secret\.yaml(#\/token)?\); a description fetched over HTTP may only refer to http\(s\) URLs/);
        expect(String(error), source).not.toContain('Canary-Local-File-31c7');
      }
      // A local description still refers to local files.
      const { document } = await loadDocument(await file('local.yaml', doc(local)));
      expect(JSON.stringify(document)).toContain('Canary-Local-File-31c7');
    } finally {
      await hostile.close();
    }
  });

  it('says what is wrong with a file that is not an OpenAPI 3 description', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'diff-load-'));
    await writeFile(join(dir, 'swagger.json'), '{"swagger": "2.0", "paths": {}}');
    await writeFile(join(dir, 'broken.yaml'), 'openapi: 3.1.0\npaths: {\n  /a: [\n');
    await writeFile(join(dir, 'dangling.yaml'), 'openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        "200": { $ref: "other.yaml#/nothing" }\n');
    await expect(loadDocument(join(dir, 'swagger.json'))).rejects.toThrow(/swagger\.json: only OpenAPI 3\.0 and 3\.1 are supported \(found Swagger 2\.0\)/);
    await expect(loadDocument(join(dir, 'broken.yaml'))).rejects.toThrow(/broken\.yaml: not JSON or YAML/);
    await expect(loadDocument(join(dir, 'dangling.yaml'))).rejects.toThrow(/dangling\.yaml: .*other\.yaml/);
    await expect(loadDocument(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read .*missing\.yaml: ENOENT/);
  });

  it('refuses a description nested deeper than 256 levels, itself or in a file it refers to, naming the file', async () => {
    // JSON.parse takes 100,000 levels of {"items":…}; cloning, resolving and comparing them overflowed
    // the stack with "Maximum call stack size exceeded", naming no file.
    const dir = await mkdtemp(join(tmpdir(), 'diff-deep-'));
    const schema = (levels: number) => `${'{"items":'.repeat(levels)}{"type":"string"}${'}'.repeat(levels)}`;
    const description = (s: string) => `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"d","content":{"application/json":{"schema":${s}}}}}}}}}`;
    await writeFile(join(dir, 'deep.json'), description(schema(100_000)));
    await writeFile(join(dir, 'schema.json'), schema(3_000));
    await writeFile(join(dir, 'refers.json'), description('{"$ref":"schema.json"}'));
    await writeFile(join(dir, 'deep-but-fine.json'), description(schema(200)));
    await expect(loadDocument(join(dir, 'deep.json'))).rejects.toThrow(/deep\.json: objects and arrays nested deeper than 256 levels; not a description to compare$/);
    await expect(loadDocument(join(dir, 'refers.json'))).rejects.toThrow(/schema\.json: objects and arrays nested deeper than 256 levels; not a description to compare$/);
    const report = await runDiff(join(dir, 'deep-but-fine.json'), join(dir, 'deep-but-fine.json'));
    expect(report.changes).toEqual([]);
  });

  it('compares recursive schemas without looping', async () => {
    const doc = (extra: object) => ({
      openapi: '3.1.0', info: { title: 't', version: '1' },
      paths: { '/tree': { get: { responses: { '200': { description: 'd', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } } } },
      components: { schemas: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, ...extra } } } },
    });
    const report = await runDiff({ document: doc({}), location: 'a.json' }, { document: doc({ name: { type: 'string' } }), location: 'b.json' });
    expect(report.changes.map((c) => `${c.rule} ${c.pointer}`)).toEqual(['response-property-added /paths/~1tree/get/responses/200/content/application~1json/schema/properties/name']);
  });

  it('reports a change in a schema used twice in one body at both places', async () => {
    const doc = (extra: object) => ({
      openapi: '3.1.0', info: { title: 't', version: '1' },
      paths: { '/a': { get: { responses: { '200': { description: 'd', content: { 'application/json': { schema: { type: 'object', properties: { home: { $ref: '#/components/schemas/Addr' }, work: { $ref: '#/components/schemas/Addr' } } } } } } } } } },
      components: { schemas: { Addr: { type: 'object', properties: { street: { type: 'string' }, ...extra } } } },
    });
    const report = await runDiff({ document: doc({ zip: { type: 'string' } }), location: 'a.json' }, { document: doc({}), location: 'b.json' });
    const body = '/paths/~1a/get/responses/200/content/application~1json/schema/properties';
    expect(report.changes.map((c) => `${c.rule} ${c.pointer}`)).toEqual([`response-property-removed ${body}/home/properties/zip`, `response-property-removed ${body}/work/properties/zip`]);
  });
});
