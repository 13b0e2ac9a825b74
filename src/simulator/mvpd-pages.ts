// The simulated MVPD: a plain HTML sign-in form per MVPD (where performAuthentication redirects)
// whose post checks the scenario's credentials, creates the profile and returns the user agent to
// the session's redirectUrl; and Adobe's logout redirect.
import type { SimContext } from './context.ts';
import { saveProfile, userProfile } from './model.ts';
import { html, redirect, type SimResponse } from './reply.ts';
import { findSession } from './handlers/sessions.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(mvpd: string, displayName: string, code: string, sp: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to ${esc(displayName)}</title></head>
<body>
<main>
<h1>Sign in to ${esc(displayName)}</h1>
<p>Simulated MVPD sign-in page (pass-contract simulator). Enter the credentials of a user from the scenario.</p>
${error ? `<p role="alert" id="error">${esc(error)}</p>` : ''}
<form method="post" action="/_mvpd/${encodeURIComponent(mvpd)}/sign-in">
<input type="hidden" name="code" value="${esc(code)}">
<input type="hidden" name="requestor_id" value="${esc(sp)}">
<label>Username <input name="username" id="username" autocomplete="username" required></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="sign-in">Sign in</button>
</form>
</main>
</body></html>
`;
}

const page = (status: number, title: string, text: string) => html(status, `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>\n`);

/** Routes under /_mvpd/{mvpd}/… and Adobe's /adobe-services/logout. */
export async function mvpdPage(ctx: SimContext, method: string, pathname: string, query: URLSearchParams, body: string | undefined): Promise<SimResponse | undefined> {
  if (pathname === '/adobe-services/logout' && method === 'GET') {
    const target = query.get('redirect_url');
    return target && /^https?:\/\//.test(target) ? redirect(target) : page(200, 'Signed out', 'You are signed out.');
  }
  // A landing page for redirectUrl, so a browser or a workflow can end its sign-in on loopback.
  if (pathname === '/_mvpd/signed-in' && method === 'GET') return page(200, 'Signed in', 'You can return to your device.');
  const m = /^\/_mvpd\/([^/]+)\/sign-in$/.exec(pathname);
  if (!m) return undefined;
  const mvpdId = decodeURIComponent(m[1]!);
  const mvpd = ctx.scenario.mvpds[mvpdId];
  if (!mvpd) return page(404, 'Unknown MVPD', `No MVPD ${mvpdId} in this scenario.`);
  const form = method === 'POST' ? new URLSearchParams(body ?? '') : query;
  const code = form.get('code') ?? '';
  const sp = form.get('requestor_id') ?? '';
  const session = await findSession(ctx, sp, code);
  if (!session || session.mvpd !== mvpdId) return page(400, 'Session expired', 'This sign-in link is no longer valid; start again on your device.');
  if (method === 'GET') return html(200, signInPage(mvpdId, mvpd.displayName, code, sp));
  if (method !== 'POST') return { status: 405, headers: { Allow: 'GET, POST' }, body: '' };
  const user = ctx.scenario.users.find((u) => u.mvpd === mvpdId && u.username === form.get('username') && u.password === form.get('password'));
  if (!user) return html(401, signInPage(mvpdId, mvpd.displayName, code, sp, 'Wrong username or password.'));
  await saveProfile(ctx, sp, session.device, userProfile(ctx, mvpd, user, session.device, session.sso));
  return redirect(session.redirectUrl!);
}
