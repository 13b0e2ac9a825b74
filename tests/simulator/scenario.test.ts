// Scenario files: the shipped default validates; a bad file gets every problem with file, line,
// column and field; the CLI exits 2 with that message.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { defaultScenarioPath, loadScenario, parseDuration, parseScenario, ScenarioError, scenarioSchemaPath } from '../../src/simulator/scenario.ts';
import { ALIAS_BOMB } from '../support/yaml-bomb.ts';
import { sharedDescription } from './support.ts';

const problems = (text: string) => {
  try {
    parseScenario(text, 'bad.yaml', sharedDescription());
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('the scenario was accepted');
};

const MINIMAL = `softwareStatements:
  - name: app
    statement: aaa.bbb.ccc
    serviceProviders: [SP1]
serviceProviders:
  SP1:
    name: One
    mvpds: [M1]
mvpds:
  M1:
    displayName: Provider One
users:
  - { username: u, password: p, mvpd: M1 }
`;

describe('scenario files', () => {
  it('the default scenario validates against the shipped JSON Schema on its own (any JSON Schema 2020-12 validator)', () => {
    const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strictRequired: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(scenarioSchemaPath, 'utf8')) as object);
    expect(validate(parse(readFileSync(defaultScenarioPath, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('loads the default scenario without the schema (validated above) to the same result as with it', () => {
    const text = readFileSync(defaultScenarioPath, 'utf8');
    expect(loadScenario(sharedDescription())).toEqual(parseScenario(text, defaultScenarioPath, sharedDescription()));
  });

  it('fills defaults for a minimal scenario', () => {
    const s = parseScenario(MINIMAL, 'min.yaml', sharedDescription());
    expect(s.mvpds.M1).toMatchObject({ kind: 'regular', logoutEndpoint: true, degradation: 'none', platformMappingId: 'M1' });
    expect(s.ttl).toEqual({ codeMs: 1_800_000, accessTokenMs: 21_600_000, profileMs: 604_800_000, authorizationMs: 3_600_000, mediaTokenMs: 420_000 });
    expect(s.throttle).toEqual({ enabled: true, ratePerSecond: 1, burst: 10 });
  });

  it('says where a YAML syntax error is', () => {
    expect(problems('mvpds: [a,\n  b: c\n')[0]).toMatch(/^bad\.yaml:\d+:\d+ \(root\): YAML: /);
  });

  it('refuses an alias bomb naming the file, as a scenario problem', () => {
    expect(problems(ALIAS_BOMB)).toEqual(['bad.yaml:1:1 (root): YAML: Excessive alias count indicates a resource exhaustion attack']);
  });

  it('lists every schema problem with line, column and field', () => {
    const text = MINIMAL.replace('name: One', 'name: 1').replace('displayName: Provider One', 'displayName: Provider One\n    kind: freeTrial').replace('password: p', 'pasword: p').concat('ttl: { code: soon }\n');
    const lines = problems(text);
    expect(lines).toEqual(expect.arrayContaining([
      'bad.yaml:7:5 /serviceProviders/SP1/name: must be string',
      'bad.yaml:12:5 /mvpds/M1/kind: must be one of "regular", "basicTempPass", "promotionalTempPass"',
      'bad.yaml:14:5 /users/0: must have "password"',
      'bad.yaml:14:20 /users/0/pasword: is not a known field',
      'bad.yaml:15:8 /ttl/code: must be integer',
    ]));
  });

  it('checks references the schema cannot: MVPDs, service providers, error codes, operations', () => {
    const text = MINIMAL.replace('mvpds: [M1]', 'mvpds: [M1, M9]').replace('mvpd: M1 }', 'mvpd: M2 }').concat('faults:\n  - { operation: frobnicate, error: nope }\nrules:\n  - { decision: deny, code: not_a_code }\n');
    expect(problems(text)).toEqual([
      'bad.yaml:8:17 /serviceProviders/SP1/mvpds/1: MVPD "M9" is not in mvpds',
      'bad.yaml:13:33 /users/0/mvpd: MVPD "M2" is not in mvpds',
      'bad.yaml:17:23 /rules/0/code: "not_a_code" is not an enhanced error code of the description',
      'bad.yaml:15:7 /faults/0/operation: "frobnicate" is not an operationId of the description (or *)',
      'bad.yaml:15:30 /faults/0/error: "nope" is not an enhanced error code of the description',
    ]);
  });

  it('parses durations', () => {
    expect([parseDuration('500ms'), parseDuration('10s'), parseDuration('30m'), parseDuration('6h'), parseDuration('7d'), parseDuration('1.5s'), parseDuration(42)]).toEqual([500, 10_000, 1_800_000, 21_600_000, 604_800_000, 1500, 42]);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('`pass-contract simulate --scenario <bad file>` exits 2 and prints the problems; a missing file says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pass-scenario-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, MINIMAL.replace('mvpd: M1 }', 'mvpd: M2 }'));
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
    expect(await main(['simulate', '--port', '0', '--scenario', file], io)).toBe(2);
    expect(err.join('\n')).toContain(`${file}:13:`);
    expect(err.join('\n')).toContain('/users/0/mvpd: MVPD "M2" is not in mvpds');
    err.length = 0;
    expect(await main(['simulate', '--port', '0', '--scenario', join(dir, 'missing.yaml')], io)).toBe(2);
    expect(err.join('\n')).toContain('cannot read the file (ENOENT)');
  });
});
