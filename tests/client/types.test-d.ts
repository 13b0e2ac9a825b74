// Type tests: what the description forbids must not compile for users of the client.
import { describe, expectTypeOf, it } from 'vitest';
import { createPassClient, createTypedClient, deviceHeaders, type components } from '../../packages/client/src/index.ts';

const client = createTypedClient({ baseUrl: 'http://pass.test' });
const pass = createPassClient({ baseUrl: 'http://pass.test', tokens: { getAccessToken: async () => 't', invalidate: async () => undefined } });
const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };
const device = { model: 'TV', version: '5', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' } as const;

describe('typed client', () => {
  it('rejects paths the description does not have', () => {
    // @ts-expect-error: no such path
    void client.GET('/api/v2/{serviceProvider}/logouts/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' } } });
    // @ts-expect-error: logout is GET only
    void client.POST('/api/v2/{serviceProvider}/logout/{mvpd}', {});
  });

  it('requires the required headers and parameters', () => {
    void client.GET('/api/v2/{serviceProvider}/logout/{mvpd}', {
      // @ts-expect-error: AP-Device-Identifier is required
      params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header: { 'X-Device-Info': 'e30=' } },
    });
    void client.GET('/api/v2/{serviceProvider}/logout/{mvpd}', {
      // @ts-expect-error: redirectUrl is required
      params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: {}, header },
    });
    void client.POST('/api/v2/{serviceProvider}/decisions/authorize/{mvpd}', {
      params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, header },
      // @ts-expect-error: resources is an array of strings
      body: { resources: 'REF30' },
    });
  });

  it('rejects a misspelt optional header, on both clients', () => {
    // @ts-expect-error: X-Forwarded-Fro is not a header of this operation
    void client.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header: { ...header, 'X-Forwarded-Fro': '203.0.113.7' } } });
    // @ts-expect-error: X-Forwarded-Fro is not a header of this operation
    void pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header: { 'X-Forwarded-Fro': '203.0.113.7' } } });
    // @ts-expect-error: AP-Partner-Framework-Status is a header of profiles and decisions, not of logout
    void pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header: { ...header, 'AP-Partner-Framework-Status': 'e30=' } } });
  });

  it('rejects an unknown path or query parameter', () => {
    // @ts-expect-error: the logout path has no `resource` parameter
    void pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish', resource: 'x' }, query: { redirectUrl: 'https://adobe.com' }, header } });
    // @ts-expect-error: logout has no `redirectUri` query parameter
    void pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com', redirectUri: 'x' }, header } });
  });

  it('accepts declared parameters, the signal and a cache mode', () => {
    void pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header: { ...header, 'X-Forwarded-For': '203.0.113.7' } }, signal: AbortSignal.timeout(1000), cache: 'no-store' });
    void pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header: deviceHeaders({ deviceId: 'd', device, forwardedFor: '203.0.113.7' }) } });
  });

  it('types deviceHeaders by the options given', () => {
    // Written out, not read from DeviceHeaders: the declared return type would match itself.
    expectTypeOf(deviceHeaders({ deviceId: 'd', device })).branded.toEqualTypeOf<{ 'AP-Device-Identifier': string; 'X-Device-Info': string }>();
    expectTypeOf(deviceHeaders({ deviceId: 'd', device, forwardedFor: '203.0.113.7' as string | undefined })).branded.toEqualTypeOf<{ 'AP-Device-Identifier': string; 'X-Device-Info': string; 'X-Forwarded-For'?: string }>();
    expectTypeOf<keyof ReturnType<typeof deviceHeaders<{ deviceId: string; device: typeof device; forwardedFor: string }>>>().toEqualTypeOf<'AP-Device-Identifier' | 'X-Device-Info' | 'X-Forwarded-For'>();
  });

  it('types enums as unions of the documented values', () => {
    expectTypeOf<components['schemas']['LogoutActionName']>().toEqualTypeOf<'complete' | 'invalid' | 'logout' | 'partner_logout'>();
    expectTypeOf<components['schemas']['ErrorAction']>().toEqualTypeOf<'application-registration' | 'authentication' | 'authorization' | 'configuration' | 'none' | 'retry'>();
    // @ts-expect-error: not a documented actionName
    const bad: components['schemas']['LogoutActionName'] = 'signout';
    void bad;
    expectTypeOf<components['schemas']['Decision']['authorized']>().toEqualTypeOf<boolean>();
  });

  it('types the logout response as a map of actions', async () => {
    const { data } = await client.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header } });
    expectTypeOf(data!.logouts).toEqualTypeOf<Record<string, components['schemas']['LogoutAction']>>();
  });
});
