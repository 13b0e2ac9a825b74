// Values the description must reject: each proves a constraint is in the schema, not only in prose.
import { describe, expect, it } from 'vitest';
import { caseName, operations, validator } from './fixture.ts';

const schema = (name: string) => `#/components/schemas/${name}`;
const logout = (action: Record<string, unknown>) => ({ logouts: { Cablevision: { mvpd: 'Cablevision', ...action } } });
const base64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
const deviceIdParam = () => {
  const op = operations.find((o) => o.operationId === 'initiateLogout')!;
  return op.parameters.find((p) => p.name === 'AP-Device-Identifier')!.schemaPointer;
};
const validDevice = { model: 'TV 5th Gen', version: '5,3', osName: 'tvOS', osVersion: '11.0', connectionType: 'WiFi' };

const rejected: { name: string; pointer: () => string; value: unknown; encoded?: boolean; path?: string }[] = [
  { name: 'logout action without url', pointer: () => schema('LogoutResponse'), value: logout({ actionName: 'logout', actionType: 'interactive' }), path: '/logouts/Cablevision/url' },
  { name: 'complete action with url', pointer: () => schema('LogoutResponse'), value: logout({ actionName: 'complete', actionType: 'none', url: 'https://x.test/' }) },
  { name: 'logout action with actionType none', pointer: () => schema('LogoutResponse'), value: logout({ actionName: 'logout', actionType: 'none', url: 'https://x.test/' }) },
  { name: 'unknown actionName', pointer: () => schema('LogoutResponse'), value: logout({ actionName: 'signout', actionType: 'none' }), path: '/logouts/Cablevision/actionName' },
  { name: 'decision without authorized', pointer: () => schema('Decision'), value: { resource: 'REF30', serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd' }, path: '/authorized' },
  { name: 'error with unknown action', pointer: () => schema('EnhancedError'), value: { action: 'reboot', status: 400, code: 'invalid_parameter_mvpd', message: 'm', helpUrl: 'https://x.test/' }, path: '/action' },
  { name: 'error with a code no source lists (dropped from Adobe\'s 2024 files)', pointer: () => schema('EnhancedError'), value: { action: 'none', status: 400, code: 'missing_dcr_application', message: 'm', helpUrl: 'https://x.test/' }, path: '/code' },
  { name: 'AP-Device-Identifier without fingerprint prefix', pointer: deviceIdParam, value: 'YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi' },
  { name: 'AP-Device-Identifier with another type', pointer: deviceIdParam, value: 'serial YmEyM2Qx' },
  { name: 'X-Device-Info that is not base64', pointer: () => schema('Base64DeviceInfo'), value: '{"model":"x"}', encoded: true },
  { name: 'X-Device-Info whose JSON misses a comma (Adobe samples)', pointer: () => schema('Base64DeviceInfo'), value: base64('{"model": "TV" "osName": "tvOS"}'), encoded: true },
  { name: 'X-Device-Info with an unknown osName', pointer: () => schema('Base64DeviceInfo'), value: base64({ ...validDevice, osName: 'TempleOS' }), encoded: true, path: '(decoded)/osName' },
  { name: 'X-Device-Info without osVersion', pointer: () => schema('Base64DeviceInfo'), value: base64({ ...validDevice, osVersion: undefined }), encoded: true },
];

describe('Accept', () => {
  const accept = () => operations.find((o) => o.operationId === 'initiateLogout')!.parameters.find((p) => p.name === 'Accept')!.schemaPointer;
  it.each(['application/json', 'application/json;charset=utf-8', '*/*', 'text/html, application/*;q=0.8'])('accepts %s (covers JSON)', (value) => {
    expect(validator.validate(accept(), value).valid).toBe(true);
  });
  it.each(['text/html', 'application/xml', 'application/jsonx'])('rejects %s (no JSON)', (value) => {
    expect(validator.validate(accept(), value).valid).toBe(false);
  });
});

describe('counter-examples are rejected', () => {
  it.each(rejected.map((r) => ({ ...r, name: caseName('schema', r.name) })))('$name', ({ pointer, value, encoded, path }) => {
    const result = encoded ? validator.validateEncoded(pointer(), value) : validator.validate(pointer(), value);
    expect(result.valid).toBe(false);
    if (path !== undefined) expect(result.violations.map((v) => v.path)).toContain(path);
  });

  it('accepts the valid twins of the counter-examples', () => {
    expect(validator.validate(schema('LogoutResponse'), logout({ actionName: 'logout', actionType: 'interactive', url: 'https://x.test/' })).valid).toBe(true);
    expect(validator.validateEncoded(schema('Base64DeviceInfo'), base64(validDevice)).valid).toBe(true);
    expect(validator.validate(deviceIdParam(), 'fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi').valid).toBe(true);
  });
});
