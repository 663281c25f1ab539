/**
 * After `dotnet dev-certs https --trust` on Linux the dev cert is in ~/.aspnet/dev-certs/trust, which
 * OpenSSL reads only when SSL_CERT_DIR names it: then the verdict and the plan give exactly dotnet's line.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { judge } from '../../src/core/check/judge';
import { AnchorSet } from '../../src/core/certs/chain';
import { dotnetTrustFolderLine } from '../../src/core/trust/dotnetTrustFolder';
import { planRepair } from '../../src/core/repair/planRepair';
import { makeCert } from '../helpers/openssl';
import { makeTempDir } from '../helpers/sandbox';

describe('dotnet dev-certs trust folder (Linux)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());

  function devCertInTrustFolder() {
    const c = makeCert(tmp.dir, 'aspnet', { cn: 'localhost', extensions: ['1.3.6.1.4.1.311.84.1.1=DER:06'] });
    const sha1 = new X509Certificate(c.certPem).fingerprint.replace(/:/g, '');
    const folder = path.join(tmp.dir, 'home', '.aspnet', 'dev-certs', 'trust');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `aspnetcore-localhost-${sha1}.pem`), c.certPem);
    return { c, sha1, folder };
  }

  it('gives dotnet\'s own line when the folder holds the certificate and SSL_CERT_DIR does not name it', () => {
    const { sha1, folder } = devCertInTrustFolder();
    const home = path.join(tmp.dir, 'home');
    assert.equal(dotnetTrustFolderLine(sha1, {}, home), 'export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:/usr/lib/ssl/certs"');
    assert.equal(dotnetTrustFolderLine(sha1, { SSL_CERT_DIR: '/etc/ssl/certs' }, home), 'export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:$SSL_CERT_DIR"');
    assert.equal(dotnetTrustFolderLine(sha1, { SSL_CERT_DIR: `${folder}:/usr/lib/ssl/certs` }, home), undefined, 'already read');
    assert.equal(dotnetTrustFolderLine('0'.repeat(40), {}, home), undefined, 'another certificate');
  });

  it('the self-signed verdict says it, and the repair plan starts with exactly that line', async () => {
    const { c } = devCertInTrustFolder();
    const der = Buffer.from(c.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const env = { HOME: path.join(tmp.dir, 'home') };
    const empty = new AnchorSet([]);
    const v = judge({ host: 'localhost', port: 5001, servername: 'localhost', chain: [der], handshakeMs: 1, protocol: 'TLSv1.3' },
      { anchors: { system: empty, node: empty } as never, env, platform: 'linux' });
    if (process.platform !== 'linux') return;
    assert.equal(v.sslCertDirFix, 'export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:/usr/lib/ssl/certs"');
    assert.match(v.problems.find(p => p.code === 'self-signed')!.message, /run {2}export SSL_CERT_DIR=/);
    const plan = await planRepair([v], { ctx: { platform: 'linux', homeDir: env.HOME, env: { DEVCERT_DOCTOR_HOME: path.join(tmp.dir, 'config') } }, stores: [] });
    assert.equal(plan.steps[0].action.type, 'manual');
    assert.match((plan.steps[0].action as { instructions: string }).instructions, /^export SSL_CERT_DIR="\$HOME\/\.aspnet\/dev-certs\/trust:\/usr\/lib\/ssl\/certs"/);
  });
});
