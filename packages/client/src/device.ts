// Builders and decoders for the device headers (AP-Device-Identifier, X-Device-Info, …).
// Browser-safe: TextEncoder, btoa/atob and WebCrypto only.
import type { components } from '../generated/schema.d.ts';

export type DeviceInfo = components['schemas']['DeviceInfo'];
export type PartnerFrameworkStatus = components['schemas']['PartnerFrameworkStatus'];

export class HeaderFormatError extends Error {
  constructor(
    readonly header: string,
    problem: string,
  ) {
    super(`${header}: ${problem}`);
    this.name = 'HeaderFormatError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function encodeBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function decodeBase64(value: string, header: string): string {
  if (!BASE64.test(value) || value.length % 4 !== 0) throw new HeaderFormatError(header, 'value is not base64 (RFC 4648, padded)');
  const binary = atob(value);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HeaderFormatError(header, 'decoded bytes are not UTF-8');
  }
}

function decodeJsonHeader(value: string, header: string): Record<string, unknown> {
  const text = decodeBase64(value, header);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HeaderFormatError(header, `decoded value is not JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HeaderFormatError(header, 'decoded JSON is not an object');
  return parsed as Record<string, unknown>;
}

/** `fingerprint <base64(id)>` for a stable device id kept by the application. */
export function buildDeviceIdentifier(stableId: string): string {
  if (!stableId) throw new HeaderFormatError('AP-Device-Identifier', 'the stable device id is empty');
  return `fingerprint ${encodeBase64(stableId)}`;
}

/** The stable id inside an AP-Device-Identifier value. */
export function decodeDeviceIdentifier(value: string): { type: 'fingerprint'; id: string } {
  const match = /^(\S+) (\S+)$/.exec(value);
  if (!match) throw new HeaderFormatError('AP-Device-Identifier', 'expected "fingerprint <base64>"');
  if (match[1] !== 'fingerprint') throw new HeaderFormatError('AP-Device-Identifier', `unsupported type "${match[1]}", only "fingerprint"`);
  return { type: 'fingerprint', id: decodeBase64(match[2]!, 'AP-Device-Identifier') };
}

/**
 * A stable device id from platform ids (identifierForVendor, ANDROID_ID, …): the hex SHA-256 of
 * the ids joined, as Adobe recommends hashing the OS-provided value.
 */
export async function deriveStableDeviceId(...platformIds: string[]): Promise<string> {
  if (platformIds.length === 0 || platformIds.some((id) => !id)) throw new HeaderFormatError('AP-Device-Identifier', 'platform ids must be non-empty strings');
  // Browsers give Web Crypto only to secure contexts (https:, localhost): on a plain http page
  // `crypto.subtle` is undefined.
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (!subtle) throw new Error('deriveStableDeviceId needs Web Crypto (crypto.subtle), which a browser gives only to a secure context (an https: page, or localhost): serve the page over https, or derive the id where Web Crypto exists');
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(platformIds.join('\u0000')));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const REQUIRED_DEVICE_FIELDS = ['model', 'version', 'osName', 'osVersion', 'connectionType'] as const;

export function buildDeviceInfo(info: DeviceInfo): string {
  const missing = REQUIRED_DEVICE_FIELDS.filter((k) => info[k] === undefined || info[k] === '');
  if (missing.length) throw new HeaderFormatError('X-Device-Info', `missing required field(s) ${missing.join(', ')}`);
  return encodeBase64(JSON.stringify(info));
}

/** Decodes X-Device-Info and checks the fields Adobe requires (not the restricted value lists). */
export function decodeDeviceInfo(value: string): DeviceInfo {
  const doc = decodeJsonHeader(value, 'X-Device-Info');
  const missing = REQUIRED_DEVICE_FIELDS.filter((k) => typeof doc[k] !== 'string' || doc[k] === '');
  if (missing.length) throw new HeaderFormatError('X-Device-Info', `missing required field(s) ${missing.join(', ')}`);
  return doc as DeviceInfo;
}

export function buildPartnerFrameworkStatus(status: PartnerFrameworkStatus): string {
  return encodeBase64(JSON.stringify(status));
}

export function decodePartnerFrameworkStatus(value: string): PartnerFrameworkStatus {
  const doc = decodeJsonHeader(value, 'AP-Partner-Framework-Status');
  const permission = doc.frameworkPermissionInfo as Record<string, unknown> | undefined;
  const provider = doc.frameworkProviderInfo as Record<string, unknown> | undefined;
  if (typeof permission?.accessStatus !== 'string') throw new HeaderFormatError('AP-Partner-Framework-Status', 'frameworkPermissionInfo.accessStatus is missing');
  if (typeof provider?.id !== 'string' || typeof provider.expirationDate !== 'string') {
    throw new HeaderFormatError('AP-Partner-Framework-Status', 'frameworkProviderInfo.id and .expirationDate are required strings');
  }
  return doc as unknown as PartnerFrameworkStatus;
}

export function buildTempPassIdentity(identity: Record<string, unknown>): string {
  if (Object.keys(identity).length === 0) throw new HeaderFormatError('AP-TempPass-Identity', 'identity is empty');
  return encodeBase64(JSON.stringify(identity));
}

export interface DeviceHeaderOptions {
  /** The application's stable device id (not yet encoded). */
  deviceId: string;
  device: DeviceInfo;
  /** The streaming device's IP address; always send it from a server. */
  forwardedFor?: string;
  /** Single sign-on: exactly one of these, when the platform provides it. */
  adobeSubjectToken?: string;
  rokuConnectToken?: string;
  serviceToken?: string;
  partnerFrameworkStatus?: PartnerFrameworkStatus;
  visitorId?: string;
  tempPassIdentity?: Record<string, unknown>;
}

/** A header for option K of O: required if O has it, optional if O may have it, absent otherwise. */
type HeaderFor<O, K extends string, H extends string> = K extends keyof O ? (undefined extends O[K] ? { [P in H]?: string } : { [P in H]: string }) : {};

/**
 * Exactly the headers `deviceHeaders(o)` returns for options of type O, so the typed client can
 * check them against each operation's declared headers.
 */
export type DeviceHeaders<O extends DeviceHeaderOptions = DeviceHeaderOptions> = { 'AP-Device-Identifier': string; 'X-Device-Info': string } & HeaderFor<O, 'forwardedFor', 'X-Forwarded-For'> &
  HeaderFor<O, 'adobeSubjectToken', 'Adobe-Subject-Token'> &
  HeaderFor<O, 'rokuConnectToken', 'X-Roku-Reserved-Roku-Connect-Token'> &
  HeaderFor<O, 'serviceToken', 'AD-Service-Token'> &
  HeaderFor<O, 'partnerFrameworkStatus', 'AP-Partner-Framework-Status'> &
  HeaderFor<O, 'visitorId', 'AP-Visitor-Identifier'> &
  HeaderFor<O, 'tempPassIdentity', 'AP-TempPass-Identity'>;

/** The header object for one device's call, ready for `params.header`. */
export function deviceHeaders<O extends DeviceHeaderOptions>(o: O): DeviceHeaders<O> {
  if (o.adobeSubjectToken && o.rokuConnectToken) throw new HeaderFormatError('Adobe-Subject-Token', 'send Adobe-Subject-Token or X-Roku-Reserved-Roku-Connect-Token, not both');
  const headers: Record<string, string> = {
    'AP-Device-Identifier': buildDeviceIdentifier(o.deviceId),
    'X-Device-Info': buildDeviceInfo(o.device),
  };
  if (o.forwardedFor) headers['X-Forwarded-For'] = o.forwardedFor;
  if (o.adobeSubjectToken) headers['Adobe-Subject-Token'] = o.adobeSubjectToken;
  if (o.rokuConnectToken) headers['X-Roku-Reserved-Roku-Connect-Token'] = o.rokuConnectToken;
  if (o.serviceToken) headers['AD-Service-Token'] = o.serviceToken;
  if (o.partnerFrameworkStatus) headers['AP-Partner-Framework-Status'] = buildPartnerFrameworkStatus(o.partnerFrameworkStatus);
  if (o.visitorId) headers['AP-Visitor-Identifier'] = o.visitorId;
  if (o.tempPassIdentity) headers['AP-TempPass-Identity'] = buildTempPassIdentity(o.tempPassIdentity);
  return headers as DeviceHeaders<O>;
}
