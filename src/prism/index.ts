// Prism, loaded once and only the parts the mock runs (its validator and mocker).
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import type { IHttpOperationConfig, IHttpRequest, IHttpResponse } from '@stoplight/prism-http';
import type { IPrismDiagnostic } from '@stoplight/prism-core';
import type { Description } from '../description/index.ts';

type PrismHttp = typeof import('@stoplight/prism-http');

type PrismOperations = Awaited<ReturnType<PrismHttp['getHttpOperationsFromSpec']>>;
export type PrismOperation = PrismOperations[number];

const require = createRequire(import.meta.url);
/** Resolves and loads modules as Prism's own files do (its dependencies are not ours to declare). */
const prismRequire = createRequire(require.resolve('@stoplight/prism-http/dist/index.js'));

/**
 * Puts a stand-in for a CommonJS module in Node's module cache that loads the real module the first
 * time one of its exports is read. Prism's compiled code reads imports at call time
 * (`(0, mod_1.fn)(…)`), so a module only a code path we never take uses costs nothing.
 * `lazyDefault` also defers `mod.default` for importers that read it at load time.
 */
function defer(path: string, lazyDefault = false): void {
  if (require.cache[path]) return;
  let real: Record<string | symbol, unknown> | undefined;
  const load = (): Record<string | symbol, unknown> => {
    if (!real) {
      delete require.cache[path];
      real = require(path) as Record<string | symbol, unknown>;
    }
    return real;
  };
  const lazy = (get: () => object): object => new Proxy({}, {
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      return d && { ...d, configurable: true };
    },
  });
  const stub = new Module(path);
  stub.filename = path;
  stub.paths = [dirname(path)];
  stub.exports = new Proxy({}, {
    get: (_, key) => (key === '__esModule' ? true : lazyDefault && key === 'default' ? lazy(() => load().default as object) : Reflect.get(load(), key)),
  });
  stub.loaded = true;
  require.cache[path] = stub;
}

/**
 * What Prism loads and we never run, measured on a mock cold start (Node 20, 2 cores):
 * - `@faker-js/faker` with every locale (≈ 350 ms): only dynamic mocking uses it; the generator
 *   reads `faker.default` when it loads, hence the lazy `default`.
 * - the JSON Schema generator (json-schema-faker, seedrandom; ≈ 75 ms): only a response without
 *   a documented example needs it, and every response we serve has one (a 429's `Retry-After`
 *   header, which has none, loads it on first use).
 * - callbacks (≈ 45 ms with node-fetch and the forwarder): the description has no callbacks.
 * - `lodash/fp` (≈ 20 ms, a converted copy of all of lodash): the security validator uses its
 *   `set` only to tag a 401.
 */
function deferUnused(): void {
  const generator = prismRequire.resolve('@stoplight/prism-http/dist/mocker/generator/JSONSchema.js');
  defer(createRequire(generator).resolve('@faker-js/faker'), true);
  defer(generator);
  defer(prismRequire.resolve('@stoplight/prism-http/dist/mocker/callback/callbacks.js'));
  const security = prismRequire.resolve('@stoplight/prism-http/dist/validator/validators/security/index.js');
  defer(createRequire(security).resolve('lodash/fp'));
}

/** fp-ts' Either as Prism returns it (declared here so our types do not depend on fp-ts). */
export type Either<L, R> = { _tag: 'Left'; left: L } | { _tag: 'Right'; right: R };
/** The logger Prism's functions take (pino's interface, of which Prism calls these). */
export interface PrismLogger {
  child(bindings: object): PrismLogger;
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  success(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
}

/** The mock logs its own answers (`--verbose`); Prism's negotiation chatter goes nowhere, without loading pino. */
export const silentLogger: PrismLogger = {
  child: () => silentLogger,
  trace: () => {}, debug: () => {}, info: () => {}, success: () => {}, warn: () => {}, error: () => {}, fatal: () => {},
};

/** The parts of Prism the mock uses: request validation and example selection, as plain functions. */
export interface PrismMocker {
  validateSecurity(args: { resource: PrismOperation; element: IHttpRequest }): Either<IPrismDiagnostic[], IHttpRequest>;
  validateInput(args: { resource: PrismOperation; element: IHttpRequest }): Either<IPrismDiagnostic[], IHttpRequest>;
  mock(args: { resource: PrismOperation; input: { data: IHttpRequest; validations: IPrismDiagnostic[] }; config: IHttpOperationConfig }): (logger: PrismLogger) => Either<Error, IHttpResponse>;
  logger: PrismLogger;
}

let mocker: PrismMocker | undefined;

/**
 * Prism's validator and mocker, loaded straight from their folders: the mock needs neither Prism's
 * router (we route), its forwarder, its instance factory nor its logger.
 */
export function loadPrismMocker(): PrismMocker {
  if (!mocker) {
    deferUnused();
    const validator = prismRequire('@stoplight/prism-http/dist/validator/index.js') as Pick<PrismMocker, 'validateSecurity' | 'validateInput'>;
    const mock = (prismRequire('@stoplight/prism-http/dist/mocker/index.js') as { default: PrismMocker['mock'] }).default;
    mocker = { validateSecurity: validator.validateSecurity, validateInput: validator.validateInput, mock, logger: silentLogger };
  }
  return mocker;
}

/**
 * Prism's operations for an OpenAPI 3.x document: what Prism's `getHttpOperationsFromSpec` does for
 * one, less what a loaded, bundled description does not need. That function loads the Swagger 2 and
 * Postman converters (≈ 60 ms) and dereferences then de-cycles the whole document (≈ 135 ms) before
 * bundling each operation with the components it references; bundling alone resolves our local
 * `$ref`s (tests/prism compares the two on every documented and fuzzed request). Each operation is
 * bundled from its own copy: bundling rewrites the `$ref`s of the document it reads, so a shared copy
 * would leave later operations pointing into an earlier operation's bundle.
 */
export function buildPrismOperations(doc: object): PrismOperations {
  const { transformOas3Operations } = prismRequire('@stoplight/http-spec/oas3/operation') as { transformOas3Operations: (d: object) => PrismOperations };
  const { bundleTarget } = prismRequire('@stoplight/json') as { bundleTarget: (o: { document: object; path: string; cloneDocument: boolean }) => PrismOperation };
  const copy = structuredClone(doc);
  return transformOas3Operations(copy).map((op) => bundleTarget({ document: { ...copy, __target__: op }, path: '#/__target__', cloneDocument: true }));
}

const operationsOf = new WeakMap<Description, PrismOperations>();

/** Prism's operations for a loaded description, built once per description. */
export async function prismOperations(description: Description): Promise<PrismOperations> {
  let operations = operationsOf.get(description);
  if (!operations) {
    deferUnused();
    operations = buildPrismOperations(description.doc);
    operationsOf.set(description, operations);
  }
  return operations;
}
