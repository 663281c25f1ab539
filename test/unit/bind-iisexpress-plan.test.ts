import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../../src/core/io/exec';
import type { RepairPlan } from '../../src/core/plan/types';
import { renderPlan } from '../../src/core/plan/render';
import { planHttpSysBindings } from '../../src/core/bind/httpSys';
import { planKestrelConfig } from '../../src/core/bind/kestrel';
import { asIisExpressCertificate, createWindowsMyStore, createWindowsRootStore, type WindowsCertificateRef } from '../../src/core/trust/windows';
import type { TrustContext } from '../../src/core/trust/store';
import { makeTempDir } from '../helpers/sandbox';

const FIX = path.join(__dirname, '..', 'fixtures', 'platform');
const pem = readFileSync(path.join(FIX, 'localhost-cert.pem'), 'utf8');
const x = new X509Certificate(pem);
const cert = asIisExpressCertificate({
  pem, sha1: x.fingerprint.replace(/:/g, ''), sha256: x.fingerprint256.replace(/:/g, ''), subject: 'CN=localhost', nickname: 'iisexpress',
});
const SECRET = 'Tr0ub4dor&3';

/** Windows tools cannot run here: captured-format answers (empty stores, the English netsh listing). */
const runner = async (command: string, args: readonly string[]): Promise<ExecResult> => {
  const stdout = command === 'netsh' ? readFileSync(path.join(FIX, 'netsh-show-sslcert-all-en-crlf.txt'), 'utf8') : '';
  return { command, args: [...args], code: 0, stdout, stderr: '', durationMs: 1, timedOut: false };
};

describe('IIS Express repair plan for Windows, composed and rendered', () => {
  it('reads line by line: PFX into LocalMachine\\My, rebind 44300, trust in CurrentUser\\Root; no secret in the text', async () => {
    const ctx: TrustContext = { platform: 'win32', homeDir: 'C:\\Users\\dev', env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming' } };
    const withPfx: WindowsCertificateRef = { ...cert, pfx: { base64: Buffer.from('pfx').toString('base64'), password: SECRET } };
    const my = await createWindowsMyStore(runner).add(withPfx, ctx);
    const bind = await planHttpSysBindings({ ports: [44300], thumbprint: cert.sha1 }, { runner });
    const root = await createWindowsRootStore(runner).add(cert, ctx);
    const plan: RepairPlan = { title: 'Repair IIS Express HTTPS', platform: 'win32', steps: [...my, ...bind.steps, ...root], notes: bind.notes };
    const text = renderPlan(plan);
    assert.ok(!text.includes(SECRET), 'the PFX password never appears in the rendered plan');
    const t = cert.sha1;
    const dir = 'C:\\Users\\dev\\AppData\\Roaming\\devcert-doctor\\trusted';
    for (const line of [
      `run:    netsh http delete sslcert ipport=0.0.0.0:44300`,
      // PowerShell syntax: the braces quoted (bare, `{…}` is a script block in PowerShell).
      `run:    netsh http add sslcert ipport=0.0.0.0:44300 certhash=${t} 'appid={214124cd-d05b-4309-9af9-9caa44b2b74a}'`,
      `undo:   run netsh http add sslcert ipport=0.0.0.0:44300 certhash=7A1E5C2B9F3D4E6A8B0C1D2E3F4A5B6C7D8E9F01 'appid={214124cd-d05b-4309-9af9-9caa44b2b74a}'`,
      "Commands are shown in PowerShell syntax (VS Code's default terminal on Windows).",
      `write:  ${dir}\\iisexpress-${t.slice(0, 8)}.pfx.pass  (${SECRET.length} bytes, mode 0600)`,
    ]) {
      assert.ok(text.includes(line), `missing line: ${line}\n---\n${text}`);
    }
    // One prompt for the contiguous elevated steps (install into My + unbind + bind).
    assert.match(text, /Steps 3–5 need administrator rights: they run together in one script after one prompt\./);
    assert.match(text, /Windows shows a security warning: answer Yes/);
  });

  it('Kestrel PFX password: the rendered plan shows only the secrets file and its size', async () => {
    const tmp = makeTempDir();
    try {
      const appsettings = path.join(tmp.dir, 'appsettings.Development.json');
      const csproj = path.join(tmp.dir, 'Web.csproj');
      require('node:fs').copyFileSync(path.join(FIX, 'kestrel', 'WebWithSecrets.csproj'), csproj);
      const p = await planKestrelConfig({ appsettingsFile: appsettings, projectFile: csproj, certificate: { kind: 'pfx', path: path.join(tmp.dir, 'a.pfx'), password: SECRET } },
        { platform: 'linux', homeDir: path.join(tmp.dir, 'home'), env: {} });
      const text = renderPlan({ title: 'Kestrel', platform: 'linux', steps: p.steps, notes: p.notes });
      assert.ok(!text.includes(SECRET));
      assert.match(text, /write: {2}.*\/\.microsoft\/usersecrets\/aspnet-Web-6f1f2c4e-0d7b-4a53-9d2e-5b1e7c9a0f11\/secrets\.json {2}\(\d+ bytes, mode 0600\)/);
    } finally {
      tmp.cleanup();
    }
  });
});
