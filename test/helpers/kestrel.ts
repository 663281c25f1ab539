/**
 * Real Kestrel for tests: the fixture app under test/fixtures/kestrel-app built once per source version
 * (cached in the temp folder by a hash of its sources and the SDK version, so reruns start at once), then
 * started with `--urls https://127.0.0.1:PORT` and a sandbox HOME, awaited by probing its port, and always
 * stopped (`KestrelApps.stopAll()` in afterEach; a process-exit hook kills any left by a failed test).
 * Everything dotnet writes (HOME, DOTNET_CLI_HOME, NUGET_PACKAGES) goes under temp folders, never the real HOME.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './servers';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'kestrel-app');
const SOURCES = ['Program.cs', 'KestrelFixture.csproj', 'nuget.config'];

export type KestrelMode = 'devcert' | 'config' | 'require' | 'allow' | 'forward';

let sdk: { version?: string; reason?: string } | undefined;

/** The SDK version, or why there is none (tests skip with that reason, visibly). */
export function dotnetSdk(): { version?: string; reason?: string } {
  if (sdk) return sdk;
  const r = spawnSync('dotnet', ['--version'], { encoding: 'utf8', env: { ...process.env, ...quietDotnetEnv(os.tmpdir()) }, timeout: 60_000 });
  if (r.error) sdk = { reason: `dotnet is not on PATH (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}): the .NET SDK is needed for the real-Kestrel tests` };
  else if (r.status !== 0) sdk = { reason: `dotnet --version exited ${r.status}: ${r.stderr.trim()}` };
  else sdk = { version: r.stdout.trim() };
  return sdk;
}

/** In a mocha `before`: skip the suite, saying why in the test output, when the SDK is absent. */
export function skipWithoutDotnet(ctx: Mocha.Context): void {
  const { reason } = dotnetSdk();
  if (reason) {
    console.log(`      [skipped: ${reason}]`);
    ctx.skip();
  }
}

function quietDotnetEnv(cliHome: string): NodeJS.ProcessEnv {
  return {
    DOTNET_CLI_HOME: cliHome, DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1', DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_GENERATE_ASPNET_CERTIFICATE: 'false', DOTNET_ADD_GLOBAL_TOOLS_TO_PATH: 'false',
  };
}

/**
 * The environment for dotnet and the app in a sandbox: HOME (the X509 stores, ~/.aspnet, NSS databases)
 * and the CLI's folders under `home`; PATH kept so dotnet, openssl and certutil are found.
 */
export function dotnetSandboxEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  fs.mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH, HOME: home, ...quietDotnetEnv(path.join(home, '.dotnet-cli')),
    NUGET_PACKAGES: path.join(home, '.nuget-packages'), ...extra,
  };
}

/** `dotnet ARGS` in the sandbox HOME, synchronously (dev-certs and the like; no app is running from it). */
export function dotnetIn(home: string, args: string[], extra: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('dotnet', args, { encoding: 'utf8', env: dotnetSandboxEnv(home, extra), timeout: 120_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

let built: string | undefined;

/**
 * The fixture's KestrelFixture.dll, built on first use in this process. The build runs in a copy of the
 * sources under the temp folder (nothing lands in the repository) with build servers off (no process
 * outlives it), into a folder named by the sources' hash, renamed into place only when complete.
 */
export function buildKestrelFixture(): string {
  if (built) return built;
  const { version, reason } = dotnetSdk();
  if (!version) throw new Error(reason);
  const hash = createHash('sha256');
  hash.update(version);
  for (const f of SOURCES) hash.update(`\0${f}\0`).update(fs.readFileSync(path.join(FIXTURE, f)));
  const cache = path.join(os.tmpdir(), `devcert-doctor-kestrel-fixture-${hash.digest('hex').slice(0, 16)}`);
  const dll = path.join(cache, 'out', 'KestrelFixture.dll');
  if (!fs.existsSync(dll)) {
    const staging = fs.mkdtempSync(`${cache}.building-`);
    try {
      const src = path.join(staging, 'src');
      fs.mkdirSync(src);
      for (const f of SOURCES) fs.copyFileSync(path.join(FIXTURE, f), path.join(src, f));
      const r = spawnSync('dotnet', ['build', src, '-c', 'Release', '-o', path.join(staging, 'out'), '--disable-build-servers',
        '-nodeReuse:false', '-p:UseSharedCompilation=false'], { encoding: 'utf8', env: dotnetSandboxEnv(path.join(staging, 'home')), timeout: 300_000 });
      if (r.status !== 0) throw new Error(`dotnet build of the Kestrel fixture failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      fs.rmSync(path.join(staging, 'home'), { recursive: true, force: true });
      try { fs.renameSync(staging, cache); } catch { /* another run finished first: its build is the same */ }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  built = dll;
  return dll;
}

export interface KestrelApp {
  port: number;
  /** https://127.0.0.1:PORT, or what the test's config declares. */
  url: string;
  /** Everything the app printed so far (stdout and stderr). */
  output(): string;
  exitCode(): number | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  mode: KestrelMode;
  /** The sandbox HOME (the development certificate's store lives there). */
  home: string;
  /** Port to use; a free one when absent. */
  port?: number;
  /** Pass `--urls https://127.0.0.1:PORT` (default); false when the app's config declares its endpoints. */
  urls?: boolean;
  /** The content root (where appsettings*.json are read); a fresh empty folder under home when absent. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Start-up deadline (the default suits 2 busy cores). */
  readyMs?: number;
}

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

async function accepts(port: number): Promise<boolean> {
  return new Promise(res => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); res(true); });
    s.on('error', () => res(false));
  });
}

/** Start the fixture app and resolve once its port accepts connections; rejects with its output if it exits first. */
export async function startKestrelApp(o: StartOptions): Promise<KestrelApp> {
  const dll = buildKestrelFixture();
  const port = o.port ?? await freePort();
  fs.mkdirSync(o.home, { recursive: true });
  const cwd = o.cwd ?? fs.mkdtempSync(path.join(o.home, 'app-'));
  const url = `https://127.0.0.1:${port}`;
  const args = [dll, ...(o.urls === false ? [] : ['--urls', url])];
  const child = spawn('dotnet', args, {
    cwd, stdio: ['ignore', 'pipe', 'pipe'],
    env: dotnetSandboxEnv(o.home, { FIXTURE_MODE: o.mode, ASPNETCORE_ENVIRONMENT: 'Development', ...o.env }),
  });
  live.add(child);
  let output = '';
  child.stdout!.on('data', d => { output += d; });
  child.stderr!.on('data', d => { output += d; });
  const exited = new Promise<void>(res => child.once('exit', () => { live.delete(child); res(); }));
  const app: KestrelApp = {
    port, url, output: () => output, exitCode: () => child.exitCode,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  const deadline = Date.now() + (o.readyMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Kestrel fixture (${o.mode}) exited ${child.exitCode ?? child.signalCode} before listening:\n${output}`);
    }
    if (await accepts(port)) return app;
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`the Kestrel fixture (${o.mode}) did not listen on ${port} in time:\n${output}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

/** The apps a suite started, stopped together (call stopAll in afterEach/after: on failure too). */
export class KestrelApps {
  private readonly apps: KestrelApp[] = [];
  async start(o: StartOptions): Promise<KestrelApp> {
    const app = await startKestrelApp(o);
    this.apps.push(app);
    return app;
  }
  async stop(app: KestrelApp): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await app.stop();
  }
  async stopAll(): Promise<void> {
    await Promise.all(this.apps.splice(0).map(a => a.stop()));
  }
}
