import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personKey } from '../../api/case-identity';
import { createParentLinks } from '../../api/parent-links';

const SECRET = 'test-case-id-secret';
const config = (dir: string) => ({
  DATA_DIR: dir, DATABASE_URL: undefined, DATABASE_SQLITE_FILE: join(dir, 'app.sqlite'),
  DATABASE_STATEMENT_TIMEOUT_MS: 5_000, DATABASE_CONNECT_TIMEOUT_MS: 5_000, DATABASE_POOL_MAX: 2, CASE_ID_SECRET: SECRET,
});

describe('parent links', () => {
  it('finds what a phone was linked to, once, and nothing for another phone', async () => {
    const links = createParentLinks(config(mkdtempSync(join(tmpdir(), 'links-'))));
    await links.link(['13800138000', '13800138000', '13900139000'], 'case', 'CASE1');
    await links.link(['13800138000'], 'case', 'CASE1');
    await links.link(['13800138000'], 'registration', 'REG1');
    expect(await links.refs(personKey('phone', '13800138000', SECRET), 'case')).toEqual(['CASE1']);
    expect(await links.refs(personKey('phone', '13900139000', SECRET), 'case')).toEqual(['CASE1']);
    expect(await links.refs(personKey('phone', '13800138000', SECRET), 'registration')).toEqual(['REG1']);
    expect(await links.refs(personKey('phone', '13700137000', SECRET), 'case')).toEqual([]);
    expect(await links.refs(personKey('phone', '13800138000', 'another-secret'), 'case')).toEqual([]);
  });

  it('links keyed ID hashes too (a registration found by the real-name ID, whatever the phone), never mixing them with phones', async () => {
    const links = createParentLinks(config(mkdtempSync(join(tmpdir(), 'links-'))));
    const idKey = personKey('idNumber', '370102199403150026', SECRET);
    await links.linkKeys([idKey, idKey], 'registration', 'REG2');
    await links.linkKeys([idKey], 'registration', 'REG2');
    expect(await links.refs(idKey, 'registration')).toEqual(['REG2']);
    expect(await links.refs(idKey, 'case')).toEqual([]);
    // the same digits as a phone's key are another key
    expect(await links.refs(personKey('phone', '370102199403150026', SECRET), 'registration')).toEqual([]);
  });
});
