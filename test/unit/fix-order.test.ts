/**
 * Fixes are ordered in one place (core/check/problems.ts: orderedFixes, settled per problem by the judge)
 * and every consumer shows that order: quick fixes, hovers, notification buttons (and the gate), the CLI.
 * Checked for every problem code, alone and beside `self-signed` (what an expired or misnamed
 * self-signed certificate looks like), with the diagnostics in either order.
 */
import * as assert from 'node:assert/strict';
import { CodeActionKind, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import { formatVerdicts, type Style } from '../../src/cli/output';
import { problemMessages as P } from '../../src/core/check/messages';
import { orderedFixes, PROBLEM_CODES, settleFixes, UNSOUND_CERTIFICATE_CODES, type Problem, type ProblemCode } from '../../src/core/check/problems';
import type { EndpointVerdict } from '../../src/core/check/types';
import type { DeclaredEndpoint } from '../../src/core/endpoints/types';
import { primaryFixes } from '../../src/extension/status/primaryFixes';
import { DIAGNOSTIC_SOURCE, type EndpointDiagnosticData, type RunFixArgs } from '../../src/protocol';
import { codeActionsFor } from '../../src/server/codeActions';
import { endpointMarkdown } from '../../src/server/hover';
import { fixTitle } from '../../src/server/wording';

/** One problem of every code, as the judge words it (a new code fails to compile here until it is added). */
const EXAMPLES: Record<ProblemCode, () => Problem> = {
  'self-signed': () => P.selfSigned('CN=localhost', 'Node.js', ''),
  'unknown-issuer': () => P.unknownIssuer('CN=Some Root', 'Node.js', '', true),
  'incomplete-chain': () => P.incompleteChain('CN=Intermediate', 1, 'AIA', 'Node.js', false),
  expired: () => P.expired('2020-01-01T00:00:00.000Z', 30, 'certificate'),
  'not-yet-valid': () => P.notYetValid('2099-01-01T00:00:00.000Z', 'certificate'),
  'expiring-soon': () => P.expiringSoon('2030-01-01T00:00:00.000Z', 3),
  'name-mismatch': () => P.nameMismatch('localhost', ['example.com'], false, undefined),
  'weak-signature': () => P.weakSignature('certificate', 'sha1WithRSAEncryption'),
  'weak-key': () => P.weakKey('certificate', 1024, 'curl and OpenSSL clients', 'Node.js'),
  'legacy-protocol': () => P.legacyProtocol('TLSv1', 'Node.js'),
  'weak-key-exchange': () => P.weakKeyExchange('only DHE key exchange', 'the browsers', 'Node.js'),
  'malformed-certificate': () => P.malformedCertificate('certificate', 'subjectAltName'),
  'oversized-chain': () => P.oversizedChain('larger than 100 KB', 'Node.js'),
  'platform-rules': () => P.platformRules(['it is valid for 3650 days, more than 825'], 'macOS clients (Safari, curl, .NET)'),
  'client-cert-required': () => P.clientCertRequired(undefined),
  'client-cert-rejected': () => P.clientCertRejected('client.pfx', 'alert', []),
  'not-listening': () => P.notListening('localhost', 5001, 'ECONNREFUSED'),
  'not-tls': () => P.notTls('localhost', 5001, 'wrong version number'),
  reset: () => P.reset('localhost', 5001, 'ECONNRESET'),
  timeout: () => P.timeout('localhost', 5001, 4000, 'no ServerHello'),
  'untrusted-by-node': () => P.untrustedByNode(),
  'untrusted-by-browsers': () => P.untrustedByBrowsers(['Chromium (~/.pki/nssdb)']),
};

const url = 'https://localhost:5001';
const port = 5001;
const plain: Style = { red: s => s, green: s => s, yellow: s => s, dim: s => s, bold: s => s };

function verdictOf(problems: Problem[]): EndpointVerdict {
  return {
    url, host: 'localhost', port, source: null, trusted: false, trust: { system: false, node: false }, problems, handshakeMs: 1,
    certificate: {
      subject: 'CN=localhost', issuer: 'CN=localhost', sha1: 'A'.repeat(40), sha256: 'B'.repeat(64), serialNumber: '01',
      notBefore: '2020-01-01T00:00:00.000Z', notAfter: '2099-01-01T00:00:00.000Z', san: ['localhost'], selfSigned: true,
      keyType: 'rsa', keySize: 2048, signatureAlgorithm: 'sha256WithRSAEncryption', isCa: false, isAspNetCoreDevCert: false, extendedKeyUsage: [],
    },
  };
}

const endpoint: DeclaredEndpoint = { url, host: 'localhost', port, loopback: true, sources: [], certificates: [] };

function quickFixOrder(problems: Problem[]): string[] {
  const diagnostics: Diagnostic[] = problems.map(p => ({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: p.message, source: DIAGNOSTIC_SOURCE, code: p.code,
    data: { url, port, folder: '', code: p.code, fixes: p.fixes } satisfies EndpointDiagnosticData,
  }));
  const params: CodeActionParams = { textDocument: { uri: 'file:///ws/launchSettings.json' }, range: diagnostics[0].range, context: { diagnostics, only: [CodeActionKind.QuickFix] } };
  return codeActionsFor(params).flatMap(a => a.command?.command === 'devcertDoctor.repair' ? [(a.command.arguments![0] as RunFixArgs).fix] : []);
}

function hoverOrder(problems: Problem[], fixes: string[]): number[] {
  const md = endpointMarkdown(endpoint, {
    folder: '', verdictFor: () => verdictOf(problems), checkedAt: () => undefined, isChecking: () => false, nextLookAt: () => undefined, now: Date.parse('2024-01-01'),
  });
  return fixes.map(f => md.indexOf(`[${fixTitle(f as never, url, port)}]`));
}

describe('fix order: one place, every consumer', () => {
  const cases: [string, ProblemCode[]][] = [];
  for (const code of PROBLEM_CODES) {
    cases.push([code, [code]]);
    if (code !== 'self-signed') cases.push([`self-signed + ${code}`, ['self-signed', code]]);
  }

  for (const [name, codes] of cases) {
    it(name, () => {
      const problems = codes.map(c => EXAMPLES[c]());
      settleFixes(problems);
      const expected = orderedFixes(problems);
      const unsound = codes.some(c => UNSOUND_CERTIFICATE_CODES.includes(c));

      // What the order means: trust is never offered for a certificate that is itself wrong; else it leads.
      if (unsound) {
        assert.ok(!expected.includes('trust'), `trust offered for ${name}: ${expected}`);
        assert.equal(expected[0], 'regenerate', `${name}: ${expected}`);
      } else if (codes.includes('self-signed')) {
        assert.equal(expected[0], 'trust', `${name}: ${expected}`);
      }
      // Each problem's own list (diagnostic data, CLI, JSON) is in the same order and never names trust when unsound.
      for (const p of problems) assert.deepEqual(p.fixes, expected.filter(f => p.fixes.includes(f)), `${p.code}: ${p.fixes}`);

      assert.deepEqual(quickFixOrder(problems), expected, 'quick fixes');
      assert.deepEqual(quickFixOrder([...problems].reverse()), expected, 'quick fixes, diagnostics reversed');

      const positions = hoverOrder(problems, expected);
      assert.ok(positions.every(i => i >= 0), `hover lacks a fix link: ${expected} at ${positions}`);
      assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'hover links out of order');
      if (unsound) assert.ok(!endpointMarkdown(endpoint, { folder: '', verdictFor: () => verdictOf(problems), checkedAt: () => undefined, isChecking: () => false, nextLookAt: () => undefined })
        .includes(`[${fixTitle('trust', url, port)}]`), 'hover offers trust');

      assert.deepEqual(primaryFixes([problems]), expected.filter(f => f !== 'start-server').slice(0, 2), 'notification buttons');

      const cli = formatVerdicts([verdictOf(problems)], plain, { cwd: '/' });
      const cliLists = [...cli.matchAll(/fix: (.*)/g)].map(m => m[1].split(', '));
      for (const list of cliLists) assert.deepEqual(list, expected.filter(f => list.includes(f)), `CLI: ${list}`);
    });
  }

  it('a served leaf that is a CA (CA:TRUE) is not offered trust either', () => {
    const problems = [EXAMPLES['self-signed'](), EXAMPLES['untrusted-by-node']()];
    settleFixes(problems, true);
    assert.deepEqual(orderedFixes(problems), ['regenerate']);
    assert.deepEqual(problems.map(p => p.fixes), [['regenerate'], ['regenerate']]);
  });
});
