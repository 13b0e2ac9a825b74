// The client's method types: openapi-fetch's, plus excess-property checks on parameters.
//
// openapi-fetch infers the init object as a type parameter and only checks it against its
// constraint, so TypeScript's excess-property check never runs on `params`: a misspelt optional
// header (`X-Forwarded-Fro`) or an unknown path parameter compiles and is silently sent or dropped.
// Here every key of `params.path` / `.query` / `.header` that the operation does not declare is
// mapped to `never`, which makes it a compile error.
import type { Client, FetchResponse, MaybeOptionalInit } from 'openapi-fetch';
import type { paths } from '../generated/schema.d.ts';

type PathsWith<M extends 'get' | 'post'> = { [P in keyof paths]: paths[P] extends { [K in M]: unknown } ? P : never }[keyof paths];

type Declared<Op> = Op extends { parameters: infer P } ? P : never;

/** Keys of A that E does not declare become `never`. */
type OnlyDeclared<A, E> = A extends object ? { [K in keyof A]: K extends keyof NonNullable<E> ? A[K] : never } : A;

type StrictParams<Init, Op> = Init extends { params?: infer P }
  ? { params?: { [L in keyof P]: L extends keyof Declared<Op> ? OnlyDeclared<P[L], Declared<Op>[L]> : never } }
  : unknown;

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** As openapi-fetch's: optional when nothing is required; other top-level keys (signal, cache…) allowed. */
type InitParam<Init> = RequiredKeys<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

/** Deferred, so the constraint is checked per operation (an absent method is `undefined`). */
type Answer<Op, Init> = Op extends Record<string | number, any> ? FetchResponse<Op, Init, `${string}/${string}`> : never;

type Strict<M extends 'get' | 'post'> = <Path extends PathsWith<M>, Init extends MaybeOptionalInit<paths[Path], M>>(
  url: Path,
  ...init: InitParam<Init & StrictParams<Init, paths[Path][M]>>
) => Promise<Answer<paths[Path][M], Init>>;

/** openapi-fetch's client on the description's types, with parameters checked for unknown keys. */
export type TypedClient = Omit<Client<paths>, 'GET' | 'POST'> & { GET: Strict<'get'>; POST: Strict<'post'> };
