// History ⇄ Temporal's JSON history format (as `temporal workflow show --output json` and the Web UI
// export it). Does what historyToJSON/historyFromJSON in @temporalio/common/lib/proto-utils do; those
// throw "type must be a Type" in this install, where npm nests two copies of protobufjs 8 (under
// @temporalio/common and @temporalio/proto) and common's protojson rejects types reflected by proto's
// copy. So the protojson used here is the one from the copy @temporalio/proto reflects with.
import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { History } from '@temporalio/common/lib/proto-utils';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');
const HistoryMessage = proto.temporal.api.history.v1.History;

export function historyToJson(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, HistoryMessage.fromObject(history)), null, 2);
}

/** A History message (int64 as Long), which Worker.runReplayHistory takes as is, without its own JSON parsing. */
export function historyFromJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('Not a history: expected an object with an array of events');
  }
  // tolerate fields a newer server or SDK adds, as the SDK's own loader does
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
