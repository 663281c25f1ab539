import * as assert from 'node:assert/strict';
describe('harness', () => { it('runs TypeScript tests', () => { const x: number = 1 + 1; assert.equal(x, 2); }); });
