// Log redaction covers every personal field at any depth, correction changes and error messages
// included: a full case is logged every way the code might, and the output is grepped (issue 7 item 13).
import { createLogger } from '../../infra/logger';
import { application } from '../helpers/fixtures';

function capture(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger('test', 'debug', { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

test('when a full case, its corrections and errors that quote personal data are logged, then no name, ID number, phone, address or tracking code appears', () => {
  const app = application({ newborn: { name: '李安然' } });
  const trackingCode = '0123456789ABCDEF-GHJKMNPQRSTV';
  const { logger, text } = capture();
  const state = { caseId: 'C1', application: app, trackingCode, events: [{ seq: 1, data: { deep: { deeper: { mother: app.mother } } } }] };
  logger.info({ state }, 'case read');
  logger.info({ case: { nested: { again: { and: { again: { application: app } } } } } }, 'deep');
  logger.info({ body: { changes: { 'mother.phone': '13912345678', 'mother.name': '赵敏', 'delivery.address': '济南市历下区某路8号' }, note: '母亲赵敏来电' } }, 'correction');
  logger.info({ changes: { 'father.idNumber': app.father!.idNumber } }, 'correction at the top');
  logger.error({ err: new Error(`母亲身份证号码 ${app.mother.idNumber} 与手机 ${app.mother.phone} 不符`, { cause: new Error(`code ${trackingCode}`) }) }, 'failed');
  logger.warn(`free text with ${app.father!.idNumber} and ${app.father!.phone}`);
  logger.info({ list: [[{ idNumber: app.mother.idNumber }], { phone: app.mother.phone }] }, 'arrays');

  const out = text();
  expect(out).toContain('C1');
  expect(out).toContain('[redacted]');
  for (const value of [
    app.mother.name, app.mother.idNumber, app.mother.phone, app.father!.name, app.father!.idNumber, app.father!.phone,
    app.newborn.name!, app.delivery.address!, trackingCode, '13912345678', '赵敏', '济南市历下区某路8号',
  ]) {
    expect({ value, found: out.includes(value) }).toEqual({ value, found: false });
  }
  for (const line of out.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
});
