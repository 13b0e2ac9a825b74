// Where the client keeps its DCR client credentials and access token, and how holders of one
// store take turns to change it.
import { waitOrAbort } from './abort.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AccessToken {
  value: string;
  /** Epoch milliseconds after which the token must not be used (renewal margin already taken off). */
  expiresAt: number;
}

export interface TokenState {
  clientCredentials?: ClientCredentials;
  accessToken?: AccessToken;
  /**
   * When these client credentials were registered because Adobe refused the ones before (epoch ms);
   * absent for a first registration. Credentials that were themselves such a replacement are not
   * replaced again within REREGISTER_COOLDOWN_MS.
   */
  reregisteredAt?: number;
}

export interface LockOptions {
  signal?: AbortSignal;
}

/** Persistence for TokenState. `save` must replace the whole state atomically. */
export interface TokenStore {
  load(): Promise<TokenState | undefined>;
  save(state: TokenState): Promise<void>;
  /**
   * Runs `fn` while no other holder of this store (another instance, another process for a file
   * store) runs its own. The DCR token manager re-reads the store and registers or renews inside
   * it, so N holders register once and renew once. Without it, the manager serialises only its own
   * callers.
   */
  withLock?<T>(fn: () => Promise<T>, options?: LockOptions): Promise<T>;
}

/** A FIFO mutex for one process: `run` waits for the previous holder; an aborted wait leaves the queue. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    try {
      await waitOrAbort(previous, signal);
      return await fn();
    } finally {
      release();
    }
  }
}

export class MemoryTokenStore implements TokenStore {
  private state: TokenState | undefined;
  private readonly mutex = new Mutex();

  constructor(initial?: TokenState) {
    this.state = initial && structuredClone(initial);
  }

  async load() {
    return this.state && structuredClone(this.state);
  }

  async save(state: TokenState) {
    this.state = structuredClone(state);
  }

  withLock<T>(fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    return this.mutex.run(fn, options.signal);
  }
}
