// Prism, loaded once and without its dynamic-mocking data: the mock and the proxy get it from here.
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import type { IHttpOperationConfig, IHttpRequest, IHttpResponse } from '@stoplight/prism-http';
import type { IPrismDiagnostic } from '@stoplight/prism-core';
import type { Description } from '../description/index.ts';

type PrismHttp = typeof import('@stoplight/prism-http');
type PrismCore = typeof import('@stoplight/prism-core');
type PrismHttpServerConfig = typeof import('@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js');

type PrismOperations = Awaited<ReturnType<PrismHttp['getHttpOperationsFromSpec']>>;

const require = createRequire(import.meta.url);

/**
 * Prism's JSON Schema generator requires `@faker-js/faker` with every locale when it is loaded
 * (≈ 350 ms of Prism's ≈ 550 ms), although only dynamic mocking uses it and we serve static
 * examples only. Before Prism loads, Node's module cache gets a stand-in for faker that loads the
 * real one on first use, so faker costs nothing unless something actually generates data.
 */
function deferFaker(): void {
  const generator = require.resolve('@stoplight/prism-http/dist/mocker/generator/JSONSchema.js');
  const fakerPath = createRequire(generator).resolve('@faker-js/faker');
  if (require.cache[fakerPath]) return;
  let real: Record<string | symbol, unknown> | undefined;
  const load = (): Record<string | symbol, unknown> => {
    if (!real) {
      delete require.cache[fakerPath];
      real = require(fakerPath) as Record<string | symbol, unknown>;
    }
    return real;
  };
  // `faker_1.default` is read when Prism registers faker with json-schema-faker, so `default` is lazy too.
  const lazy = (get: () => object): object => new Proxy({}, {
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      return d && { ...d, configurable: true };
    },
  });
  const stub = new Module(fakerPath);
  stub.filename = fakerPath;
  stub.paths = [dirname(fakerPath)];
  stub.exports = new Proxy({}, {
    get: (_, key) => (key === 'default' ? lazy(() => load().default as object) : key === '__esModule' ? true : Reflect.get(load(), key)),
  });
  stub.loaded = true;
  require.cache[fakerPath] = stub;
}

let loaded: { http: PrismHttp; core: PrismCore; config: PrismHttpServerConfig } | undefined;

/** Prism's HTTP package (the whole of it: forwarder included), its core and the `Prefer` parser, for the proxy. */
export function loadPrism(): { http: PrismHttp; core: PrismCore; config: PrismHttpServerConfig } {
  if (!loaded) {
    deferFaker();
    loaded = {
      http: require('@stoplight/prism-http') as PrismHttp,
      core: require('@stoplight/prism-core') as PrismCore,
      config: require('@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js') as PrismHttpServerConfig,
    };
  }
  return loaded;
}

export type PrismOperation = PrismOperations[number];
/** fp-ts' Either as Prism returns it (declared here so our types do not depend on fp-ts). */
export type Either<L, R> = { _tag: 'Left'; left: L } | { _tag: 'Right'; right: R };
/** Prism's pino logger, passed back to Prism only. */
export type PrismLogger = { readonly __prismLogger: unique symbol };
type Diagnostics = IPrismDiagnostic[];

/** The parts of Prism the mock uses: request validation and example selection, as plain functions. */
export interface PrismMocker {
  validateSecurity(args: { resource: PrismOperation; element: IHttpRequest }): Either<Diagnostics, IHttpRequest>;
  validateInput(args: { resource: PrismOperation; element: IHttpRequest }): Either<Diagnostics, IHttpRequest>;
  mock(args: { resource: PrismOperation; input: { data: IHttpRequest; validations: IPrismDiagnostic[] }; config: IHttpOperationConfig }): (logger: PrismLogger) => Either<Error, IHttpResponse>;
  logger: PrismLogger;
}

let mocker: PrismMocker | undefined;

/**
 * Prism's validator and mocker, loaded straight from their folders: the mock needs neither Prism's
 * router (we route), its forwarder (an HTTP client and proxy agents) nor its instance factory.
 */
export function loadPrismMocker(): PrismMocker {
  if (!mocker) {
    deferFaker();
    const validator = require('@stoplight/prism-http/dist/validator/index.js') as Pick<PrismMocker, 'validateSecurity' | 'validateInput'>;
    const mock = (require('@stoplight/prism-http/dist/mocker/index.js') as { default: PrismMocker['mock'] }).default;
    const { createLogger } = require('@stoplight/prism-core/dist/logger.js') as { createLogger: (name: string, options?: object) => PrismLogger };
    mocker = { validateSecurity: validator.validateSecurity, validateInput: validator.validateInput, mock, logger: createLogger('pass-mock', { level: 'silent' }) };
  }
  return mocker;
}

const operationsOf = new WeakMap<Description, Promise<PrismOperations>>();

/** Prism's operations for a loaded description, built once per description (from a copy: Prism dereferences in place). */
export function prismOperations(description: Description): Promise<PrismOperations> {
  let operations = operationsOf.get(description);
  if (!operations) {
    deferFaker();
    const { getHttpOperationsFromSpec } = require('@stoplight/prism-http/dist/utils/operations.js') as Pick<PrismHttp, 'getHttpOperationsFromSpec'>;
    operations = getHttpOperationsFromSpec(structuredClone(description.doc));
    operationsOf.set(description, operations);
  }
  return operations;
}
