// Benchmark: the redaction core (SecretForms) against the algorithm it replaced, side by side in one
// run: one split/join pass over the text per form, longest first, every secret's forms computed again
// after each change. Same forms (encodedForms), same texts: a 256 KiB body (with echoes) in 76-character lines with 16, 256
// and 2,048 secrets learned, and on one line with 16, a JSON body's 1,000 short strings, and a HAR recording's churn (a new 1 KiB token
// learned, then a short string redacted); and the HAR redactor's JWT rule and the check's URL rule on
// hostile bodies against the regular expressions they replaced. Medians after a warm-up; ratios old / new.
// Usage: tsx bench/redact.ts
import { randomBytes } from 'node:crypto';
import { encodedForms, REDACTED, SecretForms } from '../packages/client/src/secret-forms.ts';
import { Redactor as CheckRedactor } from '../src/contract/redact.ts';
import { HarRedactor } from '../src/http/har-redact.ts';
import { median } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);

/** The algorithm before: every form of every secret, longest first, each its own pass over the text. */
class SequentialForms {
  private readonly secrets = new Map<string, string>();
  private longestFirst: [string, string][] | undefined;
  constructor(private readonly maxSecrets = Infinity) {}
  learn(secret: string, replacement = REDACTED): void {
    const had = this.secrets.get(secret);
    this.secrets.delete(secret);
    this.secrets.set(secret, replacement);
    if (had !== replacement) this.longestFirst = undefined;
    if (this.secrets.size > this.maxSecrets) {
      this.secrets.delete(this.secrets.keys().next().value!);
      this.longestFirst = undefined;
    }
  }
  replace(text: string): string {
    if (!this.longestFirst) {
      const forms = new Map<string, string>();
      for (const [secret, replacement] of this.secrets) for (const form of encodedForms(secret)) forms.set(form, replacement);
      this.longestFirst = [...forms].sort(([a], [b]) => b.length - a.length);
    }
    let out = text;
    for (const [form, replacement] of this.longestFirst) if (out.includes(form)) out = out.split(form).join(replacement);
    return out;
  }
}

type Core = SecretForms | SequentialForms;

function timed(fn: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** One run's time, for what takes seconds. */
function once(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** A client secret (base64, so + / = get %-forms) or a 1 KiB JWT-shaped token. */
const secret = (i: number) => (i % 2 ? `${randomBytes(30).toString('base64')}${i}` : `eyJhbGciOiJSUzI1NiJ9.${randomBytes(760).toString('base64url')}.${i}`);
const secrets = Array.from({ length: 2048 }, (_, i) => secret(i));
/** Base64 lines with an echo (as is, or %-encoded) of every 64th secret. */
const body = randomBytes(192 * 1024).toString('base64').match(/.{1,76}/g)!
  .map((line, i) => {
    const echoed = i % 100 === 0 ? secrets[(i / 100) * 64] : undefined;
    return echoed ? `${line} ${i % 200 ? echoed : encodeURIComponent(echoed)}` : line;
  })
  .join('\n');
const strings = Array.from({ length: 1000 }, (_, i) => `device-${i} said: ${randomBytes(12).toString('hex')}`);
const learned = (make: () => Core, n: number) => {
  const core = make();
  for (const s of secrets.slice(0, n)) core.learn(s);
  core.replace('warm');
  return core;
};

const rows: [string, number, number][] = [];
for (const n of [16, 256, 2048]) {
  const [old, now] = [learned(() => new SequentialForms(), n), learned(() => new SecretForms(), n)];
  // The same echoes replaced (none of them overlap, where the two differ).
  if (old.replace(body) !== now.replace(body) || now.replace(body) === body) throw new Error('the two cores disagree');
  rows.push([`256 KiB body in 76-character lines, ${n} secrets`, timed(() => old.replace(body)), timed(() => now.replace(body))]);
}
{
  // The same body on one line: the core reads it once (with line breaks, a second time without them).
  const oneLine = body.replace(/\n/g, ' ');
  const [old, now] = [learned(() => new SequentialForms(), 16), learned(() => new SecretForms(), 16)];
  rows.push(['256 KiB body on one line, 16 secrets', timed(() => old.replace(oneLine)), timed(() => now.replace(oneLine))]);
}
{
  const [old, now] = [learned(() => new SequentialForms(), 256), learned(() => new SecretForms(), 256)];
  rows.push(['1,000 short strings, 256 secrets', timed(() => strings.forEach((s) => old.replace(s))), timed(() => strings.forEach((s) => now.replace(s)))]);
}
{
  // The HAR recorder: bounded to 256, a new token every exchange.
  const [old, now] = [learned(() => new SequentialForms(256), 256), learned(() => new SecretForms(256), 256)];
  let k = 0;
  const churn = (core: Core) => () => {
    for (let i = 0; i < 20; i++) {
      core.learn(`eyJhbGciOiJSUzI1NiJ9.${randomBytes(760).toString('base64url')}.n${k++}`);
      core.replace(strings[i]!);
    }
  };
  rows.push(['20 × (learn a 1 KiB token, redact a string), 256 kept', timed(churn(old)), timed(churn(now))]);
}

{
  // The HAR redactor's JWT rule on a hostile body, against the expression it replaced (fewer rounds: seconds each).
  const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
  const hostile = 'eyJ'.repeat(40_000);
  const har = new HarRedactor();
  const old = median([0, 1, 2].map(() => once(() => hostile.replace(JWT, (jwt) => har.learn(jwt)))));
  rows.push(['HAR JWT rule, 120 KB of `eyJ` (median of 3)', old, timed(() => har.text(hostile))]);
}

{
  // The check's URL-userinfo rule on a hostile body, against the expression before its scheme was bounded.
  const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@?#]*@/gi;
  const hostile = 'a.'.repeat(40_000);
  const check = new CheckRedactor();
  const old = median([0, 1, 2].map(() => once(() => hostile.replace(USERINFO, (_, scheme: string) => `${scheme}${REDACTED}@`))));
  rows.push(['check URL rule, 80 KB of `a.` (median of 3)', old, timed(() => check.text(hostile))]);
}

console.log(`redaction core, median of ${ROUNDS} after ${WARMUP} warm-up runs`);
console.log('case | before ms | now ms | before / now');
for (const [name, old, now] of rows) console.log(`${name} | ${old.toFixed(2)} | ${now.toFixed(2)} | ${(old / now).toFixed(1)}×`);
