// The client core runs in browsers and Node 20 with openapi-fetch as its only runtime dependency.
import { describe, expect, it } from 'vitest';
import { bundleClient } from '../../bench/client-bundle.ts';

describe('client package', () => {
  it('bundles for the browser from packages/client/src, the generated operation table and openapi-fetch only', async () => {
    const bundle = await bundleClient();
    const outside = bundle.inputs.filter((p) => !p.startsWith('packages/client/src/') && p !== 'packages/client/generated/operations.ts' && !p.startsWith('node_modules/openapi-fetch/'));
    expect(outside).toEqual([]);
    expect(bundle.inputs.some((p) => p.startsWith('node_modules/openapi-fetch/'))).toBe(true);
    expect(bundle.inputs.filter((p) => p.startsWith('packages/client/src/node/'))).toEqual([]);
    console.info(`client bundle: ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzip`);
  });
});
