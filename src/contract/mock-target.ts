// The embedded mock as a target: started for the run, each case replayed with its `Prefer` header.
import type { Description } from '../description/index.ts';
import { startMock, type RunningMock } from '../mock/server.ts';
import type { Case } from './cases.ts';
import { exchange, type Bounds, type FetchLike } from '../http/exchange.ts';
import { buildInit, buildUrl } from './request.ts';
import type { Sent, Target } from './target.ts';

export class MockTarget implements Target {
  readonly mode = 'mock';
  readonly label = 'embedded mock';
  private mock: RunningMock | undefined;
  private url: string | undefined;

  /** With `url`, an already running mock (e.g. the test suite's); otherwise one is started by open(). */
  constructor(
    private readonly description: Description,
    private readonly bounds: Omit<Bounds, 'signal'>,
    private readonly fetch: FetchLike = (r) => globalThis.fetch(r),
    url?: string,
  ) {
    this.url = url;
  }

  async open(): Promise<void> {
    if (this.url) return;
    this.mock = await startMock({ port: 0, description: this.description });
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
