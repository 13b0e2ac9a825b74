// Keeps secrets out of what the client writes (log entries, error messages) and what an application
// logs through it: the known ones (software statement, client secret, access tokens) in every form
// a server may echo them (secret-forms.ts), values of credential fields in JSON and form text (so
// the answer that issues a secret is safe to log before the manager has read it), and anything
// shaped like a token. client_id is not a secret here (the decision and why: secret-forms.ts); the
// client's own messages and log entries never carry it.
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

/** The DCR fields that carry a credential, as a JSON member (`"client_secret": "…"`) or a form field (`client_secret=…`). */
const FIELDS = 'software_statement|client_secret|access_token|refresh_token';
const CREDENTIAL_FIELD = new RegExp(`("(?:${FIELDS})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)"|(\\b(?:${FIELDS})=)([^&\\s"]*)`, 'g');

/** The value a JSON string literal or a form field stands for (undefined when it does not decode). */
function decoded(json: string | undefined, form: string | undefined): string | undefined {
  try {
    return json !== undefined ? (JSON.parse(`"${json}"`) as string) : decodeURIComponent(form!.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Values a Redactor learns from credential fields of the text it is shown, at most (the oldest
 * forgotten first): an application may show it every answer of a long-running process. What it is
 * given (`add`: the manager's statement, client secret and tokens) is kept.
 */
const MAX_LEARNED_FROM_TEXT = 256;

/** The secrets one client knows; `text` removes them (in each encoded form), credential fields and token-like runs. */
export class Redactor {
  private readonly secrets = new SecretForms(MAX_LEARNED_FROM_TEXT);

  add(...values: (string | undefined)[]): void {
    for (const value of values) if (value) this.secrets.learn(value, REDACTED, { keep: true });
  }

  text(text: string): string {
    // Credential fields first teach their values (echoes elsewhere in the text go too), then lose them whatever their length.
    for (const m of text.matchAll(CREDENTIAL_FIELD)) {
      for (const value of [decoded(m[2], m[4]), m[2] ?? m[4]]) if (value) this.secrets.learn(value);
    }
    const fieldsGone = text.replace(CREDENTIAL_FIELD, (_, jsonKey?: string, _json?: string, formKey?: string) => (jsonKey !== undefined ? `${jsonKey}${REDACTED}"` : `${formKey}${REDACTED}`));
    return redactTokenLike(this.secrets.replace(fieldsGone));
  }
}
