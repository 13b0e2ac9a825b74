// `pass-contract simulate`: prints what an application needs, serves until stopped, then closes.
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';

describe('pass-contract simulate', () => {
  it('prints its URL, the software statement, the service provider and the MVPDs, serves, and stops on request', async () => {
    const out: string[] = [];
    let stop!: () => void;
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const io: Io = {
      out: (line) => {
        out.push(line);
        const m = /^simulator listening on (\S+)/.exec(line);
        if (m) listening(m[1]!);
      },
      err: (line) => out.push(`ERR ${line}`),
      isTTY: false,
      stopped: () => new Promise<void>((resolve) => (stop = resolve)),
    };
    const running = main(['simulate', '--port', '0'], io);
    const base = await url;
    expect(out.join('\n')).toMatch(/software statement \(simulator-app\): eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(out).toContain('service provider REF30: Reference site only in 30');
    expect(out).toContain('  MVPD Cablevision (Optimum): logout endpoint, Apple SSO; sign in as alice/alice-password');
    expect(out).toContain('  MVPD Dish (DISH): no logout endpoint; sign in as carol/carol-password');
    expect(out).toContain('  MVPD ATTOTT (DIRECTV STREAM): logout endpoint, AuthNAll, Apple SSO; sign in as frank/frank-password');
    expect(out).toContain('  MVPD flexibleTempPass (Promotional Temp Pass): promotionalTempPass');
    expect(out.join('\n')).toContain(`throttle on (1/s after a burst of 10); control API ${base}/_sim`);
    const r = await fetch(`${base}/_sim/clock`, { signal: AbortSignal.timeout(5000) });
    expect(r.status).toBe(200);
    await new Promise((r) => setTimeout(r, 0));
    stop();
    expect(await running).toBe(0);
    await expect(fetch(`${base}/_sim/clock`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
