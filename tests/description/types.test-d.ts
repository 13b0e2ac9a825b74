// Type tests: the generated types of the published-OpenAPI additions stay precise (no `Record<string, unknown>`, no bare `string` for enums).
import { describe, expectTypeOf, it } from 'vitest';
import type { components, paths } from '../../packages/client/generated/schema.d.ts';

type S = components['schemas'];

describe('generated types after the published-OpenAPI deltas', () => {
  it('keeps the configuration a closed object with optional additions', () => {
    expectTypeOf<keyof S['Configuration']>().toEqualTypeOf<
      'device' | 'clientType' | 'os' | 'platform' | 'platformCategory' | 'sdkType' | 'errorReporting' | 'requestor' | 'time'>();
    expectTypeOf<S['Configuration']['platform']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<S['Configuration']['device']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<S['Configuration']['requestor']>().toEqualTypeOf<S['ConfigurationRequestor']>();
    expectTypeOf<S['ConfigurationRequestor']['channels']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<S['ConfigurationRequestor']['mvpds']>().toEqualTypeOf<S['ConfigurationMvpd'][]>();
    // Not an index signature: an unknown member does not type-check.
    // @ts-expect-error: no such member
    void ({} as S['Configuration']).platformName;
  });

  it('types the profile and attribute additions', () => {
    expectTypeOf<S['Profile']['sessionId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<S['ProfileAttribute']['error']>().toEqualTypeOf<S['ErrorCode'] | undefined>();
    expectTypeOf<S['ProfileAttribute']['state']>().toEqualTypeOf<'plain' | 'enc'>();
    expectTypeOf<keyof S['ProfileAttribute']>().toEqualTypeOf<'value' | 'state' | 'error'>();
  });

  it('keeps error codes a union of literals that includes the published-only codes', () => {
    expectTypeOf<'invalid_requestor'>().toExtend<S['ErrorCode']>();
    expectTypeOf<'degraded_integration'>().toExtend<S['ErrorCode']>();
    expectTypeOf<'invalid_parameter_service_provider'>().toExtend<S['ErrorCode']>();
    expectTypeOf<string>().not.toExtend<S['ErrorCode']>();
    expectTypeOf<S['EnhancedError']['code']>().toEqualTypeOf<S['ErrorCode']>();
    expectTypeOf<S['EnhancedError']['message']>().toEqualTypeOf<string>();
  });

  it('types the session device from Adobe\'s enum and its display from Adobe\'s types', () => {
    expectTypeOf<S['SessionDevice']['type']>().toEqualTypeOf<S['SessionDeviceType']>();
    expectTypeOf<'VehicleMultimediaSystem'>().toExtend<S['SessionDeviceType']>();
    expectTypeOf<string>().not.toExtend<S['SessionDeviceType']>();
    expectTypeOf<S['SessionDeviceDisplay']['diagonalSize']>().toEqualTypeOf<string | null>();
    expectTypeOf<S['SessionDeviceConnection']['ipAddress']>().toEqualTypeOf<string>();
    expectTypeOf<S['DeviceInfo']['connectionIp']>().toEqualTypeOf<string | undefined>();
  });

  it('types the DCR access token and the media token', () => {
    expectTypeOf<S['AccessToken']['refresh_token']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<S['AccessToken']['expires_in']>().toEqualTypeOf<number>();
    expectTypeOf<S['MediaToken']['serializedToken']>().toEqualTypeOf<string>();
  });

  it('types the added statuses like their siblings', () => {
    type PartnerProfile = paths['/api/v2/{serviceProvider}/profiles/sso/{partner}']['post']['responses'];
    expectTypeOf<PartnerProfile[200]['content']['application/json']>().toEqualTypeOf<S['ProfilesResponse']>();
    expectTypeOf<PartnerProfile[201]['content']['application/json']>().toEqualTypeOf<S['ProfilesResponse']>();
    type Logout = paths['/api/v2/{serviceProvider}/logout/{mvpd}']['get']['responses'];
    expectTypeOf<Logout[302]['headers']['Location']>().toEqualTypeOf<string>();
    type Authenticate = paths['/api/v2/authenticate/{serviceProvider}/{code}']['get']['responses'];
    expectTypeOf<Authenticate[400]['content']['application/json']>().toEqualTypeOf<S['EnhancedError']>();
    expectTypeOf<Authenticate[400]['content']['text/html']>().toEqualTypeOf<string>();
  });

  it('accepts AP-TempPass-Identity on preauthorization as an optional header', () => {
    type Headers = NonNullable<paths['/api/v2/{serviceProvider}/decisions/preauthorize/{mvpd}']['post']['parameters']['header']>;
    expectTypeOf<Headers['AP-TempPass-Identity']>().toEqualTypeOf<string | undefined>();
  });
});
