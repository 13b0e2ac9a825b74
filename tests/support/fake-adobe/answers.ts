// What the fake host answers: Adobe's documented success examples with fresh values, and Adobe's
// error shapes (enhanced errors, OAuth errors for DCR, HTML for the redirect endpoint), built from
// the description: x-error-code on inputs, x-error-catalog for status, action and message.
import { randomBytes, randomUUID } from 'node:crypto';
import { deref, errorCatalog, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../../../src/description/document.ts';
import { HELP_URL } from '../../../src/description/errors.ts';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** A JSON value, raw text with its own Content-Type in headers, or raw bytes (sent as they are). */
  body?: Json | string | Uint8Array;
}

const JSON_TYPE = { 'Content-Type': 'application/json;charset=UTF-8' };

const TIMES: Record<string, number> = { notBefore: 0, issuedAt: 0, created_at: 0, notAfter: 7 * 60_000 };

/** Today's times instead of the samples' (a live host never repeats a sample's timestamps). */
function freshTimes(value: Json, now: number): Json {
  if (Array.isArray(value)) return value.map((v) => freshTimes(v, now));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k in TIMES && typeof v === 'number' ? now + TIMES[k]! : freshTimes(v, now)]));
}

/** The operation's first documented success example (2xx body, or 3xx Location), with fresh times. */
export function successAnswer(op: Operation): Answer {
  const ex = op.responseExamples.find((e) => /^[23]/.test(e.status))!;
  if (ex.header) return { status: Number(ex.status), headers: { [ex.header]: String(ex.value) } };
  return { status: Number(ex.status), headers: { ...JSON_TYPE }, body: freshTimes(ex.value, Date.now()) };
}

/** A fresh credential-looking value: long (well over 200 characters for tokens) and unique. */
export const fresh = (prefix: string, bytes = 24) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export function registration(clientId: string, clientSecret: string): Answer {
  return {
    status: 201, headers: { ...JSON_TYPE },
    body: { client_id: clientId, client_secret: clientSecret, client_id_issued_at: Math.floor(Date.now() / 1000), redirect_uris: ['https://adobe.com'], grant_types: ['client_credentials'], scopes: ['api:client:v2'] },
  };
}

export function accessToken(token: string, expiresIn = 86_400): Answer {
  return { status: 201, headers: { ...JSON_TYPE }, body: { id: randomUUID(), access_token: token, created_at: Date.now(), expires_in: expiresIn, token_type: 'bearer' } };
}

export const oauthError = (error: string): Answer => ({ status: 400, headers: { ...JSON_TYPE }, body: { error } });

export const throttled = (): Answer => ({
  status: 429, headers: { 'Content-Type': 'text/html' },
  body: '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n',
});

/** Adobe's enhanced error for `code`, from the description's catalog. */
export function enhancedError(doc: OpenApiDocument, code: string): Answer {
  const entry = errorCatalog(doc).get(code);
  if (!entry) throw new Error(`fake Adobe: ${code} is not in x-error-catalog`);
  const { status } = entry;
  return {
    status, headers: { ...JSON_TYPE },
    body: { action: entry.action, status, code, message: entry.message, helpUrl: HELP_URL },
  };
}

/** The error an operation answers for a bad input with `code`: DCR → OAuth, the redirect endpoint → HTML. */
export function inputError(doc: OpenApiDocument, op: Operation, code: string | undefined, status = 400): Answer {
  if (op.path.startsWith('/o/client/')) {
    const schemas = doc.components.schemas as JsonObject;
    const codes = ['RegistrationErrorCode', 'TokenErrorCode'].flatMap((n) => ((schemas[n] as JsonObject).oneOf as JsonObject[]).map((b) => b.const));
    return oauthError(code && codes.includes(code) ? code : 'invalid_request');
  }
  const documented = deref<JsonObject>(doc, (op.node.responses as JsonObject)[String(status)] ?? {}, `${op.pointer}/responses/${status}`).node;
  const content = documented.content as JsonObject | undefined;
  if (content && !('application/json' in content) && 'text/html' in content) return { status, headers: { 'Content-Type': 'text/html' }, body: `<html><body>${status}</body></html>` };
  return code ? enhancedError(doc, code) : { status, headers: {} };
}
