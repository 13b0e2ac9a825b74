import { describe, expect, it, vi } from 'vitest';
import {
  buildDeviceIdentifier, buildDeviceInfo, decodeDeviceIdentifier, decodeDeviceInfo, decodePartnerFrameworkStatus,
  deriveStableDeviceId, deviceHeaders, HeaderFormatError, buildPartnerFrameworkStatus,
} from '../../packages/client/src/device.ts';
import { loadBundledDescription } from '../../src/description/document.ts';
import { DescriptionValidator } from '../../src/description/validator.ts';

const device = { primaryHardwareType: 'SetTopBox', model: 'TV 5th Gen', version: '5,3', manufacturer: 'Apple', osName: 'tvOS', osVendor: 'Apple', osVersion: '11.0', connectionType: 'WiFi' } as const;
const validator = new DescriptionValidator(loadBundledDescription());

describe('AP-Device-Identifier', () => {
  it('builds the documented example from its documented id', () => {
    expect(buildDeviceIdentifier('ba23d141-d715-561c-94f4-e9e4c966b1eb')).toBe('fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi');
  });

  it('round-trips and matches the description', () => {
    const value = buildDeviceIdentifier('device-ü-42');
    expect(decodeDeviceIdentifier(value)).toEqual({ type: 'fingerprint', id: 'device-ü-42' });
    expect(validator.validate('#/components/parameters/ApDeviceIdentifier/schema', value).valid).toBe(true);
  });

  it.each([
    ['YmEyM2Qx', /expected "fingerprint <base64>"/],
    ['serial YmEyM2Qx', /unsupported type "serial"/],
    ['fingerprint not*base64', /not base64/],
  ])('rejects %s with a clear error', (value, message) => {
    expect(() => decodeDeviceIdentifier(value)).toThrow(HeaderFormatError);
    expect(() => decodeDeviceIdentifier(value)).toThrow(message);
  });

  it('derives a stable SHA-256 id from platform ids', async () => {
    const a = await deriveStableDeviceId('identifierForVendor-1');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await deriveStableDeviceId('identifierForVendor-1')).toBe(a);
    expect(await deriveStableDeviceId('identifierForVendor-2')).not.toBe(a);
    await expect(deriveStableDeviceId('')).rejects.toThrow(/non-empty/);
  });

  it('says what it needs where there is no Web Crypto (a runtime without crypto.subtle)', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      await expect(deriveStableDeviceId('identifierForVendor-1')).rejects.toThrow(/^deriveStableDeviceId needs Web Crypto \(crypto\.subtle\)/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(await deriveStableDeviceId('identifierForVendor-1')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('X-Device-Info', () => {
  it('encodes the typed document as base64 JSON the description accepts', () => {
    const value = buildDeviceInfo(device);
    expect(decodeDeviceInfo(value)).toEqual(device);
    expect(validator.validateEncoded('#/components/schemas/Base64DeviceInfo', value).violations).toEqual([]);
  });

  it('rejects a document without required fields, naming them', () => {
    expect(() => buildDeviceInfo({ model: 'x', osName: 'tvOS' } as never)).toThrow(/version, osVersion, connectionType/);
  });

  it('rejects the malformed sample Adobe documents (missing comma) with the JSON error', () => {
    const adobeSample = 'ewoJInByaW1hcnlIYXJkd2FyZVR5cGUiOiAiU2V0VG9wQm94IiwKCSJtb2RlbCI6ICJUViA1dGggR2VuIiwKCSJtYW51ZmFjdHVyZXIiOiAiQXBwbGUiLAoJIm9zTmFtZSI6ICJ0dk9TIgoJIm9zVmVuZG9yIjogIkFwcGxlIiwKCSJvc1ZlcnNpb24iOiAiMTEuMCIKfQ==';
    expect(() => decodeDeviceInfo(adobeSample)).toThrow(/X-Device-Info: decoded value is not JSON/);
  });
});

describe('deviceHeaders', () => {
  it('builds the per-call header object, with X-Forwarded-For and SSO headers when given', () => {
    const headers = deviceHeaders({ deviceId: 'd1', device, forwardedFor: '203.0.113.7', serviceToken: 'a.b.c', partnerFrameworkStatus: { frameworkPermissionInfo: { accessStatus: 'granted' }, frameworkProviderInfo: { id: 'Cablevision', expirationDate: '1735689600000' } } });
    expect(Object.keys(headers).sort()).toEqual(['AD-Service-Token', 'AP-Device-Identifier', 'AP-Partner-Framework-Status', 'X-Device-Info', 'X-Forwarded-For']);
    expect(decodePartnerFrameworkStatus(headers['AP-Partner-Framework-Status']!).frameworkProviderInfo.id).toBe('Cablevision');
  });

  it('refuses two platform identity tokens at once', () => {
    expect(() => deviceHeaders({ deviceId: 'd', device, adobeSubjectToken: 'a.b.c', rokuConnectToken: 'd.e.f' })).toThrow(/not both/);
  });

  it('rejects a partner framework status without provider info', () => {
    const value = buildPartnerFrameworkStatus({ frameworkPermissionInfo: { accessStatus: 'granted' } } as never);
    expect(() => decodePartnerFrameworkStatus(value)).toThrow(/frameworkProviderInfo/);
  });
});
