/**
 * A default is defined once (core/checkDefaults.ts, re-exported by core/check.ts); package.json declares
 * the settings' defaults again for VS Code's settings UI, so this holds the two together: changing one
 * without the other fails here instead of the CLI, the extension and the language server disagreeing.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkCommand } from '../../src/cli/commands/check';
import { repairCommand } from '../../src/cli/commands/repair';
import { DEFAULT_EXPIRING_SOON_DAYS, DEFAULT_TIMEOUT_MS } from '../../src/core/check/defaults';
import { DEFAULT_SERVER_SETTINGS } from '../../src/protocol';

interface ConfigurationSection { properties?: Record<string, { default?: unknown }> }

function settingDefault(key: string): unknown {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const conf: ConfigurationSection | ConfigurationSection[] = pkg.contributes.configuration;
  const props = (Array.isArray(conf) ? conf : [conf]).map(c => c.properties?.[key]).find(p => p !== undefined);
  assert.ok(props, `package.json contributes no setting ${key}`);
  return props.default;
}

describe('defaults are defined once', () => {
  it('package.json: devcertDoctor.timeoutMs and expiringSoonDays default to the core constants', () => {
    assert.equal(settingDefault('devcertDoctor.timeoutMs'), DEFAULT_TIMEOUT_MS);
    assert.equal(settingDefault('devcertDoctor.expiringSoonDays'), DEFAULT_EXPIRING_SOON_DAYS);
  });

  it('the language server and the CLI help use the same values', () => {
    assert.equal(DEFAULT_SERVER_SETTINGS.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(DEFAULT_SERVER_SETTINGS.expiringSoonDays, DEFAULT_EXPIRING_SOON_DAYS);
    assert.match(checkCommand.help, new RegExp(`--timeout MS .*\\(default ${DEFAULT_TIMEOUT_MS},`));
    assert.match(checkCommand.help, new RegExp(`--expiring-days N .*\\(default ${DEFAULT_EXPIRING_SOON_DAYS},`));
    assert.match(repairCommand.help, new RegExp(`--timeout MS .*\\(default ${DEFAULT_TIMEOUT_MS},`));
  });
});
