// TEST-ONLY payload key for the recorded replay histories. It is committed on purpose: replay has to
// decrypt the histories on any machine, and they hold synthetic fixture data only. Never configure it as
// PAYLOAD_ENCRYPTION_KEY for real cases. (It is sha256 of "birth-one-thing tests/replay TEST-ONLY payload key".)
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../infra/payload-codec';

export const REPLAY_TEST_ONLY_PAYLOAD_KEY_BASE64 = '4iW9eyEy11uQqz3pz9Vsd+0L54IwnAgYiu+gFFSiKYk=';

/**
 * The converter the histories were recorded with: the app's codec with the test-only key, refusing
 * unencrypted payloads as the worker's does (so every recorded history is known to decode under it).
 */
export function replayDataConverter(): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(Buffer.from(REPLAY_TEST_ONLY_PAYLOAD_KEY_BASE64, 'base64'), { refuseUnencrypted: true })] };
}
