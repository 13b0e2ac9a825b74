// Launches Chromium for browser tests: Debian's /usr/bin/chromium when present, else the Chromium shipped inside @sparticuz/chromium.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { extract } from 'tar-fs';
import { removeAbandoned } from './abandoned.ts';

export type ChromiumSource = 'system' | 'npm';
export type LibraryChoice = 'system' | 'bundled';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** Browser profiles live in the temp directory as `<prefix><pid>-…`. */
export const PROFILE_PREFIX = 'pass-chromium-profile-';
const NPM_PACKAGE = '@sparticuz/chromium';

/**
 * One set of flags for both browsers. The npm package's own `args` are tuned for AWS Lambda
 * (`--single-process`, `--disable-web-security`, …) and are not used: a test browser should behave
 * like a user's. A fresh profile directory per launch comes from launchPersistentContext.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What chooseChromium looks at; tests hand in a fake one. */
export interface Host {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  exists(path: string): boolean;
}

export type ChromiumChoice = { source: 'system'; executablePath: string } | { source: 'npm' };

const INSTALL_HINT = 'Install Chromium (Debian/Ubuntu: `apt-get install chromium`) or point PASS_CHROMIUM_PATH at a Chromium or Chrome executable.';

/**
 * Which browser to drive. PASS_CHROMIUM_PATH names an executable outright; PASS_CHROMIUM is
 * `auto` (default: the system one when present, else npm), `system` or `npm` (forces the npm one
 * even where the system has its own, which is how the fallback is tested on a machine with both).
 */
export function chooseChromium(host: Host): ChromiumChoice {
  const path = host.env.PASS_CHROMIUM_PATH;
  if (path) {
    if (!host.exists(path)) throw new Error(`PASS_CHROMIUM_PATH is ${path}, which does not exist.`);
    return { source: 'system', executablePath: path };
  }
  const mode = host.env.PASS_CHROMIUM || 'auto';
  if (mode !== 'auto' && mode !== 'system' && mode !== 'npm') {
    throw new Error(`PASS_CHROMIUM must be auto, system or npm; it is "${mode}".`);
  }
  const hasSystem = host.exists(SYSTEM_CHROMIUM);
  if (mode === 'system' && !hasSystem) throw new Error(`PASS_CHROMIUM=system, but ${SYSTEM_CHROMIUM} does not exist. ${INSTALL_HINT}`);
  if (mode !== 'npm' && hasSystem) return { source: 'system', executablePath: SYSTEM_CHROMIUM };
  if (host.platform !== 'linux' || host.arch !== 'x64') {
    throw new Error(`No Chromium for the browser tests: ${SYSTEM_CHROMIUM} is missing, and the Chromium inside ${NPM_PACKAGE} `
      + `runs on x86-64 Linux only (this is ${host.platform}/${host.arch}). ${INSTALL_HINT}`);
  }
  return { source: 'npm' };
}

export interface NpmChromium {
  version: string;
  executablePath: string;
  /** libnss3, libnspr4, libexpat and their companions, as the package ships them (Amazon Linux 2023 builds). */
  libDir: string;
  /** A fontconfig file for the package's fonts, for systems without /etc/fonts. */
  fontsConfig: string;
  /** 0 when the cache already held this version. */
  unpackMs: number;
}

export interface UnpackOptions {
  /** The package directory holding bin/*.br (default: the installed @sparticuz/chromium). */
  packageDir?: string;
  /** Where unpacked versions live (default: node_modules/.cache/pass-contract). */
  cacheRoot?: string;
}

function installedPackageDir(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(NPM_PACKAGE);
  } catch {
    throw new Error(`${NPM_PACKAGE} is not installed, and ${SYSTEM_CHROMIUM} is missing: run \`npm ci\` (it is a devDependency). ${INSTALL_HINT}`);
  }
  // The package's exports hide package.json, so walk up from its entry point.
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === NPM_PACKAGE) return dir;
  }
  throw new Error(`Cannot find the package directory of ${NPM_PACKAGE} above ${entry}`);
}

/** node_modules/.cache is where build tools keep caches: per project, and `npm ci` clears it. */
function defaultCacheRoot(packageDir: string): string {
  const at = packageDir.lastIndexOf(join('node_modules', NPM_PACKAGE));
  if (at < 0) return join(tmpdir(), 'pass-contract-cache');
  return join(packageDir.slice(0, at), 'node_modules', '.cache', 'pass-contract');
}

async function unbrotli(source: string, target: NodeJS.WritableStream): Promise<void> {
  await pipeline(createReadStream(source), createBrotliDecompress(), target);
}

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** tar-fs 3 extracts through a streamx stream, which pipeline() drives like a Node one; its types do not say so. */
const untar = (dir: string): NodeJS.WritableStream => extract(dir) as unknown as NodeJS.WritableStream;

/**
 * Unpacks the package's brotli-packed Chromium, its libraries and fonts into a cache directory
 * named after the package version. The package's own `executablePath()` is not used: it unpacks to
 * a fixed /tmp/chromium whatever the version, trusts any file found there (a run killed midway
 * leaves a truncated browser for good, and two test workers race on it), and unpacks the
 * libraries only on AWS Lambda. Here each unpack fills a staging directory of its own and renames
 * it into place, so the cache holds a complete version or nothing; a concurrent unpack that loses
 * the rename drops its copy.
 */
export async function unpackNpmChromium(options: UnpackOptions = {}): Promise<NpmChromium> {
  const packageDir = options.packageDir ?? installedPackageDir();
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot(packageDir);
  const dir = join(cacheRoot, `chromium-${version}`);
  const result = (unpackMs: number): NpmChromium => ({
    version,
    executablePath: join(dir, 'chromium'),
    libDir: join(dir, 'lib'),
    fontsConfig: join(dir, 'fonts', 'fonts.conf'),
    unpackMs,
  });
  if (existsSync(dir)) return result(0);

  const bin = join(packageDir, 'bin');
  const missing = ['chromium.br', 'al2023.tar.br', 'fonts.tar.br'].filter((f) => !existsSync(join(bin, f)));
  if (missing.length) throw new Error(`${NPM_PACKAGE} ${version} lacks ${missing.join(', ')} in ${bin}; reinstall it with \`npm ci\`.`);

  const started = performance.now();
  mkdirSync(cacheRoot, { recursive: true });
  removeAbandoned(cacheRoot, '.staging-');
  const staging = mkdtempSync(join(cacheRoot, `.staging-${process.pid}-`));
  try {
    await Promise.all([
      unbrotli(join(bin, 'chromium.br'), createWriteStream(join(staging, 'chromium'), { mode: 0o755 })),
      unbrotli(join(bin, 'al2023.tar.br'), untar(staging)), // → lib/
      unbrotli(join(bin, 'fonts.tar.br'), untar(join(staging, 'fonts'))), // → fonts.conf, fonts/
    ]);
    // The shipped fonts.conf names Lambda's directories; ours names the unpacked fonts.
    writeFileSync(join(staging, 'fonts', 'fonts.conf'), [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      `  <dir>${xmlText(join(dir, 'fonts', 'fonts'))}</dir>`,
      `  <cachedir>${xmlText(join(dir, 'fonts', 'cache'))}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'));
    try {
      renameSync(staging, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      rmSync(staging, { recursive: true, force: true }); // another process finished first
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Unpacking ${NPM_PACKAGE} ${version} into ${cacheRoot} failed: ${(error as Error).message}`);
  }
  return result(performance.now() - started);
}

/** The libraries `ldd` reports as "not found". */
export function missingLibraries(lddOutput: string): string[] {
  return [...lddOutput.matchAll(/^\s*(\S+)\s+=>\s+not found\s*$/gm)].map((m) => m[1]!);
}

function ldd(executable: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve, reject) => {
    execFile('ldd', [executable], { env, timeout: 10_000, maxBuffer: 1 << 20 }, (error, stdout) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') resolve(null);
      else if (error && !stdout) reject(new Error(`ldd ${executable} failed: ${error.message}`));
      else resolve(stdout);
    });
  });
}

const withLibDir = (env: NodeJS.ProcessEnv, libDir: string): NodeJS.ProcessEnv =>
  ({ ...env, LD_LIBRARY_PATH: [libDir, ...(env.LD_LIBRARY_PATH ? [env.LD_LIBRARY_PATH] : [])].join(':') });

/**
 * The environment the npm Chromium needs. With `auto` the system's libnss3, libnspr4 and
 * libexpat are used when `ldd` finds them all (the browser then matches the rest of the system);
 * otherwise the package's copies go first on LD_LIBRARY_PATH. Without /etc/fonts the package's
 * fonts are configured, else pages would render without any font.
 */
export async function npmChromiumEnv(npm: NpmChromium, libraries: 'auto' | LibraryChoice, env: NodeJS.ProcessEnv):
Promise<{ libraries: LibraryChoice; env: NodeJS.ProcessEnv }> {
  let chosen: LibraryChoice = libraries === 'auto' ? 'system' : libraries;
  let out = chosen === 'bundled' ? withLibDir(env, npm.libDir) : { ...env };
  if (!existsSync('/etc/fonts/fonts.conf') && !env.FONTCONFIG_FILE && !env.FONTCONFIG_PATH) out.FONTCONFIG_FILE = npm.fontsConfig;
  let report = await ldd(npm.executablePath, out);
  if (libraries === 'auto' && (report === null || missingLibraries(report).length)) {
    chosen = 'bundled';
    out = withLibDir(out, npm.libDir);
    report = await ldd(npm.executablePath, out);
  }
  const missing = report === null ? [] : missingLibraries(report);
  if (missing.length) {
    throw new Error(`The Chromium of ${NPM_PACKAGE} ${npm.version} needs ${missing.join(', ')}, which neither this system nor the package `
      + `provides (libraries: ${chosen}). Install them, or ${INSTALL_HINT}`);
  }
  return { libraries: chosen, env: out };
}

export interface LaunchChromiumOptions {
  viewport?: { width: number; height: number };
  /** Read for PASS_CHROMIUM / PASS_CHROMIUM_PATH and passed to the browser (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** For the npm Chromium: whose libnss3/libnspr4/libexpat to use (default auto). */
  libraries?: 'auto' | LibraryChoice;
  /** Bound on the browser's start (default 30 s). */
  launchTimeoutMs?: number;
  unpack?: UnpackOptions;
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** The context's first tab. */
  page: Page;
  source: ChromiumSource;
  executablePath: string;
  /** Whose shared libraries the browser loads (always `system` for the system browser). */
  libraries: LibraryChoice;
  /** Time to unpack the npm Chromium (0 when cached or for the system browser). */
  unpackMs: number;
  /** Time from launch to a usable context. */
  launchMs: number;
  /** The fresh profile (--user-data-dir) of this browser; removed by close(). */
  profileDir: string;
  /** Closes the browser and removes its profile directory; safe to call twice. */
  close(): Promise<void>;
}

/** Starts a headless Chromium with a fresh profile, in a persistent context (Playwright refuses --user-data-dir in launch()). */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  const baseEnv = options.env ?? process.env;
  const choice = chooseChromium({ env: baseEnv, platform: process.platform, arch: process.arch, exists: existsSync });
  let executablePath: string;
  let env: NodeJS.ProcessEnv = baseEnv;
  let libraries: LibraryChoice = 'system';
  let unpackMs = 0;
  if (choice.source === 'system') {
    executablePath = choice.executablePath;
  } else {
    const npm = await unpackNpmChromium(options.unpack);
    ({ libraries, env } = await npmChromiumEnv(npm, options.libraries ?? 'auto', baseEnv));
    executablePath = npm.executablePath;
    unpackMs = npm.unpackMs;
  }
  removeAbandoned(tmpdir(), PROFILE_PREFIX);
  const profile = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  const started = performance.now();
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      timeout: options.launchTimeoutMs ?? 30_000,
      ...(options.viewport ? { viewport: options.viewport } : {}),
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Launching the ${choice.source} Chromium ${executablePath} (libraries: ${libraries}) failed: ${(error as Error).message}`);
  }
  const launchMs = performance.now() - started;
  const page = context.pages()[0] ?? await context.newPage();
  let closed = false;
  return {
    context, page, source: choice.source, executablePath, libraries, unpackMs, launchMs, profileDir: profile,
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
