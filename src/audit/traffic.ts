// Turns HAR entries into compact exchanges (what the rules need, no secret values) and groups them
// per device. A 100,000-request recording is read as a stream; only these small records are kept.
import type { Entry } from 'har-format';
import type { Description } from '../description/index.ts';
import { HarRedactor, isForm, isJson } from '../http/har-redact.ts';
import { retryAfterMs } from '../http/exchange.ts';
import { entryBodyText, HarReadError, readHarEntries } from '../http/har.ts';

/** One request to Adobe's API and what came back, reduced to what the rules look at. */
export interface Exchange {
  /** Position among all audited exchanges, in the order the files were given (1-based). */
  n: number;
  /** Index of the file in the input list, and the entry's 1-based position in that file. */
  file: number;
  entry: number;
  /** Request start and response end, epoch milliseconds. */
  start: number;
  end: number;
  method: string;
  path: string;
  /** Query parameters as sent (names and values); undefined when there are none. */
  query?: [string, string][];
  operationId?: string;
  /** Path parameters of the matched operation that rules use. */
  serviceProvider?: string;
  mvpd?: string;
  code?: string;
  /** Lower-cased names of the request headers (HTTP/2 pseudo-headers left out); equal lists share one array. */
  headerNames: readonly string[];
  /** The grouping key and its label: the AP-Device-Identifier, else the X-Forwarded-For address. */
  device: string;
  deviceId?: string;
  forwardedFor?: string;
  deviceInfo?: string;
  userAgent?: string;
  /** Who Adobe's throttle counts this request against: X-Forwarded-For, else the connecting address. */
  throttleKey: string;
  /** Reference (never the value) of the bearer token sent. */
  token?: string;
  /** A reference to the request body, equal for equal bodies. */
  bodyRef?: string;
  /** Top-level field names of the request body (JSON object or form). */
  bodyFields?: readonly string[];
  clientId?: string;
  softwareStatement?: string;
  resources?: readonly string[];
  status: number;
  retryAfterMs?: number;
  /** Top-level enhanced error, or a DCR OAuth error (`code` only). */
  error?: { action?: string; code: string };
  issued?: { token: string; expiresInMs: number };
  registeredClientId?: string;
  session?: { code?: string; notAfter?: number; actionName?: string };
  /** Profiles in a profiles response (an empty list means "none yet"). */
  profiles?: { mvpd: string; notAfter?: number }[];
  decisions?: { resource: string; authorized: boolean; action?: string; code?: string }[];
}

export interface Device {
  key: string;
  /** What a report calls the device. */
  label: string;
  exchanges: Exchange[];
}

export interface Traffic {
  files: string[];
  /** Every exchange with Adobe's API, sorted by start time. */
  exchanges: Exchange[];
  devices: Map<string, Device>;
  /** Entries that were not calls to Adobe's API (other hosts, CORS preflights, assets). */
  ignored: number;
  /** Entries read in total. */
  entries: number;
}

export interface LoadOptions {
  /** Only entries to these hosts count (default: any host, API paths only). */
  hosts?: string[];
  signal?: AbortSignal;
}

/** Paths of Adobe Pass REST API V2 and DCR. */
const API_PATH = /^\/(api\/v2|o\/client)\//;
const NO_DEVICE = '(no device header)';

/** Reads the files one after another and returns the exchanges sorted by time and grouped by device. */
export async function loadTraffic(files: string[], description: Description, options: LoadOptions = {}): Promise<Traffic> {
  const extractor = new ExchangeExtractor(description, options.hosts);
  const exchanges: Exchange[] = [];
  let entries = 0;
  for (const [file, path] of files.entries()) {
    let index = 0;
    for await (const entry of readHarEntries(path, options.signal ? { signal: options.signal } : {})) {
      index++;
      entries++;
      const problem = entryProblem(entry);
      if (problem) throw new HarReadError(`${path}: entry ${index} is not a HAR entry: ${problem}`);
      const x = extractor.extract(entry, file, index, exchanges.length + 1);
      if (x) exchanges.push(x);
    }
  }
  return group(files, exchanges, entries);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** What is wrong with a headers list the audit reads (`where` names it), or undefined. */
function headersProblem(where: string, headers: unknown): string | undefined {
  if (headers === undefined) return undefined;
  if (!Array.isArray(headers)) return `${where} must be an array`;
  const bad = headers.findIndex((h) => !isObject(h) || typeof h.name !== 'string' || typeof h.value !== 'string');
  return bad < 0 ? undefined : `${where}[${bad}] must be an object with a string name and value`;
}

/** What is wrong with a postData or content object the audit reads (postData's params included), or undefined. */
function bodyProblem(where: string, body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (!(isObject(body) && optionalString(body.text) && optionalString(body.mimeType) && optionalString(body.encoding))) return `${where} must be an object whose text and mimeType are strings`;
  const params = body.params;
  if (params === undefined) return undefined;
  return Array.isArray(params) && params.every((p) => isObject(p) && typeof p.name === 'string' && optionalString(p.value)) ? undefined : `${where}.params must be a list of objects with a string name and value`;
}

/**
 * What makes an entry unusable (the fields the audit reads), or undefined: checked here, so that a
 * file some tool wrote oddly is named with its entry, not met later as a TypeError.
 */
function entryProblem(e: Entry): string | undefined {
  const v = e as unknown as { request?: { method?: unknown; url?: unknown; headers?: unknown; postData?: unknown }; response?: { status?: unknown; headers?: unknown; content?: unknown }; startedDateTime?: unknown };
  if (typeof v.request?.method !== 'string' || typeof v.request.url !== 'string') return 'request.method and request.url must be strings';
  if (typeof v.response?.status !== 'number') return 'response.status must be a number';
  if (typeof v.startedDateTime !== 'string' || Number.isNaN(Date.parse(v.startedDateTime))) return `startedDateTime must be an ISO 8601 date, got ${JSON.stringify(v.startedDateTime)?.slice(0, 40)}`;
  return headersProblem('request.headers', v.request.headers) ?? headersProblem('response.headers', v.response.headers)
    ?? bodyProblem('request.postData', v.request.postData) ?? bodyProblem('response.content', v.response.content);
}

/** Groups already extracted exchanges (tests build them from synthetic entries). */
export function group(files: string[], exchanges: Exchange[], entries = exchanges.length): Traffic {
  const sorted = [...exchanges].sort((a, b) => a.start - b.start || a.n - b.n);
  attach(sorted);
  const devices = new Map<string, Device>();
  for (const x of sorted) {
    let d = devices.get(x.device);
    if (!d) {
      d = { key: x.device, label: deviceLabel(x.device), exchanges: [] };
      devices.set(x.device, d);
    }
    d.exchanges.push(x);
  }
  return { files, exchanges: sorted, devices, ignored: entries - exchanges.length, entries };
}

/**
 * Requests that carry no AP-Device-Identifier (their page does not take it: sessions and profiles by
 * code) still belong to a device: the one that created the code, or the only device id seen behind
 * the same X-Forwarded-For address.
 */
function attach(sorted: Exchange[]): void {
  const codeOwner = new Map<string, string>();
  const idsBehind = new Map<string, Set<string>>();
  for (const x of sorted) {
    if (x.operationId === 'createAuthenticationSession' && x.session?.code && x.deviceId && !codeOwner.has(x.session.code)) codeOwner.set(x.session.code, x.device);
    if (x.deviceId && x.forwardedFor) idsBehind.set(x.forwardedFor, (idsBehind.get(x.forwardedFor) ?? new Set()).add(x.device));
  }
  for (const x of sorted) {
    if (x.deviceId) continue;
    const owner = x.code ? codeOwner.get(x.code) : undefined;
    const behind = x.forwardedFor ? idsBehind.get(x.forwardedFor) : undefined;
    const device = owner ?? (behind?.size === 1 ? [...behind][0]! : undefined);
    if (device) x.device = device;
  }
}

function deviceLabel(key: string): string {
  if (key.startsWith('id:')) return key.slice(3);
  if (key.startsWith('ip:')) return `${key.slice(3)} (X-Forwarded-For)`;
  return key;
}

/** Reads numbers Adobe sends either as JSON numbers or as strings of digits. */
const millis = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** Extracts exchanges; holds the string pool and the key that turns secrets into references. */
export class ExchangeExtractor {
  // Values repeat across a recording (paths, device ids, tokens): keep one copy of each.
  private readonly pool = new Map<string, string>();
  private readonly refs = new HarRedactor();

  constructor(private readonly description: Description, private readonly hosts?: string[]) {}

  private readonly lists = new Map<string, readonly string[]>();
  private readonly tokens = new Map<string, string>();

  /** One shared array per distinct list of header names. */
  private internList(names: string[]): readonly string[] {
    const key = names.join('\n');
    let hit = this.lists.get(key);
    if (!hit) {
      hit = Object.freeze(names.map((n) => this.intern(n)));
      if (this.lists.size < 10_000) this.lists.set(key, hit);
    }
    return hit;
  }

  /** The reference of a token (or a short body), computed once per distinct value. */
  private tokenRef(credential: string): string {
    let ref = this.tokens.get(credential);
    if (!ref) {
      ref = this.intern(this.refs.ref(credential));
      if (this.tokens.size > 10_000) this.tokens.clear();
      this.tokens.set(credential, ref);
    }
    return ref;
  }

  private intern(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    // A copy: the parser's strings are slices of its read buffers, and keeping one slice
    // would keep its whole buffer alive (measured: the whole file, for 100,000 entries).
    const copy = Buffer.from(s, 'utf8').toString('utf8');
    if (this.pool.size < 200_000) this.pool.set(copy, copy);
    return copy;
  }

  extract(e: Entry, file: number, entry: number, n: number): Exchange | undefined {
    let url: URL;
    try {
      url = new URL(e.request.url);
    } catch {
      return undefined;
    }
    const method = e.request.method.toUpperCase();
    if (method === 'OPTIONS' || !API_PATH.test(url.pathname)) return undefined;
    if (this.hosts && !this.hosts.includes(url.host) && !this.hosts.includes(url.hostname)) return undefined;

    const headers = new Map<string, string>();
    for (const h of e.request.headers ?? []) {
      const name = h.name.toLowerCase();
      if (name.startsWith(':')) continue;
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${h.value}` : h.value);
    }
    const start = Date.parse(e.startedDateTime);
    // route(), not match(): a segment with a bad %-escape still names its operation (match() throws).
    const routed = this.description.router.route(method, url.pathname);
    const match = routed && { op: routed.op, path: routed.kind === 'match' ? routed.path : undefined };
    const deviceId = headers.get('ap-device-identifier')?.trim() || undefined;
    const forwardedFor = headers.get('x-forwarded-for')?.split(',')[0]?.trim() || undefined;
    const clientAddress = (e as Entry & { _clientAddress?: string })._clientAddress;
    const auth = headers.get('authorization');
    const credential = auth?.replace(/^\S+\s+/, '').trim();
    const info = headers.get('x-device-info');
    const ua = headers.get('user-agent');
    const query = url.search ? [...url.searchParams].map(([k, v]) => [this.intern(k), v] as [string, string]) : undefined;
    const p = match?.path;
    // Every field is assigned here, in one order, so that all exchanges share one object shape:
    // 100,000 of them stay compact (V8 keeps same-shaped objects' fields inline).
    const x: Exchange = {
      n, file, entry,
      start,
      end: start + Math.max(0, Number(e.time) || 0),
      method: this.intern(method),
      path: this.intern(url.pathname),
      query,
      operationId: match?.op.operationId,
      serviceProvider: p?.serviceProvider === undefined ? undefined : this.intern(p.serviceProvider),
      mvpd: p?.mvpd === undefined ? undefined : this.intern(p.mvpd),
      code: p?.code === undefined ? undefined : this.intern(p.code),
      headerNames: this.internList([...headers.keys()]),
      device: this.intern(deviceId ? `id:${deviceId}` : forwardedFor ? `ip:${forwardedFor}` : NO_DEVICE),
      deviceId: deviceId === undefined ? undefined : this.intern(deviceId),
      forwardedFor: forwardedFor === undefined ? undefined : this.intern(forwardedFor),
      deviceInfo: info ? this.intern(info) : undefined,
      userAgent: ua ? this.intern(ua) : undefined,
      throttleKey: this.intern(forwardedFor ?? clientAddress ?? '(this client)'),
      token: credential ? this.tokenRef(credential) : undefined,
      bodyRef: undefined,
      bodyFields: undefined,
      clientId: undefined,
      softwareStatement: undefined,
      resources: undefined,
      status: e.response.status,
      retryAfterMs: undefined,
      error: undefined,
      issued: undefined,
      registeredClientId: undefined,
      session: undefined,
      profiles: undefined,
      decisions: undefined,
    };
    const header = (name: string) => e.response.headers?.find((h) => h.name.toLowerCase() === name)?.value;
    const retryAfter = header('retry-after');
    if (retryAfter !== undefined) {
      // Read as the client reads it (a date against the answer's own Date, else against when the
      // answer was recorded); a value a Headers object refuses (a line break) is unreadable.
      try {
        const date = header('date');
        x.retryAfterMs = retryAfterMs(new Headers({ 'Retry-After': retryAfter, ...(date !== undefined ? { Date: date } : {}) }), x.end);
      } catch {
        /* unreadable: no Retry-After */
      }
    }
    this.requestBody(e, x);
    this.responseBody(e, x);
    return x;
  }

  private requestBody(e: Entry, x: Exchange): void {
    const post = e.request.postData;
    if (!post) return;
    const mime = post.mimeType ?? '';
    let fields: Record<string, unknown> | undefined;
    const text = post.text ?? (post.params ? new URLSearchParams(post.params.map((p) => [p.name, p.value ?? ''])).toString() : undefined);
    if (text === undefined) return;
    x.bodyRef = text.length <= 1024 ? this.tokenRef(text) : this.intern(this.refs.ref(text));
    if (isForm(mime) || (!isJson(mime) && /^[\w.%-]+=/.test(text))) {
      fields = Object.fromEntries(new URLSearchParams(text));
    } else {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>;
      } catch {
        return;
      }
    }
    if (!fields) return;
    x.bodyFields = this.internList(Object.keys(fields));
    if (typeof fields.client_id === 'string') x.clientId = this.intern(fields.client_id);
    if (typeof fields.software_statement === 'string') x.softwareStatement = this.intern(this.refs.ref(fields.software_statement));
    if (Array.isArray(fields.resources)) x.resources = this.internList(fields.resources.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))));
  }

  private responseBody(e: Entry, x: Exchange): void {
    const text = entryBodyText(e.response.content);
    if (!text || !/^\s*[{[]/.test(text)) return;
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
      body = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof body.code === 'string' && typeof body.action === 'string') x.error = { action: this.intern(body.action), code: this.intern(body.code) };
    else if (x.status >= 400 && typeof body.error === 'string') x.error = { code: this.intern(body.error) };
    if (x.status >= 300) return;

    switch (x.operationId) {
      case 'retrieveAccessToken':
        if (typeof body.access_token === 'string' && typeof body.expires_in === 'number') {
          x.issued = { token: this.intern(this.refs.ref(body.access_token)), expiresInMs: body.expires_in * 1000 };
        }
        break;
      case 'retrieveClientCredentials':
        if (typeof body.client_id === 'string') x.registeredClientId = this.intern(body.client_id);
        break;
      case 'createAuthenticationSession':
      case 'resumeAuthenticationSession':
      case 'retrieveAuthenticationSession':
      case 'retrievePartnerAuthenticationRequest': {
        const notAfter = millis(body.notAfter);
        x.session = {
          ...(typeof body.code === 'string' ? { code: this.intern(body.code) } : {}),
          ...(notAfter !== undefined ? { notAfter } : {}),
          ...(typeof body.actionName === 'string' ? { actionName: this.intern(body.actionName) } : {}),
        };
        break;
      }
      default:
        if (body.profiles && typeof body.profiles === 'object') {
          x.profiles = Object.entries(body.profiles as Record<string, { notAfter?: unknown }>).map(([mvpd, p]) => {
            const notAfter = millis(p?.notAfter);
            return { mvpd: this.intern(mvpd), ...(notAfter !== undefined ? { notAfter } : {}) };
          });
        }
        if (Array.isArray(body.decisions)) {
          x.decisions = (body.decisions as Record<string, unknown>[]).map((d) => {
            const err = d.error as { action?: unknown; code?: unknown } | undefined;
            return {
              resource: this.intern(typeof d.resource === 'string' ? d.resource : JSON.stringify(d.resource)),
              authorized: d.authorized === true,
              ...(typeof err?.action === 'string' ? { action: this.intern(err.action) } : {}),
              ...(typeof err?.code === 'string' ? { code: this.intern(err.code) } : {}),
            };
          });
        }
    }
  }
}
