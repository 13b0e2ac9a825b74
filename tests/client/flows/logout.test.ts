import { describe, expect, it } from 'vitest';
import { interpretLogout } from '../../../packages/client/src/flows/logout.ts';
import { listOperations, loadBundledDescription } from '../../../src/description/document.ts';

const logout = listOperations(loadBundledDescription()).find((op) => op.operationId === 'initiateLogout')!;
const example = (name: string) => logout.responseExamples.find((e) => e.name === name)!.value as never;

describe('interpretLogout on the documented logout examples', () => {
  it('opens the MVPD logout URL, resolving relative ones against the host', () => {
    expect(interpretLogout(example('logoutWithEndpoint'))).toEqual([{ mvpd: 'Cablevision', do: 'openUrl', url: expect.stringMatching(/^https:\/\/sp\.auth\.adobe\.com\//) }]);
    expect(interpretLogout(example('logoutServiceTokenSso'), 'https://sp.auth-staging.adobe.com')[0]).toMatchObject({ do: 'openUrl', url: expect.stringMatching(/^https:\/\/sp\.auth-staging\.adobe\.com\/adobe-services\/logout\?/) });
  });

  it('asks for a partner-level sign-out after Apple SSO', () => {
    expect(interpretLogout(example('logoutAppleSso'))).toEqual([{ mvpd: 'Cablevision', do: 'askPartnerSignOut' }]);
  });

  it.each(['logoutWithoutEndpoint', 'logoutDegraded', 'logoutTempPass'])('does nothing for %s', (name) => {
    expect(interpretLogout(example(name))).toEqual([expect.objectContaining({ do: 'nothing', reason: 'complete' })]);
  });

  it.each([
    ['no logouts at all', {}, 'logouts: missing or not an object'],
    ['logouts as a list', { logouts: [] }, 'logouts: missing or not an object'],
    ['an action that is null', { logouts: { X: null } }, 'logouts.X: not an object'],
  ])('says what is wrong with an answer with %s (not a TypeError from inside)', (_, response, message) => {
    expect(() => interpretLogout(response as never)).toThrow(new Error(message));
  });

  it.each(['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd'])('rejects a logout url %s, which the user agent would open, without repeating it', (url) => {
    const response = { logouts: { X: { actionName: 'logout', actionType: 'interactive', mvpd: 'X', url } } } as never;
    expect(() => interpretLogout(response)).toThrow(new Error('logouts.X: actionName "logout" with a url that is not an http(s) URL'));
    expect(() => interpretLogout(response, 'https://sp.auth.adobe.com')).toThrow(new Error('logouts.X: actionName "logout" with a url that is not an http(s) URL'));
  });

  it('rejects a logout action without url', () => {
    expect(() => interpretLogout({ logouts: { X: { actionName: 'logout', actionType: 'interactive', mvpd: 'X' } } } as never)).toThrow('logouts.X: actionName "logout" without url');
  });
});
