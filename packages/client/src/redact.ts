// Keeps secrets out of what the client writes (log entries, error messages): the known ones
// (software statement, client secret, access tokens) and anything shaped like a token.

const REDACTED = '[redacted]';

/**
 * A run of 20+ token characters with both letters and digits: JWTs, base64 secrets, UUIDs. Adobe's
 * error codes (`invalid_access_token_client_application`) have no digits, so they survive.
 */
const TOKEN_RUN = /[A-Za-z0-9+/_.=~-]{20,}/g;

/** Replaces token-like runs with `[redacted]`. */
function redactTokenLike(text: string): string {
  return text.replace(TOKEN_RUN, (run) => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? REDACTED : run));
}

/** The secrets one client knows; `text` removes them (and their URL-encoded form) and token-like runs. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      // Very short values would redact ordinary words; nothing that short is a credential.
      if (!value || value.length < 6) continue;
      this.secrets.add(value);
      this.secrets.add(encodeURIComponent(value));
    }
  }

  text(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    return redactTokenLike(out);
  }
}
