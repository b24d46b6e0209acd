// The payload codec's key ring, encrypted failure text, and the first-start key file (issue 7 item 8).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { LoadedDataConverter, Payload } from '@temporalio/common';
import { encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { EncryptionCodec, loadPayloadKeys, parsePayloadKeys, REFUSED_PAYLOAD } from '../../infra/payload-codec';
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

describe('compression before encryption', () => {
  const key = randomBytes(32);
  const codec = new EncryptionCodec(key);
  const decodeValue = async (c: EncryptionCodec, p: Payload): Promise<unknown> => defaultPayloadConverter.fromPayload((await c.decode([p]))[0]!);
  // An audit chunk as the memo holds it: repetitive JSON with Chinese reasons.
  const chunk = Array.from({ length: 8 }, (_, i) => ({
    seq: i + 1, at: `2026-11-29T10:0${i}:00+08:00`, actor: { role: 'system', id: null }, action: 'service.completed',
    service: 'household', attempt: 1, outcome: 'ok', reason: '市公安局已办结户籍登记，请于三个工作日内领取户口簿',
  }));

  test('when a payload is large and repetitive, then it is stored deflated, says so, and decodes to the same value', async () => {
    const plain = payload(chunk);
    const [sealed] = await codec.encode([plain]);
    expect(new TextDecoder().decode(sealed!.metadata!['payload-compression'])).toBe('deflate-raw');
    expect(sealed!.data!.length).toBeLessThan(plain.data!.length / 2);
    expect(await decodeValue(codec, sealed!)).toEqual(chunk);
  });

  test('when a payload is small, then it is stored as before (no compression word)', async () => {
    const [sealed] = await codec.encode([payload({ ok: true })]);
    expect(sealed!.metadata!['payload-compression']).toBeUndefined();
    expect(await decodeValue(codec, sealed!)).toEqual({ ok: true });
  });

  test('when payloads were written uncompressed (before compression, or with it off), then they still decode', async () => {
    const [sealed] = await new EncryptionCodec(key, { compress: false }).encode([payload(chunk)]);
    expect(sealed!.metadata!['payload-compression']).toBeUndefined();
    expect(await decodeValue(codec, sealed!)).toEqual(chunk);
  });

  test('when the compression word is removed, added or changed, then the payload does not decode', async () => {
    const [big] = await codec.encode([payload(chunk)]);
    const [small] = await codec.encode([payload('x')]);
    const { 'payload-compression': _dropped, ...without } = big!.metadata!;
    await expect(codec.decode([{ ...big!, metadata: without }])).rejects.toThrow();
    await expect(codec.decode([{ ...small!, metadata: { ...small!.metadata, 'payload-compression': new TextEncoder().encode('deflate-raw') } }])).rejects.toThrow();
    await expect(codec.decode([{ ...big!, metadata: { ...big!.metadata, 'payload-compression': new TextEncoder().encode('gzip') } }])).rejects.toThrow(/unknown compression/);
  });

  test('when a sealed payload would inflate beyond the bound, then decoding refuses instead of expanding', async () => {
    // Built by hand with the real key: 9 MiB of zeros deflate to a few KiB.
    const bomb = deflateRawSync(Buffer.alloc(9 * 1024 * 1024));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('deflate-raw'));
    const data = Buffer.concat([iv, cipher.update(bomb), cipher.final(), cipher.getAuthTag()]);
    const [shape] = await codec.encode([payload(chunk)]);
    await expect(codec.decode([{ metadata: shape!.metadata, data }])).rejects.toThrow(/buffer|length|exceed/i);
  });

  test('for any JSON value, then encoding and decoding give it back (compressed or not)', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), fc.string({ unit: 'grapheme', maxLength: 800 }), async (value, text) => {
      const v = { value, text, again: text };
      const [sealed] = await codec.encode([payload(v)]);
      expect(await decodeValue(codec, sealed!)).toEqual(JSON.parse(JSON.stringify(v)));
    }), { numRuns: 200 });
  });
});

describe('the worker refuses payloads not encrypted with its ring (finding 4)', () => {
  const key = randomBytes(32);
  const plain = (): Payload[] => [defaultPayloadConverter.toPayload({ changes: { 'delivery.address': '伪造地址' }, actor: { role: 'clerk', id: 'forged' } })];

  test('when a payload arrives in the clear (as `temporal workflow update execute` sends it), then the worker\'s codec throws DataConverterError', async () => {
    const strict = new EncryptionCodec(key, { refuseUnencrypted: true });
    await expect(strict.decode(plain())).rejects.toMatchObject({ name: 'DataConverterError' });
  });

  test('when a payload is encrypted with a key outside the ring, then it is refused too', async () => {
    const foreign = await new EncryptionCodec(randomBytes(32)).encode(plain());
    await expect(new EncryptionCodec(key, { refuseUnencrypted: true }).decode(foreign)).rejects.toMatchObject({ name: 'DataConverterError' });
  });

  test('when the API encrypted it, then the worker decodes it; the API\'s own codec still passes a clear payload through', async () => {
    const strict = new EncryptionCodec(key, { refuseUnencrypted: true });
    const sealed = await new EncryptionCodec(key).encode(plain());
    expect(defaultPayloadConverter.fromPayload((await strict.decode(sealed))[0] as Payload)).toMatchObject({ actor: { id: 'forged' } });
    expect(await new EncryptionCodec(key).decode(plain())).toEqual(plain());
  });

  test('when the worker decodes a clear payload, then it hands on one no converter reads, so the SDK rejects the update before accepting it', async () => {
    const { workerDataConverter } = await import('../../workers/birth-case.worker');
    const dir = mkdtempSync(join(tmpdir(), 'codec-'));
    const converter = workerDataConverter({ DATA_DIR: dir, ALLOW_DEV_SECRETS: true, PAYLOAD_ENCRYPTION_KEY: key.toString('base64'), PAYLOAD_COMPRESSION: true });
    const [refused] = (await converter.payloadCodecs?.[0]?.decode(plain())) ?? [];
    expect(refused).toBe(REFUSED_PAYLOAD);
    expect(() => defaultPayloadConverter.fromPayload(refused as Payload)).toThrow(/DataConverterError: not encrypted with the payload key/);
    const foreign = await new EncryptionCodec(randomBytes(32)).encode(plain());
    expect((await converter.payloadCodecs?.[0]?.decode(foreign))?.[0]).toBe(REFUSED_PAYLOAD);
  });
});
