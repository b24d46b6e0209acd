// The admin's view of the access records (who read which case, in which view, when, from where):
// a page at a time with filters, the whole selection as CSV (streamed), and the hash chain's check.
// And what the parents' page shows of the same records (organisation, role, time; never who).
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { AgencyNameSchema, agencyLabel } from '../domain/catalog';
import { ACCESS_ROLES, ACCESS_VIEWS } from '../infra/access-log';
import type { AccessLog, ParentAccessEntry } from '../infra/access-log';
import type { Config } from '../infra/config';
import { AccessCsvQuery, accessFilter, AccessListQuery } from './access.schemas';
import type { AccessPageView, ParentAccessView } from './access.schemas';
import { requireStaff, staffAuth } from './auth';
import { ApiError } from './errors';
import { parseBody } from './validation';

export const ACCESS_PATHS = { list: '/api/ops/accesses', csv: '/api/ops/accesses.csv', verify: '/api/ops/accesses/verify' } as const;

interface AccessRoutesDeps { accessLog: AccessLog; config: Config }

export function accessRoutes(deps: AccessRoutesDeps): Router {
  const router = Router();
  const adminOnly = requireStaff(staffAuth(deps.config), 'admin');
  router.get(ACCESS_PATHS.list, adminOnly, listAccesses(deps));
  router.get(ACCESS_PATHS.csv, adminOnly, exportAccesses(deps));
  router.get(ACCESS_PATHS.verify, adminOnly, verifyAccesses(deps));
  return router;
}

const unavailable = (): ApiError => new ApiError('UNAVAILABLE', '访问记录库暂时不可用');

const listAccesses = ({ accessLog }: AccessRoutesDeps): RequestHandler => async (req, res) => {
  const q = parseBody(AccessListQuery, req.query);
  const page = await accessLog.query({ ...accessFilter(q), limit: q.pageSize, offset: (q.page - 1) * q.pageSize }).catch(() => { throw unavailable(); });
  const body: AccessPageView = { items: page.items, total: page.total, page: q.page, pageSize: q.pageSize };
  res.json(body);
};

const exportAccesses = ({ accessLog }: AccessRoutesDeps): RequestHandler => async (req, res) => {
  const q = parseBody(AccessCsvQuery, req.query);
  const chunks = accessLog.exportCsv(accessFilter(q), { bom: true });
  // The first chunk (the header) is read before anything is sent: a database that cannot answer is a 503.
  const first = await chunks.next().catch(() => { throw unavailable(); });
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', 'attachment; filename="accesses.csv"');
  if (!first.done) res.write(first.value);
  try {
    for await (const chunk of chunks) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  } catch (err) {
    // headers are gone: cut the answer short, so the client sees a broken download, not a short file
    req.log?.error({ err: (err as Error).message }, 'access export failed midway');
    res.destroy();
  }
};

const verifyAccesses = ({ accessLog }: AccessRoutesDeps): RequestHandler => async (_req, res) => {
  res.json(await accessLog.verify().catch(() => { throw unavailable(); }));
};

/** What the parents' page shows of one record: the organisation by name where the catalog has one, the role in Chinese. */
export function parentAccessView(entries: readonly ParentAccessEntry[]): ParentAccessView {
  return {
    accesses: entries.map((e) => ({
      at: e.at,
      role: e.role,
      roleLabel: ACCESS_ROLES[e.role],
      organisation: organisationView(e.organisation),
      view: e.view,
      viewLabel: ACCESS_VIEWS[e.view],
    })),
  };
}

function organisationView(o: ParentAccessEntry['organisation']): ParentAccessView['accesses'][number]['organisation'] {
  switch (o.kind) {
    case 'hospital':
      return { kind: 'hospital', code: o.hospitalId, label: `医院（${o.hospitalId}）` };
    case 'agency': {
      const known = AgencyNameSchema.safeParse(o.agency);
      return { kind: 'agency', code: o.agency, label: known.success ? agencyLabel(known.data) : `办理机构（${o.agency}）` };
    }
    case 'hall':
      return { kind: 'hall', code: o.hallId, label: `政务服务大厅（${o.hallId}）` };
    default:
      return { kind: 'operations', code: null, label: '系统运维' };
  }
}
