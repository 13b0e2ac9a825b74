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
});
