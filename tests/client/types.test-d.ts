// Type tests: what the description forbids must not compile for users of the client.
import { describe, expectTypeOf, it } from 'vitest';
import { createTypedClient, type components } from '../../packages/client/src/index.ts';

const client = createTypedClient({ baseUrl: 'http://pass.test' });
const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };

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
