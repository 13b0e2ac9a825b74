// Keeps secrets out of what the client writes (log entries, error messages) and what an application
// logs through it: the known ones (software statement, client secret, access tokens) in every form
// a server may echo them (secret-forms.ts), and anything shaped like a token. client_id is not a
// secret here (the decision and why: secret-forms.ts); the client's own messages never carry it.
import { REDACTED, SecretForms } from './secret-forms.ts';

/**
 * A run of 20+ token characters with both letters and digits: JWTs, base64 secrets, UUIDs. Adobe's
 * error codes (`invalid_access_token_client_application`) have no digits, so they survive.
 */
const TOKEN_RUN = /[A-Za-z0-9+/_.=~-]{20,}/g;

/** Replaces token-like runs with `[redacted]`. */
function redactTokenLike(text: string): string {
  return text.replace(TOKEN_RUN, (run) => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? REDACTED : run));
}

/** The secrets one client knows; `text` removes them (in each encoded form) and token-like runs. */
export class Redactor {
  private readonly secrets = new SecretForms();

  add(...values: (string | undefined)[]): void {
    for (const value of values) if (value) this.secrets.learn(value);
  }

  text(text: string): string {
    return redactTokenLike(this.secrets.replace(text));
  }
}
