import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import type { paths } from '../../../packages/client/generated/schema.d.ts';
import { chunk, retrieveDecisions } from '../../../packages/client/src/flows/decisions.ts';
import { enhancedError, json, scriptedFetch } from '../support.ts';

const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };
const decide = (request: string) => {
  const { resources } = JSON.parse(request) as { resources: string[] };
  return json(200, {
    decisions: resources.map((resource) => resource.startsWith('deny')
      ? { resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: false, error: { action: 'none', status: 403, code: 'preauthorization_denied_by_mvpd', message: 'm', helpUrl: 'https://experienceleague.adobe.com/' } }
      : { resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true }),
  });
};

describe('retrieveDecisions', () => {
  it('splits preauthorization into requests of at most 5 and keeps item-level errors per resource', async () => {
    const f = scriptedFetch(async (r) => decide(await r.text()));
    const client = createClient<paths>({ baseUrl: 'http://pass.test', fetch: f.fetch });
    const resources = ['a', 'b', 'deny-c', 'd', 'e', 'f', 'g', 'h', 'deny-i', 'j', 'k', 'l'];
    const result = await retrieveDecisions(client, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources, headers: header });
    expect(f.requests.map((r) => JSON.parse(r.body).resources.length)).toEqual([5, 5, 2]);
    expect(result.requests).toBe(3);
    expect(Object.keys(result.decisions).sort()).toEqual([...resources].sort());
    expect(result.decisions['deny-c']).toMatchObject({ authorized: false, error: { code: 'preauthorization_denied_by_mvpd' } });
    expect(result.decisions.a?.authorized).toBe(true);
  });

  it('sends one resource per authorization request and records a failed request per resource', async () => {
    const f = scriptedFetch(async (r) => (JSON.parse(await r.clone().text()).resources[0] === 'b' ? enhancedError(403, 'authenticated_profile_missing', 'authentication') : decide(await r.text())));
    const client = createClient<paths>({ baseUrl: 'http://pass.test', fetch: f.fetch });
    const result = await retrieveDecisions(client, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a', 'b'], headers: header });
    expect(f.requests).toHaveLength(2);
    expect(result.failed).toEqual({ b: { httpStatus: 403, error: expect.objectContaining({ code: 'authenticated_profile_missing' }) } });
    expect(Object.keys(result.decisions)).toEqual(['a']);
  });

  it('rejects a non-positive chunk size', () => {
    expect(() => chunk([1], 0)).toThrow(/positive integer/);
  });
});
