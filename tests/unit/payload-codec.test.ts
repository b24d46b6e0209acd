// The payload codec's key ring, encrypted failure text, and the first-start key file (issue 7 item 8).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { LoadedDataConverter } from '@temporalio/common';
import { encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { EncryptionCodec, loadPayloadKeys, parsePayloadKeys } from '../../infra/payload-codec';
import { dataConverter } from '../../infra/temporal';
import { failureConverter } from '../../infra/failure-converter';

const payload = (value: unknown) => defaultPayloadConverter.toPayload(value)!;

test('when the key is rotated, then the ring still decodes what the old key encrypted, and encrypts with the new one', async () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const [sealedOld] = await new EncryptionCodec(oldKey).encode([payload({ name: '王芳' })]);
  const ring = new EncryptionCodec(parsePayloadKeys(`${newKey.toString('base64')},${oldKey.toString('base64')}`));
  expect(defaultPayloadConverter.fromPayload((await ring.decode([sealedOld!]))[0]!)).toEqual({ name: '王芳' });
  const [sealedNew] = await ring.encode([payload('x')]);
  await expect(new EncryptionCodec(oldKey).decode([sealedNew!])).rejects.toThrow(/not in the key ring/);
  expect(defaultPayloadConverter.fromPayload((await new EncryptionCodec(newKey).decode([sealedNew!]))[0]!)).toBe('x');
});

test('when a failure carries personal data in its message and stack, then neither is in the encoded failure in the clear', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codec-'));
  const dc = dataConverter({ PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'), DATA_DIR: dir, ALLOW_DEV_SECRETS: false });
  expect(dc.failureConverterPath).toBe(require.resolve('../../infra/failure-converter'));
  const loaded: LoadedDataConverter = { payloadConverter: defaultPayloadConverter, failureConverter, payloadCodecs: dc.payloadCodecs ?? [] };
  const failure = await encodeErrorToFailure(loaded, ApplicationFailure.nonRetryable('母亲身份证号码 370102199403150128 有误', 'Bad'));
  const bytes = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish());
  expect(bytes.includes(Buffer.from('370102199403150128'))).toBe(false);
  expect(failure.message).not.toContain('370102');
  expect(failure.stackTrace ?? '').toBe('');
});

test('when several processes start at once on an empty data folder, then they all use one development key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codec-race-'));
  const script = `
    require('tsx/cjs');
    const { loadPayloadKeys } = require(${JSON.stringify(require.resolve('../../infra/payload-codec'))});
    process.stdout.write(loadPayloadKeys({ dataDir: ${JSON.stringify(dir)}, allowDevKey: true })[0].toString('base64'));
  `;
  const keys = await Promise.all(Array.from({ length: 6 }, () => new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], (err, stdout) => (err ? reject(err) : resolve(stdout)));
  })));
  expect(new Set(keys).size).toBe(1);
  expect(readFileSync(join(dir, 'payload-encryption.key'), 'utf8')).toBe(keys[0]);
});

test('when no key is configured outside the development stack, then loading refuses', () => {
  expect(() => loadPayloadKeys({ dataDir: mkdtempSync(join(tmpdir(), 'codec-')), allowDevKey: false })).toThrow(/PAYLOAD_ENCRYPTION_KEY/);
  expect(() => parsePayloadKeys('c2hvcnQ=')).toThrow(/32 bytes/);
});
