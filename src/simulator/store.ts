// Where the simulator keeps state: a small async key-value interface (namespaces, per-entry expiry),
// in memory by default. A shared store (Redis, a database) can implement the same interface.

/** The namespaces the simulator uses; each is bounded on its own. */
export const NAMESPACES = ['clients', 'tokens', 'sessions', 'deviceSessions', 'profiles', 'sso', 'temppass', 'throttle', 'mediaTokens'] as const;
export type Namespace = (typeof NAMESPACES)[number];

export interface StateStore {
  get<T>(ns: Namespace, key: string): Promise<T | undefined>;
  /** Stores `value` until `expiresAt` (epoch ms of the simulator's clock; undefined = until evicted). */
  set<T>(ns: Namespace, key: string, value: T, expiresAt?: number): Promise<void>;
  delete(ns: Namespace, key: string): Promise<boolean>;
  /**
   * Read-modify-write of one key, atomic with respect to other calls on the same store (a shared
   * store does it with a transaction or a script). `fn` returns the new value and its expiry, or
   * undefined to delete; `update` resolves to what `fn` returned as `result`.
   */
  update<T, R>(ns: Namespace, key: string, fn: (current: T | undefined) => { value?: T; expiresAt?: number; result: R }): Promise<R>;
  /** Every live entry of a namespace (control API snapshots; not used on the request path). */
  entries<T>(ns: Namespace): Promise<[string, T][]>;
  /** Live entry count per namespace. */
  counts(): Promise<Record<string, number>>;
  clear(): Promise<void>;
}

export interface MemoryStoreOptions {
  /** The simulator's clock (expiry is in its time). */
  now: () => number;
  /** Most entries kept per namespace; the least recently written go first. Default 50,000. */
  maxEntries?: number;
}

interface Entry { value: unknown; expiresAt: number }

/**
 * In-memory store. Bounded: expired entries are dropped when read and swept every so many
 * writes, and each namespace keeps at most `maxEntries` (Map order = write order, so the oldest
 * write is evicted first). State stays flat under a long soak.
 */
export class MemoryStore implements StateStore {
  private readonly maps = new Map<Namespace, Map<string, Entry>>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  private writes = 0;

  constructor(o: MemoryStoreOptions) {
    this.now = o.now;
    this.maxEntries = o.maxEntries ?? 50_000;
  }

  private map(ns: Namespace): Map<string, Entry> {
    let m = this.maps.get(ns);
    if (!m) this.maps.set(ns, (m = new Map()));
    return m;
  }

  private live(ns: Namespace, key: string): Entry | undefined {
    const m = this.map(ns);
    const e = m.get(key);
    if (e && e.expiresAt <= this.now()) {
      m.delete(key);
      return undefined;
    }
    return e;
  }

  private write(ns: Namespace, key: string, value: unknown, expiresAt: number | undefined): void {
    const m = this.map(ns);
    m.delete(key); // re-insert so Map order is write order
    m.set(key, { value, expiresAt: expiresAt ?? Number.POSITIVE_INFINITY });
    if (m.size > this.maxEntries) m.delete(m.keys().next().value!);
    if (++this.writes % 1024 === 0) this.sweep();
  }

  /** Drops every expired entry (amortised: once per 1,024 writes). */
  sweep(): void {
    const now = this.now();
    for (const m of this.maps.values()) for (const [k, e] of m) if (e.expiresAt <= now) m.delete(k);
  }

  async get<T>(ns: Namespace, key: string): Promise<T | undefined> {
    return this.live(ns, key)?.value as T | undefined;
  }

  async set<T>(ns: Namespace, key: string, value: T, expiresAt?: number): Promise<void> {
    this.write(ns, key, value, expiresAt);
  }

  async delete(ns: Namespace, key: string): Promise<boolean> {
    return this.map(ns).delete(key);
  }

  async update<T, R>(ns: Namespace, key: string, fn: (current: T | undefined) => { value?: T; expiresAt?: number; result: R }): Promise<R> {
    // Single-threaded and synchronous between read and write: atomic by construction.
    const out = fn(this.live(ns, key)?.value as T | undefined);
    if (out.value === undefined) this.map(ns).delete(key);
    else this.write(ns, key, out.value, out.expiresAt);
    return out.result;
  }

  async entries<T>(ns: Namespace): Promise<[string, T][]> {
    const now = this.now();
    return [...this.map(ns)].filter(([, e]) => e.expiresAt > now).map(([k, e]) => [k, e.value as T]);
  }

  async counts(): Promise<Record<string, number>> {
    this.sweep();
    return Object.fromEntries([...this.maps].map(([ns, m]) => [ns, m.size]));
  }

  async clear(): Promise<void> {
    this.maps.clear();
  }
}
