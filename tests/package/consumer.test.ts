// The packages as users get them: packed, installed into scratch projects from the npm cache only, the
// command run the four ways users launch it, and the client's types checked under two module resolutions;
// the client also installed with Yarn 4's Plug'n'Play, whose own `fs` is what a Yarn project's code runs on.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { projectRoot } from '../../src/description/document.ts';
import { startForwardProxy } from '../support/forward-proxy.ts';

const run = promisify(execFile);
const TSC = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const YARN = join(projectRoot, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js');

interface LockEntry { version?: string; dev?: boolean; link?: boolean; resolved?: string; dependencies?: Record<string, string>; [key: string]: unknown }
interface PackageJson { name: string; version: string; dependencies?: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string>; license?: string }

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const rootPkg = readJson<PackageJson>(join(projectRoot, 'package.json'));
const clientPkg = readJson<PackageJson>(join(projectRoot, 'packages', 'client', 'package.json'));
const repoLock = readJson<{ packages: Record<string, LockEntry> }>(join(projectRoot, 'package-lock.json'));

/** Runs a command with a clean environment: no PASS_* settings leak in, npm never reaches the network. */
async function sh(cwd: string, cmd: string, args: string[], timeout = 90_000, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // Under `npm test`, npm exports its settings as npm_* variables (npm_config_local_prefix points at this
  // repository); the scratch projects must not inherit them, except the cache location.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PASS_') && !k.startsWith('YARN_') && (!k.startsWith('npm_') || k === 'npm_config_cache') && k !== 'NODE_OPTIONS'));
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extraEnv } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== 'number') throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${e.message}`);
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * A lockfile for a scratch project that installs the given tarballs with exactly the dependency
 * versions the repository's lockfile pins (the versions `npm test` ran with). With it, `npm ci
 * --offline` needs only the tarballs a fresh `npm ci` of the repository put in the npm cache; a
 * plain `npm install --offline` would also need registry metadata, which `npm ci` does not cache.
 */
function scratchLock(tarballs: { pkg: PackageJson; file: string }[]): object {
  const needed = new Set<string>();
  const visit = (name: string, from: string) => {
    // Node's resolution: the nearest node_modules/<name> walking up from the requiring package.
    let dir = from;
    for (;;) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (repoLock.packages[key] && !repoLock.packages[key]!.link) {
        if (!needed.has(key)) {
          needed.add(key);
          const entry = repoLock.packages[key]!;
          for (const dep of Object.keys({ ...entry.dependencies, ...(entry.optionalDependencies as Record<string, string> | undefined) })) visit(dep, key);
          for (const dep of Object.keys((entry.peerDependencies as Record<string, string> | undefined) ?? {})) if (!(entry.peerDependenciesMeta as Record<string, { optional?: boolean }> | undefined)?.[dep]?.optional) visit(dep, key);
        }
        return;
      }
      if (!dir) throw new Error(`package-lock.json has no entry for ${name} (needed by ${from || 'the root'})`);
      dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '';
    }
  };
  const ours = new Set(tarballs.map((t) => t.pkg.name));
  const packages: Record<string, object> = {
    '': { name: 'consumer', dependencies: Object.fromEntries(tarballs.map((t) => [t.pkg.name, `file:${t.file}`])) },
  };
  for (const { pkg, file } of tarballs) {
    packages[`node_modules/${pkg.name}`] = {
      version: pkg.version, resolved: `file:${file}`, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines,
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) if (!ours.has(dep)) visit(dep, '');
  }
  for (const key of [...needed].sort()) packages[key] = repoLock.packages[key]!;
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}

function scratchProject(dir: string, tarballs: { pkg: PackageJson; file: string }[], extra: object = {}): void {
  const dependencies = Object.fromEntries(tarballs.map((t) => [t.pkg.name, `file:${t.file}`]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies, ...extra }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(scratchLock(tarballs), null, 2));
}

/** Installed package count and bytes on disk of a project's node_modules. */
function footprint(dir: string): { packages: number; bytes: number } {
  const lock = readJson<{ packages: Record<string, unknown> }>(join(dir, 'node_modules', '.package-lock.json'));
  const du = (p: string): number => readdirSync(p, { withFileTypes: true }).reduce((n, e) => {
    const full = join(p, e.name);
    return n + (e.isDirectory() ? du(full) : e.isFile() ? statSync(full).size : 0);
  }, 0);
  return { packages: Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/')).length, bytes: du(join(dir, 'node_modules')) };
}

/** `bundler` and `node16` in an ES module project; `nodenext` in a CommonJS one (TypeScript 5.8+ lets it require an ES module). */
type Resolution = 'bundler' | 'node16' | 'nodenext';
const tsconfig = (moduleResolution: Resolution) => JSON.stringify({
  compilerOptions: {
    target: 'ES2022', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, skipLibCheck: false, types: [],
    module: { bundler: 'ESNext', node16: 'Node16', nodenext: 'NodeNext' }[moduleResolution], moduleResolution,
  },
  include: ['use.ts'],
});

// Uses the client the way a programmer service would; the @ts-expect-error lines fail the check if the
// types are lost (a package whose types resolve to `any` would make them unused directives).
const usage = (clientModule: string, typesModule: string) => `
import { createPassClient, createTypedClient, buildDeviceInfo, type PassClient } from '${clientModule}';
import type { components, paths } from '${typesModule}';

type ConfigurationGet = paths['/api/v2/{serviceProvider}/configuration']['get'];
export const path: ConfigurationGet['parameters']['path'] = { serviceProvider: 'REF30' };
// @ts-expect-error: a misspelt path parameter
export const misspelt: ConfigurationGet['parameters']['path'] = { serviceProvder: 'REF30' };
export const action: components['schemas']['ErrorAction'] = 'retry';
// @ts-expect-error: not a documented action
export const badAction: components['schemas']['ErrorAction'] = 'reboot';

export function client(): PassClient {
  return createPassClient({ baseUrl: 'https://sp.auth-staging.adobe.com', dcr: { softwareStatement: 'statement', deviceInfo: buildDeviceInfo({ primaryHardwareType: 'SetTopBox', model: 'TV', version: '5', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' }) } });
}

export async function configuration(): Promise<string[]> {
  const typed = createTypedClient({ baseUrl: 'https://sp.auth-staging.adobe.com' });
  const { data } = await typed.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' } } });
  // @ts-expect-error: not a described path
  await typed.GET('/api/v2/{serviceProvider}/nothing-here', {});
  return (data?.requestor.mvpds ?? []).map((m) => m.id);
}
`;

/** Type-checks `usage` in a folder of `project` under one module resolution; tsc must print nothing. */
async function typeCheck(project: string, resolution: Resolution, clientModule: string, typesModule: string): Promise<void> {
  const dir = join(project, `ts-${resolution}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: resolution === 'nodenext' ? 'commonjs' : 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig(resolution));
  writeFileSync(join(dir, 'use.ts'), usage(clientModule, typesModule));
  const checked = await sh(dir, process.execPath, [TSC, '-p', 'tsconfig.json']);
  expect(checked.stdout + checked.stderr).toBe('');
  expect(checked.code).toBe(0);
}

interface PackInfo { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

let scratch: string;
let shipped: { tools: string[]; client: string[] };
let tools: { pkg: PackageJson; file: string };
let client: { pkg: PackageJson; file: string };
const sizes: Record<string, { packages: number; bytes: number }> = {};

beforeAll(async () => {
  // A space and a non-ASCII letter in the path, as under "Application Support" or a user's name:
  // a file URL turned into a path by hand (`%20`, `%C3%A9`) would break every installed command.
  scratch = mkdtempSync(join(tmpdir(), 'pass consumer é-'));
  // `npm pack` runs `prepare` (the build of both packages), so the tarballs hold the current source.
  const packedTools = await sh(projectRoot, 'npm', ['pack', '--json', '--pack-destination', scratch]);
  expect(packedTools.code, packedTools.stderr).toBe(0);
  const packedClient = await sh(projectRoot, 'npm', ['pack', '--json', '--ignore-scripts', '-w', 'pass-contract-client', '--pack-destination', scratch]);
  expect(packedClient.code, packedClient.stderr).toBe(0);
  const [toolsInfo] = JSON.parse(packedTools.stdout) as PackInfo[];
  const [clientInfo] = JSON.parse(packedClient.stdout) as PackInfo[];
  shipped = { tools: toolsInfo!.files.map((f) => f.path), client: clientInfo!.files.map((f) => f.path) };
  tools = { pkg: rootPkg, file: join(scratch, toolsInfo!.filename) };
  client = { pkg: clientPkg, file: join(scratch, clientInfo!.filename) };
  console.info(`packed: pass-contract ${toolsInfo!.size} B (${toolsInfo!.unpackedSize} B unpacked), pass-contract-client ${clientInfo!.size} B (${clientInfo!.unpackedSize} B unpacked)`);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (Object.keys(sizes).length) console.info(`installs: ${Object.entries(sizes).map(([who, s]) => `${who} ${s.packages} packages / ${(s.bytes / 1e6).toFixed(1)} MB`).join('; ')}`);
}, 60_000); // removing two installed projects takes a while on a loaded 2-core machine

describe('the tarballs', () => {
  it('ship the licences, the README, the built code and the bundled description, and nothing else', () => {
    for (const [name, files] of Object.entries(shipped)) {
      expect(files, name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts')), name).toEqual([]);
      expect(files.filter((f) => !/^(dist\/|generated\/openapi\.(json|yaml)$|schemas\/scenario\.schema\.json$|scenarios\/default\.yaml$|reference\/(LICENSE-adobe-docs|README)\.md$|LICENSE(-adobe-docs\.md)?$|README\.md$|package\.json$)/.test(f)), name).toEqual([]);
    }
    expect(shipped.tools).toEqual(expect.arrayContaining(['dist/src/cli/bin.js', 'generated/openapi.json', 'generated/openapi.yaml', 'reference/LICENSE-adobe-docs.md', 'schemas/scenario.schema.json', 'scenarios/default.yaml']));
    expect(shipped.tools.filter((f) => f.startsWith('generated/docs/'))).toEqual([]);
    expect(shipped.client).toEqual(expect.arrayContaining(['dist/src/index.js', 'dist/generated/schema.d.ts', 'dist/openapi.json', 'LICENSE-adobe-docs.md']));
  });
});

describe('pass-contract installed from its tarball', () => {
  let project: string;

  beforeAll(async () => {
    project = join(scratch, 'tools');
    mkdirSync(project);
    scratchProject(project, [client, tools], { scripts: { drift: 'pass-contract check --report npm-script-report' } });
    const installed = await sh(project, 'npm', ['ci', '--offline', '--ignore-scripts']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    sizes.tools = footprint(project);
  }, 120_000);

  it('runs through npx, the .bin symlink, an npm script and node with the file path', async () => {
    const viaNpx = await sh(project, 'npx', ['pass-contract', '--version']);
    expect(viaNpx).toMatchObject({ code: 0, stdout: `${rootPkg.version}\n` });
    const viaBin = await sh(project, join(project, 'node_modules', '.bin', 'pass-contract'), ['--version']);
    expect(viaBin).toMatchObject({ code: 0, stdout: `${rootPkg.version}\n` });
    const viaNode = await sh(project, process.execPath, [join(project, 'node_modules', 'pass-contract', 'dist', 'src', 'cli', 'bin.js'), '--version']);
    expect(viaNode).toMatchObject({ code: 0, stdout: `${rootPkg.version}\n` });
    const viaScript = await sh(project, 'npm', ['run', '--silent', 'drift']);
    expect(viaScript.code, viaScript.stderr).toBe(0);
    expect(readdirSync(join(project, 'npm-script-report')).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
  }, 120_000);

  it('`npx pass-contract check` checks every case against the embedded mock and writes the three reports', async () => {
    const checked = await sh(project, 'npx', ['pass-contract', 'check', '--report', 'reports']);
    expect(checked.code, checked.stderr).toBe(0);
    const report = readJson<{ results: { outcome: string }[] }>(join(project, 'reports', 'report.json'));
    expect(report.results.length).toBeGreaterThan(100);
    expect(report.results.filter((r) => r.outcome !== 'pass')).toEqual([]);
    expect(checked.stdout).toContain(`${report.results.length} results: ${report.results.length} pass, 0 breaking, 0 additions`);
    const junit = readFileSync(join(project, 'reports', 'junit.xml'), 'utf8');
    // One test per result, plus the run's own "run completed".
    expect(junit).toMatch(new RegExp(`<testsuites[^>]* tests="${report.results.length + 1}"[^>]* failures="0"`));
    expect(readFileSync(join(project, 'reports', 'summary.md'), 'utf8')).toMatch(/^#/);
  }, 120_000);

  it('`pass-contract check` on a disk that fills up: exits 2 and says why, and every report file left is whole', async () => {
    // A file-size limit stands in for the full disk (`ulimit -f`, no root needed): a write past it
    // writes what fits and reports no error, and only the next write fails (EFBIG; ENOSPC on a disk).
    // 64 blocks (32 KiB in sh, 64 KiB in bash) hold junit.xml and summary.md, not the final report.json.
    const bin = join(project, 'node_modules', 'pass-contract', 'dist', 'src', 'cli', 'bin.js');
    const checked = await sh(project, 'sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, bin, 'check', '--report', 'full-disk']);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain('pass-contract: ReportDirError: --report full-disk cannot hold the report: EFBIG');
    expect(checked.stdout).not.toContain('report: ');
    const dir = join(project, 'full-disk');
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
    // The last report.json that fitted: a whole one, of the run still under way.
    expect(readJson<{ status: string }>(join(dir, 'report.json')).status).toBe('running');
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<\/testsuites>\s*$/);
  }, 120_000);

  it('`npx pass-contract simulate` serves the shipped default scenario', async () => {
    const child = spawn(join(project, 'node_modules', '.bin', 'pass-contract'), ['simulate', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`simulate printed no URL: ${out}`)), 30_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /simulator listening on (\S+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]!); }
        });
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`simulate exited ${code}: ${out}`)); });
      });
      const configuration = await fetch(`${url}/api/v2/REF30/configuration`, { signal: AbortSignal.timeout(10_000) });
      expect(configuration.status).toBe(401);
      expect(((await configuration.json()) as { code: string }).code).toBe('invalid_access_token_client_application');
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('`npx pass-contract diff <url> <url>` goes through the proxy HTTP_PROXY names (undici, loaded on demand, from the installed dependencies)', async () => {
    const description = readFileSync(join(project, 'node_modules', 'pass-contract', 'generated', 'openapi.json'));
    const server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(description));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = await startForwardProxy();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`;
      const diffed = await sh(project, 'npx', ['pass-contract', 'diff', url, url], 90_000, { HTTP_PROXY: proxy.url, NO_PROXY: '' });
      expect(diffed.code, diffed.stderr).toBe(0);
      expect(diffed.stderr).not.toMatch(/warning/i);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels.map((t) => t.target))).toEqual(new Set([new URL(url).host]));
    } finally {
      await proxy.close();
      server.closeAllConnections();
      server.close();
    }
  }, 120_000);

  it('says so, exits 2 and lists the commands on an unknown command', async () => {
    const unknown = await sh(project, 'npx', ['pass-contract', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'.*check, mock, proxy, simulate, diff, upstream, audit/);
  });

  it.each(['bundler', 'node16'] as const)('type-checks pass-contract/client with paths from pass-contract/types under moduleResolution %s', async (resolution) => {
    await typeCheck(project, resolution, 'pass-contract/client', 'pass-contract/types');
  }, 120_000);
});

describe('pass-contract-client installed alone', () => {
  let project: string;

  beforeAll(async () => {
    project = join(scratch, 'client');
    mkdirSync(project);
    scratchProject(project, [client]);
    const installed = await sh(project, 'npm', ['ci', '--offline', '--ignore-scripts']);
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    sizes.client = footprint(project);
  }, 120_000);

  it('the README states the install per audience as measured (packages, and size to the figure it gives)', () => {
    // Before: the table still said 146 packages for the tools and 0.9 MB for the client after the
    // installs had become 144 packages and 1.0 MB.
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    expect(sizes.tools, 'the tools install (the describe above) ran first').toBeDefined();
    expect(readme).toContain(`| ${sizes.client!.packages} packages, ≈${(sizes.client!.bytes / 1e6).toFixed(1)} MB: the client`);
    expect(readme).toContain(`| ${sizes.tools!.packages} packages, ≈${(sizes.tools!.bytes / 1e6).toFixed(0)} MB (Prism is most of it)`);
  });

  it('installs openapi-fetch and what it needs, nothing else', () => {
    const lock = readJson<{ packages: Record<string, unknown> }>(join(project, 'node_modules', '.package-lock.json'));
    const names = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/')).map((k) => k.replace(/^.*node_modules\//, '')).sort();
    expect(names).toEqual(['openapi-fetch', 'openapi-typescript-helpers', 'pass-contract-client']);
    expect(existsSync(join(project, 'node_modules', '@stoplight'))).toBe(false);
  });

  it('imports at run time and ships the bundled description', async () => {
    const script = "import { createTypedClient, operations } from 'pass-contract-client'; import { createRequire } from 'node:module'; const doc = createRequire(import.meta.url)('pass-contract-client/openapi.json'); console.log(typeof createTypedClient, Object.keys(operations).length, doc.openapi);";
    const ran = await sh(project, process.execPath, ['--input-type=module', '-e', script]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout.trim()).toBe(`function 15 ${readJson<{ openapi: string }>(join(projectRoot, 'generated', 'openapi.json')).openapi}`);
  });

  it.each(['bundler', 'node16'] as const)('type-checks under moduleResolution %s', async (resolution) => {
    await typeCheck(project, resolution, 'pass-contract-client', 'pass-contract-client/types');
  }, 120_000);

  // Many services are still CommonJS: Node 20.19+ loads an ES module with require() (no top-level
  // await in its graph), and TypeScript 5.8+ type-checks that under module nodenext.
  it('loads with require() in a CommonJS service, and type-checks there under module nodenext', async () => {
    const script = "const { createPassClient, operations } = require('pass-contract-client'); const { FileTokenStore } = require('pass-contract-client/node'); console.log(typeof createPassClient, typeof FileTokenStore, Object.keys(operations).length);";
    const ran = await sh(project, process.execPath, ['-e', script]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout.trim()).toBe('function function 15');
    await typeCheck(project, 'nodenext', 'pass-contract-client', 'pass-contract-client/types');
  }, 120_000);
});

describe('pass-contract-client installed with Yarn 4 (Plug\'n\'Play)', () => {
  let project: string;
  const yarn = (...args: string[]) => sh(project, process.execPath, [YARN, ...args]);

  beforeAll(async () => {
    project = join(scratch, 'yarn-pnp');
    const deps = join(project, 'deps');
    mkdirSync(deps, { recursive: true });
    // Yarn keeps a cache of its own; with the network off, the client's dependencies come as
    // tarballs packed from this repository's install: those the npm scratch lock above would install.
    const packed: Record<string, string> = {};
    const needed = Object.keys((scratchLock([client]) as { packages: Record<string, unknown> }).packages).filter((k) => k.startsWith('node_modules/') && k !== `node_modules/${clientPkg.name}`);
    for (const key of needed) {
      const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const out = await sh(projectRoot, 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', deps, join(projectRoot, key)]);
      expect(out.code, out.stderr).toBe(0);
      packed[name] = `file:./deps/${(JSON.parse(out.stdout) as PackInfo[])[0]!.filename}`;
    }
    // Yarn turns immutable installs on by itself when it sees a CI environment (CI=true and the
    // like), and this first install must write the lockfile: said here, not left to the machine.
    writeFileSync(join(project, '.yarnrc.yml'), 'nodeLinker: pnp\nenableNetwork: false\nenableTelemetry: false\nenableGlobalCache: false\nenableScripts: false\nenableImmutableInstalls: false\nglobalFolder: ./.yarn/global\n');
    writeFileSync(join(project, 'yarn.lock'), '');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [clientPkg.name]: `file:${client.file}` }, resolutions: packed }, null, 2));
    const installed = await yarn('install');
    expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
    expect(existsSync(join(project, '.pnp.cjs'))).toBe(true);
    expect(existsSync(join(project, 'node_modules'))).toBe(false);
  }, 120_000);

  it('saves and loads the token store, and writes files whole through writeFileAtomic', async () => {
    // Before: Yarn's FileHandle has no sync(), and every save failed with "Method not implemented.".
    const script = `
      import { FileTokenStore, writeFileAtomic } from 'pass-contract-client/node';
      import { createPassClient } from 'pass-contract-client';
      import { readFileSync, readdirSync } from 'node:fs';
      const state = { clientCredentials: { clientId: 'client-id', clientSecret: 'yarn-client-secret' }, accessToken: { value: 'yarn-access-token', expiresAt: 2000000000000 } };
      await new FileTokenStore('state/tokens.json').save(state);
      for (let i = 0; i < 20; i++) await writeFileAtomic('state/report.json', JSON.stringify({ write: i }));
      const loaded = await new FileTokenStore('state/tokens.json').load();
      console.log(JSON.stringify({ same: JSON.stringify(loaded) === JSON.stringify(state), report: readFileSync('state/report.json', 'utf8'), files: readdirSync('state').sort(), client: typeof createPassClient }));
    `;
    writeFileSync(join(project, 'use.mjs'), script);
    const ran = await yarn('node', 'use.mjs');
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout.trim().split('\n').at(-1)!)).toEqual({ same: true, report: '{"write":19}', files: ['tokens.json', 'report.json'].sort(), client: 'function' });
  }, 120_000);
});
