// Every payload that reaches Temporal (workflow inputs, activity arguments and results, queries,
// updates, and failure messages and stack traces: see dataConverter) is encrypted with AES-256-GCM, so
// names, ID numbers and phones never sit in a history in the clear. Both the API's client and the worker
// use this codec.
//
// Keys form a ring: the first key encrypts; every key decrypts what carries its id (the first 16 hex of
// its SHA-256), so after a rotation old histories still decode as long as the old key stays in the ring.
//
// A payload of COMPRESS_FROM_BYTES or more is deflated before it is encrypted when that saves at least a
// tenth (the memo's audit chunks, the case's application and benefits: JSON with Chinese text, which
// deflates to a third or less). Such a payload says so in its metadata (`payload-compression`), and that
// word is authenticated with the ciphertext (GCM additional data), so it cannot be flipped unnoticed.
// Payloads without it (every one written before compression, or too small) decode as before. Inflating is
// bounded (MAX_INFLATED_BYTES), so no payload can expand without limit on decode.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID_KEY = 'encryption-key-id';
const COMPRESSION_KEY = 'payload-compression';
const DEFLATE_RAW = 'deflate-raw';
const DEFLATE_RAW_AAD = Buffer.from(DEFLATE_RAW);
/** Smaller payloads are not worth a deflate (ids, flags, short results). */
export const COMPRESS_FROM_BYTES = 512;
/** Temporal refuses payloads above 2 MiB by default; nothing we wrote inflates beyond this. */
export const MAX_INFLATED_BYTES = 8 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const payloadKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/**
 * A payload the worker's codec refuses: not encrypted with a key of the ring. Whoever can reach Temporal
 * but holds no payload key (a `temporal workflow update execute` from the CLI) cannot hand the workflow
 * an input, so an update's actor is only ever what a holder of the key (the API) wrote.
 */
export class DataConverterError extends ValueError {}
// ValueError's `name` is a read-only property of its prototype (the SDK's error marker): give ours its own.
Object.defineProperty(DataConverterError.prototype, 'name', { value: 'DataConverterError', enumerable: true });

/**
 * What the worker's codec hands on in place of a payload it refuses: its encoding names the refusal, and no
 * payload converter knows it, so converting it fails with "Unknown encoding: DataConverterError: …" —
 * inside the workflow, where the SDK rejects an update whose input does not convert before accepting it.
 */
export const REFUSED_PAYLOAD: Payload = Object.freeze({
  metadata: { [METADATA_ENCODING_KEY]: encoder.encode('DataConverterError: not encrypted with the payload key') },
  data: new Uint8Array(),
});

export class EncryptionCodec implements PayloadCodec {
  private readonly current: { id: string; key: Buffer };
  private readonly ring: ReadonlyMap<string, Buffer>;

  private readonly compress: boolean;
  private readonly refuseUnencrypted: boolean | 'reject-input';

  /**
   * `keys`: one key, or the ring with the encrypting key first. `compress: false` writes every payload
   * uncompressed (what a fleet runs while processes that predate compression may still read its payloads).
   * `refuseUnencrypted` refuses a payload that is not encrypted with a key of the ring instead of passing it
   * through: `true` throws DataConverterError (replay: every recorded history must decode); `'reject-input'`
   * (the worker) hands on REFUSED_PAYLOAD, which no converter reads — so a forged update is rejected by the
   * SDK before it is accepted (nothing in the history, the case untouched), where a throw here would fail
   * the whole workflow task again and again and hold the case.
   */
  constructor(keys: Buffer | readonly Buffer[], opts: { compress?: boolean; refuseUnencrypted?: boolean | 'reject-input' } = {}) {
    this.compress = opts.compress ?? true;
    this.refuseUnencrypted = opts.refuseUnencrypted ?? false;
    const list = Buffer.isBuffer(keys) ? [keys] : [...keys];
    if (list.length === 0) throw new Error('The payload key ring is empty.');
    for (const key of list) if (key.length !== 32) throw new Error('Every payload key must be 32 bytes.');
    this.ring = new Map(list.map((key) => [payloadKeyId(key), key]));
    this.current = { id: payloadKeyId(list[0] as Buffer), key: list[0] as Buffer };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      let plain: Uint8Array = temporal.api.common.v1.Payload.encode(payload).finish();
      let compressed = false;
      if (this.compress && plain.length >= COMPRESS_FROM_BYTES) {
        const deflated = deflateRawSync(plain);
        if (deflated.length <= plain.length * 0.9) {
          plain = deflated;
          compressed = true;
          cipher.setAAD(DEFLATE_RAW_AAD);
        }
      }
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCODING),
          [KEY_ID_KEY]: encoder.encode(this.current.id),
          ...(compressed ? { [COMPRESSION_KEY]: encoder.encode(DEFLATE_RAW) } : {}),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING) {
        if (this.refuseUnencrypted === 'reject-input') return REFUSED_PAYLOAD;
        if (this.refuseUnencrypted) throw new DataConverterError('Refused a payload that is not encrypted with the payload key (only the API may write to a case).');
        return payload;
      }
      const keyIdBytes = payload.metadata?.[KEY_ID_KEY];
      const key = keyIdBytes ? this.ring.get(decoder.decode(keyIdBytes)) : this.current.key;
      if (!key && this.refuseUnencrypted === 'reject-input') return REFUSED_PAYLOAD;
      if (!key) throw new DataConverterError('Payload was encrypted with a key that is not in the key ring.');
      if (!payload.data) throw new ValueError('Encrypted payload has no data.');
      const compression = payload.metadata?.[COMPRESSION_KEY];
      const compressed = compression !== undefined && compression !== null;
      if (compressed && decoder.decode(compression) !== DEFLATE_RAW) throw new ValueError('Encrypted payload names an unknown compression.');
      const data = Buffer.from(payload.data);
      if (data.length < 28) throw new ValueError('Encrypted payload is too short.');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      if (compressed) decipher.setAAD(DEFLATE_RAW_AAD);
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(compressed ? inflateRawSync(plain, { maxOutputLength: MAX_INFLATED_BYTES }) : plain);
    });
  }
}

/** PAYLOAD_ENCRYPTION_KEY: base64 keys separated by commas, the encrypting one first. */
export function parsePayloadKeys(value: string): Buffer[] {
  const keys = value.split(',').map((s) => s.trim()).filter(Boolean).map((b64) => Buffer.from(b64, 'base64'));
  if (keys.length === 0 || keys.some((k) => k.length !== 32)) {
    throw new Error('PAYLOAD_ENCRYPTION_KEY must be base64 of 32 bytes (a ring: several, comma-separated, the encrypting one first).');
  }
  return keys;
}

/**
 * The ring from PAYLOAD_ENCRYPTION_KEY; else, only on the development stack, one key generated once
 * into the data folder. The worker and the API may both start at once: the key is written to a file of
 * its own and then linked into place, which only one of them can do, and both read the winner's key.
 */
export function loadPayloadKeys(opts: { base64?: string; dataDir: string; allowDevKey: boolean }): Buffer[] {
  if (opts.base64) return parsePayloadKeys(opts.base64);
  if (!opts.allowDevKey) throw new Error('PAYLOAD_ENCRYPTION_KEY is required (ALLOW_DEV_SECRETS=true allows a generated development key).');
  const file = join(opts.dataDir, 'payload-encryption.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    const candidate = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
    writeFileSync(candidate, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(candidate, file); // atomic: fails with EEXIST if another process won
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(candidate);
    }
  }
  return parsePayloadKeys(readFileSync(file, 'utf8'));
}

/** One key, for callers that hold exactly one (kept for the tests and tools that predate the ring). */
export function loadPayloadKey(opts: { base64?: string; dataDir: string; allowDevKey?: boolean }): Buffer {
  return loadPayloadKeys({ ...opts, allowDevKey: opts.allowDevKey ?? true })[0] as Buffer;
}
