// Page tokens of the case list: the read model's keyset cursor (the last row of the page before), sealed
// with an HMAC over the query it continues (filters and hospital): a made-up or altered token, or one taken
// to another query (another hospital's), is a 400 before anything reaches the database.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

const mac = (key: string, query: string, body: string): Buffer => createHmac('sha256', key).update(`page:${query}:${body}`).digest();

export function sealPageToken(raw: Uint8Array, query: string, key: string): string {
  const body = Buffer.from(raw).toString('base64url');
  return `${body}.${mac(key, query, body).toString('base64url')}`;
}

export function openPageToken(token: string, query: string, key: string): Buffer {
  const [body = '', given = ''] = token.split('.');
  const expected = mac(key, query, body);
  const givenBytes = Buffer.from(given, 'base64url');
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) throw badPageToken();
  return Buffer.from(body, 'base64url');
}

export const badPageToken = (): ApiError =>
  new ApiError('VALIDATION_FAILED', '翻页标记无效', { issues: [{ path: 'pageToken', code: 'INVALID_PAGE_TOKEN', message: '翻页标记无效，请从第一页重新查询' }] });
