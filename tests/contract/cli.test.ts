// `pass-contract check` as CI runs it: one line per case or drift, GitHub annotations, exit codes
// from --fail-on, usage errors for bad options.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import type { JsonObject } from '../../src/description/document.ts';
import { startFakeAdobe } from '../support/fake-adobe/index.ts';
import { ENV, STATEMENT } from './support.ts';

const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

async function cli(args: string[]) {
  const host = await startFakeAdobe({
    throttle: false, softwareStatement: STATEMENT,
    inject: { retrieveConfiguration: { drift: (a) => (a.status === 200 ? { ...a, body: { ...(a.body as JsonObject), colour: 'web', device: 3 } } : a) } },
  });
  process.env = { ...saved, ...ENV };
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
  try {
    const code = await main(['check', '--target', host.baseUrl, '--report', await mkdtemp(join(tmpdir(), 'pass-cli-')), '--rate', '1000', '-o', 'retrieveConfiguration', ...args], io);
    return { code, out, err };
  } finally {
    await host.close();
  }
}

describe('text a host sends is shown, never obeyed by the terminal or the log viewer', () => {
  // Field names that set the window title (OSC), hide what follows (SGR 8), go back over the line (CR,
  // which a line gets as a space, an annotation as %0D), reorder what is shown (RLO, Trojan Source), NUL and C1.
  const odd = { '\u001b]0;owned\u0007': 1, '\u001b[8mhidden': 2, 'back\rover': 3, 'left\u202etfel': 4, 'nul\u0000del\u007fcsi\u009b': 5 };
  const unprintable = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

  it.each(['text', 'github'])('--format %s: every line printable, each such character written as its \\u escape, the Markdown summary too', async (format) => {
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, inject: { retrieveConfiguration: { drift: (a) => (a.status === 200 ? { ...a, body: { ...(a.body as JsonObject), ...odd } } : a) } } });
    process.env = { ...saved, ...ENV };
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-'));
    try {
      expect(await main(['check', '-t', host.baseUrl, '-r', dir, '--rate', '1000', '-o', 'retrieveConfiguration', '--fail-on', 'addition', '--format', format], io)).toBe(1);
    } finally {
      await host.close();
    }
    expect(lines.filter((l) => unprintable.test(l))).toEqual([]);
    const shown = lines.join('\n');
    for (const escaped of ['\\u001b]0;owned\\u0007', '\\u001b[8mhidden', 'left\\u202etfel', 'nul\\u0000del\\u007fcsi\\u009b']) expect(shown).toContain(escaped);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(summary).not.toMatch(unprintable);
    expect(summary).toContain('u001b]0;owned');
  });
});

describe('check on CI', () => {
  it('prints one line per result and one per drift (not a TTY)', async () => {
    const { code, out } = await cli([]);
    expect(code).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^✓ retrieveClientCredentials › registration \(this run\) → 201$/));
    expect(out).toContainEqual(expect.stringMatching(/^✗ retrieveConfiguration › configurationForServiceProvider → 200 \[breaking\]$/));
    expect(out).toContainEqual('    breaking field-type /device: `/device` is integer, not string');
    expect(out).toContainEqual('    addition field-undocumented /colour: `/colour` is not in the description');
  });

  it('--format github: ::error for failing drift, ::warning for additions with what to add', async () => {
    const { out } = await cli(['--format', 'github']);
    expect(out).toContainEqual(expect.stringMatching(/^::error title=breaking field-type%3A retrieveConfiguration::retrieveConfiguration › configurationForServiceProvider \/device: /));
    expect(out).toContainEqual(expect.stringMatching(/^::warning title=addition field-undocumented%3A retrieveConfiguration::.* — add an optional property `colour` \(string\) to `#\/components\/schemas\/Configuration`$/));
  });

  it('--fail-on addition: an addition alone fails the run', async () => {
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, inject: { retrieveConfiguration: { drift: (a) => (a.status === 200 ? { ...a, body: { ...(a.body as JsonObject), colour: 'web' } } : a) } } });
    process.env = { ...saved, ...ENV };
    const io: Io = { out: () => undefined, err: () => undefined, isTTY: false, stopped: () => new Promise(() => {}) };
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-'));
    try {
      expect(await main(['check', '-t', host.baseUrl, '-r', dir, '--rate', '1000', '-o', 'retrieveConfiguration'], io)).toBe(0);
      expect(await main(['check', '-t', host.baseUrl, '-r', dir, '--rate', '1000', '-o', 'retrieveConfiguration', '--fail-on', 'addition'], io)).toBe(1);
    } finally {
      await host.close();
    }
  });

  it.each([
    [['--fail-on', 'note'], /argument 'note' is invalid. Allowed choices are breaking, addition/],
    [['--timeout', 'soon'], /--timeout must be a positive number of seconds in digits \(90, 2\.5\), got "soon"/],
    [['--timeout', '1e3'], /--timeout must be a positive number of seconds in digits \(90, 2\.5\), got "1e3"/],
    // Under a millisecond: timed every request out, and said so as "within 0.00009999999999999999 ms".
    [['--request-timeout', '0.0000001'], /--request-timeout must be at least 0\.001 seconds \(1 ms\), got "0\.0000001"/],
    // One request per 1e320 s: the pacer's interval was Infinity, and the run waited for ever.
    [['--rate', '1e-320'], /--rate must be a number of requests per second in digits, from 0\.001 \(one every 1000 s\) up, got "1e-320"/],
    [['--rate', '0.0001'], /--rate must be a number of requests per second in digits, from 0\.001 \(one every 1000 s\) up, got "0\.0001"/],
    [['--rate', '0x10'], /--rate must be a number of requests per second in digits, from 0\.001 \(one every 1000 s\) up, got "0x10"/],
    // Longer than Node's longest timer, which then fires after 1 ms: every request timed out at once.
    [['--request-timeout', '99999999999'], /--request-timeout must be at most 2147483 seconds \(24\.8 days, the longest timer Node keeps\), got "99999999999"/],
    [['--format', 'xml'], /Allowed choices are text, github/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    expect(await main(['check', ...args], io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('--request-timeout in fractions of a second is whole milliseconds in what the run says', async () => {
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, inject: { '*': { fault: 'hang' } } });
    process.env = { ...saved, ...ENV };
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    try {
      // 0.0071 × 1000 is 7.1000000000000005.
      expect(await main(['check', '-t', host.baseUrl, '-r', await mkdtemp(join(tmpdir(), 'pass-cli-')), '--rate', '1000', '-o', 'retrieveConfiguration', '--request-timeout', '0.0071'], io)).toBe(2);
    } finally {
      await host.close();
    }
    expect(lines.join('\n')).toContain('no complete response within 7 ms');
    expect(lines.join('\n')).not.toMatch(/within 7\.\d+ ms/);
  });

  it.each([
    ['not base64', 'device-info-from-a-wiki', 'value is not base64 (RFC 4648, padded)'],
    ['base64 of text', Buffer.from('AppleTV').toString('base64'), 'decoded value is not JSON'],
    ['without its required fields', Buffer.from(JSON.stringify({ model: 'TV' })).toString('base64'), 'missing required field(s) version, osName, osVersion, connectionType'],

  ])('PASS_DEVICE_INFO %s is a usage error before any request, not drift of every operation', async (_, value, why) => {
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT });
    process.env = { ...saved, ...ENV, PASS_DEVICE_INFO: value };
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    try {
      expect(await main(['check', '-t', host.baseUrl, '-r', await mkdtemp(join(tmpdir(), 'pass-cli-')), '--rate', '1000'], io)).toBe(2);
      expect(host.received).toEqual([]);
    } finally {
      await host.close();
    }
    expect(err.join('\n')).toContain(`pass-contract: PASS_DEVICE_INFO is not an X-Device-Info value (base64 of a JSON object with model, version, osName, osVersion and connectionType): ${why}`);
  });

  it('PASS_DEVICE_INFO wrapped as `base64 device.json` wraps it (every 76 characters) is sent on one line', async () => {
    const info = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', manufacturer: 'Apple', osName: 'tvOS', osVendor: 'Apple', osVersion: '17.0', connectionType: 'WiFi' })).toString('base64');
    expect(info.length).toBeGreaterThan(76);
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT });
    process.env = { ...saved, ...ENV, PASS_DEVICE_INFO: `${info.replace(/.{76}/g, '$&\n')}\n` };
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    try {
      expect(await main(['check', '-t', host.baseUrl, '-r', await mkdtemp(join(tmpdir(), 'pass-cli-')), '--rate', '1000', '-o', 'retrieveConfiguration'], io), lines.join('\n')).toBe(0);
      const sent = new Set(host.received.map((r) => r.headers['x-device-info']));
      expect([...sent]).toEqual([info]);
    } finally {
      await host.close();
    }
  });

  it('a password in the target URL never reaches a usage error', async () => {
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    process.env = { ...saved };
    delete process.env.PASS_SOFTWARE_STATEMENT;
    expect(await main(['check', '--target', 'https://me:hunter2-canary@sp.auth-staging.adobe.com'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--target https:\/\/sp\.auth-staging\.adobe\.com needs these environment variables/);
    expect(err.join('\n')).not.toContain('hunter2');
  });
});
