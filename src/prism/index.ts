// Prism, loaded once and without its dynamic-mocking data: the mock and the proxy get it from here.
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
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

/** Prism's HTTP package, its core (logger) and the `Prefer` header parser, loaded on first use. */
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

const operationsOf = new WeakMap<Description, Promise<PrismOperations>>();

/** Prism's operations for a loaded description, built once per description (from a copy: Prism dereferences in place). */
export function prismOperations(description: Description): Promise<PrismOperations> {
  let operations = operationsOf.get(description);
  if (!operations) {
    operations = loadPrism().http.getHttpOperationsFromSpec(structuredClone(description.doc));
    operationsOf.set(description, operations);
  }
  return operations;
}
