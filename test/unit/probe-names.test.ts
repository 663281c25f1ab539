import * as assert from 'node:assert/strict';
import { canonicalIp, dnsNameMatches, matchHostName } from '../../src/core/check/names';

describe('probe: SAN matching (browser rules)', () => {
  it('matches DNS names without case and without a trailing dot', () => {
    assert.equal(dnsNameMatches('LocalHost', 'localhost'), true);
    assert.equal(dnsNameMatches('localhost.', 'localhost'), true);
    assert.equal(dnsNameMatches('localhost', 'localhost.localdomain'), false);
  });

  it('a wildcard is the whole leftmost label and covers exactly one label', () => {
    assert.equal(dnsNameMatches('*.example.test', 'api.example.test'), true);
    assert.equal(dnsNameMatches('*.example.test', 'a.b.example.test'), false);
    assert.equal(dnsNameMatches('*.example.test', 'example.test'), false);
    assert.equal(dnsNameMatches('api*.example.test', 'api1.example.test'), false);
    assert.equal(dnsNameMatches('*.*.example.test', 'a.b.example.test'), false);
    assert.equal(dnsNameMatches('*.test', 'example.test'), false, 'no wildcard directly under a single-label suffix');
    assert.equal(dnsNameMatches('*.localhost', 'app.localhost'), true);
    assert.equal(dnsNameMatches('*.localhost', 'localhost'), false);
  });

  it('IP hosts match only IP SANs, compared in canonical form', () => {
    assert.equal(canonicalIp('[0:0:0:0:0:0:0:1]'), '::1');
    assert.deepEqual(matchHostName('127.0.0.1', { dnsNames: ['127.0.0.1'], ipAddresses: [] }, []).matches, false);
    assert.equal(matchHostName('127.0.0.1', { dnsNames: [], ipAddresses: ['127.0.0.1'] }).matches, true);
    assert.equal(matchHostName('[::1]', { dnsNames: [], ipAddresses: ['0:0:0:0:0:0:0:1'] }).matches, true);
    assert.equal(matchHostName('::2', { dnsNames: [], ipAddresses: ['::1'] }).matches, false);
  });

  it('a name only in the CN does not match, and says so', () => {
    const r = matchHostName('localhost', { dnsNames: [], ipAddresses: [] }, ['localhost']);
    assert.deepEqual(r, { matches: false, onlyInCommonName: true });
    const other = matchHostName('localhost', { dnsNames: ['example.test'], ipAddresses: [] }, ['sts_dev_cert']);
    assert.deepEqual(other, { matches: false, onlyInCommonName: false });
  });

  it('reports which SAN matched', () => {
    assert.equal(matchHostName('localhost', { dnsNames: ['example.test', 'LOCALHOST'], ipAddresses: [] }).matchedBy, 'LOCALHOST');
  });
});
