// The TOTP helper against the RFC 6238 appendix B vectors (SHA-1, secret "12345678901234567890").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, hotp, totp, totpStep } from './helpers.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('TOTP helper matches RFC 6238 / RFC 4226 test vectors', () => {
  assert.equal(base32Decode(SECRET).toString('ascii'), '12345678901234567890');
  // RFC 6238 8-digit values, last 6 digits.
  const vectors = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ];
  for (const [t, code] of vectors) assert.equal(totp(SECRET, totpStep(t * 1000)), code, `T=${t}`);
  // RFC 4226 appendix D: HOTP counters 0 and 9.
  assert.equal(hotp(SECRET, 0), '755224');
  assert.equal(hotp(SECRET, 9), '520489');
});
