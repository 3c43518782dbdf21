'use strict';
// Small helpers the test files share: unique values, and the SDK's errors.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');

/** A short random marker, so records of one test never match another test's filters. */
function marker() {
  return crypto.randomBytes(5).toString('hex');
}

function uniqueEmail(prefix = 'node') {
  return `${prefix}.${marker()}@example.com`;
}

/**
 * Awaits a call that must fail and returns the SDK's `ApiException`, after checking the status
 * it carries (`code`) and that its `body` is HubSpot's parsed JSON error.
 */
async function apiError(promise, status) {
  let error;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `the call should have failed with ${status}`);
  assert.equal(error.constructor.name, 'ApiException', `expected an ApiException, got ${error.stack}`);
  assert.equal(error.code, status, `status: ${error.message}`);
  assert.equal(typeof error.body, 'object', 'the SDK parses a JSON error body into an object');
  assert.equal(error.body.status, 'error');
  assert.equal(typeof error.body.message, 'string');
  assert.match(error.body.correlationId, /^[0-9a-f-]{36}$/);
  assert.equal(error.headers['x-hubspot-correlation-id'], error.body.correlationId);
  assert.match(error.headers['content-type'], /^application\/json/);
  return error;
}

/** Asserts `value` is a valid `Date`, as the SDK makes of every datetime it knows. */
function assertDate(value, label = 'value') {
  assert.ok(value instanceof Date, `${label} should be a Date, got ${typeof value} ${value}`);
  assert.ok(!Number.isNaN(value.getTime()), `${label} should be a valid Date`);
}

/** The ids of `records`, as numbers, for order checks. */
function numericIds(records) {
  return records.map((record) => Number(record.id));
}

module.exports = { marker, uniqueEmail, apiError, assertDate, numericIds };
