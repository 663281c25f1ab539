import * as assert from 'node:assert/strict';
import { parseApplicationHostConfig, parseBindingInformation } from '../../src/core/endpoints/applicationHost';
import { rangeText } from '../fixtures/endpoints/ranges';

const FILE = '/sln/.vs/Shop/config/applicationhost.config';
const doc = (bindings: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="Shop" id="2">
        <application path="/" applicationPool="Clr4IntegratedAppPool" />
        <bindings>
${bindings}
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
`;

describe('endpoints: applicationhost.config', () => {
  it('reads https bindings with the exact range of bindingInformation; http bindings on 443xx are not HTTPS', () => {
    const text = doc(`          <binding protocol="http" bindingInformation="*:44301:localhost" />
          <binding protocol="https" bindingInformation="*:44302:localhost" />
          <binding bindingInformation = '*:44303:localhost' protocol='HTTPS'/>`);
    const r = parseApplicationHostConfig(FILE, text);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.endpoints.map((e) => e.port), [44302, 44303]);
    assert.equal(rangeText(text, r.endpoints[0].sources[0].range), '*:44302:localhost');
    assert.equal(r.endpoints[0].sources[0].line, 9);
    assert.equal(rangeText(text, r.endpoints[1].sources[0].range), '*:44303:localhost');
    assert.equal(r.endpoints[0].sources[0].detail, 'site Shop');
  });

  it('ignores bindings in comments and outside a site', () => {
    const text = doc('<!-- <binding protocol="https" bindingInformation="*:44310:localhost" /> -->') +
      '<binding protocol="https" bindingInformation="*:44311:localhost" />';
    assert.deepEqual(parseApplicationHostConfig(FILE, text).endpoints, []);
  });

  it('understands IP:PORT:HOST forms', () => {
    assert.deepEqual(parseBindingInformation('*:44300:localhost'), { ip: '*', port: 44300, host: 'localhost' });
    assert.deepEqual(parseBindingInformation(':8443:'), { ip: '', port: 8443, host: '*' });
    assert.deepEqual(parseBindingInformation('127.0.0.1:44320:'), { ip: '127.0.0.1', port: 44320, host: '127.0.0.1' });
    assert.deepEqual(parseBindingInformation('[::1]:44321:'), { ip: '[::1]', port: 44321, host: '[::1]' });
    assert.deepEqual(parseBindingInformation('*:44322:shop.dev.local'), { ip: '*', port: 44322, host: 'shop.dev.local' });
    assert.equal(parseBindingInformation('nonsense'), undefined);
    const r = parseApplicationHostConfig(FILE, doc('<binding protocol="https" bindingInformation="*:44322:shop.dev.local" />'));
    assert.equal(r.endpoints[0].loopback, false, 'another host name is listed, not probed');
  });

  it('malformed XML: a warning with the 1-based line, never a throw', () => {
    const text = doc('          <binding protocol="https" bindingInformation="*:44330:localhost" />\n          <binding protocol="https" bindingInformation="*:44331:localhost">').replace('</bindings>', '</bindingz>');
    const r = parseApplicationHostConfig(FILE, text);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].file, FILE);
    assert.equal(r.warnings[0].line, 10); // the `</bindingz>` line
    assert.ok(r.endpoints.some((e) => e.port === 44330), 'bindings before the error are still read');
    assert.doesNotThrow(() => parseApplicationHostConfig(FILE, '<<<'));
    assert.equal(parseApplicationHostConfig(FILE, '').warnings.length, 1);
  });

  it('an unparsable bindingInformation on an https binding is a warning on its line', () => {
    const r = parseApplicationHostConfig(FILE, doc('          <binding protocol="https" bindingInformation="*:https:localhost" />'));
    assert.deepEqual(r.endpoints, []);
    assert.equal(r.warnings[0].line, 8);
  });
});
