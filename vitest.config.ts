import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const client = (path: string) => fileURLToPath(new URL(`./packages/client/${path}`, import.meta.url));

export default defineConfig({
  // The same mapping as `paths` in tsconfig.json: in the repository the tools use the client's source.
  resolve: {
    alias: [
      { find: /^pass-contract-client$/, replacement: client('src/index.ts') },
      { find: /^pass-contract-client\/node$/, replacement: client('src/node/file-store.ts') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // The tools go through the proxy the environment names (src/http/proxy.ts); the tests' hosts are
    // on loopback, so a developer's or runner's own proxy settings must not reach them.
    env: Object.fromEntries(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'npm_config_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy'].map((k) => [k, ''])),
    testTimeout: 20_000,
    globalSetup: ['tests/support/tmp-root.ts', 'tests/contract/global-setup.ts'],
    typecheck: {
      enabled: true,
      include: ['tests/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
