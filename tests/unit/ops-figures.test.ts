// The small pure pieces behind the dashboard and the worker's agency metrics.
import fc from 'fast-check';
import { ApplicationFailure } from '@temporalio/common';
import { AgencyFailureType, AgencyProtocolFailureType } from '../../activities/agency.types';
import { AgencyUnavailableError } from '../../activities/agency-http';
import { percentile } from '../../api/ops.routes';
import { callOutcome } from '../../workers/agency-telemetry';

test('when values are ranked, then the nearest-rank percentile is a value of the set with at least p% at or below it', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    const v = percentile(sorted, p)!;
    expect(sorted).toContain(v);
    expect(sorted.filter((x) => x <= v).length / sorted.length).toBeGreaterThanOrEqual(p / 100);
    expect(sorted.filter((x) => x < v).length / sorted.length).toBeLessThan(p / 100);
  }));
  expect(percentile([], 50)).toBeNull();
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  expect(percentile([1, 2, 3], 50)).toBe(2);
});

test('when an agency call ends, then its outcome tells answers (refused, correction) from failures (unavailable, protocol error, other)', () => {
  expect(callOutcome(ApplicationFailure.create({ type: AgencyFailureType.Refused, nonRetryable: true }))).toBe('refused');
  expect(callOutcome(ApplicationFailure.create({ type: AgencyFailureType.CorrectionRequired, nonRetryable: true }))).toBe('correction');
  expect(callOutcome(ApplicationFailure.create({ type: AgencyProtocolFailureType, nonRetryable: true }))).toBe('protocol_error');
  expect(callOutcome(new AgencyUnavailableError('publicSecurity registerHousehold: 503'))).toBe('unavailable');
  expect(callOutcome(new Error('boom'))).toBe('error');
});
