// Matches a request's method and URL path to a described operation.
import { decode } from '../http/request.ts';
import type { Operation } from './document.ts';

export type RouteMatch =
  | { kind: 'match'; op: Operation; path: Record<string, string> }
  /** The path fits an operation's template but a segment is not valid percent-encoded UTF-8. */
  | { kind: 'bad-escape'; op: Operation; param: string; raw: string };

export interface Route {
  op: Operation;
  regex: RegExp;
  /** Template with empty parameter segments allowed: a near miss such as /logout/ with no mvpd. */
  loose: RegExp;
  params: string[];
}

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

function compile(path: string, segment: string): RegExp {
  return new RegExp(`^${path.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? segment : escape(part))).join('')}$`);
}

export class Router {
  readonly routes: Route[];

  constructor(operations: Operation[]) {
    // Concrete segments first, so /api/v2/authenticate/{sp}/{code} wins over /api/v2/{sp}/sessions/{code}.
    const concreteness = (path: string) => path.split('/').filter((s) => s && !s.startsWith('{')).length;
    this.routes = operations
      .map((op) => ({ op, regex: compile(op.path, '([^/]+)'), loose: compile(op.path, '([^/]*)'), params: [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!) }))
      .sort((a, b) => concreteness(b.op.path) - concreteness(a.op.path));
  }

  /**
   * The operation for `method` and the raw (still percent-encoded) `pathname`, with decoded path
   * parameters; a segment that cannot be decoded is reported, not thrown: a server answers it, a
   * proxy forwards it.
   */
  route(method: string, pathname: string): RouteMatch | undefined {
    const lower = method.toLowerCase();
    for (const r of this.routes) {
      if (r.op.method !== lower) continue;
      const m = r.regex.exec(pathname);
      if (!m) continue;
      const path: Record<string, string> = {};
      for (const [i, name] of r.params.entries()) {
        const decoded = decode(m[i + 1]!);
        if (decoded === undefined) return { kind: 'bad-escape', op: r.op, param: name, raw: m[i + 1]! };
        path[name] = decoded;
      }
      return { kind: 'match', op: r.op, path };
    }
    return undefined;
  }

  /** Like route(), for callers that treat a bad escape as an error: throws URIError for one. */
  match(method: string, pathname: string): { op: Operation; path: Record<string, string> } | undefined {
    const found = this.route(method, pathname);
    if (found?.kind === 'bad-escape') throw new URIError(`path ${found.param}: not valid percent-encoding`);
    return found && { op: found.op, path: found.path };
  }

  /** Methods described for a path (for 405 Allow), or none when no template matches it. */
  allowed(pathname: string): string[] {
    return [...new Set(this.routes.filter((r) => r.regex.test(pathname)).map((r) => r.op.method.toUpperCase()))];
  }

  /** A template the path matches only with an empty parameter: which operation and parameter. */
  emptyParameter(method: string, pathname: string): { op: Operation; param: string } | undefined {
    for (const r of this.routes) {
      if (r.op.method !== method.toLowerCase()) continue;
      const m = r.loose.exec(pathname);
      const index = m ? m.slice(1).findIndex((v) => v === '') : -1;
      if (m && index >= 0) return { op: r.op, param: r.params[index]! };
    }
    return undefined;
  }
}
