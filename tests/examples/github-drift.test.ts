// The CI recipe runs the check with exactly the variables the CLI reads, and publishes the report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../src/contract/check.ts';
import { projectRoot } from '../../src/description/document.ts';

const workflow = parse(readFileSync(join(projectRoot, 'examples', 'github-drift.yml'), 'utf8'));
const steps = workflow.jobs.drift.steps as { run?: string; env?: Record<string, string>; uses?: string; if?: string }[];

describe('examples/github-drift.yml', () => {
  it('runs nightly and on demand', () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('runs the check against the target with every credential variable the CLI reads', () => {
    const check = steps.find((s) => s.run?.includes('pass-contract check'))!;
    expect(check.run).toContain('--target "$PASS_TARGET"');
    const needed = [ENV.softwareStatement, ENV.clientId, ENV.clientSecret, ENV.serviceProvider, ENV.mvpd];
    for (const name of needed) expect(check.env?.[name], name).toBe(`\${{ secrets.${name} }}`);
  });

  it('publishes summary.md as the step summary and uploads the report, even on drift', () => {
    const publish = steps.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))!;
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(publish.if).toBe('always()');
    expect(upload.if).toBe('always()');
  });
});
