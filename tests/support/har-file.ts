// Checks on HAR files the tests produce: valid HAR 1.2 by har-schema (Ajv), and which secret canaries
// leaked into the text in any form a host could echo them (as sent, %-encoded, form-encoded,
// JSON-escaped, base64) or as a prefix.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { HarEntry } from '../../src/http/har.ts';

const require = createRequire(import.meta.url);

let validator: ValidateFunction | undefined;

/** har-schema's draft-06 schemas (with their formats), one Ajv validator for a whole HAR document. */
export function harValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv); // startedDateTime is checked as a date-time
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const libDir = dirname(require.resolve('har-schema'));
  for (const f of readdirSync(libDir).filter((f) => f.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(join(libDir, f), 'utf8')));
  return (validator = ajv.getSchema('har.json#')!);
}

/** Reads a HAR file, fails with the schema errors if it is not valid HAR 1.2, and returns its entries and text. */
export async function readValidHar(path: string): Promise<{ text: string; entries: (HarEntry & { _clientAddress?: string })[] }> {
  const text = await readFile(path, 'utf8');
  const doc = JSON.parse(text) as { log: { entries: HarEntry[] } };
  const validate = harValidator();
  if (!validate(doc)) throw new Error(`${path} is not valid HAR 1.2: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
  return { text, entries: doc.log.entries };
}

/** The forms of a secret a hostile host could send back. */
function forms(secret: string): Record<string, string> {
  return {
    raw: secret,
    uri: encodeURIComponent(secret),
    form: new URLSearchParams({ v: secret }).toString().slice(2),
    json: JSON.stringify(secret).slice(1, -1),
    base64: Buffer.from(secret).toString('base64'),
    // A JWT's header is shared by every JWT: its payload is what identifies it.
    prefix: (/^eyJ[\w-]*\.[\w-]+\./.test(secret) ? secret.split('.')[1]! : secret).slice(0, 12),
  };
}

/** `name (form)` for each canary found in `text`, in any of its forms; empty when nothing leaked. */
export function leaks(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const [form, value] of Object.entries(forms(secret))) if (value.length >= 8 && text.includes(value)) found.push(`${name} (${form})`);
  }
  return found;
}
