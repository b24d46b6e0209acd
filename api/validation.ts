import type { z } from 'zod';
import { toValidationIssues } from '../domain/case.schemas';
import { ApiError } from './errors';

/** Parses a request part with its schema; on failure, a 400 listing every problem by path. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new ApiError('VALIDATION_FAILED', '提交的信息有误，请按提示逐项修改', { issues: toValidationIssues(result.error) });
  }
  return result.data;
}
