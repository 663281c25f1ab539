import * as assert from 'node:assert/strict';
import { endpointKey, normalizeEndpointUrl, parseEndpointUrl, parseUrlList } from '../../src/core/endpoints/url';
import { isLoopbackHost } from '../../src/core/endpoints/hosts';
import { mergeEndpoints } from '../../src/core/endpoints/merge';
import type { DeclaredEndpoint } from '../../src/core/endpoints/types';

describe('endpoints: URL and host rules', () => {
  it('normalises https URLs: lower-case host, default port 443, path dropped', () => {
    assert.deepEqual(normalizeEndpointUrl('HTTPS://LocalHost/app'), { url: 'https://localhost:443', host: 'localhost', port: 443, loopback: true, connectHost: 'localhost' });
    assert.equal(normalizeEndpointUrl(' https://127.0.0.1:44300/ ')!.url, 'https://127.0.0.1:44300');
    assert.deepEqual(normalizeEndpointUrl('https://[::1]:5001'), { url: 'https://[::1]:5001', host: '[::1]', port: 5001, loopback: true, connectHost: '::1' });
    assert.equal(normalizeEndpointUrl('https://*:5001')!.url, 'https://localhost:5001');
    assert.equal(normalizeEndpointUrl('https://+:5001')!.host, '+');
    assert.equal(normalizeEndpointUrl('https://[::]:5001')!.loopback, true);
  });

  it('plain http is never an HTTPS endpoint, even on 44300-44399; variables and bad ports are skipped with a reason', () => {
    assert.deepEqual(parseEndpointUrl('http://localhost:44300'), { ok: false, reason: 'not-https' });
    assert.deepEqual(parseEndpointUrl('https://localhost:${port}'), { ok: false, reason: 'variable' });
    assert.deepEqual(parseEndpointUrl('%s/swagger'), { ok: false, reason: 'variable' });
    assert.deepEqual(parseEndpointUrl('https://localhost:0'), { ok: false, reason: 'bad-port' });
    assert.deepEqual(parseEndpointUrl('https://localhost:70000'), { ok: false, reason: 'bad-port' });
    assert.deepEqual(parseEndpointUrl('localhost:5001'), { ok: false, reason: 'not-url' });
    assert.deepEqual(parseEndpointUrl('wss://localhost:5001'), { ok: false, reason: 'not-https' });
  });

  it('loopback: localhost, 127/8, [::1], 0.0.0.0, *, +; other names are not', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '0.0.0.0', '*', '+', 'LOCALHOST']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['example.com', 'myapp.local', '192.168.1.2', '10.0.0.1', 'localhost.example.com']) assert.ok(!isLoopbackHost(h), h);
    assert.equal(normalizeEndpointUrl('https://dev.example.com:8443')!.loopback, false);
  });

  it('splits ; lists with offsets of each trimmed item', () => {
    const v = ' https://a:1 ;http://b:2;; https://c:3';
    const items = parseUrlList(v);
    assert.deepEqual(items.map((i) => v.slice(i.start, i.end)), ['https://a:1', 'http://b:2', 'https://c:3']);
    assert.deepEqual(items.map((i) => i.parsed.ok), [true, false, true]);
  });

  it('merges loopback spellings of one port, keeps other hosts apart, prefers localhost as the name', () => {
    const mk = (url: string, kind: DeclaredEndpoint['sources'][number]['kind'], line: number): DeclaredEndpoint => {
      const n = normalizeEndpointUrl(url)!;
      return { ...n, certificates: [], sources: [{ kind, file: `/f/${kind}`, line, range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 5 } } }] };
    };
    const merged = mergeEndpoints([
      mk('https://*:7000', 'appsettings.json', 3), mk('https://127.0.0.1:7000', 'launchSettings.json', 2),
      mk('https://localhost:7000', 'launch.json', 9), mk('https://dev.example.com:7000', 'launch.json', 4),
      mk('https://localhost:7000', 'launch.json', 9),
    ]);
    assert.equal(merged.length, 2);
    assert.equal(merged[0].url, 'https://localhost:7000');
    assert.equal(merged[0].host, 'localhost');
    assert.deepEqual(merged[0].sources.map((s) => s.kind), ['launch.json', 'launchSettings.json', 'appsettings.json'], 'stable order, duplicates dropped');
    assert.equal(merged[1].host, 'dev.example.com');
    assert.equal(endpointKey('[::1]', 1), endpointKey('localhost', 1));
  });
});
