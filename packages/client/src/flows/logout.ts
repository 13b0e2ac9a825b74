// Turns a logout response into what the application must do next, per MVPD.
import type { components } from '../../generated/schema.d.ts';
import { isHttpUrl } from '../base-url.ts';

type LogoutResponse = components['schemas']['LogoutResponse'];

export type LogoutStep =
  /** Open `url` in a user agent (browser or web view) to log out at the MVPD. */
  | { mvpd: string; do: 'openUrl'; url: string }
  /** Tell the user to sign out at the partner (system) level too, e.g. Apple TV provider settings. */
  | { mvpd: string; do: 'askPartnerSignOut' }
  /** Nothing left to do. */
  | { mvpd: string; do: 'nothing'; reason: 'complete' | 'invalid' };

/**
 * One step per MVPD in `logouts`. Relative URLs (Adobe returns some) are resolved against
 * `baseUrl`, the Adobe host the request went to.
 */
export function interpretLogout(response: LogoutResponse, baseUrl?: string): LogoutStep[] {
  const logouts: unknown = response?.logouts;
  if (!logouts || typeof logouts !== 'object' || Array.isArray(logouts)) throw new Error('logouts: missing or not an object');
  return Object.entries(logouts as LogoutResponse['logouts']).map(([key, action]): LogoutStep => {
    if (!action || typeof action !== 'object') throw new Error(`logouts.${key}: not an object`);
    const mvpd = action.mvpd || key;
    switch (action.actionName) {
      case 'logout': {
        if (!action.url) throw new Error(`logouts.${key}: actionName "logout" without url`);
        // The user agent opens it: a `javascript:` or `data:` URL would run there. Relative ones are Adobe's own.
        if (!isHttpUrl(action.url, baseUrl)) throw new Error(`logouts.${key}: actionName "logout" with a url that is not an http(s) URL`);
        return { mvpd, do: 'openUrl', url: baseUrl ? new URL(action.url, baseUrl).toString() : action.url };
      }
      case 'partner_logout':
        return { mvpd, do: 'askPartnerSignOut' };
      case 'complete':
      case 'invalid':
        return { mvpd, do: 'nothing', reason: action.actionName };
      default:
        throw new Error(`logouts.${key}: unknown actionName "${String((action as { actionName: unknown }).actionName)}"`);
    }
  });
}
