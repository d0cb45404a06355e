import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT, NotFoundError, UsageError, ValidationError } from '../../image-builder/errors';

test('exit codes are the documented ones', () => {
  assert.equal(EXIT, { OK: 0, FAILED: 1, USAGE: 2, NOT_FOUND: 3 });
  assert.is(new UsageError('x').exitCode, 2);
  assert.is(new ValidationError('x').exitCode, 1);
  assert.is(new NotFoundError('x', { code: 'NO_FILE', path: '/a' }).exitCode, 3);
  assert.is(new NotFoundError('x', { code: 'NO_FILE' }).code, 'NO_FILE');
});

test.run();
