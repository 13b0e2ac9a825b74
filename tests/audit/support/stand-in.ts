// A loopback Adobe stand-in that behaves like the real host where the audit rules look: a new
// token per token request, codes that expire, a profile only after the user "signs in", a partner
// that times out a few times (action retry), and Adobe's throttle per X-Forwarded-For (429).
// Built on tests/support/local-adobe.ts (documented examples for everything else).
import { startLocalAdobe, type Answer, type Override, type Received } from '../../support/local-adobe.ts';
import { description } from './har.ts';

export interface StandInOptions {
  now: () => number;
  /** Polls of a code answered "no profile yet" before the profile appears. */
  pollsBeforeProfile: number;
  /** Authorization requests answered 403 network_connection_timeout (action retry) before a permit. */
  authorizeFailures: number;
}

/**
 * The throttle as a token bucket of one (refilled at 1/s) plus a one-time burst of 10, per
 * X-Forwarded-For (else one key for the caller). Written separately from the audit's model on purpose.
 */
function throttle(now: () => number) {
  const buckets = new Map<string, { tokens: number; burst: number; last: number }>();
  return (r: Received): boolean => {
    const key = String(r.headers['x-forwarded-for'] ?? 'caller');
    const t = now();
    const b = buckets.get(key) ?? { tokens: 1, burst: 10, last: t };
    b.tokens = Math.min(1, b.tokens + (t - b.last) / 1000);
    b.last = t;
    buckets.set(key, b);
    if (b.tokens >= 1) b.tokens -= 1;
    else if (b.burst > 0) b.burst -= 1;
    else return false;
    return true;
  };
}

const TOO_MANY: Answer = { status: 429, body: '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>openresty</center></body></html>' };

export async function startStandIn(o: StandInOptions) {
  let tokens = 0;
  let authorizeCalls = 0;
  const polls = new Map<string, number>();
  const codes: string[] = [];
  const allow = throttle(o.now);
  const behaviour: Record<string, Override> = {
    retrieveAccessToken: () => ({ status: 200, body: { access_token: `stand-in-token-${++tokens}-${'x'.repeat(24)}`, token_type: 'bearer', expires_in: 21600 } }),
    createAuthenticationSession: () => {
      const code = `CODE${codes.length + 1}`;
      codes.push(code);
      return { status: 201, body: { actionName: 'authenticate', actionType: 'interactive', reasonType: 'none', url: `/api/v2/authenticate/REF30/${code}`, code, sessionId: `s-${code}`, mvpd: 'Cablevision', serviceProvider: 'REF30', notBefore: String(o.now()), notAfter: String(o.now() + 1_800_000) } };
    },
    retrieveProfileForCode: (r): Answer => {
      const code = r.path.split('/').pop()!.split('?')[0]!;
      const n = (polls.get(code) ?? 0) + 1;
      polls.set(code, n);
      if (n <= o.pollsBeforeProfile) return { status: 200, body: { profiles: {} as Record<string, never> } };
      return { status: 200, body: { profiles: { Cablevision: { notBefore: o.now(), notAfter: o.now() + 86_400_000, issuer: 'Cablevision', type: 'regular', attributes: { userID: { value: 'u-1', state: 'plain' } } } } } };
    },
    retrieveAuthorizationDecisions: () => {
      if (++authorizeCalls <= o.authorizeFailures) return { status: 403, body: { status: 403, code: 'network_connection_timeout', action: 'retry', message: 'There was a connection timeout with the associated partner service.' } };
      return undefined;
    },
  };
  const overrides: Record<string, Override> = {};
  for (const op of description.operations) {
    const inner = behaviour[op.operationId];
    overrides[op.operationId] = (r, count) => (allow(r) ? inner?.(r, count) : TOO_MANY);
  }
  return startLocalAdobe(overrides);
}
