import * as assert from 'node:assert/strict';
import { targetsFrom } from '../../src/core/check/checkEndpoints';
import type { DeclaredEndpoint, DiscoveryResult } from '../../src/core/endpoints/types';
import { defaultServername, isLoopbackHost } from '../../src/core/endpoints/hosts';

const ep = (host: string, port: number, file = '/ws/Properties/launchSettings.json', line = 3): DeclaredEndpoint => ({
  url: `https://${host}:${port}`, host, port, loopback: isLoopbackHost(host), certificates: [],
  sources: [{ kind: 'launchSettings.json', file, line, range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 1 } } }],
});

describe('probe: which endpoints are probed', () => {
  it('loopback hosts are probed, others only listed', () => {
    const discovery: DiscoveryResult = { endpoints: [ep('localhost', 5001), ep('build.example.test', 7443), ep('[::1]', 5002)], defaultCertificates: [], warnings: [] };
    const { targets, notProbed } = targetsFrom(discovery);
    assert.deepEqual(targets.map(t => `${t.host}:${t.port}`), ['localhost:5001', '[::1]:5002']);
    assert.deepEqual(notProbed.map(e => e.host), ['build.example.test']);
  });

  it('wildcards and localhost on one port are one listener, with every source kept', () => {
    const discovery: DiscoveryResult = {
      endpoints: [ep('*', 5001, '/ws/a.json', 1), ep('localhost', 5001, '/ws/b.json', 2), ep('0.0.0.0', 5001, '/ws/c.json', 9)],
      defaultCertificates: [], warnings: [],
    };
    const { targets } = targetsFrom(discovery);
    assert.equal(targets.length, 1);
    assert.equal(targets[0].host, 'localhost');
    assert.deepEqual(targets[0].sources?.map(s => s.file), ['/ws/a.json', '/ws/b.json', '/ws/c.json']);
  });

  it('--port without --host means localhost; every host × port; --servername carried', () => {
    assert.deepEqual(targetsFrom(undefined, { ports: [1, 2] }).targets.map(t => `${t.host}:${t.port}`), ['localhost:1', 'localhost:2']);
    const t = targetsFrom(undefined, { hosts: ['127.0.0.1', 'dev.example.test'], ports: [443], servername: 'dev.example.test' }).targets;
    assert.deepEqual(t.map(x => `${x.host}:${x.port}:${x.servername}`), ['127.0.0.1:443:dev.example.test', 'dev.example.test:443:dev.example.test']);
    assert.equal(t[0].url, 'https://127.0.0.1:443');
  });

  it('loopback names are checked as localhost; other names as themselves', () => {
    for (const h of ['localhost', '127.0.0.1', '[::1]', '0.0.0.0', '*', '+']) assert.equal(defaultServername(h), 'localhost', h);
    assert.equal(defaultServername('dev.example.test'), 'dev.example.test');
    assert.equal(defaultServername('[2001:db8::1]'), '2001:db8::1');
  });
});
