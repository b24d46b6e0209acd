// One error shape for every answer: {"error": {"code", "message", "issues"?}}. Internal errors never
// leak their message; Temporal being unreachable is a 503, not a 500.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isGrpcServiceError, ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ValidationIssue } from '../domain/case.schemas';
import { ReviewDeskError } from '../activities/review-desk';

export type ErrorCode =
  | 'VALIDATION_FAILED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'DUPLICATE_CASE' | 'CONFLICT'
  | 'RATE_LIMITED' | 'PAYLOAD_TOO_LARGE' | 'UNAVAILABLE' | 'INTERNAL';

// gRPC status codes the Temporal client reports when the server cannot be reached in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, DUPLICATE_CASE: 409,
  CONFLICT: 409, RATE_LIMITED: 429, PAYLOAD_TOO_LARGE: 413, UNAVAILABLE: 503, INTERNAL: 500,
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: ValidationIssue[]; caseId?: string } = {},
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
  if (temporalUnreachable(err)) return new ApiError('UNAVAILABLE', '服务暂时不可用，请稍后重试');
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new ApiError('PAYLOAD_TOO_LARGE', '请求内容过大');
  if (e?.type === 'entity.parse.failed') return new ApiError('VALIDATION_FAILED', '请求内容不是有效的 JSON', { issues: [] });
  return new ApiError('INTERNAL', '系统内部错误');
}

/** Temporal did not answer: a gRPC UNAVAILABLE/DEADLINE_EXCEEDED, or no connection, anywhere in the cause chain. */
function temporalUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) return true;
    if (e instanceof ServiceError && /Failed to connect/.test(e.message)) return true;
  }
  return false;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const apiError = toApiError(err);
  if (apiError.code === 'INTERNAL' || apiError.code === 'UNAVAILABLE') {
    req.log?.error({ err }, 'request failed');
  }
  res.status(apiError.status).json({
    error: { code: apiError.code, message: apiError.message, ...apiError.extra },
  });
};
