// The audit's reports when the traffic carries hostile text: a host whose profile answer names an
// MVPD with line breaks and a workflow command. GitHub's runner reads every line of a job's output
// that starts with `::` as a command (`::error`, `::add-mask::`, `::stop-commands::`), whichever
// format was asked for, so no output line may start with something the traffic sent.
import { describe, expect, it } from 'vitest';
import { renderGithubAnnotations, renderSummary, renderText } from '../../src/audit/report.ts';
import { audit, device, profile, SP, type Call } from './support/har.ts';

const FORGED = 'Cablevision\n::error title=forged::all clear\r::stop-commands::x';
const calls: Call[] = [
  { at: 0, path: `/api/v2/${SP}/profiles`, headers: device(), response: profile(FORGED) },
  { at: 1000, path: `/api/v2/${SP}/configuration`, headers: device(), response: { requestor: { mvpds: [] } } },
];

/** Every line a reader of the output splits it into (the runner splits on CR and LF). */
const lines = (out: string[]) => out.join('\n').split(/\r\n|\r|\n/);

describe('audit report output with hostile text from the traffic', () => {
  it('the text format keeps each finding on one line, so nothing the host sent starts a line', async () => {
    const report = await audit(calls);
    const text = renderText(report);
    expect(text.some((l) => l.includes('fetched the configuration'))).toBe(true);
    expect(lines(text)).toHaveLength(text.length);
    expect(lines(text).filter((l) => l.startsWith('::'))).toEqual([]);
  });

  it('annotations and the summary do the same (escaped, or in one table row)', async () => {
    const report = await audit(calls);
    const annotations = renderGithubAnnotations(report);
    expect(lines(annotations)).toHaveLength(annotations.length);
    expect(lines(annotations).every((l) => /^::(error|warning) /.test(l))).toBe(true);
    expect(lines([renderSummary(report)]).filter((l) => l.startsWith('::'))).toEqual([]);
  });

  it('past GitHub\'s 10 annotations of a level in a step, the findings go on as plain lines: none is left out', async () => {
    // 15 devices, each with the finding above (16 findings): before, 16 annotations, of which GitHub showed 10 and said nothing of 6.
    const many: Call[] = Array.from({ length: 15 }, (_, i) => [
      { at: i * 10_000, path: `/api/v2/${SP}/profiles`, headers: device(Buffer.from(`device-${i}`).toString('base64')), response: profile('Cablevision') },
      { at: i * 10_000 + 1000, path: `/api/v2/${SP}/configuration`, headers: device(Buffer.from(`device-${i}`).toString('base64')), response: { requestor: { mvpds: [] } } },
    ]).flat();
    const report = await audit(many);
    const findings = report.rules.flatMap((r) => r.findings).length;
    expect(findings).toBeGreaterThan(10);
    const out = lines(renderGithubAnnotations(report));
    for (const level of ['error', 'warning']) expect(out.filter((l) => l.startsWith(`::${level} `)).length).toBeLessThanOrEqual(10);
    const plain = out.filter((l) => !l.startsWith('::'));
    const annotated = out.filter((l) => l.startsWith('::') && !l.includes('annotations cut'));
    expect(annotated.length + plain.length).toBe(findings);
  });
});
