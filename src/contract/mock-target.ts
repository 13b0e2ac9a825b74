// The embedded mock as a target: started for the run, each case replayed with its `Prefer` header.
import type { Case } from './cases.ts';
import { exchange, type Bounds, type FetchLike } from '../http/exchange.ts';
import type { LocalServer } from './local-servers.ts';
import { buildInit, buildUrl } from './request.ts';
import type { Sent, Target } from './target.ts';

export class MockTarget implements Target {
  readonly mode = 'mock';
  readonly label = 'embedded mock';
  private mock: LocalServer | undefined;
  private url: string | undefined;
  private readonly start: (() => Promise<LocalServer>) | undefined;

  /**
   * `mock` is the URL of an already running mock (e.g. the test suite's), or how to start one:
   * open() calls it and close() stops what it started.
   */
  constructor(
    mock: string | (() => Promise<LocalServer>),
    private readonly bounds: Omit<Bounds, 'signal'>,
    private readonly fetch: FetchLike = (r) => globalThis.fetch(r),
  ) {
    if (typeof mock === 'string') this.url = mock;
    else this.start = mock;
  }

  async open(): Promise<void> {
    if (this.url || !this.start) return;
    this.mock = await this.start();
    this.url = this.mock.url;
  }

  select(cases: Case[]) {
    return { run: cases, skipped: [] };
  }

  async send(c: Case, signal: AbortSignal): Promise<Sent> {
    if (!this.url) throw new Error('MockTarget.send() before open()');
    const response = await exchange(this.fetch, buildUrl(this.url, c.request), buildInit(c.request, c.prefer), { ...this.bounds, signal });
    return { request: c.request, exchange: response, attempts: 1 };
  }

  async close(): Promise<void> {
    await this.mock?.close();
    if (this.mock) this.url = undefined;
    this.mock = undefined;
  }
}
