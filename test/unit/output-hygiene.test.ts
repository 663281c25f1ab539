/**
 * Output hygiene (issue 9, point 7): a certificate subject, a SAN, a folder or profile name, a URL or a
 * server's answer is shown with control and bidi characters escaped — in the CLI's table and messages,
 * in rendered plans (terminal and consent dialog), in notifications, in diagnostics and hovers — while
 * the data itself keeps the exact value. The end-to-end case (a real TLS server, the built CLI) is in
 * test/integration/output-hygiene-cli.test.ts.
 */
import * as assert from 'node:assert/strict';
import { displayLines, displayText, markdownText } from '../../src/core/io';
import { renderPlan } from '../../src/core/plan/render';
import type { RepairPlan } from '../../src/core/plan/types';
import type { EndpointVerdict } from '../../src/core/check';
import type { DeclaredEndpoint } from '../../src/core/endpoints';
import { formatVerdicts, type Style } from '../../src/cli/output';
import { notificationText } from '../../src/extension/output/notificationText';
import { certificateMessage, diagnosticMessage, fixTitle } from '../../src/server/wording';
import { endpointMarkdown } from '../../src/server/hover';

/** Every character a peer must not get to a terminal or a dialog raw. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
/** The same, but a line break is allowed (for text shown as lines). */
const UNSAFE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

/**
 * What a hostile server puts in its subject: retitle the terminal (OSC 0 … BEL), clear it (CSI 2J),
 * add a line that looks like a plan step, and reverse the rest of the line (U+202E).
 */
const FORGED_STEP = '  9.   Trust the attacker\'s root in every store   [ELEVATED]';
const HOSTILE = `evil\x1b]0;pwned\x07\x1b[2J\r\n${FORGED_STEP}\u202egnp.exe`;
const HOSTILE_PATH = `/work/proj\n${FORGED_STEP}\u2066/.devcert/localhost.pem`;

describe('output hygiene: displayText', () => {
  const cases: Array<[string, string, string]> = [
    ['NUL', '\u0000', '\\x00'], ['BEL', '\u0007', '\\x07'], ['backspace', '\b', '\\x08'], ['TAB', '\t', '\\t'],
    ['LF', '\n', '\\n'], ['VT', '\u000b', '\\x0b'], ['FF', '\f', '\\x0c'], ['CR', '\r', '\\r'], ['ESC', '\u001b', '\\x1b'], ['US', '\u001f', '\\x1f'],
    ['DEL', '\u007f', '\\x7f'],
    ['C1 PAD', '\u0080', '\\x80'], ['C1 NEL', '\u0085', '\\x85'], ['C1 CSI', '\u009b', '\\x9b'], ['C1 OSC', '\u009d', '\\x9d'], ['C1 APC', '\u009f', '\\x9f'],
    ['ALM', '\u061c', '\\u061c'], ['LRM', '\u200e', '\\u200e'], ['RLM', '\u200f', '\\u200f'],
    ['LRE', '\u202a', '\\u202a'], ['RLE', '\u202b', '\\u202b'], ['PDF', '\u202c', '\\u202c'], ['LRO', '\u202d', '\\u202d'], ['RLO', '\u202e', '\\u202e'],
    ['LRI', '\u2066', '\\u2066'], ['RLI', '\u2067', '\\u2067'], ['FSI', '\u2068', '\\u2068'], ['PDI', '\u2069', '\\u2069'],
    ['ZWSP', '\u200b', '\\u200b'], ['ZWNJ', '\u200c', '\\u200c'], ['ZWJ', '\u200d', '\\u200d'], ['word joiner', '\u2060', '\\u2060'], ['BOM', '\ufeff', '\\ufeff'],
    ['line separator', '\u2028', '\\u2028'], ['paragraph separator', '\u2029', '\\u2029'],
  ];
  for (const [name, raw, shown] of cases) {
    it(`escapes ${name} as ${shown}`, () => {
      assert.equal(displayText(`a${raw}b`), `a${shown}b`);
    });
  }

  it('leaves plain text exactly as it is (ASCII, accents, other scripts, symbols, emoji, NBSP)', () => {
    for (const s of ['CN=localhost, O=Example', 'https://localhost:5001', 'C:\\Users\\me\\.devcert\\a b.pem',
      'Zürich Ünïcödé', 'شركة', '開発証明書', '✔ ok → ✖ fail', '🔒 lock', 'non\u00a0breaking', '']) {
      assert.equal(displayText(s), s);
      assert.equal(displayLines(s), s);
    }
  });

  it('is idempotent: text escaped once (or written with backslashes) keeps its meaning', () => {
    const once = displayText(HOSTILE);
    assert.doesNotMatch(once, UNSAFE);
    assert.equal(displayText(once), once);
    assert.equal(displayText('a literal \\x1b and \\u202e stay'), 'a literal \\x1b and \\u202e stay');
    assert.equal(displayLines(displayLines(HOSTILE)), displayLines(HOSTILE));
  });

  it('a hostile subject becomes one inert line', () => {
    const shown = displayText(HOSTILE);
    assert.equal(shown, 'evil\\x1b]0;pwned\\x07\\x1b[2J\\r\\n  9.   Trust the attacker\'s root in every store   [ELEVATED]\\u202egnp.exe');
    assert.equal(shown.split('\n').length, 1);
  });

  it('displayLines keeps the line breaks of text written in lines and escapes the rest (CR included)', () => {
    assert.equal(displayLines('first\r\nsecond\x1b[2J\nthird\u202e'), 'first\\r\nsecond\\x1b[2J\nthird\\u202e');
  });

  it('markdownText also escapes Markdown, so a subject can neither format, link, break a table nor hide an entity', () => {
    assert.equal(markdownText('CN=**bold** [x](command:evil) | cell &#x202e; `code` <b>'),
      'CN=\\*\\*bold\\*\\* \\[x\\]\\(command:evil\\) \\| cell \\&\\#x202e; \\`code\\` \\<b\\>');
    assert.equal(markdownText('a\u202eb\nc'), 'a\\\\u202eb\\\\nc', 'the escape itself is shown, backslash included');
    assert.equal(markdownText('https://localhost:5001'), 'https://localhost:5001');
  });
});

const PLATFORM = 'linux' as const;

function hostilePlan(): RepairPlan {
  return {
    title: `Repair ${HOSTILE}`, platform: PLATFORM,
    steps: [
      {
        id: 'regen', title: `Regenerate the certificate of ${HOSTILE}`, elevated: false,
        action: { type: 'write-file', path: HOSTILE_PATH, contents: 'x' },
        changes: `writes ${HOSTILE_PATH}`, undo: { type: 'remove-file', path: HOSTILE_PATH },
      },
      {
        id: 'trust-nss', title: 'Trust it in the browsers', elevated: true,
        action: { type: 'command', command: 'certutil', args: ['-A', '-n', HOSTILE, '-i', HOSTILE_PATH] },
        changes: 'the NSS database',
      },
      {
        id: 'restart', title: 'Restart the server', elevated: false, changes: 'nothing by itself',
        // Instructions are written in lines on purpose; a path in them is quoted by its writer (JSON in the dev-server snippets).
        action: { type: 'manual', instructions: `In vite.config:\n  key: fs.readFileSync(${JSON.stringify(HOSTILE_PATH)}),\r\x1b[2Kthen restart it.` },
      },
    ],
    notes: [`${HOSTILE}: the issuer is not sent.`],
  };
}

/** Lines that look like a plan step: "  N.   title". */
const stepLines = (text: string) => text.split('\n').filter(l => /^\s*\d+\.\s/.test(l));

describe('output hygiene: rendered plans', () => {
  it('a hostile subject or path adds no line, no control and no bidi character to the plan', () => {
    const text = renderPlan(hostilePlan());
    assert.doesNotMatch(text, UNSAFE_BUT_LF);
    assert.deepEqual(stepLines(text).map(l => l.trim().split(' ')[0]), ['1.', '2.', '3.'], text);
    assert.ok(!text.split('\n').some(l => l.trimStart().startsWith(FORGED_STEP.trim())), text);
    // What is shown still says what it is: the escapes are there to read.
    assert.ok(text.includes('evil\\x1b]0;pwned\\x07'), text);
    assert.ok(text.includes('\\u202egnp.exe'), text);
    // The manual instructions keep their own lines, indented under "you do:"; a CR cannot overwrite one.
    assert.match(text, /you do: In vite\.config:\n {11} {2}key: fs\.readFileSync\("\/work\/proj\\n {2}9\. .*\\u2066\/\.devcert\/localhost\.pem"\),\\r\\x1b\[2Kthen restart it\./);
  });

  it('the plan itself keeps the exact values (only its rendering escapes)', () => {
    const plan = hostilePlan();
    renderPlan(plan);
    assert.equal(plan.steps[0].title, `Regenerate the certificate of ${HOSTILE}`);
    assert.deepEqual((plan.steps[1].action as { args: string[] }).args, ['-A', '-n', HOSTILE, '-i', HOSTILE_PATH]);
  });
});

const plain: Style = { red: s => s, green: s => s, yellow: s => s, dim: s => s, bold: s => s };

function hostileVerdict(): EndpointVerdict {
  return {
    url: 'https://localhost:5001', host: 'localhost', port: 5001,
    source: { file: HOSTILE_PATH, line: 3 }, trusted: false, trust: { system: false, node: false },
    problems: [{ code: 'self-signed', severity: 'error', message: `The server sent a self-signed certificate (${HOSTILE}).`, fixes: ['trust'] }],
    certificate: {
      subject: `CN=${HOSTILE}`, issuer: `CN=${HOSTILE}`, sha1: 'A'.repeat(40), sha256: 'B'.repeat(64), serialNumber: '01',
      notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', san: ['localhost', HOSTILE], selfSigned: true,
      keyType: 'rsa', keySize: 2048, signatureAlgorithm: 'sha256WithRSAEncryption', isCa: false, isAspNetCoreDevCert: false, extendedKeyUsage: [],
    },
    handshakeMs: 3, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', alpn: `h2${HOSTILE}`,
    notes: [`the server answered ${HOSTILE}`],
  };
}

describe('output hygiene: the CLI table', () => {
  it('check\'s table shows subject, issuer, SANs, source path, ALPN, messages and notes escaped', () => {
    const text = formatVerdicts([hostileVerdict()], plain, { cwd: '/', width: 100, warnings: [{ file: HOSTILE_PATH, line: 1, message: HOSTILE }] });
    assert.doesNotMatch(text, UNSAFE_BUT_LF);
    assert.ok(!text.split('\n').some(l => l.trimStart().startsWith(FORGED_STEP.trim())), text);
    assert.match(text, /certificate {2}CN=evil\\x1b\]0;pwned\\x07/);
    assert.match(text, /names {8}localhost, evil\\x1b/);
  });

  it('JSON keeps the exact values: escaping is only for showing', () => {
    const v = hostileVerdict();
    assert.equal(JSON.parse(JSON.stringify(v)).certificate.subject, `CN=${HOSTILE}`);
  });
});

describe('output hygiene: notifications and the consent dialog', () => {
  it('message and buttons become one line each; the detail keeps its lines and escapes the rest', () => {
    const plan = renderPlan(hostilePlan());
    const shown = notificationText(`Trust ${HOSTILE}?`, `${plan}\n\nSteps marked as elevated\x1b[8m will ask\u202e.`, ['Run', `Open ${HOSTILE}`]);
    assert.doesNotMatch(shown.message, UNSAFE);
    assert.equal(shown.message.split('\n').length, 1);
    assert.doesNotMatch(shown.items.join(''), UNSAFE);
    assert.equal(shown.items[0], 'Run');
    assert.doesNotMatch(shown.detail!, UNSAFE_BUT_LF);
    assert.ok(shown.detail!.startsWith(plan), 'an already rendered plan passes unchanged');
    assert.ok(!shown.detail!.split('\n').some(l => l.trimStart().startsWith(FORGED_STEP.trim())), shown.detail);
    assert.ok(shown.detail!.endsWith('Steps marked as elevated\\x1b[8m will ask\\u202e.'), shown.detail);
  });

  it('plain text passes unchanged, and no detail stays no detail', () => {
    assert.deepEqual(notificationText('Done: Trust the local CA', undefined, ['Show log']),
      { message: 'Done: Trust the local CA', items: ['Show log'] });
  });
});

describe('output hygiene: diagnostics and hovers', () => {
  const v = hostileVerdict();
  const ctx = { url: v.url, port: v.port };

  it('diagnostic messages and code action titles are one line without control or bidi characters', () => {
    for (const text of [diagnosticMessage(v.problems[0], ctx), certificateMessage(v.problems[0], { ...ctx, path: HOSTILE_PATH }),
      fixTitle('trust', `https://${HOSTILE}:1`, 1)]) {
      assert.doesNotMatch(text, UNSAFE, text);
    }
  });

  it('the hover\'s Markdown escapes subject, issuer, SANs, profile names and messages', () => {
    const e: DeclaredEndpoint = {
      url: v.url, host: v.host, port: v.port, loopback: true, certificates: [],
      sources: [{ kind: 'launchSettings.json', file: HOSTILE_PATH, line: 3, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } }, detail: HOSTILE }],
    };
    const md = endpointMarkdown(e, { folder: '', verdictFor: () => v, checkedAt: () => undefined, isChecking: () => false, nextLookAt: () => undefined });
    assert.doesNotMatch(md, UNSAFE_BUT_LF);
    assert.ok(!md.split('\n').some(l => l.trimStart().startsWith(FORGED_STEP.trim())), md);
    assert.ok(md.includes('| Subject | CN=evil\\\\x1b\\]0;pwned\\\\x07'), md);
  });
});
