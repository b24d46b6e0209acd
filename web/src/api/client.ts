// Talks to the API of the same origin. Every failure becomes an ApiFailure with a Chinese message a
// person can act on: the API's own message when it sent one, a plain sentence otherwise.
import type { ErrorBody, ValidationIssue } from './types';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ValidationIssue[] = [],
    readonly caseId?: string,
  ) {
    super(message);
  }
  /** The back end (or the network to it) is down: worth retrying by itself. */
  get retriable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

const FALLBACK: Record<number, string> = {
  0: '无法连接服务器，请检查网络后重试',
  400: '提交的信息有误，请按提示修改',
  401: '登录已失效，请重新登录',
  403: '无权执行此操作',
  404: '未找到相关信息',
  409: '当前状态不允许此操作，请刷新后再试',
  413: '提交的内容过大',
  429: '操作过于频繁，请稍后再试',
  500: '系统内部错误，请稍后再试',
  502: '服务暂时不可用，正在重试',
  503: '服务暂时不可用，正在重试',
  504: '服务响应超时，正在重试',
};

const hasChinese = (s: unknown): s is string => typeof s === 'string' && /[\u4e00-\u9fff]/.test(s);

/** Called when a staff request finds the session gone (the staff app sends the person to sign in). */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(method === 'POST' || method === 'PUT' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' || method === 'PUT' ? JSON.stringify(body ?? {}) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
  } catch {
    throw new ApiFailure(0, 'NETWORK', FALLBACK[0] as string);
  }
  let parsed: unknown = null;
  const text = await res.text().catch(() => '');
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (res.ok) return parsed as T;
  const err = (parsed as Partial<ErrorBody> | null)?.error;
  const fallback = FALLBACK[res.status] ?? (res.status >= 500 ? (FALLBACK[500] as string) : '请求未能完成，请稍后再试');
  const failure = new ApiFailure(
    res.status,
    typeof err?.code === 'string' ? err.code : 'HTTP_' + res.status,
    hasChinese(err?.message) ? err.message : fallback,
    Array.isArray(err?.issues) ? err.issues.filter((i) => hasChinese(i.message)) : [],
    typeof err?.caseId === 'string' ? err.caseId : undefined,
  );
  if (res.status === 401 && onUnauthenticated) onUnauthenticated();
  throw failure;
}

export const messageOf = (e: unknown): string => (e instanceof ApiFailure ? e.message : '页面出现问题，请刷新后重试');
