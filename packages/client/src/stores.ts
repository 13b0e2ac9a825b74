// Where the client keeps its DCR client credentials and access token.
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AccessToken {
  value: string;
  /** Epoch milliseconds after which the token must not be used. */
  expiresAt: number;
}

export interface TokenState {
  clientCredentials?: ClientCredentials;
  accessToken?: AccessToken;
}

/** Persistence for TokenState. `save` must replace the whole state atomically. */
export interface TokenStore {
  load(): Promise<TokenState | undefined>;
  save(state: TokenState): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  private state: TokenState | undefined;
  constructor(initial?: TokenState) {
    this.state = initial && structuredClone(initial);
  }
  async load() {
    return this.state && structuredClone(this.state);
  }
  async save(state: TokenState) {
    this.state = structuredClone(state);
  }
}
