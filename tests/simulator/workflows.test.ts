// The Arazzo workflows in workflows/ run with Redocly Respect against a simulator started here;
// a run with a wrong password must fail, so the workflows' criteria can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respect, workflowInputs as inputs } from '../support/respect.ts';
import { startTestSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.close());

describe('Arazzo workflows under Respect', () => {
  it('run all seven workflows against the simulator', async () => {
    await t.reset();
    const statement = t.scenario.softwareStatements[0]!.statement;
    const { code, output } = await respect(t.url, inputs(t.url, statement));
    expect(output).toMatch(/Workflows: 7 passed, 7 total/);
    expect(code, output.slice(-3000)).toBe(0);
    for (const id of ['registration', 'secondScreenAuthentication', 'preauthorizationThenAuthorization', 'logoutPerMvpdKind', 'tempPass', 'degradedAccess', 'singleSignOn']) expect(output).toContain(`/ ${id}`);
    // Respect masks what it prints; the software statement never shows.
    expect(output).not.toContain(statement);
  }, 150_000);

  it('fail when the user cannot sign in', async () => {
    await t.reset();
    // Registration first: the other workflows use its token (see the note above `workflows:` in the file).
    const { code, output } = await respect(t.url, inputs(t.url, t.scenario.softwareStatements[0]!.statement, 'wrong-password'), ['--workflow', 'registration', '--workflow', 'secondScreenAuthentication']);
    expect(code).not.toBe(0);
    expect(output).toMatch(/Workflows: 1 passed, 1 failed, 2 total/);
    expect(output).toMatch(/signInAtMvpd/);
  }, 150_000);
});
