// One error shape for every answer: {"error": {"code", "message", "issues"?}}. Internal errors never
// leak their message; Temporal being unreachable is a 503, not a 500.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import {
  isGrpcServiceError, ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { ValidationIssue } from '../domain/case.schemas';
import { ReviewDeskError } from '../activities/review-desk';

export const ErrorCode = z.enum([
  'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'DUPLICATE_CASE', 'CONFLICT',
  'RATE_LIMITED', 'PAYLOAD_TOO_LARGE', 'METHOD_NOT_ALLOWED', 'UNSUPPORTED_MEDIA_TYPE', 'UNAVAILABLE', 'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

// gRPC status codes the Temporal client reports when the server cannot be reached in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
// The call was cancelled (the request's deadline passed while the channel was busy) or the server shed load:
// Temporal could not serve now, as with the two above.
const GRPC_CANCELLED = 1;
const GRPC_RESOURCE_EXHAUSTED = 8;
const NOT_SERVED_NOW = new Set([GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED, GRPC_CANCELLED, GRPC_RESOURCE_EXHAUSTED]);

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, DUPLICATE_CASE: 409,
  CONFLICT: 409, RATE_LIMITED: 429, PAYLOAD_TOO_LARGE: 413, METHOD_NOT_ALLOWED: 405, UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503, INTERNAL: 500,
};
export const ERROR_CODES = ErrorCode.options;

/** What a 4xx raised by Express or body-parser (bad escape, charset, encoding, JSON) means in our words. */
function fromHttpError(status: number, type: string | undefined): ApiError {
  if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', '请求内容过大');
  if (status === 415) {
    const what = type === 'encoding.unsupported' ? '不支持的内容编码（Content-Encoding）' : '不支持的字符集或内容类型，请使用 UTF-8 的 JSON';
    return new ApiError('UNSUPPORTED_MEDIA_TYPE', what);
  }
  if (status === 404) return notFound();
  if (status === 405) return new ApiError('METHOD_NOT_ALLOWED', '不支持该请求方法');
  if (status === 401) return new ApiError('UNAUTHENTICATED', '缺少登录凭证');
  if (status === 403) return new ApiError('FORBIDDEN', '无权执行此操作');
  if (status === 429) return new ApiError('RATE_LIMITED', '请求过于频繁，请稍后再试');
  if (type === 'entity.parse.failed') return new ApiError('VALIDATION_FAILED', '请求内容不是有效的 JSON', { issues: [] });
  return new ApiError('VALIDATION_FAILED', '请求无效', { issues: [] });
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: ValidationIssue[]; caseId?: string } = {},
    /** for 405: the methods the path answers */
    readonly allow?: string,
  ) {
    super(message);
  }
  get status(): number { return STATUS[this.code]; }
}

export const notFound = (): ApiError => new ApiError('NOT_FOUND', '未找到该办件');

/** Express 5 passes rejected promises to the error handler; this only narrows the types. */
export const route = (fn: RequestHandler): RequestHandler => fn;

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowNotFoundError) return notFound();
  if (err instanceof ReviewDeskError) {
    // The agency's own answer to an officer's decision, in the API's vocabulary.
    const byCode = { NOT_FOUND: notFound(), CONFLICT: new ApiError('CONFLICT', '该审核已有决定'), VALIDATION_FAILED: new ApiError('VALIDATION_FAILED', '审核意见有误', { issues: [] }), UNAVAILABLE: new ApiError('UNAVAILABLE', '审核机构暂时不可用，请稍后重试'), INTERNAL: new ApiError('INTERNAL', '系统内部错误') };
    return byCode[err.code];
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return new ApiError('CONFLICT', err.cause?.message ?? '办件当前状态不允许此操作');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || temporalUnreachable(err)) {
    return new ApiError('UNAVAILABLE', '服务暂时不可用，请稍后重试');
  }
  const http = httpErrorOf(err);
  if (http && http.status >= 400 && http.status < 500) return fromHttpError(http.status, http.type);
  return new ApiError('INTERNAL', '系统内部错误');
}

/** The status (and body-parser's `type`) an error raised by Express or body-parser carries. */
function httpErrorOf(err: unknown): { status: number; type: string | undefined } | null {
  if (typeof err !== 'object' || err === null) return null;
  const status = 'status' in err && typeof err.status === 'number' ? err.status : 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : undefined;
  if (status === undefined) return null;
  return { status, type: 'type' in err && typeof err.type === 'string' ? err.type : undefined };
}

/** Temporal did not answer: a gRPC UNAVAILABLE/DEADLINE_EXCEEDED/CANCELLED/RESOURCE_EXHAUSTED, or no connection, anywhere in the cause chain. */
function temporalUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = causeOf(e), depth++) {
    if (isGrpcServiceError(e) && NOT_SERVED_NOW.has(e.code)) return true;
    if (e instanceof ServiceError && /Failed to connect/.test(e.message)) return true;
  }
  return false;
}

const causeOf = (e: unknown): unknown => (typeof e === 'object' && e !== null && 'cause' in e ? e.cause : undefined);

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const apiError = toApiError(err);
  if (apiError.code === 'INTERNAL' || apiError.code === 'UNAVAILABLE') {
    req.log?.error({ err }, 'request failed');
  }
  if (apiError.code === 'METHOD_NOT_ALLOWED' && err instanceof ApiError && err.allow) res.setHeader('Allow', err.allow);
  res.status(apiError.status).json({
    error: { code: apiError.code, message: apiError.message, ...apiError.extra },
  });
};
